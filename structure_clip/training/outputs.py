"""What a run of examples/train.py leaves behind: saved models, results.jsonl records, the returned result."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass

import torch

from processing.pipeline_structure_clip import save_with_structure_clip_pipeline
from structure_clip.training.quiet_saving import without_shard_progress_bar


logger = logging.getLogger(__name__)


@dataclass
class TrainingResult:
    history: list[dict]
    final_model_dir: str | None
    best_model_dir: str | None
    best_metric: float | None
    global_step: int
    results_file: str


@without_shard_progress_bar()
def save_model(accelerator, model, processor, directory) -> None:
    """`model` is the bare model (the object the caller passed in, trained in place)."""
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        if processor is not None and getattr(model.config, "model_type", None) == "structure_clip":
            # So that pipeline("zero-shot-image-classification", model=directory, trust_remote_code=True)
            # gives the pipeline that feeds label triples, not the stock one that drops them.
            save_with_structure_clip_pipeline(model, processor, directory)
        else:
            model.save_pretrained(directory)
            if processor is not None:
                processor.save_pretrained(directory)
    accelerator.wait_for_everyone()


class ResultsLog:
    """Appends JSON records to `<output_dir>/results.jsonl` on the main process and keeps them in memory."""

    def __init__(self, accelerator, output_dir, append: bool):
        self.accelerator = accelerator
        self.path = os.path.join(output_dir, "results.jsonl")
        self.history: list[dict] = []
        if not append and accelerator.is_main_process and os.path.exists(self.path):
            os.remove(self.path)  # a fresh run never mixes its records with an older run's

    def drop_records_after(self, step: int) -> None:
        """On resume: remove records of steps past the checkpoint, which the resumed run logs again.

        A run killed after logging step N but before (or while) saving its checkpoint would otherwise leave
        step N twice. The file is rewritten beside itself and renamed over the old one, so a kill here leaves
        either the old or the new file, never a cut one.
        """
        if not self.accelerator.is_main_process or not os.path.exists(self.path):
            return
        with open(self.path) as handle:
            lines = [line for line in handle if line.strip()]
        kept = [line for line in lines if _record_step(line) <= step]
        if len(kept) == len(lines):
            return
        logger.info("Resuming at step %d: dropping %d records of later steps from %s", step,
                    len(lines) - len(kept), self.path)  # fmt: skip
        temporary = self.path + ".tmp"
        with open(temporary, "w") as handle:
            handle.writelines(line if line.endswith("\n") else line + "\n" for line in kept)
        os.replace(temporary, self.path)

    def write(self, record: dict) -> None:
        self.history.append(record)
        if self.accelerator.is_main_process:
            with open(self.path, "a") as handle:
                handle.write(json.dumps(record) + "\n")


def _record_step(line: str) -> float:
    """A record's step; a line cut short by a kill mid-write counts as past every step, so it is dropped."""
    try:
        return json.loads(line).get("step", 0)
    except json.JSONDecodeError:
        return float("inf")


def train_record(accelerator, step_outputs: list[dict], step: int, epoch: int, lr_scheduler) -> dict:
    """Loss and every named term, averaged over the step's micro-batches and over processes."""
    record = {"type": "train", "step": step, "epoch": epoch, "lr": lr_scheduler.get_last_lr()[0]}
    for key, value in step_outputs[0].items():
        if not torch.is_tensor(value):
            record[key] = value
            continue
        local = torch.stack([outputs[key].float() for outputs in step_outputs]).mean()
        record[key] = accelerator.reduce(local, reduction="mean").item()
    return record
