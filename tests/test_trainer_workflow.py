"""examples/finetune_with_trainer.py with no dataset: the synthetic world through StructureCLIPTrainer.

Checks compute_metrics (swap accuracies in the log history), evaluation of a partial last batch, complete Hub
folders at every save, and that the final folder loads as the scene-graph pipeline in a fresh process that
cannot import this project's packages."""

import json
import logging
import os
import subprocess
import sys

import pytest

from structure_clip.training import trainer as finetune_with_trainer
from structure_clip.training.trainer_metrics import STRUCTURE_CLIP_METRIC_NAMES


TINY_WORLD = [
    "--synthetic_train_examples",
    "64",
    "--per_device_train_batch_size",
    "16",
    "--disable_tqdm",
    "true",
    "--report_to",
    "none",
    "--warmup_steps",
    "0",
    "--dataloader_pin_memory",
    "false",
]

FRESH_PIPELINE_SCRIPT = """
import importlib.abc, json, sys

class BlockOurPackages(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in ("modeling_structure_clip", "processing", "structure_clip"):
            raise ModuleNotFoundError(fullname + " is blocked", name=fullname)

sys.meta_path.insert(0, BlockOurPackages())
from PIL import Image
from transformers import pipeline
pipe = pipeline("zero-shot-image-classification", model=sys.argv[1], trust_remote_code=True)
image = Image.new("RGB", (48, 48), (200, 30, 30))
scores = pipe(image, candidate_labels=["a small red circle left of a large blue square",
                                       "a large blue square left of a small red circle"])
print(json.dumps({"class": type(pipe).__name__, "labels": sorted(s["label"] for s in scores)}))
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("trainer") / "run"
    trainer = finetune_with_trainer.main(
        [
            *TINY_WORLD,
            "--synthetic_validation_examples",
            "20",
            "--per_device_eval_batch_size",
            "8",
            "--max_steps",
            "4",
            "--eval_steps",
            "2",
            "--save_steps",
            "2",
            "--logging_steps",
            "1",
            "--output_dir",
            str(output_dir),
            "--metric_for_best_model",
            "attribute_swap_accuracy",
            "--load_best_model_at_end",
        ]
    )
    return trainer, output_dir


def test_log_history_has_every_metric_and_best_model_uses_one(trained):
    _, output_dir = trained
    state = json.loads((output_dir / "trainer_state.json").read_text())
    evaluations = [entry for entry in state["log_history"] if "eval_loss" in entry]
    assert [entry["step"] for entry in evaluations] == [2, 4, 4]  # steps 2 and 4, then main()'s final one
    for entry in evaluations:
        assert {f"eval_{name}" for name in STRUCTURE_CLIP_METRIC_NAMES} <= set(entry)
        assert all(0 <= entry[f"eval_{name}"] <= 1 for name in STRUCTURE_CLIP_METRIC_NAMES)
    assert state["best_metric"] in {entry["eval_attribute_swap_accuracy"] for entry in evaluations}
    assert state["best_model_checkpoint"].endswith(("checkpoint-2", "checkpoint-4"))


def test_every_save_is_a_complete_hub_folder(trained):
    _, output_dir = trained
    for folder in (output_dir, output_dir / "checkpoint-2", output_dir / "checkpoint-4"):
        config = json.loads((folder / "config.json").read_text())
        assert config["custom_pipelines"]["zero-shot-image-classification"]["impl"] == (
            "pipeline_structure_clip.StructureCLIPZeroShotImageClassificationPipeline"
        )
        for name in (
            "pipeline_structure_clip.py",
            "modeling_structure_clip.py",
            "processing_structure_clip.py",
            "processor_config.json",
            "README.md",
        ):
            assert (folder / name).is_file(), (folder, name)
    card = (output_dir / "README.md").read_text()
    assert card.startswith("---\n") and "pipeline_tag: zero-shot-image-classification" in card
    assert "optimizer steps" in card and "eval_relation_swap_accuracy" in card


def test_final_folder_is_the_scene_graph_pipeline_in_a_fresh_process(trained, tmp_path):
    _, output_dir = trained
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf_home"), "PYTHONPATH": ""}
    completed = subprocess.run(
        [sys.executable, "-I", "-c", FRESH_PIPELINE_SCRIPT, str(output_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["class"] == "StructureCLIPZeroShotImageClassificationPipeline"
    assert len(result["labels"]) == 2


def test_eval_keeps_a_partial_batch_and_warns_on_an_empty_eval(tmp_path, caplog):
    # 4 validation rows and an eval batch of 8: with drop_last on evaluation this batch would vanish.
    trainer = finetune_with_trainer.main(
        [
            *TINY_WORLD,
            "--synthetic_validation_examples",
            "4",
            "--per_device_eval_batch_size",
            "8",
            "--max_steps",
            "1",
            "--eval_strategy",
            "no",
            "--save_strategy",
            "no",
            "--output_dir",
            str(tmp_path / "run"),
        ]
    )
    assert trainer.args.dataloader_drop_last  # training batches still drop their last partial batch
    metrics = trainer.evaluate()
    assert "eval_pair_accuracy" in metrics and "eval_loss" in metrics
    with caplog.at_level(logging.WARNING):
        trainer.evaluate(
            eval_dataset=trainer.eval_dataset.__class__(
                {key: value[:0] for key, value in trainer.eval_dataset.tensors.items()},
                trainer.eval_dataset.relation_swap[:0],
            )
        )
    assert "produced no batches" in caplog.text


def test_weight_decay_reaches_biases_and_layer_norms_like_train_py(trained):
    trainer, _ = trained
    decayed = set(trainer.get_decay_parameter_names(trainer.model))
    assert decayed == {name for name, _ in trainer.model.named_parameters()}
    assert any(name.endswith("layer_norm1.bias") for name in decayed) and "logit_scale" in decayed


def test_cli_sets_the_synthetic_task_threads(monkeypatch):
    import torch

    from structure_clip.training.trainer_synthetic import SyntheticWorldArguments, set_synthetic_threads

    before = torch.get_num_threads()
    try:
        assert set_synthetic_threads(SyntheticWorldArguments(num_threads=1)) == 1
        assert torch.get_num_threads() == 1
        monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        assert set_synthetic_threads(SyntheticWorldArguments()) == 2  # idle 2-core machine: both cores
        monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.0, 0.0))
        assert set_synthetic_threads(SyntheticWorldArguments()) == 1  # one core busy: one thread
    finally:
        torch.set_num_threads(before)
