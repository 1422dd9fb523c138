"""Validation during examples/train.py: metrics on the validation split and best-checkpoint selection."""

from __future__ import annotations

import json
import logging
import os

import torch

from structure_clip.evaluation.metrics import pairwise_accuracy
from structure_clip.training.distributed_loss import evaluation_loss_of_global_batch, is_structure_clip
from structure_clip.training.outputs import save_model


logger = logging.getLogger(__name__)


@torch.no_grad()
def evaluate(accelerator, model, eval_dataloader, eval_callback, step) -> dict:
    """Validation loss (and pair accuracy when batches carry negatives) plus the callback's metrics.

    `model` is the bare model (not DDP-wrapped); every rank scores its shard of the validation set.
    """
    metrics = {}
    model.eval()
    if eval_dataloader is not None:
        metrics.update(dataloader_metrics(accelerator, model, eval_dataloader))
    if eval_callback is not None and accelerator.is_main_process:
        metrics.update(eval_callback(model, step))
    model.train()
    return metrics


def dataloader_metrics(accelerator, model, eval_dataloader) -> dict:
    losses, positives, negatives, keep = [], [], [], []
    for batch in eval_dataloader:
        with accelerator.autocast():
            outputs = model(**batch)
            pair = pair_scores(model, batch, outputs)
        losses.append(global_batch_loss(accelerator, model, batch, outputs))
        if pair is not None:
            positives.append(accelerator.gather_for_metrics(pair[0]))
            negatives.append(accelerator.gather_for_metrics(pair[1]))
            keep.append(accelerator.gather_for_metrics(pair[2]))
    # Every row weighs the same, whatever the size of the last batch.
    metrics = {"validation_loss": torch.cat(losses).mean().item()}
    if positives:
        kept = torch.cat(keep).bool()
        if kept.any():
            metrics["validation_pair_accuracy"] = pairwise_accuracy(
                torch.cat(positives)[kept], torch.cat(negatives)[kept]
            )
    return metrics


def global_batch_loss(accelerator, model, batch, outputs) -> torch.Tensor:
    """The validation loss of this step's global batch, repeated once per real row of it.

    Structure-CLIP models: `evaluation_loss_of_global_batch` on the ranks' de-padded embeddings. Other models keep
    their own per-rank loss.
    """
    if not is_structure_clip(model):
        size = batch["input_ids"].shape[0]
        return accelerator.gather_for_metrics(outputs.loss.detach().float().expand(size))
    loss, rows = evaluation_loss_of_global_batch(accelerator.gather_for_metrics, model, batch, outputs)
    return loss.expand(rows)


def pair_scores(model, batch, outputs):
    """(positive_scores, negative_scores, has_negative) per row, for `pairwise_accuracy` (tie = wrong).

    Scores are the model's own: normalised image . fused text of the caption and of its hard negative.
    """
    if batch.get("negative_input_ids") is None or not is_structure_clip(model):
        return None
    negative_text = model.get_text_features(
        input_ids=batch["negative_input_ids"],
        attention_mask=batch.get("negative_attention_mask"),
        head_ids=batch.get("negative_head_ids"),
        relation_ids=batch.get("negative_relation_ids"),
        tail_ids=batch.get("negative_tail_ids"),
        triple_mask=batch.get("negative_triple_mask"),
    ).pooler_output
    image = outputs.image_embeds
    positive_scores = (image * outputs.text_embeds).sum(-1)
    negative_scores = (image * negative_text.to(image.dtype)).sum(-1)
    has_negative = batch.get("negative_mask")
    if has_negative is None:
        has_negative = torch.ones_like(positive_scores, dtype=torch.long)
    return positive_scores.float(), negative_scores.float(), has_negative.long()


def is_better(args, value: float, best: float | None) -> bool:
    greater = args.greater_is_better
    if greater is None:
        greater = "loss" not in args.metric_for_best_model
    return best is None or (value > best if greater else value < best)


def validate_and_select(
    accelerator, args, model, processor, eval_dataloader, eval_callback, step, progress, log, best_model_dir
) -> None:
    metrics = evaluate(accelerator, model, eval_dataloader, eval_callback, step)
    metrics = broadcast_metrics(accelerator, metrics)
    log.write({"type": "eval", "step": step, **metrics})
    value = metrics.get(args.metric_for_best_model)
    if value is None:
        logger.warning("metric_for_best_model %r not among %s", args.metric_for_best_model, sorted(metrics))
        return
    if is_better(args, value, progress.best_metric):
        progress.best_metric = value
        save_model(accelerator, model, processor, best_model_dir)
        if accelerator.is_main_process:
            with open(os.path.join(best_model_dir, "selection.json"), "w") as handle:
                json.dump(
                    {
                        "step": step,
                        "metric": args.metric_for_best_model,
                        "value": value,
                        "selected_on": "validation split",
                    },
                    handle,
                    indent=2,
                )


def broadcast_metrics(accelerator, metrics: dict) -> dict:
    """The callback runs on the main process only; every rank must agree on the selection."""
    if accelerator.num_processes == 1:
        return metrics
    from accelerate.utils import broadcast_object_list

    holder = [metrics if accelerator.is_main_process else None]
    broadcast_object_list(holder, from_process=0)
    return holder[0]
