"""The train counts behind the named colours in COLOUR_WORDS (benchmarks/count_colour_words.py)."""

import pytest

from tests.benchmark_modules import benchmark_modules


@pytest.fixture(scope="module")
def count_colour_words():
    with benchmark_modules("parser_quality", "count_colour_words") as module:
        yield module


def test_colour_uses_split_attribute_values_from_node_names(count_colour_words):
    graphs = ["( pants , is , khaki ) , ( ice cream , on , cake )", "( wall , is , cream colored )"]
    in_value, in_name = count_colour_words.count_uses(graphs, ["khaki", "cream"])
    assert (in_value["khaki"], in_name["khaki"]) == (1, 0)
    assert (in_value["cream"], in_name["cream"]) == (1, 1)
