"""Benchmark readers on fixture files in the real formats, and evaluators wired to a scorer with known answers."""

import itertools
import json
import math

import pytest
import torch

from structure_clip.evaluation import benchmarks as bench
from structure_clip.evaluation import order_perturbations
from structure_clip.synthetic import benchmark as synthetic_benchmark
from tests.eval_fixtures import (
    OracleScorer,
    image_colour,
    make_image,
    write_aro,
    write_karpathy_blip_json,
    write_sugarcrepe,
    write_winoground_release,
)


# ---------------------------------------------------------------------------------------------
# ARO
# ---------------------------------------------------------------------------------------------


def test_aro_reader_crops_to_bbox_and_groups(tmp_path):
    root = write_aro(tmp_path / "aro")
    relation = bench.read_aro(root / "visual_genome_relation.json", root / "images", "vg_relation")
    attribution = bench.read_aro(root / "visual_genome_attribution.json", root / "images", "vg_attribution")
    assert [item.group for item in relation] == ["on", "on", "adjusting"]
    assert [item.group for item in attribution] == ["red_small", "white_black"]
    assert relation[0].positive == "the cup is on the table" and relation[0].negative == "the table is on the cup"
    crop = relation[1].image.load()
    assert crop.size == (16, 20)  # bbox_w x bbox_h
    # The box starts in the right half of image 101, so the crop's colour is the right half's.
    assert OracleScorer({}).encode_images([crop])[0, image_colour(1, right_half=True)] == 1.0


def test_aro_macro_with_and_without_filters(tmp_path):
    root = write_aro(tmp_path / "aro")
    items = bench.read_aro(root / "visual_genome_relation.json", root / "images", "vg_relation")
    # Items 0 and 2 right (true caption matches anything), item 1 wrong (only its false caption scores).
    table = {items[0].positive: "any", items[1].negative: "any", items[2].positive: "any"}
    metrics, rows = bench.evaluate_aro(OracleScorer(table), items, dropped_groups=set())
    assert metrics["micro_accuracy"] == pytest.approx(2 / 3)
    assert metrics["macro_accuracy_no_count_filter"] == pytest.approx((0.5 + 1.0) / 2)
    assert math.isnan(metrics["macro_accuracy_min25"])  # no relation has 25 items here
    assert {row["group"]: (row["accuracy"], row["count"]) for row in rows} == {"on": (0.5, 2), "adjusting": (1.0, 1)}

    metrics, rows = bench.evaluate_aro(OracleScorer(table), items, dropped_groups={"adjusting", "covering"})
    assert metrics["num_items"] == 2 and metrics["num_items_dropped_by_name"] == 1
    assert metrics["macro_accuracy_no_count_filter"] == pytest.approx(0.5)
    assert metrics["micro_accuracy"] == pytest.approx(0.5)
    assert metrics["micro_accuracy_all_items"] == pytest.approx(2 / 3)


def test_the_shipped_dropped_relation_list(shared_data_dir):
    dropped = bench.load_dropped_relations(shared_data_dir / "aro" / "vg_relation_dropped_157.json")
    assert len(dropped) == 157 and "adjusting" in dropped
    assert bench.load_dropped_relations() == dropped  # the package's copy is the same list


def test_aro_crop_decides_the_score(tmp_path):
    root = write_aro(tmp_path / "aro")
    items = bench.read_aro(root / "visual_genome_relation.json", root / "images", "vg_relation")[1:2]
    right_half = {items[0].positive: image_colour(1, right_half=True), items[0].negative: image_colour(1)}
    assert bench.evaluate_aro(OracleScorer(right_half), items)[0]["micro_accuracy"] == 1.0
    left_half = {items[0].positive: image_colour(1), items[0].negative: image_colour(1, right_half=True)}
    assert bench.evaluate_aro(OracleScorer(left_half), items)[0]["micro_accuracy"] == 0.0


