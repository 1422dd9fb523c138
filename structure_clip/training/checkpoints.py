"""Checkpoint save/resume for examples/train.py, and the state that makes a resumed run exact.

A checkpoint is Accelerate's `save_state` folder `<output_dir>/checkpoints/step_<N>`; besides weights,
optimizer, scheduler and RNG it holds the loop counters (`TrainingProgress`), whose optimizer-step count is
also the hinge warm-up's clock. `preserved_rng_states` keeps validation from moving the RNG that dropout
uses, so a resumed run follows an uninterrupted one step for step.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch


logger = logging.getLogger(__name__)

CHECKPOINT_PATTERN = re.compile(r"^step_(\d+)$")


@dataclass
class TrainingProgress:
    """Loop counters saved inside every checkpoint (Accelerate `register_for_checkpointing`)."""

    completed_steps: int = 0
    epoch: int = 0
    batches_done_in_epoch: int = 0
    best_metric: float | None = None

    def state_dict(self) -> dict:
        return dataclasses.asdict(self)

    def load_state_dict(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)


def checkpoint_dir(args, step: int) -> Path:
    return Path(args.output_dir) / "checkpoints" / f"step_{step}"


def _checkpoint_steps(root: Path) -> list[int]:
    return sorted(int(m.group(1)) for p in root.glob("step_*") if (m := CHECKPOINT_PATTERN.match(p.name)))


def find_checkpoint(args) -> Path | None:
    if args.resume_from_checkpoint is None:
        return None
    if args.resume_from_checkpoint != "latest":
        path = Path(args.resume_from_checkpoint)
        if not path.is_dir():
            raise FileNotFoundError(f"--resume_from_checkpoint {path} is not a checkpoint folder")
        return _checked_training_state(path)
    root = Path(args.output_dir) / "checkpoints"
    steps = _checkpoint_steps(root)
    if not steps:
        logger.warning("--resume_from_checkpoint latest: no checkpoint in %s, starting from scratch", root)
        return None
    return _checked_training_state(root / f"step_{steps[-1]}")


def _checked_training_state(path: Path) -> Path:
    """`path` if it is an `accelerator.save_state` folder, which always holds `random_states_<rank>.pkl`.

    A saved model folder (config.json + weights) would otherwise fail deep inside `load_state` with a
    state-dict mismatch that does not say the folder is the wrong kind.
    """
    if not any(path.glob("random_states_*.pkl")):
        raise ValueError(
            f"--resume_from_checkpoint {path} is not a training checkpoint: it has no random_states_*.pkl, "
            "which accelerator.save_state writes. Pass a <output_dir>/checkpoints/step_<N> folder (or 'latest'); "
            "to start from saved weights instead, pass the folder as --model."
        )
    return path


def clear_stale_checkpoints(accelerator, args) -> None:
    """Before a fresh run: refuse to mix with an earlier run's checkpoints, or delete them on request.

    Left in place, `--resume_from_checkpoint latest` would later continue the earlier run, not this one.
    Only `checkpoints/step_*` go here; the fresh run's `ResultsLog` replaces results.jsonl.
    """
    root = Path(args.output_dir) / "checkpoints"
    steps = _checkpoint_steps(root)
    if steps and not args.overwrite_output_dir:
        raise FileExistsError(
            f"{root} holds checkpoints of an earlier run (steps {steps[:5]}). Pass --resume_from_checkpoint latest "
            "to continue it, --overwrite_output_dir to delete them and start afresh, or another --output_dir."
        )
    accelerator.wait_for_everyone()  # every rank has looked before the main process deletes
    if steps and accelerator.is_main_process:
        logger.warning("--overwrite_output_dir: deleting %d old checkpoints in %s", len(steps), root)
        for step in steps:
            shutil.rmtree(root / f"step_{step}")
    accelerator.wait_for_everyone()


def save_checkpoint(accelerator, args, step: int) -> None:
    path = checkpoint_dir(args, step)
    accelerator.save_state(str(path))
    if accelerator.is_main_process and args.checkpoints_total_limit:
        root = path.parent
        steps = _checkpoint_steps(root)
        for old in steps[: -args.checkpoints_total_limit]:
            shutil.rmtree(root / f"step_{old}", ignore_errors=True)


def should_checkpoint(args, completed_steps: int, end_of_epoch: bool) -> bool:
    if not args.checkpointing_steps:
        return False
    if args.checkpointing_steps == "epoch":
        return end_of_epoch
    return not end_of_epoch and completed_steps % int(args.checkpointing_steps) == 0


@contextlib.contextmanager
def preserved_rng_states(accelerator):
    """Restore Python, NumPy and torch RNG states on exit."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    devices = [accelerator.device] if accelerator.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)
