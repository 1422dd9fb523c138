"""Predicate rules: the words of a relation's predicate, FACTUAL style.

Verb and preposition merge ("sit on"); multi-word prepositions stay whole ("in front of", "on top of",
"next to"); possession verbs become `have` (Li et al., Findings of ACL 2023, FACTUAL annotation guide).
"""

from __future__ import annotations

from .scene_graph_conventions import (
    ADVERB_TAGGED_NOUNS,
    DROPPED_PREDICATE_WORDS,
    PART_NOUN_PREDICATES,
    PARTICLE_PREDICATES,
    PLACE_PREDICATE_VERBS,
    PREDICATES,
    REVERSED_PREDICATES,
)
from .scene_graph_lemmas import FINITE_VERB_TAGS, NOUN_TAGS, VERB_TAGS
from .scene_graph_lexicon import (
    ARTICLE_KEPT_PART_NOUNS,
    BEINGS_OUTSIDE_WEARERS,
    BODY_PARTS,
    CANONICALISED_PREPOSITIONS,
    CARRIED_THINGS,
    DEPICTED_BEINGS,
    FACTUAL_VERBS,
    FOR_KEEPING_VERBS,
    FROM_PLACE_PREPOSITIONS,
    HEIGHT_WORDS_LEFT_OUT,
    LEADING_ADVERB_PLACES,
    LEADING_PLACE_ADVERBS,
    PART_NOUN_PREPOSITION,
    PARTICLE_PLACE_SPELLINGS,
    PLACE_PHRASE_SPELLINGS,
    PLACE_VERB_PARTICLES,
    POSSESSION_VERBS,
    POSTURE_PARTICLES,
    POSTURE_VERBS,
    PURSUIT_VERBS,
    SEEN_PLACE_PREPOSITIONS,
    STATES_BEFORE_PLACE,
    TAKEN_ACTIVITIES,
    WITH_HEAD_SERVING_SURFACES,
)
from .scene_graph_nodes import can_wear, has_pronoun_of, is_line_particle, of_object, one_slip_edits
from .scene_graph_references import is_reciprocal
from .scene_graph_state import ParseState


def verb_predicate(state: ParseState, verb) -> str:
    """Lemma plus particles ("pick up"); "" for a copula; `have` for possession verbs."""
    lemma = respelled_verb(state, verb, state.lemma(verb.text, verb.tag_))
    kids = state.kids(verb)
    if lemma == "be" or (lemma == "take" and any(is_photo_taken(state, verb, child) for child in kids)):
        return ""  # "man is taking picture in mirror" -> (man, in, mirror) (FACTUAL train)
    if verb.lower_ in POSSESSION_VERBS:
        return "have"
    if lemma == "take" and (activity := _taken_activity(state, kids)) is not None:
        return activity  # "dog takes a nap on a couch" -> (dog, nap on, couch)
    particles = [child for child in kids if child.dep_ == "prt"]  # (a line particle is one too)
    if particles and any(is_line_particle(state, child) for child in particles):
        return ""  # "pots lined up on a shelf" -> (pot, on, shelf): FACTUAL train, 11 of 11 such place phrases
    if trick_object(state, verb) is not None:
        return "trick"
    # a "particle" with an object is the preposition of its own relation ("walking down the street")
    return " ".join([lemma, *(child.lower_ for child in particles if not is_particle_with_object(state, child))])


def _taken_activity(state: ParseState, kids):
    """The activity a "take" names ("takes a nap", "taking a look at"), which the rules hide as a node
    (scene_graph_nodes._is_taken_activity): the verb of the relation, or None."""
    for child in kids:
        if (
            child.dep_ == "dobj"
            and child.i in state.graph.hidden
            and state.noun_lemma(child.lower_) in TAKEN_ACTIVITIES
        ):
            activity = state.noun_lemma(child.lower_)
            return "" if activity in _PAUSES else activity  # "taking a break in the snow" -> (man, in, snow)
    return None


_PAUSES = {"break", "breather"}


