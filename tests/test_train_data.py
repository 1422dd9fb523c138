"""Real-data readers and the collator (structure_clip/training/data.py) on fixture files in the real formats."""

import json

import datasets
import pytest
import torch
from PIL import Image

from structure_clip.training import data as training_data
from structure_clip.training import data_readers as training_data_readers
from tests.tiny_processors import make_tiny_processor
from tests.train_tiny_setup import (
    CAPTIONS,
    schema_rows,
    write_coco_annotation_json,
    write_coco_records_json,
    write_csv,
    write_original_json,
    write_tiny_images,
)


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    names = write_tiny_images(folder / "images", count=4)
    return folder, names


def _assert_schema(dataset):
    assert set(training_data_readers.COLUMNS) <= set(dataset.column_names)


def test_original_structure_clip_json(images, tmp_path):
    folder, names = images
    path = write_original_json(tmp_path / "train.json", names, with_bbox=True)
    dataset = training_data.read_original_structure_clip_json(path, image_root=folder / "images")
    _assert_schema(dataset)
    assert len(dataset) == 4
    row = dataset[1]
    assert row["caption"] == CAPTIONS[1][0] and row["negative_caption"] == CAPTIONS[1][2]
    assert row["triples"] == CAPTIONS[1][1] and row["negative_triples"] == CAPTIONS[1][3]
    assert row["image"] == str(folder / "images" / names[1]) and row["bbox"] == [2, 3, 20, 10]
    # The bbox crop of the original's VG files is applied when the image is loaded.
    assert training_data.load_image(row["image"], row["bbox"]).size == (20, 10)
    assert training_data.is_original_structure_clip_file(path)


def test_coco_record_list_annotation_file_and_karpathy(images, tmp_path):
    folder, names = images
    records = training_data.read_caption_file(write_coco_records_json(tmp_path / "r.json", names), folder / "images")
    assert records["caption"] == [CAPTIONS[i][0] for i in range(4)]
    assert records["triples"] == [None] * 4 and records["negative_caption"] == [None] * 4
    annotations = training_data.read_caption_file(
        write_coco_annotation_json(tmp_path / "captions_train2017.json", names), folder / "images"
    )
    assert len(annotations) == 8  # two captions per image, one row each
    assert annotations["image"][:2] == [str(folder / "images" / names[0])] * 2
    karpathy = {
        "images": [
            {
                "filepath": "images",
                "filename": names[0],
                "split": "train",
                "sentences": [{"raw": "a dog"}, {"raw": "a cat"}],
            },
            {"filepath": "images", "filename": names[1], "split": "test", "sentences": [{"raw": "a bird"}]},
        ]
    }
    (tmp_path / "dataset_coco.json").write_text(json.dumps(karpathy))
    rows = training_data.read_caption_file(tmp_path / "dataset_coco.json", image_root=folder)
    assert rows["caption"] == ["a dog", "a cat"]  # the test split is never read for training


def test_csv_and_tsv_with_named_columns(images, tmp_path):
    folder, names = images
    dataset = training_data.read_caption_file(write_csv(tmp_path / "train.csv", names), folder / "images")
    assert dataset["caption"][0] == CAPTIONS[0][0]
    tsv = write_csv(tmp_path / "train.tsv", names, image_column="img", caption_column="sentence_text", delimiter="\t")
    with pytest.raises(ValueError, match="caption column"):
        training_data.read_caption_file(tsv, folder / "images")
    dataset = training_data.read_caption_file(tsv, folder / "images", caption_column="sentence_text")
    assert len(dataset) == 4


def test_clear_errors_for_missing_files_and_columns(images, tmp_path):
    folder, names = images
    with pytest.raises(FileNotFoundError, match="does not exist"):
        training_data.read_caption_file(tmp_path / "nope.json")
    path = write_coco_records_json(tmp_path / "r.json", names)
    with pytest.raises(FileNotFoundError, match="--image_root"):
        training_data.read_caption_file(path, image_root=tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="no image column 'picture'"):
        training_data.read_caption_file(path, folder / "images", image_column="picture")
    (tmp_path / "bad.json").write_text(json.dumps([{"image_path": names[0], "true_caption": "a dog"}]))
    with pytest.raises(ValueError, match="false_caption"):
        training_data.read_original_structure_clip_json(tmp_path / "bad.json", folder / "images")
    with pytest.raises(ValueError, match="exactly one"):
        training_data.load_training_dataset(train_file=path, dataset_name="x")


