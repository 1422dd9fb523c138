"""Relation rules: prepositions, direct objects, passive agents and possession.

FACTUAL conventions (Li et al., Findings of ACL 2023): the passive is inverted ("thrown by the man"
-> (man, throw, ball)); possession is `have` ("the tail of the horse" -> (horse, have, tail));
"a plate of food" is (food, on, plate); "with" stays `with` unless a pronoun names the container.
"""

from __future__ import annotations

from .scene_graph_attributes import add_attribute
from .scene_graph_clauses import subjects_of
from .scene_graph_conventions import (
    AFTER_PLACE_NOUNS,
    BARE_SECOND_PLACES,
    COMPOUND_PAIR_PREDICATES,
    OWNED_PART_HEADS,
    OWNED_PART_PAIRS,
    PLACE_PHRASES,
    SECOND_PLACES,
    SUBJECT_PLACE_PREPOSITIONS,
    SUBJECT_PLACES,
    UNOWNED_OF_HEADS,
    WEARERS,
    WITH_PREDICATES,
)
from .scene_graph_coordination import distributed_conjuncts, first_nominal_conjunct, nominal_conjuncts
from .scene_graph_edges import add_relation
from .scene_graph_lemmas import ADJECTIVE_TAGS, ADVERB_TAGS, FINITE_VERB_TAGS, VERB_TAGS
from .scene_graph_lexicon import (
    ADVERBIAL_PREPOSITION_HEADS,
    BEINGS_OUTSIDE_WEARERS,
    BODY_PARTS,
    CANONICALISED_PREPOSITIONS,
    COLOUR_WORDS,
    CONTAINER_PREPOSITION,
    DEPICTION_NOUNS,
    DISPLAY_SURFACES,
    FASTENING_VERBS,
    FEMALE_PERSON_NOUNS,
    GAP_OBJECT_VERBS,
    GARMENTS,
    LOCATIVE_PASSIVE_VERBS,
    LOCATIVE_PREPOSITIONS,
    MALE_PERSON_NOUNS,
    MARKING_NOUNS,
    MATERIAL_AND_COLOUR_NOUNS,
    MOVED_OBJECT_PREPOSITIONS,
    MOVED_OBJECT_VERBS,
    MULTIWORD_LOCATIVE_PHRASES,
    PART_NOUN_PREPOSITION,
    PLACE_STATE_NOUNS,
    PLACING_VERBS,
    POSITIONAL_MODIFIERS,
    POSSESSED_BODY_PARTS,
    POSSESSION_VERBS,
    POSTURE_VERBS,
    REFLECTION_NOUNS,
    RELATIVE_PRONOUNS,
    RESTING_BODY_PARTS,
    RIDDEN_THINGS,
    RIDING_BOARDS,
    SCENE_HEADS,
    SHADE_WORDS,
    SUBJECT_PLACES_KEPT,
    TIME_OF_DAY_NOUNS,
    UTENSILS,
    VENUE_NOUNS,
    WEATHER_NOUNS,
    WITH_HEAD_FURNITURE,
    WITH_HEAD_GROUNDS,
    WITH_HEAD_SERVING_SURFACES,
)
from .scene_graph_nodes import (
    COVERING_ADJECTIVES,
    COVERING_PREDICATES,
    LINE_PARTICLE_NAME,
    can_wear,
    factual_name,
    is_attribute_in_name,
    is_compound_named_head,
    is_dressing_verb,
    is_garment,
    is_lone_part_frame,
    is_node,
    node_name,
    resolve,
)
from .scene_graph_predicates import (
    is_photo_taken,
    join_predicate,
    preposition_phrase,
    trick_object,
    verb_place_predicate,
    verb_predicate,
)
from .scene_graph_references import (
    PERSONAL_OBJECT_PRONOUNS,
    antecedent,
    is_object_pronoun,
    is_reciprocal,
    object_antecedent,
)
from .scene_graph_state import ParseState


# Where FACTUAL's long-caption conventions start: its long captions run from 10 words. (Train agrees from
# 8 words on, see _owns_body_part, but holds almost no captions of 10+; 8 costs length_dev 0.1 F1.)
LONG_CAPTION_WORDS = 10
# From here on FACTUAL train writes a hand after "with" as owned (see _holders_hand).
HAND_OWNER_WORDS = 7

_BARE_PART_NOUNS = {"top", "inside", "front", "bottom", "side", "back"}


# ---------------------------------------------------------------------- prepositions
def relate_preposition(state: ParseState, prep) -> None:
    if prep.i in state.graph.consumed_preps or _is_as_clause(state, prep):
        return
    words, obj = preposition_phrase(state, prep)
    if obj is not None and words == [prep.lower_] and _relate_participle_on_holders_part(state, prep, obj):
        return
    if obj is not None and words == [prep.lower_] and _is_place_phrase(state, prep, obj):
        return
    if obj is not None and is_reciprocal(state, obj):
        _relate_reciprocal(state, prep, " ".join(words))
        return
    if obj is None:
        return
    head = _nearest_noun_attachment(state, prep)
    if (carrier := _marked_carrier(state, prep, head, obj)) is not None:
        head = carrier
    elif words == [prep.lower_] and (holder := _with_head_placed(state, prep, head, obj)) is not None:
        head = holder
    elif words == ["with"] and (contents := _contents_before(state, prep, head, obj)) is not None:
        head = contents
    elif (depiction := _depiction_on_display(state, prep, head, obj)) is not None:
        head = depiction
    if obj.lower_ in RELATIVE_PRONOUNS and head.dep_ == "relcl" and state.nominal(head.head):
        obj = head.head  # "sand on which a girl is walking" -> (girl, walk on, sand)
    pronoun = is_object_pronoun(obj)
    if pronoun and _relate_object_near_the_subject(state, prep, head, obj, " ".join(words)):
        return
    if pronoun:
        subjects = nominal_conjuncts(state, head) if state.nominal(head) else subjects_of(state, head)
        if head.tag_ in VERB_TAGS and _placed_object(state, prep, head) is not None:
            subjects = nominal_conjuncts(state, _placed_object(state, prep, head))  # "has a blanket on it"
        elif (carrier := _participle_before_pronoun_carrier(state, head, subjects)) is not None:
            target = antecedent(state, obj, [carrier])
            state.graph.verbs_with_relation.add(head.i)
            predicate = join_predicate(verb_predicate(state, head), " ".join(words))
            add_relation(state, nominal_conjuncts(state, carrier), predicate, [target] if target is not None else [])
            return
        obj = _owner_of_possessed(state, head) or antecedent(state, obj, subjects)
        if obj is None:
            return
    objects = nominal_conjuncts(state, obj)
    noun_head, verb_head = state.nominal(head), head.tag_ in VERB_TAGS  # (no rule below relabels the head)
    if words == ["with"] and _has_it_on(state, prep) and not _is_switched_on(state, head, obj):
        # "two men on the back of a bicycle with black helmets on": the wearer, not the bicycle (long_dev
        # relation F1 53.08 -> 53.16)
        wearers = _garment_wearers(state, prep, head) if is_garment(state, obj) else []
        if not wearers:
            wearers = _holders_before(state, prep, head) if noun_head else subjects_of(state, head)
        add_relation(state, wearers, "wear", objects)
        return
    predicate_words = " ".join(words)
    if (
        words[-1:] == ["in"]
        and _only_particles_before(state, prep, words)
        and (is_garment(state, obj) or is_dressing_verb(state, head))
        and not _holds_a_thing(state, prep, head, obj)
    ):
        predicate_words = "wear"  # "a girl in a pink shirt", "men dressed in costumes": (girl, wear, shirt)
    if predicate_words == "wear" and (wearers := _garment_wearers(state, prep, head)):
        add_relation(state, wearers, "wear", objects)
    elif noun_head and (wearers := _dressed_wearers(state, prep, head)):
        add_relation(state, wearers, predicate_words, objects)
    elif words == ["on"] and (riders := _board_riders(state, prep, head, obj)):
        add_relation(state, riders, predicate_words, objects)
    elif noun_head and _is_subject_place_after_object(state, prep, head):
        add_relation(state, subjects_of(state, head.head), predicate_words, objects)
    elif noun_head and (verb := _verb_of_companion_before_place(state, prep, head, obj)) is not None:
        if verb.tag_ == "VBN" or _object_before(state, prep, verb) is not None:
            # "a bottle filled with water on the desk" -> (bottle, on, desk), "girl playing frisbee with dog in a
            # park" -> (girl, in, park): without the verb, as after a verb's object (_is_placed_subject)
            add_relation(state, subjects_of(state, verb), predicate_words, objects)
        else:
            _relate_verb_preposition(state, verb, predicate_words, objects)
    elif noun_head:
        _relate_noun_preposition(state, prep, head, words, predicate_words, objects)
    elif predicate_words == "wear" and verb_head:
        add_relation(state, subjects_of(state, head), "wear", objects)
    elif _is_worn_before(state, prep, head):
        add_relation(state, subjects_of(state, head), predicate_words, objects)  # "a girl wearing pink in the sand"
    elif _describes_the_object(state, prep, head):
        _relate_object_description(state, prep, head, objects)
    elif verb_head and (
        _is_bare_second_place(state, prep)
        or _is_bare_place_after_path(state, prep, words)
        or _is_place_after_hanging_or_lying_place(state, prep, head, words)
    ):
        add_relation(state, subjects_of(state, head), predicate_words, objects)
    elif verb_head and (placed := _placed_object(state, prep, head)) is not None:
        add_relation(state, nominal_conjuncts(state, placed), predicate_words, objects)
    elif verb_head and (moved := _moved_object(state, prep, head)) is not None:
        add_relation(state, nominal_conjuncts(state, moved), _moved_predicate(state, head, predicate_words), objects)
        if any(child.dep_ == "poss" for obj in objects for child in state.kids(obj)):
            _relate_verb_preposition(state, head, predicate_words, objects)  # "to his ear": also (man, have, ear)
    elif _is_placed_subject(state, prep, head):
        add_relation(state, subjects_of(state, head), predicate_words, objects)
    elif verb_head and _is_with_after_place(state, prep, head):
        add_relation(state, subjects_of(state, head), predicate_words, objects)
    elif verb_head:
        _relate_verb_preposition(state, head, predicate_words, objects)
    elif (described := _described_by_root_adjective(state, head)) is not None:
        add_relation(state, nominal_conjuncts(state, described), predicate_words, objects)
    elif _is_copula_adjective_with(head, predicate_words) or _is_copula_adjective_place(
        state, head, predicate_words, obj
    ):
        add_relation(state, subjects_of(state, _copula_of(head)), predicate_words, objects)
    elif head.tag_ in ADJECTIVE_TAGS or head.tag_ in ADVERB_TAGS or _is_preposition_tagged_head(head):
        _relate_modifier_preposition(state, head, predicate_words, objects)


_PLACING_OR_POSSESSION_VERBS = PLACING_VERBS | POSSESSION_VERBS


def _board_riders(state: ParseState, prep, head, board) -> list:
    """ "a surfer riding a wave on a surfboard", "a surfer holding the ropes to a kite on a surfboard": an "on" phrase
    naming a board (RIDING_BOARDS) that the parser hangs on a verb with an object, or on a thing in that object's
    phrase, locates the person or animal doing the verb, (surfer, on, surfboard), not the wave or the kite. FACTUAL
    train: 290 of the 325 gold triples that put something on such a board put a person or animal on it and none a
    thing held or ridden over; the captions with a thing before the phrase ("man jumping over stairs on skateboard",
    "someone hiking up a mountain on skis") all place the subject. Not when the object is a person, an animal or a
    body part ("father pushing his child on a skateboard"), nor after a verb that puts its object somewhere
    (PLACING_VERBS). Re-parsing all of train changes 6 graphs: 4 gain a gold triple, none loses one. The riders, or an
    empty list."""
    if not _names_one_of(state, board, RIDING_BOARDS):
        return []
    node = head
    if head.tag_ in VERB_TAGS:
        node = _object_before(state, prep, head)
        if node is None:
            return []
    while state.nominal(node):
        if _may_ride_or_rest_on_board(state, node):
            return []
        if node.dep_ == "pobj" and node.head.dep_ == "prep" and node.head.lower_ != "with":
            node = node.head.head
        elif node.dep_ == "dobj":
            node = node.head
        else:
            return []
    if node.tag_ not in VERB_TAGS or _verb_lemma(state, node) in _PLACING_OR_POSSESSION_VERBS:
        return []
    riders = subjects_of(state, node)
    return riders if riders and all(_is_person_or_animal(state, rider) for rider in riders) else []


def _may_ride_or_rest_on_board(state: ParseState, noun) -> bool:
    """A person or animal (also BEINGS_OUTSIDE_WEARERS), a body part, or a word that makes no node."""
    if _names_one_of(state, noun, BEINGS_OUTSIDE_WEARERS) or state.noun_lemma(noun.lower_) in BODY_PARTS:
        return True
    return _is_person_or_animal(state, noun) or node_name(state, noun) in BODY_PARTS or not is_node(state, noun)


def _only_particles_before(state: ParseState, prep, words) -> bool:
    """Whether the words before the preposition's own are the verb's particles ("man turned around in black clothes",
    "man bending over in surf shorts": the clothes are worn, FACTUAL train 1 of 1, long_dev 1 of 1)."""
    if len(words) == 1:
        return True
    if any(kid.dep_ == "dobj" for kid in state.kids(prep.head)):
        return False  # "has dressed her dog up in a hat": the object wears it
    return len(words) == 2 and prep.i > 0 and state.tokens[prep.i - 1].dep_ == "prt"


def _is_copula_adjective_with(head, predicate_words: str) -> bool:
    """ "the sky is blue with white clouds" -> (sky, with, cloud), "the tree is tall with green leaves" ->
    (tree, with, leave): after a copula's adjective, "with" says what the subject has, and FACTUAL leaves
    the adjective to the attributes (train, an adjective complement with a "with" object: `with` in 24 of
    36, `have` in 7, nothing in 5; the rule changes 37 train graphs, 24 for the better, 10 for the worse).
    The last of coordinated adjectives too, "mane of zebra is white and black with brown borders" -> (mane,
    with, border) (long_dev 1 of 1; train has no such caption)."""
    return predicate_words == "with" and _is_copula_adjective(head) and head.tag_ == "JJ"


def _is_copula_adjective(head) -> bool:
    """A copula's adjective complement, or an adjective coordinated with it ("is white and black")."""
    return head.dep_ == "acomp" or (head.dep_ == "conj" and head.head.dep_ == "acomp")


def _copula_of(adjective):
    """The copula of an adjective complement, through a coordination ("is white and black")."""
    return adjective.head.head if adjective.dep_ == "conj" else adjective.head


def _is_copula_adjective_place(state: ParseState, head, predicate_words: str, obj) -> bool:
    """ "the grass is green on the field" -> (grass, on, field), "the sun is bright in the sky" -> (sun, in, sky):
    a place phrase after a copula's adjective locates the subject, and FACTUAL writes the bare preposition,
    the adjective going to the attributes (FACTUAL train, an adjective complement with a locative phrase on
    another node: the bare preposition in 27 of 30; the rules wrote it for 9, nothing after 12 colours and
    "chrome on", "bright in" for 6; re-parsing train: 17 gold triples gained, none lost, 3 wrong added, 8
    removed). "next to", "close to" keep their head word; "solid in color" names no place, nor does a part
    noun, "the zebra 's leg is white on the underside": where the colour is. The place phrases of more than one
    word (MULTIWORD_LOCATIVE_PHRASES) follow the same convention, "a desk chair is empty in front of a work desk" ->
    (chair, in front of, work desk), not "empty in front of" (FACTUAL train: 38 captions "X is ADJ PREP Y" with a
    colour or size adjective, none keeps the adjective in the predicate; the one multi-word case, "the table is
    wooden next to the box", writes (table, next to, box); "cheese is melted on top of the sandwich" -> (cheese, on
    top of, sandwich). long_dev relation F1 60.04 -> 60.15; of the dev and 25,010 COCO graphs 5 change, all for the
    better)."""
    return (
        (predicate_words in LOCATIVE_PREPOSITIONS or predicate_words in MULTIWORD_LOCATIVE_PHRASES)
        and is_node(state, obj)
        and state.noun_lemma(obj.lower_) not in PART_NOUN_PREPOSITION
        and head.dep_ == "acomp"
        and head.tag_ == "JJ"
        and head.lower_ not in ADVERBIAL_PREPOSITION_HEADS
    )


def _relate_participle_on_holders_part(state: ParseState, prep, part) -> bool:
    """ "a toilet with things sitting on top" -> (thing, sit on top of, toilet), "an orange with light reflecting on
    the side" -> (light, reflect on side of, orange): a bare part noun after the participle of a with-object is the
    holder's part, as in "a cake with a candle on top" (FACTUAL train: 3 of the 3 such captions; the rules related
    none, the part noun being no node)."""
    participle = prep.head
    holder_with = participle.head.head
    if (
        participle.dep_ != "acl"  # (the labels before the part noun's children: this runs for every preposition)
        or not _is_holders_part(state, part)
        or participle.tag_ not in ("VBG", "VBN")
        or participle.head.dep_ != "pobj"
        or holder_with.lower_ != "with"
        or not state.nominal(holder_with.head)
        or node_name(state, participle.head) in BODY_PARTS  # "a bird with a yellow beak perched on the side"
    ):
        return False
    state.graph.hidden.add(part.i)
    predicate = join_predicate(verb_predicate(state, participle), f"{prep.lower_} {part.lower_} of")
    add_relation(
        state, nominal_conjuncts(state, participle.head), predicate, nominal_conjuncts(state, holder_with.head)
    )
    state.graph.verbs_with_relation.add(participle.i)
    return True


def _relate_object_near_the_subject(state: ParseState, prep, head, pronoun, predicate_words: str) -> bool:
    """ "a man talking to the woman next to him", "man watching man next to him": "him" after the verb's object is
    the verb's subject, and the place phrase locates the object, (woman, next to, man) (FACTUAL train and long_dev:
    3 of 3 such captions; the parser's reading relates the subject to the object by "talk next to")."""
    if pronoun.lower_ not in PERSONAL_OBJECT_PRONOUNS or prep.lower_ not in LOCATIVE_PREPOSITIONS | {"to"}:
        return False
    verb, predicate = head, predicate_words
    if head.tag_ in ADVERB_TAGS and head.lower_ in ADVERBIAL_PREPOSITION_HEADS and head.i == prep.i - 1:
        verb, predicate = head.head, f"{head.lower_} {predicate_words}"
    if verb.tag_ not in VERB_TAGS or predicate == "to":
        return False
    subjects = [subject for subject in subjects_of(state, verb) if can_wear(state, subject)]
    placed = _verb_object_before(state, verb, prep)
    if not subjects or placed is None or placed.i in {subject.i for subject in subjects}:
        return False
    if head.i != verb.i:
        state.graph.relational_modifiers.add(head.i)
    add_relation(state, nominal_conjuncts(state, placed), predicate, subjects)
    return True