def respelled_verb(state: ParseState, verb, lemma: str) -> str:
    """ "man and woman wallking on the sidewalk" -> walk on, "woman weraing tennis bracelet" -> wear: a verb form
    (-ing, -ed, or tagged past or participle: "wearng") that is no English word is the one verb FACTUAL writes in its
    predicates (PLACE_PREDICATE_VERBS, mined) that it is one typing slip away from, by its stem ("wallk": walk) or by
    its whole form ("hoding": holding); none when there are two ("hoding" is also "hiding", "carying" "carving").
    Re-parsing FACTUAL train: 22 graphs change, 19 gold triples gained, none lost, 15 more exact. An empty table
    (while mining) changes nothing."""
    word = verb.lower_
    if (
        not (word.endswith(("ing", "ed")) or verb.tag_ in ("VBG", "VBN", "VBD"))
        or verb.tag_ not in VERB_TAGS
        or len(lemma) < 3
        or not lemma.isalpha()
    ):
        return lemma
    if lemma in PLACE_PREDICATE_VERBS or state.is_word(word) or state.is_word(lemma):
        return lemma
    if word.endswith("ied") and state.is_verb(word[:-3] + "y", "VB"):
        return lemma  # "readied": a regular form of "ready" that spaCy's rules do not lemmatise
    stems = {edit for edit in one_slip_edits(lemma) if edit in PLACE_PREDICATE_VERBS and state.is_verb(edit, "VB")}
    forms = {state.lemma(edit, verb.tag_) for edit in one_slip_edits(word) if state.is_verb(edit, verb.tag_)}
    found = stems | (forms & PLACE_PREDICATE_VERBS)
    return found.pop() if len(found) == 1 else lemma


def _verb_respellings(predicates: dict[str, str]) -> dict[str, str]:
    """Verbs a mined rewrite replaces whatever its preposition: "seat at" -> "sit at" and "speak on" -> "talk on"
    make "seated in" (sit in) and "speaks into" (talk into)."""
    respellings = {}
    for predicate, choice in predicates.items():
        words, chosen = predicate.split(" "), choice.split(" ")
        if len(words) > 1 and words[1:] == chosen[1:] and words[0] != chosen[0]:
            respellings[words[0]] = chosen[0]
    return respellings


# The lexicon's single-word verb swaps hold before a place too ("seated at" -> sit at) and keep the verb there,
# whether or not a rerun of the miner still lists the whole predicate.
_VERB_RESPELLINGS = {
    **_verb_respellings(PREDICATES),
    **{verb: common for verb, common in FACTUAL_VERBS.items() if " " not in common},
}


def verb_place_predicate(state: ParseState, verb, place_words: str) -> str:
    """The predicate of a verb and its place phrase, "sit on". FACTUAL writes a verb before a place from a closed
    set (PLACE_PREDICATE_VERBS, mined): another verb is left out unless the caption gives it as an -ing form, "a
    glass door found in a kitchen" -> (door, in, kitchen), "a clock positioned on the front of the building" ->
    (clock, on front of, building). A particle between a kept verb and the place goes unless FACTUAL writes the
    whole predicate (PARTICLE_PREDICATES, mined): "jumping up in the air" -> (man, jump in, air), but "sticking out
    of". After a verb "for" goes: "people waiting for the train" -> (people, wait, train) (FACTUAL train, the rules'
    "V for" pairs: the verb alone in 17, "V for" in 3, another predicate in 31; the lexicon keeps "look for"). A
    rewrite mined for the whole predicate wins ("dusted with" -> cover), and one that only swaps the verb
    holds for every preposition ("seated in" -> "sit in"). An empty table (while mining) keeps every word."""
    verb_words = verb_predicate(state, verb)
    if not PLACE_PREDICATE_VERBS:
        return join_predicate(verb_words, place_words)
    verb_words = _VERB_RESPELLINGS.get(verb_words, verb_words)
    predicate = join_predicate(verb_words, place_words)
    predicate = PARTICLE_PLACE_SPELLINGS.get(predicate, predicate)  # "sticking out from" -> stick out of
    if not verb_words or predicate in PREDICATES or predicate in REVERSED_PREDICATES:
        return predicate
    if place_words == "for" and verb_words not in FOR_KEEPING_VERBS:
        return verb_words  # "people waiting for the train" -> (people, wait, train)
    if verb_words == "see" and verb.tag_ == "VBN" and place_words.split(" ")[0] in SEEN_PLACE_PREPOSITIONS:
        return place_words  # "clouds are seen in the sky" -> (cloud, in, sky)
    if _is_unwritten_place_verb(verb, verb_words):
        return place_words
    words = predicate.split(" ")
    if _is_unwritten_particle(words):
        return " ".join([words[0], *words[2:]])
    return predicate


