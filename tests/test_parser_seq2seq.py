"""The seq2seq scene-graph backend: FACTUAL output parsing, caption spans, generation plumbing, selection.

A random tiny T5 (d_model 32, 2 layers) generates garbage, so the output parser is tested on strings and
the model only for plumbing: batching, limits, dtype, progress bar, order, one valid graph per caption.
Its tokenizer is a sentencepiece model trained here, in well under a second, on template captions; the
checkpoint folder holds only ``spiece.model`` for it, so loading goes through transformers' conversion.
"""

import io
import json
import logging
import random
import shutil
import subprocess
import sys
import textwrap

import pytest
import torch
from transformers import AutoProcessor, T5Config, T5ForConditionalGeneration, T5Tokenizer

from processing import (
    RULES,
    SceneGraph,
    Seq2SeqSceneGraphParser,
    StructureCLIPProcessor,
    build_negatives,
    load_scene_graph_parser,
    parse_factual_text,
    scene_graph_cache,
    scene_graph_from_factual_text,
    scene_graph_seq2seq,
)
from processing.scene_graph_seq2seq import resolve_device, resolve_dtype
from tests.tiny_processors import make_tiny_bert_tokenizer, make_tiny_clip_tokenizer, make_tiny_image_processor


NOUNS = "man woman dog cat horse car bus table tree street girl boy kite bench plate".split()
ADJECTIVES = "red white black small big old young wooden".split()
RELATIONS = {"riding": "ride", "next to": "next to", "on": "on", "sitting on": "sit on", "holding": "hold"}
CAPTIONS = ["A man riding a horse.", "", "a red car next to a white dog", "<b> </b>!", "two cats on a table"]


