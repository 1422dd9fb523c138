"""structured_metrics against hand-computed values and a brute-force retrieval reference."""

import math

import numpy as np
import pytest
import torch

from structure_clip.evaluation.metrics import (
    macro_accuracy,
    multi_candidate_accuracy,
    pairwise_accuracy,
    retrieval_recall_at_k,
    retrieval_recall_at_k_reference,
    weighted_group_means,
    winoground_scores,
)


def test_pairwise_accuracy_counts_ties_as_wrong():
    # items: win, tie, loss, win -> 2 / 4
    assert pairwise_accuracy([0.9, 0.5, 0.1, 0.3], [0.1, 0.5, 0.2, -1.0]) == 0.5
    assert pairwise_accuracy(torch.tensor([1.0, 1.0]), torch.tensor([1.0, 1.0])) == 0.0


def test_pairwise_accuracy_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="items"):
        pairwise_accuracy([1.0, 2.0], [1.0])


def test_multi_candidate_accuracy_needs_a_strict_maximum():
    scores = np.array(
        [
            [0.9, 0.1, 0.2, 0.3, 0.4],  # right
            [0.5, 0.5, 0.1, 0.1, 0.1],  # tie with a perturbation -> wrong
            [0.1, 0.9, 0.2, 0.3, 0.4],  # wrong
            [0.7, 0.6, 0.69, 0.1, 0.0],  # right
        ]
    )
    assert multi_candidate_accuracy(scores) == 0.5
    assert multi_candidate_accuracy(scores, correct_index=1) == 0.25


def test_macro_accuracy_with_and_without_count_filter():
    # group a: 3/4 right, group b: 0/1, group c: 2/2
    correct = [True, True, True, False, False, True, True]
    groups = ["a", "a", "a", "a", "b", "c", "c"]
    macro, per_group = macro_accuracy(correct, groups)
    assert macro == pytest.approx((0.75 + 0.0 + 1.0) / 3)
    assert per_group == {"a": (0.75, 4), "b": (0.0, 1), "c": (1.0, 2)}
    macro_filtered, kept = macro_accuracy(correct, groups, min_count=2)
    assert macro_filtered == pytest.approx((0.75 + 1.0) / 2)
    assert set(kept) == {"a", "c"}
    macro_none, kept_none = macro_accuracy(correct, groups, min_count=5)
    assert math.isnan(macro_none) and kept_none == {}


def test_weighted_group_means_weight_by_item_count():
    results = {"replace_obj": (1.0, 3), "replace_att": (0.0, 1), "swap_obj": (0.5, 2)}
    means = weighted_group_means(
        results, {"REPLACE": ("replace_obj", "replace_att"), "SWAP": ("swap_obj", "swap_att"), "ADD": ("add_obj",)}
    )
    assert means == {"REPLACE": pytest.approx(0.75), "SWAP": pytest.approx(0.5)}


def test_winoground_scores_by_hand():
    # item 0: everything right; item 1: text right, image wrong (c0 prefers i1); item 2: ties in both directions -> all wrong
    s_c0_i0 = [0.9, 0.6, 0.5]
    s_c0_i1 = [0.1, 0.7, 0.5]
    s_c1_i0 = [0.2, 0.5, 0.5]
    s_c1_i1 = [0.8, 0.8, 0.9]
    scores = winoground_scores(s_c0_i0, s_c0_i1, s_c1_i0, s_c1_i1)
    assert scores == {"text": pytest.approx(2 / 3), "image": pytest.approx(1 / 3), "group": pytest.approx(1 / 3)}


def test_retrieval_recall_by_hand_with_ties_and_multiple_captions():
    images = torch.eye(3)  # image i is the unit vector e_i
    texts = torch.tensor(
        [
            [1.0, 0.0, 0.0],  # caption of image 0, rank 1
            [0.0, 0.5, 0.5],  # caption of image 0: ties between images 1 and 2, image 0 scores 0 -> rank 3
            [0.5, 0.5, 0.0],  # caption of image 1: tie with image 0 -> counts as rank 2
            [0.0, 0.0, 1.0],  # caption of image 2, rank 1
        ]
    )
    text_to_image = torch.tensor([0, 0, 1, 2])
    metrics = retrieval_recall_at_k(images, texts, text_to_image, ks=(1, 2))
    assert metrics["text_to_image_R@1"] == pytest.approx(2 / 4)
    assert metrics["text_to_image_R@2"] == pytest.approx(3 / 4)
    # image 0: best own caption scores 1.0, top -> hit; image 1: own caption 0.5 ties caption 1 (0.5) -> rank 2;
    # image 2: own caption 1.0 -> hit
    assert metrics["image_to_text_R@1"] == pytest.approx(2 / 3)
    assert metrics["image_to_text_R@2"] == pytest.approx(1.0)
    assert metrics == retrieval_recall_at_k_reference(images, texts, text_to_image, ks=(1, 2))


@pytest.mark.parametrize("chunk_size", [1, 7, 1024])
def test_retrieval_matches_brute_force_reference(chunk_size):
    generator = torch.Generator().manual_seed(0)
    images = torch.nn.functional.normalize(torch.randn(30, 8, generator=generator), dim=-1)
    text_to_image = torch.randint(0, 30, (120,), generator=generator)
    text_to_image[:30] = torch.arange(30)  # every image has a caption
    texts = images[text_to_image] + 0.8 * torch.randn(120, 8, generator=generator)
    fast = retrieval_recall_at_k(images, texts, text_to_image, chunk_size=chunk_size)
    reference = retrieval_recall_at_k_reference(images, texts, text_to_image)
    assert fast.keys() == reference.keys()
    for key in fast:
        assert fast[key] == pytest.approx(reference[key]), key
    assert 0.0 < fast["text_to_image_R@1"] < fast["text_to_image_R@10"]  # not a degenerate case


def test_retrieval_rejects_images_without_captions():
    with pytest.raises(ValueError, match="no caption"):
        retrieval_recall_at_k(torch.eye(3), torch.eye(3)[:2], torch.tensor([0, 1]))