def test_hf_dataset_with_image_feature_and_caption_lists(images, tmp_path):
    folder, names = images
    table = {
        "img": [Image.open(folder / "images" / name) for name in names[:2]],
        "sentences": [["a red dog", "a dog on grass"], ["a blue car"]],
        "other": [1, 2],
    }
    features = datasets.Features(
        {
            "img": datasets.Image(),
            "sentences": datasets.Sequence(datasets.Value("string")),
            "other": datasets.Value("int64"),
        }
    )
    datasets.DatasetDict({"train": datasets.Dataset.from_dict(table, features=features)}).save_to_disk(tmp_path / "hf")
    dataset = training_data.read_hf_dataset(str(tmp_path / "hf"), image_column="img", caption_column="sentences")
    _assert_schema(dataset)
    assert dataset["caption"] == ["a red dog", "a dog on grass", "a blue car"]
    assert isinstance(dataset[2]["image"], Image.Image) and "other" not in dataset.column_names
    with pytest.raises(ValueError, match="no split 'validation'"):
        training_data.read_hf_dataset(str(tmp_path / "hf"), split="validation")


def test_load_training_dataset_dispatches_on_content(images, tmp_path):
    folder, names = images
    original = training_data.load_training_dataset(
        write_original_json(tmp_path / "o.json", names), image_root=str(folder / "images")
    )
    assert original["negative_caption"][0] == CAPTIONS[0][2]
    coco = training_data.load_training_dataset(
        write_coco_records_json(tmp_path / "c.json", names), image_root=str(folder / "images")
    )
    assert coco["negative_caption"][0] is None


def test_scene_graphs_and_negatives_are_parsed_once_and_cached(images, tmp_path):
    folder, names = images
    dataset = training_data.read_caption_file(write_coco_records_json(tmp_path / "c.json", names), folder / "images")
    parsed = training_data.add_scene_graphs(dataset, negatives="auto", seed=0, cache_dir=str(tmp_path / "cache"))
    assert all(triples for triples in parsed["triples"])  # every fixture caption has a relation
    assert ["dog", "next to", "car"] in [list(t) for t in parsed["triples"][0]]
    negatives = parsed["negative_caption"]
    assert all(
        negative and negative != caption for negative, caption in zip(negatives, parsed["caption"], strict=False)
    )
    cache_files = list((tmp_path / "cache").glob("*.arrow"))
    assert len(cache_files) == 1
    again = training_data.add_scene_graphs(dataset, negatives="auto", seed=0, cache_dir=str(tmp_path / "cache"))
    assert again["negative_caption"] == negatives and list((tmp_path / "cache").glob("*.arrow")) == cache_files
    # Rows that already carry triples and negatives (the original JSON) are left alone: no parsing at all.
    original = training_data.read_original_structure_clip_json(
        write_original_json(tmp_path / "o.json", names), folder / "images"
    )
    assert training_data.add_scene_graphs(original, negatives="auto") is original


def test_collator_builds_model_inputs_with_return_loss(images):
    folder, names = images
    rows = schema_rows([str(folder / "images" / name) for name in names])
    rows[3]["negative_caption"], rows[3]["negative_triples"] = None, None
    processor = make_tiny_processor()
    batch = training_data.StructureCLIPCollator(processor)(rows)
    assert batch["return_loss"] is True
    assert batch["pixel_values"].shape == (4, 3, 30, 30)
    assert batch["negative_mask"].tolist() == [1, 1, 1, 0]
    assert batch["head_ids"].shape[:2] == (4, 6) and batch["negative_head_ids"].shape[:2] == (4, 6)
    assert batch["triple_mask"].sum(dim=1).tolist() == [len(CAPTIONS[i][1]) for i in range(4)]
    plain = training_data.StructureCLIPCollator(processor, use_negatives=False, use_triples=False)(rows)
    assert "negative_input_ids" not in plain and int(plain["triple_mask"].sum()) == 0
    assert torch.equal(plain["input_ids"], batch["input_ids"])


def test_hf_dataset_with_relative_image_paths(images, tmp_path):
    folder, names = images
    datasets.Dataset.from_dict({"file_name": names[:2], "text": ["a dog", "a cat"]}).save_to_disk(tmp_path / "paths")
    dataset = training_data.load_training_dataset(
        dataset_name=str(tmp_path / "paths"), image_root=str(folder / "images")
    )
    assert dataset["image"] == [str(folder / "images" / name) for name in names[:2]]
    assert training_data.load_image(dataset[0]["image"]).size == (30, 30)