def template_corpus(count: int = 3000) -> list[str]:
    """Captions and their FACTUAL graphs, so both sides of the task have pieces in the vocabulary."""
    rng = random.Random(0)
    lines = []
    for _ in range(count):
        subject, obj = rng.sample(NOUNS, 2)
        adjective, (surface, predicate) = rng.choice(ADJECTIVES), rng.choice(list(RELATIONS.items()))
        lines.append(f"Generate Scene Graph: a {adjective} {subject} {surface} the {obj}")
        lines.append(f"( {subject} , {predicate} , {obj} ) , ( {subject} , is , {adjective} )")
    return lines


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A folder with a random tiny T5 and a freshly trained sentencepiece model (spiece.model only)."""
    import sentencepiece

    folder = tmp_path_factory.mktemp("tiny_factual_t5")
    model_file = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(template_corpus()),
        model_writer=model_file,
        vocab_size=120,
        model_type="unigram",
        hard_vocab_limit=False,
        character_coverage=1.0,
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    (folder / "spiece.model").write_bytes(model_file.getvalue())
    tokenizer = T5Tokenizer.from_pretrained(folder, extra_ids=0)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    torch.manual_seed(0)
    T5ForConditionalGeneration(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_parser(checkpoint):
    return Seq2SeqSceneGraphParser(str(checkpoint), device="cpu", max_new_tokens=12, batch_size=2)


# --------------------------------------------------------------------------------------------
# The tokenizer


def test_t5_tokenizer_loads_the_trained_sentencepiece_model(checkpoint):
    tokenizer = T5Tokenizer.from_pretrained(checkpoint, extra_ids=0)
    caption = "a red car next to the white dog"
    ids = tokenizer(caption)["input_ids"]
    assert ids[-1] == tokenizer.eos_token_id == 1 and tokenizer.pad_token_id == 0
    assert tokenizer.unk_token_id not in ids  # every word is covered by the trained pieces
    assert tokenizer.decode(ids, skip_special_tokens=True) == caption
    assert len(tokenizer) > 50  # the trained vocabulary, not the 4-token placeholder


# --------------------------------------------------------------------------------------------
# Output parsing on strings


def test_well_formed_output_gives_relations_attributes_and_lone_objects():
    facts = parse_factual_text("( pigs , is , 2 ) , ( bags , on back of , pigs ) , ( pigs , fly on , sky ) , ( dog )")
    assert facts.relations == [("bags", "on back of", "pigs"), ("pigs", "fly on", "sky")]
    assert facts.attributes == [("pigs", "2")]
    assert facts.objects == ["pigs", "bags", "sky", "dog"]
    assert facts.problems == []


def test_id_checkpoint_marks_are_dropped():
    facts = parse_factual_text("( monkey , v:sit next to , monkey:1 ) , ( car , pv:park on , ground )")
    assert facts.relations == [("monkey", "sit next to", "monkey"), ("car", "park on", "ground")]
    assert facts.problems == []


@pytest.mark.parametrize(
    "text, kept_relations, problem",
    [
        ("( a , b", [], "outside"),
        ("", [], "empty"),
        ("   ", [], "empty"),
        ("( man , ride , horse ) ) , ( dog", [("man", "ride", "horse")], "outside"),
        ("((( man , , horse ) , ( man , ride , horse )", [("man", "ride", "horse")], "empty slot"),
        ("( man , ride ) , ( a , b , c , d ) , ( x , y , z )", [("x", "y", "z")], "slots"),
        ("no graph at all", [], "outside"),
        ("( man , ride , horse ) , " * 5000 + "( man , ride", [("man", "ride", "horse")], "outside"),
    ],
)
def test_malformed_output_keeps_the_well_formed_facts_and_reports_the_rest(text, kept_relations, problem):
    facts = parse_factual_text(text)
    assert facts.relations == kept_relations
    assert any(problem in message for message in facts.problems), facts.problems
    graph, problems = scene_graph_from_factual_text("a man riding a horse", text)
    assert isinstance(graph, SceneGraph) and graph.relations == kept_relations and problems == facts.problems


def test_repeated_facts_are_dropped_and_counted_without_a_problem():
    facts = parse_factual_text("( child , block , ball ) , ( child , block , ball ) , ( child:1 , block , ball )")
    assert facts.relations == [("child", "block", "ball")]
    assert (facts.duplicates, facts.problems) == (2, [])


def test_every_gold_graph_of_the_dev_split_reads_cleanly(shared_data_dir):
    import csv

    with open(shared_data_dir / "factual" / "random_dev.csv", newline="", encoding="utf-8") as handle:
        gold_texts = [row["scene_graph"] for row in csv.DictReader(handle)]
    for text in gold_texts:
        facts = parse_factual_text(text)
        # Read independently, the way FACTUAL's utilities split a graph string: on ") ,".
        groups = [group.strip().strip("()").strip() for group in text.split(") ,")]
        triples = [group for group in groups if group.count(",") == 2]
        lone_objects = [group for group in groups if "," not in group]
        assert facts.problems == [], text
        assert len(facts.relations) + len(facts.attributes) + facts.duplicates == len(triples), text
        assert set(lone_objects) <= set(facts.objects), text


def test_very_long_reports_are_shortened():
    facts = parse_factual_text("( " + "word " * 1000)
    assert facts.problems and all(len(message) < 200 for message in facts.problems)


# --------------------------------------------------------------------------------------------
# Caption spans


def spans_text(graph: SceneGraph) -> dict:
    caption = graph.caption
    return {
        "relations": [(caption[slice(*s)], caption[slice(*o)]) for s, o in graph.relation_spans],
        "attributes": [caption[slice(*span)] for span in graph.attribute_spans],
    }


def test_spans_cover_noun_phrases_and_attribute_words():
    graph, _ = scene_graph_from_factual_text(
        "A red car next to a white dog.", "( car , is , red ) , ( dog , is , white ) , ( car , next to , dog )"
    )
    assert spans_text(graph) == {"relations": [("A red car", "a white dog")], "attributes": ["red", "white"]}
    negative = build_negatives([graph], seed=0, strategy="relation_only").outcomes[0].negative
    assert negative.caption == "A white dog next to a red car."
    assert negative.triples[0] == ("dog", "next to", "car")


def test_number_words_plurals_and_same_named_nodes_are_located():
    graph, _ = scene_graph_from_factual_text("two dogs chasing a dog", "( dogs , is , 2 ) , ( dogs , chase , dog )")
    assert spans_text(graph) == {"relations": [("two dogs", "a dog")], "attributes": ["two"]}
    assert graph.objects == ["dogs", "dog"]  # names as generated: FACTUAL keeps plurals


def test_attribute_span_is_the_occurrence_next_to_its_object():
    graph, _ = scene_graph_from_factual_text(
        "a white cat and a white dog on a bench", "( dog , is , white ) , ( dog , on , bench ) , ( cat , is , white )"
    )
    assert graph.attribute_spans == [(18, 23), (2, 7)]


@pytest.mark.parametrize(
    "caption, text",
    [
        ("men riding horses", "( man , ride , horses )"),  # irregular plural: "man" is not in the caption
        ("a dog next to a dog and a dog", "( dog , next to , dog )"),  # three dogs: which two?
    ],
)
def test_unlocatable_names_leave_the_spans_to_the_negative_builder(caption, text):
    graph, _ = scene_graph_from_factual_text(caption, text)
    assert graph.relation_spans is None
    outcome = build_negatives([graph], seed=0).outcomes[0]
    assert outcome.negative is None  # the fallback swaps only names that occur exactly once


def test_repeated_names_resolve_to_the_nearest_unique_partner():
    caption = "a man in an orange shirt next to a woman in a white shirt"
    graph, _ = scene_graph_from_factual_text(
        caption, "( man , in , shirt ) , ( woman , in , shirt ) , ( shirt , is , orange ) , ( shirt , is , white )"
    )
    assert spans_text(graph)["relations"] == [("a man", "an orange shirt"), ("a woman", "a white shirt")]
    tie, _ = scene_graph_from_factual_text("a shirt on a man in a shirt", "( man , in , shirt )")
    assert spans_text(tie)["relations"] == [("a man", "a shirt")] and tie.relation_spans[0][1] == (20, 27)
    both_repeated, _ = scene_graph_from_factual_text("a man and a man in a shirt and a shirt", "( man , in , shirt )")
    assert both_repeated.relation_spans is None


def test_longer_node_names_and_joined_words():
    graph, _ = scene_graph_from_factual_text(
        "a coffee cup with coffee inside next to a cell phone",
        "( coffee , in , coffee cup ) , ( coffee cup , next to , cellphone )",
    )
    assert spans_text(graph)["relations"] == [("coffee", "a coffee cup"), ("a coffee cup", "a cell phone")]


def test_objects_follow_the_caption_order():
    graph, _ = scene_graph_from_factual_text("a kite above a tree near a boy", "( boy ) , ( tree ) , ( kite )")
    assert graph.objects == ["kite", "tree", "boy"]


# --------------------------------------------------------------------------------------------
# Generation plumbing with the tiny T5


def test_parse_batch_gives_one_valid_graph_per_caption_in_order(tiny_parser):
    graphs = tiny_parser.parse_batch(CAPTIONS)
    assert [graph.caption for graph in graphs] == CAPTIONS
    assert all(isinstance(graph, SceneGraph) for graph in graphs)
    assert graphs[1].is_empty() and graphs[3].is_empty()  # no words outside tags: the model is not run
    assert tiny_parser.parse(CAPTIONS[0]).caption == CAPTIONS[0]
    assert tiny_parser.parse_batch(CAPTIONS) == graphs  # greedy decoding is deterministic


def test_batches_and_token_limits_reach_generate(tiny_parser, monkeypatch):
    calls = []
    real_generate = tiny_parser.model.generate

    def recording_generate(**kwargs):
        output = real_generate(**kwargs)
        calls.append((kwargs["input_ids"].shape[0], kwargs["max_new_tokens"], output.shape[1]))
        return output

    monkeypatch.setattr(tiny_parser.model, "generate", recording_generate)
    tiny_parser.generate_texts(CAPTIONS, batch_size=2)
    assert [size for size, _, _ in calls] == [2, 1]  # 3 captions with words, 2 per batch
    assert all(limit == 12 and length <= 1 + 12 for _, limit, length in calls)
    calls.clear()
    tiny_parser.generate_texts(CAPTIONS * 3)  # the parser's own batch_size (2)
    assert [size for size, _, _ in calls] == [2, 2, 2, 2, 1]


def test_order_is_restored_after_length_sorting(tiny_parser, monkeypatch):
    monkeypatch.setattr(tiny_parser, "_generate", lambda prompts, counts: [f"( {p.split()[-1]} )" for p in prompts])
    captions = ["a b c d e f g dog", "cat", "x y <i>horse</i>", "", "p q r s man"]
    texts = tiny_parser.generate_texts(captions, batch_size=2)
    assert texts == ["( dog )", "( cat )", "( horse )", None, "( man )"]  # tags are not sent to the model


def test_malformed_generations_give_graphs_and_one_warning(tiny_parser, monkeypatch, caplog):
    captions = ["a man riding", "a cat", "a dog on a bench"]
    outputs = dict(zip(captions, ["( man , ride", "", "( dog , on , bench ) ) ) ( ( ("], strict=False))
    monkeypatch.setattr(
        tiny_parser,
        "_generate",
        lambda prompts, counts: [outputs[p.removeprefix("Generate Scene Graph: ")] for p in prompts],
    )
    with caplog.at_level(logging.WARNING, logger=scene_graph_seq2seq.__name__):
        graphs = tiny_parser.parse_batch(captions, batch_size=8)
    assert [graph.relations for graph in graphs] == [[], [], [("dog", "on", "bench")]]
    warnings = [record for record in caplog.records if "malformed" in record.getMessage()]
    assert len(warnings) == 1 and "3 of 3" in warnings[0].getMessage()


def test_limits_are_reported(checkpoint, monkeypatch, caplog):
    parser = Seq2SeqSceneGraphParser(str(checkpoint), device="cpu", max_input_tokens=4, max_new_tokens=1)
    eos = parser.tokenizer.eos_token_id
    for last_token, warned in ((eos + 5, True), (eos, False)):
        caplog.clear()
        monkeypatch.setattr(
            parser.model, "generate", lambda last_token=last_token, **kwargs: torch.tensor([[0, last_token]])
        )
        with caplog.at_level(logging.WARNING, logger=scene_graph_seq2seq.__name__):
            parser.parse_batch(["a red car next to a white dog"])
        messages = " ".join(record.getMessage() for record in caplog.records)
        assert "1 caption(s) longer than max_input_tokens=4" in messages
        assert ("reached max_new_tokens=1" in messages) == warned


def test_progress_bar_only_when_asked(tiny_parser, capfd):
    tiny_parser.generate_texts(CAPTIONS[:1], show_progress=True)
    assert "parsing captions" in capfd.readouterr().err
    tiny_parser.generate_texts(CAPTIONS[:1])
    assert "parsing captions" not in capfd.readouterr().err


def test_device_and_dtype_choices(checkpoint):
    parser = Seq2SeqSceneGraphParser(str(checkpoint), device="cpu", dtype="bfloat16", max_new_tokens=4)
    assert parser.device == torch.device("cpu")
    assert {p.dtype for p in parser.model.parameters()} == {torch.bfloat16}
    assert parser.generation_settings["dtype"] == "bfloat16"
    assert len(parser.parse_batch(["a dog on a bench", "a cat"])) == 2
    assert resolve_dtype(None, torch.device("cpu")) == torch.float32
    assert resolve_dtype("torch.float16", torch.device("cpu")) == torch.float16
    with pytest.raises(ValueError, match="dtype"):
        resolve_dtype("int8", torch.device("cpu"))
    with pytest.raises(ValueError, match="device"):
        resolve_device("no-such-device")


def test_bad_arguments_fail_at_the_boundary(tiny_parser, checkpoint):
    with pytest.raises(TypeError, match="list of captions"):
        tiny_parser.parse_batch("a dog")
    with pytest.raises(TypeError, match=r"captions\[1\]"):
        tiny_parser.parse_batch(["a dog", 3])
    with pytest.raises(ValueError, match="batch_size"):
        tiny_parser.parse_batch(["a dog"], batch_size=0)
    with pytest.raises(ValueError, match="max_new_tokens"):
        Seq2SeqSceneGraphParser(str(checkpoint), max_new_tokens=0)


# --------------------------------------------------------------------------------------------
# Selection by one string


def test_load_scene_graph_parser_picks_the_backend(checkpoint):
    assert isinstance(load_scene_graph_parser(str(checkpoint), device="cpu"), Seq2SeqSceneGraphParser)
    with pytest.raises(TypeError, match="scene_graph_parser"):
        load_scene_graph_parser(42)
    pytest.importorskip("spacy")
    try:
        rules = load_scene_graph_parser(RULES)
    except OSError as error:
        pytest.skip(f"no English spaCy pipeline installed: {error}")
    assert type(rules).__name__ == "SceneGraphParser"


def test_unreachable_hub_id_says_to_download_it_once(monkeypatch):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "is_offline_mode", lambda: True)
    with pytest.raises(OSError, match="Download it once") as raised:
        load_scene_graph_parser("nobody-here/no-such-scene-graph-parser")
    assert "local folder" in str(raised.value)
    with pytest.raises(OSError, match="no folder at"):
        load_scene_graph_parser("./no/such/parser/folder")


def test_processor_saves_and_reloads_the_parser_setting(checkpoint, tmp_path):
    processor = StructureCLIPProcessor(
        make_tiny_image_processor(),
        make_tiny_clip_tokenizer(),
        make_tiny_bert_tokenizer(),
        scene_graph_parser=str(checkpoint),
    )
    processor.save_pretrained(tmp_path)
    saved = json.loads((tmp_path / "processor_config.json").read_text())
    assert saved["scene_graph_parser"] == str(checkpoint)
    for name in ("scene_graph_backends.py", "scene_graph_seq2seq.py", "scene_graph_factual_format.py"):
        assert (tmp_path / name).is_file(), name  # the remote code needs them
    loaded = AutoProcessor.from_pretrained(tmp_path, trust_remote_code=True)
    assert loaded.scene_graph_parser == str(checkpoint)
    batch = loaded(text=["a man riding a horse", "a dog"], negatives="auto")
    assert batch["head_ids"].shape[:2] == (2, loaded.max_triples)
    with pytest.raises(TypeError, match="scene_graph_parser"):
        StructureCLIPProcessor(
            make_tiny_image_processor(),
            make_tiny_clip_tokenizer(),
            make_tiny_bert_tokenizer(),
            scene_graph_parser=None,
        )


FRESH_PROCESS = textwrap.dedent(
    """
    import importlib.abc, json, sys

    class BlockOurPackages(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("processing", "modeling_structure_clip"):
                raise ImportError(f"{name} is hidden in this test")
            return None

    sys.meta_path.insert(0, BlockOurPackages())
    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(sys.argv[1], trust_remote_code=True)
    graphs = processor.parse(["a man riding a horse", "", "a red car"])
    print(json.dumps({"module": type(processor).__module__, "setting": processor.scene_graph_parser,
                      "captions": [graph.caption for graph in graphs], "spacy": "spacy" in sys.modules}))
    """
)


def test_fresh_process_parses_with_the_saved_seq2seq_setting(checkpoint, tmp_path):
    processor = StructureCLIPProcessor(
        make_tiny_image_processor(),
        make_tiny_clip_tokenizer(),
        make_tiny_bert_tokenizer(),
        scene_graph_parser=str(checkpoint),
    )
    processor.save_pretrained(tmp_path / "saved")
    env = {
        "HF_HUB_OFFLINE": "1",
        "HF_MODULES_CACHE": str(tmp_path / "modules"),
        "OMP_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-I", "-c", FRESH_PROCESS, str(tmp_path / "saved")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    reply = json.loads(result.stdout.strip().splitlines()[-1])
    assert reply["module"].startswith("transformers_modules")
    assert reply["setting"] == str(checkpoint)
    assert reply["captions"] == ["a man riding a horse", "", "a red car"]
    assert reply["spacy"] is False  # the seq2seq backend never loads spaCy


# --------------------------------------------------------------------------------------------
# Dataset cache


def test_cache_fingerprint_follows_the_checkpoint_contents(checkpoint, tmp_path):
    datasets = pytest.importorskip("datasets")
    data = datasets.Dataset.from_dict({"caption": ["a man riding a horse", "a dog", ""]})
    options = {"seed": 0}
    first = scene_graph_cache.scene_graph_fingerprint(data, None, options, str(checkpoint))
    assert scene_graph_cache.scene_graph_fingerprint(data, None, options, str(checkpoint)) == first
    copy = tmp_path / "copy"
    shutil.copytree(checkpoint, copy)
    assert scene_graph_cache.scene_graph_fingerprint(data, None, options, str(copy)) == first  # same files
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps({**config, "num_heads": 2}))
    assert scene_graph_cache.scene_graph_fingerprint(data, None, options, str(copy)) != first


def test_cache_parses_with_the_seq2seq_parser(checkpoint, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    calls = []
    real = scene_graph_cache.parse_captions
    monkeypatch.setattr(
        scene_graph_cache,
        "parse_captions",
        lambda captions, *settings: calls.append(settings) or real(captions, *settings),
    )
    data = datasets.Dataset.from_dict({"caption": ["a man riding a horse", "a dog", ""]})
    out = scene_graph_cache.add_scene_graph_columns(
        data, scene_graph_parser=str(checkpoint), build_negatives=True, cache_dir=str(tmp_path / "cache")
    )
    assert calls == [(None, str(checkpoint))]  # no spaCy model involved
    assert len(out) == 3 and all(isinstance(row["triples"], list) for row in out)
    again = scene_graph_cache.add_scene_graph_columns(
        data, scene_graph_parser=str(checkpoint), build_negatives=True, cache_dir=str(tmp_path / "cache")
    )
    assert len(calls) == 1 and again.to_list() == out.to_list()  # read back from the Arrow cache
