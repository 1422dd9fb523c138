"""Tiny images, caption files, model and processor folders for the training tests (test_train_*.py).

Everything is built offline in a tmp folder: 30 px PNGs the test writes, the tiny processor of
tiny_processors.py and a tiny StructureCLIPModel sized to that processor's vocabularies.
"""

from __future__ import annotations

import csv
import json
import os

import datasets
import torch
from PIL import Image

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import tiny_structure_clip_config
from tests.tiny_processors import CLIP_SPECIAL_IDS, make_tiny_bert_tokenizer, make_tiny_processor, tiny_vocab_sizes


COLOURS = {"red": (220, 30, 30), "blue": (30, 60, 220), "green": (30, 180, 60), "yellow": (230, 210, 40)}
ANIMALS = ("dog", "cat", "horse", "bird")

# (caption, triples, negative caption, negative triples): relation and attribute swaps, in the original's format.
CAPTIONS = [
    (
        "a red dog next to a blue car",
        [["dog", "next to", "car"], ["dog", "is", "red"], ["car", "is", "blue"]],
        "a red car next to a blue dog",
        [["car", "next to", "dog"], ["car", "is", "red"], ["dog", "is", "blue"]],
    ),
    (
        "a man riding a brown horse",
        [["man", "riding", "horse"], ["horse", "is", "brown"]],
        "a horse riding a brown man",
        [["horse", "riding", "man"], ["man", "is", "brown"]],
    ),
    (
        "a cat sitting on a wooden table",
        [["cat", "sitting on", "table"], ["table", "is", "wooden"]],
        "a table sitting on a wooden cat",
        [["table", "sitting on", "cat"], ["cat", "is", "wooden"]],
    ),
    (
        "a small bird above a green tree",
        [["bird", "above", "tree"], ["bird", "is", "small"], ["tree", "is", "green"]],
        "a small tree above a green bird",
        [["tree", "above", "bird"], ["tree", "is", "small"], ["bird", "is", "green"]],
    ),
]


# A synthetic world small enough for a test, and one quiet thread: the options both regimes of
# examples/synthetic_ablation.py share in the tests.
TINY_SYNTHETIC_WORLD = [
    "--per_device_train_batch_size", "8",
    "--num_train_examples", "32",
    "--num_validation_examples", "16",
    "--num_test_examples", "16",
    "--num_retrieval_examples", "16",
    "--num_threads", "1",
    "--disable_tqdm", "true",
]  # fmt: skip


def write_tiny_images(folder, count: int = 8) -> list[str]:
    """`count` distinct 30 px RGB PNGs (a coloured square on a grey background); returns file names."""
    os.makedirs(folder, exist_ok=True)
    names = []
    colours = list(COLOURS.values())
    for index in range(count):
        image = Image.new("RGB", (30, 30), (128, 128, 128))
        offset = (index * 5) % 18
        image.paste(colours[index % len(colours)], (offset, offset, offset + 12, offset + 12))
        name = f"image_{index}.png"
        image.save(os.path.join(folder, name))
        names.append(name)
    return names


def tiny_model_config(**overrides):
    """A tiny config whose vocabularies and special ids match the tiny processor's tokenizers."""
    bert = make_tiny_bert_tokenizer()
    sizes = tiny_vocab_sizes()
    knowledge = dict(
        vocab_size=sizes["knowledge"],
        pad_token_id=bert.pad_token_id,
        cls_token_id=bert.cls_token_id,
        sep_token_id=bert.sep_token_id,
        **overrides.pop("knowledge_config", {}),
    )
    text = dict(vocab_size=sizes["text"], **CLIP_SPECIAL_IDS, **overrides.pop("text_config", {}))
    return tiny_structure_clip_config(text_config=text, knowledge_config=knowledge, **overrides)


def make_tiny_model(seed: int = 0, **overrides) -> StructureCLIPModel:
    torch.manual_seed(seed)
    return StructureCLIPModel(tiny_model_config(**overrides))


def write_tiny_model_folder(folder, seed: int = 0, **overrides) -> str:
    """A local Structure-CLIP checkpoint with its processor, as `--model` takes it."""
    make_tiny_model(seed, **overrides).save_pretrained(folder)
    make_tiny_processor(folder)
    return str(folder)


def schema_rows(image_paths: list[str], with_negatives: bool = True) -> list[dict]:
    """Rows in the training_data schema, one caption per image, cycling through CAPTIONS."""
    rows = []
    for index, path in enumerate(image_paths):
        caption, triples, negative, negative_triples = CAPTIONS[index % len(CAPTIONS)]
        rows.append(
            {
                "image": path,
                "caption": caption,
                "triples": triples,
                "negative_caption": negative if with_negatives else None,
                "negative_triples": negative_triples if with_negatives else None,
                "bbox": None,
            }
        )
    return rows


def tiny_dataset(image_paths: list[str], with_negatives: bool = True) -> datasets.Dataset:
    return datasets.Dataset.from_list(schema_rows(image_paths, with_negatives))


def write_original_json(path, image_names: list[str], with_bbox: bool = False) -> str:
    """The original Structure-CLIP training JSON (true/false captions with their triples)."""
    records = []
    for index, name in enumerate(image_names):
        caption, triples, negative, negative_triples = CAPTIONS[index % len(CAPTIONS)]
        record = {
            "image_path": name,
            "true_caption": caption,
            "false_caption": negative,
            "true_triples": triples,
            "false_triples": negative_triples,
        }
        if with_bbox:
            record.update(bbox_x=2, bbox_y=3, bbox_w=20, bbox_h=10)
        records.append(record)
    with open(path, "w") as handle:
        json.dump(records, handle)
    return str(path)


def original_json_args(model, train_file, image_root) -> list[str]:
    """The command-line options of a run on `write_original_json`'s file with its given negatives."""
    return ["--model", str(model), "--train_file", str(train_file), "--image_root", str(image_root),
            "--negatives", "given"]  # fmt: skip


def write_coco_records_json(path, image_names: list[str]) -> str:
    """BLIP/Karpathy-style list of {image, caption} records."""
    records = [
        {"image": name, "caption": CAPTIONS[index % len(CAPTIONS)][0], "image_id": index}
        for index, name in enumerate(image_names)
    ]
    with open(path, "w") as handle:
        json.dump(records, handle)
    return str(path)


def write_coco_annotation_json(path, image_names: list[str]) -> str:
    """The official COCO captions layout: images + annotations, two captions per image."""
    images = [
        {"id": 100 + index, "file_name": name, "height": 30, "width": 30} for index, name in enumerate(image_names)
    ]
    annotations = []
    for index, image in enumerate(images):
        for offset in range(2):
            caption = CAPTIONS[(index + offset) % len(CAPTIONS)][0]
            annotations.append({"id": len(annotations), "image_id": image["id"], "caption": caption})
    with open(path, "w") as handle:
        json.dump({"info": {}, "images": images, "annotations": annotations}, handle)
    return str(path)


def write_csv(path, image_names: list[str], image_column="filepath", caption_column="title", delimiter=",") -> str:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow([image_column, caption_column])
        for index, name in enumerate(image_names):
            writer.writerow([name, CAPTIONS[index % len(CAPTIONS)][0]])
    return str(path)
