"""Reference rules: an object pronoun stands for a noun named earlier in the same sentence.

FACTUAL writes the noun, not the pronoun: "a couch with a man sitting on it" -> (man, sit on, couch),
"a dress with tooth brushes attached to it" -> (tooth brush, attach to, dress).
"""

from __future__ import annotations

from .scene_graph_conventions import WEARERS
from .scene_graph_lexicon import BODY_PARTS, FEMALE_PERSON_NOUNS, MALE_PERSON_NOUNS, THING_NAMES_WITH_WEARER_HEADS
from .scene_graph_nodes import can_wear, is_garment, is_line_particle, is_node, kept_name
from .scene_graph_state import ParseState


OBJECT_PRONOUNS = {"it", "them", "him", "her"}
# "a woman on a bench with a dog beside her": "him"/"her" stand for the nearest person or animal before them, not
# the nearest thing (the bench); with none, the nearest node.
PERSONAL_OBJECT_PRONOUNS = {"him", "her"}


def is_object_pronoun(token) -> bool:
    return token.tag_ == "PRP" and token.lower_ in OBJECT_PRONOUNS


def is_reciprocal(state: ParseState, token) -> bool:
    """ "each other", or "one another" (the parser makes "another" the determiner of "one"): FACTUAL relates
    the things to themselves (train: "two men are standing next to one another" -> (man, next to, man))."""
    if token.lower_ == "one":
        return any(child.lower_ == "another" for child in state.kids(token))
    return token.lower_ == "other" and any(child.lower_ == "each" for child in state.kids(token))


def antecedent(state: ParseState, pronoun, subjects):
    """The nearest node before the pronoun in its sentence that is not one of the relation's subjects
    (a relation never relates a node to itself), or None. The "up" of "lined up" is a node no word names
    ("toiletries lined up on it"), so no pronoun points back to it."""
    if pronoun.lower_ not in PERSONAL_OBJECT_PRONOUNS:
        lists = {_list_head(subject).i for subject in subjects}
        for token in _nodes_before(state, pronoun):
            if _list_head(token).i not in lists and not is_line_particle(state, token):
                return token  # "a desk that has a keyboard and a cup on it": "it" is the desk, not the keyboard
    excluded = {subject.i for subject in subjects}
    nearest = None
    for token in _nodes_before(state, pronoun):
        if token.i not in excluded and not is_line_particle(state, token):
            if pronoun.lower_ not in PERSONAL_OBJECT_PRONOUNS or can_wear(state, token):
                return token
            nearest = nearest or token
    return nearest


def _list_head(token):
    """The first noun of the coordination the token is listed in ("a keyboard and a cup": the keyboard); itself if
    none. A pronoun after a list refers to no noun of the list its relation's subjects are in: "a bowl that has soup
    and a spoon in it", "a bathroom that has a toilet and a trash can in it" ((spoon, in, bowl), never (spoon, in,
    soup)). Not for him/her, whose list may join two clauses ("a girl holding a racket and a boy behind her"); with
    no node outside the list ("two buildings and a plane in between them") the nearest other node is kept. FACTUAL
    train: no graph changes (its captions have no such list); dump_parser_graphs --compare: 27 COCO graphs change,
    22 of them from (spoon, in, soup) and the like to the container."""
    while token.dep_ in ("conj", "appos") and token.head.i < token.i:
        token = token.head
    return token


def _nodes_before(state: ParseState, pronoun):
    """The nodes before the pronoun in its sentence, nearest first: where a pronoun's referent is looked for."""
    for token in reversed(state.tokens[: pronoun.i]):
        if token.tag_ == ".":
            return
        if is_node(state, token):
            yield token


# Nouns a gendered subject pronoun cannot refer to.
_OTHER_GENDER = {"he": FEMALE_PERSON_NOUNS, "she": MALE_PERSON_NOUNS, "they": frozenset()}


def subject_antecedent(state: ParseState, pronoun):
    """ "hay hanging out of zebra 's mouth as he eats it" -> (zebra, eat, hay), "teammates hang their arms over
    the railing as they watch the action" -> (teammate, watch, action): a he, she or they that refers back (no
    node of its own) stands for the nearest person or animal before it in its sentence (a WEARERS noun, or an
    owner: "zebra 's"); "they" also for the nearest clause subject ("these rings are calamari; why they are on a
    pizza"). None if there is none, or for any other pronoun."""
    if pronoun.lower_ not in _OTHER_GENDER or pronoun.i in state.nominal_overrides:
        return None
    excluded = _OTHER_GENDER[pronoun.lower_]
    for token in _nodes_before(state, pronoun):
        if is_garment(state, token):
            continue
        full_name = kept_name(state, token)
        head = full_name.split(" ")[-1]
        if head in BODY_PARTS or head in excluded:
            continue
        if pronoun.lower_ != "they" and full_name in THING_NAMES_WITH_WEARER_HEADS:  # toys may be "they"
            continue
        if (
            head in WEARERS
            or token.dep_ == "poss"
            or (pronoun.lower_ == "they" and token.dep_ in ("nsubj", "nsubjpass"))
        ):
            return token
    return None


def object_antecedent(state: ParseState, pronoun, subjects):
    """ "picking up a frisbee and throwing it", "hay hanging out of zebra 's mouth as he eats it" -> (zebra, eat,
    hay): a verb's "it" or "them" stands for the nearest thing before it in its sentence that is not the verb's
    subject, a body part or a person or animal (WEARERS). None if there is none."""
    if pronoun.tag_ != "PRP" or pronoun.lower_ not in ("it", "them"):
        return None
    excluded = {subject.i for subject in subjects}
    for token in _nodes_before(state, pronoun):
        if token.i in excluded or is_line_particle(state, token):
            continue
        head = kept_name(state, token).split(" ")[-1]
        if head not in BODY_PARTS and head not in WEARERS:
            return token
    return None
