"""The `evaluate` metric modules load offline from their folders and equal metrics.py's functions."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from structure_clip.evaluation import hub_metrics, metrics
from structure_clip.evaluation.metric_modules import METRIC_NAMES, metric_path


OFFLINE_LOAD_SCRIPT = """
import json, sys
import evaluate
paths = json.loads(sys.argv[1])
results = {
    "pairwise_accuracy": evaluate.load(paths["pairwise_accuracy"]).compute(
        positive_scores=[0.9, 0.2, 0.5], negative_scores=[0.1, 0.3, 0.5]),
    "macro_accuracy": evaluate.load(paths["macro_accuracy"]).compute(
        correct=[True, False, True], groups=["on", "on", "under"], min_count=2),
    "winoground": evaluate.load(paths["winoground"]).compute(
        s_c0_i0=[0.9, 0.5], s_c0_i1=[0.1, 0.5], s_c1_i0=[0.2, 0.1], s_c1_i1=[0.8, 0.9]),
    "retrieval_recall": evaluate.load(paths["retrieval_recall"]).compute(
        text_embeds=[[1, 0], [0, 1], [1, 0]], text_to_image=[0, 1, 1], image_embeds=[[1, 0], [0, 1]], ks=[1]),
}
print(json.dumps(results))
"""


def test_every_module_loads_offline_in_a_fresh_process(tmp_path):
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_EVALUATE_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf_home"),
    }
    paths = json.dumps({name: metric_path(name) for name in METRIC_NAMES})
    completed = subprocess.run(
        [sys.executable, "-c", OFFLINE_LOAD_SCRIPT, paths], env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    assert results["pairwise_accuracy"] == {"accuracy": pytest.approx(1 / 3)}  # the tie (0.5, 0.5) is wrong
    assert results["macro_accuracy"]["macro_accuracy"] == 0.5  # "under" has 1 item < min_count 2
    assert results["macro_accuracy"]["num_groups"] == 1
    # item 2: image 0 scores both captions 0.5 (tie) -> image score wrong, text score right
    assert results["winoground"] == {"text_score": 1.0, "image_score": 0.5, "group_score": 0.5}
    # caption 2 ([1, 0]) belongs to image 1 but image 0 scores it higher (text -> image miss), and it ties with
    # image 0's own caption (image -> text miss, ties are wrong); image 1 still finds caption 1
    assert results["retrieval_recall"] == {"image_to_text_R@1": 0.5, "text_to_image_R@1": pytest.approx(2 / 3)}


def random_scores(seed, size=200):
    rng = np.random.default_rng(seed)
    # Rounded to one decimal, so that ties happen often and the tie rule is exercised.
    return np.round(rng.normal(size=size), 1), np.round(rng.normal(size=size), 1)


@pytest.mark.parametrize("seed", [0, 1])
def test_pairwise_and_winoground_equal_metrics_py(seed):
    positive, negative = random_scores(seed)
    assert (positive == negative).any()
    assert hub_metrics.pairwise_accuracy(positive, negative) == metrics.pairwise_accuracy(positive, negative)
    quarters = np.split(np.concatenate(random_scores(seed + 10)), 4)
    assert hub_metrics.winoground_scores(*quarters) == metrics.winoground_scores(*quarters)


@pytest.mark.parametrize("min_count", [0, 25, 1000])
def test_macro_accuracy_equals_metrics_py(min_count):
    rng = np.random.default_rng(3)
    correct = rng.random(300) < 0.6
    groups = [f"relation_{index}" for index in rng.integers(0, 12, size=300)]
    macro, per_group = hub_metrics.macro_accuracy(correct, groups, min_count=min_count)
    expected_macro, expected_per_group = metrics.macro_accuracy(correct, groups, min_count=min_count)
    assert per_group == expected_per_group
    assert macro == expected_macro or (np.isnan(macro) and np.isnan(expected_macro))


def test_retrieval_recall_equals_metrics_py():
    rng = np.random.default_rng(4)
    images = rng.normal(size=(30, 8)).astype(np.float32)
    text_to_image = np.concatenate([np.arange(30), rng.integers(0, 30, size=45)])
    texts = (images[text_to_image] + rng.normal(scale=1.5, size=(75, 8))).astype(np.float32)
    texts[5] = texts[4]  # duplicate captions: exact ties between wrong and right items
    expected = metrics.retrieval_recall_at_k(images, texts, text_to_image, ks=(1, 5, 10))
    assert 0 < expected["text_to_image_R@1"] < 1
    assert hub_metrics.retrieval_recall_at_k(images, texts, text_to_image, ks=(1, 5, 10), chunk_size=16) == expected
