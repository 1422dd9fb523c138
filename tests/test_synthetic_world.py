"""The synthetic world: determinism, swap correctness, dataset shape, offline tokenizers."""

import numpy as np
import pytest

from structure_clip.synthetic.world import (
    COLOURS,
    SHAPES,
    attribute_swap,
    build_synthetic_dataset,
    build_synthetic_tokenizers,
    generate_split,
    relation_holds,
    relation_swap,
    render_scene,
    sample_scene,
)


SMALL_SPLITS = {"train": 12, "validation": 4, "test_relation_swap": 6, "test_attribute_swap": 6, "test_retrieval": 8}
PAIR_COLUMNS = {"image", "caption", "triples", "negative_caption", "negative_triples"}


@pytest.fixture(scope="module")
def small_dataset():
    return build_synthetic_dataset(seed=3, split_sizes=SMALL_SPLITS)


def _pixels(image):
    return np.asarray(image).tobytes()


def test_same_seed_gives_identical_records():
    first = list(generate_split("train", 20, seed=7))
    second = list(generate_split("train", 20, seed=7))
    for a, b in zip(first, second, strict=False):
        assert a["caption"] == b["caption"] and a["negative_caption"] == b["negative_caption"]
        assert a["triples"] == b["triples"]
        assert _pixels(a["image"]) == _pixels(b["image"])


def test_different_seeds_and_splits_differ():
    captions = lambda split, seed: [r["caption"] for r in generate_split(split, 20, seed=seed)]
    assert captions("train", 0) != captions("train", 1)
    assert captions("train", 0) != captions("validation", 0)


def test_dataset_has_contract_splits_and_columns(small_dataset):
    assert set(small_dataset) == set(SMALL_SPLITS)
    for split, size in SMALL_SPLITS.items():
        assert small_dataset[split].num_rows == size
        assert set(small_dataset[split].column_names) == PAIR_COLUMNS
    record = small_dataset["train"][0]
    assert record["image"].size == (48, 48) and record["image"].mode == "RGB"


def test_triples_are_relations_first_then_attributes(small_dataset):
    for record in small_dataset["train"]:
        relation, *attributes = record["triples"]
        assert relation[1] in ("left of", "right of", "above", "below")
        assert [t[1] for t in attributes] == ["is"] * 4
        subject, _, other = relation
        assert subject != other and subject in SHAPES and other in SHAPES
        (_, _, subject_size), (_, _, subject_colour), (_, _, other_size), (_, _, other_colour) = attributes
        expected = f"a {subject_size} {subject_colour} {subject} {relation[1]} a {other_size} {other_colour} {other}"
        assert record["caption"] == expected


def test_caption_relation_holds_in_the_scene():
    rng = np.random.default_rng(0)
    for _ in range(200):
        scene = sample_scene(rng, grid_size=3)
        assert relation_holds(scene.subject, scene.relation, scene.object)


def test_relation_swap_is_false_and_keeps_words():
    rng = np.random.default_rng(1)
    for _ in range(200):
        scene = sample_scene(rng, grid_size=3)
        swapped = relation_swap(scene)
        assert swapped.caption() != scene.caption()
        assert sorted(swapped.caption().split()) == sorted(scene.caption().split())
        # Same picture, swapped caption: the relation it states does not hold in the picture.
        assert not relation_holds(swapped.subject, swapped.relation, swapped.object)
        assert swapped.triples()[0] == (scene.object.shape, scene.relation, scene.subject.shape)


def test_attribute_swap_exchanges_between_two_objects():
    rng = np.random.default_rng(2)
    for _ in range(200):
        scene = sample_scene(rng, grid_size=3)
        swapped = attribute_swap(scene, rng)
        assert swapped.caption() != scene.caption()
        assert sorted(swapped.caption().split()) == sorted(scene.caption().split())
        # Shapes and positions stay; only attributes move between the (different) objects.
        assert (swapped.subject.shape, swapped.object.shape) == (scene.subject.shape, scene.object.shape)
        assert swapped.triples()[0] == scene.triples()[0]
        described = lambda s: {(o.shape, o.colour, o.size) for o in (s.subject, s.object)}
        assert described(swapped) != described(scene)
        pool = lambda s: sorted([s.subject.colour, s.object.colour, s.subject.size, s.object.size])
        assert pool(swapped) == pool(scene)


