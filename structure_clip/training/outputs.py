"""What a run of examples/train.py leaves behind: saved models, results.jsonl records, the returned result."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import torch

from processing.pipeline_structure_clip import save_with_structure_clip_pipeline


@dataclass
class TrainingResult:
    history: list[dict]
    final_model_dir: str | None
    best_model_dir: str | None
    best_metric: float | None
    global_step: int
    results_file: str


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

    def write(self, record: dict) -> None:
        self.history.append(record)
        if self.accelerator.is_main_process:
            with open(self.path, "a") as handle:
                handle.write(json.dumps(record) + "\n")


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
