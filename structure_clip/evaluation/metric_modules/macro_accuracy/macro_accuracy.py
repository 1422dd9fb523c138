"""Macro accuracy over groups with a minimum group size: ARO's VG-Relation / VG-Attribution protocol."""

import math
from collections import Counter

import datasets
import evaluate
import numpy as np


_DESCRIPTION = """
Mean of per-group accuracies over the groups that have at least `min_count` items. ARO reports
VG-Relation (groups = relations) and VG-Attribution (groups = attribute pairs) this way with
`min_count=25` (Yuksekgonul et al., 2023); `min_count=0` keeps every group.
"""

_KWARGS_DESCRIPTION = """
Args:
    correct (`list` of `bool`): whether each item was answered correctly (ties already counted wrong).
    groups (`list` of `str`): the group of each item, same order.
    min_count (`int`, defaults to 0): groups with fewer items are left out of the mean.
Returns:
    macro_accuracy (`float`): mean of the kept groups' accuracies; NaN when no group is large enough.
    num_groups (`int`): how many groups entered the mean.
    per_group (`dict`): group -> {"accuracy", "count"} for every kept group.
Examples:
    >>> metric = evaluate.load("macro_accuracy")
    >>> metric.compute(correct=[True, False, True], groups=["on", "on", "under"], min_count=0)["macro_accuracy"]
    0.75
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
class MacroAccuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"correct": datasets.Value("bool"), "groups": datasets.Value("string")}),
        )

    def _compute(self, correct, groups, min_count=0):
        counts, hits = Counter(groups), Counter(group for group, ok in zip(groups, correct, strict=True) if ok)
        per_group = {
            group: {"accuracy": hits[group] / counts[group], "count": counts[group]}
            for group in sorted(counts)
            if counts[group] >= min_count
        }
        macro = float(np.mean([entry["accuracy"] for entry in per_group.values()])) if per_group else math.nan
        return {"macro_accuracy": macro, "num_groups": len(per_group), "per_group": per_group}
