"""The train counts behind the named colours in COLOUR_WORDS (benchmarks/count_colour_words.py)."""

import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from count_colour_words import count_uses  # noqa: E402


def test_colour_uses_split_attribute_values_from_node_names():
    graphs = ["( pants , is , khaki ) , ( ice cream , on , cake )", "( wall , is , cream colored )"]
    in_value, in_name = count_uses(graphs, ["khaki", "cream"])
    assert (in_value["khaki"], in_name["khaki"]) == (1, 0)
    assert (in_value["cream"], in_name["cream"]) == (1, 1)
