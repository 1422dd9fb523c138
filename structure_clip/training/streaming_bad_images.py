"""--skip_bad_images in a streamed run (`examples/train.py --streaming`): unreadable images are dropped on the fly.

A map-style run decodes every image before training (image_checks.py). A stream has no "before", so here each
row's image is decoded while its batch is built, in the DataLoader worker, and a row whose image cannot be read
is replaced by the next row of the same sub-stream. Such a batch uses up more rows than its size; the
checkpointed `StreamPosition` records the rows each sub-stream used up, so a resumed run skips exactly those
(reading their bytes, decoding nothing) and continues with the same batches.

Dropped rows are appended to `<output_dir>/bad_images.jsonl`, one JSON record per line
({"process", "sub_stream", "image", "caption", "error"}); the first few are also logged.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from structure_clip.training.data import ImageReadError, describe_image, load_row_image


logger = logging.getLogger(__name__)

BAD_STREAM_IMAGES_FILE = "bad_images.jsonl"
LOGGED_PER_WORKER = 5


@dataclass
class BadImageFilter:
    """Builds batches of rows whose image decodes; the images are decoded once, here, not again by the collator.

    report_path: where dropped rows are listed (None: only logged).
    max_consecutive: this many unreadable images in a row stop training: the data, or --image_root /
        --image_column, is wrong rather than a few files.
    """

    report_path: str | None = None
    max_consecutive: int = 1000
    logged: int = field(default=0, init=False)  # per DataLoader worker: each has its own copy

    def readable_rows(self, rows: Iterator[dict], batch_size: int, rank: int, stream: int) -> tuple[list[dict], int]:
        """(`batch_size` rows with decoded images, how many rows of `rows` that used up)."""
        batch: list[dict] = []
        read = consecutive = 0
        while len(batch) < batch_size:
            row = next(rows)  # the sub-stream is endless
            read += 1
            try:
                image = load_row_image(row, f"sub-stream {stream} of process {rank}")
            except (ImageReadError, FileNotFoundError) as error:
                consecutive += 1
                self._report(row, error, rank, stream)
                if consecutive >= self.max_consecutive:
                    raise ImageReadError(
                        f"{consecutive} images in a row cannot be read (the last: {describe_image(row['image'])}); "
                        "check --image_root and --image_column, or the data itself."
                    ) from error
                continue
            consecutive = 0
            batch.append({**row, "image": image, "bbox": None})  # `image` is already cropped to the bbox
        return batch, read

    def _report(self, row: dict, error: Exception, rank: int, stream: int) -> None:
        cause = error.__cause__ or error
        record = {"process": rank, "sub_stream": stream, "image": describe_image(row["image"]),
                  "caption": row.get("caption"), "error": f"{type(cause).__name__}: {cause}"}  # fmt: skip
        if self.report_path:
            os.makedirs(os.path.dirname(os.path.abspath(self.report_path)), exist_ok=True)
            with open(self.report_path, "a") as handle:  # one short line per write: appends don't interleave
                handle.write(json.dumps(record) + "\n")
        self.logged += 1
        if self.logged <= LOGGED_PER_WORKER:
            more = " (further ones only in the report)" if self.logged == LOGGED_PER_WORKER else ""
            logger.warning("--skip_bad_images: dropped %s (%s)%s", record["image"], record["error"][:120], more)