def test_aro_missing_files_say_how_to_get_them(tmp_path):
    with pytest.raises(bench.MissingBenchmarkDataError, match="vision-language-models-are-bows"):
        bench.read_aro(tmp_path / "nope.json", tmp_path, "vg_relation")
    root = write_aro(tmp_path / "aro")
    (root / "images" / "100.jpg").unlink()
    with pytest.raises(bench.MissingBenchmarkDataError, match="100.jpg"):
        bench.read_aro(root / "visual_genome_relation.json", root / "images", "vg_relation")


def test_group_csv(tmp_path):
    rows = [{"group": "on", "accuracy": 0.5, "count": 2, "in_min25_macro": False}]
    bench.write_group_csv(rows, tmp_path / "groups.csv")
    assert (tmp_path / "groups.csv").read_text().splitlines() == [
        "group,accuracy,count,in_min25_macro",
        "on,0.5,2,False",
    ]


# ---------------------------------------------------------------------------------------------
# Karpathy annotations, retrieval and Order
# ---------------------------------------------------------------------------------------------


def test_caption_annotation_formats_agree(tmp_path):
    blip = write_karpathy_blip_json(tmp_path / "coco", num_images=3)
    records = json.loads(blip.read_text())
    karpathy = {
        "images": [
            {
                "filepath": "val2014",
                "filename": record["image"].split("/")[1],
                "split": "test",
                "sentences": [{"raw": caption} for caption in record["caption"]],
            }
            for record in records
        ]
        + [{"filepath": "train2014", "filename": "x.jpg", "split": "train", "sentences": [{"raw": "not test"}]}]
    }
    (tmp_path / "dataset_coco.json").write_text(json.dumps(karpathy))
    tsv_lines = [
        f"{i}\t{record['image']}\t{caption}\r" for i, record in enumerate(records) for caption in record["caption"]
    ]
    (tmp_path / "captions.tsv").write_text("\n".join(tsv_lines) + "\n")

    expected = bench.read_caption_annotations(blip, tmp_path / "coco")
    assert len(expected) == 3 and all(len(captions) == 4 for _, captions in expected)
    assert bench.read_caption_annotations(tmp_path / "dataset_coco.json", tmp_path / "coco") == expected
    assert bench.read_caption_annotations(tmp_path / "captions.tsv", tmp_path / "coco") == expected


def test_shared_coco_karpathy_tsv_reads_as_5k_retrieval(shared_data_dir, tmp_path):
    tsv = shared_data_dir / "coco_captions" / "coco_karpathy_test_captions.tsv"
    with pytest.raises(bench.MissingBenchmarkDataError, match="5000 of 5000 .*COCO_val2014_000000391895.jpg"):
        bench.read_caption_annotations(tsv, tmp_path)  # real annotations, images absent
    for line in tsv.read_text().splitlines():  # the reader checks that every image exists, not its content
        image = tmp_path / line.split("\t")[1]
        image.parent.mkdir(parents=True, exist_ok=True)
        image.touch()
    retrieval = bench.retrieval_set_from_pairs(bench.read_caption_annotations(tsv, tmp_path))
    assert len(retrieval.images) == 5000 and len(retrieval.texts) == 25010  # docs/method.md §4: Karpathy 5k test
    assert torch.bincount(retrieval.text_to_image).min() >= 5
    assert retrieval.texts[0] == "A man with a red helmet on a small moped on a dirt road."  # no trailing \r


def test_retrieval_set_and_oracle_recall(tmp_path):
    annotations = write_karpathy_blip_json(tmp_path / "coco", num_images=3)
    pairs = bench.read_caption_annotations(annotations, tmp_path / "coco")
    retrieval = bench.retrieval_set_from_pairs(pairs)
    assert retrieval.text_to_image.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    # Each caption points at its image's colour: everything is retrieved at rank 1 ...
    table = {caption: image_colour(index) for index, (_, captions) in enumerate(pairs) for caption in captions[2:]}
    metrics = bench.evaluate_retrieval(OracleScorer(table), retrieval)
    assert metrics["image_to_text_R@1"] == 1.0  # every image has at least one caption pointing at it
    # ... except the two duplicated captions per image, which score 0 everywhere and tie with all images.
    assert metrics["text_to_image_R@1"] == pytest.approx(6 / 12)
    assert metrics["image_retrieval_recall@1"] == metrics["text_to_image_R@1"]  # CLIP_benchmark's name
    assert metrics["num_images"] == 3 and metrics["num_texts"] == 12


