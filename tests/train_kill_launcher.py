"""Run tiny training jobs in child processes, each SIGKILLed at a chosen point of one checkpoint save.

    python -m tests.train_kill_launcher ROOT KILL_POINT... -- IMAGE_PATH...

Each KILL_POINT gets a child process (forked once the imports are done, so they are paid once) that trains
into ROOT/<KILL_POINT with ':' as '_'>; the launcher prints one JSON line {KILL_POINT: the signal that ended the
child, or its exit code negated} and exits 0. KILL_POINT is `<step>:<where>`, where one of:
- `file<k>`: while Accelerate writes the k-th file of the save, after half of it is on disk (a torn file);
- `written`: after `save_state` has written every file, before the checkpoint is marked complete.
The points are reached by wrapping Accelerate's functions from here, so the library carries no test hooks.
`kill_test_args` and `kill_test_run` are shared with tests/test_train_crash_safety.py, which runs the same job
in-process for the uninterrupted reference.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import accelerate
import accelerate.checkpointing

from structure_clip.training import loop
from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.data import StructureCLIPCollator
from tests.tiny_processors import make_tiny_processor
from tests.train_tiny_setup import make_tiny_model, tiny_dataset


def kill_test_args(output_dir, **overrides) -> StructureCLIPTrainArgs:
    fields = dict(
        output_dir=str(output_dir),
        per_device_train_batch_size=2,
        learning_rate=1e-3,
        max_train_steps=5,
        checkpointing_steps="1",
        seed=3,
        disable_tqdm=True,
    )
    fields.update(overrides)
    return StructureCLIPTrainArgs(**fields)


def kill_test_run(image_paths, output_dir, model_seed=0, **overrides):
    # The KEE keeps its dropout and the hinge warm-up spans the kill: RNG and step count must both resume.
    model = make_tiny_model(seed=model_seed, hinge_warmup_steps=3)
    processor = make_tiny_processor()
    result = loop.run_training(
        kill_test_args(output_dir, **overrides),
        model,
        tiny_dataset(image_paths),
        StructureCLIPCollator(processor),
        processor,
    )
    return model, result


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _install_kill_point(kill_step: int, where: str) -> None:
    saving = {"step": None, "files": 0}
    original_save_checkpoint = loop.save_checkpoint
    original_write = accelerate.checkpointing.save
    original_save_state = accelerate.Accelerator.save_state

    def save_checkpoint(accelerator, args, step):
        saving["step"] = step
        original_save_checkpoint(accelerator, args, step)
        saving["step"] = None

    def write(obj, path, *args, **kwargs):
        original_write(obj, path, *args, **kwargs)
        if saving["step"] == kill_step:
            saving["files"] += 1
            if where == f"file{saving['files']}":
                os.truncate(path, os.path.getsize(path) // 2)
                _die()

    def save_state(self, *args, **kwargs):
        result = original_save_state(self, *args, **kwargs)
        if saving["step"] == kill_step and where == "written":
            _die()
        return result

    loop.save_checkpoint = save_checkpoint
    accelerate.checkpointing.save = write
    accelerate.Accelerator.save_state = save_state


def _child(output_dir: str, kill_point: str, image_paths: list[str]) -> None:
    step, where = kill_point.split(":")
    _install_kill_point(int(step), where)
    kill_test_run(image_paths, output_dir)
    sys.stderr.write(f"the run finished without reaching kill point {kill_point}\n")
    os._exit(3)


def main(argv) -> None:
    separator = argv.index("--")
    root, kill_points, image_paths = argv[0], argv[1:separator], argv[separator + 1 :]
    children = {}
    for kill_point in kill_points:
        pid = os.fork()
        if pid == 0:
            try:
                _child(os.path.join(root, kill_point.replace(":", "_")), kill_point, image_paths)
            finally:
                os._exit(4)  # an exception in the child: its traceback is on stderr
        children[kill_point] = pid
    endings = {}
    for kill_point, pid in children.items():
        _, status = os.waitpid(pid, 0)
        endings[kill_point] = os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)
    print(json.dumps(endings))


if __name__ == "__main__":
    main(sys.argv[1:])
