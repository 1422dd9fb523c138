"""Benchmark files that need no user download: shipped with the package, or fetched once and cached.

- The 157 VG-Relation relation names ARO drops: package data (structure_clip/evaluation/data/README.md).
- SugarCrepe's annotations (7 small JSON files; the COCO images are the user's): downloaded from the
  authors' GitHub release at a pinned commit, through huggingface_hub's HTTP session (so its proxy and
  offline settings apply), into the structure_clip cache. The Hub's SugarCrepe copies
  (HuggingFaceM4/SugarCrepe_<subset>) are parquet files with the images embedded, ~100 MB each, not these.
"""

from __future__ import annotations

import importlib.resources
import logging
import os
from pathlib import Path

from structure_clip.cache_dir import structure_clip_cache_dir


logger = logging.getLogger(__name__)

# github.com/RAIVNLab/sugar-crepe (MIT), data/<subset>.json at commit 0047054.
SUGARCREPE_COMMIT = "0047054b243992f0fad63d6f64f7544862daf846"
SUGARCREPE_ANNOTATIONS_URL = f"https://raw.githubusercontent.com/RAIVNLab/sugar-crepe/{SUGARCREPE_COMMIT}/data"
SUGARCREPE_FILE_SUBSETS = ("replace_obj", "replace_att", "replace_rel", "swap_obj", "swap_att", "add_obj", "add_att")


def shipped_dropped_relations_path():
    """The package's copy of ARO's 157 dropped VG-Relation names (a Traversable; works from a wheel)."""
    return importlib.resources.files("structure_clip.evaluation") / "data" / "vg_relation_dropped_157.json"


def _offline() -> bool:
    # The same switch transformers and huggingface_hub honour.
    return os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}


def _download(url: str, target: Path) -> None:
    from huggingface_hub import get_session

    response = get_session().get(url, follow_redirects=True, timeout=60)
    response.raise_for_status()
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(response.content)
    os.replace(partial, target)  # a killed download never leaves a truncated JSON behind


def sugarcrepe_annotation_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """The cached SugarCrepe annotation folder, downloading the missing files once."""
    from structure_clip.evaluation.benchmarks import MissingBenchmarkDataError

    folder = structure_clip_cache_dir(cache_dir) / "sugarcrepe" / SUGARCREPE_COMMIT[:7]
    missing = [name for name in SUGARCREPE_FILE_SUBSETS if not (folder / f"{name}.json").is_file()]
    if not missing:
        return folder
    how = (
        f"download the 7 files <subset>.json from {SUGARCREPE_ANNOTATIONS_URL}/ into a folder and pass it "
        f"as --sugarcrepe_dir"
    )
    if _offline():
        raise MissingBenchmarkDataError(
            f"SugarCrepe annotations are not cached in {folder} and HF_HUB_OFFLINE is "
            f"set, so they cannot be downloaded: {how}."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in missing:
        url = f"{SUGARCREPE_ANNOTATIONS_URL}/{name}.json"
        logger.info("downloading %s", url)
        try:
            _download(url, folder / f"{name}.json")
        except Exception as error:  # any network or HTTP failure: the fix is the same
            raise MissingBenchmarkDataError(
                f"could not download {url} ({type(error).__name__}: {error}); {how}."
            ) from error
    return folder
