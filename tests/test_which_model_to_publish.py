"""A training run leaves its last step and best_model/; the run says which is which, the export takes best_model/."""

import logging

from structure_clip.hub.export import parse_args, selected_model_folder
from structure_clip.training.cli import log_which_model_is_which
from structure_clip.training.outputs import TrainingResult


def _run_folder(tmp_path, with_best: bool):
    (tmp_path / "config.json").write_text("{}")
    if with_best:
        (tmp_path / "best_model").mkdir()
        (tmp_path / "best_model" / "config.json").write_text("{}")
    return tmp_path


def test_export_defaults_to_the_selected_model_and_says_so(tmp_path, caplog):
    run = _run_folder(tmp_path, with_best=True)
    with caplog.at_level(logging.INFO, logger="structure_clip.hub.export"):
        assert selected_model_folder(str(run)) == str(run / "best_model")
    assert "selected on validation" in caplog.text and "--use-last-step" in caplog.text
    assert selected_model_folder(str(run), use_last_step=True) == str(run)
    assert parse_args(["--model", "m", "--output", "o", "--use-last-step"]).use_last_step is True
    assert parse_args(["--model", "m", "--output", "o"]).use_last_step is False


def test_export_of_a_folder_without_best_model_is_unchanged(tmp_path):
    run = _run_folder(tmp_path, with_best=False)
    assert selected_model_folder(str(run)) == str(run)
    (run / "best_model").mkdir()  # an empty or half-written best_model/ is not a model
    assert selected_model_folder(str(run)) == str(run)


def test_training_run_says_which_model_is_which(caplog):
    result = TrainingResult(
        history=[],
        final_model_dir="out",
        best_model_dir="out/best_model",
        best_metric=0.75,
        global_step=40,
        results_file="out/results.jsonl",
    )
    with caplog.at_level(logging.INFO, logger="structure_clip.training.cli"):
        log_which_model_is_which(result, "validation_pair_accuracy")
    assert "Last step's model: out" in caplog.text
    assert "selected on validation (validation_pair_accuracy = 0.75" in caplog.text and "out/best_model" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="structure_clip.training.cli"):
        log_which_model_is_which(TrainingResult([], "out", None, None, 40, "out/results.jsonl"), "validation_loss")
    assert "no selected model" in caplog.text
