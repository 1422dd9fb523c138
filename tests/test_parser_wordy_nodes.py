"""Object and attribute conventions for wordy captions (FACTUAL train counts in the rules' docstrings)."""

import pytest

from processing.scene_graph_backends import cached_parser


@pytest.fixture(scope="module")
def parser():
    return cached_parser(None, "rules")


def _graph(parser, caption):
    return parser.parse_batch([caption])[0]


def test_pair_kept_whole_wins_over_its_name_modifier(parser):
    graph = _graph(parser, "four wine bottles on shelves")
    assert "wine bottles" in graph.objects
    assert ("wine bottles", "4") in graph.attributes
    assert not any(value == "wine" for _, value in graph.attributes)


def test_adjective_tagged_first_noun_is_the_participles_doer(parser):
    graph = _graph(parser, "balcony overlooking beach")
    assert ("balcony", "overlook", "beach") in graph.relations
    assert graph.attributes == []
