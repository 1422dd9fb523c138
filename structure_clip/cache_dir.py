"""Where structure_clip keeps files it builds or downloads once: the encoded synthetic world, benchmark annotations.

`$STRUCTURE_CLIP_CACHE` if set, else `$XDG_CACHE_HOME/structure_clip` (default `~/.cache/structure_clip`).
"""

from __future__ import annotations

import os
from pathlib import Path


CACHE_ENV_VAR = "STRUCTURE_CLIP_CACHE"


def structure_clip_cache_dir(override: str | os.PathLike | None = None) -> Path:
    if override:
        return Path(override)
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "structure_clip"
