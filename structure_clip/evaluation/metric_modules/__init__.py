"""The project's structured metrics as `evaluate` metric modules, one folder each, loadable offline.

    import evaluate
    from structure_clip.evaluation.metric_modules import metric_path
    accuracy = evaluate.load(metric_path("pairwise_accuracy"))

Each folder is a self-contained Hub metric Space (the module, README.md with the Space's YAML, app.py), so
the same file can be published unchanged; `structure_clip/evaluation/metrics.py` keeps the plain-function
versions and a test checks that both give the same numbers.
"""

from __future__ import annotations

import functools
from pathlib import Path


METRIC_NAMES = ("pairwise_accuracy", "macro_accuracy", "winoground", "retrieval_recall")
METRIC_MODULES_DIR = Path(__file__).resolve().parent


def metric_path(name: str) -> str:
    """The folder of one metric module, for `evaluate.load(...)`."""
    if name not in METRIC_NAMES:
        raise ValueError(f"unknown metric module {name!r}; choose from {METRIC_NAMES}")
    return str(METRIC_MODULES_DIR / name)


@functools.cache
def load_metric(name: str):
    """`evaluate.load` of a packaged module: no network, results kept in memory (no cache files per call)."""
    import evaluate

    return evaluate.load(metric_path(name), keep_in_memory=True)
