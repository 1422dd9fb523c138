"""The train counts behind the named colours in COLOUR_WORDS (benchmarks/count_colour_words.py)."""

import importlib.util
import sys
from pathlib import Path

import pytest


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def count_colour_words():
    # The script imports the quality benchmark's data folder as a sibling module (both run as scripts); it finds
    # it registered in sys.modules, without the import path being touched.
    names = ("parser_quality", "count_colour_words")
    saved = {name: sys.modules.get(name) for name in names}
    try:
        for name in names:
            spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        yield sys.modules["count_colour_words"]
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def test_colour_uses_split_attribute_values_from_node_names(count_colour_words):
    graphs = ["( pants , is , khaki ) , ( ice cream , on , cake )", "( wall , is , cream colored )"]
    in_value, in_name = count_colour_words.count_uses(graphs, ["khaki", "cream"])
    assert (in_value["khaki"], in_name["khaki"]) == (1, 0)
    assert (in_value["cream"], in_name["cream"]) == (1, 1)
