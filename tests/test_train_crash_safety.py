"""Crash safety of examples/train.py: a real training process SIGKILLed while it writes a checkpoint.

tests/train_kill_launcher.py runs the tiny job in a fresh process and kills itself (SIGKILL, which nothing can
catch) at a chosen point of the step-3 save: a torn first file, a torn third file, and every file written but
the checkpoint not yet marked complete. `--resume_from_checkpoint latest` must then skip the partial save,
continue from the intact checkpoint_2, and end with exactly the weights of an uninterrupted run.
"""

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from structure_clip.training.checkpoints import COMPLETE_MARKER
from tests.train_kill_launcher import kill_test_run
from tests.train_tiny_setup import write_tiny_images


REPO_ROOT = Path(__file__).resolve().parents[1]
KILL_POINTS = ("3:file1", "3:file3", "3:written")


@pytest.fixture(scope="module")
def image_paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill_images")
    return [str(folder / name) for name in write_tiny_images(folder, count=10)]


@pytest.fixture(scope="module")
def killed_runs(image_paths, tmp_path_factory):
    """One output folder per kill point, from one launcher that forks a training process per point."""
    root = tmp_path_factory.mktemp("killed")
    # Same thread count as this process, so that the killed runs' steps 1-2 match the in-process reference bit
    # for bit (the split of a reduction across threads can change float results).
    environment = dict(
        os.environ,
        OMP_NUM_THREADS=str(torch.get_num_threads()),
        TOKENIZERS_PARALLELISM="false",
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(REPO_ROOT),
    )
    command = [sys.executable, "-m", "tests.train_kill_launcher", str(root), *KILL_POINTS, "--", *image_paths]
    completed = subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    endings = json.loads(completed.stdout.strip().splitlines()[-1])
    assert endings == dict.fromkeys(KILL_POINTS, signal.SIGKILL), completed.stderr[-3000:]
    return {point: root / point.replace(":", "_") for point in KILL_POINTS}


@pytest.fixture(scope="module")
def uninterrupted(image_paths, tmp_path_factory):
    model, _ = kill_test_run(image_paths, tmp_path_factory.mktemp("uninterrupted"))
    return model