def test_order_perturbations_are_seeded_permutations(tmp_path):
    annotations = write_karpathy_blip_json(tmp_path / "coco", num_images=2)
    pairs = bench.read_caption_annotations(annotations, tmp_path / "coco")
    items, skipped = order_perturbations.build_order_items(pairs, seed=0)
    again, _ = order_perturbations.build_order_items(pairs, seed=0)
    other_seed, _ = order_perturbations.build_order_items(pairs, seed=1)
    assert skipped == 0 and len(items) == 8
    assert [item.candidates for item in items] == [item.candidates for item in again]
    assert [item.candidates for item in items] != [item.candidates for item in other_seed]
    for item in items:
        original, *perturbed = item.candidates
        assert len(perturbed) == 4 and original not in perturbed
        assert all(sorted(candidate.split()) == sorted(original.split()) for candidate in perturbed)
    assert items[0].candidates[0] == "a brown dog sitting next to a small cat"  # normalised caption


def test_order_noun_shuffle_moves_only_nouns_and_adjectives():
    words = ["a", "red", "dog", "on", "a", "green", "sofa"]
    tags = ["DET", "ADJ", "NOUN", "ADP", "DET", "ADJ", "NOUN"]
    import random

    shuffled = order_perturbations.perturb_word_order(words, tags, "shuffle_nouns_and_adjectives", random.Random(3))
    assert [shuffled[i] for i in (0, 3, 4)] == ["a", "on", "a"]
    others = order_perturbations.perturb_word_order(
        words, tags, "shuffle_all_but_nouns_and_adjectives", random.Random(3)
    )
    assert [others[i] for i in (1, 2, 5, 6)] == ["red", "dog", "green", "sofa"]
    shuffled_trigrams = order_perturbations.perturb_word_order(words, tags, "shuffle_trigrams", random.Random(0))
    trigrams = [words[0:3], words[3:6], words[6:]]
    orders = [sum(order, []) for order in itertools.permutations(trigrams)]
    assert shuffled_trigrams in orders
    within = order_perturbations.perturb_word_order(words, tags, "shuffle_within_trigrams", random.Random(0))
    assert [sorted(within[i : i + 3]) for i in (0, 3, 6)] == [sorted(trigram) for trigram in trigrams]


def test_order_skips_unshufflable_captions_and_scores_with_oracle(tmp_path):
    make_image(tmp_path / "a.jpg", 0)
    image = bench.ImageRef(str(tmp_path / "a.jpg"))
    items, skipped = order_perturbations.build_order_items(
        [(image, ["Dogs.", "A dog chasing a red ball in the park"])]
    )
    assert skipped == 1 and len(items) == 1
    metrics = bench.evaluate_order(OracleScorer({items[0].candidates[0]: "any"}), items, skipped)
    assert metrics == {"accuracy": 1.0, "num_items": 1, "num_skipped_unshufflable": 1}
    # A scorer that cannot tell the candidates apart gets nothing: ties are wrong.
    assert bench.evaluate_order(OracleScorer({}), items)["accuracy"] == 0.0


# ---------------------------------------------------------------------------------------------
# SugarCrepe
# ---------------------------------------------------------------------------------------------


