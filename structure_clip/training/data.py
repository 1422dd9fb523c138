"""Real training data for `train.py` and `finetune_with_trainer.py`: options, scene graphs, collator.

Every reader returns a `datasets.Dataset` in ONE schema, the same one the synthetic world uses
(`synthetic_world.build_synthetic_dataset`), so the training loop never cares where data came from:

    image             str (image file path) or PIL image (a `datasets.Image` column)
    caption           str
    triples           list of [head, relation, tail] or None (None = parse the caption)
    negative_caption  str or None                      (None = build one, or "no negative")
    negative_triples  list of [head, relation, tail] or None
    bbox              [x, y, w, h] or None              (crop before processing; the original's VG files)

Readers (in structure_clip/training/data_readers.py; pick with `load_training_dataset(...)`, which dispatches on the
file's content):
- `read_caption_file`: COCO style. A COCO annotation JSON (`images` + `annotations`), Karpathy's
  `dataset_coco.json` (`images[*].sentences`), a JSON/JSONL list of `{image, caption}` records (BLIP
  style; `caption` may be a list), or a CSV/TSV with an image-path and a caption column.
- `read_original_structure_clip_json`: the original Structure-CLIP training JSON, records with
  `image_path, true_caption, false_caption, true_triples, false_triples` (and `bbox_*` for VG images;
  original `model/dataloader_downstream.py`, `VG_Attribution`).
- `read_hf_dataset`: any `datasets` dataset (hub name or local path / `save_to_disk` folder) with an
  image column and a text column.

`load_datasets(DataArguments, seed)` reads training and validation data from the command-line options,
`add_scene_graphs(...)` fills `triples` (and semantic negatives) once, cached by `datasets`
(processing/scene_graph_cache.py), and `StructureCLIPCollator` turns rows into the model's keyword
arguments with `return_loss=True`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import datasets
from PIL import Image

from structure_clip.training.data_arguments import DataArguments
from structure_clip.training.data_readers import (
    is_original_structure_clip_file,
    read_caption_file,
    read_hf_dataset,
    read_original_structure_clip_json,
)


logger = logging.getLogger(__name__)


def load_training_dataset(
    train_file: str | None = None,
    dataset_name: str | None = None,
    dataset_config_name: str | None = None,
    split: str = "train",
    image_column: str | None = None,
    caption_column: str | None = None,
    image_root: str | None = None,
    cache_dir: str | None = None,
) -> datasets.Dataset:
    """Dispatch to the right reader: an original Structure-CLIP JSON, a COCO-style file, or a `datasets` dataset."""
    if bool(train_file) == bool(dataset_name):
        raise ValueError("Give exactly one of a data file (--train_file/--validation_file) or --dataset_name.")
    if dataset_name:
        return read_hf_dataset(
            dataset_name, dataset_config_name, split, image_column, caption_column, cache_dir, image_root
        )
    if is_original_structure_clip_file(train_file):
        return read_original_structure_clip_json(train_file, image_root)
    return read_caption_file(train_file, image_root, image_column, caption_column)


def load_datasets(args: DataArguments, seed: int):
    """Training and validation rows in the schema, with scene graphs and negatives parsed once and cached.

    Validation comes from --validation_file, else the dataset's --validation_split, else a seeded
    --validation_split_percentage of the training images (with all their captions). Never from a test set: it
    selects checkpoints.
    """
    read = dict(
        dataset_config_name=args.dataset_config_name,
        image_column=args.image_column,
        caption_column=args.caption_column,
        image_root=args.image_root,
    )
    train_dataset = load_training_dataset(args.train_file, args.dataset_name, split=args.train_split, **read)
    eval_dataset = None
    if args.validation_file:
        eval_dataset = load_training_dataset(args.validation_file, None, **read)
    elif args.dataset_name and args.validation_split:
        try:
            eval_dataset = load_training_dataset(None, args.dataset_name, split=args.validation_split, **read)
        except ValueError as error:
            logger.info("No validation split: %s", error)
    if eval_dataset is None and args.validation_split_percentage > 0:
        train_dataset, eval_dataset = split_validation_by_image(train_dataset, args.validation_split_percentage, seed)
    if eval_dataset is None:
        logger.warning("No validation data: no checkpoint selection, the final model is the last step's.")
    if args.max_train_samples:
        train_dataset = train_dataset.select(range(min(args.max_train_samples, len(train_dataset))))
    if eval_dataset is not None and args.max_eval_samples:
        eval_dataset = eval_dataset.select(range(min(args.max_eval_samples, len(eval_dataset))))
    scene_graphs = dict(
        negatives=args.negatives,
        seed=seed,
        spacy_model=args.spacy_model,
        scene_graph_parser=args.scene_graph_parser,
        cache_dir=args.data_cache_dir,
        num_proc=args.preprocessing_num_workers,
    )
    train_dataset = add_scene_graphs(train_dataset, **scene_graphs)
    if eval_dataset is not None:
        eval_dataset = add_scene_graphs(eval_dataset, **scene_graphs)
    return train_dataset, eval_dataset


def split_validation_by_image(dataset: datasets.Dataset, percentage: float, seed: int):
    """(train, validation): a seeded `percentage` of the distinct images, each with every one of its rows.

    COCO has 5 captions per image; splitting rows would put the same image on both sides, and the checkpoint
    chosen on validation would be chosen partly on training images.
    """
    import hashlib
    import random

    if isinstance(dataset.features.get("image"), datasets.Image):  # keys from path or bytes, without decoding
        raw = dataset.cast_column("image", datasets.Image(decode=False))["image"]
        keys = [item["path"] or hashlib.sha256(item["bytes"]).hexdigest() for item in raw]
    else:
        keys = [str(value) for value in dataset["image"]]
    images = sorted(set(keys))
    num_validation = max(1, round(len(images) * percentage / 100))
    if num_validation >= len(images):
        raise ValueError(
            f"--validation_split_percentage {percentage} of {len(images)} distinct images leaves no "
            f"training image; lower it or pass --validation_file."
        )
    held_out = set(random.Random(seed).sample(images, num_validation))
    validation_rows = [row for row, key in enumerate(keys) if key in held_out]
    train_rows = [row for row, key in enumerate(keys) if key not in held_out]
    logger.info("validation: %d of %d images (%d rows), held out from training", num_validation, len(images),
                len(validation_rows))  # fmt: skip
    return dataset.select(train_rows), dataset.select(validation_rows)


# ---------------------------------------------------------------------------------------------
# 2. Scene graphs and semantic negatives, computed once and cached
# ---------------------------------------------------------------------------------------------


def _rows_needing_work(dataset: datasets.Dataset, negatives: str) -> bool:
    if any(triples is None for triples in dataset["triples"]):
        return True
    return negatives == "auto" and any(caption is None for caption in dataset["negative_caption"])


def add_scene_graphs(
    dataset: datasets.Dataset,
    negatives: str = "auto",
    seed: int = 0,
    spacy_model: str | None = None,
    cache_dir: str | None = None,
    num_proc: int | None = None,
    scene_graph_parser: str = "rules",
) -> datasets.Dataset:
    """Fill `triples` by parsing captions and, with negatives="auto", `negative_caption`/`negative_triples`.

    Rows that already carry triples (the original JSON, the synthetic world) keep them. The work is a
    `datasets.map` with an explicit fingerprint, so a second run (or the other ranks, which wait in
    `main_process_first`) reads the cache instead of re-running spaCy. Given negatives are never replaced.
    """
    if negatives not in ("auto", "given", "none"):
        raise ValueError(f"negatives must be 'auto', 'given' or 'none', not {negatives!r}")
    if not _rows_needing_work(dataset, negatives):
        return dataset
    from processing import scene_graph_cache  # spaCy is only needed for this step

    if cache_dir is None:
        # Readers build in-memory datasets, which `datasets` would not cache on its own.
        cache_dir = os.path.join(datasets.config.HF_DATASETS_CACHE, "structure_clip_scene_graphs")
    return scene_graph_cache.add_scene_graph_columns(
        dataset,
        build_negatives=negatives == "auto",
        seed=seed,
        spacy_model=spacy_model,
        scene_graph_parser=scene_graph_parser,
        cache_dir=cache_dir,
        num_proc=num_proc,
    )


# ---------------------------------------------------------------------------------------------
# 3. Collator
# ---------------------------------------------------------------------------------------------


def load_image(value, bbox=None) -> Image.Image:
    """An image cell (path, PIL image, or `datasets.Image` dict) as an RGB PIL image, cropped to `bbox`."""
    if isinstance(value, Image.Image):
        image = value
    elif isinstance(value, dict):
        image = Image.open(value["path"]) if value.get("bytes") is None else _image_from_bytes(value["bytes"])
    elif isinstance(value, (str, os.PathLike)):
        if not os.path.isfile(value):
            raise FileNotFoundError(f"image file {value} does not exist (check --image_root)")
        image = Image.open(value)
    else:
        raise TypeError(f"cannot read an image from a {type(value).__name__}")
    image = image.convert("RGB")
    if bbox:
        x, y, width, height = bbox
        image = image.crop((x, y, x + width, y + height))
    return image


class ImageReadError(OSError):
    """An image that cannot be opened or decoded, named with its file and the record it belongs to."""


def describe_image(value) -> str:
    """The file an image cell points at, for error messages."""
    if isinstance(value, dict):
        return str(value.get("path") or "<image bytes in the dataset>")
    return "<in-memory image>" if isinstance(value, Image.Image) else str(value)


def load_row_image(row: dict, where: str = "a training record") -> Image.Image:
    """`load_image` of a schema row; a file PIL cannot read raises ImageReadError naming the file and the row."""
    try:
        return load_image(row["image"], row.get("bbox"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError, SyntaxError) as error:  # PIL reports broken files with all three
        raise ImageReadError(
            f"cannot read the image {describe_image(row['image'])} of {where} (caption {row.get('caption')!r:.100}): "
            f"{type(error).__name__}: {error}. Replace or remove the file, or pass --skip_bad_images to drop "
            "records whose image cannot be read (--verify_images lists them all before training)."
        ) from error


def _image_from_bytes(data: bytes) -> Image.Image:
    import io

    return Image.open(io.BytesIO(data))


def _as_tuples(triples) -> list[tuple[str, str, str]] | None:
    if triples is None:
        return None
    return [tuple(triple) for triple in triples]


@dataclass
class StructureCLIPCollator:
    """Rows of the training schema -> `StructureCLIPModel.forward` keyword arguments, with `return_loss=True`.

    use_negatives: pass each row's `negative_caption` (and its triples) so the model sees one hard
        negative per caption; rows without one get `negative_mask = 0` from the processor. False drops
        the negatives entirely (the "plain CLIP" ablation variant).
    use_triples: pass each row's triples to the processor (skips parsing). False passes `triples=None`
        with an empty list per caption, i.e. no knowledge input.
    """

    processor: Any
    use_negatives: bool = True
    use_triples: bool = True
    padding: Any = "max_length"  # the original pads every caption to CLIP's 77 tokens
    max_length: int | None = None

    def __call__(self, rows: list[dict]) -> dict:
        images = [load_row_image(row) for row in rows]
        captions = [row["caption"] for row in rows]
        kwargs = {"triples": self._triples(rows, "triples")}
        if self.use_negatives:
            kwargs["negatives"] = [row.get("negative_caption") or None for row in rows]
            kwargs["negative_triples"] = self._triples(rows, "negative_triples", kwargs["negatives"])
        if self.max_length is not None:
            kwargs["max_length"] = self.max_length
        batch = dict(self.processor(text=captions, images=images, padding=self.padding, return_tensors="pt", **kwargs))
        batch["return_loss"] = True
        return batch

    def _triples(self, rows, column, present=None):
        """Per-row triples; None (= let the processor parse) when some row that needs them lacks them."""
        if not self.use_triples:
            return [[] for _ in rows]
        present = present if present is not None else [True] * len(rows)
        values = [row.get(column) for row in rows]
        if any(value is None and needed for value, needed in zip(values, present, strict=False)):
            return None
        return [_as_tuples(value) if needed else None for value, needed in zip(values, present, strict=False)]
