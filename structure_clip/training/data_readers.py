"""File and dataset readers for training data: every reader returns a `datasets.Dataset` in the one
schema `structure_clip/training/data.py` describes (image, caption, triples, negative_caption, negative_triples, bbox).

Split out of structure_clip/training/data.py, which keeps the command-line options, `load_datasets`, scene graphs and
the collator. Readers validate at the boundary: a record with a missing key names the file, the
record and the key; rows without a usable caption are dropped with a warning.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import datasets


logger = logging.getLogger(__name__)

COLUMNS = ("image", "caption", "triples", "negative_caption", "negative_triples", "bbox")
IMAGE_COLUMN_GUESSES = ("image", "image_path", "filepath", "file_name", "filename", "img", "path", "img_path")
CAPTION_COLUMN_GUESSES = ("caption", "captions", "text", "title", "sentence", "sentences", "raw")
ORIGINAL_KEYS = ("image_path", "true_caption", "false_caption")
# Keys only the original format has ("image_path" is also a COCO-style image column name).
ORIGINAL_ONLY_KEYS = ("true_caption", "false_caption", "true_triples", "false_triples")


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


def _captions(value, where: str = "a record") -> list[str]:
    """A caption cell may hold one string, a list of strings, or Karpathy `sentences` dicts.

    Null, empty and whitespace-only captions are left out: there is nothing to train on. Anything else (a number,
    an object) is a broken export, reported with `where` (the file and record) rather than as a bare TypeError.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, (list, tuple)):
        raise ValueError(
            f"{where} has a caption of type {type(value).__name__} ({value!r:.80}); captions must be "
            "strings (or lists of strings)."
        )
    captions = []
    for item in value:
        caption = item.get("raw") if isinstance(item, dict) else item
        if caption is not None and not isinstance(caption, str):
            raise ValueError(
                f"{where} has a caption of type {type(caption).__name__} ({caption!r:.80}) in its "
                "caption list; captions must be strings."
            )
        captions.append(caption)
    return [caption for caption in captions if caption is not None and caption.strip()]


def _field(record, key: str, what: str, index: int, source):
    """`record[key]`, or a ValueError naming the file, the record and the missing key."""
    if not isinstance(record, dict) or key not in record:
        raise ValueError(f"{what} {index} of {source} has no {key!r} key: {str(record)[:200]}")
    return record[key]


def _image_path(value, what: str, index: int, source) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} {index} of {source} has no image path (got {value!r}); every record needs one.")
    return value


def _warn_dropped(dropped: list[int], total: int, what: str, source) -> None:
    """Rows without a usable caption are skipped, but never silently: a bad export should be noticed."""
    if dropped:
        logger.warning(
            "Dropped %d of %d %s in %s with a null, empty or whitespace-only caption (indices %s%s)",
            len(dropped),
            total,
            what,
            source,
            dropped[:5],
            ", ..." if len(dropped) > 5 else "",
        )


def _require_rows(rows: list[dict], source, hint: str) -> list[dict]:
    if not rows:
        raise ValueError(f"{source} gives no usable training rows: {hint}")
    return rows


