"""The project's metric functions: the only place where a structured-matching or retrieval score is computed.

Every evaluator (examples/evaluate_structure_clip.py, the synthetic ablation, the training loop's validation) calls
these plain functions, so a number printed anywhere in the project means the same thing (docs/method.md §4).

Conventions shared by all functions:
- inputs are numpy arrays, torch tensors or Python lists; outputs are Python floats (fractions in [0, 1]);
- **a tie counts as wrong** (docs/method.md §4: "correct if score(true) > score(false)"). This matches ARO's
  `argmax` over `[false, true]` scores, which picks the false caption on a tie, and it stops a
  collapsed model that gives every caption the same score from getting credit.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import torch


logger = logging.getLogger(__name__)


def _as_float_array(values, name: str) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().float().cpu().numpy()
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        raise ValueError(f"{name} is empty: there is nothing to score.")
    return array


def pairwise_correct(positive_scores, negative_scores) -> np.ndarray:
    """Per item: True when the positive strictly beats the negative (tie = wrong)."""
    positive = _as_float_array(positive_scores, "positive_scores").reshape(-1)
    negative = _as_float_array(negative_scores, "negative_scores").reshape(-1)
    if positive.shape != negative.shape:
        raise ValueError(f"positive_scores has {positive.size} items but negative_scores has {negative.size}.")
    return positive > negative


def pairwise_accuracy(positive_scores, negative_scores) -> float:
    """Fraction of items whose positive score is strictly above the negative one (ARO, SugarCrepe, synthetic)."""
    return float(pairwise_correct(positive_scores, negative_scores).mean())


def multi_candidate_correct(scores, correct_index: int = 0) -> np.ndarray:
    """Per row of `scores[N, C]`: True when candidate `correct_index` is strictly above every other one."""
    scores = _as_float_array(scores, "scores")
    if scores.ndim != 2 or scores.shape[1] < 2:
        raise ValueError(f"scores must have shape [items, candidates >= 2], got {scores.shape}.")
    correct_scores = scores[:, correct_index]
    others = np.delete(scores, correct_index, axis=1)
    return correct_scores > others.max(axis=1)


def multi_candidate_accuracy(scores, correct_index: int = 0) -> float:
    """Order benchmarks (docs/method.md §4): how often the unperturbed caption scores highest of all candidates."""
    return float(multi_candidate_correct(scores, correct_index).mean())


def macro_accuracy(
    correct: Sequence[bool], groups: Sequence[str], min_count: int = 0
) -> tuple[float, dict[str, tuple[float, int]]]:
    """Mean of per-group accuracies over the groups that have at least `min_count` items.

    ARO's VG-Relation / VG-Attribution macro accuracy is this with groups = relation names or attribute
    pairs; ARO itself used `min_count=25`, the original Structure-CLIP `min_count=0` (docs/method.md §4).

    Returns `(macro, per_group)` where `per_group` maps every group that enters the mean to
    `(accuracy, item_count)`, so the macro is exactly the mean of its accuracies. NaN when no group is
    large enough.
    """
    correct = np.asarray(correct, dtype=bool).reshape(-1)
    groups = list(groups)
    if len(groups) != correct.size:
        raise ValueError(f"{correct.size} correctness flags but {len(groups)} group labels.")
    hits: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for is_correct, group in zip(correct.tolist(), groups, strict=False):
        hits[group] += int(is_correct)
        counts[group] += 1
    per_group = {
        group: (hits[group] / counts[group], counts[group]) for group in sorted(counts) if counts[group] >= min_count
    }
    if not per_group:
        logger.warning("macro_accuracy: no group has at least %d items; returning NaN.", min_count)
        return math.nan, per_group
    return float(np.mean([accuracy for accuracy, _ in per_group.values()])), per_group


def weighted_group_means(
    subset_results: Mapping[str, tuple[float, int]], group_members: Mapping[str, Iterable[str]]
) -> dict[str, float]:
    """Item-weighted mean accuracy of each group of subsets (SugarCrepe REPLACE / SWAP / ADD, docs/method.md §4).

    `subset_results` maps subset name -> (accuracy, item_count); groups whose subsets were all skipped
    are left out.
    """
    means = {}
    for group, members in group_members.items():
        present = [subset_results[name] for name in members if name in subset_results]
        total = sum(count for _, count in present)
        if total:
            means[group] = sum(accuracy * count for accuracy, count in present) / total
    return means


def winoground_scores(s_c0_i0, s_c0_i1, s_c1_i0, s_c1_i1) -> dict[str, float]:
    """Winoground text / image / group scores (Thrush et al. 2022), one value per item in each argument.

    `s_cX_iY` is the score of caption X with image Y. Text score: each image prefers its own caption;
    image score: each caption prefers its own image; group: both. Strict inequalities (tie = wrong).
    """
    c0_i0 = _as_float_array(s_c0_i0, "s_c0_i0").reshape(-1)
    c0_i1 = _as_float_array(s_c0_i1, "s_c0_i1").reshape(-1)
    c1_i0 = _as_float_array(s_c1_i0, "s_c1_i0").reshape(-1)
    c1_i1 = _as_float_array(s_c1_i1, "s_c1_i1").reshape(-1)
    if not (c0_i0.shape == c0_i1.shape == c1_i0.shape == c1_i1.shape):
        raise ValueError("The four Winoground score arrays must have the same length.")
    text_correct = (c0_i0 > c1_i0) & (c1_i1 > c0_i1)
    image_correct = (c0_i0 > c0_i1) & (c1_i1 > c1_i0)
    return {
        "text": float(text_correct.mean()),
        "image": float(image_correct.mean()),
        "group": float((text_correct & image_correct).mean()),
    }


def _as_embedding_tensor(embeds, name: str) -> torch.Tensor:
    tensor = torch.as_tensor(embeds).detach().cpu().float()
    if tensor.ndim != 2 or tensor.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty [count, dim] matrix, got shape {tuple(tensor.shape)}.")
    return tensor


def _validate_text_to_image(text_to_image, num_texts: int, num_images: int) -> torch.Tensor:
    index = torch.as_tensor(text_to_image).long().cpu().reshape(-1)
    if index.numel() != num_texts:
        raise ValueError(f"text_to_image has {index.numel()} entries but there are {num_texts} texts.")
    if index.min() < 0 or index.max() >= num_images:
        raise ValueError(f"text_to_image must index images in [0, {num_images}).")
    captions_per_image = torch.bincount(index, minlength=num_images)
    if (captions_per_image == 0).any():
        missing = int((captions_per_image == 0).sum())
        raise ValueError(f"{missing} images have no caption in text_to_image; image-to-text recall is undefined.")
    return index


def retrieval_ranks(
    image_embeds, text_embeds, text_to_image, max_rank: int = 10, chunk_size: int = 1024
) -> tuple[torch.Tensor, torch.Tensor]:
    """0-based rank of the right answer for every query of both directions, for scores = images @ texts.T.

    - image_to_text[i]: rank of image i's best caption among all texts, **capped at `max_rank`** (exact below).
    - text_to_image[t]: rank of caption t's image `text_to_image[t]` among all images (exact).
    Rank = number of wrong items scoring >= the right one (tie = wrong, as everywhere here).

    Vectorised and chunked over texts, so the [texts, images] matrix is never held at once: one matmul
    per chunk; for image-to-text it keeps, per image, the best correct-caption score and the top
    `max_rank` scores among its wrong captions, which is all a rank below `max_rank` depends on.
    """
    images = _as_embedding_tensor(image_embeds, "image_embeds")
    texts = _as_embedding_tensor(text_embeds, "text_embeds")
    if images.shape[1] != texts.shape[1]:
        raise ValueError(f"image dim {images.shape[1]} != text dim {texts.shape[1]}.")
    num_images, num_texts = images.shape[0], texts.shape[0]
    index = _validate_text_to_image(text_to_image, num_texts, num_images)

    text_ranks = torch.empty(num_texts, dtype=torch.long)
    best_correct = torch.full((num_images,), -math.inf)
    top_wrong = torch.full((max_rank, num_images), -math.inf)  # per image (column): best wrong-caption scores
    for start in range(0, num_texts, chunk_size):
        chunk_index = index[start : start + chunk_size]
        rows = torch.arange(chunk_index.numel())
        scores = texts[start : start + chunk_size] @ images.T  # [chunk, images]
        correct_scores = scores[rows, chunk_index]
        # Counting through float 0/1 sums is ~10x faster than summing a bool mask (int64), and exact:
        # a - b >= 0 exactly when a >= b for finite floats, and counts stay far below 2**24.
        at_least_correct = (scores - correct_scores[:, None]).ge_(0).sum(1)
        text_ranks[start : start + chunk_size] = at_least_correct.long() - 1  # minus itself

        best_correct.scatter_reduce_(0, chunk_index, correct_scores, reduce="amax")
        scores[rows, chunk_index] = -math.inf  # what is left in each column are that image's wrong captions
        chunk_top = scores.topk(min(max_rank, scores.shape[0]), dim=0).values
        top_wrong = torch.cat([top_wrong, chunk_top], dim=0).topk(max_rank, dim=0).values
    image_ranks = (top_wrong >= best_correct[None, :]).sum(0)
    return image_ranks, text_ranks


def retrieval_recall_at_k(
    image_embeds, text_embeds, text_to_image, ks: Sequence[int] = (1, 5, 10), chunk_size: int = 1024
) -> dict[str, float]:
    """Recall@k in both directions for scores = image_embeds @ text_embeds.T (docs/method.md §4, COCO / Flickr).

    - text_to_image_R@k: fraction of texts whose own image (`text_to_image[t]`) is in the top k images.
    - image_to_text_R@k: fraction of images with at least one of their captions in the top k texts.
    Keys say the query direction explicitly: the original's table headers are swapped (its issue #13).
    Ties count as wrong; see `retrieval_ranks` for how it is vectorised.
    """
    ks = sorted(set(int(k) for k in ks))
    image_ranks, text_ranks = retrieval_ranks(image_embeds, text_embeds, text_to_image, max(ks), chunk_size)
    metrics = {}
    for k in ks:
        metrics[f"image_to_text_R@{k}"] = float((image_ranks < k).sum()) / len(image_ranks)
        metrics[f"text_to_image_R@{k}"] = float((text_ranks < k).sum()) / len(text_ranks)
    return metrics


def retrieval_recall_at_k_reference(image_embeds, text_embeds, text_to_image, ks=(1, 5, 10)) -> dict[str, float]:
    """Brute force in plain Python (float64) over the full score matrix: the slow, obviously-right reference.

    For the tests only (small inputs); benchmarks/retrieval_ranking.py times the original's own
    sort-per-query loop instead.
    """
    images = _as_embedding_tensor(image_embeds, "image_embeds").double()
    texts = _as_embedding_tensor(text_embeds, "text_embeds").double()
    index = torch.as_tensor(text_to_image).long().tolist()
    scores = (images @ texts.T).tolist()
    captions_of = defaultdict(set)
    for text_id, image_id in enumerate(index):
        captions_of[image_id].add(text_id)
    metrics = {}
    for k in ks:
        image_hits = 0
        for image_id, row in enumerate(scores):
            best = max(row[t] for t in captions_of[image_id])
            wrong_above = sum(1 for t, s in enumerate(row) if t not in captions_of[image_id] and s >= best)
            image_hits += wrong_above < k
        text_hits = 0
        for text_id, image_id in enumerate(index):
            own = scores[image_id][text_id]
            wrong_above = sum(1 for i in range(len(scores)) if i != image_id and scores[i][text_id] >= own)
            text_hits += wrong_above < k
        metrics[f"image_to_text_R@{k}"] = image_hits / len(scores)
        metrics[f"text_to_image_R@{k}"] = text_hits / len(index)
    return metrics