def _is_unwritten_place_verb(verb, verb_words: str) -> bool:
    """A verb FACTUAL writes before no place (not in PLACE_PREDICATE_VERBS), not an -ing form, without particle.
    Table mined on one half of FACTUAL train and applied to the other (both ways round): 56 gold triples gained, 24
    lost ("tucked into", "carved in"), 33 fewer wrong ones, 8 more graphs exact; -ing forms keep the verb more often
    than not ("crawling under", "relaxing on")."""
    return (
        verb.tag_ in VERB_TAGS
        and verb.tag_ != "VBG"
        and " " not in verb_words
        and verb_words not in PLACE_PREDICATE_VERBS
        and verb.lower_ not in PLACE_PREDICATE_VERBS
    )


def _is_unwritten_particle(words: list[str]) -> bool:
    """ "jump up in" (the words of a verb's predicate with its place): a particle (PLACE_VERB_PARTICLES) after a verb
    FACTUAL writes before places, in a predicate it never writes (PARTICLE_PREDICATES). Table mined on one half of
    FACTUAL train and applied to the other: 34 gold triples gained, 15 lost, 19 fewer wrong ones, 13 more graphs
    exact."""
    return (
        len(words) > 2
        and words[0] in PLACE_PREDICATE_VERBS
        and words[1] in PLACE_VERB_PARTICLES
        and words[2] != "of"  # "out of" is one preposition
        and words[2] not in PART_NOUN_PREPOSITION  # "draped over the side of": "over" is the preposition
        and " ".join(words) not in PARTICLE_PREDICATES
    )


# "doing a trick on a skateboard" -> (man, trick on, skateboard): FACTUAL names the act by its noun (train: 21
# of the 27 captions where a person does or performs tricks or stunts; the rest drop the act or the board).
TRICK_VERBS = {"do", "perform"}
TRICK_NOUNS = {"trick", "stunt"}


def trick_object(state: ParseState, verb):
    """The "trick" or "stunt" a form of "do"/"perform" takes, or None."""
    if verb.tag_ not in VERB_TAGS or state.lemma(verb.text, verb.tag_) not in TRICK_VERBS:
        return None
    for child in state.kids(verb):
        if child.dep_ == "dobj" and state.noun_lemma(child.lower_) in TRICK_NOUNS:
            return child
    return None


def repair_trick_places(state: ParseState) -> None:
    """ "performs a trick on a skateboard": the parser hangs the place on the trick, which is no node; it is
    where the act happens. A board before it ("a skateboard trick") is the act's object and a node."""
    for verb in state.tokens:
        if verb.tag_ not in VERB_TAGS:
            continue  # (trick_object asks too; asked here, the call is saved for the other tokens)
        trick = trick_object(state, verb)
        if trick is None:
            continue
        for prep in list(state.kids(trick)):
            if prep.dep_ == "prep" and prep.i > trick.i:
                state.reattach(prep, verb, dep="prep")
        for board in state.lefts(trick):
            if board.dep_ == "amod" and board.lower_ in ADVERB_TAGGED_NOUNS:
                state.nominal_overrides.add(board.i)  # the tagger reads "skateboard" as an adjective too
            if board.dep_ in ("compound", "amod") and state.nominal(board):
                state.graph.owners.add(board.i)


def repair_possessed_with_phrase(state: ParseState) -> None:
    """ "cat has a black body with a red tinge", "rider has a helmet with a stripe down the middle": the parser
    may hang the "with" phrase on "has" instead of on the thing had, giving a (cat, have with, tinge) that no
    gold graph holds (0 of 4 such predictions right on FACTUAL train and the dev splits). The phrase describes
    the thing had, as gold writes it (train: "giraffe has horns with brown tips" -> (horns, with, tips), 1 of
    1); it is moved onto the verb's object. Only finite "has"/"have": "having fun with balls" is an act."""
    for prep in state.tokens:
        verb = prep.head
        if prep.lower_ != "with" or prep.dep_ != "prep" or verb.tag_ not in FINITE_VERB_TAGS:
            continue
        if state.lemma(verb.text, verb.tag_) != "have":
            continue
        had = [kid for kid in state.kids(verb) if kid.dep_ == "dobj" and kid.i < prep.i and state.nominal(kid)]
        if had:
            state.reattach(prep, had[-1], dep="prep")


_LADEN_SURFACES = {"table", "desk", "counter", "countertop"} | WITH_HEAD_SERVING_SURFACES
_POSTURE_PLACE_PREPOSITIONS = {"in", "on", "at", "near", "by", "under", "behind", "beside", "inside"}


