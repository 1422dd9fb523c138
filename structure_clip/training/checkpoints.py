"""Checkpoint save/resume for examples/train.py, and the state that makes a resumed run exact.

A checkpoint is Accelerate's `save_state` folder `<output_dir>/checkpoints/step_<N>`; besides weights,
optimizer, scheduler and RNG it holds the loop counters (`TrainingProgress`), whose optimizer-step count is
also the hinge warm-up's clock. `preserved_rng_states` keeps validation from moving the RNG that dropout
uses, so a resumed run follows an uninterrupted one step for step.

Crash safety: a checkpoint is written into the hidden sibling `.step_<N>.tmp`, gets the marker file
`CHECKPOINT_COMPLETE` last, and is then renamed to `step_<N>` (a rename within one filesystem is atomic,
POSIX rename(2)). A process killed mid-save therefore leaves at most a `.tmp` folder, never a `step_<N>`
that `--resume_from_checkpoint latest` would pick; folders without the marker (copied by hand, or written by
an older version) are skipped with a warning.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch


logger = logging.getLogger(__name__)

CHECKPOINT_PATTERN = re.compile(r"^step_(\d+)$")
COMPLETE_MARKER = "CHECKPOINT_COMPLETE"


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
    """Steps of every `step_<N>` folder in `root`, complete or not."""
    return sorted(int(m.group(1)) for p in root.glob("step_*") if (m := CHECKPOINT_PATTERN.match(p.name)))


def is_complete_checkpoint(path: Path) -> bool:
    return (Path(path) / COMPLETE_MARKER).is_file()


def _temporary_dir(final: Path) -> Path:
    return final.parent / f".{final.name}.tmp"


def latest_complete_checkpoint(root: Path, prefix: str = "step_") -> Path | None:
    """The newest `<prefix><N>` folder with the completeness marker; incomplete ones and partial writes are reported.

    `prefix` is "step_" for this loop's checkpoints and "checkpoint-" for the HF Trainer's (trainer.py).
    """
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    folders = sorted((int(m.group(1)), p) for p in Path(root).glob(f"{prefix}*") if (m := pattern.match(p.name)))
    incomplete = [path for _, path in folders if not is_complete_checkpoint(path)]
    partial = sorted(Path(root).glob(f".{prefix}*.tmp"))
    if incomplete or partial:
        logger.warning(
            "--resume_from_checkpoint latest: skipping %s in %s (no %s marker: the process was stopped while "
            "writing them); they can be deleted.", [p.name for p in incomplete + partial], root, COMPLETE_MARKER,
        )  # fmt: skip
    complete = [path for _, path in folders if is_complete_checkpoint(path)]
    return complete[-1] if complete else None


def require_complete_checkpoint(path: Path, prefix: str = "step_") -> Path:
    """`path`, or a ValueError naming the newest intact sibling when the save of `path` never finished."""
    if is_complete_checkpoint(path):
        return path
    intact = latest_complete_checkpoint(Path(path).parent, prefix)
    raise ValueError(
        f"--resume_from_checkpoint {path} is incomplete: it has no {COMPLETE_MARKER} marker, which is written "
        f"last, so the process was stopped while saving it. Resume from an intact checkpoint instead"
        f"{f' ({intact})' if intact else ''}, or pass 'latest', which skips incomplete ones."
    )


def find_checkpoint(args) -> Path | None:
    if args.resume_from_checkpoint is None:
        return None
    if args.resume_from_checkpoint != "latest":
        path = Path(args.resume_from_checkpoint)
        if not path.is_dir():
            raise FileNotFoundError(f"--resume_from_checkpoint {path} is not a checkpoint folder")
        return _checked_training_state(path)
    root = Path(args.output_dir) / "checkpoints"
    latest = latest_complete_checkpoint(root)
    if latest is None:
        logger.warning("--resume_from_checkpoint latest: no complete checkpoint in %s, starting from scratch", root)
        return None
    return _checked_training_state(latest)


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
    return require_complete_checkpoint(path)


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
    if accelerator.is_main_process:
        if steps:
            logger.warning("--overwrite_output_dir: deleting %d old checkpoints in %s", len(steps), root)
        for path in [root / f"step_{step}" for step in steps] + sorted(root.glob(".step_*.tmp")):
            shutil.rmtree(path)
    accelerator.wait_for_everyone()


def save_checkpoint(accelerator, args, step: int) -> None:
    """Write the training state into `.step_<N>.tmp`, mark it complete, then rename it to `step_<N>`."""
    final = checkpoint_dir(args, step)
    temporary = _temporary_dir(final)
    if accelerator.is_main_process and temporary.exists():
        shutil.rmtree(temporary)  # left by a process killed while saving this step
    accelerator.wait_for_everyone()
    accelerator.save_state(str(temporary))
    accelerator.wait_for_everyone()  # every rank's files (random_states_<rank>.pkl) are in place
    if accelerator.is_main_process:
        (temporary / COMPLETE_MARKER).write_text(f"step {step}\n")
        if final.exists():
            shutil.rmtree(final)  # an incomplete step_<N> of an older version, or a run resumed before step N
        os.replace(temporary, final)
        _delete_old_checkpoints(final.parent, args.checkpoints_total_limit)
    accelerator.wait_for_everyone()


def _delete_old_checkpoints(root: Path, keep: int | None) -> None:
    """Keep the newest `keep` complete checkpoints; incomplete ones older than the newest are debris."""
    steps = _checkpoint_steps(root)
    complete = [step for step in steps if is_complete_checkpoint(root / f"step_{step}")]
    doomed = [step for step in steps if step not in complete and step < complete[-1]]
    if keep:
        doomed += complete[:-keep]
    for step in doomed:
        shutil.rmtree(root / f"step_{step}", ignore_errors=True)


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