def _verb_object_before(state: ParseState, verb, prep):
    """The nearest object node between the verb and `prep` ("talking to the woman", "a hand on the seat")."""
    for index in range(prep.i - 1, verb.i, -1):
        token = state.tokens[index]
        if token.dep_ in ("dobj", "pobj") and is_node(state, resolve(state, token)):
            return token
    return None


def _dressed_wearers(state: ParseState, prep, garment) -> list:
    """ "a man in a uniform on horse", "a man wearing a shirt in the snow": a place phrase the parser hangs
    on a worn garment locates its wearer, (man, on, horse), unless it says where a garment is put on ("a
    cap on his head", "a shirt under a vest", "with glasses on his head"). FACTUAL train, all 36,137
    captions: 10 graphs change, 8 gaining a gold triple, none losing one; long_dev relation F1 52.01 -> 52.09."""
    if prep.lower_ not in LOCATIVE_PREPOSITIONS:
        return []
    wearers = [
        subject for subject, predicate, obj in state.graph.relations if predicate == "wear" and obj.i == garment.i
    ]
    if not wearers or (prep.lower_ != "in" and _is_put_on(garment)):
        return []
    return wearers


def _is_worn_before(state: ParseState, prep, verb) -> bool:
    """The parser's other attachment of "wearing a shirt in the snow": the in-phrase on the verb itself
    also locates the wearer ("wear in" was a mined SUBJECT_PLACES pair until the worn-garment rule took most of
    its examples; FACTUAL train, all captions: the same graphs as with the mined pair)."""
    if prep.lower_ != "in" or verb.tag_ not in VERB_TAGS or state.lemma(verb.text, verb.tag_) != "wear":
        return False
    return _object_before(state, prep, verb) is not None


def _is_put_on(garment) -> bool:
    """Whether the garment is a verb's object or a with-object ("wearing a cap", "with a hat"). The walk up the
    conjuncts stops at a word that is its own head: a relabelled root must not loop forever."""
    while garment.dep_ == "conj" and garment.head.i != garment.i:
        garment = garment.head
    return garment.dep_ == "dobj" or (garment.dep_ == "pobj" and garment.head.lower_ == "with")


def _owner_of_possessed(state: ParseState, possessed):
    """ "the tray on the table has sandwiches on it": in a main clause with `have`, the pronoun of a place
    phrase on the object points to the subject, (sandwich, on, tray), not to the nearest noun. Only a subject
    with a place phrase of its own tells the two apart: no FACTUAL train caption has one (the rule changes
    none of its graphs); long_dev has one, which gains its gold triple."""
    verb = possessed.head
    if possessed.dep_ != "dobj" or verb.dep_ != "ROOT" or verb.lower_ not in POSSESSION_VERBS:
        return None
    owners = [child for child in state.kids(verb) if child.dep_ == "nsubj" and state.nominal(child)]
    return resolve(state, owners[0]) if owners else None


def _garment_wearers(state: ParseState, prep, head) -> list:
    """ "a horse being ridden by a polo player in a yellow shirt", "you can see a standing woman in a pink
    dress", "a man sitting on green bench in brown hat": the parser hangs "in <garment>" on the verb (or on
    the place before it); the wearer is the noun right before "in" when it can wear clothes, else the
    nearest one above it that can (a noun, or a verb's subject; WEARERS is mined from FACTUAL train). An empty
    list keeps the parser's reading. Relation F1 on the 8+-word train sample 70.11 -> 70.26, long_dev 52.84 ->
    53.16 (benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8; on all of train.csv 80.78 -> 80.79 with the wearer rules together)."""
    if state.nominal(head) and can_wear(state, head):
        return []
    before = state.tokens[prep.i - 1]
    if before.i != head.i and state.nominal(before) and can_wear(state, before):
        return nominal_conjuncts(state, before)
    return _wearer_above(state, prep.head)


def _wearer_above(state: ParseState, token) -> list:
    """The nearest noun that can wear clothes at or above the token: a noun or a verb's subject, or the
    noun after its "of" ("the eyes of man wearing a black tie", "drawing of woman riding a bomb wearing a hat")."""
    steps = 0
    while steps < len(state.tokens):
        nouns = subjects_of(state, token) if token.tag_ in VERB_TAGS else [token] if state.nominal(token) else []
        for noun in nouns:
            owners = [obj for prep in state.kids(noun) if prep.lower_ == "of" for obj in state.kids(prep)]
            wearers = [
                candidate for candidate in [noun, *owners] if state.nominal(candidate) and can_wear(state, candidate)
            ]
            if wearers:
                return [conjunct for conjunct in nominal_conjuncts(state, wearers[0]) if can_wear(state, conjunct)]
        if token.head.i == token.i:
            break
        token, steps = token.head, steps + 1
    return []


def _described_by_root_adjective(state: ParseState, head):
    """ "red , white , and blue flag on the pole .": spaCy makes the first colour the ROOT, the noun a
    conjunct of the colours, and hangs the place phrase on the colour; the phrase places the noun
    the colours describe (the last nominal conjunct). FACTUAL train: 1 caption has this shape ("grey
    and white clouds in the ski") and its gold relates the noun, (cloud, in, ski); the rule changes no
    other train graph. A subject of the adjective is not used: "two bicycles lean on the bench", "the cat
    has white on his face" (train: 4 captions gained, 6 lost)."""
    if head.dep_ != "ROOT" or head.tag_ not in ADJECTIVE_TAGS:
        return None
    nouns = [conjunct for conjunct in state.conjuncts(head) if state.nominal(conjunct)]
    return nouns[-1] if nouns else None


def _is_as_clause(state: ParseState, prep) -> bool:
    """ "skateboarders doing tricks as a crowd watches", "a woman stares as a bird flys through the air": an "as"
    that starts a clause says when, and relates nothing; the parser reads it as a preposition whose object is the
    clause's subject, followed by its verb, or its verb tagged as a plural noun with the subject as a compound
    ("as the sun sets"). FACTUAL train and dev: no graph changes; dump_parser_graphs --compare: 17 COCO graphs each
    lose such a relation, (skateboarders, trick as, watches) or (woman, reach as, people)."""
    if prep.lower_ != "as":
        return False
    objects = [kid for kid in state.kids(prep) if kid.dep_ == "pobj"]
    if not objects:
        return False
    obj = objects[0]
    following = obj.right_edge.i + 1
    if following < len(state.tokens) and state.tokens[following].tag_ in FINITE_VERB_TAGS:
        return True  # "as a bird flys through the air", "as a group of kids watches"
    ends = following >= len(state.tokens) or state.tokens[following].tag_ in (".", ",", "RB")
    kids = state.kids(obj)
    if obj.tag_ == "NNS" and ends and any(kid.dep_ == "compound" for kid in kids) and kids[0].dep_ == "det":
        state.graph.hidden.add(obj.i)  # "as the sun sets": "sets" is the verb
        return True
    return False


def _has_it_on(state: ParseState, prep) -> bool:
    """ "a man with a hat on", "sitting on a bike with his helmet on": a bare `on` right after the
    with-phrase means worn (FACTUAL train, 'with X on' at a phrase end: wear in 8 of 12)."""
    end = prep.right_edge.i  # the parser may hang the `on` inside the phrase ("with a dark hat on.")
    for token in state.tokens[end : end + 2]:
        if token.lower_ == "on" and token.dep_ in ("prt", "prep") and not state.kids(token):
            return True
    return False


def _holders_before(state: ParseState, prep, head) -> list:
    """ "a man with an apron on and a woman standing in a kitchen", "guy with cap on and cup in hand": the parser
    lists what follows "on and" with the holder, yet only the nouns listed before the with-phrase wear its object (the
    rules wrote (woman, wear, apron), (cup, wear, cap); FACTUAL train has no such caption)."""
    return [noun for noun in nominal_conjuncts(state, head) if noun.i < prep.i]


def _is_switched_on(state: ParseState, head, obj) -> bool:
    """ "a firetruck with its lights on", "a living room with the television on": a bare `on` after no garment, held
    by a thing that wears nothing (WEARERS), says the object is switched on or sits on the holder, not that it is
    worn. FACTUAL train: "a very tall building with the clock on" -> (clock, on, building); no train graph has a
    thing outside WEARERS wearing a non-garment."""
    if is_garment(state, obj):
        return False
    holders = nominal_conjuncts(state, head) if state.nominal(head) else subjects_of(state, head)
    return bool(holders) and not any(_is_person_or_animal(state, holder) for holder in holders)


def _holds_a_thing(state: ParseState, prep, head, obj) -> bool:
    """ "all the different colored wines in the glasses": a garment word that also names a container
    (CONTAINER_PREPOSITION: "glasses") holds what "in" follows unless a person or animal is there to wear it.
    FACTUAL train: "the glasses have liquid in them" -> (liquid, in, glass); no train graph has a thing outside
    WEARERS wearing glasses."""
    if not _is_container_word(state, obj) or _garment_wearers(state, prep, head):
        return False
    holders = nominal_conjuncts(state, head) if state.nominal(head) else subjects_of(state, head)
    return _is_container_of_things(state, holders, obj)


def _is_container_of_things(state: ParseState, holders, obj) -> bool:
    """ "a table with glasses", "a sink with wine glasses": glasses held by a thing (no person, animal or garment)
    hold drinks (the mined `wear` of "with glasses" comes from people: "a man with glasses")."""
    return (
        _is_container_word(state, obj)
        and bool(holders)
        and not any(_is_person_or_animal(state, holder) or is_garment(state, holder) for holder in holders)
    )


def _is_container_word(state: ParseState, noun) -> bool:
    return _names_one_of(state, noun, CONTAINER_PREPOSITION)


def _is_person_or_animal(state: ParseState, noun) -> bool:
    """A mined wearer (WEARERS) or a noun for a woman or a man ("a gentleman with a headband on")."""
    lemma = state.noun_lemma(noun.lower_)
    return can_wear(state, noun) or lemma in FEMALE_PERSON_NOUNS or lemma in MALE_PERSON_NOUNS


def _nearest_noun_attachment(state: ParseState, prep):
    """ "a man sitting on a bench in the park": the parser hangs both place phrases on the verb;
    FACTUAL reads the second as locating the noun right before it, (bench, in, park). (Measured on
    FACTUAL train and dev: better for verb heads only; after a noun head it is a wash.) After a noun head
    two cases are not: a part phrase, "a face on top of a cupcake in a wrapper" -> (cupcake, in, wrapper),
    and stacking, "pizza on a plate on a table" -> (plate, on, table). FACTUAL train, all 36,137 captions:
    7 graphs change, 6 gaining a gold triple, none losing one; long_dev relation F1 51.68 -> 52.01 (5 of 7
    changed graphs gain, none loses)."""
    head = prep.head
    held = _with_object_placed(state, prep)
    if held is not None:
        return held
    if prep.lower_ not in LOCATIVE_PREPOSITIONS:
        return _passive_agent_before(state, prep, head) or head
    if (holder := _absent_things_holder(state, head)) is not None:
        return holder
    if (first_place := _first_place_before(state, prep)) is not None:
        return first_place.head
    if _path_before(state, prep, head) is not None:
        return head
    for sibling in state.kids(head):
        if sibling.dep_ in ("prep", "agent") and sibling.i < prep.i:
            for pobj in state.kids(sibling):
                if pobj.dep_ == "pobj" and pobj.right_edge.i == prep.i - 1 and state.nominal(pobj):
                    place = _part_owner(state, pobj)
                    if place.i in state.graph.hidden and not is_dressing_verb(state, head):
                        # "a streetlight is lit at night in front of a building", "two cats resting side by side
                        # on a bed": the first phrase names no place, so the second locates the verb's subject
                        # (before, the relation went to the hidden noun and was lost). FACTUAL train, all captions:
                        # 2 graphs gain a relation, both on a gold pair ((skier, stand on, snow) for gold "stand
                        # sideways on"); long_dev exact 32.01 -> 32.14%, 37 of 27,763 dev and COCO graphs gain one
                        return head
                    if head.tag_ in VERB_TAGS or place is not pobj or _is_stacked(state, sibling, prep):
                        return place
                    if _is_held_in_container(state, sibling, place):
                        return place
                    if _is_thing_placed_in_venue(state, sibling, place, prep):
                        return place
    return head


_STATE_OR_RIDDEN_PLACES = PLACE_STATE_NOUNS | RIDDEN_THINGS


def _is_thing_placed_in_venue(state: ParseState, first, place, prep) -> bool:
    """ "a laptop on a table in a restaurant", "white cabinets under sink in bathroom", "three pictures on wall in
    bedroom": with no verb the parser hangs both place phrases on the first noun, but a room, building or open
    ground (VENUE_NOUNS) after a thing's place locates that place, (table, in, restaurant). FACTUAL train, verbless
    "X <place> N in/at <venue>": 18 of 24 captions locate N, 6 locate X; of all 36,137 train graphs the rule changes
    7, 6 gaining a gold triple ("a painting on the wall in a bathroom" loses one). Not after what X is in as a
    person's garment ("a woman in a bra in a kitchen"), nor what a rider rides (RIDDEN_THINGS: "male person on horse
    in street" -> (person, in, street)), nor a place noun that names a state (PLACE_STATE_NOUNS: "on display",
    "on fire", "on the phone")."""
    if prep.lower_ not in ("in", "at", "inside") or first.lower_ not in LOCATIVE_PREPOSITIONS:
        return False
    if _is_person_or_animal(state, place) or is_garment(state, place):
        return False
    if _names_one_of(state, place, _STATE_OR_RIDDEN_PLACES):
        return False
    if first.lower_ == "in" and _is_person_or_animal(state, first.head):
        return False
    return any(
        pobj.dep_ == "pobj" and (_names_one_of(state, pobj, VENUE_NOUNS) or pobj.lower_.endswith("room"))
        for pobj in state.kids(prep)
    )


def _absent_things_holder(state: ParseState, noun):
    """ "tree without leaves on the grasslands", "a dog with no collar in the grass": the parser hangs the place
    phrase on the thing said to be missing, which is no node, so the place was lost; it locates the noun that
    "without" / "with no" describes, (tree, on, grasslands). FACTUAL train: both captions with a place phrase
    after a "without" / "with no" object write it so ("tree without leaves on the grasslands", "man with no shirt
    on skateboard"); none writes it otherwise."""
    if noun.i not in state.graph.hidden or noun.dep_ != "pobj" or noun.head.lower_ not in ("without", "with"):
        return None
    if noun.head.lower_ == "with" and not any(kid.dep_ == "det" and kid.lower_ == "no" for kid in state.kids(noun)):
        return None
    holder = noun.head.head
    return holder if state.nominal(holder) and holder.i not in state.graph.hidden else None


def _is_held_in_container(state: ParseState, first, place) -> bool:
    """ "cantelope in bowl on table", "all the different colored wines in the glasses on the table": after "in" a
    container (CONTAINER_PREPOSITION's nouns that hold their contents in them), a second place phrase the parser hangs
    on the contents locates the container, (bowl, on, table). FACTUAL train, "X in <container> <place>": the container
    in 5 captions ("cat in a bowl on a table", "flowers in vases in the shop"), both in 1, the contents in none."""
    if first.lower_ not in ("in", "inside") or place.right_edge.i != place.i:
        return False  # not "flowers in a vase with water in it
    return CONTAINER_PREPOSITION.get(state.noun_lemma(place.lower_)) in ("in", "have")


def _marked_carrier(state: ParseState, prep, head, place):
    """ "yellow sign with red letters on the side of a road" -> (sign, on side of, road), "white sign with black
    lettering on building" -> (sign, on, building): the parser hangs the place phrase on the with-object, but
    letters and other markings (MARKING_NOUNS) are on the thing that carries them; a place of their own locates the
    carrier. Not a pronoun, a possessed noun or a bare part noun, which name the carrier or its part ("with letters
    on it", "with a logo on the front"). FACTUAL train: 2 of the 3 such captions locate the carrier ("the bus with
    circle stickers in the window" places the stickers; "rug with block design on floor", bare, is left as the parser
    hangs it); long_dev 2 of 2. The carrier, or None."""
    if head.i != prep.i - 1 or not state.nominal(head) or state.noun_lemma(head.lower_) not in MARKING_NOUNS:
        return None
    marking = first_nominal_conjunct(state, head)
    preposition = marking.head
    if marking.dep_ != "pobj" or preposition.lower_ != "with" or not state.nominal(preposition.head):
        return None
    if prep.lower_ not in LOCATIVE_PREPOSITIONS or not is_node(state, place) or is_object_pronoun(place):
        return None
    if place.lower_ in _BARE_PART_NOUNS or any(
        child.dep_ == "poss" or child.lower_ in _BARE_PART_NOUNS for child in state.kids(place)
    ):
        return None
    # an article: a place of its own ("on the side of a road"); a bare noun may name the carrier's part ("mobile phone
    # with asian writing on display area", the one COCO Karpathy test caption the rule got wrong without this)
    where = _part_owner_phrase_head(state, prep, place)
    if not any(child.dep_ == "det" and child.lower_ in ("a", "an", "the") for child in state.kids(where)):
        return None
    return preposition.head


