"""The synthetic world, rendered (and for the demo, encoded) once per settings and kept on disk.

Each split is deterministic given its settings, so a fingerprint of them names its cache entry:
- `load_or_render_split`: the rendered split as a `datasets` folder (save_to_disk), shared by the demo and
  `evaluate_structure_clip.py --tasks synthetic`, which therefore reuses the demo's test splits;
- `load_or_encode_split`: the demo's processor output for a split (tensors), keyed by the split's fingerprint
  and the processor's.
Changing a setting (seed, size, grid, processor) changes the fingerprint, so the split is built afresh; a
change to how scenes are sampled or drawn must bump `WORLD_FORMAT_VERSION`. The folder is
`<structure_clip cache>/synthetic_world` (structure_clip/cache_dir.py: `$STRUCTURE_CLIP_CACHE` or
`~/.cache/structure_clip`) unless a `cache_dir` is given.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from structure_clip.cache_dir import structure_clip_cache_dir


logger = logging.getLogger(__name__)

WORLD_FORMAT_VERSION = 1  # bump when world.py samples or renders scenes differently


def world_cache_folder(cache_dir: str | os.PathLike | None = None) -> Path:
    return Path(cache_dir) if cache_dir else structure_clip_cache_dir() / "synthetic_world"


def split_fingerprint(split: str, size: int, seed: int, grid_size: int, cell_px: int) -> str:
    settings = {
        "split": split,
        "size": size,
        "seed": seed,
        "grid_size": grid_size,
        "cell_px": cell_px,
        "format": WORLD_FORMAT_VERSION,
    }
    return _digest(settings)


def processor_fingerprint(processor) -> str:
    """Everything of the processor that decides the tensors: image settings, both vocabularies, triple layout."""
    settings = {
        "image_processor": processor.image_processor.to_dict(),
        "tokenizer": sorted(processor.tokenizer.get_vocab().items()),
        "tokenizer_max_length": processor.tokenizer.model_max_length,
        "triple_tokenizer": sorted(processor.triple_tokenizer.get_vocab().items()),
        "max_triples": processor.max_triples,
        "phrase_length": processor.phrase_length,
    }
    if (
        getattr(processor, "pad_captions_to", None) is not None
    ):  # SigLIP; absent for CLIP, whose keys stay as they were
        settings["pad_captions_to"] = processor.pad_captions_to
    return _digest(settings)


def _digest(settings) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def load_or_render_split(split: str, size: int, seed: int, grid_size: int, cell_px: int, render, cache_dir=None):
    """The cached `datasets.Dataset` of a split, or `render()`'s, saved for the next run."""
    import datasets

    folder = world_cache_folder(cache_dir) / f"{split}-{split_fingerprint(split, size, seed, grid_size, cell_px)}"
    if folder.is_dir():
        logger.info("synthetic %s: reusing %s", split, folder)
        return datasets.load_from_disk(str(folder))
    dataset = render()
    _write_atomically(folder, lambda tmp: dataset.save_to_disk(str(tmp)))
    # Reading back memory-maps the saved copy, as a later cache hit would.
    return datasets.load_from_disk(str(folder))


def load_or_encode_split(split_key: str, processor, encode, cache_dir=None) -> dict:
    """The cached processor output (a dict of tensors) for a split, or `encode()`'s, saved for the next run."""
    import torch

    path = world_cache_folder(cache_dir) / f"encoded-{split_key}-{processor_fingerprint(processor)}.pt"
    if path.is_file():
        logger.info("synthetic %s: reusing the encoded tensors in %s", split_key.split("-")[0], path)
        return torch.load(path, weights_only=True)
    tensors = encode()
    _write_atomically(path, lambda tmp: torch.save(tensors, tmp))
    return tensors


def _write_atomically(target: Path, write) -> None:
    """Write into a temporary sibling, then rename: an interrupted run never leaves a half-written entry."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent)) / target.name
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError:
        if not target.exists():
            raise
        # Another process finished the same entry first; its copy is identical (same fingerprint).
    finally:
        shutil.rmtree(tmp.parent, ignore_errors=True)
