"""Captions whose graphs missed several items through one parse slip."""

from processing.scene_graph_backends import cached_parser


def _graph(caption):
    return cached_parser(None, "rules").parse_batch([caption])[0]


def test_every_colour_listed_before_coloured_after_a_copula():
    graph = _graph("the shirt is red and white colored .")
    assert sorted(graph.attributes) == [("shirt", "red"), ("shirt", "white")]
