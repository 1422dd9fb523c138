"""train.py --report_to: Accelerate's TensorBoard tracker receives results.jsonl's records under the Trainer's names."""

import json

import pytest

from structure_clip.training import cli as train_cli
from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.tracking import log_with, tracker_metrics
from tests.train_tiny_setup import (
    original_json_args,
    write_original_json,
    write_tiny_images,
    write_tiny_model_folder,
)


def test_tracker_names_follow_the_trainer():
    train = {"type": "train", "step": 3, "epoch": 0, "lr": 1e-3, "loss": 2.5, "hinge_loss": 1.0, "loss_path": "local"}
    assert tracker_metrics(train) == {
        "train/epoch": 0,
        "train/learning_rate": 1e-3,
        "train/loss": 2.5,
        "train/hinge_loss": 1.0,
    }
    evaluation = {"type": "eval", "step": 3, "validation_loss": 1.5, "validation_pair_accuracy": 0.75}
    assert tracker_metrics(evaluation) == {"eval/loss": 1.5, "eval/pair_accuracy": 0.75}
    assert tracker_metrics({"type": "end", "step": 3}) == {}
    assert log_with("all") == ["tensorboard", "wandb"] and log_with("none") is None


def test_unknown_report_to_fails_before_loading(tmp_path):
    with pytest.raises(ValueError, match="--report_to"):
        StructureCLIPTrainArgs(output_dir=str(tmp_path), report_to="mlflow")


def test_tensorboard_event_files_hold_the_logged_curves(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    names = write_tiny_images(tmp_path / "images", count=8)
    train_file = write_original_json(tmp_path / "original.json", names)
    output_dir = tmp_path / "out"
    train_cli.train_main(
        [
            *original_json_args(write_tiny_model_folder(tmp_path / "model"), train_file, tmp_path / "images"),
            "--validation_file",
            train_file,
            "--output_dir",
            str(output_dir),
            "--max_train_steps",
            "2",
            "--per_device_train_batch_size",
            "4",
            "--learning_rate",
            "1e-3",
            "--eval_steps",
            "1",
            "--disable_tqdm",
            "true",
            "--report_to",
            "tensorboard",
        ]
    )
    # <output_dir>/<project>/: the scalars; a timestamped subfolder holds the run's hyperparameters.
    event_dir = output_dir / "structure-clip"
    assert len(list(event_dir.glob("events.out.tfevents.*"))) == 1
    events = EventAccumulator(str(event_dir))
    events.Reload()
    records = [json.loads(line) for line in (output_dir / "results.jsonl").read_text().splitlines()]
    train_losses = [record["loss"] for record in records if record["type"] == "train"]
    logged = {tag: [(event.step, event.value) for event in events.Scalars(tag)] for tag in events.Tags()["scalars"]}
    assert [step for step, _ in logged["train/loss"]] == [1, 2]
    assert [value for _, value in logged["train/loss"]] == pytest.approx(train_losses, rel=1e-6)
    assert "train/learning_rate" in logged and [step for step, _ in logged["eval/loss"]] == [1, 2]
