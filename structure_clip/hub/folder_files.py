"""The files of an exported folder: one listing and one content digest for the export, the scan and the push.

Only regular files may be in the folder. A symlink would be listed under its own name while the upload
sends its target (any file the user can read, e.g. the system password file), so symlinks, linked
folders and special files (fifos, sockets, devices) are refused by name.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


class NotARegularFileError(OSError):
    """The exported folder holds a symlink or another entry that is neither a regular file nor a folder."""


def list_files(folder: str | Path) -> list[str]:
    """Every regular file below ``folder``, as sorted POSIX paths relative to it; refuses anything else."""
    files, irregular = _walk(Path(folder))
    if irregular:
        raise NotARegularFileError(f"in {folder}: " + "; ".join(irregular))
    return files


def irregular_entries(folder: str | Path) -> list[str]:
    """One message per symlink or special file below ``folder`` (empty list = only folders and regular files)."""
    return _walk(Path(folder))[1]


def folder_digest(folder: str | Path) -> str:
    """sha256 over (relative path, content) of every file: any change after verification shows."""
    digest = hashlib.sha256()
    for name in list_files(folder):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256((Path(folder) / name).read_bytes()).digest())
    return digest.hexdigest()


def _walk(folder: Path) -> tuple[list[str], list[str]]:
    """(regular files, messages about everything else), never following a link."""
    files, irregular, pending = [], [], [folder]
    while pending:
        directory = pending.pop()
        for path in directory.iterdir():
            mode = path.lstat().st_mode
            name = path.relative_to(folder).as_posix()
            if stat.S_ISDIR(mode):
                pending.append(path)
            elif stat.S_ISREG(mode):
                files.append(name)
            else:
                irregular.append(
                    f"{name}: {_describe(path, mode)}; an exported folder may hold regular files only "
                    "(the upload would send a link's target): replace it with a copy or remove it"
                )
    return sorted(files), sorted(irregular)


def _describe(path: Path, mode: int) -> str:
    if stat.S_ISLNK(mode):
        return f"a symlink to {os.readlink(path)}"
    return "not a regular file (a fifo, socket or device)"
