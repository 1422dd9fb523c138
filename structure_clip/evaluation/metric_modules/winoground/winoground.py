"""Winoground text, image and group scores (Thrush et al., CVPR 2022), ties counted wrong."""

import datasets
import evaluate
import numpy as np


_DESCRIPTION = """
Each Winoground item has two images and two captions that use the same words in a different order.
`s_cX_iY` is the model's score of caption X with image Y. Text score: each image prefers its own caption;
image score: each caption prefers its own image; group score: both at once. All inequalities are strict,
so ties count as wrong.
"""

_KWARGS_DESCRIPTION = """
Args:
    s_c0_i0, s_c0_i1, s_c1_i0, s_c1_i1 (`list` of `float`): the four scores of every item.
Returns:
    text_score, image_score, group_score (`float`): fractions in [0, 1].
Examples:
    >>> metric = evaluate.load("winoground")
    >>> metric.compute(s_c0_i0=[0.9], s_c0_i1=[0.1], s_c1_i0=[0.2], s_c1_i1=[0.8])
    {'text_score': 1.0, 'image_score': 1.0, 'group_score': 1.0}
"""

_CITATION = """
@inproceedings{thrush2022winoground,
  title={Winoground: Probing vision and language models for visio-linguistic compositionality},
  author={Thrush, Tristan and Jiang, Ryan and Bartolo, Max and Singh, Amanpreet and Williams, Adina and Kiela, Douwe and Ross, Candace},
  booktitle={CVPR},
  year={2022}
}
"""

SCORE_NAMES = ("s_c0_i0", "s_c0_i1", "s_c1_i0", "s_c1_i1")


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Winoground(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({name: datasets.Value("float64") for name in SCORE_NAMES}),
        )

    def _compute(self, s_c0_i0, s_c0_i1, s_c1_i0, s_c1_i1):
        c0_i0, c0_i1, c1_i0, c1_i1 = (np.asarray(s, dtype=np.float64) for s in (s_c0_i0, s_c0_i1, s_c1_i0, s_c1_i1))
        text_correct = (c0_i0 > c1_i0) & (c1_i1 > c0_i1)
        image_correct = (c0_i0 > c0_i1) & (c1_i1 > c1_i0)
        return {
            "text_score": float(text_correct.mean()),
            "image_score": float(image_correct.mean()),
            "group_score": float((text_correct & image_correct).mean()),
        }