def repair_with_phrase_on_place_object(state: ParseState) -> None:
    """ "man sitting on sidelines with white towel", "people are walking on a rainy street with umbrellas", "man seated
    in second row with hand on empty seat": the parser may hang the "with" phrase on the verb's place object, giving
    (sidelines, with, towel) and (row, have, hand). After a person's or animal's place phrase, "with" and a thing
    carried or a body part says what the subject has along (FACTUAL train, "<person> V-ing PREP N with X": X goes
    with the person in 20 of 22 captions, with N in 2, both things on a table). The phrase is moved onto the verb,
    where the with rules read it. Other things stay with the place ("standing in a kitchen with wood floors",
    "sitting on a bed with pillows"), as do things on a table or plate, anything after a being ("near an animal with
    horns") or pointing back to the place ("at a table with a book on it"). Re-parsing all of train: 4 graphs change,
    3 gain the gold triple, none loses one; dump_parser_graphs --compare: 30 graphs change (28 COCO), each moving the
    thing to the person or animal. A companion named on its own counts too ("the man is in the water with the
    elephant" -> (man, with, elephant); train's 3 "<person> V-ing PREP N with <being>" captions all give the being
    to the subject, and the parser already reads them so; 6 more dev and COCO graphs change)."""
    for prep in state.tokens:
        place = prep.head
        if prep.lower_ != "with" or prep.dep_ != "prep" or place.dep_ != "pobj" or not state.nominal(place):
            continue
        place_prep = place.head
        verb = place_prep.head
        if place_prep.lower_ not in _POSTURE_PLACE_PREPOSITIONS or verb.tag_ not in VERB_TAGS:
            continue
        objects = _with_objects(state, prep)
        if not objects or not all(_is_carried_along(state, obj) for obj in objects):
            continue
        body_parts = _all_body_parts(state, objects)
        if state.noun_lemma(place.lower_) in _LADEN_SURFACES and not body_parts:
            continue  # "people standing near a table with many poured drinks": on the table
        if any(_has_pronoun_place(state, obj) for obj in objects) or _is_being(state, place):
            continue  # "a table with a book on it", "near an animal with horns": the place's own
        later_place = any(kid.dep_ == "prep" and kid.i > prep.i for kid in state.kids(verb))
        if later_place and not body_parts:
            continue  # "waiting in line with luggage at a counter": the later place stays the subject's
        if _participle_subject_wears(state, verb):
            state.reattach(prep, verb, dep="prep")


# What a verb's subject does it with, by lemma: hands and arms, bats and rackets, blades.
_INSTRUMENTS = {"hand", "arm", "racket", "racquet", "bat", "paddle", "knife", "cutter", "scissors"}


def repair_instrument_phrase_on_object(state: ParseState) -> None:
    """ "hitter holds a bat with both hands", "a girl hits a ball with a bat", "cutting a pizza with a pizza cutter": the
    parser may hang "with" and the instrument on the verb's object, giving (bat, with, hands), (ball, with, bat).
    Hands, arms, bats, rackets and blades after a verb's object are what the subject does it with (FACTUAL train,
    "V-s X with (both/his/one) hand(s)/arm(s)": the subject has the hand, or the hand does the verb, in 21 of 28
    captions, the object's in at most 6, most of them no verb's object at all; "V-s X with a racket/bat/knife/cutter":
    the subject's in all 12 with a verb). The phrase is moved onto the verb, where the instrument rules read it:
    (hitter, have, hands), (hands, hold, bat), (girl, hit with, bat). Re-parsing all of train: 7 graphs change, 4
    become exact, 1 trades (boy, touch, horse) for (boy, have, hand); dump_parser_graphs --compare: 12 graphs change
    (2 length_dev, 10 COCO), each giving the instrument to the subject."""
    for prep in state.tokens:
        obj = prep.head
        if prep.lower_ != "with" or prep.dep_ != "prep" or obj.dep_ != "dobj" or obj.head.tag_ not in VERB_TAGS:
            continue
        parts = _with_objects(state, prep)
        if parts and all(state.noun_lemma(part.lower_) in _INSTRUMENTS for part in parts):
            state.reattach(prep, obj.head, dep="prep")


def _with_objects(state: ParseState, prep) -> list:
    """The objects of a "with" phrase, each with its conjuncts ("with a bag and an umbrella")."""
    return [item for obj in state.kids(prep) if obj.dep_ == "pobj" for item in state.conjuncts(obj)]