def _with_head_placed(state: ParseState, prep, head, place):
    """ "plate with cake on a wooden table" -> (plate, on, table), "couple with dog on the beach" -> (couple, on,
    beach), "table with chairs and umbrella on the sidewalk" -> (table, on, sidewalk): the parser hangs the place
    phrase on the with-object, but a piece of furniture, a serving surface, a room or an open ground
    (WITH_HEAD_FURNITURE, WITH_HEAD_SERVING_SURFACES, WITH_HEAD_GROUNDS) locates the thing the with-phrase
    describes. Not for a body part or a possessed place, which _with_object_placed places ("horse with its head in
    the grass"), for a head that is a scene, a room or a picture itself (SCENE_HEADS, DEPICTION_NOUNS: "bathroom
    with tiles on floor"), for furniture on a surface ("a picnic table with pizza on two trays"), for a place the
    caption named before the with-phrase, nor for a with-phrase that does not follow its head ("a man in a red shirt
    with a bat", "boats past a beach, with a dog"). The caller asks only for one-word prepositions: a part phrase
    keeps the with-object ("man with dog on top of mountain" -> (dog, on top of, mountain), as
    tests/test_parser_long_captions.py has it, though train's gold for that caption locates the man).
    FACTUAL train, with-phrases our graph placed on such a place: gold locates the head in 13 captions, the
    with-object in none besides those kinds, both in 3; re-parsing train changes 15 graphs, 14 gaining a gold
    triple, 2 losing one (where gold has both). The head, or None."""
    if prep.lower_ not in LOCATIVE_PREPOSITIONS or not state.nominal(head) or prep.i == 0:
        return None
    if state.tokens[prep.i - 1] not in (head, *state.conjuncts(head)):
        return None  # the phrase right after the with-object, or after the last of a list of them
    surfaces = WITH_HEAD_FURNITURE | WITH_HEAD_SERVING_SURFACES
    if not _names_one_of(state, place, surfaces | WITH_HEAD_GROUNDS) or not is_node(state, place):
        return None
    if any(child.dep_ == "poss" for child in state.kids(place)):
        return None
    withed = first_nominal_conjunct(state, head)
    preposition = withed.head
    if withed.dep_ != "pobj" or preposition.lower_ != "with" or not state.nominal(preposition.head):
        return None
    holder = preposition.head
    if not is_node(state, holder) or _is_scene_head(state, holder):
        return None
    if _names_one_of(state, holder, WITH_HEAD_FURNITURE) and _names_one_of(state, place, surfaces):
        return None
    if state.tokens[preposition.i - 1] not in (holder, *state.conjuncts(holder)):
        return None  # "with" right after the head (or the last of a list of heads), not after a comma or a phrase
    if any(token.lower_ == place.lower_ for token in state.tokens[: preposition.i]):
        return None
    parts = BODY_PARTS | RESTING_BODY_PARTS | POSSESSED_BODY_PARTS
    if any(_names_one_of(state, conjunct, parts) for conjunct in nominal_conjuncts(state, withed)):
        return None
    return holder


def _is_scene_head(state: ParseState, noun) -> bool:
    """A scene, a room ("bedroom", "living room"), an event or a picture: SCENE_HEADS, DEPICTION_NOUNS."""
    return _names_one_of(state, noun, SCENE_HEADS | DEPICTION_NOUNS) or noun.lower_.endswith("room")


def _names_one_of(state: ParseState, noun, words) -> bool:
    """Whether the noun, as written or as its lemma, is one of `words` ("grass", whose lemma the lookup gives as
    "gras")."""
    return noun.lower_ in words or state.noun_lemma(noun.lower_) in words


def _part_owner_phrase_head(state: ParseState, prep, place):
    """The noun right after the preposition: the part noun of "on the side of a road", else the place."""
    for child in state.kids(prep):
        if child.dep_ == "pobj":
            return child
    return place


def _first_place_before(state: ParseState, prep):
    """ "a cow stands in water near a boat", "a ski pole is lying on the ground in the snow": a second place phrase
    right after a first one locates what the first one locates, (cow, stand near, boat), (pole, in, snow), for the
    prepositions (SECOND_PLACES) and first place nouns (AFTER_PLACE_NOUNS) where FACTUAL's training split does so;
    otherwise the second phrase stays with the first place's noun ("a man sitting on a bench in a park" -> (bench,
    in, park)). Returns the first place's preposition, whose head the second phrase then locates. Train sample
    2000/8+: relation F1 71.04 -> 71.20, exact 57.00 -> 57.20%; long_dev 54.13 -> 54.31, exact 26.16 -> 26.29%
    (with _is_bare_second_place); random_dev and length_dev unchanged, measured with benchmarks/parser_quality.py
    --train_sample 2000 --train_sample_min_words 8."""
    if prep.lower_ not in LOCATIVE_PREPOSITIONS:
        return None
    head = prep.head
    if state.nominal(head) and head.dep_ == "pobj" and _first_after(state, head, prep):
        first = head.head
        if first.dep_ == "prep" and first.head.i < first.i and _is_second_place(state, first, head, prep):
            return first
        return None
    for sibling in state.kids(head):
        if sibling.dep_ == "prep" and sibling.i < prep.i:
            for pobj in state.kids(sibling):
                if pobj.dep_ == "pobj" and pobj.right_edge.i == prep.i - 1 and state.nominal(pobj):
                    return sibling if _is_second_place(state, sibling, pobj, prep) else None
    return None


def _is_second_place(state: ParseState, first, place, second) -> bool:
    """Whether the place phrase `second`, right after `first` <place>, locates what `first` locates."""
    if first.lower_ not in LOCATIVE_PREPOSITIONS or not is_node(state, place):
        return False
    return (
        second.lower_ in SECOND_PLACES
        or node_name(state, place) in AFTER_PLACE_NOUNS
        or _dates(state, second)
        or _is_in_the_air_after_on(state, first, second)
        or _rests_on_body_part(state, first, place)
        or _is_formation(state, first, place)
    )


# what things stand "in": "trees in a row", "people standing in line"
_FORMATION_NOUNS = {"row", "line"}


def _is_formation(state: ParseState, first, place) -> bool:
    """ "trees in a row in front of building", "five pictures hung in a row beside bed", "people standing in line at
    the food truck": "in a row/line" says how things are arranged, and a place phrase after it locates the things,
    (tree, in front of, building), not the row. FACTUAL train: all 4 captions with a place phrase after "in a/the
    row/line" relate the things."""
    return first.lower_ == "in" and node_name(state, place) in _FORMATION_NOUNS


def _is_in_the_air_after_on(state: ParseState, first, prep) -> bool:
    """ "young man on skateboard in air", "boy on snowboard in the air": after an on-phrase, what is in the air is what
    the on-phrase locates, (man, in, air), not what it stands on. FACTUAL train: all 5 captions with "in (the) air"
    right after a first place phrase (4 after "on", with "empty ski-lift chair on cable in air" -> (chair, in, air);
    "wire behind bird in air"). Not after other prepositions: "her racket aimed at the ball in the air"."""
    located = first.head
    if first.lower_ != "on" or prep.lower_ != "in" or not (state.nominal(located) or located.tag_ in VERB_TAGS):
        return False  # "Boy on a skateboard in mid air", "Boy" tagged as an interjection: keep the skateboard's
    return any(pobj.dep_ == "pobj" and pobj.lower_ in ("air", "midair") for pobj in state.kids(prep))


def _rests_on_body_part(state: ParseState, first, place) -> bool:
    """ "woman laying on her belly on a board", "woman leaning on elbow on bed": a verb's first place phrase
    that names the body part the subject rests on says how, not where; the second place phrase locates the
    subject, (woman, on, board), not (belly, on, board), as after "on its back" (AFTER_PLACE_NOUNS). FACTUAL
    train: 5 of the 5 captions with such a body part (back, belly, elbow, stomach) relate the subject."""
    return first.lower_ == "on" and first.head.tag_ in VERB_TAGS and node_name(state, place) in RESTING_BODY_PARTS


def _dates(state: ParseState, prep) -> bool:
    """ "on a cloudy day", "at night", "in the rain": the preposition's noun is a time of day (TIME_OF_DAY_NOUNS) or
    the weather or light (WEATHER_NOUNS)."""
    return any(
        pobj.dep_ == "pobj" and (pobj.lower_ in TIME_OF_DAY_NOUNS or pobj.lower_ in WEATHER_NOUNS)
        for pobj in state.kids(prep)
    )


def _is_bare_second_place(state: ParseState, prep) -> bool:
    """ "three people floating on surfboards in the ocean": a second place phrase that locates the verb's subject
    (_first_place_before) is written without the verb for the prepositions where FACTUAL's training split does so
    (BARE_SECOND_PLACES), (people, in, ocean), not (people, float in, ocean). Long_dev relation F1 54.24 -> 54.31,
    exact 26.16 -> 26.29%; random_dev 79.39 -> 79.48 (back to where it was without these rules)."""
    return prep.lower_ in BARE_SECOND_PLACES and _first_place_before(state, prep) is not None


# "person going down hill on snowboard": after a path phrase of a verb of motion
_PATH_PREPOSITIONS = {"down", "through", "over", "along", "across", "up"}


def _path_before(state: ParseState, prep, verb):
    """ "person going down hill on snowboard", "cars moving down street in traffic", "person flying through the air on
    cables": an on- or in-phrase right after a path phrase of an active verb locates the verb's subject, (person, on,
    snowboard), written without the verb; the parser hangs it on the path's noun or on the verb. FACTUAL train: 7 of 7
    such captions ("white sweater draped over chair in bedroom": a passive participle places the path's noun). The
    path preposition, or None."""
    if prep.lower_ not in ("on", "in") or verb.tag_ not in VERB_TAGS or verb.tag_ == "VBN":
        return None
    for sibling in state.kids(verb):
        if sibling.dep_ == "prep" and sibling.lower_ in _PATH_PREPOSITIONS and sibling.i < prep.i:
            for pobj in state.kids(sibling):
                if pobj.dep_ == "pobj" and pobj.right_edge.i == prep.i - 1 and state.nominal(pobj):
                    return sibling
    return None


def _is_bare_place_after_path(state: ParseState, prep, words) -> bool:
    """ "in front of some shops" after "walking down a city street" keeps the verb, (man, walk in front of, shop)."""
    return words == [prep.lower_] and _path_before(state, prep, prep.head) is not None


def _first_after(state: ParseState, noun, prep) -> bool:
    """The preposition hangs on the noun and directly follows its phrase ("a road near a house")."""
    return all(child.i < noun.i or child.i >= prep.i for child in state.kids(noun))


def _part_owner(state: ParseState, place):
    """ "on top of the cupcake": the part noun is hidden (scene_graph_predicates._part_noun_phrase); the
    place is the noun after its "of"."""
    if place.i not in state.graph.hidden:
        return place
    for child in state.kids(place):
        if child.dep_ == "prep" and child.lower_ == "of":
            for owner in state.kids(child):
                if owner.dep_ == "pobj" and state.nominal(owner):
                    return owner
    return place


def _is_stacked(state: ParseState, first, second) -> bool:
    """ "food on a plate on a table": the parser hangs both on-phrases on the food."""
    part_place = any(target.i in state.graph.hidden for target in state.kids(second))  # "on the side of the car"
    return first.lower_ == second.lower_ == "on" and not part_place


def _passive_agent_before(state: ParseState, prep, verb):
    """ "the brown and black shorts worn by the boy with his foot on the tree stump": a with-phrase right
    after a passive agent describes the agent, (boy, have, foot), not the worn shorts; a place phrase there
    locates it ("a shoe worn by boy on skateboard" -> (boy, on, skateboard)). Both together: relation F1 on the
    8+-word train sample 70.24 -> 70.26, long_dev 53.10 -> 53.16, graph exact 24.57 -> 24.70% (benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8)."""
    if prep.lower_ != "with":
        return None
    for sibling in state.kids(verb):
        if sibling.dep_ == "agent" and sibling.right_edge.i == prep.i - 1:
            for pobj in state.kids(sibling):
                if pobj.dep_ == "pobj" and state.nominal(pobj):
                    return pobj
    return None


def _with_object_placed(state: ParseState, prep):
    """ "a man with a banana in his mouth": the parser hangs the place phrase on the man; it places what
    he is with, (banana, in, mouth). (FACTUAL train, `with ... in/on his ...`: 15 of 26 captions place
    the with-object; the parser's attachment, none.) A body part is placed whatever the place: "a woman
    with her hands on the table" -> (hand, on, table); on the 2,577 train captions with "with" this
    changes 12, each gaining a gold triple and losing a wrong one.)"""
    if prep.lower_ not in LOCATIVE_PREPOSITIONS and prep.lower_ not in ("around", "over"):
        return None
    targets = state.kids(prep)
    for sibling in state.kids(prep.head):
        if sibling.dep_ == "prep" and sibling.lower_ == "with" and sibling.right_edge.i == prep.i - 1:
            for pobj in state.kids(sibling):
                if pobj.dep_ == "pobj" and state.nominal(pobj):
                    placed = [c for c in state.conjuncts(pobj) if c.i < prep.i][-1]
                    possessed_place = any(child.dep_ == "poss" for target in targets for child in state.kids(target))
                    worn = any(is_garment(state, target) for target in targets)  # "a man with red hair in a suit"
                    # "roses with leaves in a pot": a place of its own locates the roses, but not a body part's
                    if possessed_place or (node_name(state, placed) in BODY_PARTS and not worn):
                        return placed
    return None


def _participle_before_pronoun_carrier(state: ParseState, verb, subjects):
    """ "rusty fence with bird sitting on it" -> (bird, sit on, fence), "the bicycle has a red umbrella strapped to
    it" -> (umbrella, strap to, bicycle): the parser hangs the participle on the first noun, which the pronoun
    names; the participle is about the with- or has-object right before it. The parser may also make the participle
    the caption's main verb, its subject the first noun ("triangular plate with a knife resting on it": FACTUAL
    train (knife, rest on, plate), 1 of 1 such captions; the rules wrote (plate, rest on, knife)). That object, or
    None."""
    if verb.tag_ not in ("VBG", "VBN") or verb.dep_ not in ("acl", "advcl", "ROOT") or verb.i == 0:
        return None
    before = state.tokens[verb.i - 1]
    if not is_node(state, before) or before in subjects or not subjects:
        return None
    if before.dep_ == "pobj" and before.head.lower_ == "with" and before.head.head in subjects:
        return before
    if before.dep_ == "dobj" and before.head.lower_ in POSSESSION_VERBS and before.head == verb.head:
        return before
    return None


def _placed_object(state: ParseState, prep, verb):
    """ "a dog resting his head on the table": FACTUAL locates the verb's object, (head, on, table),
    rather than (dog, rest on, table) (FACTUAL train, 12,000 captions: 44 against 13). "Out of" after the object
    too: "a woman pulling pizza out of the oven" -> (pizza, out of, oven) (FACTUAL train: 6 of the 7 captions with a
    direct object before "out of"; "a giraffe eating hay out of the basket" is the other)."""
    if not (prep.lower_ in LOCATIVE_PREPOSITIONS or _is_out_of(state, prep)):
        return None
    # the object first: most verbs have none, and _is_subject_place builds the verb's predicate and subjects
    placed = _object_before(state, prep, verb) or _gapped_object_before(state, prep, verb)
    return None if placed is None or _is_subject_place(state, prep, verb) else placed


# where one garment is worn against another ("a t-shirt underneath a jacket")
_LAYERING_PREPOSITIONS = {"under", "over", "underneath", "beneath"}


def _gapped_object_before(state: ParseState, prep, verb):
    """ "blue undershirt the man is wearing under his green t-shirt" -> (undershirt, under, t-shirt): the noun a
    contact clause of these verbs modifies is the verb's object, which a place phrase then locates as it locates a
    direct object ("man is wearing red shirt under uniform" -> (shirt, under, uniform): FACTUAL train, all 9
    captions with "wearing X under/over/underneath Y" place the garment; "holding X in his hand": 3 of 3 place X).
    The noun, or None."""
    target = verb.head
    if verb.dep_ != "relcl" or not state.nominal(target) or target.i > verb.i:
        return None
    lemma = _verb_lemma(state, verb)
    if lemma not in GAP_OBJECT_VERBS or any(kid.dep_ == "dobj" for kid in state.kids(verb)):
        return None
    if lemma == "wear" and prep.lower_ not in _LAYERING_PREPOSITIONS:
        return None  # "the jacket the man is wearing in the snow": the wearer is in the snow, as with an object
    subjects = [kid for kid in state.kids(verb) if kid.dep_ == "nsubj"]
    if not subjects or subjects[0].lower_ in RELATIVE_PRONOUNS or not is_node(state, resolve(state, target)):
        return None
    return target


def _moved_object(state: ParseState, prep, verb):
    """ "a giraffe eating leaves from a tree" -> (leave, from, tree), "a bolt attaching a toilet to the floor" ->
    (toilet, attach to, floor): the verb's object is what comes from or goes to the place (MOVED_OBJECT_PREPOSITIONS;
    "to" after FASTENING_VERBS), not its subject. FACTUAL train, a direct object before these prepositions: 26 of
    36 captions locate the object."""
    word = prep.lower_
    if word not in MOVED_OBJECT_PREPOSITIONS and not (word == "to" and _verb_lemma(state, verb) in FASTENING_VERBS):
        return None
    return _object_before(state, prep, verb)


def _moved_predicate(state: ParseState, verb, predicate_words: str) -> str:
    if _verb_lemma(state, verb) in MOVED_OBJECT_VERBS:
        return join_predicate(verb_predicate(state, verb), predicate_words)
    return predicate_words


def _verb_lemma(state: ParseState, verb) -> str:
    return state.lemma(verb.text, verb.tag_)


def _is_out_of(state: ParseState, prep) -> bool:
    following = state.tokens[prep.i + 1] if prep.i + 1 < len(state.tokens) else None
    return prep.lower_ == "out" and following is not None and following.lower_ == "of" and following.head is prep


def _is_placed_subject(state: ParseState, prep, verb) -> bool:
    """ "men playing frisbee in the park": after the object of an activity verb a place phrase locates
    the subject, (man, in, park) (SUBJECT_PLACES: the verb-preposition pairs where FACTUAL's training split does;
    SUBJECT_PLACE_PREPOSITIONS: the prepositions where it does for the other verbs, "using a phone at the beach")."""
    return (
        verb.tag_ in VERB_TAGS
        and _object_before(state, prep, verb) is not None
        and _is_subject_place(state, prep, verb)  # (the costlier test last)
    )


def _is_subject_place(state: ParseState, prep, verb) -> bool:
    pair = f"{verb_predicate(state, verb)} {prep.lower_}"
    # the preposition's entry was counted on verbs with a subject ("stop sign at an intersection" has none)
    # (two lookups, not a union made at import: the miner empties SUBJECT_PLACES while it counts)
    if (
        pair in SUBJECT_PLACES
        or pair in SUBJECT_PLACES_KEPT
        or (prep.lower_ in SUBJECT_PLACE_PREPOSITIONS and bool(subjects_of(state, verb)))
    ):
        return True
    return _is_ground_after_thing(state, prep, verb)