def _train_steps(output_dir):
    with open(output_dir / "results.jsonl") as handle:
        return [record["step"] for record in map(json.loads, handle) if record["type"] == "train"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_during_a_checkpoint_save_resumes_exactly_from_the_last_intact_one(
    image_paths, killed_runs, uninterrupted, caplog, point
):
    output_dir = killed_runs[point]
    checkpoints = output_dir / "checkpoints"
    assert _train_steps(output_dir) == [1, 2, 3]  # the kill hit the step-3 save, after step 3 was logged
    assert all((checkpoints / f"checkpoint_{step}" / COMPLETE_MARKER).is_file() for step in (1, 2))
    assert (checkpoints / "checkpoint_3").is_dir(), "the kill should hit Accelerate's write of checkpoint_3"
    assert not (checkpoints / "checkpoint_3" / COMPLETE_MARKER).exists(), "a partial save must not look complete"

    with caplog.at_level(logging.WARNING, logger="structure_clip.training.checkpoints"):
        # A fresh model with another init seed: only the checkpoint can make the weights equal.
        resumed, result = kill_test_run(image_paths, output_dir, model_seed=1, resume_from_checkpoint="latest")
    assert "skipping ['checkpoint_3']" in caplog.text
    assert result.global_step == 5
    different = [
        name
        for name, value in uninterrupted.state_dict().items()
        if not torch.equal(value, resumed.state_dict()[name])
    ]
    assert not different, f"weights differ from the uninterrupted run: {different[:5]}"
    # results.jsonl lists each step once: the killed run's step-3 record was replaced by the resumed run's.
    assert _train_steps(output_dir) == [1, 2, 3, 4, 5]
    assert sorted(os.listdir(checkpoints)) == [f"checkpoint_{step}" for step in range(1, 6)]
    assert all((checkpoints / f"checkpoint_{step}" / COMPLETE_MARKER).is_file() for step in range(1, 6))


def test_an_incomplete_checkpoint_is_skipped_by_latest_and_refused_by_path(image_paths, tmp_path, caplog):
    kill_test_run(image_paths, tmp_path, max_train_steps=2)
    checkpoints = tmp_path / "checkpoints"
    (checkpoints / "checkpoint_2" / COMPLETE_MARKER).unlink()  # as a copy cut short
    (checkpoints / "checkpoint_3").mkdir()  # as an empty folder left by a kill
    with pytest.raises(ValueError, match=rf"checkpoint_2 is incomplete.*{COMPLETE_MARKER}.*checkpoint_1.*'latest'"):
        kill_test_run(image_paths, tmp_path, resume_from_checkpoint=str(checkpoints / "checkpoint_2"))
    with caplog.at_level(logging.WARNING, logger="structure_clip.training.checkpoints"):
        _, result = kill_test_run(image_paths, tmp_path, max_train_steps=2, resume_from_checkpoint="latest")
    assert "skipping ['checkpoint_2', 'checkpoint_3']" in caplog.text
    assert result.global_step == 2 and _train_steps(tmp_path) == [1, 2]
    # The resumed run re-saved step 2 and deleted the unmarked checkpoint_3 before Accelerate could count it.
    assert sorted(os.listdir(checkpoints)) == ["checkpoint_1", "checkpoint_2"]
    assert (checkpoints / "checkpoint_2" / COMPLETE_MARKER).is_file()


def test_results_log_drops_later_and_torn_records_on_resume(image_paths, tmp_path):
    kill_test_run(image_paths, tmp_path, max_train_steps=3)
    with open(tmp_path / "results.jsonl", "a") as handle:
        handle.write('{"type": "train", "step": 4, "lo')  # a record cut short by a kill
    # Resuming from step 2 drops steps 3 and the torn line; the resumed run writes step 3 once more.
    kill_test_run(
        image_paths, tmp_path, max_train_steps=3, resume_from_checkpoint=str(tmp_path / "checkpoints" / "checkpoint_2")
    )
    assert _train_steps(tmp_path) == [1, 2, 3]


def test_trainer_checkpoints_are_marked_complete_and_latest_skips_unmarked_ones(tmp_path, caplog):
    from structure_clip.training import trainer as finetune_with_trainer
    from tests.train_tiny_setup import original_json_args, write_original_json, write_tiny_model_folder

    names = write_tiny_images(tmp_path / "images", count=4)
    common = [
        *original_json_args(
            write_tiny_model_folder(tmp_path / "model"),
            write_original_json(tmp_path / "train.json", names),
            tmp_path / "images",
        ),
        "--output_dir",
        str(tmp_path / "out"),
        "--use_cpu",
        "--report_to",
        "none",
        "--per_device_train_batch_size",
        "2",
        "--save_steps",
        "1",
        "--disable_tqdm",
        "true",
    ]
    finetune_with_trainer.main([*common, "--max_steps", "2"])
    assert all((tmp_path / "out" / f"checkpoint-{step}" / COMPLETE_MARKER).is_file() for step in (1, 2))
    (tmp_path / "out" / "checkpoint-2" / COMPLETE_MARKER).unlink()  # as a save cut short by a kill
    with caplog.at_level(logging.WARNING, logger="structure_clip.training.checkpoints"):
        resolved = finetune_with_trainer.resolve_resume_checkpoint("latest", str(tmp_path / "out"))
    assert resolved == str(tmp_path / "out" / "checkpoint-1") and "checkpoint-2" in caplog.text
    with pytest.raises(ValueError, match="checkpoint-2 is incomplete.*checkpoint-1"):
        finetune_with_trainer.resolve_resume_checkpoint(str(tmp_path / "out" / "checkpoint-2"), str(tmp_path / "out"))
    finetune_with_trainer.main([*common, "--max_steps", "3", "--resume_from_checkpoint", "latest"])
    state = json.loads((tmp_path / "out" / "trainer_state.json").read_text())
    assert state["global_step"] == 3 and (tmp_path / "out" / "checkpoint-3" / COMPLETE_MARKER).is_file()