def test_sugarcrepe_reader_and_weighted_groups(tmp_path):
    annotations = write_sugarcrepe(tmp_path / "sugarcrepe", tmp_path / "val2017")
    items = bench.read_sugarcrepe(annotations, tmp_path / "val2017")
    assert list(items) == list(bench.SUGARCREPE_SUBSETS)
    assert [len(items[subset]) for subset in bench.SUGARCREPE_SUBSETS] == [1, 2, 3, 4, 5, 6, 7]
    assert items["swap_obj"][1].image.path.endswith("000000000001.jpg")
    # Right on every subset except swap_att (5 items) and add_obj (6 items).
    table = {}
    for subset, subset_items in items.items():
        for item in subset_items:
            table[item.negative if subset in ("swap_att", "add_obj") else item.positive] = "any"
    metrics = bench.evaluate_sugarcrepe(OracleScorer(table), items)
    assert metrics["swap_att_accuracy"] == 0.0 and metrics["replace_rel_accuracy"] == 1.0
    assert metrics["REPLACE_accuracy"] == 1.0
    assert metrics["SWAP_accuracy"] == pytest.approx(4 / 9)  # swap_obj 4 right of 4, swap_att 0 of 5
    assert metrics["ADD_accuracy"] == pytest.approx(7 / 13)
    assert metrics["add_att_num_items"] == 7


def test_sugarcrepe_shared_annotations_parse(shared_data_dir, tmp_path):
    image_dir = tmp_path / "val2017"
    image_dir.mkdir()
    with pytest.raises(bench.MissingBenchmarkDataError, match="val2017"):
        bench.read_sugarcrepe(shared_data_dir / "sugarcrepe", image_dir)  # annotations fine, images absent
    counts = {
        name: len(json.loads((shared_data_dir / "sugarcrepe" / f"{name}.json").read_text()))
        for name in bench.SUGARCREPE_SUBSETS
    }
    assert counts["swap_obj"] == 245 and counts["add_obj"] == 2062


def test_sugarcrepe_missing_images_folder(tmp_path):
    with pytest.raises(bench.MissingBenchmarkDataError, match="images.cocodataset.org"):
        bench.read_sugarcrepe(tmp_path, None)


# ---------------------------------------------------------------------------------------------
# Winoground
# ---------------------------------------------------------------------------------------------


def _winoground_oracle(items):
    # item 0: each caption points at its own image's colour -> text, image, group all right;
    # item 1: both captions point at image_0's colour -> image score wrong for caption 1, text wrong too.
    return OracleScorer({"a mug in some grass": image_colour(0), "some grass in a mug": image_colour(1)})


def test_winoground_release_layout(tmp_path):
    root = write_winoground_release(tmp_path / "winoground", num_items=1)
    items = bench.read_winoground(root)
    assert len(items) == 1 and items[0].caption_1 == "some grass in a mug" and items[0].tag == "Object"
    metrics = bench.evaluate_winoground(_winoground_oracle(items), items)
    assert metrics == {"text_score": 1.0, "image_score": 1.0, "group_score": 1.0, "num_items": 1}


def test_winoground_save_to_disk_layout(tmp_path):
    import datasets
    from PIL import Image

    from tests.eval_fixtures import COLOURS

    rows = {
        "id": [0, 1],
        "image_0": [Image.new("RGB", (8, 8), COLOURS[0]), Image.new("RGB", (8, 8), COLOURS[2])],
        "image_1": [Image.new("RGB", (8, 8), COLOURS[1]), Image.new("RGB", (8, 8), COLOURS[3])],
        "caption_0": ["a mug in some grass"] * 2,
        "caption_1": ["some grass in a mug"] * 2,
        "tag": ["Object", "Relation"],
    }
    features = datasets.Features(
        {
            "id": datasets.Value("int32"),
            "image_0": datasets.Image(),
            "image_1": datasets.Image(),
            "caption_0": datasets.Value("string"),
            "caption_1": datasets.Value("string"),
            "tag": datasets.Value("string"),
        }
    )
    datasets.DatasetDict({"test": datasets.Dataset.from_dict(rows, features=features)}).save_to_disk(tmp_path / "wg")
    items = bench.read_winoground(tmp_path / "wg")
    assert [item.tag for item in items] == ["Object", "Relation"]
    metrics = bench.evaluate_winoground(_winoground_oracle(items), items)
    # item 1's images have colours 2 and 3, which no caption points at: every score ties at 0 -> wrong.
    assert metrics == {"text_score": 0.5, "image_score": 0.5, "group_score": 0.5, "num_items": 2}