def _is_ground_after_thing(state: ParseState, prep, verb) -> bool:
    """ "person dragging a suitcase on the sidewalk", "man preparing food in a kitchen", "cows eating grass in a
    field": after a verb's object that is a thing, an on- or in-phrase naming an open ground or a room
    (WITH_HEAD_GROUNDS) locates the verb's subject, (person, on, sidewalk), written without the verb as after the
    mined SUBJECT_PLACES. FACTUAL train, "S V-ing O on/in <such a place>" with gold relating S or O to it: S in 72
    captions, O in 16, of which "riding" (9 against 7) has no majority and is left out. Not for a person or an
    animal as the object ("mother watching her son on the beach"), nor for a ground as the object ("pedestrians
    crossing the street in a city"). Re-parsing all of train makes 17 graphs exact and 3 inexact ("drapes covering
    large windows in hotel room", "man walking horse on the street", "person driving motorcycle on the road")."""
    if prep.lower_ not in ("on", "in") or verb.tag_ in ("VBN", "VBD") or _verb_lemma(state, verb) == "ride":
        return False  # (a past form is mostly a compound read as a verb: "leaf covered umbrellas on the beach")
    if not subjects_of(state, verb):
        return False
    place = next((kid for kid in state.kids(prep) if kid.dep_ == "pobj"), None)
    if place is None or not _names_one_of(state, place, WITH_HEAD_GROUNDS) or not is_node(state, place):
        return False
    if any(kid.dep_ == "poss" for kid in state.kids(place)):
        return False
    thing = _object_before(state, prep, verb)
    if thing is None or _names_one_of(state, thing, WITH_HEAD_GROUNDS):
        return False  # a place in a place: "pedestrians crossing the street in a city" -> (street, in, city)
    return not _is_person_or_animal(state, resolve(state, thing))


_COMPANION_PLACES = WITH_HEAD_FURNITURE | WITH_HEAD_GROUNDS
_COMPANION_PLACES_AFTER_PASSIVE = _COMPANION_PLACES | WITH_HEAD_SERVING_SURFACES
_COMPANION_BODY_PARTS = BODY_PARTS | RESTING_BODY_PARTS | POSSESSED_BODY_PARTS


def _verb_of_companion_before_place(state: ParseState, prep, noun, place):
    """ "girl playing frisbee with dog in a park", "a bottle filled with water on the desk": a piece of furniture, a
    serving surface, a room or an open ground (WITH_HEAD_FURNITURE, WITH_HEAD_SERVING_SURFACES, WITH_HEAD_GROUNDS)
    right after the noun of a verb's with-phrase locates the verb's subject, (girl, in, park), as _with_head_placed
    has it after a noun's with-phrase; a serving surface only after a passive ("a man sitting down with pizza slices
    on a plate" places the pizza). Not after a place phrase of the verb ("a man standing at a table with wine in
    a supermarket"), for a body part ("man standing with his hands on his hips"), nor for a possessed place or one
    the caption named before. FACTUAL train, "V with X PREP Y" read so by the rules, Y such a place and gold relating
    X or the subject to it: the subject in all 5 captions (for other places 7 of 11: "cat playing with ball on a
    string", "people standing with stroller on snow"). Re-parsing all of train changes 4 graphs, each gaining a gold
    triple (2 become exact), none losing one. The verb, or None."""
    if prep.lower_ not in LOCATIVE_PREPOSITIONS or noun.dep_ != "pobj" or prep.i == 0:
        return None
    if state.tokens[prep.i - 1] not in (noun, *state.conjuncts(noun)):
        return None
    with_word, verb = noun.head, noun.head.head
    if with_word.lower_ != "with" or with_word.dep_ != "prep" or verb.tag_ not in VERB_TAGS:
        return None
    # what a plate or a tray holds is on it too after a passive: "a sandwich made with veggies on a plate"
    places = _COMPANION_PLACES_AFTER_PASSIVE if verb.tag_ == "VBN" else _COMPANION_PLACES
    if not _names_one_of(state, place, places) or not is_node(state, place):
        return None
    if any(child.dep_ == "poss" for child in state.kids(place)):
        return None
    if any(child.dep_ in ("prep", "agent") and child.i < with_word.i for child in state.kids(verb)):
        return None  # after the verb's own place phrase, "with X" is scenery ("standing on platform with train in")
    if any(token.lower_ == place.lower_ for token in state.tokens[: with_word.i]):
        return None
    if any(_names_one_of(state, conjunct, _COMPANION_BODY_PARTS) for conjunct in nominal_conjuncts(state, noun)):
        return None
    return verb if subjects_of(state, verb) else None


def _is_subject_place_after_object(state: ParseState, prep, noun) -> bool:
    """ "a young boy eating pizza at a pizzeria", "boys playing frisbee in the park": the parser hangs the place
    phrase on the verb's object, but for these verb-preposition pairs it locates the subject, as when it hangs
    it on the verb (_is_placed_subject), (boy, at, pizzeria). Train sample 2000/8+: relation F1 71.00 -> 71.04,
    exact 56.70 -> 56.75%; the dev splits unchanged, measured with benchmarks/parser_quality.py --train_sample
    2000 --train_sample_min_words 8."""
    verb = noun.head
    return noun.dep_ == "dobj" and verb.tag_ in VERB_TAGS and _is_placed_subject(state, prep, verb)


def _object_before(state: ParseState, prep, verb):
    """The verb's direct object, when it comes before the preposition and is a node."""
    for child in state.kids(verb):
        if child.dep_ == "dobj" and child.i < prep.i and is_node(state, resolve(state, child)):
            return child
    return None


def _describes_the_object(state: ParseState, prep, verb) -> bool:
    """A with-phrase after the verb's object that describes that object: after `wear` (FACTUAL's train
    split has 1 "wear with" triple against 2,315 "wear"), or one that points back with a pronoun
    ("holding a plate with food on it")."""
    if prep.lower_ != "with" or verb.tag_ not in VERB_TAGS or _object_before(state, prep, verb) is None:
        return False
    return state.lemma(verb.text, verb.tag_) == "wear" or any(
        _places_on_itself(state, holder, target)
        for target in state.kids(prep)
        if target.dep_ == "pobj"
        for holder in (target, verb)
    )


def _relate_object_description(state: ParseState, prep, verb, objects) -> None:
    """ "wearing a jacket with green stripes": the with-phrase describes the verb's object, (jacket, with,
    stripe); "wearing a cap with his hands in his pockets": a possessed noun belongs to the subject,
    (man, have, hand)."""
    if any(child.dep_ == "poss" for obj in objects for child in state.kids(obj)):
        add_relation(state, subjects_of(state, verb), "have", objects)
        return
    placed = _object_before(state, prep, verb)
    pointing_back = [child for child in state.kids(verb) if child.i > prep.i and _points_back(state, child)]
    if pointing_back:  # "carrying a tray with cups on it": the parser hangs "on it" on the verb
        state.graph.consumed_preps.update(child.i for child in pointing_back)
        add_relation(state, objects, pointing_back[0].lower_, nominal_conjuncts(state, placed))
        return
    _relate_with(state, placed, nominal_conjuncts(state, placed), objects)


def _is_place_phrase(state: ParseState, prep, noun) -> bool:
    """ "on the right", "in the distance": FACTUAL makes no node of these nouns; some become an
    attribute of what they locate (PLACE_PHRASES, mined from FACTUAL's training split)."""
    choice = PLACE_PHRASES.get(noun.lower_)
    article = state.tokens[prep.i + 1] if prep.i + 2 == noun.i else None
    if choice is None or article is None or article.lower_ != "the" or len(state.kids(noun)) != 1:
        return False
    state.graph.hidden.add(noun.i)
    if choice == "attribute":
        head = prep.head
        located = nominal_conjuncts(state, head) if state.nominal(head) else subjects_of(state, head)
        add_attribute(state, located, [prep, article, noun])
    return True


def _relate_noun_preposition(state: ParseState, prep, head, words, predicate_words: str, objects) -> None:
    subjects = distributed_conjuncts(state, head, prep) if words != ["of"] else _of_heads(state, head, prep)
    if prep.lower_ in LOCATIVE_PREPOSITIONS and (cast_by := _shadow_cast_by(state, head)) is not None:
        subjects = nominal_conjuncts(state, cast_by)
    if words == ["with"]:
        _relate_with(state, head, subjects, objects)
    elif words != ["of"]:
        add_relation(state, subjects, predicate_words, objects)
    elif _container_preposition(state, head) == "have":
        # "a bowl of soup" -> (bowl, have, soup)
        add_relation(state, subjects, "have", objects)
    elif _container_preposition(state, head) is not None:
        # "a plate of food" -> (food, on, plate); "bottles of wine" -> (wine, in, bottles)
        add_relation(state, objects, _container_preposition(state, head), subjects)
    else:
        # "the tail of the horse" -> (horse, have, tail): FACTUAL's possession; not for a head it does not
        # write as owned ("a picture of a woman", mined UNOWNED_OF_HEADS).
        for owned in subjects:
            head_word = node_name(state, owned).split(" ")[-1]
            lone_part = is_lone_part_frame(state, owned, head_word)  # "the back of two monitors"
            if (head_word in UNOWNED_OF_HEADS or _is_depiction(state, owned)) and not lone_part:
                continue
            owners = [owner for owner in objects if lone_part or not is_amount_of(state, owned, owner)]
            add_relation(state, owners, "have", [owned])


def _of_heads(state: ParseState, head, of) -> list:
    """ "cups and plates of food": the of-phrase belongs to every listed noun before it; in "a table with a cup of
    coffee, a plate and a fork" the plate and fork after it are no coffee's containers, though the parser makes them
    conjuncts of the cup. FACTUAL train: no graph changes; long_dev relation F1 59.24 -> 59.26; dump_parser_graphs
    --compare: 71 dev and COCO graphs each lose such a relation ((food, on, fork) for "a plate of food and a fork"),
    none gains or loses any other."""
    return [noun for noun in nominal_conjuncts(state, head) if noun.i < of.i]


def _is_depiction(state: ParseState, noun) -> bool:
    """ "painting of sun on wall", "cartoon of man swinging a bat", "poster of a train": what a depiction shows does
    not own it, as with the mined UNOWNED_OF_HEADS ("picture", "drawing"), which miss the rarer depiction words.
    FACTUAL train: of the 4 captions "painting/cartoon/poster of X", gold writes (X, have, depiction) in none, the
    rules did in all 4; long_dev: 1 of 1 ("painting of a brown deer")."""
    return state.noun_lemma(noun.lower_) in DEPICTION_NOUNS or noun.lower_ in DEPICTION_NOUNS


# "a shadow of a bike on the ground": the place phrase the parser hangs on the bike places the shadow.
_CAST_NOUNS = {"shadow", "shadows"}


def _shadow_cast_by(state: ParseState, noun):
    """The shadow whose "of" has `noun` for its object, or None: FACTUAL train writes (shadow, on, ground) for "shadow
    of X on the ground" in 6 of its 7 captions, the parser's (X, on, ground) in 1."""
    of = noun.head
    if noun.dep_ != "pobj" or of.lower_ != "of" or of.head.lower_ not in _CAST_NOUNS or not is_node(state, of.head):
        return None
    return of.head


def _depiction_on_display(state: ParseState, prep, depicted, place):
    """ "a picture of a boy on the wall" -> (picture, on, wall), "reflection of a faucet in the mirror" -> (reflection,
    in, mirror): the parser hangs the place phrase on what the picture shows, but a wall, a mirror, a screen or a
    frame (DISPLAY_SURFACES) holds the picture itself. FACTUAL train: 7 of the 7 captions "<picture or reflection> of
    X on/in <display surface>" locate the picture (the rules did for 2); other places may locate what it shows ("a
    photo of people on a bench"). The picture, or None."""
    if place is None or not is_node(state, place) or node_name(state, place).split(" ")[-1] not in DISPLAY_SURFACES:
        return None
    if prep.lower_ not in LOCATIVE_PREPOSITIONS or depicted.dep_ != "pobj" or depicted.head.lower_ != "of":
        return None
    depiction = depicted.head.head
    if not state.nominal(depiction) or not (_is_depiction(state, depiction) or depiction.lower_ in REFLECTION_NOUNS):
        return None
    return depiction


def _contents_before(state: ParseState, prep, container, accompanying):
    """ "a platter of rice with vegetables" -> (rice, with, vegetable), "cup of water with ice" -> (water, with, ice):
    a with-phrase right after "<container> of <contents>" describes the contents, though the parser hangs it on the
    container. FACTUAL train: 3 of the 3 such captions ("a glass of water with ice cubes", hung on the water, too);
    long_dev 1 of 1 ("a tray of food with a salad"). A utensil or another container (UTENSILS) goes with the container: "bowl of food with
    wooden serving spoon" -> (bowl, with, serving spoon) (train 1 of 1). The contents, or None."""
    if not state.nominal(container) or _container_preposition(state, container) is None:
        return None
    if state.noun_lemma(accompanying.lower_) in UTENSILS or _container_preposition(state, accompanying) is not None:
        return None
    # "a bowl of food with vegetables in it", "a plate of fish with broccoli on the side": a place phrase after the
    # with-object that points back at the container (the container rules place it there)
    if any(is_object_pronoun(token) or token.lower_ in _BARE_PART_NOUNS for token in state.tokens[prep.i + 1 :]):
        return None
    for of in state.kids(container):
        if of.dep_ == "prep" and of.lower_ == "of" and of.i < prep.i:
            for contents in state.kids(of):
                if contents.dep_ == "pobj" and contents.right_edge.i == prep.i - 1 and is_node(state, contents):
                    return contents
    return None


def _container_preposition(state: ParseState, head) -> str | None:
    """The preposition a container puts its contents in, for the plural too ("bottles of wine"). FACTUAL
    train, a plural container before "of": the contents in/inside/within it in 11 of 36 captions, the
    container having them in 4, the contents owning the container, as the possession rule read it, in none."""
    return CONTAINER_PREPOSITION.get(head.lower_) or CONTAINER_PREPOSITION.get(state.noun_lemma(head.lower_))


def is_amount_of(state: ParseState, amount, stuff) -> bool:
    """ "a stand of trees", "a bar of soap", "a trail of footprints": a singular head counting out or shaping
    what follows "of" is no part that it owns. FACTUAL train, where the parser would write (N2, have, N1):
    for "a/an N1 of N2" with no determiner before N2, or a singular N1 before a plural N2, the `have` is gold
    in 11 of 147 (it drops N1 in 62, relates the two otherwise in 71, so both nodes stay)."""
    if amount.tag_ != "NN":
        return False
    return stuff.tag_ == "NNS" or (_determiner(state, amount) in ("a", "an") and not _determiner(state, stuff))


def _determiner(state: ParseState, noun) -> str:
    """The noun's first determiner, possessive or number before it, lower-cased ("" if none)."""
    for child in state.kids(noun):
        if child.dep_ in ("det", "poss", "nummod") and child.i < noun.i:
            return child.lower_
    return ""


def _relate_with(state: ParseState, head, subjects, objects) -> None:
    """ "a bowl with flowers in it" -> (flower, in, bowl); otherwise FACTUAL keeps `with` (in short
    captions even for body parts: "a dog with long ears" -> (dog, with, ear))."""
    for obj in objects:
        # "on it" hangs on the accompanied noun or, as often, on the container itself
        holders = [head, head.head] if head.dep_ == "dobj" else [head]  # "carrying a tray with cups on it"
        candidates = state.kids(obj) + [child for holder in holders for child in state.kids(holder) if child.i > obj.i]
        candidates += _partitive_kids(state, obj)
        candidates += _last_conjuncts_place(state, obj, objects)
        candidates += _pronoun_place_hung_higher(state, obj, candidates)
        container_preps = [
            child
            for child in candidates
            if (child.dep_ == "prep" and _names_the_container(state, child)) or _is_bare_inside(state, child, obj)
        ]
        convention = WITH_PREDICATES.get(node_name(state, obj), "with")  # mined: "with a shirt" is worn
        if convention == "wear" and (not _is_worn_with(state, obj) or _is_container_of_things(state, subjects, obj)):
            convention = "with"
        if _participle_points_back(state, head, obj):
            continue  # "a pole with a sign hanging off it": the participle gives (sign, hang off, pole)
        owned_parts = _participle_places_on_owned_part(state, head, obj)
        if owned_parts:
            add_relation(state, subjects, "have", _holders_parts(state, subjects, owned_parts))
            continue
        if container_preps:
            state.graph.consumed_preps.update(child.i for child in container_preps)
            add_relation(state, [obj], _container_predicate(state, container_preps[0]), subjects)
        elif convention.startswith("reverse "):
            add_relation(state, [obj], convention.removeprefix("reverse "), subjects)
        elif convention == "with" and (
            _owns_body_part(state, obj) or _owned_by_pronoun(state, obj) or _holders_hand(state, subjects, obj)
        ):
            add_relation(state, subjects, "have", [obj])
        elif (
            convention == "with"
            and _wears_in_long_caption(state, subjects, obj)
            and not _is_container_of_things(state, subjects, obj)
        ):
            # "a white head band with a black jacket": a thing the parser hangs the garment on wears nothing, the
            # wearer above it does (long_dev relation F1 53.10 -> 53.16)
            wearers = subjects if any(can_wear(state, s) for s in subjects) else _wearer_above(state, head)
            add_relation(state, wearers or subjects, "wear", [obj])
        elif convention == "wear" and all(is_garment(state, subject) for subject in subjects):
            # "a man in a suit with glasses": the garment the parser hangs the worn with-object on wears nothing; its
            # wearer does (FACTUAL train: "man in plaid shirt with glasses on" -> (man, wear, glasses), 1 of 1;
            # dump_parser_graphs --compare: 2 COCO graphs change, both from (suit, wear, glasses))
            add_relation(state, _wearer_above(state, head) or subjects, "wear", [obj])
        else:
            add_relation(state, subjects, convention, [obj])


def _partitive_kids(state: ParseState, obj) -> list:
    """ "a white plate with a slice of cake on it", "black pole with lots of street signs on it": the parser hangs
    "on it" on the partitive the with-object was looked through, so the container phrase is searched there too;
    else the plate got both (plate, with, cake) and (cake, on, plate). FACTUAL train: 1 graph changes, dropping
    the wrong (pole, with, street sign) and becoming exact; long_dev: 1, dropping (plate, with, cake)."""
    partitive = obj.head.head if obj.dep_ == "pobj" and obj.head.lower_ == "of" else None
    if partitive is None or partitive.i not in state.partitives:
        return []
    return [child for child in state.kids(partitive) if child.i > obj.i]