def _participle_subject_wears(state: ParseState, verb) -> bool:
    """Whether the verb's subject, the noun a participle hangs on or a clause's nsubj, is a person or animal."""
    if verb.dep_ == "acl":
        return can_wear(state, verb.head)
    return any(kid.dep_ == "nsubj" and can_wear(state, kid) for kid in state.kids(verb))


def _is_being(state: ParseState, noun) -> bool:
    lemma = state.noun_lemma(noun.lower_)
    return can_wear(state, noun) or lemma in BEINGS_OUTSIDE_WEARERS or lemma in DEPICTED_BEINGS


def _has_pronoun_place(state: ParseState, thing) -> bool:
    return any(
        kid.dep_ == "prep" and any(obj.dep_ == "pobj" and obj.tag_ == "PRP" for obj in state.kids(kid))
        for kid in state.kids(thing)
    )


def _is_carried_along(state: ParseState, thing) -> bool:
    lemma = state.noun_lemma(thing.lower_)
    return lemma in BODY_PARTS or lemma in CARRIED_THINGS or _is_companion(state, thing)


def _is_companion(state: ParseState, thing) -> bool:
    """A person or animal named on its own, "with the elephant", "with a small dog"; not a bare crowd ("with
    pedestrians", "with others") or one with a phrase of its own ("with a dog running along side")."""
    kids = state.kids(thing)
    if not _is_being(state, thing) or thing.dep_ not in ("pobj", "conj"):
        return False
    if any(kid.dep_ in ("prep", "acl", "relcl", "advmod") for kid in kids):
        return False
    return any(kid.dep_ in ("det", "poss", "nummod") for kid in kids)


def _all_body_parts(state: ParseState, things) -> bool:
    return all(state.noun_lemma(thing.lower_) in BODY_PARTS for thing in things)


# "taking a picture": FACTUAL names the act, not the picture (scene_graph_relations._relate_photo_taking).
PHOTO_NOUNS = {"picture", "photo", "photograph", "selfie", "snapshot"}


def is_photo_taken(state: ParseState, verb, obj) -> bool:
    """Whether `obj` is the picture a form of "take" takes."""
    return (
        obj.dep_ == "dobj"
        and state.noun_lemma(obj.lower_) in PHOTO_NOUNS
        and state.lemma(verb.text, verb.tag_) == "take"
    )


def is_particle_with_object(state: ParseState, token) -> bool:
    """ "a man walking up the stairs": the parser tags "up" a particle yet gives it the object; it is the
    preposition of (man, walk up, stairs), and the verb no state."""
    return token.dep_ == "prt" and any(child.dep_ == "pobj" for child in state.kids(token))


def repair_preposition_under_particle(state: ParseState) -> None:
    """ "steps leading up to a building", "a boat hooked up to car", "water dripping down from cliff": the parser
    may hang the preposition on the particle, which then is no particle of the verb's predicate nor the start of a
    place phrase, and no relation came out (train: 17 of 17 such captions wrong, 16 with the relation missing).
    Hung on the verb, beside its particle, it reads as "stairs leading up to a house" does, a parse FACTUAL's words
    come out of ((stairs, lead up to, house); the particle stays or goes by the mined PARTICLE_PREDICATES).
    Not "of": the 4 such train captions are all "made out of", where gold writes "make of" in 3 (the repair gave
    "make out of", 1 triple gained and 3 wrong added), a material rather than a place."""
    for prep in state.tokens:
        particle = prep.head
        if prep.dep_ == "prep" and particle.dep_ == "prt" and particle.i == prep.i - 1 and prep.lower_ != "of":
            if particle.head.tag_ in VERB_TAGS and not is_line_particle(state, particle):
                state.reattach(prep, particle.head, dep="prep")


def repair_particle_read_as_adverb(state: ParseState) -> None:
    """ "stairs leading down to the beach", "silver car driving away on the street": the parser reads the particle
    between the verb and its place as the verb's adverb, so it left the predicate ("lead to"). Where FACTUAL writes
    the whole predicate (PARTICLE_PREDICATES, mined) it is the verb's particle (train: 4 of the 4 such captions keep
    it, "lead down to", "drive away on"; in the 16 whose predicate is not in the table gold drops it, as the rules
    still do: "looking down at a boy" -> look at)."""
    for particle in state.tokens[:-1]:
        verb, prep = particle.head, state.tokens[particle.i + 1]
        if particle.dep_ != "advmod" or particle.lower_ not in PLACE_VERB_PARTICLES or verb.tag_ not in VERB_TAGS:
            continue
        if prep.dep_ == "prep" and prep.head is verb and prep.lower_ != "of":
            if f"{state.lemma(verb.text, verb.tag_)} {particle.lower_} {prep.lower_}" in PARTICLE_PREDICATES:
                state.relabel(particle, dep="prt")


