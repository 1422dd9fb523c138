"""metrics.py's structured metrics computed by the `evaluate` modules of `metric_modules/`, same signatures.

The evaluation CLI (benchmarks.py) and the Trainer's `compute_metrics` call these, so every reported number
comes from the module a Hub user can load with `evaluate.load`; tests check that they equal metrics.py's
plain functions (docs/method.md §4: a tie counts as wrong).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np

from structure_clip.evaluation.metric_modules import load_metric
from structure_clip.evaluation.metrics import _as_embedding_tensor, _as_float_array


logger = logging.getLogger(__name__)


def pairwise_accuracy(positive_scores, negative_scores) -> float:
    positive = _as_float_array(positive_scores, "positive_scores").reshape(-1)
    negative = _as_float_array(negative_scores, "negative_scores").reshape(-1)
    if positive.shape != negative.shape:
        raise ValueError(f"positive_scores has {positive.size} items but negative_scores has {negative.size}.")
    return load_metric("pairwise_accuracy").compute(positive_scores=positive, negative_scores=negative)["accuracy"]


def macro_accuracy(
    correct: Sequence[bool], groups: Sequence[str], min_count: int = 0
) -> tuple[float, dict[str, tuple[float, int]]]:
    """(macro, {group: (accuracy, count)}) over the groups with at least `min_count` items; NaN when none."""
    correct = np.asarray(correct, dtype=bool).reshape(-1)
    groups = [str(group) for group in groups]
    if len(groups) != correct.size:
        raise ValueError(f"{correct.size} correctness flags but {len(groups)} group labels.")
    result = {"macro_accuracy": math.nan, "per_group": {}}
    if groups:
        result = load_metric("macro_accuracy").compute(correct=correct, groups=groups, min_count=min_count)
    if not result["per_group"]:
        logger.warning("macro_accuracy: no group has at least %d items; returning NaN.", min_count)
    per_group = {group: (entry["accuracy"], entry["count"]) for group, entry in result["per_group"].items()}
    return result["macro_accuracy"], per_group


def winoground_scores(s_c0_i0, s_c0_i1, s_c1_i0, s_c1_i1) -> dict[str, float]:
    scores = {
        name: _as_float_array(value, name).reshape(-1)
        for name, value in (("s_c0_i0", s_c0_i0), ("s_c0_i1", s_c0_i1), ("s_c1_i0", s_c1_i0), ("s_c1_i1", s_c1_i1))
    }
    if len({value.shape for value in scores.values()}) != 1:
        raise ValueError("The four Winoground score arrays must have the same length.")
    result = load_metric("winoground").compute(**scores)
    return {"text": result["text_score"], "image": result["image_score"], "group": result["group_score"]}


def retrieval_recall_at_k(
    image_embeds, text_embeds, text_to_image, ks: Sequence[int] = (1, 5, 10), chunk_size: int = 1024
) -> dict[str, float]:
    images = _as_embedding_tensor(image_embeds, "image_embeds").numpy()
    texts = _as_embedding_tensor(text_embeds, "text_embeds").numpy()
    index = np.asarray(text_to_image, dtype=np.int64).reshape(-1)
    if index.size != texts.shape[0]:
        raise ValueError(f"text_to_image has {index.size} entries but there are {texts.shape[0]} texts.")
    return load_metric("retrieval_recall").compute(
        text_embeds=texts, text_to_image=index, image_embeds=images, ks=list(ks), chunk_size=chunk_size
    )