def test_test_splits_use_the_named_swap(small_dataset):
    for record in small_dataset["test_relation_swap"]:
        assert record["negative_triples"][0] == [
            record["triples"][0][2],
            record["triples"][0][1],
            record["triples"][0][0],
        ]
    for record in small_dataset["test_attribute_swap"]:
        assert record["negative_triples"][0] == record["triples"][0]
        assert record["negative_triples"] != record["triples"]


def test_retrieval_split_has_one_scene_per_meaning():
    records = list(generate_split("test_retrieval", 60, seed=0))
    captions = [r["caption"] for r in records]
    assert len(set(captions)) == len(captions)


def test_render_places_colour_in_the_object_cell():
    scene = sample_scene(np.random.default_rng(5), grid_size=3)
    pixels = np.asarray(render_scene(scene, grid_size=3, cell_px=16)).astype(int)
    for scene_object in (scene.subject, scene.object):
        cell = pixels[
            scene_object.row * 16 : (scene_object.row + 1) * 16,
            scene_object.column * 16 : (scene_object.column + 1) * 16,
        ]
        colour = np.array(COLOURS[scene_object.colour])
        assert (np.abs(cell - colour).sum(-1) == 0).sum() > 10
    assert pixels.sum() > 0


def test_clip_tokenizer_is_word_level_with_eos_largest(tmp_path):
    clip_tokenizer, bert_tokenizer = build_synthetic_tokenizers(tmp_path)
    caption = "a small red circle left of a large blue square"
    ids = clip_tokenizer(caption)["input_ids"]
    assert len(ids) == len(caption.split()) + 2
    assert ids[-1] == clip_tokenizer.eos_token_id == max(clip_tokenizer.get_vocab().values())
    assert clip_tokenizer.unk_token_id not in ids[1:-1]
    phrase = bert_tokenizer("left of", padding="max_length", max_length=5)["input_ids"]
    assert bert_tokenizer.convert_ids_to_tokens(phrase) == ["[CLS]", "left", "of", "[SEP]", "[PAD]"]
    assert (tmp_path / "tokenizer").is_dir() and (tmp_path / "triple_tokenizer").is_dir()


def test_curriculum_split_uses_only_canonical_wording():
    records = list(generate_split("train_curriculum", 60, seed=0))
    relations = {record["triples"][0][1] for record in records}
    assert relations == {"left of", "above"}
    dataset = build_synthetic_dataset(seed=0, split_sizes={**SMALL_SPLITS, "train_curriculum": 5, "validation": 0})
    assert "train_curriculum" in dataset and "validation" not in dataset


def test_canonical_wording_describes_the_same_picture():
    plain, canonical = np.random.default_rng(4), np.random.default_rng(4)
    for _ in range(100):
        scene, canonical_scene = sample_scene(plain, 3), sample_scene(canonical, 3, canonical=True)
        assert scene.canonical_key() == canonical_scene.canonical_key()
        assert _pixels(render_scene(scene)) == _pixels(render_scene(canonical_scene))


def test_processor_and_tiny_model_fit_the_world():
    import torch

    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.world import build_synthetic_processor, tiny_synthetic_model_config

    processor = build_synthetic_processor()
    records = list(generate_split("validation", 2, seed=0))
    batch = processor(
        text=[r["caption"] for r in records],
        images=[r["image"] for r in records],
        triples=[r["triples"] for r in records],
    )
    assert batch["pixel_values"].shape == (2, 3, 48, 48)
    assert batch["triple_mask"].sum(-1).tolist() == [5, 5]
    config = tiny_synthetic_model_config(
        processor.tokenizer, processor.triple_tokenizer, width=32, num_hidden_layers=1
    )
    assert config.text_config.eos_token_id == processor.tokenizer.eos_token_id != 2
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    with torch.no_grad():
        outputs = model(**batch)
    assert outputs.logits_per_image.shape == (2, 2)


def test_text_embedding_sees_the_last_word():
    """The EOS trap (transformers PR #24773): pooling on a middle word would make the last word invisible."""
    import torch

    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.world import tiny_synthetic_model_config

    clip_tokenizer, bert_tokenizer = build_synthetic_tokenizers()
    config = tiny_synthetic_model_config(
        clip_tokenizer, bert_tokenizer, width=32, num_hidden_layers=1, knowledge_weight=0.0
    )
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    captions = ["a small red circle left of a large blue square", "a small red circle left of a large blue diamond"]
    encoded = clip_tokenizer(captions, padding="max_length", max_length=16, return_tensors="pt")
    with torch.no_grad():
        embeds = model.get_text_features(**encoded).pooler_output
    assert not torch.allclose(embeds[0], embeds[1], atol=1e-4)
