"""Checkpoint save/resume for examples/train.py, and the state that makes a resumed run exact.

A checkpoint is Accelerate's `save_state` folder `<output_dir>/checkpoints/checkpoint_<N>`, N the optimizer
step; besides weights, optimizer, scheduler and RNG it holds the loop counters (`TrainingProgress`), whose
optimizer-step count is also the hinge warm-up's clock. `preserved_rng_states` keeps validation from moving the
RNG that dropout uses, so a resumed run follows an uninterrupted one step for step.

Naming and `--checkpoints_total_limit` rotation are Accelerate's (`ProjectConfiguration(
automatic_checkpoint_naming=True, total_limit=N)`). Crash safety is a marker: the file `CHECKPOINT_COMPLETE`
is written after every rank's part of `save_state` is on disk, and only marked folders are resumed from. A
process killed mid-save leaves an unmarked folder, which `--resume_from_checkpoint latest` skips with a warning
and the next save deletes before Accelerate counts the folders it rotates.

What this design gives up (accelerate v1.15.0, src/accelerate/accelerator.py, `Accelerator.save_state`):
- with automatic naming, `save_state` ignores its `output_dir` argument and writes straight into
  `checkpoints/checkpoint_<iteration>`, so the save cannot go to a temporary folder renamed into place; the
  marker, not a rename, is what makes a folder count as written;
- the rotation runs *before* the new state is written (`shutil.rmtree` of the oldest folders, then
  `save_accelerator_state`), so while a save is in flight only the newest N-1 complete checkpoints exist:
  with N = 1 a process killed during a save leaves none (`project_configuration` warns about it).
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
from accelerate.utils import ProjectConfiguration


logger = logging.getLogger(__name__)

CHECKPOINT_PREFIX = "checkpoint_"  # Accelerate's automatic checkpoint naming
CHECKPOINT_PATTERN = re.compile(rf"^{CHECKPOINT_PREFIX}(\d+)$")
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


def project_configuration(args) -> ProjectConfiguration:
    """Accelerate names checkpoints and keeps the newest `--checkpoints_total_limit` of them."""
    if args.checkpoints_total_limit == 1:
        logger.warning(
            "--checkpoints_total_limit 1: Accelerate deletes the previous checkpoint before it writes the next, so "
            "a process killed during a save leaves no checkpoint to resume from; 2 always keeps one intact."
        )
    # project_dir is also where TensorBoard writes its event files (<output_dir>/structure-clip).
    return ProjectConfiguration(
        project_dir=args.output_dir,
        automatic_checkpoint_naming=True,
        total_limit=args.checkpoints_total_limit,
    )


def checkpoints_root(args) -> Path:
    return Path(args.output_dir) / "checkpoints"  # Accelerate's `<project_dir>/checkpoints`


def checkpoint_dir(args, step: int) -> Path:
    return checkpoints_root(args) / f"{CHECKPOINT_PREFIX}{step}"


def _checkpoint_steps(root: Path) -> list[int]:
    """Steps of every `checkpoint_<N>` folder in `root`, complete or not."""
    return sorted(
        int(m.group(1)) for p in root.glob(f"{CHECKPOINT_PREFIX}*") if (m := CHECKPOINT_PATTERN.match(p.name))
    )


def is_complete_checkpoint(path: Path) -> bool:
    return (Path(path) / COMPLETE_MARKER).is_file()


def latest_complete_checkpoint(root: Path, prefix: str = CHECKPOINT_PREFIX) -> Path | None:
    """The newest `<prefix><N>` folder with the completeness marker; incomplete ones are reported.

    `prefix` is "checkpoint_" for this loop's checkpoints and "checkpoint-" for the HF Trainer's (trainer.py).
    """
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    folders = sorted((int(m.group(1)), p) for p in Path(root).glob(f"{prefix}*") if (m := pattern.match(p.name)))
    incomplete = [path for _, path in folders if not is_complete_checkpoint(path)]
    if incomplete:
        logger.warning(
            "--resume_from_checkpoint latest: skipping %s in %s (no %s marker: the process was stopped while "
            "writing them); they can be deleted.", [p.name for p in incomplete], root, COMPLETE_MARKER,
        )  # fmt: skip
    complete = [path for _, path in folders if is_complete_checkpoint(path)]
    return complete[-1] if complete else None


def require_complete_checkpoint(path: Path, prefix: str = CHECKPOINT_PREFIX) -> Path:
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
    check_checkpoints_folder(args)
    if args.resume_from_checkpoint is None:
        return None
    if args.resume_from_checkpoint != "latest":
        path = Path(args.resume_from_checkpoint)
        if not path.is_dir():
            raise FileNotFoundError(f"--resume_from_checkpoint {path} is not a checkpoint folder")
        return _checked_training_state(path)
    root = checkpoints_root(args)
    latest = latest_complete_checkpoint(root)
    if latest is None:
        logger.warning("--resume_from_checkpoint latest: no complete checkpoint in %s, starting from scratch", root)
        return None
    return _checked_training_state(latest)


def check_checkpoints_folder(args) -> None:
    """Refuse a `checkpoints/` holding anything but `checkpoint_<N>` folders, before the first save meets it.

    Accelerate's rotation (`save_state` with `total_limit`) sorts every entry of that folder by the first number
    in its name and deletes the oldest: an entry without a number fails with an IndexError at the first save, one
    with a number (e.g. an older version's `step_<N>`) would be counted and deleted as a checkpoint.
    """
    root = checkpoints_root(args)
    foreign = sorted(p.name for p in root.iterdir() if not CHECKPOINT_PATTERN.match(p.name)) if root.is_dir() else []
    if foreign:
        raise ValueError(
            f"{root} holds {foreign[:5]}, which are not {CHECKPOINT_PREFIX}<N> checkpoint folders; Accelerate's "
            "checkpoint rotation would count or trip over them. Move them out of that folder, or pass another "
            "--output_dir."
        )


def _checked_training_state(path: Path) -> Path:
    """`path` if it is an `accelerator.save_state` folder, which always holds `random_states_<rank>.pkl`.

    A saved model folder (config.json + weights) would otherwise fail deep inside `load_state` with a
    state-dict mismatch that does not say the folder is the wrong kind.
    """
    if not any(path.glob("random_states_*.pkl")):
        raise ValueError(
            f"--resume_from_checkpoint {path} is not a training checkpoint: it has no random_states_*.pkl, "
            f"which accelerator.save_state writes. Pass a <output_dir>/checkpoints/{CHECKPOINT_PREFIX}<N> folder "
            "(or 'latest'); to start from saved weights instead, pass the folder as --model."
        )
    return require_complete_checkpoint(path)


def clear_stale_checkpoints(accelerator, args) -> None:
    """Before a fresh run: refuse to mix with an earlier run's checkpoints, or delete them on request.

    Left in place, `--resume_from_checkpoint latest` would later continue the earlier run, not this one.
    Only `checkpoints/checkpoint_*` go here; the fresh run's `ResultsLog` replaces results.jsonl.
    """
    root = checkpoints_root(args)
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
        for step in steps:
            shutil.rmtree(checkpoint_dir(args, step))
    accelerator.wait_for_everyone()


def save_checkpoint(accelerator, args, step: int) -> None:
    """Accelerate rotates and writes `checkpoint_<step>`; the marker written after every rank's files seals it."""
    if accelerator.is_main_process:
        _delete_before_save(args, step)
    accelerator.wait_for_everyone()
    # Named after the optimizer step rather than Accelerate's save count, so the folder says where it resumes.
    accelerator.project_configuration.iteration = step
    accelerator.save_state()
    accelerator.wait_for_everyone()  # every rank's files (random_states_<rank>.pkl) are in place
    if accelerator.is_main_process:
        (checkpoint_dir(args, step) / COMPLETE_MARKER).write_text(f"step {step}\n")
    accelerator.wait_for_everyone()


def _delete_before_save(args, step: int) -> None:
    """Delete unmarked checkpoints, and an older run's `checkpoint_<step>`, before Accelerate lists the folder.

    An unmarked folder was left by a process killed while saving: it can never be resumed from, and left in place
    it would count towards `total_limit` (and push out a complete one) and make `save_state` refuse to write its
    step again ("Checkpoint directory ... already exists"). A marked `checkpoint_<step>` exists when the run was
    resumed from an earlier step.
    """
    root = checkpoints_root(args)
    doomed = [s for s in _checkpoint_steps(root) if s == step or not is_complete_checkpoint(checkpoint_dir(args, s))]
    if doomed:
        logger.info("Deleting %s before saving step %d", [checkpoint_dir(args, s).name for s in doomed], step)
    for doomed_step in doomed:
        shutil.rmtree(checkpoint_dir(args, doomed_step))


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
