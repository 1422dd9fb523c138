"""The files of an exported folder: one listing and one content digest for the export, the scan and the push."""

from __future__ import annotations

import hashlib
from pathlib import Path


def list_files(folder: str | Path) -> list[str]:
    """Every regular file below ``folder``, as sorted POSIX paths relative to it."""
    folder = Path(folder)
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def folder_digest(folder: str | Path) -> str:
    """sha256 over (relative path, content) of every file: any change after verification shows."""
    digest = hashlib.sha256()
    for name in list_files(folder):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256((Path(folder) / name).read_bytes()).digest())
    return digest.hexdigest()
