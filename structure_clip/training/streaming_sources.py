"""Training data as a stream: open a `datasets.IterableDataset` and turn its records into schema rows.

Sources for `examples/train.py --streaming`:
- `--dataset_name`: any `datasets` dataset in streaming mode (`load_dataset(..., streaming=True)`): a Hub name
  or a local folder of data files;
- `--train_file`: JSON Lines files or WebDataset-style `.tar` shards (one file, a folder, or a glob such as
  `shards/train-*.tar`), read by `datasets`' own "json" and "webdataset" builders in streaming mode. Each
  file is one shard: shards are what gets split across processes and DataLoader workers.

Records become rows of the one training schema (structure_clip/training/data.py): `{image, caption}` records
(the caption may be a list: one row per caption), the original Structure-CLIP records (`image_path`,
`true_caption`, `false_caption`, `*_triples`), and WebDataset samples, whose `json` member is merged into the
sample (`000123.jpg` + `000123.json` with a `caption` key, or `000123.txt`).

Image columns are cast to `datasets.Image(decode=False)`: images are decoded by the collator inside the
DataLoader workers, and skipping the records a resumed run already consumed reads bytes but decodes nothing.
"""

from __future__ import annotations

import glob
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import datasets

from structure_clip.training.data_readers import (
    CAPTION_COLUMN_GUESSES,
    IMAGE_COLUMN_GUESSES,
    ORIGINAL_ONLY_KEYS,
    _captions,
    _image_path,
    _pick_column,
    _resolve,
    _row,
    _triples,
)


logger = logging.getLogger(__name__)

# WebDataset members are named by extension (webdataset's own convention: `.jpg`, `.txt`, `.json`).
STREAM_IMAGE_GUESSES = (*IMAGE_COLUMN_GUESSES, "jpg", "jpeg", "png", "webp")
STREAM_CAPTION_GUESSES = (*CAPTION_COLUMN_GUESSES, "txt")
JSON_SUFFIXES = (".jsonl", ".json")
TAR_SUFFIXES = (".tar",)
OPTIONAL_COLUMNS = ("triples", "negative_caption", "negative_triples", "bbox")
UNKNOWN_LOCATION = "a streamed record"


def shard_files(train_file: str) -> list[str]:
    """The files `--train_file` names with --streaming: one file, every JSON Lines / tar file in a folder, or a glob."""
    if os.path.isdir(train_file):
        files = [
            str(path) for path in sorted(Path(train_file).iterdir()) if path.suffix in JSON_SUFFIXES + TAR_SUFFIXES
        ]
    elif glob.has_magic(train_file):
        files = sorted(glob.glob(train_file))
    else:
        files = [train_file] if os.path.isfile(train_file) else []
    if not files:
        raise FileNotFoundError(
            f"--train_file {train_file} names no JSON Lines (.jsonl/.json) or WebDataset (.tar) file; with --streaming "
            "it takes one file, a folder of shards, or a glob such as 'shards/train-*.tar'."
        )
    return files


def builder_for(files: list[str], what: str) -> str:
    """The `datasets` builder that streams `files`: "json" or "webdataset" (never a mix)."""
    suffixes = {Path(path).suffix for path in files}
    if suffixes <= set(TAR_SUFFIXES):
        return "webdataset"
    if suffixes <= set(JSON_SUFFIXES):
        return "json"
    raise ValueError(
        f"{what} mixes or holds unsupported file types {sorted(suffixes)}; streaming reads either JSON Lines "
        "(.jsonl/.json) or WebDataset .tar shards, one kind per run."
    )


def open_file_stream(path: str) -> tuple[datasets.IterableDataset, str]:
    """(stream, default image root) of a --train_file / --validation_file with --streaming."""
    files = shard_files(path)
    builder = builder_for(files, path)
    stream = datasets.load_dataset(builder, data_files={"train": files}, split="train", streaming=True)
    logger.info("Streaming %d %s shard(s) from %s", len(files), builder, path)
    return without_image_decoding(stream), os.path.dirname(os.path.abspath(files[0]))


def open_hub_stream(name: str, config_name: str | None, split: str, cache_dir: str | None = None):
    """`load_dataset(name, config_name, split=split, streaming=True)` with images left undecoded."""
    stream = datasets.load_dataset(name, config_name, split=split, streaming=True, cache_dir=cache_dir)
    return without_image_decoding(stream)


def without_image_decoding(stream: datasets.IterableDataset) -> datasets.IterableDataset:
    for name, feature in (stream.features or {}).items():
        if isinstance(feature, datasets.Image) and feature.decode:
            stream = stream.cast_column(name, datasets.Image(decode=False))
    return stream


@dataclass
class RecordReader:
    """One streamed record -> its schema rows (none when every caption is blank). Picklable, for DataLoader workers.

    image_column / caption_column: as --image_column / --caption_column; default: guessed per record.
    image_root: folder that relative image paths start from.
    """

    image_column: str | None = None
    caption_column: str | None = None
    image_root: str | None = None

    def __call__(self, record: dict) -> list[dict]:
        record = merged_webdataset_json(record)
        where = record_location(record)
        if any(key in record for key in ORIGINAL_ONLY_KEYS):
            return self._original_rows(record, where)
        columns = list(record)
        image_key = _pick_column(columns, self.image_column, STREAM_IMAGE_GUESSES, "image", where)
        caption_key = _pick_column(columns, self.caption_column, STREAM_CAPTION_GUESSES, "caption", where)
        image = self._image(record[image_key], where)
        extra = {key: record.get(key) for key in OPTIONAL_COLUMNS}
        extra["triples"] = _triples(extra["triples"], "triples", 0, where)
        extra["negative_triples"] = _triples(extra["negative_triples"], "negative_triples", 0, where)
        return [_row(image, caption, **extra) for caption in _captions(record[caption_key], where)]

    def _image(self, value, where: str):
        if isinstance(value, str):
            return _resolve(_image_path(value, "record", 0, where), self.image_root)
        if isinstance(value, dict) and value.get("bytes") is not None and where != UNKNOWN_LOCATION:
            # A shard member's `path` is its name inside the shard ("000123.jpg"); messages and the bad-image
            # report should name the shard too. Decoding reads the bytes, never this path.
            return {**value, "path": f"{value.get('path') or 'image'} ({where})"}
        return value  # a `datasets.Image(decode=False)` dict of bytes/path, or a PIL image

    def _original_rows(self, record: dict, where: str) -> list[dict]:
        """The original Structure-CLIP record (structure_clip/training/data_readers.py reads the same keys)."""
        if not _captions(record.get("true_caption"), where):
            return []
        has_bbox = all(f"bbox_{side}" in record for side in "xywh")
        return [
            _row(
                self._image(record.get("image_path"), where),
                record["true_caption"],
                _triples(record.get("true_triples"), "true_triples", 0, where),
                record.get("false_caption"),
                _triples(record.get("false_triples"), "false_triples", 0, where),
                [float(record[f"bbox_{side}"]) for side in "xywh"] if has_bbox else None,
            )
        ]


def merged_webdataset_json(record: dict) -> dict:
    """A WebDataset sample's `json` member's keys alongside its other members (the members win on a clash)."""
    if isinstance(record.get("json"), dict):
        return {**record["json"], **{key: value for key, value in record.items() if key != "json"}}
    return record


def record_location(record: dict) -> str:
    """Where a record came from, for error messages: the shard and sample key when the builder gives them."""
    if "__key__" in record:
        return f"sample {record['__key__']!r} of {record.get('__url__', 'a shard')}"
    return UNKNOWN_LOCATION