def test_hf_dataset_drops_null_and_blank_captions_with_a_warning(images, tmp_path, caplog):
    folder, names = images
    captions = ["a dog", None, "   ", "a cat"]
    datasets.Dataset.from_dict({"file_name": names[:4], "text": captions}).save_to_disk(tmp_path / "blank")
    with caplog.at_level("WARNING"):
        dataset = training_data.read_hf_dataset(str(tmp_path / "blank"), image_root=str(folder / "images"))
    assert dataset["caption"] == ["a dog", "a cat"]
    assert "Dropped 2 of 4 rows" in caplog.text
    datasets.Dataset.from_dict({"file_name": names[:1], "text": [""]}).save_to_disk(tmp_path / "empty")
    with pytest.raises(ValueError, match="no usable training rows"):
        training_data.read_hf_dataset(str(tmp_path / "empty"), image_root=str(folder / "images"))


def _write_json(path, data):
    path.write_text(json.dumps(data))
    return path


def test_original_format_is_detected_from_any_record_not_just_the_first(images, tmp_path):
    folder, names = images
    path = write_original_json(tmp_path / "o.json", names)
    records = json.loads(open(path).read())
    del records[0]["false_caption"], records[2]["false_caption"]
    _write_json(tmp_path / "o.json", records)
    assert training_data.is_original_structure_clip_file(tmp_path / "o.json")
    # Every incomplete record is reported, not read as a COCO caption list that drops all triples.
    with pytest.raises(ValueError, match=r"2 of 4 records .*record 0 lacks \['false_caption'\]; record 2"):
        training_data.load_training_dataset(str(tmp_path / "o.json"), image_root=str(folder / "images"))
    assert not training_data.is_original_structure_clip_file(write_coco_records_json(tmp_path / "c.json", names))


def test_a_malformed_gold_triple_is_reported_with_its_record(images, tmp_path):
    folder, names = images
    records = json.loads(open(write_original_json(tmp_path / "o.json", names)).read())
    records[2]["true_triples"] = [["dog", "next to"]]
    _write_json(tmp_path / "o.json", records)
    with pytest.raises(ValueError, match=r"record 2 'true_triples' holds \['dog', 'next to'\]"):
        training_data.load_training_dataset(str(tmp_path / "o.json"), image_root=str(folder / "images"))


def test_null_and_blank_captions_are_dropped_with_a_warning(images, tmp_path, caplog):
    folder, names = images
    captions = [None, "a red dog", "   ", ""]
    path = _write_json(
        tmp_path / "r.json", [{"image": n, "caption": c} for n, c in zip(names, captions, strict=False)]
    )
    with caplog.at_level("WARNING", logger="training_data"):
        dataset = training_data.read_caption_file(path, folder / "images")
    assert dataset["caption"] == ["a red dog"]
    assert "Dropped 3 of 4 records" in caplog.text and "[0, 2, 3]" in caplog.text
    (tmp_path / "t.csv").write_text(f"image,caption\n{names[0]}\n{names[1]},a blue car\n")
    assert training_data.read_caption_file(tmp_path / "t.csv", folder / "images")["caption"] == ["a blue car"]
    _write_json(tmp_path / "blank.json", [{"image": names[0], "caption": " "}])
    with pytest.raises(ValueError, match="no usable training rows"):
        training_data.read_caption_file(tmp_path / "blank.json", folder / "images")
    original = json.loads(open(write_original_json(tmp_path / "o.json", names)).read())
    original[1]["true_caption"] = None
    dataset = training_data.read_original_structure_clip_json(
        _write_json(tmp_path / "o.json", original), folder / "images"
    )
    assert len(dataset) == 3