# Height and depth adverbs between a word and its place phrase ("a kite high in the sky"): FACTUAL writes none in a
# predicate (train: 0 of the 21 captions with "high", "low" or "deep" before a preposition).
PLACE_DEGREE_ADVERBS = {"high", "low", "deep"}


def repair_preposition_under_degree_adverb(state: ParseState) -> None:
    """ "kite high in the sky", "catcher crouching low near the ground": the parser hangs the place phrase on the
    adverb, which heads no predicate, and no relation came out (train: both such captions; gold (kite, in, sky),
    (catcher, crouch near, ground)). Hung on the adverb's own head, the phrase places the noun or the verb's
    subject as it does without the adverb."""
    for prep in state.tokens:
        adverb = prep.head
        if prep.dep_ == "prep" and adverb.i == prep.i - 1 and adverb.lower_ in PLACE_DEGREE_ADVERBS:
            if adverb.dep_ == "advmod" or (adverb.dep_ == "amod" and adverb.i > adverb.head.i):  # "clouds low in"
                state.reattach(prep, adverb.head, dep="prep")


# Words that open a place phrase: a mined rewrite of the phrase ("beneath" -> "under", "to the left of" -> "at the
# left of") applies after a verb too ("sleep beneath" -> "sleep under"); FACTUAL's train split writes none of these
# phrases in any predicate (benchmarks/mine_factual_conventions.py keeps a rewrite of a whole predicate only
# when it drops words or FACTUAL never writes the predicate).
_PLACE_PHRASE_OPENERS = {
    "along",
    "at",
    "atop",
    "below",
    "beneath",
    "besides",
    "inside",
    "on",
    "outside",
    "to",
    "underneath",
}


def factual_predicate(predicate: str) -> str:
    """The predicate in FACTUAL's words (mined PREDICATES), for the whole predicate or its place phrase; a first
    word FACTUAL leaves out before any preposition (mined DROPPED_PREDICATE_WORDS: "visible on" -> "on") goes, and so
    does a state FACTUAL writes as an attribute instead (STATES_BEFORE_PLACE: "windows open in house" -> in)."""
    if predicate in PREDICATES:
        return PREDICATES[predicate]
    if predicate in PARTICLE_PLACE_SPELLINGS:
        return PARTICLE_PLACE_SPELLINGS[predicate]  # "the pole the signs are sticking out from"
    words = predicate.split(" ")
    if words[0] in FACTUAL_VERBS:
        return factual_predicate(" ".join([FACTUAL_VERBS[words[0]], *words[1:]]))
    if _drops_first_word(words):
        return factual_predicate(" ".join(words[1:]))
    if len(words) > 2 and words[0] in POSTURE_VERBS and words[1] in POSTURE_PARTICLES:
        return factual_predicate(" ".join([words[0], *words[2:]]))
    if len(words) == 2 and words[1] == "after" and words[0] in PURSUIT_VERBS:
        return f"{words[0]} behind"  # "chasing after the ball" -> chase behind
    if "from" in words[:-1] and words[words.index("from") + 1] in FROM_PLACE_PREPOSITIONS:
        return factual_predicate(_without_from(words))
    for start in range(len(words)):
        tail = " ".join(words[start:])
        if tail in PLACE_PHRASE_SPELLINGS:
            spelled = PLACE_PHRASE_SPELLINGS[tail]
            return " ".join([*words[:start], PREDICATES.get(spelled, spelled)])
    for start in range(1, len(words)):
        tail = " ".join(words[start:])
        if words[start] in _PLACE_PHRASE_OPENERS and tail in PREDICATES:
            return " ".join([*words[:start], PREDICATES[tail]])
    return predicate


# "woman looking at cows from inside a car" -> (woman, inside, car): after a verb of looking, "from <place>" says
# where the looker is, and "look inside" would say where she looks (FACTUAL train: 1 of 1).
_LOOKING_VERBS = {"look", "watch", "stare", "gaze"}


def _without_from(words: list[str]) -> str:
    """ "peek out from under" -> "peek under" (FROM_PLACE_PREPOSITIONS); "look from inside" -> "inside"."""
    start = words.index("from")
    place = words[start + 1 :]
    if words[0] in _LOOKING_VERBS:
        return " ".join(place)
    start -= start > 0 and words[start - 1] == "out"
    return " ".join([*words[:start], *place])


