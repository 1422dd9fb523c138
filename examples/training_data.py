"""Real training data for `train.py` and `finetune_with_trainer.py`: readers, scene graphs, collator.

Every reader returns a `datasets.Dataset` in ONE schema, the same one the synthetic world uses
(`synthetic_world.build_synthetic_dataset`), so the training loop never cares where data came from:

    image             str (image file path) or PIL image (a `datasets.Image` column)
    caption           str
    triples           list of [head, relation, tail] or None (None = parse the caption)
    negative_caption  str or None                      (None = build one, or "no negative")
    negative_triples  list of [head, relation, tail] or None
    bbox              [x, y, w, h] or None              (crop before processing; the original's VG files)

Readers (pick with `load_training_dataset(...)`, which dispatches on the file's content):
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

import csv
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import datasets
from PIL import Image

logger = logging.getLogger(__name__)

COLUMNS = ("image", "caption", "triples", "negative_caption", "negative_triples", "bbox")
IMAGE_COLUMN_GUESSES = ("image", "image_path", "filepath", "file_name", "filename", "img", "path", "img_path")
CAPTION_COLUMN_GUESSES = ("caption", "captions", "text", "title", "sentence", "sentences", "raw")
ORIGINAL_KEYS = ("image_path", "true_caption", "false_caption")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _features() -> datasets.Features:
    triple = datasets.Sequence(datasets.Value("string"))
    return datasets.Features(
        {
            "image": datasets.Value("string"),
            "caption": datasets.Value("string"),
            "triples": datasets.Sequence(triple),
            "negative_caption": datasets.Value("string"),
            "negative_triples": datasets.Sequence(triple),
            "bbox": datasets.Sequence(datasets.Value("float32")),
        }
    )


def _row(image, caption, triples=None, negative_caption=None, negative_triples=None, bbox=None) -> dict:
    return {
        "image": image,
        "caption": caption,
        "triples": triples,
        "negative_caption": negative_caption,
        "negative_triples": negative_triples,
        "bbox": bbox,
    }


def _resolve(path: str, image_root: str | None) -> str:
    if image_root and not os.path.isabs(path):
        return os.path.join(image_root, path)
    return path


def check_image_files(paths: Sequence[str], source: str) -> None:
    """Fail early, with a hint, when image files named by a caption file are missing."""
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} of {len(paths)} image files named in {source} do not exist, e.g. {missing[:3]}. "
            "Paths are taken relative to --image_root (default: the caption file's folder); "
            "pass --image_root pointing at the folder that holds the images."
        )


def _pick_column(available: Sequence[str], requested: str | None, guesses: Sequence[str], what: str, source) -> str:
    if requested:
        if requested not in available:
            raise ValueError(f"{source} has no {what} column {requested!r}; its columns are {list(available)}.")
        return requested
    for guess in guesses:
        if guess in available:
            return guess
    raise ValueError(
        f"Could not find a {what} column in {source} (columns: {list(available)}); "
        f"pass --{'image' if what == 'image' else 'caption'}_column to name it."
    )


def _captions(value) -> list[str]:
    """A caption cell may hold one string, a list of strings, or Karpathy `sentences` dicts."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    captions = []
    for item in value:
        captions.append(item["raw"] if isinstance(item, dict) else item)
    return [caption for caption in captions if caption]


def _triples(value) -> list[list[str]] | None:
    if value is None:
        return None
    return [[str(part) for part in triple] for triple in value]


# ---------------------------------------------------------------------------------------------
# 0. Command-line options (train.py and finetune_with_trainer.py)
# ---------------------------------------------------------------------------------------------