def _pronoun_place_hung_higher(state: ParseState, obj, candidates) -> list:
    """ "a man standing in front of a building with a clock on it", "a cat on top of a car with snow on it": the
    parser hangs "on it" right after the with-object on the verb or the first noun, which then gets the place
    ((cat, on, car) from "on it") and the with-object none; the pronoun place right after the with-phrase places
    the with-object on its holder, as when the parser hangs it on either (FACTUAL train writes only the place for
    "X with Y on it" in 157 of 179 captions). Re-parsing all of train: 5 graphs change, 1 more exact ("a table with
    vegetables and fruit on it" -> (fruit, on, table)), 2 gold triples gained, 2 lost (`with` and `have` kept by
    gold against that majority), 3 wrong added, 5 removed; 40 of the 25,010 COCO Karpathy test captions change,
    nearly all from (X, with, Y) to (Y, on/in, X)."""
    position = obj.right_edge.i + 1
    if position >= len(state.tokens):
        return []
    prep = state.tokens[position]
    if prep.dep_ != "prep" or prep in candidates or prep.head.i > obj.i:
        return []
    if not any(target.dep_ == "pobj" and is_object_pronoun(target) for target in state.kids(prep)):
        return []
    return [prep]


def _last_conjuncts_place(state: ParseState, obj, objects) -> list:
    """ "a table with cake and plates on it": the parser hangs "on it" on the last with-object, yet it places
    them all, as it does when it hangs it on the table (FACTUAL train, "with X and Y on it": X and Y both on it
    in 3 of the 6 captions, X alone in none)."""
    last = objects[-1]
    return [child for child in state.kids(last) if child.dep_ == "prep"] if last.i > obj.i else []


def _is_worn_with(state: ParseState, obj) -> bool:
    """The mined `wear` of "a man with glasses" is for the garment sense: the lemma "glass" also names "a
    table with a glass of water" (8 COCO Karpathy test captions gave (table, wear, glass))."""
    return is_garment(state, obj) and not any(
        child.dep_ == "prep" and child.lower_ == "of" for child in state.kids(obj)
    )


def _owns_body_part(state: ParseState, obj) -> bool:
    """ "a man with long brown hair standing next to ...": in long captions FACTUAL writes a body part
    as owned, (man, have, hair), where short ones keep `with`. (FACTUAL train, a body part right after
    "with": have in 28 of 118 gold relations for captions of up to 5 words, 65 of 125 for 6-7, 49 of 71
    for 8 or more; logged by benchmarks/mine_factual_conventions.py.)"""
    return node_name(state, obj) in BODY_PARTS and _is_long_caption(state)


def _holders_hand(state: ParseState, subjects, obj) -> bool:
    """ "a man with his hand in an oven", "a fireman with his hands on his hips" -> (man, have, hand): a person's
    or animal's hand after "with" is owned from mid-length captions on, earlier than other body parts. (FACTUAL
    train, "with [his/her/a/both] hand(s)": have in 23 of the 28 captions of 7+ words, with in 2; 6 of 9 at 6
    words, 1 of 7 at 5; "arm" splits about evenly, so hands only.)"""
    if node_name(state, obj) != "hand" or not all(can_wear(state, subject) for subject in subjects):
        return False
    return _caption_words(state) >= HAND_OWNER_WORDS


def _owned_by_pronoun(state: ParseState, obj) -> bool:
    """ "a commercial airplane with its wheels out ready for landing" -> (airplane, have, wheel): in long
    captions a with-object its own possessive pronoun marks is owned, body part or not. (FACTUAL, "with
    his/her/its/their X": long_dev (10+ words) have in 9 of 13 gold relations; train, have in 13 of 29 for
    8-9 words, 17 of 61 for up to 7. long_dev relation F1 53.10 -> 53.16.)"""
    return _has_possessive_pronoun(state, obj) and not is_garment(state, obj) and _is_long_caption(state)


def _wears_in_long_caption(state: ParseState, subjects, obj) -> bool:
    """ "a man with dark hair and blue jacket walks the sidewalk" -> (man, wear, jacket): in long captions
    FACTUAL writes a garment after "with" as worn, where short ones mostly keep `with`. (FACTUAL, a garment
    right after "with": long_dev (10+ words) wear in 13 of 14 gold relations; train, wear in 28 of 105 for
    captions of up to 7 words, 8 of 27 for 8-9. long_dev relation F1 52.70 -> 53.16; length_dev 81.26 -> 81.16,
    one caption: "a tan bear with a purple and white robe on to the right", gold `with`.) Garment subjects wear
    nothing ("the two black and striped yellow ties with the golden tie")."""
    wearers = [subject for subject in subjects if not is_garment(state, subject)]  # "ties with the golden tie"
    return is_garment(state, obj) and bool(wearers) and _is_long_caption(state)


# The tags a with-object's participle gets: "toiletries lined up on it" is read as a past tense "lined" (VBD), "a plate
# with a knife resting on it" as a main verb "resting" (VBG) the plate is the subject of. FACTUAL train, "X with Y
# <participle> <preposition> it": (X, with, Y) is gold in 3 of 31 captions, whatever the tagger made of the participle.
_PARTICIPLE_READINGS = ("VBN", "VBG", "VBD")


def _with_object_participles(state: ParseState, head, obj) -> list:
    """The with-object's participle clauses: the parser's clause on the object, the main verb it made of it ("a
    fence with cups stuck in it"), or a clause it hung on the head noun ("rusty fence with bird sitting on it")."""
    clauses = [child for child in state.kids(obj) if child.dep_ == "acl" and child.tag_ in _PARTICIPLE_READINGS]
    if head.dep_ == "nsubj" and head.head.tag_ in _PARTICIPLE_READINGS and head.head.i == obj.right_edge.i + 1:
        clauses.append(head.head)
    clauses.extend(
        child
        for child in state.kids(head)
        if child.dep_ == "acl" and child.tag_ in _PARTICIPLE_READINGS and child.i == obj.right_edge.i + 1
    )
    return clauses


def _participle_points_back(state: ParseState, head, obj) -> bool:
    """Whether the with-object has a participle clause ending in a pronoun place phrase ("a fence with cups stuck
    in it"), or in the holder's bare part ("a toilet with things sitting on top")."""
    return any(
        prep.dep_ == "prep"
        and any(
            is_object_pronoun(target) or (_is_holders_part(state, target) and node_name(state, obj) not in BODY_PARTS)
            for target in _place_phrase_objects(state, prep)
        )
        for clause in _with_object_participles(state, head, obj)
        for prep in state.kids(clause)
    )


def _place_phrase_objects(state: ParseState, prep) -> list:
    """The preposition's children, and those of a preposition chained to it: in "water coming out of it" the
    parser hangs "of it" on "out" (FACTUAL train: "fire hydrant with water coming out of it" -> (water, come out of,
    fire hydrant) and no `with`, as for the one-word places of `_participle_points_back`)."""
    kids = state.kids(prep)
    return kids + [target for kid in kids if kid.dep_ == "prep" for target in state.kids(kid)]


def _participle_places_on_owned_part(state: ParseState, head, obj) -> list:
    """ "huge white plane with red leaf painted on rear wing", "an old fashioned vehicle with a surfboard mounted
    on its roof": when the with-object's participle places it on a part of the holder, FACTUAL relates the holder
    to that part, (plane, have, wing), and the object only by the participle, (leaf, paint on, wing), with no
    (plane, with, leaf); "its roof" is the holder's too, (vehicle, have, roof). FACTUAL train and dev splits,
    "X with Y <participle> <place> <X's part>": the holder has the part and (X, with, Y) is not gold in 5 of 6
    captions (train: "girl with sweater tied around her waist" agrees, "a man with a rope tied to his foot" does
    not; long_dev: 4 of 4). Passive participles only: an active one places its own object ("holding something in
    her right hand"). The parts, or []."""
    return [
        part
        for clause in _with_object_participles(state, head, obj)
        if clause.tag_ == "VBN"
        for prep in state.kids(clause)
        if prep.dep_ == "prep" and prep.lower_ not in ("with", "by")  # "covered with tree branches"
        for target in state.kids(prep)
        if target.dep_ == "pobj"
        for part in nominal_conjuncts(state, target)
        if is_node(state, part) and _is_owned_part(state, part)
    ]


def _holders_parts(state: ParseState, holders, parts) -> list:
    """The parts the holders own: "a shirt with a sweater draped over his shoulders" gives the shirt no
    shoulders, a body part that a possessive pronoun marks is a person's or an animal's ("a dog with a frisbee
    wrapped around its head")."""
    wearer = any(can_wear(state, holder) for holder in holders)
    return [part for part in parts if wearer or not _is_pronoun_owned_body_part(state, part)]


def _is_owned_part(state: ParseState, token) -> bool:
    """A body part, a part noun FACTUAL writes as its owner's (OWNED_PART_HEADS, mined), or a noun a possessive
    pronoun marks ("its roof")."""
    if node_name(state, token) in BODY_PARTS or state.noun_lemma(token.lower_) in OWNED_PART_HEADS:
        return True
    return _has_possessive_pronoun(state, token)


def _has_possessive_pronoun(state: ParseState, token) -> bool:
    return any(child.dep_ == "poss" and child.lower_ in _POSSESSIVE_PRONOUNS for child in state.kids(token))


def _is_pronoun_owned_body_part(state: ParseState, token) -> bool:
    """A part _relate_pronoun_owned_part gives its owner ("his ear"), where "its roof" has none."""
    return _has_possessive_pronoun(state, token) and node_name(state, token).split(" ")[-1] in (
        BODY_PARTS | POSSESSED_BODY_PARTS
    )


def _is_holders_part(state: ParseState, target) -> bool:
    """ "things sitting on top", "light reflecting on the side": a bare part noun, the holder's (see
    _relate_participle_on_holders_part)."""
    return (
        target.dep_ == "pobj"
        and target.lower_ in _BARE_PART_NOUNS
        and target.lower_ != "inside"
        and all(kid.dep_ == "det" for kid in state.kids(target))
    )


def _container_predicate(state: ParseState, prep) -> str:
    """ "a cake with a candle on top" -> (candle, on top of, cake), "a train with a number on the side" ->
    (number, on side of, train): FACTUAL writes the part noun (train, "with X on top": `on top of` in 16
    of 20 captions with a place or with relation; the other part nouns measured on the dev splits)."""
    for target in state.kids(prep):
        if target.dep_ == "pobj" and target.lower_ in _BARE_PART_NOUNS and target.lower_ != "inside":
            return f"{prep.lower_} {target.lower_} of"
    return prep.lower_


def _is_bare_inside(state: ParseState, token, obj) -> bool:
    """ "a box with donuts inside", "glasses with liquid inside of them": right after the with-object, a bare
    "inside" (the parser makes it an adverb) names the container, (donut, inside, box) (FACTUAL train: 11 of
    the 14 captions the rules read as "S with X inside"). spaCy may hang "inside" on the with-object itself,
    "a bowl with a spoon inside of it", so the object's phrase ends at the word before "inside", not at its
    right edge; train has 2 captions where spaCy does so, "a guy inside it" gold `inside`, "food inside of
    it" gold `with`, and the surface pattern "S with X inside" holds `inside` in 12 of 15 train captions.)"""
    if token.lower_ != "inside" or token.i <= obj.i or token.i - 1 not in (word.i for word in obj.subtree):
        return False
    kids = state.kids(token)
    pointing_of = [kid for kid in kids if kid.lower_ == "of" and _points_back_of(state, kid)]
    state.graph.consumed_preps.update(kid.i for kid in pointing_of)
    return len(kids) == len(pointing_of)


def _points_back_of(state: ParseState, of) -> bool:
    return any(is_object_pronoun(target) for target in state.kids(of) if target.dep_ == "pobj")


def _names_the_container(state: ParseState, prep) -> bool:
    """ "with flowers in it", "with food on top", "with a stain on the inside": the place is the
    accompanied noun's container (a bare part noun, no "of", is hidden)."""
    for target in state.kids(prep):
        if target.lower_ in ("it", "them"):
            return True
        if target.dep_ == "pobj" and target.lower_ in _BARE_PART_NOUNS and len(state.kids(target)) <= 1:
            if _names_another_whole(state, target):
                return False
            state.graph.hidden.add(target.i)
            return True
    return False


def _names_another_whole(state: ParseState, part) -> bool:
    """ "a man with sunglasses on top of his head", "snowy mountain with trees in front of a lake": a part noun whose
    "of" names another noun is that noun's part (or a complex preposition), not a bare part of the accompanied noun,
    so (sunglasses, on top of, head) and no (sunglasses, on top of, man); "on top of it", "in front of him" still
    point back.
    Re-parsing FACTUAL train.csv: 5 graphs change, each gaining a gold triple, no gold one lost ("child with kite on
    top of head" -> (kite, on top of, head)); long_dev relation F1 +0.14 (3 gold triples gained, none lost)."""
    for of in state.kids(part):
        if of.dep_ == "prep" and of.lower_ == "of":
            return any(obj.dep_ == "pobj" and obj.tag_ != "PRP" for obj in state.kids(of))
    return False


_HANGING_OR_LYING_VERBS = {"hang", "lie", "lay"}
# where a thing is next to another one, not what holds it ("in", "on": the mined BARE_SECOND_PLACES decide those)
_RELATIVE_POSITION_PREPOSITIONS = {"above", "under", "underneath", "beneath", "below", "near", "by", "beside", "from"}


def _is_place_after_hanging_or_lying_place(state: ParseState, prep, verb, words) -> bool:
    """ "a towel hanging on the wall above a bathtub", "man laying on the ground under huge animal": once a hanging or
    lying thing's verb has placed it, a place phrase with another preposition right after the first one only
    locates it, and FACTUAL writes it without the verb, (towel, above, bathtub), (man, under, animal), for a
    preposition of relative position. FACTUAL train: 4 of the 5 such captions the rules read so ("dog laying on
    ground near a tree" keeps `lie near`); other verbs keep the verb ("a cow stands in water near a boat", "bird
    flying in the air above the water": 4 train captions would lose, none gain). Not "with" (a companion keeps the
    verb, _is_with_after_place), nor after a comma, nor for a verb with an object ("lying her head on a pillow near
    the window")."""
    if (
        words != [prep.lower_]
        or prep.lower_ not in _RELATIVE_POSITION_PREPOSITIONS
        or _verb_lemma(state, verb) not in _HANGING_OR_LYING_VERBS
    ):
        return False
    if any(child.dep_ == "dobj" for child in state.kids(verb)):
        return False
    if (first := _first_place_before(state, prep)) is not None and first.head.i == verb.i:
        return first.lower_ != prep.lower_  # the parser hung the second phrase on the first one's noun
    return any(
        child.dep_ == "prep"
        and child.i < prep.i
        and child.lower_ != prep.lower_
        and child.lower_ in LOCATIVE_PREPOSITIONS
        and any(target.dep_ == "pobj" and target.right_edge.i == prep.i - 1 for target in state.kids(child))
        for child in state.kids(verb)
    )


def _is_with_after_place(state: ParseState, prep, verb) -> bool:
    """ "person walking in the rain with an umbrella", "man seated at table with laptop": after the verb's
    place phrase, "with" says what the subject has along, and FACTUAL leaves the verb out, (man, with,
    laptop) (train, "V-ing PREP N with X" read so by the rules, X no person or animal: gold `with` in 20
    captions, `V with` in 7). A companion keeps the verb: "man lying on floor with dogs" -> (man, lie with, dog)."""
    if prep.lower_ != "with" or any(target.dep_ == "pobj" and can_wear(state, target) for target in state.kids(prep)):
        return False
    return any(
        child.dep_ == "prep" and child.i < prep.i and any(target.dep_ == "pobj" for target in state.kids(child))
        for child in state.kids(verb)
    )


def _relate_verb_preposition(state: ParseState, verb, predicate_words: str, objects) -> None:
    subjects = subjects_of(state, verb)
    if _is_held_in_hand(state, verb, predicate_words, objects):
        state.graph.verbs_with_relation.add(verb.i)
        add_relation(state, objects, "hold", subjects)
        return
    predicate = verb_place_predicate(state, verb, predicate_words)
    if subjects:
        state.graph.verbs_with_relation.add(verb.i)
    add_relation(state, subjects, predicate, objects)


_HOLDING_PARTS = {"hand", "hands", "arm", "arms"}


def _is_held_in_hand(state: ParseState, verb, predicate_words: str, objects) -> bool:
    """ "a frog held in a hand" -> (hand, hold, frog): the hand holding it is the passive's agent. FACTUAL
    train, "X held in (a/the) hand/arm": (hand, hold, X) in 8 of the 9 captions with gold relating the two,
    (X, hold in, hand) in 1 ("baseball bat being held in a guy's hands")."""
    return (
        verb.tag_ == "VBN"
        and predicate_words == "in"
        and state.lemma(verb.text, verb.tag_) == "hold"
        and bool(objects)
        and all(obj.lower_ in _HOLDING_PARTS for obj in objects)
    )


def _is_preposition_tagged_head(head) -> bool:
    """ "trees outside of the fence", "tv is across from couch", "white egg next to bacon": the tagger tags the first
    word a preposition modifying the noun (or verb) and hangs the rest of the phrase on it; it heads the predicate as
    an adverb would, (tree, outside, fence) (FACTUAL train: 'outside' in 21 of the 21 captions with "outside of",
    which the rules related in 8; the rule changes 17 train captions, 15 for the better)."""
    return head.tag_ == "IN" and head.dep_ == "advmod" and head.lower_ in ADVERBIAL_PREPOSITION_HEADS


# Ordinals before a place phrase ("second in line") rank the thing; no predicate of FACTUAL train's 39,252
# gold triples has an ordinal or a number in it, so the bare preposition is written.
_ORDINAL_WORDS = {"first", "second", "third", "fourth", "fifth", "last"}


def _relate_modifier_preposition(state: ParseState, modifier, predicate_words: str, objects) -> None:
    """ "next to", "close to", "full of", "bigger than": the modifier heads the predicate."""
    if modifier.tag_ in ADVERB_TAGS and modifier.lower_ not in ADVERBIAL_PREPOSITION_HEADS:
        return
    if modifier.lower_ in COLOUR_WORDS:
        return  # "white on the bottom": where the colour is, an attribute (FACTUAL: (window, is, white))
    state.graph.relational_modifiers.add(modifier.i)
    predicate = f"{_stranded_place_preposition(state, modifier)}{modifier.lower_} {predicate_words}"
    if modifier.lower_ in _ORDINAL_WORDS:
        predicate = predicate_words  # "the man, second in line" -> (man, in, line)
    owner = modifier.head
    if state.nominal(owner) and modifier.dep_ in ("amod", "advmod"):
        add_relation(state, nominal_conjuncts(state, owner), predicate, objects)
    elif owner.tag_ in VERB_TAGS:
        _relate_verb_preposition(state, owner, predicate, objects)
    elif modifier.lower_ == "next" and _is_copula_adjective(owner) and owner.tag_ == "JJ":
        # "a dog that is white next to the car" -> (dog, next to, car): "next to" after a copula's adjective
        # locates the subject, as the place phrases of `_is_copula_adjective_place` do (FACTUAL train: "the table
        # is wooden next to the box" -> (table, next to, box), 1 of 1)
        add_relation(state, subjects_of(state, _copula_of(owner)), predicate, objects)


