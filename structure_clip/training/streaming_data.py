"""The data of a streamed run (`examples/train.py --streaming`), from the command-line options.

Training data stays a stream (streaming_sources.py opens it, streaming.py cuts, shuffles and batches it);
captions are parsed and negatives built on the fly by `SceneGraphsOnTheFly`, in the DataLoader workers.
Validation data is small and read in full: --validation_file (the map-style readers, or a stream of
shards read to its end) or --dataset_name's --validation_split, parsed once and cached like the map-style
path, so that every validation sees the same rows.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from itertools import islice

import datasets

from structure_clip.training.data import add_scene_graphs, load_training_dataset
from structure_clip.training.data_readers import _features
from structure_clip.training.streaming import StreamingSource
from structure_clip.training.streaming_bad_images import BAD_STREAM_IMAGES_FILE, BadImageFilter
from structure_clip.training.streaming_sources import RecordReader, open_file_stream, open_hub_stream


logger = logging.getLogger(__name__)
MAP_STYLE_SUFFIXES = (".json", ".jsonl", ".csv", ".tsv", ".tab")


@dataclass
class SceneGraphsOnTheFly:
    """Rows -> the same rows with `triples` (and, with negatives="auto", semantic negatives), parsed per batch.

    The same parser and negative builder as the cached path (processing/scene_graph_cache.py), so a caption
    gets the same triples and negative either way. Rows that already carry what they need are not parsed.
    """

    negatives: str = "auto"
    seed: int = 0
    spacy_model: str | None = None
    scene_graph_parser: str = "rules"

    def __call__(self, rows: list[dict]) -> list[dict]:
        build_negatives = self.negatives == "auto"
        if all(row["triples"] is not None and (row["negative_caption"] is not None or not build_negatives)
               for row in rows):  # fmt: skip
            return rows
        from processing.scene_graph_cache import scene_graph_columns_for_rows  # spaCy only when parsing

        columns = scene_graph_columns_for_rows(
            {key: [row[key] for row in rows] for key in rows[0]},
            build_negatives=build_negatives,
            seed=self.seed,
            spacy_model=self.spacy_model,
            scene_graph_parser=self.scene_graph_parser,
        )
        return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def open_training_stream(args) -> StreamingSource:
    """The training stream of --train_file (JSON Lines / tar shards) or --dataset_name, with on-the-fly parsing."""
    if bool(args.train_file) == bool(args.dataset_name):
        raise ValueError("Give exactly one of --train_file or --dataset_name with --streaming.")
    if args.train_file:
        dataset, default_root = open_file_stream(args.train_file)
    else:
        dataset = open_hub_stream(args.dataset_name, args.dataset_config_name, args.train_split)
        default_root = None
    reader = RecordReader(args.image_column, args.caption_column, args.image_root or default_root)
    graphs = SceneGraphsOnTheFly(args.negatives, args.seed, args.spacy_model, args.scene_graph_parser)
    bad_images = (
        BadImageFilter(os.path.join(args.output_dir, BAD_STREAM_IMAGES_FILE)) if args.skip_bad_images else None
    )
    return StreamingSource(dataset, reader, graphs, args.shuffle_buffer_size, args.seed, bad_images)


def load_streaming_datasets(args, seed: int):
    """(training StreamingSource, validation `datasets.Dataset` or None) for a --streaming run."""
    train_source = open_training_stream(args)
    eval_dataset = read_validation(args)
    if eval_dataset is None:
        logger.warning("No validation data: no checkpoint selection, the final model is the last step's.")
        return train_source, None
    if args.max_eval_samples:
        eval_dataset = eval_dataset.select(range(min(args.max_eval_samples, len(eval_dataset))))
    eval_dataset = add_scene_graphs(eval_dataset, args.negatives, seed, args.spacy_model, args.data_cache_dir,
                                    args.preprocessing_num_workers, args.scene_graph_parser)  # fmt: skip
    return train_source, eval_dataset


def read_validation(args) -> datasets.Dataset | None:
    """Validation rows read in full: a file the map-style readers know, shards read to their end, or a split."""
    read = dict(image_column=args.image_column, caption_column=args.caption_column, image_root=args.image_root)
    if args.validation_file:
        path = args.validation_file
        if os.path.isfile(path) and path.endswith(MAP_STYLE_SUFFIXES):  # one file: the map-style readers
            return load_training_dataset(path, None, **read)
        stream, default_root = open_file_stream(path)
        return materialise(stream, RecordReader(args.image_column, args.caption_column, args.image_root or default_root),
                           args.max_eval_samples, path)  # fmt: skip
    if args.dataset_name and args.validation_split:
        try:
            stream = open_hub_stream(args.dataset_name, args.dataset_config_name, args.validation_split)
        except ValueError as error:  # `datasets` names the splits it has
            logger.info("No validation split: %s", error)
            return None
        reader = RecordReader(args.image_column, args.caption_column, args.image_root)
        return materialise(stream, reader, args.max_eval_samples, f"{args.dataset_name}[{args.validation_split}]")
    return None


def materialise(stream: datasets.IterableDataset, reader: RecordReader, limit: int | None, source: str):
    """The first `limit` rows (all when None) of a finite stream, as an in-memory `datasets.Dataset`."""
    rows = islice((row for record in stream for row in reader(record)), limit)
    rows = [{**row, "image": _image_reference(row["image"])} for row in rows]
    if not rows:
        raise ValueError(f"validation data {source} gives no usable rows: every caption is null or blank")
    logger.info("Read %d validation rows from %s", len(rows), source)
    features = _features()
    if any(not isinstance(row["image"], str) for row in rows):
        features["image"] = datasets.Image()
    return datasets.Dataset.from_list(rows, features=features)


def _image_reference(value):
    """A streamed image cell as a `datasets.Dataset` can hold it: a path, or the {bytes, path} dict."""
    return value if isinstance(value, (str, dict)) else {"bytes": _png_bytes(value), "path": None}


def _png_bytes(image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