def _drops_first_word(words: list[str]) -> bool:
    """Whether FACTUAL writes the predicate without its first word: a word it leaves out before any preposition
    (mined DROPPED_PREDICATE_WORDS), a state it writes as an attribute (STATES_BEFORE_PLACE), or an adverb-like word
    before a place preposition with no verb ("out in", "on under", "up on": "boats out in water" -> (boat, in, water);
    train: 14 such pairs against 3 with the first word alone)."""
    if len(words) < 2:
        return False
    first = words[0]
    if first in DROPPED_PREDICATE_WORDS or first in HEIGHT_WORDS_LEFT_OUT or first in STATES_BEFORE_PLACE:
        return True
    return first in LEADING_PLACE_ADVERBS and words[1] in LEADING_ADVERB_PLACES


def join_predicate(*parts: str) -> str:
    """Join predicate parts, dropping a word the parser gave twice ("extend out" + "out from")."""
    words: list[str] = []
    for word in " ".join(parts).split():
        if not words or words[-1] != word:
            words.append(word)
    return " ".join(words)


def preposition_phrase(state: ParseState, prep):
    """(predicate words, object token) of a preposition, merging complex prepositions:
    "out of", "in between", "on top of", "in front of", "to the left of"."""
    words = [prep.lower_]
    previous = state.tokens[prep.i - 1] if prep.i > 0 else None
    if (
        previous is not None
        and (previous.dep_ in ("prep", "prt") or _is_away_before_from(previous, prep))
        and not state.kids(previous)
        and not is_line_particle(state, previous)  # "lined up in the dugout": "up" stands for the line node
    ):
        # "in between the tracks": the tagger splits the complex preposition into siblings
        words.insert(0, previous.lower_)
        state.graph.consumed_preps.add(previous.i)
    current = prep
    for _ in range(4):
        for child in state.kids(current):  # the first object (a loop, not a list: this runs for every preposition)
            if child.dep_ == "pobj":
                return _part_noun_phrase(state, words, child)
        gerund_object = _gerund_compound(state, current)
        if gerund_object is not None:
            return words, gerund_object
        nominal_complements = [c for c in state.kids(current) if c.dep_ == "pcomp" and state.nominal(c)]
        if nominal_complements:
            return words, nominal_complements[0]
        chained = [child for child in state.kids(current) if child.dep_ == "prep"]
        if not chained:
            return words, None
        current = chained[0]
        state.graph.consumed_preps.add(current.i)
        words.append(current.lower_)
    return words, None


def _is_away_before_from(previous, prep) -> bool:
    """ "a bus pulling away from a station": the tagger reads "away" as the verb's adverb, yet it opens the place
    phrase as a particle would ("pull away from", a predicate FACTUAL writes: mined PARTICLE_PREDICATES; train 3 of
    3 "pulling away from" captions)."""
    return (
        previous.lower_ == "away"
        and previous.dep_ == "advmod"
        and prep.lower_ == "from"
        and previous.head == prep.head
    )


def _gerund_compound(state: ParseState, prep):
    """ "on cutting board": the tagger reads a gerund + object; it is one noun ("cutting board")."""
    for gerund in state.kids(prep):
        if gerund.dep_ == "pcomp" and gerund.tag_ == "VBG":
            for obj in state.kids(gerund):
                if obj.dep_ == "dobj" and obj.tag_ in NOUN_TAGS and obj.i == gerund.i + 1:
                    state.graph.name_prefixes[obj.i] = [gerund.lower_]
                    state.graph.hidden.add(gerund.i)
                    return obj
    return None


def _part_noun_phrase(state: ParseState, words, pobj):
    """ "on the top of the table" -> (["on", "top", "of"], table); any other object stays as it is."""
    top = _top_before_place(state, words, pobj)
    if top is not None:
        state.graph.relational_modifiers.add(top.i)  # part of the predicate, no attribute of the place
        return [*words, "top", "of"], pobj
    part = _part_noun(state, pobj)
    mined = _mined_part_noun_predicate(state, words, pobj)  # plural part nouns too ("on both sides of")
    part_of = of_object(state, pobj) if part in PART_NOUN_PREPOSITION or mined else None
    if part_of is None and part in PART_NOUN_PREPOSITION:
        part_of = _reciprocal_of(state, pobj)
    if part_of is None and part == "side" and words == ["on"]:
        part_of = _side_owner(state, pobj)
    if part_of is None and part in PART_NOUN_PREPOSITION and has_pronoun_of(state, pobj):
        state.graph.hidden.add(pobj.i)
        return words, None  # "on top of it": the part noun is no object; the referent is unknown
    if part_of is None:
        return words, pobj
    state.graph.hidden.add(pobj.i)
    if mined:
        return mined, part_of
    canonical = PART_NOUN_PREPOSITION[part]
    if canonical and len(words) == 1 and words[0] in CANONICALISED_PREPOSITIONS:
        words = [canonical]
    modifiers = [child.lower_ for child in state.lefts(pobj) if child.dep_ in ("amod", "compound")]
    if part in ARTICLE_KEPT_PART_NOUNS:
        modifiers = [child.lower_ for child in state.lefts(pobj) if child.dep_ in ("det", "amod", "compound")]
    return [*words, *modifiers, part, "of"], part_of


