"""Every command line refuses an output path that is a file up front, before loading a model or data.

The model paths below do not exist: a job that loaded anything before checking would fail with another error.
"""

import pytest

from structure_clip.evaluation import runner as evaluate
from structure_clip.training import cli as train_cli
from structure_clip.training import trainer as finetune_with_trainer
from structure_clip.training.output_paths import check_output_dir


@pytest.fixture
def occupied(tmp_path):
    path = tmp_path / "occupied"
    path.write_text("a file where the output folder should go")
    return path


def test_train_cli_refuses_an_output_file(occupied, tmp_path):
    with pytest.raises(ValueError, match="--output_dir .*occupied cannot be a folder: it is an existing file"):
        train_cli.train_main(
            [
                "--model",
                str(tmp_path / "no_model"),
                "--train_file",
                str(tmp_path / "no.json"),
                "--output_dir",
                str(occupied),
            ]
        )


def test_trainer_cli_refuses_an_output_file_below_a_file(occupied, tmp_path):
    with pytest.raises(ValueError, match="occupied, a folder above it, is an existing file"):
        finetune_with_trainer.main(
            [
                "--model",
                str(tmp_path / "no_model"),
                "--train_file",
                str(tmp_path / "no.json"),
                "--output_dir",
                str(occupied / "run"),
                "--use_cpu",
                "--report_to",
                "none",
            ]
        )


def test_evaluation_cli_refuses_an_output_file(occupied, tmp_path):
    with pytest.raises(ValueError, match="--output_dir .*occupied cannot be a folder"):
        evaluate.main(["--model_name_or_path", str(tmp_path / "no_model"), "--output_dir", str(occupied)])


def test_folders_that_exist_or_can_be_created_are_accepted(tmp_path):
    check_output_dir(tmp_path)
    check_output_dir(tmp_path / "new" / "nested")
    check_output_dir("relative/output")