def _triples(value, key: str = "triples", index: int = 0, source=None) -> list[list[str]] | None:
    """Triples as lists of 3 strings; a malformed one is reported here, with its record, rather than when
    its batch reaches the processor mid-training."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(
            f"{source}: record {index} '{key}' must be a list of [head, relation, tail], got {type(value).__name__}."
        )
    for triple in value:
        if isinstance(triple, str) or not isinstance(triple, (list, tuple)) or len(triple) != 3:
            raise ValueError(
                f"{source}: record {index} '{key}' holds {triple!r:.80}; each triple must be [head, relation, tail]."
            )
    return [[str(part) for part in triple] for triple in value]


# ---------------------------------------------------------------------------------------------
# 1. Readers
# ---------------------------------------------------------------------------------------------


def _read_json_records(path: Path):
    if path.suffix == ".jsonl":
        with path.open() as handle:
            return [_json_line(line, number, path) for number, line in enumerate(handle, 1) if line.strip()]
    text = path.read_text()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        if _parses_as_json(first_line):
            raise ValueError(
                f"{path} looks like JSON Lines (one JSON record per line), not one JSON document; rename it to .jsonl."
            ) from error
        raise ValueError(
            f"{path} is not valid JSON ({error}); expected a JSON list of records or a COCO/"
            "Karpathy annotation object, or JSON Lines in a .jsonl file."
        ) from error


def _json_line(line: str, number: int, path: Path):
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"line {number} of {path} is not a JSON record ({error}).") from error


def _parses_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _coco_annotation_rows(data: dict, image_root: str, source) -> list[dict]:
    file_names = {}
    for index, image in enumerate(data["images"]):
        file_name = _field(image, "file_name", "image", index, source)
        file_names[_field(image, "id", "image", index, source)] = _image_path(file_name, "image", index, source)
    rows, dropped = [], []
    for index, annotation in enumerate(data["annotations"]):
        image_id = _field(annotation, "image_id", "annotation", index, source)
        if image_id not in file_names:
            raise ValueError(f"annotation {index} of {source} names an unknown image_id {image_id}")
        captions = _captions(
            _field(annotation, "caption", "annotation", index, source), f"annotation {index} of {source}"
        )
        if not captions:
            dropped.append(index)
        rows.extend(_row(_resolve(file_names[image_id], image_root), caption) for caption in captions)
    _warn_dropped(dropped, len(data["annotations"]), "annotations", source)
    return _require_rows(rows, source, "its 'annotations' list has no captioned entry.")


def _karpathy_rows(data: dict, image_root: str, karpathy_splits: Sequence[str], source) -> list[dict]:
    rows, dropped = [], []
    for index, image in enumerate(data["images"]):
        if karpathy_splits and image.get("split") not in karpathy_splits:
            continue
        filename = _image_path(_field(image, "filename", "image", index, source), "image", index, source)
        path = os.path.join(image.get("filepath", ""), filename)
        sentences = _field(image, "sentences", "image", index, source)
        for number, sentence in enumerate(sentences):
            if isinstance(sentence, dict) and "raw" not in sentence:
                raise ValueError(f"sentence {number} of image {index} of {source} has no 'raw' key: {sentence}")
        captions = _captions(sentences, f"image {index} of {source}")
        if not captions:
            dropped.append(index)
        rows.extend(_row(_resolve(path, image_root), caption) for caption in captions)
    _warn_dropped(dropped, len(data["images"]), "images", source)
    splits = sorted({str(image.get("split")) for image in data["images"] if isinstance(image, dict)})
    return _require_rows(
        rows, source, f"no captioned image has a split in {list(karpathy_splits)} (the file's splits: {splits})."
    )


def _record_rows(records: list[dict], image_root: str, image_column, caption_column, source) -> list[dict]:
    if not records:
        raise ValueError(f"{source} holds no records.")
    image_key = _pick_column(list(records[0]), image_column, IMAGE_COLUMN_GUESSES, "image", source)
    caption_key = _pick_column(list(records[0]), caption_column, CAPTION_COLUMN_GUESSES, "caption", source)
    rows, dropped = [], []
    for index, record in enumerate(records):
        if not isinstance(record, dict) or image_key not in record or caption_key not in record:
            raise ValueError(f"record {index} of {source} lacks {image_key!r} or {caption_key!r}: {record}")
        captions = _captions(record[caption_key], f"record {index} of {source}")
        if not captions:
            dropped.append(index)
            continue
        image = _resolve(_image_path(record[image_key], "record", index, source), image_root)
        rows.extend(_row(image, caption) for caption in captions)
    _warn_dropped(dropped, len(records), "records", source)
    return _require_rows(rows, source, f"every record's {caption_key!r} is null, empty or whitespace-only.")


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
            rows = _coco_annotation_rows(data, image_root, path)
        elif isinstance(data, dict) and "images" in data:
            rows = _karpathy_rows(data, image_root, karpathy_splits, path)
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
    if not isinstance(records, list):
        raise ValueError(f"{path} is not a JSON list of records; original records need {ORIGINAL_KEYS}")
    _check_original_keys(records, path)
    image_root = image_root if image_root is not None else str(path.parent)
    rows, dropped = [], []
    for index, record in enumerate(records):
        for key in ("true_caption", "false_caption"):
            if record[key] is not None and not isinstance(record[key], str):
                raise ValueError(
                    f"record {index} of {path} has a {key!r} of type {type(record[key]).__name__} "
                    f"({record[key]!r:.80}); it must be a string."
                )
        if not _captions(record["true_caption"]):
            dropped.append(index)
            continue
        # VG records carry a relation/attribute bbox that the original crops to (dataloader_downstream.py).
        has_bbox = all(f"bbox_{side}" in record for side in "xywh")
        bbox = [float(record[f"bbox_{side}"]) for side in "xywh"] if has_bbox else None
        rows.append(
            _row(
                _resolve(_image_path(record["image_path"], "record", index, path), image_root),
                record["true_caption"],
                _triples(record.get("true_triples"), "true_triples", index, path),
                record["false_caption"],
                _triples(record.get("false_triples"), "false_triples", index, path),
                bbox,
            )
        )
    _warn_dropped(dropped, len(records), "records", path)
    _require_rows(rows, path, "every record's 'true_caption' is null, empty or whitespace-only.")
    if check_files:
        check_image_files(sorted({row["image"] for row in rows}), path)
    logger.info("Read %d original Structure-CLIP records from %s", len(rows), path)
    return datasets.Dataset.from_list(rows, features=_features())


def _check_original_keys(records: list, path) -> None:
    """Report every record that lacks a key, not just the first, so one fix pass repairs the file."""
    incomplete = {}
    for index, record in enumerate(records):
        missing = [key for key in ORIGINAL_KEYS if not isinstance(record, dict) or key not in record]
        if missing:
            incomplete[index] = missing
    if incomplete:
        examples = "; ".join(f"record {index} lacks {missing}" for index, missing in list(incomplete.items())[:5])
        raise ValueError(
            f"{len(incomplete)} of {len(records)} records of {path} are incomplete ({examples}); "
            f"original records need {ORIGINAL_KEYS}."
        )


def is_original_structure_clip_file(path: str | os.PathLike) -> bool:
    """True when ANY record has an original-only key, so one incomplete record 0 cannot turn the file into a
    COCO caption list (which would silently drop every gold triple and negative)."""
    path = Path(path)
    if path.suffix not in (".json", ".jsonl"):
        return False
    records = _read_json_records(path)
    return isinstance(records, list) and any(
        isinstance(record, dict) and any(key in record for key in ORIGINAL_ONLY_KEYS) for record in records
    )


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
    dataset = _drop_blank_captions(_normalise_hf_columns(loaded, image_key, caption_key), f"{name_or_path}[{split}]")
    if image_root and dataset.features["image"] == datasets.Value("string"):
        dataset = dataset.map(lambda row: {"image": _resolve(row["image"], image_root)}, desc="image paths")
    logger.info("Loaded %d rows from %s[%s]", len(dataset), name_or_path, split)
    return dataset


def _drop_blank_captions(dataset: datasets.Dataset, source: str) -> datasets.Dataset:
    """Same rule as the file readers: null, empty or whitespace-only captions are dropped, with a warning."""
    captions = dataset["caption"]
    wrong = next((index for index, caption in enumerate(captions) if not isinstance(caption, (str, type(None)))), None)
    if wrong is not None:
        raise ValueError(
            f"row {wrong} of {source} has a caption of type {type(captions[wrong]).__name__} "
            f"({captions[wrong]!r:.80}); the caption column must hold text (check --caption_column)."
        )
    blank = [index for index, caption in enumerate(captions) if not (caption or "").strip()]
    _warn_dropped(blank, len(dataset), "rows", source)
    if blank:
        blank_set = set(blank)
        dataset = dataset.select([index for index in range(len(dataset)) if index not in blank_set])
    if len(dataset) == 0:
        raise ValueError(f"{source} gives no usable training rows: every caption is null or blank")
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

        dataset = (
            dataset.cast_column("image", datasets.Image(decode=False))
            if isinstance(dataset.features["image"], datasets.Image)
            else dataset
        )
        dataset = dataset.map(explode, batched=True, desc="one row per caption")
        if isinstance(dataset.features["image"], datasets.Image):
            dataset = dataset.cast_column("image", datasets.Image())
    for optional, empty in (("triples", None), ("negative_caption", None), ("negative_triples", None), ("bbox", None)):
        if optional not in dataset.column_names:
            dataset = dataset.add_column(optional, [empty] * len(dataset))
    return dataset