@dataclass
class DataArguments:
    """Which data to train and validate on (shared with finetune_with_trainer.py)."""

    train_file: Optional[str] = field(
        default=None, metadata={"help": "COCO-style JSON/JSONL/CSV of image paths and captions, or the original "
                                "Structure-CLIP training JSON (image_path, true_caption, false_caption, *_triples)."})
    validation_file: Optional[str] = field(default=None, metadata={"help": "Validation file in the same formats."})
    dataset_name: Optional[str] = field(
        default=None, metadata={"help": "A `datasets` dataset (hub name or local path) instead of files."})
    dataset_config_name: Optional[str] = field(default=None, metadata={"help": "Config name of --dataset_name."})
    train_split: str = field(default="train", metadata={"help": "Split of --dataset_name to train on."})
    validation_split: Optional[str] = field(
        default="validation", metadata={"help": "Split of --dataset_name used for checkpoint selection (if present)."})
    validation_split_percentage: float = field(
        default=0.0, metadata={"help": "Hold out this percentage of the training rows for validation when no "
                               "validation data is given (0 = none: the final model is the last step)."})
    image_column: Optional[str] = field(default=None, metadata={"help": "Image (path) column; default: guessed."})
    caption_column: Optional[str] = field(default=None, metadata={"help": "Caption column; default: guessed."})
    image_root: Optional[str] = field(
        default=None,
        metadata={"help": "Folder that relative image paths start from; default: the data file's folder."})
    negatives: str = field(
        default="auto", metadata={"help": "'auto': build a semantic negative for rows without one; 'given': only "
                                  "the file's negatives; 'none': train without hard negatives."})
    spacy_model: Optional[str] = field(default=None, metadata={"help": "spaCy pipeline for the scene-graph parser."})
    data_cache_dir: Optional[str] = field(default=None, metadata={"help": "Cache folder for parsed scene graphs."})
    preprocessing_num_workers: Optional[int] = field(default=None, metadata={"help": "Processes for parsing."})
    max_train_samples: Optional[int] = field(default=None, metadata={"help": "Truncate the training set (debug)."})
    max_eval_samples: Optional[int] = field(default=None, metadata={"help": "Truncate the validation set."})

    def __post_init__(self):
        if self.negatives not in ("auto", "given", "none"):
            raise ValueError(f"--negatives must be 'auto', 'given' or 'none', not {self.negatives!r}")


# ---------------------------------------------------------------------------------------------
# 1. Readers
# ---------------------------------------------------------------------------------------------


def _read_json_records(path: Path):
    if path.suffix == ".jsonl":
        with path.open() as handle:
            return [json.loads(line) for line in handle if line.strip()]
    with path.open() as handle:
        return json.load(handle)


def _coco_annotation_rows(data: dict, image_root: str) -> list[dict]:
    file_names = {image["id"]: image["file_name"] for image in data["images"]}
    rows = []
    for annotation in data["annotations"]:
        if annotation["image_id"] not in file_names:
            raise ValueError(f"annotation {annotation.get('id')} names an unknown image_id {annotation['image_id']}")
        rows.append(_row(_resolve(file_names[annotation["image_id"]], image_root), annotation["caption"]))
    return rows


def _karpathy_rows(data: dict, image_root: str, karpathy_splits: Sequence[str]) -> list[dict]:
    rows = []
    for image in data["images"]:
        if karpathy_splits and image.get("split") not in karpathy_splits:
            continue
        path = os.path.join(image.get("filepath", ""), image["filename"])
        rows.extend(_row(_resolve(path, image_root), caption) for caption in _captions(image["sentences"]))
    return rows


def _record_rows(records: list[dict], image_root: str, image_column, caption_column, source) -> list[dict]:
    if not records:
        raise ValueError(f"{source} holds no records.")
    image_key = _pick_column(list(records[0]), image_column, IMAGE_COLUMN_GUESSES, "image", source)
    caption_key = _pick_column(list(records[0]), caption_column, CAPTION_COLUMN_GUESSES, "caption", source)
    rows = []
    for index, record in enumerate(records):
        if image_key not in record or caption_key not in record:
            raise ValueError(f"record {index} of {source} lacks {image_key!r} or {caption_key!r}: {record}")
        image = _resolve(record[image_key], image_root)
        rows.extend(_row(image, caption) for caption in _captions(record[caption_key]))
    return rows


def _csv_rows(path: Path, image_root: str, image_column, caption_column) -> list[dict]:
    delimiter = "\t" if path.suffix in (".tsv", ".tab") else ","
    with path.open(newline="") as handle:
        records = list(csv.DictReader(handle, delimiter=delimiter))
    return _record_rows(records, image_root, image_column, caption_column, path)