# "sitting on back of truck": the tagger reads "back" as an adverb and leaves "on" without an object.
_PART_ADVERBS = {"back"}
_STRANDED_PLACE_PREPOSITIONS = {"on", "in"}


def _stranded_place_preposition(state: ParseState, modifier) -> str:
    """ "people sitting on back of truck" -> (people, sit on back of, truck), not "sit back of": the objectless
    preposition right before an adverb-tagged part noun opens its phrase ("on"/"in " + "back of"; FACTUAL train:
    6 of the 8 such relations keep the caption's preposition, the other two write "on" for "along" and "in")."""
    if modifier.lower_ not in _PART_ADVERBS or modifier.i == 0:
        return ""
    previous = state.tokens[modifier.i - 1]
    if (
        previous.lower_ not in _STRANDED_PLACE_PREPOSITIONS
        or previous.dep_ not in ("prep", "advmod")
        or state.kids(previous)
    ):
        return ""
    state.graph.consumed_preps.add(previous.i)
    return f"{previous.lower_} "


def _relate_reciprocal_object(state: ParseState, verb) -> None:
    """ "two women facing each other" -> (woman, face, woman) (FACTUAL train: 50 of 62 'each other'
    captions relate a node to itself)."""
    predicate = verb_predicate(state, verb)
    if not predicate:
        return
    state.graph.verbs_with_relation.add(verb.i)
    subjects = subjects_of(state, verb)
    if len(subjects) == 1:
        subjects = [_plural_holder(state, subjects[0])]
    _add_reciprocal(state, subjects, predicate)


def _add_reciprocal(state: ParseState, subjects, predicate: str) -> None:
    """One kind of thing relates to itself ("two buses next to each other" -> (bus, next to, bus));
    coordinated different things relate in the caption's order ("a dog and a cat laying next to each
    other" -> (dog, lay next to, cat): FACTUAL train, 6 of the 7 such captions, one adds the reverse)."""
    nodes = [subject for subject in subjects if is_node(state, subject)]
    if len({node_name(state, node) for node in nodes}) < 2:
        state.graph.relations.extend((node, predicate, node) for node in nodes)
        return
    state.graph.relations.extend((first, predicate, second) for first, second in zip(nodes, nodes[1:], strict=False))


def _plural_holder(state: ParseState, noun):
    """ "two cats in front of a window facing each other": one thing cannot face each other; the
    parser hung the clause on the window, the cats before it are the ones."""
    candidate = noun
    for _ in range(3):
        if candidate.tag_ == "NNS" or candidate.dep_ != "pobj" or not state.nominal(candidate.head.head):
            break
        candidate = candidate.head.head
    return candidate if candidate.tag_ == "NNS" else noun


def _relate_reciprocal(state: ParseState, prep, predicate_words: str) -> None:
    """ "two buses next to each other" -> (bus, next to, bus)."""
    head = prep.head
    if head.tag_ in ADJECTIVE_TAGS or head.tag_ in ADVERB_TAGS:
        predicate_words = f"{head.lower_} {predicate_words}"
        state.graph.relational_modifiers.add(head.i)
        if head.head.i == head.i:
            # "two giraffe next to each other": the tagger makes "next" the root and the things its npadvmod;
            # the adverb heads nothing else, so no verb joins the predicate (not "next next to")
            _add_reciprocal(state, subjects_of(state, head), predicate_words)
            return
        head = head.head
    if state.nominal(head):
        subjects = nominal_conjuncts(state, first_nominal_conjunct(state, head))
    else:
        subjects = subjects_of(state, head)
        predicate_words = f"{verb_predicate(state, head)} {predicate_words}".strip()
        state.graph.verbs_with_relation.add(head.i)  # "standing next to each other" is no state
    _add_reciprocal(state, subjects, predicate_words)


# "man watching people parasailing", "the adult helping the boy brush his teeth": the one watched or helped
# is the subject of the clause after the verb; FACTUAL relates it to the verb (train: 8 of 8 such captions).
_SMALL_CLAUSE_VERBS = {"watch", "help", "see"}


def relate_small_clause_object(state: ParseState, verb) -> None:
    """ "man watching people parasailing" -> (man, watch, people); "the man has two arms raised" -> (man,
    have, arm): a state participle after "have" (FACTUAL train: 13 of the 20 "has N V-ed/V-ing" captions, the
    other 7 an "-ing ... on it" place the rules already write)."""
    lemma = state.lemma(verb.text, verb.tag_)
    if lemma not in _SMALL_CLAUSE_VERBS and verb.lower_ not in POSSESSION_VERBS:
        return  # (the word before the children: this runs for every verb)
    if any(child.dep_ == "dobj" for child in state.kids(verb)):
        return
    for clause in state.kids(verb):
        if clause.dep_ not in ("ccomp", "xcomp"):
            continue
        if verb.lower_ in POSSESSION_VERBS and (clause.tag_ != "VBN" or _participle_places_on_owner(state, clause)):
            continue  # "the road has white lines painted on it": only the place (scene_graph_rules' place rules)
        for obj in state.kids(clause):
            if obj.dep_ == "nsubj" and state.nominal(obj):
                predicate = "have" if verb.lower_ in POSSESSION_VERBS else lemma
                add_relation(state, subjects_of(state, verb), predicate, nominal_conjuncts(state, obj))


def relate_copula_part(state: ParseState, part) -> None:
    """ "a large tower is part of the big building" -> (tower, part of, building), "broccoli is part of this meal"
    -> (broccoli, part of, meal): FACTUAL writes what the subject is part of as a relation, not the partitive's
    attribute (building, part) (is_copula_part). FACTUAL train: 2 of 2 captions with "is part of" (long_dev 1 of
    1)."""
    wholes = [
        whole
        for of in state.kids(part)
        if of.dep_ == "prep" and of.lower_ == "of"
        for whole in state.kids(of)
        if whole.dep_ == "pobj" and state.nominal(whole)
    ]
    if wholes:
        add_relation(state, subjects_of(state, part.head), "part of", nominal_conjuncts(state, wholes[0]))


def is_side_by_side(state: ParseState, by) -> bool:
    """The "by" of "side by side"."""
    tokens = state.tokens
    return (
        by.lower_ == "by"
        and 0 < by.i < len(tokens) - 1
        and tokens[by.i - 1].lower_ == "side"
        and tokens[by.i + 1].lower_ == "side"
    )


def repair_place_phrase_on_side_by_side(state: ParseState) -> None:
    """ "two refrigerators side by side in a kitchen", "two books side by side on coffee table": the parser reads the
    first "side" as a verb on the things and hangs the place phrase on it, so the place becomes (X, side in, Y). The
    phrase places the things: it moves to the noun the "side" hangs on (FACTUAL train: the one such caption writes
    (book, on, coffee table); on the COCO test captions 3 such graphs change from (X, side in, Y) to (X, in, Y))."""
    for by in state.tokens:
        if not is_side_by_side(state, by):
            continue
        first, second = state.tokens[by.i - 1], state.tokens[by.i + 1]
        placed = _placed_side_by_side(state, first)
        if placed is None:
            continue
        for prep in [
            kid for kid in (*state.kids(first), *state.kids(second)) if kid.dep_ == "prep" and kid.i > second.i
        ]:
            state.reattach(prep, placed, "prep")


def _placed_side_by_side(state: ParseState, first):
    """What a place phrase after "side by side" places: the noun the first "side" hangs on as a verb ("refrigerators
    side/VBN by side in a kitchen"), the noun it governs as a root ("books/npadvmod side/ROOT by side on coffee table"),
    or the copula it completes ("trains are side/acomp by side in the city")."""
    if first.dep_ == "acl" and state.nominal(first.head):
        return first.head
    if first.dep_ == "acomp" and state.lemma(first.head.text, first.head.tag_) == "be":
        return first.head
    if first.dep_ == "ROOT":
        return next(
            (kid for kid in state.kids(first) if kid.dep_ in ("npadvmod", "nsubj") and state.nominal(kid)), None
        )
    return None


def relate_side_by_side(state: ParseState, by) -> None:
    """ "two motorcycles side by side" -> (motorcycle, side by side with, motorcycle), "two giraffes standing
    side by side" -> (giraffe, stand side by side with, giraffe): the things relate to themselves, like "next
    to each other" (FACTUAL train: 17 of the 19 "side by side" captions; the parser reads the phrase as a
    noun, an agent or a verb, so the rules read the words). The two "side"s are no nodes."""
    first, second = state.tokens[by.i - 1], state.tokens[by.i + 1]
    state.graph.hidden.update((first.i, second.i))
    verbs = [
        token
        for token in (first.head, by.head)
        if token.tag_ in VERB_TAGS and token.lower_ != "side" and state.lemma(token.text, token.tag_) != "be"
    ]
    if verbs:
        verb = verbs[0]
        subjects = subjects_of(state, verb)
        if len(subjects) == 1:
            subjects = [_plural_holder(state, subjects[0])]
        state.graph.verbs_with_relation.add(verb.i)
        _add_reciprocal(state, subjects, join_predicate(verb_predicate(state, verb), "side by side with"))
        return
    for token in reversed(state.tokens[: first.i]):
        if token.tag_ == ".":
            return
        if state.nominal(token) and is_node(state, token):
            _add_reciprocal(state, nominal_conjuncts(state, token), "side by side with")
            return


# ---------------------------------------------------------------------- verb arguments
def relate_direct_object(state: ParseState, obj) -> None:
    verb = obj.head
    if verb.tag_ in VERB_TAGS and is_photo_taken(state, verb, obj):
        _relate_photo_taking(state, verb, obj)
        return
    if verb.tag_ in VERB_TAGS and is_reciprocal(state, obj):
        _relate_reciprocal_object(state, verb)
        return
    if verb.tag_ in VERB_TAGS and obj.tag_ == "PRP":
        obj = object_antecedent(state, obj, subjects_of(state, verb)) or obj
    if verb.tag_ not in VERB_TAGS or not state.nominal(obj):
        return
    subjects = subjects_of(state, verb)
    if not subjects and verb.dep_ == "aux" and verb.lower_ in POSSESSION_VERBS:
        subjects = subjects_of(state, verb.head)  # "man has hand raised": the tagger's `has` is the participle's
    if subjects:
        state.graph.verbs_with_relation.add(verb.i)
    if obj == trick_object(state, verb):
        boards = [board for board in state.lefts(obj) if board.i in state.graph.owners]
        add_relation(state, subjects, "trick on", boards)  # "doing a skateboard trick" (FACTUAL train)
        return
    # "driving down the road" parsed as a bare preposition plus a direct object: merge them.
    dangling = [
        child.lower_
        for child in state.kids(verb)
        if child.dep_ == "prep" and verb.i < child.i < obj.i and not state.kids(child)
    ]
    predicate = " ".join([verb_predicate(state, verb), *dangling]).strip()
    if _is_possession_misread_as_tense(state, verb, obj):
        predicate = "have"
        if verb.i < obj.i and verb.lower_ not in POSITIONAL_MODIFIERS:
            add_attribute(state, [obj], [verb])  # "zebras have striped fur" -> (fur, striped)
    if predicate == "have" and _places_on_itself(state, verb, obj):
        return  # "the plate has food on it": FACTUAL writes only (food, on, plate)
    if predicate == "have" and (part_place := _bare_part_place(state, verb, obj)) is not None:
        state.graph.consumed_preps.add(part_place.i)
        add_relation(state, nominal_conjuncts(state, obj), _container_predicate(state, part_place), subjects)
        return
    if predicate == "wear" and verb.dep_ == "acl" and not any(can_wear(state, subject) for subject in subjects):
        # "drawing of woman riding a bomb wearing a top hat", "the eyes of man wearing a black tie": the parser
        # hangs "wearing" on a thing; the wearer above it wears (8+-word train sample relation F1 70.19 -> 70.26)
        subjects = _wearer_above(state, verb.head) or subjects
    if predicate == "reflect" and subjects and all(subject.lower_ in _MIRRORS for subject in subjects):
        add_relation(state, nominal_conjuncts(state, obj), "reflect in", subjects)
        return
    if predicate in _HAND_VERBS and (with_hand := _with_hand(state, verb)) is not None:
        state.graph.consumed_preps.add(with_hand.head.i)
        add_relation(state, subjects, "have", [with_hand])
        subjects = [with_hand]
    if predicate != "have" and not dangling and (part_place := _object_part_place(state, obj)):
        predicate = _part_object_predicate(state, verb, obj, predicate, part_place)
    add_relation(state, subjects, predicate, nominal_conjuncts(state, obj))


# "woman touching the end of the trunk" -> (woman, touch in end of, trunk), "green vines climbing the side of hill"
# -> (vine, climb on side of, hill): a part noun the verb takes as its object is no node (the partitive is looked
# through to its whole), and FACTUAL writes the part in the predicate, with the part noun's canonical preposition
# (FACTUAL train, a verb's object "[the] top/side/end/edge of X" not written as a node: the part phrase in the
# predicate in 5 of the 6 captions with a verb other than "line"; "support top of board" keeps the verb alone).
# "trees lining the edge of the water", "buildings line both sides of the street": FACTUAL writes only the place,
# (tree, on edge of, water) (train: 6 of the 9 captions with "line"/"lining" + a part noun; 2 write "beside" or
# "behind" instead, 1 another node).
_LINE_VERBS = {"line"}


def _is_line_verb(state: ParseState, verb) -> bool:
    return state.lemma(verb.text, verb.tag_) in _LINE_VERBS


def _part_object_predicate(state: ParseState, verb, obj, predicate: str, part_place: str) -> str:
    """The verb's predicate with the part phrase of its object. A particle before the part is its path preposition,
    which the part noun's canonical one replaces as after a preposition ("people walking down the middle of the
    street" -> (people, walk on middle of, street), train); another particle ("sticking out the side of") leaves
    the predicate as it is."""
    if _is_line_verb(state, verb):
        return part_place
    particles = [kid.lower_ for kid in state.kids(verb) if kid.dep_ == "prt" and verb.i < kid.i < obj.i]
    if any(particle not in CANONICALISED_PREPOSITIONS for particle in particles):
        return predicate
    if particles:
        predicate = " ".join(word for word in predicate.split(" ") if word not in particles)
    return join_predicate(predicate, part_place)


# Verbs whose object is seen or held as a whole, not touched at its part: "a lens shows the corner of a street",
# "room containing corner of entertainment equipment" keep the verb alone.
_VIEWING_VERBS = {"show", "contain", "include", "display", "depict", "feature", "see", "view", "watch", "overlook"}


def _object_part_place(state: ParseState, obj) -> str:
    """ "on top of" for the object "the top of the girl 's head"; "on both sides of" for "both sides of the street";
    "" when the object is no part noun looked through to its whole (or its part noun keeps the caption's
    preposition, which an object has none of)."""
    if obj.i not in state.partitives or len(state.conjuncts(obj)) > 1:
        return ""  # "corner of equipment and a bicycle": the bicycle is no part
    if state.lemma(obj.head.text, obj.head.tag_) in _VIEWING_VERBS:
        return ""
    part = state.noun_lemma(obj.lower_) if obj.tag_ == "NNS" else obj.lower_
    preposition = PART_NOUN_PREPOSITION.get(part)
    if not preposition or resolve(state, obj).i == obj.i:
        return ""
    quantifiers = [kid.lower_ for kid in state.lefts(obj) if kid.lower_ in ("both", "either")]
    if quantifiers:
        return f"{preposition} {quantifiers[0]} {obj.lower_} of"
    # "lining right side of road" -> "on right side of", which FACTUAL writes "on the right side of" (mined)
    sides = [kid.lower_ for kid in state.lefts(obj) if kid.dep_ == "amod" and kid.lower_ in ("left", "right")]
    return " ".join([preposition, *sides, part, "of"])


# "a man holding a hot dog with his right hand" -> (hand, hold, hot dog), (man, have, hand). FACTUAL train,
# "S V O with <part>" for these verbs: the part holds or touches in 10 of 13 captions (the subject in 3; re-parsing
# train: 13 gold triples gained, 4 lost, 4 wrong added, 12 removed); "throw" and "eat" keep the subject (train and
# dev, 4 of 4).
_HAND_VERBS = {"hold", "catch", "touch"}
_HANDS = {"hand", "hands", "arm", "arms", "paw", "paws", "trunk"}


def _with_hand(state: ParseState, verb):
    """The hand-like part in a with-phrase of the verb ("holding the phone with one hand"), or None."""
    for prep in state.kids(verb):
        if prep.dep_ == "prep" and prep.lower_ == "with":
            for part in state.kids(prep):
                if part.dep_ == "pobj" and part.lower_ in _HANDS and is_node(state, part):
                    return part
    return None


# "a mirror reflecting a cat" -> (cat, reflect in, mirror). FACTUAL train, "mirror reflecting X": (X, reflect in,
# mirror) in 6 of 9 captions, (mirror, reflect, X) in 3; water and windows keep `reflect` (5 of 8 for water).
_MIRRORS = {"mirror", "mirrors"}


def _is_possession_misread_as_tense(state: ParseState, verb, obj) -> bool:
    """ "zebras have striped fur", "the bus has tinted windows", "man has hand raised": the tagger reads `has`
    as the auxiliary of a participle (or of an adjective it tags as a verb, "cat has orange tail"), but the
    caption says what the subject has, (zebra, have, fur). Either the participle comes right after `has` and
    right before the object's phrase (no article: "has passed the bridge" is a tense), or the object sits
    between `has` and the participle. (FACTUAL train, all captions: the rule changes 20 graphs, 13 gold `have`
    triples gained, 7 wrong ones added ("has checked shirt" is worn), 18 wrong verb relations dropped, none
    correct lost; 11 gold attributes gained, 5 wrong added.)"""
    auxiliaries = [child for child in state.kids(verb) if child.dep_ == "aux" and child.lower_ in POSSESSION_VERBS]
    if not auxiliaries or any(child.dep_ == "prep" and child.i > obj.i for child in state.kids(verb)):
        return False
    auxiliary = auxiliaries[0]
    if auxiliary.i < obj.i < verb.i:
        return True
    if auxiliary.i != verb.i - 1 or obj.i < verb.i:
        return False
    between = state.tokens[verb.i + 1 : obj.i]
    return all(token.head.i == obj.i and token.dep_ in ("amod", "compound", "nummod") for token in between)