def test_winoground_missing_folder(tmp_path):
    with pytest.raises(bench.MissingBenchmarkDataError, match="facebook/winoground"):
        bench.read_winoground(tmp_path / "absent")
    with pytest.raises(bench.MissingBenchmarkDataError, match="examples.jsonl"):
        bench.read_winoground(tmp_path)


# ---------------------------------------------------------------------------------------------
# Synthetic world
# ---------------------------------------------------------------------------------------------

SMALL_WORLD = {"train": 0, "validation": 0, "test_relation_swap": 6, "test_attribute_swap": 5, "test_retrieval": 4}


def test_synthetic_world_passes_triples_and_scores(tmp_path):
    world = synthetic_benchmark.load_synthetic_world(seed=0, split_sizes=SMALL_WORLD)
    world.save_to_disk(tmp_path / "world")
    reloaded = synthetic_benchmark.load_synthetic_world(tmp_path / "world")
    assert reloaded["test_relation_swap"]["caption"] == world["test_relation_swap"]["caption"]

    pairs = synthetic_benchmark.synthetic_pair_items(world["test_relation_swap"])
    assert pairs[0].positive_triples == world["test_relation_swap"][0]["triples"]
    table = {row["caption"]: "any" for name in ("test_relation_swap", "test_attribute_swap") for row in world[name]}
    scorer = OracleScorer(table)
    results = synthetic_benchmark.evaluate_synthetic(scorer, world)
    assert results["synthetic_relation_swap"] == {"accuracy": 1.0, "num_items": 6}
    assert results["synthetic_attribute_swap"] == {"accuracy": 1.0, "num_items": 5}
    assert results["synthetic_retrieval"]["num_images"] == 4
    assert all(triples is not None for _, triples in scorer.text_calls)  # gold triples always passed
    summary = synthetic_benchmark.synthetic_summary(results)
    assert summary["relation_swap_acc"] == 1.0 and summary["attribute_swap_acc"] == 1.0
    assert summary["retrieval_r1"] == pytest.approx(
        (summary["retrieval_r1_text_to_image"] + summary["retrieval_r1_image_to_text"]) / 2
    )


def test_synthetic_missing_saved_world(tmp_path):
    with pytest.raises(bench.MissingBenchmarkDataError, match="save_to_disk"):
        synthetic_benchmark.load_synthetic_world(tmp_path / "absent")


def test_lazy_images_load_once_per_access(tmp_path):
    make_image(tmp_path / "x.png", 2)
    images = bench.LazyImages([bench.ImageRef(str(tmp_path / "x.png"), (0, 0, 5, 4))])
    assert len(images) == 1 and images[0].size == (5, 4)
    unique, positions = bench._unique_images([bench.ImageRef("a"), bench.ImageRef("b"), bench.ImageRef("a")])
    assert len(unique) == 2 and positions == [0, 1, 0]
    assert torch.equal(torch.tensor(positions), torch.tensor([0, 1, 0]))


# ---------------------------------------------------------------------------------------------
# Malformed annotation files and missing images: clear errors naming file, item and key
# ---------------------------------------------------------------------------------------------


def _drop_key(path, key, item=0):
    records = json.loads(path.read_text())
    del (records[item] if isinstance(records, list) else records[str(item)])[key]
    path.write_text(json.dumps(records))


@pytest.mark.parametrize(
    "task, file, key",
    [
        ("vg_relation", "visual_genome_relation.json", "relation_name"),
        ("vg_attribution", "visual_genome_attribution.json", "attributes"),
    ],
)
def test_aro_record_without_its_group_key_is_named(tmp_path, task, file, key):
    root = write_aro(tmp_path / "aro")
    _drop_key(root / file, key, item=1)
    with pytest.raises(ValueError, match=rf"{file}: item 1 lacks \['{key}'\]"):
        bench.read_aro(root / file, root / "images", task)


