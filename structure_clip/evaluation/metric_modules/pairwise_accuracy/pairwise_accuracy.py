"""Pairwise accuracy with ties counted wrong: ARO, SugarCrepe and other true-vs-false caption benchmarks."""

import datasets
import evaluate
import numpy as np


_DESCRIPTION = """
Fraction of items whose true caption scores strictly higher than its false caption. A tie counts as wrong,
as in ARO's argmax over [false, true] scores (Yuksekgonul et al., 2023), so a model that gives every
caption the same score gets 0, not 0.5.
"""

_KWARGS_DESCRIPTION = """
Args:
    positive_scores (`list` of `float`): score of the true caption (or image-caption pair), one per item.
    negative_scores (`list` of `float`): score of the false one, same order.
Returns:
    accuracy (`float`): fraction in [0, 1] of items with positive > negative.
Examples:
    >>> metric = evaluate.load("pairwise_accuracy")
    >>> metric.compute(positive_scores=[0.9, 0.2, 0.5], negative_scores=[0.1, 0.3, 0.5])
    {'accuracy': 0.3333333333333333}
"""

_CITATION = """
@inproceedings{yuksekgonul2023when,
  title={When and why vision-language models behave like bags-of-words, and what to do about it?},
  author={Yuksekgonul, Mert and Bianchi, Federico and Kalluri, Pratyusha and Jurafsky, Dan and Zou, James},
  booktitle={ICLR},
  year={2023}
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class PairwiseAccuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"positive_scores": datasets.Value("float64"), "negative_scores": datasets.Value("float64")}
            ),
        )

    def _compute(self, positive_scores, negative_scores):
        positive = np.asarray(positive_scores, dtype=np.float64)
        negative = np.asarray(negative_scores, dtype=np.float64)
        if positive.size == 0:
            raise ValueError("pairwise_accuracy: no items to score.")
        return {"accuracy": float((positive > negative).mean())}