def _bare_part_place(state: ParseState, verb, obj):
    """ "the boat has tires on the side" -> (tire, on side of, boat), as "a boat with tires on the side":
    a bare part noun after the owned object is the owner's part, and FACTUAL writes only the place (train,
    "S has X <on|in|at> [the] <part>": the part predicate in 11 of 14 captions, `have` kept in 2; on the 977
    train captions with has/have/having the rule changes 10: 5 gold triples gained, 12 wrong ones dropped, none
    correct lost, 5 wrong added, where gold's preposition differs, "in the bottom" -> `on bottom of`)."""
    places = [*state.kids(verb), *state.kids(obj)]
    for prep in places:
        if prep.dep_ == "prep" and prep.i > obj.i and prep.lower_ in LOCATIVE_PREPOSITIONS:
            if any(_is_bare_part(state, target) for target in state.kids(prep)):
                return prep
    return None


def _is_bare_part(state: ParseState, target) -> bool:
    """ "on the side", "on top", "on its side": a part noun with at most an article or "its" ("on his back",
    "on left side" name a body or a side of the scene: train, 2 captions, neither written as the part)."""
    if target.dep_ != "pobj" or target.lower_ not in _BARE_PART_NOUNS or target.lower_ == "inside":
        return False
    if any(kid.dep_ != "det" and kid.lower_ != "its" for kid in state.kids(target)) or len(state.kids(target)) > 1:
        return False
    state.graph.hidden.add(target.i)
    return True


def _relate_photo_taking(state: ParseState, verb, obj) -> None:
    """ "a person taking a picture of a man" -> (person, take photo of, man); "a man taking a picture" ->
    (man, taking photo). FACTUAL train, "take a picture/photo/photograph(s)/selfie": with "of X", the
    relation `take photo of` in 8 of 9 captions; without, the attribute `taking photo` in 21 of 27; the
    picture is no node in either, but names the camera its taker holds when no device is named
    (relate_unnamed_camera). (A place of the verb drops it: scene_graph_predicates.verb_predicate.)"""
    state.graph.hidden.add(obj.i)
    subjects = subjects_of(state, verb)
    state.graph.verbs_with_relation.add(verb.i)
    of_phrases = [child for child in state.kids(obj) if child.dep_ == "prep" and child.lower_ == "of"]
    photographed = [target for prep in of_phrases for target in state.kids(prep) if target.dep_ == "pobj"]
    if photographed:
        state.graph.consumed_preps.add(of_phrases[0].i)
        add_relation(state, subjects, "take photo of", nominal_conjuncts(state, photographed[0]))
    else:
        add_attribute(state, subjects, [verb], text="taking photo")
    if _holds_unnamed_camera(state, obj, photographed):
        state.graph.unnamed_cameras.append((subjects, obj))


def relate_unnamed_camera(state: ParseState) -> None:
    """The picture word names the camera its taker holds; after the other relations, so that the picture's place
    phrases stay with the taker ("taking picture in mirror" -> (man, in, mirror))."""
    for holders, picture in state.graph.unnamed_cameras:
        state.graph.hidden.discard(picture.i)
        state.graph.name_overrides[picture.i] = "camera"
        add_relation(state, holders, "hold", [picture])


# Finite and -ing forms of "line" whose object is a part noun: "trees lining the edge of the water".
_LINING_TAGS = {"VBG", "VBZ", "VBP"}


def relate_lining_line(state: ParseState) -> None:
    """ "trees lining the edge of the water" -> (trees, on edge of, water), (trees, in, line): things that line the
    side or edge of something are in a line, which FACTUAL makes a node, as for "lined up" (LINE_PARTICLE_NAME). The
    part noun, hidden for the part-noun predicate, stands for it. FACTUAL train: all 10 captions with "line(s) /
    lining" + a part noun ("the side of", "both sides of", "the edge of", "back of") write (X, in, line). After the
    attributes, so that the part noun's words ("right side") describe nothing."""
    for verb in state.tokens:
        if verb.tag_ not in _LINING_TAGS or state.lemma(verb.text, verb.tag_) != "line":
            continue
        for part in state.kids(verb):
            if (
                part.dep_ == "dobj"
                and part.i in state.graph.hidden
                and state.noun_lemma(part.lower_) in PART_NOUN_PREPOSITION
            ):
                subjects = [subject for subject in subjects_of(state, verb) if is_node(state, subject)]
                if subjects:
                    state.graph.hidden.discard(part.i)
                    state.graph.name_overrides[part.i] = LINE_PARTICLE_NAME
                    add_relation(state, subjects, "in", [part])


# What a photo is taken with, when the caption names it ("taking a picture with her phone").
_REFLEXIVES = {"himself", "herself", "themselves", "itself"}
_PHOTO_DEVICES = {"camera", "phone", "cellphone", "smartphone", "cell", "ipad", "tablet", "iphone"}


def _holds_unnamed_camera(state: ParseState, picture, photographed: list) -> bool:
    """ "a man in a red shirt taking a photo" -> (man, hold, camera): FACTUAL names the camera the caption leaves
    out. FACTUAL train, "take a picture/photo(s)" with no device named: (X, hold, camera) in 18 of 27 captions (12 of
    18 bare, 6 of 9 with "of X"); with one named ("with her phone"), the camera in 1 of 10; a selfie is taken with a
    phone. Re-parsing train.csv: 19 gold triples gained, 4 wrong ones added, 12 more graphs exact and 1 fewer."""
    if state.noun_lemma(picture.lower_) == "selfie" or any(target.lower_ in _REFLEXIVES for target in photographed):
        return False  # a picture of oneself is a selfie
    return not any(state.noun_lemma(token.lower_) in _PHOTO_DEVICES for token in state.tokens)


def _places_on_itself(state: ParseState, verb, obj) -> bool:
    """Whether a place phrase of the verb (or of a noun the tagger made the verb) after the object
    points back at the subject with a pronoun ("on it"). The tagger also hangs it on the object ("the
    plate has sauce on it"): on FACTUAL train (all captions) this drops 40 `have` triples, 5 of them
    gold's."""
    places = [*state.kids(verb), *state.kids(obj)]
    if any(child.i > obj.i and _points_back(state, child) for child in places):
        return True
    return any(
        child.i > obj.i
        and child.dep_ in ("acl", "advcl")
        and child.tag_ in ("VBG", "VBN")
        and _participle_places_on_owner(state, child)
        for child in places
    )


def _participle_places_on_owner(state: ParseState, participle) -> bool:
    """ "the pumpkin has a face carved in it", "the bird has a feather sticking out from its head": the
    participle places the object on the subject (or a part of it) and FACTUAL writes only that place. Of the
    `have` triples it drops on FACTUAL train ("the cupboard has glassware stored in it"), none is gold's; long_dev relation F1 54.19 -> 54.23, exact 26.29 ->
    26.43%; train sample (2,000, 8+ words) 71.29 -> 71.33."""
    preps = [child for child in state.kids(participle) if child.dep_ == "prep"]
    preps += [grandchild for prep in preps for grandchild in state.kids(prep) if grandchild.dep_ == "prep"]
    for prep in preps:
        for target in state.kids(prep):
            if target.dep_ != "pobj":
                continue
            if is_object_pronoun(target) or _has_possessive_pronoun(state, target):
                return True
    return False


def _points_back(state: ParseState, prep) -> bool:
    """ "on it", "in them": a place phrase whose object is a pronoun."""
    return (
        prep.dep_ == "prep"
        and prep.lower_ in LOCATIVE_PREPOSITIONS
        and any(is_object_pronoun(target) for target in state.kids(prep) if target.dep_ == "pobj")
    )


def relate_passive_agent(state: ParseState, agent) -> None:
    """ "the ball is thrown by the man" -> (man, throw, ball)."""
    verb = agent.head
    if state.lemma(verb.text, verb.tag_) in LOCATIVE_PASSIVE_VERBS or _is_posture_beside(state, verb):
        # "cars parked by the building": a place, not an agent.
        words, obj = preposition_phrase(state, agent)
        if obj is not None:
            _relate_verb_preposition(state, verb, " ".join(words), nominal_conjuncts(state, obj))
        return
    agents = [child for child in state.kids(agent) if child.dep_ == "pobj" and state.nominal(child)]
    patients = [child for child in state.kids(verb) if child.dep_ == "nsubjpass" and state.nominal(child)]
    if not patients and _is_reduced_or_relative_passive(state, verb) and state.nominal(verb.head):
        patients = [verb.head]
    if not patients and _is_adverbial_passive(state, verb):
        patients = subjects_of(state, verb)
    for agent_token in agents:
        for patient in patients:
            state.graph.verbs_with_relation.add(verb.i)
            add_relation(
                state,
                nominal_conjuncts(state, agent_token),
                verb_predicate(state, verb),
                nominal_conjuncts(state, patient),
            )


def _is_posture_beside(state: ParseState, verb) -> bool:
    """ "man sitting down by wall", "a boat sitting in the water by the dock": the parser reads the "by" of an
    active posture verb as a passive agent; it is a place (FACTUAL train: `sit by` in both such captions)."""
    return (
        verb.tag_ == "VBG"
        and state.lemma(verb.text, verb.tag_) in POSTURE_VERBS
        and not any(child.dep_ == "auxpass" for child in state.kids(verb))
    )


def _is_reduced_or_relative_passive(state: ParseState, verb) -> bool:
    """ "the hat worn by the man" (acl), "a gown that is worn by a woman" (relcl): the noun the clause hangs
    on is the patient. FACTUAL's training split: the agent relates to that noun in 1 of its 1 relative
    passive with an agent (short captions rarely have one)."""
    if verb.dep_ == "acl":
        return True
    return verb.dep_ == "relcl" and any(
        child.dep_ == "nsubjpass" and child.lower_ in RELATIVE_PRONOUNS for child in state.kids(verb)
    )


def _is_adverbial_passive(state: ParseState, verb) -> bool:
    """ "a man riding a horse while being watched by a crowd": the passive clause has no subject of its
    own; the patient is the subject of the clause it hangs on ("so they don't get hit by a ball": not when
    negated). (FACTUAL long_dev: 1 gold (people, watch, skateboarder) gained; train.csv has no such caption.)"""
    kids = state.kids(verb)
    return (
        verb.dep_ == "advcl"
        and any(child.dep_ == "auxpass" for child in kids)
        and not any(child.dep_ == "neg" for child in kids)
    )


# ------------------------------------------------------------------------- possession
def relate_possession_auxiliary_of_word(state: ParseState, word) -> None:
    """ "building has arched entrance", "the plate has pancakes": the tagger reads the word after `has` as a
    verb (VBN, VBZ, ...) and `has` as its auxiliary; what is had is the word's object, or the word itself when
    no English verb has that form ("pancakes/VBZ"). (FACTUAL train: 47 captions with `has` an auxiliary of a
    non-noun root have the gold `have`, the rules wrote none; this rule writes 14 of them, no wrong graph
    loses a gold triple.)"""
    if word.dep_ != "ROOT" or not _has_possession_auxiliary(state, word):
        return
    subjects = [child for child in state.kids(word) if child.dep_ == "nsubj" and state.nominal(child)]
    if not subjects:
        return
    objects = [
        child
        for child in state.kids(word)
        if child.dep_ == "dobj"
        and state.nominal(child)
        and child.left_edge.i == word.i + 1
        and not any(kid.dep_ == "det" for kid in state.kids(child))
    ]  # "has just used the ramp", "has built up rock": a real perfect, no modifier
    if any(child.dep_ in ("prt", "advmod") for child in state.kids(word)):
        return
    if not objects and not state.is_verb(word.text, word.tag_) and word.tag_ not in ADJECTIVE_TAGS:
        state.nominal_overrides.add(word.i)
        objects = [word]
    if objects and objects[0] is not word and _is_possession_misread_as_tense(state, word, objects[0]):
        return  # "zebras have striped fur": relate_direct_object writes the `have` and keeps the modifier
    if objects and (objects[0] is word or objects[0].i > word.i):
        if objects[0] is not word:
            state.relabel(word, tag="JJ")  # "arched", "stringy": a modifier of what is had, no act
        add_relation(state, nominal_conjuncts(state, subjects[0]), "have", nominal_conjuncts(state, objects[0]))


def relate_possession_auxiliary(state: ParseState, noun) -> None:
    """ "the bird has beak": the tagger makes `has` an auxiliary of the noun."""
    if _has_possession_auxiliary(state, noun):
        subjects = [child for child in state.kids(noun) if child.dep_ == "nsubj" and state.nominal(child)]
        if subjects and not _places_on_itself(state, noun, noun):
            add_relation(state, nominal_conjuncts(state, subjects[0]), "have", nominal_conjuncts(state, noun))


def _has_possession_auxiliary(state: ParseState, word) -> bool:
    """Whether `has` hangs on the word as its auxiliary. A loop rather than any(...) over a generator: this runs for
    every noun, and a generator costs about 0.45 us a call on its own (timeit, three children)."""
    for child in state.kids(word):
        if child.dep_ == "aux" and child.lower_ in POSSESSION_VERBS:
            return True
    return False


def relate_possession_auxiliary_of_modifier(state: ParseState, verb) -> None:
    """ "girl has pink shirt", "the elephant has dry skin": the tagger hangs `has` on the adjective as its
    auxiliary and the subject on `has`, so neither possession rule sees the noun had; (girl, have, shirt)
    (FACTUAL train, all captions: the rule changes 8 graphs, all 8 gaining the gold `have`)."""
    if verb.dep_ != "aux" or verb.lower_ not in POSSESSION_VERBS:
        return
    modifier = verb.head
    had = modifier.head
    if modifier.dep_ not in ("amod", "nummod", "compound") or had.i <= verb.i or not state.nominal(had):
        return
    subjects = [child for child in state.kids(verb) if child.dep_ == "nsubj" and state.nominal(child)]
    if subjects:
        add_relation(state, nominal_conjuncts(state, subjects[0]), "have", nominal_conjuncts(state, had))


def relate_possession_auxiliary_of_adjective(state: ParseState, adjective) -> None:
    """ "dog has white long fur .", "field has light green grasses": the tagger makes the first adjective after
    `has` the root, `has` its auxiliary and the noun had its object, so no rule relates the owner; (dog, have, fur),
    and the root adjective describes the fur. FACTUAL train: 5 captions parsed so, gold `have` in 4 (the other,
    "this glass has yellow liquid in it", writes only the place, as for "has X in it" elsewhere, and is left alone),
    the rules related nothing in any; re-parsing train: 4 graphs change, 4 gold triples gained, none lost, none
    wrong added, 2 more exact; of the 25,010 COCO Karpathy test captions 1 changes, "a living room has plush
    furniture and a fireplace")."""
    if adjective.dep_ != "ROOT" or adjective.tag_ not in ADJECTIVE_TAGS:
        return
    auxiliaries = [kid for kid in state.kids(adjective) if kid.dep_ == "aux" and kid.lower_ in POSSESSION_VERBS]
    if not auxiliaries or auxiliaries[0].i != adjective.i - 1:
        return
    subjects = [
        kid
        for holder in (adjective, auxiliaries[0])
        for kid in state.kids(holder)
        if kid.dep_ == "nsubj" and state.nominal(kid)
    ]
    had = [kid for kid in state.kids(adjective) if kid.dep_ == "dobj" and kid.i > adjective.i and state.nominal(kid)]
    if not subjects or not had or any(_points_back(state, kid) for kid in state.kids(adjective)):
        return
    add_relation(state, nominal_conjuncts(state, subjects[0]), "have", nominal_conjuncts(state, had[0]))
    following = state.tokens[adjective.i + 1]
    if not (adjective.lower_ in SHADE_WORDS and following.lower_ in COLOUR_WORDS):  # "light green": one colour
        add_attribute(state, [had[0]], [adjective])


def relate_possessed_state(state: ParseState, clause) -> None:
    """ "the elephant has its mouth open", "man has arms extended" -> (elephant, have, mouth): the tagger makes
    the state a clause of `have` with the part as its subject, and FACTUAL writes the part as owned. Objects
    placed by the clause ("rocks strewn about", "lines painted on it") keep only their place. (FACTUAL train,
    all captions: the rule adds 12 `have` triples, all 12 gold's.)"""
    verb = clause.head
    if verb.lower_ not in POSSESSION_VERBS or clause.tag_ not in ("JJ", "VBN", "VBD") or clause.i < verb.i:
        return
    if any(child.dep_ in ("prt", "advmod") or _points_back(state, child) for child in state.kids(clause)):
        return  # "the ground has gravel spread out", "the road has lines painted on it"
    if any(child.dep_ == "prep" and not state.kids(child) for child in state.kids(clause)):
        return  # "the shore has rocks strewn about"
    owners = subjects_of(state, verb)
    for part in state.kids(clause):
        if part.dep_ in ("nsubj", "nsubjpass") and state.nominal(part) and part.i > verb.i:
            add_relation(state, owners, "have", nominal_conjuncts(state, part))


def relate_unmarked_possessive(state: ParseState, owner) -> None:
    """ "black hat on mans head" -> (man, have, head) (scene_graph_nodes._is_unmarked_possessive_place)."""
    add_relation(state, [owner], "have", [state.graph.owned_parts[owner.i]])


def relate_possessive(state: ParseState, owner) -> None:
    """ "the man's hat" -> (man, have, hat); in long captions "holding a cup in his hand" -> (man, have, hand).
    In long captions a garment after a possessive noun is worn, "rider's royal blue jacket zipped up to protect
    himself" -> (rider, wear, jacket) (FACTUAL long_dev, 10+ words: wear in 5 of 6 gold relations; train holds
    no such caption and writes `have` in 72, `wear` in 12 of 101 shorter ones; long_dev relation F1 53.08 -> 53.16)."""
    possessed = owner.head
    if owner.lower_ == "whose":
        owner = _relative_clause_antecedent(state, owner)
        if owner is None:
            return
    if state.nominal(owner) and state.nominal(possessed):
        owned = [_possessed_garment(state, noun) for noun in nominal_conjuncts(state, possessed)]
        worn = [noun for noun in owned if is_garment(state, noun)] if _is_long_caption(state) else []
        add_relation(state, [resolve(state, owner)], "wear", worn)
        add_relation(state, [resolve(state, owner)], "have", [noun for noun in owned if noun not in worn])
    elif owner.lower_ in _POSSESSIVE_PRONOUNS and _is_long_caption(state):
        _relate_pronoun_owned_part(state, owner)