def test_empty_annotation_files_hold_no_items(tmp_path):
    root = write_aro(tmp_path / "aro")
    (root / "visual_genome_relation.json").write_text("[]")
    with pytest.raises(ValueError, match="holds no items"):
        bench.read_aro(root / "visual_genome_relation.json", root / "images", "vg_relation")
    sugarcrepe = write_sugarcrepe(tmp_path / "sugarcrepe", tmp_path / "val2017")
    (sugarcrepe / "swap_obj.json").write_text("{}")
    with pytest.raises(ValueError, match="swap_obj.json holds no items"):
        bench.read_sugarcrepe(sugarcrepe, tmp_path / "val2017")
    winoground = write_winoground_release(tmp_path / "winoground")
    (winoground / "examples.jsonl").write_text("\n")
    with pytest.raises(ValueError, match="examples.jsonl holds no items"):
        bench.read_winoground(winoground)


@pytest.mark.parametrize("key", ["caption", "image"])
def test_blip_record_without_caption_or_image_is_named(tmp_path, key):
    annotations = write_karpathy_blip_json(tmp_path / "coco", num_images=2)
    _drop_key(annotations, key, item=1)
    with pytest.raises(ValueError, match=rf"item 1 lacks \['{key}'\]"):
        bench.read_caption_annotations(annotations, tmp_path / "coco")


def test_sugarcrepe_bad_records_are_named(tmp_path):
    root = write_sugarcrepe(tmp_path / "sugarcrepe", tmp_path / "val2017")
    _drop_key(root / "replace_att.json", "negative_caption", item=1)
    with pytest.raises(ValueError, match=r"replace_att.json: item '1' lacks \['negative_caption'\]"):
        bench.read_sugarcrepe(root, tmp_path / "val2017")
    records = json.loads((root / "swap_obj.json").read_text())
    (root / "replace_att.json").write_text(json.dumps(list(records.values())))  # a list, not {"<id>": record}
    with pytest.raises(ValueError, match="replace_att.json: expected a JSON dict"):
        bench.read_sugarcrepe(root, tmp_path / "val2017")


def test_winoground_line_without_caption_1_is_named(tmp_path):
    root = write_winoground_release(tmp_path / "winoground")
    lines = (root / "examples.jsonl").read_text().splitlines()
    record = json.loads(lines[1])
    del record["caption_1"]
    (root / "examples.jsonl").write_text("\n".join([lines[0], json.dumps(record)]) + "\n")
    with pytest.raises(ValueError, match=r"examples.jsonl: item 'line 2' lacks \['caption_1'\]"):
        bench.read_winoground(root)


def test_an_image_missing_after_the_first_is_reported_up_front(tmp_path):
    aro = write_aro(tmp_path / "aro")
    (aro / "images" / "102.jpg").unlink()
    with pytest.raises(bench.MissingBenchmarkDataError, match=r"1 of 3 ARO images are missing \(e.g. .*102.jpg\)"):
        bench.read_aro(aro / "visual_genome_relation.json", aro / "images", "vg_relation")
    annotations = write_karpathy_blip_json(tmp_path / "coco", num_images=3)
    (tmp_path / "coco" / "val2014" / "COCO_val2014_000000000002.jpg").unlink()
    with pytest.raises(bench.MissingBenchmarkDataError, match="1 of 3 .*COCO_val2014_000000000002.jpg"):
        bench.read_caption_annotations(annotations, tmp_path / "coco")
    write_sugarcrepe(tmp_path / "sugarcrepe", tmp_path / "val2017")
    (tmp_path / "val2017" / "000000000001.jpg").unlink()
    with pytest.raises(bench.MissingBenchmarkDataError, match="1 of 2 SugarCrepe .*000000000001.jpg"):
        bench.read_sugarcrepe(tmp_path / "sugarcrepe", tmp_path / "val2017")
    winoground = write_winoground_release(tmp_path / "winoground")
    (winoground / "images" / "ex_1_img_1.png").unlink()
    with pytest.raises(bench.MissingBenchmarkDataError, match="1 of 4 Winoground .*ex_1_img_1.png"):
        bench.read_winoground(winoground)
