"""What every Trainer save adds to make its folder a complete Hub repository.

`Trainer._save` writes weights, config, remote model code and the processor. A Hub folder also needs the
scene-graph zero-shot pipeline (its code and `custom_pipelines` in config.json, as `Pipeline.save_pretrained`
writes them) and a model card from structure_clip/hub/model_card.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

from transformers.dynamic_module_utils import custom_object_save
from transformers.pipelines import PIPELINE_REGISTRY


logger = logging.getLogger(__name__)


def structure_clip_custom_pipelines() -> dict:
    """config.json's `custom_pipelines` for the scene-graph pipeline, as `Pipeline.save_pretrained` writes it."""
    from processing.pipeline_structure_clip import TASK, structure_clip_pipeline_registered

    with structure_clip_pipeline_registered() as pipeline_class:
        info = dict(PIPELINE_REGISTRY.supported_tasks[TASK])
    info["impl"] = f"{pipeline_class.__module__.split('.')[-1]}.{pipeline_class.__name__}"
    info["pt"] = tuple(model_class.__name__ for model_class in info["pt"])
    return {TASK: info}


def save_pipeline_code(output_dir: str | Path) -> None:
    """Copy the pipeline file (and the sibling files it imports) flat into the folder."""
    from processing.pipeline_structure_clip import StructureCLIPZeroShotImageClassificationPipeline

    custom_object_save(StructureCLIPZeroShotImageClassificationPipeline, str(output_dir))


def training_notes(log_history: list[dict], global_step: int) -> str:
    """The card's note on the run: optimizer steps and the last evaluation (validation split)."""
    evaluations = [entry for entry in log_history if any(key.startswith("eval_") for key in entry)]
    lines = [f"Fine-tuned with the transformers `Trainer` (`StructureCLIPTrainer`) for {global_step} optimizer steps."]
    if evaluations:
        last = evaluations[-1]
        rows = [
            f"| {key} | {value:.4g} |"
            for key, value in last.items()
            if key.startswith("eval_") and isinstance(value, float) and not key.endswith(("_runtime", "_per_second"))
        ]
        lines += [
            "",
            f"Last evaluation on the validation split (step {last.get('step')}):",
            "",
            "| metric | value |",
            "|---|---|",
            *rows,
        ]
    return "\n".join(lines)


def write_model_card(model, output_dir: str | Path, repo_id: str | None, notes: str) -> None:
    from structure_clip.hub.model_card import build_model_card

    output_dir = Path(output_dir)
    name = output_dir.resolve().name
    card = build_model_card(
        model.config.to_dict(), None, model_name=name, repo_id=repo_id or f"your-username/{name}", training_notes=notes
    )
    card.save(output_dir / "README.md")