def _relative_clause_antecedent(state: ParseState, whose):
    """ "the dog whose head is covered by a peculiar hat" -> the dog: "whose" owns its noun for the noun the
    relative clause hangs on, as "the dog's head" does, (dog, have, head) (long_dev 1 of 1; no FACTUAL train
    caption has "whose"). None when the clause hangs on no noun."""
    clause = whose.head.head
    if clause.dep_ != "relcl" or not state.nominal(clause.head):
        return None
    return clause.head


# Possessive pronouns, and the owner nouns each cannot refer to.
_POSSESSIVE_PRONOUNS = {"his": FEMALE_PERSON_NOUNS, "her": MALE_PERSON_NOUNS, "its": frozenset(), "their": frozenset()}


def _relate_pronoun_owned_part(state: ParseState, pronoun) -> None:
    """ "a man with a game controller in his hands" -> (man, have, hand): in long captions FACTUAL names
    the owner of a body part a possessive pronoun points to (FACTUAL train, "his/her/its/their" + body
    part: gold `have` in 24 of 95 captions of up to 6 words, 56 of 125 of 7-8, 11 of 27 of 9; for other
    nouns 11 of 176, 13 of 115 and 3 of 24). The owner is the outermost node above the part that the
    pronoun can refer to (no garment: "the jeans the guy is wearing ... with his hands"): the head noun of the
    phrase, or the subject of the clause. A part that is a verb's object is left alone ("a girl holds her
    arms out": on the dev splits 3 of 4 such `have`s were not in the gold). The part's head word decides ("in
    her left hand": long_dev relation F1 53.02 -> 53.16), and a possessive pronoun also marks POSSESSED_BODY_PARTS
    ("with his back to the camera": 53.07 -> 53.16)."""
    part = pronoun.head
    # the head word: "in her left hand" names the part "left hand"
    if (
        not state.nominal(part)
        or not is_node(state, part)
        or node_name(state, part).split(" ")[-1] not in BODY_PARTS | POSSESSED_BODY_PARTS
    ):
        return
    if part.dep_ == "dobj":
        return  # "a girl holds her arms out", "resting his head on ...": the verb's own part, no `have`
    owner = _pronoun_owner(state, pronoun, part)
    if owner is not None:
        add_relation(state, [owner], "have", [part])


def _pronoun_owner(state: ParseState, pronoun, part):
    excluded = _POSSESSIVE_PRONOUNS[pronoun.lower_]
    owners, token, steps = [], part, 0
    while token.head.i != token.i and steps < len(state.tokens):
        token, steps = token.head, steps + 1
        candidates = subjects_of(state, token) if token.tag_ in VERB_TAGS else [token]
        if candidates and candidates[0].i < pronoun.i and state.nominal(candidates[0]):
            resolved = resolve(state, candidates[0])
            if _can_own(state, candidates[0], resolved, excluded):
                owners.append(resolved)
    if pronoun.lower_ in ("his", "her"):
        # "a blue cup a man is holding with his left hand": his/her points to a person above a thing (long_dev:
        # one wrong (cup, have, hand) less)
        owners = [owner for owner in owners if can_wear(state, owner)] or owners
    return owners[-1] if owners else None


def _can_own(state: ParseState, token, resolved, excluded) -> bool:
    if not is_node(state, resolved):
        return False
    name = node_name(state, resolved)
    worn = token.lower_ in GARMENTS or name in GARMENTS or f"{name}s" in GARMENTS
    return name not in excluded and name not in BODY_PARTS and not worn


def _is_long_caption(state: ParseState) -> bool:
    return _caption_words(state) >= LONG_CAPTION_WORDS


def _caption_words(state: ParseState) -> int:
    return sum(1 for token in state.tokens if token.is_alpha)


def relate_compound_owner(state: ParseState, owner) -> None:
    """ "bare tree branches", "a horse head": a noun compound the node name leaves out ("tree branch" is
    no kept name) names the head's owner, (tree, have, branch), for the heads where FACTUAL writes it
    so (OWNED_PART_HEADS, mined from its training split; relation F1 on all of train.csv 77.32 -> 77.50,
    `benchmarks/parser_quality.py --splits --train_sample 40000 --skip_speed --skip_baseline --skip_aro`)."""
    part = owner.head
    if part.i != owner.i + 1 or owner.lower_ in MATERIAL_AND_COLOUR_NOUNS:
        return
    paired = (
        _is_owned_part_pair(state, owner, part)
        or _is_unmarked_possessive(state, owner, part)
        or _is_beings_body_part(state, owner, part)
        or _is_garment_part(state, owner, part)
    )
    if owner.dep_ == "amod" and not paired:
        return  # only the mined pairs read an adjective-tagged word as the owner noun
    if not state.nominal(owner) and owner.dep_ != "amod":
        return
    if is_attribute_in_name(state, owner) and not paired:
        return  # "leafy branches": a word FACTUAL writes as an attribute owns nothing
    if part.dep_ == "compound" or not is_node(state, part):
        return
    if not paired and state.noun_lemma(part.lower_) not in OWNED_PART_HEADS:
        return
    if owner.lower_ in factual_name(state, part).split():
        return  # kept in the name: no node of its own
    if not state.nominal(owner):
        state.nominal_overrides.add(owner.i)  # "the oven door": the tagger's adjective is the owner noun
    state.graph.owners.add(owner.i)
    add_relation(state, [owner], "have", [part])


def relate_compound_pair(state: ParseState, compound) -> None:
    """ "a train station" -> (station, for, train), "a wire fence" -> (fence, make of, wire): a noun compound the
    node name leaves out that FACTUAL writes as a node of its own, related to the noun (COMPOUND_PAIR_PREDICATES,
    mined from its training split: train station 33 of 48 captions, wire fence 9 of 12, computer screen 6 of 8).
    "for" is then dropped with the other NON_PREDICATES relations; the node stays."""
    noun = compound.head
    if compound.i in state.graph.fixtures:
        add_relation(state, [compound], "on", [noun])  # "street light pole" (scene_graph_nodes.SUPPORT_NOUNS)
        return
    if noun.i != compound.i + 1 or compound.i in state.graph.owners or not is_node(state, noun):
        return
    predicate = COMPOUND_PAIR_PREDICATES.get(f"{compound.lower_} {state.noun_lemma(noun.lower_)}")
    if predicate is None or compound.lower_ in factual_name(state, noun).split():
        return
    state.graph.owners.add(compound.i)
    add_relation(state, [noun], predicate, [compound])


def relate_compound_sleeve(state: ParseState, sleeve) -> None:
    """ "a short sleeve shirt" -> (shirt, have, sleeve), (sleeve, short): FACTUAL makes the sleeve a node of the
    garment, as for "long sleeved" (PART_ADJECTIVES), and the length is the sleeve's. (FACTUAL train, "short/long
    sleeve <garment>": (garment, have, sleeve) in all 19 such captions; on all of train.csv the rule gains 13 gold
    triples, 13 gold nodes and 13 gold attributes, dropping 13 wrong ones, none wrong added.)"""
    garment = sleeve.head
    if garment.i != sleeve.i + 1 or not is_garment(state, garment) or not is_node(state, garment):
        return
    state.graph.owners.add(sleeve.i)
    state.graph.head_parts.add(sleeve.i)
    add_relation(state, [garment], "have", [sleeve])


# Parts of a garment FACTUAL names as nodes of their own ("shirt cuff" it keeps whole)
_GARMENT_PARTS = {"sleeve", "collar"}


def _is_garment_part(state: ParseState, garment, part) -> bool:
    """ "a watch inside a jacket sleeve" -> (jacket, have, sleeve), "the man 's shirt sleeves" -> (shirt, have,
    sleeve). FACTUAL train and dev splits, a garment compounded with "sleeve(s)"/"collar": (garment, have, part) in
    all 3 captions (1 on train, 2 on long_dev)."""
    return (
        garment.dep_ == "compound" and is_garment(state, garment) and state.noun_lemma(part.lower_) in _GARMENT_PARTS
    )


def _possessed_garment(state: ParseState, noun):
    """ "the man 's shirt sleeves": the possessive's owner wears the garment, a node of its own (see
    relate_compound_owner), not its part."""
    before = state.tokens[noun.i - 1] if noun.i else None
    if before is None or before.head.i != noun.i or not _is_garment_part(state, before, noun):
        return noun
    state.graph.owners.add(before.i)
    return before


def _is_unmarked_possessive(state: ParseState, owner, part) -> bool:
    """ "a white cat sleeping on dogs paw", "ski pole in skiers hand": a plural-looking compound before a
    singular body part is a possessive that lost its apostrophe, (dog, have, paw). (FACTUAL train, all
    captions: the rule adds 6 `have` triples and 6 owner nodes, all gold's; spaCy tags most such words
    otherwise, "black hat on mans head" makes "head" the root.)"""
    return (
        owner.tag_ == "NNS"
        and owner.dep_ == "compound"
        and owner.lower_.endswith("s")
        and part.tag_ == "NN"
        and state.noun_lemma(part.lower_) in BODY_PARTS
        and not is_garment(state, owner)  # "a woman in cheetah skirts hand": a garment owns no body part
    )


def _is_beings_body_part(state: ParseState, owner, part) -> bool:
    """ "the man hand is touching his neck", "black nose on bear face", "alert cat face": a person or an animal
    (the mined WEARERS) compounded with a body part owns it, (man, have, hand), as "the man 's hand" does. FACTUAL
    train: 8 of the 9 such compounds outside the kept names are written (owner, have, part) ("ring on a lady hand"
    keeps the lady apart); the mined OWNED_PART_HEADS already cover arm, eye, head, leg and the like."""
    return (
        owner.dep_ == "compound"
        and owner.tag_ in ("NN", "NNS")
        and state.noun_lemma(owner.lower_) in WEARERS
        and state.noun_lemma(part.lower_) in BODY_PARTS
    )


def _is_owned_part_pair(state: ParseState, owner, part) -> bool:
    """ "a laptop screen", "the oven door", "clock face": owner-part pairs FACTUAL writes as (owner, have, part)
    where the head alone does not decide ("computer screen" mostly no) (OWNED_PART_PAIRS, mined from its training
    split: laptop screen 7 of 7 captions, oven door 6 of 7, clock face 9 of 15; on all of train.csv the pairs gain
    46 gold `have` triples and 48 gold nodes, and add 12 wrong triples). A mined pair wins over a name modifier
    ("laptop" alone is an attribute: "a laptop computer")."""
    return f"{state.noun_lemma(owner.lower_)} {state.noun_lemma(part.lower_)}" in OWNED_PART_PAIRS


def relate_line_member(state: ParseState, particle) -> None:
    """ "pots lined up on a shelf" -> (pot, in, line): the verb's subjects are in the line that the
    particle stands for (scene_graph_nodes.is_line_particle)."""
    add_relation(state, subjects_of(state, particle.head), "in", [particle])


def relate_line_of(state: ParseState, line) -> None:
    """ "a line of trees" -> (tree, in, line) (scene_graph_nodes._is_line_of)."""
    add_relation(state, [resolve(state, line)], "in", [line])


def relate_part_adjective(state: ParseState, part) -> None:
    """ "a dark haired man" -> (man, have, hair); "a tiled roof" -> (tile, on, roof) (COVERING_ADJECTIVES)."""
    if part.lower_ in COVERING_ADJECTIVES:
        covered = nominal_conjuncts(state, part.head) if part.dep_ == "amod" else subjects_of(state, part)
        add_relation(state, [part], COVERING_PREDICATES.get(part.lower_, "on"), covered)
    else:
        add_relation(state, nominal_conjuncts(state, part.head), "have", [part])


# The words a "next to" fallback may step over between the phrase and its nouns: articles, numbers,
# adjectives and the nouns of a compound ("a small blue trash can next to the sofa", "can" tagged a modal).
_NOUN_PHRASE_TAGS = {"DT", "CD", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "PRP$", "POS", "HYPH", "MD"}


def relate_unparsed_next_to(state: ParseState) -> None:
    """ "a trash can next to the stove", "big tree next to road", "fork is next to plate": in short fragments the
    tagger makes "next" the root or "to" an auxiliary, and no rule relates the nouns around the phrase. The
    nearest nouns on either side are FACTUAL's pair (train: 96 of the 573 captions with "next to" have a gold
    `next to` relation and the rules none; the pair is the nouns next to the phrase in 38 of the first 40, the
    other two the noun before a place phrase, "boy in bed next to girl" -> (boy, next to, girl)); a verb
    between them joins the predicate ("man standing next to wall" -> (man, stand next to, wall))."""
    tokens = state.tokens
    for token in tokens:
        if token.lower_ != "next" or token.i + 2 >= len(tokens) or tokens[token.i + 1].lower_ != "to":
            continue
        obj = _nearest_node(state, range(token.i + 2, len(tokens)))
        if obj is None or is_reciprocal(state, obj) or obj.lower_ == "eachother":
            continue
        verb = tokens[token.i - 1] if token.i and tokens[token.i - 1].tag_ in ("VBG", "VBN") else None
        subject = _nearest_node(state, range(token.i - (2 if verb is not None else 1), -1, -1))
        if subject is None or any(
            s.i == subject.i or o.i == obj.i for s, p, o in state.graph.relations if p.endswith("next to")
        ):
            continue
        predicate = join_predicate(verb_predicate(state, verb), "next to") if verb is not None else "next to"
        add_relation(state, [_placed_noun(state, subject)], predicate, [obj])


def _nearest_node(state: ParseState, indices):
    """The first node token met walking `indices`, over a noun phrase's words and a copula only."""
    for i in indices:
        token = state.tokens[i]
        if is_node(state, token):
            return resolve(state, token)
        if token.tag_ not in _NOUN_PHRASE_TAGS and token.lower_ not in ("is", "are"):
            return None
    return None


def _placed_noun(state: ParseState, noun):
    """ "cat on blanket next to keyboard": the noun of a place phrase locates the thing before it, which is
    the one next to the keyboard."""
    preposition = noun.head
    if noun.dep_ == "pobj" and preposition.lower_ in ("in", "on") and is_node(state, preposition.head):
        return preposition.head
    return noun


_COVERER_DEPS = {"npadvmod", "nmod", "amod", "compound", "nsubj"}

# FACTUAL's predicate for "N <participle> M" and whether N (False) or M (True) is its subject.
_COVERING_PARTICIPLES = {
    "cover": ("cover", False),
    "cap": ("cap", False),
    "line": ("line", False),
    "fill": ("fill with", True),
}


def relate_covering_participle(state: ParseState, participle) -> None:
    """ "a snow covered mountain range", "a grass covered hillside", "brick-covered sidewalk": the noun before
    "covered" covers the thing the participle describes, (snow, cover, mountain range), and "grass covered" is no
    attribute (FACTUAL train, "N covered N": the relation in 86 of 91 captions; the rules had missed it in 28,
    reading "covered" as an adjective of the object; the rule changes 16 train graphs, all for the better).
    "snow capped mountains" -> (snow, cap, mountains) (2 of 3 such "capped"); "a water filled glass" is the other
    way round, (glass, fill with, water) (5 of 6 such "filled")."""
    if participle.tag_ not in ("VBN", "VBD") or participle.i == 0:
        return
    convention = _COVERING_PARTICIPLES.get(state.lemma(participle.text, participle.tag_))
    if convention is None:
        return
    coverer_i = participle.i - 2 if state.tokens[participle.i - 1].text == "-" else participle.i - 1
    if coverer_i < 0:
        return
    coverer, covered = state.tokens[coverer_i], participle.head
    if coverer.dep_ not in _COVERER_DEPS or coverer.head.i not in (participle.i, covered.i):
        return
    if covered.i < participle.i or not is_node(state, coverer) or not state.nominal(covered):
        return
    state.graph.relational_modifiers.add(participle.i)
    predicate, reversed_ = convention
    if reversed_:
        add_relation(state, nominal_conjuncts(state, covered), predicate, [resolve(state, coverer)])
    else:
        add_relation(state, [resolve(state, coverer)], predicate, nominal_conjuncts(state, covered))


# Places a reflection named by its compound is seen in or on: "camera reflection in mirror"
_REFLECTION_PLACES = {"in", "on"}


def reword_reflection_places(state: ParseState) -> None:
    """ "camera reflection in mirror", "street sign reflections on glass": FACTUAL names a reflection after the
    noun compound before it (COMPOUND_NAMED_HEADS), and then writes where it is seen as the verb, (camera, reflect
    in, mirror), as it does for "a van reflected in the window". FACTUAL train: all 3 captions "<noun>
    reflection(s) in/on <place>" whose node is the compound ("camera reflection in mirror", "a girls reflection in
    a mirror", "street sign reflections on glass"); "light reflection on cow fur" keeps "light reflection" whole
    and is no such node."""
    relations = state.graph.relations
    for k, (subject, predicate, obj) in enumerate(relations):
        if (
            predicate in _REFLECTION_PLACES
            and subject.lower_ in REFLECTION_NOUNS
            and is_compound_named_head(state, subject, node_name(state, subject))
        ):
            relations[k] = (subject, f"reflect {predicate}", obj)


# Devices whose screen shows what is "displayed on" them, by the lemma of the place noun
_SHOWING_DEVICES = {
    "screen",
    "monitor",
    "television",
    "tv",
    "phone",
    "cellphone",
    "smartphone",
    "laptop",
    "computer",
    "clock",
}


def reword_displayed_on_device(state: ParseState) -> None:
    """ "two cats are displayed on the screen", "time of 5:41 displayed on clock": what a screen or clock shows,
    FACTUAL writes with the device as the subject, (screen, display, cat), where things displayed on a table or a
    shelf keep (food, display on, table). FACTUAL train: all 3 captions "X displayed on <screen, phone, clock>";
    the active "11.11 showing on the screen" keeps (number, show on, screen), so only the passive participle."""
    relations = state.graph.relations
    for k, (subject, predicate, obj) in enumerate(relations):
        if (
            predicate == "display on"
            and state.noun_lemma(obj.lower_) in _SHOWING_DEVICES
            and _is_displayed(state, subject)
        ):
            relations[k] = (obj, "display", subject)


def _is_displayed(state: ParseState, subject) -> bool:
    """The subject is what a passive "displayed" says is shown: its participle or its passive clause's verb (the
    tagger reads a fragment's "displayed" as a past tense too)."""
    while subject.dep_ == "conj" and subject.head.i != subject.i:
        subject = subject.head  # "a woman and two men are displayed on a small television"
    return any(
        verb.tag_ in ("VBN", "VBD") and _verb_lemma(state, verb) == "display"
        for verb in (subject.head, *state.kids(subject))
    )
