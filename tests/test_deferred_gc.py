"""deferred_gc: no full collection inside the context, the caller's thresholds back afterwards."""

import gc

import pytest

from processing.deferred_gc import DEFERRED_FULL_COLLECTION_THRESHOLD, deferred_full_collections


@pytest.fixture
def small_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_only_the_full_collection_threshold_is_raised_and_then_restored(small_thresholds):
    with deferred_full_collections():
        assert gc.get_threshold() == (700, 10, DEFERRED_FULL_COLLECTION_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)


def test_thresholds_are_restored_after_an_error(small_thresholds):
    with pytest.raises(RuntimeError), deferred_full_collections():
        raise RuntimeError("parse failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_no_full_collection_runs_inside(small_thresholds):
    generations = []

    def record(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    try:
        with deferred_full_collections():
            kept = [[] for _ in range(1_000_000)]  # many surviving containers: without the deferral, full collections
    finally:
        gc.callbacks.remove(record)
    assert len(kept) == 1_000_000 and generations and 2 not in generations


def test_parse_batch_leaves_the_thresholds_as_it_found_them(parser, small_thresholds):
    parser.parse_batch(["a dog on a couch"])
    assert gc.get_threshold() == (700, 10, 10)