def _top_before_place(state: ParseState, words, pobj):
    """ "three vases on top shelf", "candles on top cupcakes", "plates on the top shelf": "top" right before the
    object of "on" (past "the" only) says where on it, as "on top of" does, and FACTUAL writes that predicate
    (train: "on [the] top <noun>" gives (X, on top of, noun) in 5 of its 6 captions, never (noun, is, top))."""
    if words != ["on"] or pobj.i < 2:
        return None
    top = state.tokens[pobj.i - 1]
    if top.lower_ != "top" or top.head.i != pobj.i or top.dep_ not in ("amod", "compound"):
        return None
    between = state.tokens[pobj.i - 2]
    if between.dep_ != "prep" and not (between.lower_ == "the" and state.tokens[between.i - 1].dep_ == "prep"):
        return None
    return top


def _side_owner(state: ParseState, side):
    """ "a window on the building 's side" -> (window, on side of, building), as "on the side of the building" and
    "on its side" are written: the noun owning the side, or None (after "on" only: "leaning into elephant 's side"
    is written (man, lean into, elephant)). A side is no node of its own (SIDE_NOUNS), so
    with the owner left out the place was lost. FACTUAL train, "on <owner> 's side(s)" or "on its side": `[verb]
    on side of` in 5 of 6 captions ("two clocks on the tower 's sides" keeps the sides)."""
    for owner in state.kids(side):
        if owner.dep_ == "poss" and owner.tag_ in NOUN_TAGS and state.nominal(owner):
            return owner
    return None


def _part_noun(state: ParseState, pobj) -> str:
    """The part noun as the lexicon lists it: "windows on sides of the plane" -> (window, on side of, plane). FACTUAL
    train writes a plural part noun singular unless "both"/"either" comes before it ("on sides of", "on the sides of",
    "at ends of": the singular in 8 of 8 captions with the part in gold; mined PART_NOUN_PREDICATES keeps "on both
    sides of")."""
    if pobj.tag_ == "NNS" and pobj.lower_ not in PART_NOUN_PREPOSITION:
        singular = state.noun_lemma(pobj.lower_)
        if singular in PART_NOUN_PREPOSITION:
            return singular
    return pobj.lower_


def _reciprocal_of(state: ParseState, part):
    """ "stacked on top of each other": the "other" (or "one" of "one another") of the part noun's "of" (the `of` is then consumed), or None;
    the caller relates the subject to itself by the whole phrase. FACTUAL's training split: (X, [verb] on top of,
    X) in 3 of its 4 captions with "of each other" (all "on top of"); the part noun is a node in none."""
    for of in state.kids(part):
        if of.dep_ == "prep" and of.lower_ == "of":
            for other in state.kids(of):
                if is_reciprocal(state, other):
                    state.graph.consumed_preps.add(of.i)
                    return other
    return None


_ARTICLES = {"the", "a", "an"}


def _mined_part_noun_predicate(state: ParseState, words, pobj):
    """ "in the back of the truck" -> "in back of", "at the bottom of" -> "on bottom of", "on the right side of"
    keeps its article: FACTUAL's predicate for the caption's phrase (PART_NOUN_PREDICATES, mined from its training split: "in the back of" is
    "in back of" in 23 of 32 captions, where the lexicon's canonical preposition gives "on back of")."""
    modifiers = [
        child.lower_
        for child in state.lefts(pobj)
        if child.dep_ in ("det", "amod", "compound") and child.lower_ not in _ARTICLES
    ]
    mined = PART_NOUN_PREDICATES.get(" ".join([*words, *modifiers, pobj.lower_, "of"]))
    return mined.split() if mined else None
