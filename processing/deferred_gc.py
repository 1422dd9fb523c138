"""Defer Python's full garbage collections while a batch of captions is parsed.

Why: a full (generation-2) collection scans every tracked object in the process, about 450,000 once torch and
transformers are imported. Parsing the 25,010 COCO captions of `benchmarks/parser_quality.py --splits
--skip_baseline --skip_aro` ran two of them, 0.68 of 21.9 CPU seconds (timed with a `gc.callbacks` hook), and
none with this deferral. Generations 0 and 1 still run, so short-lived reference cycles are freed as before;
garbage that reaches the oldest generation waits for the first full collection after the batch.
"""

from __future__ import annotations

import contextlib
import gc


# Generation-2 threshold while parsing: high enough that no full collection starts during a batch.
DEFERRED_FULL_COLLECTION_THRESHOLD = 1_000_000


@contextlib.contextmanager
def deferred_full_collections():
    """Context manager: no full collection inside it (generations 0 and 1 run as usual); the caller's
    thresholds are restored afterwards, even on error."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], DEFERRED_FULL_COLLECTION_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
