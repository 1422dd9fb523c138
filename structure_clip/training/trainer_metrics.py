"""The Trainer's evaluation: embeddings per eval batch, then pair, swap and retrieval accuracy over the eval set.

A batch's logits are a [batch, batch] matrix, so they cannot be concatenated across eval batches; the
prediction step returns embeddings instead (`embedding_predictions`), which the Trainer concatenates and
gathers across processes, and `compute_structure_clip_metrics` scores them with the same `evaluate` modules as
the evaluation CLI (structure_clip/evaluation/hub_metrics.py; docs/method.md §4, ties count as wrong).
"""

from __future__ import annotations

import numpy as np
import torch

from processing.processing_structure_clip import TEXT_KEYS, TRIPLE_KEYS
from structure_clip.evaluation.hub_metrics import pairwise_accuracy, retrieval_recall_at_k


# Per-row metadata of the synthetic world's eval rows (1 = the negative is a relation swap, 0 = an attribute
# swap, -1 = unknown); the collator adds it and the Trainer removes it before the forward.
SWAP_KIND_KEY = "negative_is_relation_swap"
STRUCTURE_CLIP_METRIC_NAMES = (
    "pair_accuracy", "relation_swap_accuracy", "attribute_swap_accuracy",
    "retrieval_r1", "retrieval_image_to_text_r1", "retrieval_text_to_image_r1",
)  # fmt: skip


def _negative_text_embeds(model, outputs, inputs) -> torch.Tensor:
    """The fused negative-caption embeddings; recomputed when the loss skipped their KEE (original recipe)."""
    if outputs.negative_text_embeds is not None:
        return outputs.negative_text_embeds
    names = [name for name in TEXT_KEYS + TRIPLE_KEYS if inputs.get(f"negative_{name}") is not None]
    return model.get_text_features(**{name: inputs[f"negative_{name}"] for name in names}).pooler_output


def embedding_predictions(model, outputs, inputs: dict, swap_kind: torch.Tensor | None):
    """(predictions, labels) of one eval batch: (image, text[, negative text]) and (negative_mask, swap kind)."""
    size = outputs.image_embeds.shape[0]
    predictions = (outputs.image_embeds, outputs.text_embeds)
    device = outputs.image_embeds.device
    negative_mask = torch.zeros(size, dtype=torch.long, device=device)
    if inputs.get("negative_input_ids") is not None:
        predictions += (_negative_text_embeds(model, outputs, inputs),)
        given_mask = inputs.get("negative_mask")
        negative_mask = given_mask.long() if given_mask is not None else torch.ones_like(negative_mask)
    kind = swap_kind.long() if swap_kind is not None else torch.full((size,), -1, dtype=torch.long, device=device)
    return tuple(p.detach() for p in predictions), (negative_mask, kind)


def _pair_metrics(image, text, negative, negative_mask, swap_kind) -> dict[str, float]:
    positive_scores, negative_scores = (image * text).sum(-1), (image * negative).sum(-1)
    subsets = {
        "pair_accuracy": negative_mask > 0,
        "relation_swap_accuracy": (negative_mask > 0) & (swap_kind == 1),
        "attribute_swap_accuracy": (negative_mask > 0) & (swap_kind == 0),
    }
    return {
        name: pairwise_accuracy(positive_scores[rows], negative_scores[rows])
        for name, rows in subsets.items()
        if rows.any()
    }


def compute_structure_clip_metrics(eval_prediction) -> dict[str, float]:
    """`Trainer(compute_metrics=...)`: every name of STRUCTURE_CLIP_METRIC_NAMES that the eval set allows.

    Retrieval treats every eval row as its own image-caption pair (R@1 in both directions, and their mean as
    `retrieval_r1`, as the synthetic ablation reports it); swap accuracies need the synthetic world's labels.
    """
    predictions = [np.asarray(array, dtype=np.float32) for array in eval_prediction.predictions]
    negative_mask, swap_kind = (np.asarray(array) for array in eval_prediction.label_ids)
    image, text = predictions[0], predictions[1]
    recall = retrieval_recall_at_k(image, text, np.arange(image.shape[0]), ks=(1,))
    metrics = {
        "retrieval_image_to_text_r1": recall["image_to_text_R@1"],
        "retrieval_text_to_image_r1": recall["text_to_image_R@1"],
    }
    metrics["retrieval_r1"] = (metrics["retrieval_image_to_text_r1"] + metrics["retrieval_text_to_image_r1"]) / 2
    if len(predictions) > 2:
        metrics.update(_pair_metrics(image, text, predictions[2], negative_mask, swap_kind))
    return metrics