def test_files_with_no_usable_rows_fail_at_the_reader(images, tmp_path):
    folder, names = images
    karpathy = {"images": [{"filename": names[0], "split": "test", "sentences": [{"raw": "a dog"}]}]}
    with pytest.raises(ValueError, match=r"no usable training rows.*\['test'\]"):
        training_data.read_caption_file(_write_json(tmp_path / "k.json", karpathy), folder / "images")
    coco = {"images": [{"id": 1, "file_name": names[0]}], "annotations": []}
    with pytest.raises(ValueError, match="no usable training rows"):
        training_data.read_caption_file(_write_json(tmp_path / "a.json", coco), folder / "images")


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"images": [{"id": 1, "file_name": "image_0.png"}], "annotations": [{"image_id": 1}]},
            "annotation 0 of .* no 'caption' key",
        ),
        (
            {"images": [{"id": 1}], "annotations": [{"image_id": 1, "caption": "a dog"}]},
            "image 0 of .* no 'file_name'",
        ),
        (
            {"images": [{"filename": "image_0.png", "split": "train", "sentences": [{"tokens": []}]}]},
            "sentence 0 of image 0 of .* no 'raw' key",
        ),
        ([{"image": None, "caption": "a dog"}], "record 0 of .* has no image path"),
    ],
)
def test_missing_keys_name_the_file_record_and_key(images, tmp_path, data, message):
    folder, _ = images
    with pytest.raises(ValueError, match=message):
        training_data.read_caption_file(_write_json(tmp_path / "bad.json", data), folder / "images")


def test_json_lines_in_a_json_file_says_to_rename_it(images, tmp_path):
    folder, names = images
    (tmp_path / "r.json").write_text("\n".join(json.dumps({"image": n, "caption": "a dog"}) for n in names))
    with pytest.raises(ValueError, match="looks like JSON Lines.*rename it to .jsonl"):
        training_data.load_training_dataset(str(tmp_path / "r.json"), image_root=str(folder / "images"))
    (tmp_path / "r.json").rename(tmp_path / "r.jsonl")
    assert len(training_data.read_caption_file(tmp_path / "r.jsonl", folder / "images")) == len(names)


@pytest.mark.parametrize(
    "data, message",
    [
        ([{"image": "image_0.png", "caption": 17}], r"record 0 of .*records.json has a caption of type int \(17\)"),
        (
            [{"image": "image_0.png", "caption": "ok"}, {"image": "image_1.png", "caption": ["fine", 3.5]}],
            r"record 1 of .*records.json has a caption of type float \(3.5\) in its caption list",
        ),
        (
            {"images": [{"id": 1, "file_name": "image_0.png"}], "annotations": [{"image_id": 1, "caption": 42}]},
            r"annotation 0 of .*records.json has a caption of type int",
        ),
        (
            [{"image_path": "image_0.png", "true_caption": "a dog", "false_caption": 5}],
            r"record 0 of .*records.json has a 'false_caption' of type int \(5\)",
        ),
    ],
)
def test_a_caption_that_is_not_text_is_reported_with_its_record(images, tmp_path, data, message):
    path = _write_json(tmp_path / "records.json", data)
    with pytest.raises(ValueError, match=message):
        training_data.load_training_dataset(str(path), image_root=str(images[0] / "images"))


def test_a_hf_dataset_caption_column_of_numbers_is_reported_with_its_row(images, tmp_path):
    folder, names = images
    datasets.Dataset.from_dict({"file_name": names[:2], "text": [7, 8]}).save_to_disk(tmp_path / "numbers")
    with pytest.raises(ValueError, match=r"row 0 of .*numbers\[train\] has a caption of type int \(7\)"):
        training_data.read_hf_dataset(str(tmp_path / "numbers"), image_root=str(folder / "images"))


def test_scene_graph_parser_flag_reaches_the_dataset_cache(monkeypatch, tmp_path):
    """`--scene_graph_parser` selects the parser of the cached scene-graph columns (rules or a seq2seq checkpoint)."""
    from processing import scene_graph_cache
    from structure_clip.training.data_arguments import DataArguments

    seen = {}
    monkeypatch.setattr(
        scene_graph_cache, "add_scene_graph_columns", lambda dataset, **kwargs: seen.update(kwargs) or dataset
    )
    dataset = datasets.Dataset.from_list(
        [
            {
                "image": "a.png",
                "caption": "a man riding a horse",
                "triples": None,
                "negative_caption": None,
                "negative_triples": None,
                "bbox": None,
            }
        ]
    )
    training_data.add_scene_graphs(dataset, scene_graph_parser="some/seq2seq-checkpoint", cache_dir=str(tmp_path))
    assert seen["scene_graph_parser"] == "some/seq2seq-checkpoint"
    assert DataArguments().scene_graph_parser == "rules"