def read_caption_file(
    path: str | os.PathLike,
    image_root: str | None = None,
    image_column: str | None = None,
    caption_column: str | None = None,
    karpathy_splits: Sequence[str] = ("train", "restval"),
    check_files: bool = True,
) -> datasets.Dataset:
    """Read a COCO-style caption file (JSON, JSONL, CSV or TSV) into the training schema, one row per caption."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"caption file {path} does not exist")
    image_root = image_root if image_root is not None else str(path.parent)
    if path.suffix in (".csv", ".tsv", ".tab"):
        rows = _csv_rows(path, image_root, image_column, caption_column)
    else:
        data = _read_json_records(path)
        if isinstance(data, dict) and "annotations" in data and "images" in data:
            rows = _coco_annotation_rows(data, image_root)
        elif isinstance(data, dict) and "images" in data:
            rows = _karpathy_rows(data, image_root, karpathy_splits)
        elif isinstance(data, list):
            rows = _record_rows(data, image_root, image_column, caption_column, path)
        else:
            raise ValueError(
                f"{path}: unrecognised JSON layout. Expected a COCO annotation file (images + annotations), "
                "Karpathy's dataset_coco.json (images[*].sentences) or a list of {image, caption} records."
            )
    if check_files:
        check_image_files(sorted({row["image"] for row in rows}), path)
    logger.info("Read %d captions from %s", len(rows), path)
    return datasets.Dataset.from_list(rows, features=_features())


def read_original_structure_clip_json(
    path: str | os.PathLike, image_root: str | None = None, check_files: bool = True
) -> datasets.Dataset:
    """Read the original Structure-CLIP training JSON (true/false captions with their triples)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"training file {path} does not exist")
    records = _read_json_records(path)
    image_root = image_root if image_root is not None else str(path.parent)
    rows = []
    for index, record in enumerate(records):
        missing = [key for key in ORIGINAL_KEYS if key not in record]
        if missing:
            raise ValueError(f"record {index} of {path} lacks {missing}; original records need {ORIGINAL_KEYS}")
        # VG records carry a relation/attribute bbox that the original crops to (dataloader_downstream.py).
        has_bbox = all(f"bbox_{side}" in record for side in "xywh")
        bbox = [float(record[f"bbox_{side}"]) for side in "xywh"] if has_bbox else None
        rows.append(
            _row(
                _resolve(record["image_path"], image_root),
                record["true_caption"],
                _triples(record.get("true_triples")),
                record["false_caption"],
                _triples(record.get("false_triples")),
                bbox,
            )
        )
    if check_files:
        check_image_files(sorted({row["image"] for row in rows}), path)
    logger.info("Read %d original Structure-CLIP records from %s", len(rows), path)
    return datasets.Dataset.from_list(rows, features=_features())


def is_original_structure_clip_file(path: str | os.PathLike) -> bool:
    path = Path(path)
    if path.suffix not in (".json", ".jsonl"):
        return False
    records = _read_json_records(path)
    return isinstance(records, list) and bool(records) and all(key in records[0] for key in ORIGINAL_KEYS)


def read_hf_dataset(
    name_or_path: str,
    config_name: str | None = None,
    split: str = "train",
    image_column: str | None = None,
    caption_column: str | None = None,
    cache_dir: str | None = None,
    image_root: str | None = None,
) -> datasets.Dataset:
    """Load any `datasets` dataset (hub name, script/data folder, or `save_to_disk` folder) into the schema.

    The image column may hold images (`datasets.Image`) or file paths, taken relative to `image_root`.
    """
    if os.path.isdir(name_or_path) and os.path.isfile(os.path.join(name_or_path, "dataset_dict.json")):
        loaded = datasets.load_from_disk(name_or_path)
    elif os.path.isdir(name_or_path) and os.path.isfile(os.path.join(name_or_path, "dataset_info.json")):
        loaded = datasets.load_from_disk(name_or_path)
    else:
        loaded = datasets.load_dataset(name_or_path, config_name, cache_dir=cache_dir)
    if isinstance(loaded, datasets.DatasetDict):
        if split not in loaded:
            raise ValueError(f"dataset {name_or_path} has no split {split!r}; it has {list(loaded)}")
        loaded = loaded[split]
    columns = loaded.column_names
    image_key = _pick_column(columns, image_column, IMAGE_COLUMN_GUESSES, "image", name_or_path)
    caption_key = _pick_column(columns, caption_column, CAPTION_COLUMN_GUESSES, "caption", name_or_path)
    dataset = _normalise_hf_columns(loaded, image_key, caption_key)
    if image_root and dataset.features["image"] == datasets.Value("string"):
        dataset = dataset.map(lambda row: {"image": _resolve(row["image"], image_root)}, desc="image paths")
    logger.info("Loaded %d rows from %s[%s]", len(dataset), name_or_path, split)
    return dataset


