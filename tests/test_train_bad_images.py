"""Unreadable images in training data: errors name the file and its record; --verify_images and --skip_bad_images."""

import json
import logging

import pytest
from PIL import Image

from structure_clip.training import cli as train_cli
from structure_clip.training.data import StructureCLIPCollator
from tests.tiny_processors import make_tiny_processor
from tests.train_tiny_setup import (
    CAPTIONS,
    original_json_args,
    schema_rows,
    write_original_json,
    write_tiny_images,
    write_tiny_model_folder,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad_images")
    names = write_tiny_images(folder / "images", count=6)
    Image.new("RGB", (30, 30), (200, 10, 10)).save(folder / "images" / "truncated.jpg", quality=95)
    data = (folder / "images" / "truncated.jpg").read_bytes()
    (folder / "images" / "truncated.jpg").write_bytes(data[: len(data) // 2])  # a download cut short
    (folder / "images" / "not_an_image.png").write_text("<html>403 Forbidden</html>")
    names += ["truncated.jpg", "not_an_image.png"]
    write_original_json(folder / "train.json", names)  # rows 6 and 7 hold the bad images
    write_tiny_model_folder(folder / "model")
    return folder


@pytest.mark.parametrize("name, caption_index", [("truncated.jpg", 2), ("not_an_image.png", 3)])
def test_the_collator_names_the_unreadable_file_and_its_caption(folder, name, caption_index):
    good, bad = schema_rows([str(folder / "images" / "image_0.png"), str(folder / "images" / name)])
    bad["caption"] = CAPTIONS[caption_index][0]
    collator = StructureCLIPCollator(make_tiny_processor())
    with pytest.raises(OSError, match="--skip_bad_images") as error:
        collator([good, bad])
    assert name in str(error.value) and CAPTIONS[caption_index][0] in str(error.value)


def _train(folder, output_dir, *flags):
    train_cli.train_main(
        [
            *original_json_args(folder / "model", folder / "train.json", folder / "images"),
            "--output_dir",
            str(output_dir),
            "--max_train_steps",
            "2",
            "--per_device_train_batch_size",
            "2",
            "--disable_tqdm",
            "true",
            *flags,
        ]
    )


def _bad_rows(output_dir):
    return [
        (record["row"], record["image"].rsplit("/", 1)[-1])
        for record in json.loads((output_dir / "bad_images.json").read_text())
    ]


def test_verify_images_lists_every_bad_file_before_training(folder, tmp_path):
    with pytest.raises(OSError, match=r"2 records have an image that cannot be read.*row 6: .*truncated.jpg"):
        _train(folder, tmp_path, "--verify_images", "true")
    assert _bad_rows(tmp_path) == [(6, "truncated.jpg"), (7, "not_an_image.png")]
    assert not (tmp_path / "results.jsonl").exists()


def test_skip_bad_images_drops_their_records_and_trains(folder, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="structure_clip.training.image_checks"):
        _train(folder, tmp_path, "--skip_bad_images", "true")
    assert "dropping 2 records" in caplog.text
    assert _bad_rows(tmp_path) == [(6, "truncated.jpg"), (7, "not_an_image.png")]
    steps = [
        json.loads(line)["step"] for line in open(tmp_path / "results.jsonl") if json.loads(line)["type"] == "train"
    ]
    assert steps == [1, 2] and (tmp_path / "model.safetensors").is_file()
