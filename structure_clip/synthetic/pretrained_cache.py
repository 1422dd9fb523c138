"""Stage 1 of the fine-tuning regime, kept on disk: a plain CLIP pre-trained once per settings.

The pre-trained model is deterministic given its settings (for a fixed torch thread count on one machine), so a
fingerprint of them names its cache entry, as the world cache does (structure_clip/synthetic/world_cache.py).
Changing a setting that shapes stage 1 (seed, steps, learning rate, model size, training scenes, processor)
changes the fingerprint and the model is pre-trained afresh; a change to how stage 1 trains must bump
`PRETRAIN_FORMAT_VERSION`. The folder is `<structure_clip cache>/synthetic_pretrained` (structure_clip/cache_dir.py)
unless `--pretrained_cache_dir` names another; 'none' keeps nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from structure_clip.cache_dir import structure_clip_cache_dir


logger = logging.getLogger(__name__)

PRETRAIN_FORMAT_VERSION = 1  # bump when stage 1 trains differently for the same settings


def pretrained_cache_folder(cache_dir: str | os.PathLike | None = None) -> Path | None:
    """The cache folder, or None for 'none' (pre-train every run, keep nothing)."""
    if cache_dir is not None and str(cache_dir).lower() == "none":
        return None
    return Path(cache_dir) if cache_dir else structure_clip_cache_dir() / "synthetic_pretrained"


def pretrain_settings(args, processor_fingerprint: str) -> dict:
    """Every option that shapes the stage-1 model; the world's fingerprint follows from seed and size."""
    from structure_clip.synthetic.world_cache import WORLD_FORMAT_VERSION

    names = (
        "seed", "pretrain_steps", "learning_rate", "lr_scheduler_type", "num_warmup_steps", "weight_decay",
        "per_device_train_batch_size", "num_train_examples", "model_width", "model_layers", "knowledge_layers",
        "phrase_pooling", "vision_position_std",
    )  # fmt: skip
    settings = {name: getattr(args, name) for name in names}
    if args.pretrain_order_noise:
        settings["pretrain_order_noise"] = args.pretrain_order_noise
    if args.pretrain_image_tower != "clip":
        # Only then do these shape stage 1, so the plain-CLIP entries keep the fingerprints they were cached under.
        image_source = (
            "pretrain_image_tower", "max_train_steps", "curriculum_steps", "num_curriculum_examples",
            "curriculum_lr_scheduler_type",
        )  # fmt: skip
        settings.update({name: getattr(args, name) for name in image_source})
    settings.update(processor=processor_fingerprint, world_format=WORLD_FORMAT_VERSION, format=PRETRAIN_FORMAT_VERSION)
    return settings


def settings_fingerprint(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def load_or_pretrain(settings: dict, pretrain: Callable[[str], None], cache_folder: Path | None, fallback_dir: str):
    """The folder of the stage-1 model for `settings`: the cached one, or `pretrain(folder)`'s, then cached.

    `pretrain(folder)` must save a complete model into `folder`. Without a cache folder it pre-trains into
    `fallback_dir`. Writes go to a temporary sibling that is renamed at the end, so an interrupted run never
    leaves a half-written entry. Returns (folder, reused).
    """
    if cache_folder is None:
        pretrain(fallback_dir)
        return fallback_dir, False
    target = cache_folder / f"clip-{settings_fingerprint(settings)}"
    if (target / "settings.json").is_file():
        logger.info("stage 1: reusing the pre-trained CLIP in %s", target)
        return str(target), True
    cache_folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache_folder))
    try:
        pretrain(str(scratch))
        (scratch / "settings.json").write_text(json.dumps(settings, indent=2, sort_keys=True, default=str))
        try:
            os.replace(scratch, target)
        except OSError:
            if not (target / "settings.json").is_file():
                raise
            # Another process cached the same settings first; its copy is equivalent (same fingerprint).
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return str(target), False
