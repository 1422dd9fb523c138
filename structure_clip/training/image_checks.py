"""The optional pre-flight image check of train.py and finetune_with_trainer.py (--verify_images, --skip_bad_images).

Without it a truncated or non-image file stops training at the batch that holds it (the collator's error names
the file and its caption). With it every distinct image is decoded once before training; the bad ones are either
reported all together (--verify_images) or their records dropped (--skip_bad_images), and in both cases listed in
`<output_dir>/bad_images.json` as {"split", "row", "image", "caption", "error"} records.
"""

from __future__ import annotations

import json
import logging
import os

import datasets
from tqdm.auto import tqdm

from structure_clip.training.data import ImageReadError, describe_image, load_row_image


logger = logging.getLogger(__name__)

BAD_IMAGES_FILE = "bad_images.json"


def _undecoded(dataset: datasets.Dataset) -> datasets.Dataset:
    """Image cells as paths/bytes: a `datasets.Image` column would otherwise decode (and fail) on access."""
    if isinstance(dataset.features["image"], datasets.Image):
        return dataset.cast_column("image", datasets.Image(decode=False))
    return dataset


def find_bad_images(dataset: datasets.Dataset, split: str, show_progress: bool) -> list[dict]:
    """Decode each distinct image once; one record per row whose image cannot be read."""
    undecoded = _undecoded(dataset)
    rows_of: dict[str, list[int]] = {}
    for index, value in enumerate(undecoded["image"]):
        rows_of.setdefault(describe_image(value), []).append(index)
    bad = []
    for name, indices in tqdm(rows_of.items(), desc=f"verifying {split} images", disable=not show_progress):
        row = {**undecoded[indices[0]], "bbox": None}
        try:
            load_row_image(row, f"{split} row {indices[0]}")
        except (ImageReadError, FileNotFoundError) as error:
            cause = error.__cause__ or error
            bad.extend({"split": split, "row": index, "image": name, "caption": undecoded[index]["caption"],
                        "error": f"{type(cause).__name__}: {cause}"} for index in indices)  # fmt: skip
    return bad


def check_images(data_args, splits: dict, output_dir: str, show_progress: bool, is_main_process: bool) -> dict:
    """`splits` ({name: dataset or None}) with the bad-image policy of `data_args` applied."""
    if not (data_args.verify_images or data_args.skip_bad_images) or all(data is None for data in splits.values()):
        return splits
    bad = [record for name, dataset in splits.items() if dataset is not None
           for record in find_bad_images(dataset, name, show_progress)]  # fmt: skip
    if not bad:
        logger.info("Every image of %s decodes", ", ".join(name for name, data in splits.items() if data is not None))
        return splits
    report = os.path.join(output_dir, BAD_IMAGES_FILE)
    if is_main_process:
        os.makedirs(output_dir, exist_ok=True)
        with open(report, "w") as handle:
            json.dump(bad, handle, indent=1)
    examples = "; ".join(f"{r['split']} row {r['row']}: {r['image']} ({r['error']:.80})" for r in bad[:3])
    if not data_args.skip_bad_images:
        raise ImageReadError(
            f"{len(bad)} records have an image that cannot be read, e.g. {examples}. All are "
            f"listed in {report}; fix them, or pass --skip_bad_images to drop those records."
        )
    logger.warning("--skip_bad_images: dropping %d records whose image cannot be read (listed in %s), e.g. %s",
                   len(bad), report, examples)  # fmt: skip
    return {name: _without_rows(dataset, {r["row"] for r in bad if r["split"] == name})
            for name, dataset in splits.items()}  # fmt: skip


def _without_rows(dataset, rows: set[int]):
    if dataset is None or not rows:
        return dataset
    kept = dataset.select([index for index in range(len(dataset)) if index not in rows])
    if len(kept) == 0:
        raise ImageReadError(
            "no record is left once the records with unreadable images are dropped; see "
            f"{BAD_IMAGES_FILE} in the output folder."
        )
    return kept