def _normalise_hf_columns(dataset: datasets.Dataset, image_key: str, caption_key: str) -> datasets.Dataset:
    """Rename to the schema, explode caption lists into rows, add the missing optional columns."""
    keep = {image_key: "image", caption_key: "caption"}
    for optional in ("triples", "negative_caption", "negative_triples", "bbox"):
        if optional in dataset.column_names and optional not in keep.values():
            keep[optional] = optional
    dataset = dataset.remove_columns([c for c in dataset.column_names if c not in keep])
    dataset = dataset.rename_columns({old: new for old, new in keep.items() if old != new})
    if not isinstance(dataset.features["caption"], datasets.Value):
        # One row per caption; the image column is repeated, never decoded here.
        def explode(batch):
            out = {key: [] for key in batch}
            for index, value in enumerate(batch["caption"]):
                for caption in _captions(value):
                    for key in batch:
                        out[key].append(caption if key == "caption" else batch[key][index])
            return out

        dataset = dataset.cast_column("image", datasets.Image(decode=False)) if isinstance(
            dataset.features["image"], datasets.Image
        ) else dataset
        dataset = dataset.map(explode, batched=True, desc="one row per caption")
        if isinstance(dataset.features["image"], datasets.Image):
            dataset = dataset.cast_column("image", datasets.Image())
    for optional, empty in (("triples", None), ("negative_caption", None), ("negative_triples", None), ("bbox", None)):
        if optional not in dataset.column_names:
            dataset = dataset.add_column(optional, [empty] * len(dataset))
    return dataset


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
        return read_hf_dataset(dataset_name, dataset_config_name, split, image_column, caption_column, cache_dir,
                               image_root)
    if is_original_structure_clip_file(train_file):
        return read_original_structure_clip_json(train_file, image_root)
    return read_caption_file(train_file, image_root, image_column, caption_column)


def load_datasets(args: DataArguments, seed: int):
    """Training and validation rows in the schema, with scene graphs and negatives parsed once and cached.

    Validation comes from --validation_file, else the dataset's --validation_split, else a seeded
    --validation_split_percentage of the training rows. Never from a test set: it selects checkpoints.
    """
    read = dict(dataset_config_name=args.dataset_config_name, image_column=args.image_column,
                caption_column=args.caption_column, image_root=args.image_root)
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
        split = train_dataset.train_test_split(test_size=args.validation_split_percentage / 100, seed=seed)
        train_dataset, eval_dataset = split["train"], split["test"]
    if eval_dataset is None:
        logger.warning("No validation data: no checkpoint selection, the final model is the last step's.")
    if args.max_train_samples:
        train_dataset = train_dataset.select(range(min(args.max_train_samples, len(train_dataset))))
    if eval_dataset is not None and args.max_eval_samples:
        eval_dataset = eval_dataset.select(range(min(args.max_eval_samples, len(eval_dataset))))
    scene_graphs = dict(negatives=args.negatives, seed=seed, spacy_model=args.spacy_model,
                        cache_dir=args.data_cache_dir, num_proc=args.preprocessing_num_workers)
    train_dataset = add_scene_graphs(train_dataset, **scene_graphs)
    if eval_dataset is not None:
        eval_dataset = add_scene_graphs(eval_dataset, **scene_graphs)
    return train_dataset, eval_dataset


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
        images = [load_image(row["image"], row.get("bbox")) for row in rows]
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
        if any(value is None and needed for value, needed in zip(values, present)):
            return None
        return [_as_tuples(value) if needed else None for value, needed in zip(values, present)]
