"""A 2-process gloo run of examples/train.py that stops early with validation on exits on every rank.

The hang it guards against is a race (structure_clip/training/teardown.py); tests/teardown_race_worker.py makes it
happen every time by keeping a collective in flight while the process group is destroyed.
"""

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.launch_support import pythonpath_with_repo_root, torchrun_two_ranks
from tests.teardown_race_worker import HANG_SECONDS, IN_FLIGHT_MESSAGE
from tests.train_tiny_setup import original_json_args, write_original_json, write_tiny_images, write_tiny_model_folder


ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = HANG_SECONDS + 60  # a hung rank ends itself after HANG_SECONDS; this is the backstop


def run_to_completion_or_stop(command, environment) -> subprocess.CompletedProcess:
    """Run torchrun; past the timeout, SIGTERM it, which it passes on to the ranks (each in its own session)."""
    process = subprocess.Popen(command, cwd=ROOT, env=environment, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
        pytest.fail(f"torchrun did not exit within {TIMEOUT_SECONDS} s (a rank hung); stderr:\n{stderr[-3000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.slow
def test_two_process_run_stopped_early_with_validation_exits_on_both_ranks(tmp_path):
    names = write_tiny_images(tmp_path / "images", count=8)
    output_dir = tmp_path / "out"
    command = [
        *torchrun_two_ranks("-m", "tests.teardown_race_worker"),
        *original_json_args(write_tiny_model_folder(tmp_path / "model"),
                            write_original_json(tmp_path / "original.json", names), tmp_path / "images"),
        "--output_dir", str(output_dir),
        "--data_cache_dir", str(tmp_path / "cache"), "--per_device_train_batch_size", "2",
        # 6 training rows = 1 step per epoch on 2 ranks x batch 2; validated at step 2, stopped at step 3.
        "--validation_split_percentage", "25", "--eval_steps", "2", "--checkpointing_steps", "3",
        "--stop_after_steps", "3", "--disable_tqdm", "true",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "PYTHONPATH": pythonpath_with_repo_root(),
        "ACCELERATE_USE_CPU": "1",
        "OMP_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_OFFLINE": "1",
    }
    completed = run_to_completion_or_stop(command, environment)

    assert completed.returncode == 0, completed.stderr[-3000:]  # torchrun: 0 only when every rank exited with 0
    for rank in (0, 1):  # the provoked race was in place on both ranks
        assert f"{IN_FLIGHT_MESSAGE} {rank}" in completed.stderr
    with open(output_dir / "results.jsonl") as handle:
        records = [json.loads(line) for line in handle]
    assert [r["step"] for r in records if r["type"] == "eval"] == [2]
    assert records[-1] == {"type": "end", "step": 3, "world_size": 2, "steps_per_rank": [3, 3], "stopped_early": True}
    checkpoint = output_dir / "checkpoints" / "checkpoint_3"
    assert (checkpoint / "CHECKPOINT_COMPLETE").is_file()
    assert sorted(path.name for path in checkpoint.glob("random_states_*.pkl")) == [
        "random_states_0.pkl",
        "random_states_1.pkl",
    ]
