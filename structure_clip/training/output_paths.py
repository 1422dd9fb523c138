"""Up-front checks of output folders, so a job refuses a bad path before it loads or parses anything."""

from __future__ import annotations

import os
from pathlib import Path


def check_output_dir(output_dir: str | os.PathLike, option: str = "--output_dir") -> None:
    """Raise ValueError when `output_dir`, or a folder above it, is an existing file.

    Left to the end of a job this fails late (`os.makedirs` raises only once training is over), or not at all:
    `save_pretrained` on an existing file logs an error and returns (transformers 5.24,
    `PreTrainedModel.save_pretrained`), so nothing is written while the job reports success.
    """
    path = Path(output_dir)
    blocking = next((folder for folder in (path, *path.parents) if folder.exists() and not folder.is_dir()), None)
    if blocking is not None:
        where = "it" if blocking == path else f"{blocking}, a folder above it,"
        raise ValueError(
            f"{option} {path} cannot be a folder: {where} is an existing file. Pass a folder path "
            "(it is created if missing) or move the file away."
        )
