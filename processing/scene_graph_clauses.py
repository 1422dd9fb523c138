"""Clause rules: who the subject of a verb is, and relative clauses with a gap.

A verb's subject may sit in another clause: a coordinated or adverbial verb inherits it, a participle
or relative clause takes the noun it modifies ("a man riding a horse", "the bag that is red").
"""

from __future__ import annotations

from .scene_graph_coordination import first_nominal_conjunct, nominal_conjuncts
from .scene_graph_edges import add_relation
from .scene_graph_lemmas import VERB_TAGS
from .scene_graph_lexicon import (
    BEINGS_OUTSIDE_WEARERS,
    BODY_PARTS,
    CANONICALISED_PREPOSITIONS,
    CONTAINER_PREPOSITION,
    DEPICTED_BEINGS,
    DEPICTION_NOUNS,
    DISPLAY_VERBS,
    GAP_OBJECT_VERBS,
    GARMENTS,
    LOCATIVE_PASSIVE_VERBS,
    PART_NOUN_PREPOSITION,
    POSTURE_PARTICLES,
    POSTURE_VERBS,
    RELATIVE_PRONOUNS,
)
from .scene_graph_nodes import can_wear, is_garment, is_node, resolve, word_before_known_name_head
from .scene_graph_predicates import join_predicate
from .scene_graph_references import subject_antecedent
from .scene_graph_state import ParseState


_SUBJECT_INHERITING_DEPS = {"conj", "advcl", "xcomp", "pcomp"}
_MAX_CLAUSE_DEPTH = 6
_SURFACE_PREPOSITIONS = {"on", "in", "at", "inside", "against"}


def subjects_of(state: ParseState, verb, depth: int = 0) -> list:
    """Subject tokens of a verb (conjuncts expanded), looking through relative and chained clauses."""
    if depth > _MAX_CLAUSE_DEPTH:
        return []
    picture = _displayed_depiction(state, verb)
    if picture is not None:
        return nominal_conjuncts(state, picture)
    depicted = _depicted_actor(state, verb)
    if depicted is not None:
        return nominal_conjuncts(state, depicted)
    if (helped := _helped_doer(state, verb)) is not None:
        return nominal_conjuncts(state, helped)
    explicit = _explicit_subjects(state, verb)
    if explicit is not None:
        return explicit
    for child in state.lefts(verb):
        if child.dep_ in ("npadvmod", "compound", "nmod") and state.nominal(child):
            return nominal_conjuncts(state, child)
        if child.dep_ == "amod" and child.tag_ in ("NN", "NNS") and verb.dep_ == "ROOT":
            return nominal_conjuncts(state, child)  # "skateboarder doing tricks": the subject tagged a modifier
    if (likened := _likened(state, verb)) is not None:
        return nominal_conjuncts(state, likened) if state.nominal(likened) else subjects_of(state, likened, depth + 1)
    if verb.dep_ in ("acl", "relcl") and state.nominal(verb.head):
        carrier = _participle_carrier(state, verb) if verb.dep_ == "acl" else None
        if carrier is not None:
            return carrier
        # FACTUAL expands a participle on coordinated nouns to every conjunct.
        subjects = nominal_conjuncts(state, first_nominal_conjunct(state, verb.head))
        if (listed := _noun_listed_before_by_comma(state, verb, verb.head)) is not None:
            subjects = [*nominal_conjuncts(state, listed), *subjects]
        return _acting_wearers(state, verb, _without_later_clause_owners(state, verb, subjects))
    head = verb.head
    if _is_gerund_after_time_word(state, verb):
        return _time_phrase_subjects(state, head.head, depth)
    if verb.dep_ in _SUBJECT_INHERITING_DEPS and head.tag_ in VERB_TAGS and head.i != verb.i:
        owner = _owner_of_reduced_clause(state, head) if verb.tag_ == "VBG" else None
        if owner is not None:
            return nominal_conjuncts(state, owner)
        return subjects_of(state, head, depth + 1)
    if verb.dep_ == "xcomp" and head.dep_ == "acomp":
        return subjects_of(state, head.head, depth + 1)  # "a player is about to hit the ball"
    if verb.dep_ == "xcomp" and head.tag_ not in VERB_TAGS:
        return _verbless_clause_subjects(state, head)
    return []


def _likened(state: ParseState, verb):
    """ "man dressed like a woman standing at the back of a bus" -> (man, stand on back of, bus), "a man dressed like
    a clown holding a balloon" -> (man, hold, balloon): the parser hangs the participle on the noun of the likeness,
    which names nothing in the scene (see `is_non_scene_predicate`); what acts is what "like" is said of, the noun
    or the participle's subject before it. None when the verb is no participle on the object of "like". (General
    grammar: FACTUAL train has no such caption; of the dev and 25,010 COCO graphs it changes only this long_dev one,
    relation F1 60.15 -> 60.20, exact 33.33 -> 33.47.)"""
    if verb.dep_ != "acl" or verb.tag_ != "VBG" or verb.head.dep_ != "pobj":
        return None
    like = verb.head.head
    if like.lower_ != "like" or like.head.i == like.i:
        return None
    return like.head


# prepositions of time whose gerund ("after hitting the ball") is done by what the phrase hangs on
_TIME_PREPOSITIONS = {"after", "before"}


def _is_gerund_after_time_word(state: ParseState, verb) -> bool:
    """ "a tennis player in the air after hitting the ball": the gerund, with an object, is the object of
    "after" ("a man smelling wine before tasting" stays as it was: FACTUAL writes nothing for it)."""
    if verb.dep_ != "pcomp" or verb.tag_ != "VBG" or verb.head.lower_ not in _TIME_PREPOSITIONS:
        return False
    return any(child.dep_ == "dobj" for child in state.kids(verb))


def _time_phrase_subjects(state: ParseState, owner, depth: int) -> list:
    """ "a tennis player in the air after hitting the ball" -> (tennis player, hit, ball), "a male athlete after
    hitting a tennis ball with a racket" -> (athlete, hit, tennis ball): whoever the time phrase is about does
    the gerund, the noun it hangs on or that verb's subject. FACTUAL train: 1 of 1 such captions writes the
    triple (long_dev 1 of 1)."""
    if state.nominal(owner):
        return nominal_conjuncts(state, owner)
    if owner.tag_ in VERB_TAGS:
        return subjects_of(state, owner, depth + 1)
    return []


# Participles only a person or animal does; a garment may sit, hang or lie somewhere, but it does not do these.
_ACTING_VERBS = {"stand", "walk", "look", "watch", "stare", "smile", "talk", "hold", "play", "ride", "run", "eat"}


def _without_later_clause_owners(state: ParseState, verb, subjects: list) -> list:
    """ "a man sitting on a bench and a woman standing next to him", "a man holding a surfboard and a woman walking on
    the beach", "two young women sitting and a man standing": a conjunct that has a participle or relative clause of
    its own does what its own clause says, not what another conjunct's clause says. FACTUAL train: in the 1 caption
    parsed so ("two younge women sitting and a man standing") gold gives the women "sitting" and the man "standing"
    only."""
    if len(subjects) < 2:
        return subjects
    kept = [subject for subject in subjects if not _has_clause_of_its_own(state, subject, verb)]
    return kept or subjects


def _has_clause_of_its_own(state: ParseState, subject, verb) -> bool:
    """A conjunct after the verb with a clause of its own, or one before the verb's noun whose own clause ends
    before that noun ("a man holding a surfboard and a woman walking"; not "a man and a woman sitting inside eating
    salad", where the parser hangs "eating" on the man past the woman's clause)."""
    owner = verb.head
    if subject.i == owner.i or owner.i < subject.i < verb.i:
        return False
    limit = owner.i if subject.i < owner.i else len(state.tokens)
    return any(
        (kid.dep_ == "relcl" or (kid.dep_ == "acl" and kid.tag_ == "VBG"))  # not "a man dressed in blue coveralls"
        and subject.i < kid.i < limit
        and kid.i != verb.i
        for kid in state.kids(subject)
    )


def _acting_wearers(state: ParseState, verb, subjects: list) -> list:
    """ "man in red coat with grey hood, a black hat on his head and brown pants standing in the snow", "a man
    standing with black shoes on and a striped shirt looking at a man": the parser hangs the participle on a
    garment of the list (or coordinates the garment with the wearer); a garment does not stand or look, its wearer
    does, the nearest noun above it that can wear clothes. The subjects as they are when no garment is among them
    or no wearer is found. FACTUAL train.csv has no such caption (no graph changes); long_dev relation F1 +0.08 (2
    graphs, 1 gold triple gained, 2 wrong ones dropped); of the 25,010 COCO Karpathy test captions 2 change, each to
    the wearer ("two men with hardhats and blue t-shirts standing in front of computers" -> (men, stand in front
    of, computers))."""
    if state.lemma(verb.text, verb.tag_) not in _ACTING_VERBS:
        return subjects
    worn = [subject for subject in subjects if is_garment(state, subject) or _is_carried_thing(state, subject)]
    if not worn:
        return subjects
    wearers = [wearer for wearer in (_wearer_up(state, subject) for subject in worn) if wearer is not None]
    if not wearers:
        return subjects
    kept = [subject for subject in subjects if subject not in worn]
    return list(dict.fromkeys([*kept, *wearers]))


def _is_carried_thing(state: ParseState, subject) -> bool:
    """ "a man with a backpack and a blonde haired woman standing in the road": the parser lists the woman with the
    backpack, so the participle reaches the backpack; a thing after a person's "with" does not stand or look, the
    person does. FACTUAL train has no such caption (no graph changes); long_dev: 1 graph becomes exact; of the 25,010
    COCO Karpathy test captions 3 change, each to the person ("a woman with flowers in her hair staring at the
    horse" -> (woman, stare at, horse), not the flowers)."""
    preposition = subject.head
    return (
        subject.dep_ == "pobj"
        and preposition.lower_ == "with"
        and state.nominal(preposition.head)
        and can_wear(state, preposition.head)
        and not can_wear(state, subject)
    )


def _wearer_up(state: ParseState, token):
    """The nearest noun at or above the token, up the parse, that can wear clothes (None if none)."""
    for _ in range(_MAX_CLAUSE_DEPTH):
        if state.nominal(token) and can_wear(state, token):
            return token
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _verbless_clause_subjects(state: ParseState, head) -> list:
    """ "a man about to hit the ball": with no verb before it the parser makes "about" the root, with
    the man as its subject, and the verb its complement. (FACTUAL train: changes 35 captions, 29 of them
    gain the gold (man, hit, ball); relation F1 on the 8+-word train sample 66.1 -> 66.2, measured
    with benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8.)"""
    explicit = _explicit_subjects(state, head)
    if explicit is not None:
        return explicit
    if head.dep_ in ("prep", "amod", "acl") and state.nominal(head.head):
        return nominal_conjuncts(state, head.head)  # "two men on a court ready to hit the ball"
    if state.nominal(head) and head.dep_ == "ROOT":
        return nominal_conjuncts(state, head)  # "a red stop sign sitting under two street signs"
    return []


# verbs whose object does the verb after it: "a man helping a girl hit a ball", "man teaching a kid to hit a ball"
_OBJECT_CONTROL_VERBS = {"help", "teach", "watch", "let"}
_BARE_VERB_TAGS = {"VB", "VBD", "VBP"}


def _helped_doer(state: ParseState, verb):
    """ "a man helping a girl hit a ball" -> (girl, hit, ball), "man teaching a kid to hit a ball", "man watching kite
    fly in the air": after help/teach/watch/let, the object does the next verb. spaCy makes that verb the clause's
    main verb with the man as its subject, or the participle's xcomp, so the man was written as its subject. FACTUAL
    train: all 10 captions with "helping/teaching/watching X (to) V" write X as V's subject; re-parsing all of train
    makes 6 graphs exact and none inexact. The object, or None."""
    if verb.dep_ in ("xcomp", "ccomp") and verb.tag_ != "VBN":  # not "watching his arm being prepared for X"
        control = verb.head
    elif verb.tag_ in _BARE_VERB_TAGS:
        subject = next((kid for kid in state.kids(verb) if kid.dep_ == "nsubj" and kid.i < verb.i), None)
        if subject is None:
            return None
        control = next((kid for kid in state.kids(subject) if kid.dep_ == "acl" and kid.i < verb.i), None)
    else:
        return None
    if control is None or state.lemma(control.text, control.tag_) not in _OBJECT_CONTROL_VERBS:
        return None
    doer = next((kid for kid in state.kids(control) if kid.dep_ == "dobj" and control.i < kid.i < verb.i), None)
    return doer if doer is not None and state.nominal(doer) else None


def _explicit_subjects(state: ParseState, verb):
    """The verb's own nsubj (or agent-free nsubjpass, or expletive "there is" attribute); None if none."""
    for child in state.kids(verb):
        if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and _is_agent_free_passive(state, verb)):
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                antecedent = _agreeing_antecedent(state, verb)
                if child.lower_ == "who" and not can_wear(state, antecedent):
                    antecedent = _person_before(state, child) or antecedent
                return nominal_conjuncts(state, antecedent)
            if (referent := subject_antecedent(state, child)) is not None:
                return nominal_conjuncts(state, referent)
            if (listed := _noun_listed_before_by_comma(state, verb, child)) is not None:
                return [*nominal_conjuncts(state, listed), *nominal_conjuncts(state, child)]
            return nominal_conjuncts(state, _reduced_clause_subject(state, verb, child))
    for child in state.kids(verb):
        if child.dep_ == "csubj" and child.tag_ == "VBG" and child.i < verb.i:
            # "woman driving truck is wearing an army jacket": the parser makes "driving" the clausal subject of
            # "wearing" (and "woman" its modifier); the one doing both is the participle's subject (a parse repair,
            # no FACTUAL train caption is parsed so; long_dev relation F1 60.20 -> 60.24, 2 dev/COCO graphs change)
            if subjects := subjects_of(state, child, _MAX_CLAUSE_DEPTH):
                return subjects
    if any(child.dep_ == "expl" for child in state.kids(verb)):
        for child in state.kids(verb):
            if child.dep_ == "attr" and state.nominal(child):
                return nominal_conjuncts(state, child)
    return None


def _noun_listed_before_by_comma(state: ParseState, verb, subject):
    """ "man, woman standing in water while holding a surfboard", "dog, cat sleeping on a couch": with no "and", the
    parser makes the second noun the subject of a relative clause on the first, or its apposition with the
    participle on it; the comma lists them, and FACTUAL gives a participle after a list to
    every listed noun ("man , woman and dog riding a motorcycle" -> (man, ride, motorcycle), ...; train has no
    caption listing two bare nouns with a comma alone). The first noun, or None unless the clause's bare subject
    follows it right after a comma."""
    head = subject.head if subject.dep_ == "appos" and verb.dep_ == "acl" else verb.head
    if verb.dep_ not in ("relcl", "acl") or not state.nominal(head) or subject.i != head.i + 2 or subject.i > verb.i:
        return None
    if state.tokens[head.i + 1].text != "," or any(kid.i < subject.i for kid in state.kids(subject)):
        return None
    if not subject.tag_.startswith("NN") or any(kid.dep_ == "prep" for kid in state.kids(subject)):
        return None  # "three people, two of which wear red", "motorcycle show, one being displayed"
    return head


def _is_agent_free_passive(state: ParseState, verb) -> bool:
    """A passive whose subject is its own: no "by" agent, or a verb of place ("parked by the road"). Asked only of a
    verb with a passive subject (asked of every verb, its any(...) was 7,000 calls per 4,000 COCO captions)."""
    return state.lemma(verb.text, verb.tag_) in LOCATIVE_PASSIVE_VERBS or not any(
        child.dep_ == "agent" for child in state.kids(verb)
    )


def _person_before(state: ParseState, pronoun):
    """ "a dog with colorful life vest who is wearing a lei", "symbol on the man's shirt who is holding three
    footballs": "who" is a person or animal, so when the parser hangs the clause on a thing it goes back to
    the nearest one named before it in the sentence (FACTUAL train: the "who" clause is a person's or an
    animal's in all 10 captions that have one with a subject in the graph). None if there is none."""
    for token in reversed(state.tokens[: pronoun.i]):
        if token.tag_ == ".":
            return None
        if state.nominal(token) and can_wear(state, token):
            return token
    return None


def _reduced_clause_subject(state: ParseState, verb, subject):
    """ "a fence with cups stuck in it", "a boy with his arm stretched out": the parser reads the
    participle as the main verb of the fence; it describes the with-object, right before it."""
    if verb.tag_ not in ("VBN", "VBD") or any(child.dep_ in ("aux", "auxpass") for child in state.kids(verb)):
        return subject
    for prep in state.kids(subject):
        if prep.dep_ == "prep" and prep.lower_ == "with" and prep.right_edge.i == verb.i - 1:
            for obj in state.kids(prep):
                if obj.dep_ == "pobj" and state.nominal(obj):
                    return obj
    return subject


def _owner_of_reduced_clause(state: ParseState, verb):
    """ "a man with his arms crossed standing next to a sign": the parser makes "crossed" the main verb and
    the participle after it its complement; the participle describes the man, not the arms that
    `_reduced_clause_subject` gives "crossed". The man (the parser's subject), or None."""
    for child in state.kids(verb):
        if child.dep_ == "nsubj" and _reduced_clause_subject(state, verb, child) is not child:
            return child
    return None


_NUMBER_OF_FINITE_VERB = {"VBZ": "NN", "VBP": "NNS"}  # "is" goes with a singular noun, "are" with a plural


def _agreeing_antecedent(state: ParseState, verb):
    """ "four windows on the train car that are white": the parser hangs the relative clause on the
    nearest noun; a plural verb shows it is about the windows. Walks up "N prep N" until the number
    agrees (the parser's noun if none does)."""
    finite = [token for token in (verb, *state.kids(verb)) if token.tag_ in _NUMBER_OF_FINITE_VERB]
    head = verb.head
    if not finite or head.tag_ not in ("NN", "NNS"):
        return head
    wanted = _NUMBER_OF_FINITE_VERB[finite[0].tag_]
    if _is_list_agreeing_in_plural(state, head, wanted):
        return first_nominal_conjunct(state, head)
    candidate = head
    for _ in range(4):
        if resolve(state, candidate).tag_ == wanted:  # "a bunch of wires on a table that are ..."
            return candidate
        if candidate.dep_ != "pobj" or candidate.head.dep_ != "prep" or not state.nominal(candidate.head.head):
            break
        candidate = candidate.head.head
    return head


def _is_list_agreeing_in_plural(state: ParseState, head, wanted: str) -> bool:
    """ "a cat and a dog that are sleeping on the bed": the parser hangs the relative clause on the last noun of a
    list; a plural verb after a singular last noun is about the whole list, and FACTUAL gives each conjunct the
    clause's relation (as for "rice, onions and broccoli on a plate"; train: 0 captions with a relative clause so
    placed, long_dev/COCO only)."""
    return (
        wanted == "NNS"
        and head.tag_ == "NN"
        and head.dep_ == "conj"
        and state.nominal(head.head)
        and head.head.i < head.i
        and resolve(state, head).tag_ == "NN"
    )


def relate_gapped_clause(state: ParseState, verb) -> None:
    """ "the water the bird is standing on", "the rope the man is holding": the modified noun is
    the missing object of the relative clause (the parser may also make it a second subject)."""
    if (
        verb.tag_ not in VERB_TAGS
        or _relate_worn_before_wearer(state, verb)
        or _relate_held_before_holder(state, verb)
    ):
        return
    children = state.kids(verb)
    where_clause = any(c.lower_ == "where" for c in children)
    # "the pole where the traffic lights are mounted": in a where-clause a passive subject is placed too
    subject_deps = ("nsubj", "nsubjpass") if where_clause else ("nsubj",)
    subjects = [c for c in children if c.dep_ in subject_deps and state.nominal(c)]
    if verb.dep_ in ("relcl", "ccomp") and state.nominal(verb.head):
        target = verb.head
    elif where_clause and verb.dep_ == "advcl" and (place := _noun_before_where(state, children)) is not None:
        target = place  # "hanging over the chair where the kid is sitting": the parser hangs it on the verb
    elif len(subjects) >= 2:
        target, subjects = subjects[0], subjects[1:]
    else:
        return
    if not subjects or any(
        c.dep_ in ("dobj", "attr", "ccomp", "xcomp") and c.lower_ not in RELATIVE_PRONOUNS for c in children
    ):
        return
    if any(c.lower_ in ("when", "why", "how") for c in children):
        return
    target = _gapped_noun_before_pronoun(state, subjects[0], target)
    stranded = [c for c in children if c.dep_ in ("prep", "prt") and c.i > verb.i and not state.kids(c)]
    has_other_preps = any(c.dep_ == "prep" and state.kids(c) for c in children) or _has_adverb_place(state, children)
    lemma = state.lemma(verb.text, verb.tag_)
    # "white wall where picture is hanging" -> (picture, hang on, wall): FACTUAL train writes no `in` for such
    # a "where" clause (0 of the 10 the rules read), a surface word in 7 ("hang on", "lie on", "stand on top of")
    where = (_where_particle(state, verb, children) or ["on"]) if where_clause else []
    if stranded or not has_other_preps:
        words = [c.lower_ for c in stranded] or where
        # "the shadows the person is in": a copula adds no word to the place (FACTUAL writes `in`)
        predicate = join_predicate(*words) if lemma == "be" and words else join_predicate(lemma, *words)
        state.graph.consumed_preps.update(c.i for c in stranded)
        state.graph.verbs_with_relation.add(verb.i)
        add_relation(state, nominal_conjuncts(state, subjects[0]), predicate, nominal_conjuncts(state, target))
    elif lemma in GAP_OBJECT_VERBS and verb.dep_ == "relcl" and not where_clause:
        # "a blue cup a man is holding with his left hand": a place or means phrase does not fill the object
        state.graph.verbs_with_relation.add(verb.i)
        add_relation(state, nominal_conjuncts(state, subjects[0]), lemma, nominal_conjuncts(state, target))
        _relate_holding_hand(state, verb, lemma, subjects[0], target)


def _relate_holding_hand(state: ParseState, verb, lemma: str, subject, target) -> None:
    """ "a blue cup a man is holding with his left hand" -> (left hand, hold, cup): the hand of a with-phrase holds
    the clause's noun, as it holds a direct object ("holding a hot dog with his right hand"). FACTUAL train: the hand
    holds in 6 of the 7 captions with "hold(s/ing) X with <hand>", and "hold with" a hand is written in none; the
    holder has the hand in all 7."""
    if lemma != "hold":
        return
    for prep in state.kids(verb):
        if prep.dep_ == "prep" and prep.lower_ == "with":
            for part in state.kids(prep):
                if part.dep_ == "pobj" and part.lower_ in _HOLDING_PARTS and is_node(state, part):
                    state.graph.consumed_preps.add(prep.i)
                    add_relation(state, nominal_conjuncts(state, subject), "have", [part])
                    add_relation(state, [part], lemma, nominal_conjuncts(state, target))


def _looked_through_part_place(state: ParseState, phrase) -> str:
    """ "the back of the chair the kid is sitting on" -> (kid, sit on back of, chair), "top of the wave the person is
    surfing on" -> (person, surf on top of, wave): when the clause's noun is a part noun looked through to its whole,
    the predicate names the part with its own preposition (PART_NOUN_PREPOSITION), as for a part noun a verb takes as
    its object. FACTUAL train: the one such caption ("top of the wave") writes the part, and re-parsing all of train
    changes only it; long_dev 1 of 1 too. The part phrase ("on back of"), or "" when the phrase has no such part."""
    of_positions = [index for index, token in enumerate(phrase) if token.lower_ == "of"]
    if len(of_positions) != 1 or of_positions[0] == 0:
        return ""
    target = phrase[of_positions[0] - 1]
    if target.i not in state.partitives or len(state.conjuncts(target)) > 1:
        return ""
    preposition = PART_NOUN_PREPOSITION.get(target.lower_)
    if not preposition or resolve(state, target).i == target.i:
        return ""
    return f"{preposition} {target.lower_} of"


_WHERE_CLAUSE_PARTICLES = {"around", "through", "across", "along", "over", "under", "inside", "past", "into"}


def _where_particle(state: ParseState, verb, children) -> list:
    """ "an area where many people walk around and gather" -> (people, walk around, area): a bare place adverb right
    after the verb of a where-clause says how the clause's subject is placed, and stands for the place's
    preposition, as a stranded one does ("the branch the bird is sitting on"). ([] if none; then the default.)"""
    return [
        c.lower_
        for c in children
        if c.dep_ == "advmod" and c.i == verb.i + 1 and c.lower_ in _WHERE_CLAUSE_PARTICLES and not state.kids(c)
    ]


def _has_adverb_place(state: ParseState, children) -> bool:
    """ "the wetsuit the man standing next to the dog has on": "next to the dog" (the parser hangs "to" on the
    adverb "next", as in "close to", "away from") is the clause's own place, so the modified noun is no place of
    the verb: no (man, stand, wetsuit). (A parse repair: FACTUAL train has no gapped clause with such a place.)"""
    return any(
        c.dep_ == "advmod"
        and any(prep.dep_ == "prep" and any(obj.dep_ == "pobj" for obj in state.kids(prep)) for prep in state.kids(c))
        for c in children
    )


def _gapped_noun_before_pronoun(state: ParseState, subject, target):
    """ "a man holding a phone he is talking on", "woman ..., supporting laptop she is working on": a personal
    pronoun subject of a contact clause refers back to someone else, never to the noun the clause fills, so
    that noun is the one right before the pronoun; the parser hangs the clause on the person ("man") or makes
    the person a second subject, which wrote (man, talk on, man). FACTUAL train has no such caption; its
    contact clauses with a noun subject fill the noun before it ("the water the bird is standing on")."""
    if subject.tag_ != "PRP" or subject.i == 0:
        return target
    before = state.tokens[subject.i - 1]
    if before.i > target.i and state.nominal(before):
        return before
    return target


_HOLDING_PARTS = {"hand", "hands", "paw", "paws", "trunk"}


def _noun_before_where(state: ParseState, children):
    """The noun right before a clause's "where", or None."""
    where = next(c for c in children if c.lower_ == "where")
    if where.i == 0:
        return None
    before = state.tokens[where.i - 1]
    return before if state.nominal(before) else None


_BE_FORMS = {"is", "are", "was", "were"}
_NOUN_PHRASE_TAGS = {
    "DT",
    "PDT",
    "JJ",
    "JJR",
    "JJS",
    "NN",
    "NNS",
    "NNP",
    "NNPS",
    "CD",
    "VBN",
    "VBG",
    "HYPH",
    "PRP$",
    "POS",
}
_PREDICATE_WORD_TAGS = {"IN", "RP", "RB", "TO"}
_MAX_STRANDED_PREDICATE_WORDS = 4
# "NNP": the tagger reads a lower-case noun opening a caption as a proper noun ("sand/NNP man is standing on",
# "green bench/NNP guy is sitting on"); read as a noun, 6 more of FACTUAL train's 36,137 graphs are exact, none lost
_SUBJECT_MODIFIER_TAGS = {"NN", "NNS", "NNP", "JJ", "VBN", "VBG", "HYPH", "CD"}
_CONJUNCT_TAGS = {"NN", "NNS", "JJ"}
_SUBJECT_OPENERS = {"that", "which", "where"}
# Particles that complete a phrasal verb, no place: "tail turned up", "a man is reaching out".
_VERB_PARTICLES = {"up", "out", "away", "back", "together", "apart"}


def relate_stranded_preposition_clause(state: ParseState) -> None:
    """ "the pole the street sign is attached to", "striped couch man is sitting on", "sidewalk the luggage
    is on": a caption that is a noun phrase plus a clause ending in a preposition without an object says
    the clause's subject stands in that relation to the first noun phrase. The parser rarely finds the gap:
    it reads the first noun as a verb ("sidewalk/VB"), as a compound of the subject ("couch man") or
    hangs the clause on nothing, and the rules found no relation at all in 121 FACTUAL train captions of
    this shape. Read from the words: the whole caption must be [noun phrase] [that] [noun phrase]
    [is/are] [participle | verb] [prepositions]. On all 36,137 train captions it changes 101 graphs: 99 gold
    relations gained, 5 wrong ones added, 88 more graphs exact. Relation F1 / graph exact (benchmarks/
    parser_quality.py --train_sample 2000 --train_sample_min_words 8): random_dev 79.48 / 71.70% -> 79.83 /
    72.30%, length_dev 81.65 / 72.40% -> 81.70 / 72.50%, long_dev 54.13 / 26.16% -> 54.19 / 26.29%, train
    sample 71.04 / 57.00% -> 71.25 / 57.40%."""
    last_word = next((token for token in reversed(state.tokens) if token.is_alpha), None)
    if last_word is None or last_word.tag_ not in ("IN", "RP"):
        return  # most captions end in a noun: no word list to build (words[-1] below is this word)
    words = [token for token in state.tokens if not token.is_space]
    while words and not words[-1].is_alpha:
        words.pop()
    if len(words) < 4 or words[-1].tag_ not in ("IN", "RP") or words[-1].lower_ in _VERB_PARTICLES:
        return
    if state.kids(words[-1]):
        return
    position = len(words) - 1
    while (
        position > 0
        and len(words) - position <= _MAX_STRANDED_PREDICATE_WORDS
        and (words[position].tag_ in _PREDICATE_WORD_TAGS or _is_place_noun_of(words, position))
    ):
        position -= 1
    verb = words[position]
    if verb.lower_ in _BE_FORMS:
        auxiliary, verb = verb, None
    elif verb.tag_ in ("VBG", "VBN") and position > 0 and words[position - 1].lower_ in _BE_FORMS:
        auxiliary, position = words[position - 1], position - 1
    elif verb.tag_ in ("VBP", "VBZ", "VBD") and verb.lower_ not in ("has", "have", "had"):
        auxiliary = verb
    else:
        return
    if _is_posture_particle(state, verb, [token for token in words[position + 1 :] if token is not verb]):
        return
    split = _stranded_clause_subject_start(state, words, position)
    if split is None:
        return
    subjects_start, first_phrase_end = split
    place = _first_phrase_head(state, words[:first_phrase_end], verb or auxiliary)
    subjects = _clause_subjects(state, words[subjects_start:position])
    if place is None or not subjects:
        return
    predicate_words = [
        token.lower_ for token in words[position + 1 :] if token is not verb and _is_predicate_word(state, token)
    ]
    lemma = state.lemma(verb.text, verb.tag_) if verb is not None else ""
    state.graph.consumed_preps.update(token.i for token in words[position + 1 :] if token.tag_ in ("IN", "RP"))
    state.graph.hidden.update(  # "in front of": no front node
        words[index].i for index in range(position + 1, len(words)) if _is_place_noun_of(words, index)
    )
    state.graph.verbs_with_relation.add((verb or auxiliary).i)
    part_place = ""
    if len(predicate_words) == 1 and predicate_words[0] in CANONICALISED_PREPOSITIONS:
        part_place = _looked_through_part_place(state, words[:first_phrase_end])
    add_relation(state, subjects, join_predicate(lemma, *([part_place] if part_place else predicate_words)), [place])


def _is_posture_particle(state: ParseState, verb, after) -> bool:
    """ "baby giraffe is laying down", "zebra foal is sitting down": "down" after a posture verb (POSTURE_VERBS)
    completes the verb, no preposition stranded from the noun before the subject. FACTUAL train: none of its 5
    captions ending in "is/are laying/lying/sitting down" relates the subject to a noun ((giraffe, laying down))."""
    if verb is None or len(after) != 1 or after[0].lower_ not in POSTURE_PARTICLES:
        return False
    return state.lemma(verb.text, verb.tag_) in POSTURE_VERBS


def _is_predicate_word(state: ParseState, token) -> bool:
    """Prepositions and the adverbs of "next to", "away from", "out of"; not "the man is currently in"."""
    if token.tag_ != "RB":
        return True
    following = state.tokens[token.i + 1] if token.i + 1 < len(state.tokens) else None
    return following is not None and following.lower_ in ("to", "from", "of")


def _is_place_noun_of(words, position) -> bool:
    """The noun of a multi-word preposition ending the clause: "in front of", "on top of"."""
    token = words[position]
    return (
        token.tag_ in ("NN", "JJ")
        and position + 1 < len(words)
        and words[position + 1].lower_ == "of"
        and words[position - 1].tag_ == "IN"
    )


def _stranded_clause_subject_start(state: ParseState, words, end):
    """(start of the clause's subject, end of the first noun phrase) before word `end` (the auxiliary or
    verb), or None. The subject starts after "that"/"which", else at its own determiner ("sidewalk the
    luggage"); with neither it is the last noun and its conjuncts ("blue truck beagles": the beagles)."""
    if end < 2 or words[end - 1].tag_ not in ("NN", "NNS", "NNP"):
        return None
    start = end - 1
    while start > 0 and (words[start - 1].tag_ in _SUBJECT_MODIFIER_TAGS or words[start - 1].lower_ in ("and", ",")):
        start -= 1
    if start == 0 or words[start - 1].lower_ not in _SUBJECT_OPENERS and words[start - 1].tag_ not in ("DT", "PRP$"):
        if start > 0 and words[start - 1].tag_ not in ("DT", "PRP$", "CD"):
            return None  # a verb, a preposition...: not two noun phrases
        start = end - 1  # no boundary: the subject is the last noun, with the nouns coordinated with it
        if word_before_known_name_head(state, words[start]) is words[start - 1]:
            start -= 1  # "wire traffic lights are hanging from": the traffic lights
        while start >= 3 and words[start - 1].lower_ in ("and", ",") and words[start - 2].tag_ in _CONJUNCT_TAGS:
            start -= 2
        return (start, start) if start > 0 else None
    opener = start - 1
    if words[opener].lower_ in _SUBJECT_OPENERS:
        return (start, opener) if opener > 0 else None
    first_end = opener
    if first_end >= 2 and words[first_end - 1].lower_ == "of" and words[first_end - 2].tag_ == "CD":
        first_end -= 2  # "bench 3 of the girls are sitting on"
    if first_end > 0 and words[first_end - 1].lower_ in _SUBJECT_OPENERS:
        first_end -= 1  # "the plate that the sandwiches are on"
    return (opener, first_end) if first_end > 0 else None


def _first_phrase_head(state: ParseState, phrase, verb):
    """The head noun of the caption's first noun phrase ("white frame of chair": frame), made a node of
    its own where the tagger read it as a verb or the parser as a compound of the clause's subject."""
    if not phrase or any(token.tag_ not in _NOUN_PHRASE_TAGS and token.lower_ != "of" for token in phrase[1:]):
        return None
    head = phrase[-1]
    if any(token.lower_ == "of" for token in phrase):
        before_of = phrase[: next(i for i, token in enumerate(phrase) if token.lower_ == "of")]
        if before_of and is_node(state, resolve(state, before_of[-1])):
            head = before_of[-1]  # not "an aerial view of an open toilet seat": the seat
    if not state.nominal(head):
        if head.tag_ not in ("VB", "VBP", "NN", "NNS") or not head.is_alpha:
            return None
        state.nominal_overrides.add(head.i)  # "sidewalk/VB the luggage is on"
    if head.dep_ == "compound":  # "couch man": the couch is a node, not part of the man's name or phrase
        state.table.hand_over_lefts(head.head, head)
        state.reattach(head, verb, dep="dep")
    return resolve(state, head)


def _clause_subjects(state: ParseState, phrase) -> list:
    """The nouns before each "and"/"," of the subject phrase and its last noun ("surfboard and life rings")."""
    subjects = [phrase[-1]] if phrase and phrase[-1].tag_ in ("NN", "NNS") else []
    for index, token in enumerate(phrase[1:], start=1):
        if token.lower_ in ("and", ",") and phrase[index - 1] is not phrase[-1]:
            conjunct = phrase[index - 1]
            if not state.nominal(conjunct):
                state.nominal_overrides.add(conjunct.i)  # "surfboard/JJ and life rings"
            subjects.insert(len(subjects) - 1, conjunct)
    return [resolve(state, subject) for subject in subjects]


def _relate_worn_before_wearer(state: ParseState, verb) -> bool:
    """ "black jacket man is wearing", "the strings on the jacket the kid on the skateboard is wearing": an
    object-less "is wearing" whose subject comes right after a garment wears that garment, (man, wear,
    jacket), whatever the parser made of the garment (a compound of the wearer, a second subject, the
    root). FACTUAL train: of 50 captions ending in "is/are wearing", the rules missed the gold `wear` pair in
    14, all in this order; on all 36,137 captions this rule changes 12, each gaining its gold pair (12 gold
    relations, no wrong one; attributes 7 gold gained, 19 wrong ones dropped)."""
    children = state.kids(verb)
    if state.lemma(verb.text, verb.tag_) != "wear" or not any(child.dep_ == "aux" for child in children):
        return False
    if any(child.dep_ in ("dobj", "attr") for child in children):
        return False
    for wearer in children:
        if wearer.dep_ != "nsubj" or not state.nominal(wearer):
            continue
        if is_garment(state, wearer):
            garment, wearer = wearer, _wearer_of_participle_on(state, wearer)
            if wearer is None:
                continue
        else:
            garment = _garment_before(state, wearer)
        if garment is not None:
            state.graph.verbs_with_relation.add(verb.i)
            add_relation(state, nominal_conjuncts(state, wearer), "wear", [garment])
            return True
    return False


# Verbs whose object, missing after "is/are V-ing" closing a caption, is the noun phrase opening it.
_FRONTED_OBJECT_VERBS = {"hold", "carry", "use"}


def _relate_held_before_holder(state: ParseState, verb) -> bool:
    """ "silver bike man is holding", "cardboard box man is carrying", "black computer man is using": a caption
    that is a bare noun phrase, a person and an object-less "is/are V-ing" of a verb that needs an object
    says the person does it to the noun phrase; the parser reads the thing as a compound of the person. As
    "black jacket man is wearing" (_relate_worn_before_wearer) for any noun. FACTUAL train: all 5 captions
    "<noun> <person> is holding/carrying/using" without a determiner write (man, hold, bike)."""
    if state.lemma(verb.text, verb.tag_) not in _FRONTED_OBJECT_VERBS or verb.dep_ != "ROOT":
        return False
    children = state.kids(verb)
    if not any(child.dep_ == "aux" for child in children) or any(
        child.i > verb.i and child.is_alpha for child in children
    ):
        return False
    holders = [child for child in children if child.dep_ == "nsubj" and state.nominal(child)]
    if len(holders) != 1 or not can_wear(state, holders[0]):
        return False
    holder = holders[0]
    thing = state.tokens[holder.i - 1] if holder.i > 0 else None
    if thing is None or thing.tag_ not in ("NN", "NNS", "NNP") or thing.head is not holder:
        return False
    if word_before_known_name_head(state, holder) is thing or any(
        token.tag_ in ("DT", "PRP$") for token in state.tokens[: holder.i]
    ):
        return False  # "tennis player is holding": a name; "the ... man is holding": the rules above read it
    state.relabel(thing, dep="dep")  # no compound: a node, not part of the holder's name
    state.table.hand_over_lefts(holder, thing)
    state.graph.verbs_with_relation.add(verb.i)
    add_relation(state, nominal_conjuncts(state, holder), state.lemma(verb.text, verb.tag_), [thing])
    return True


def _wearer_of_participle_on(state: ParseState, garment):
    """ "the black shirt the lady sitting next to the man is wearing": the parser makes the garment the
    subject of "is wearing" and hangs the wearer's participle on it; the participle's subject, right after
    the garment, is the wearer. (FACTUAL long_dev: 1 gold (lady, wear, shirt) gained; train.csv has no
    such caption.)"""
    for participle in state.kids(garment):
        if participle.dep_ not in ("acl", "relcl") or participle.tag_ != "VBG":
            continue
        for wearer in state.kids(participle):
            if wearer.dep_ == "nsubj" and wearer.left_edge.i == garment.i + 1 and can_wear(state, wearer):
                return wearer
    return None


def _garment_before(state: ParseState, wearer):
    """The garment right before the wearer's phrase, made a node: a compound of the wearer ("jacket man")
    is a node of its own, with the words before it ("blue jeans person": blue jeans), and a garment the tagger
    read as the verb ("grey shorts the man ...") is a noun."""
    for child in state.lefts(wearer):
        if child.dep_ == "compound" and child.i == wearer.i - 1 and is_garment(state, child):
            state.relabel(child, dep="dep")  # no compound: a node, not part of the wearer's name
            state.table.hand_over_lefts(wearer, child)
            return child
    start = wearer.left_edge.i
    garment = state.tokens[start - 1] if start > 0 else None
    if garment is None or not is_garment(state, garment) or garment.dep_ == "compound":
        return None
    if not state.nominal(garment) and garment.dep_ == "ROOT":
        state.nominal_overrides.add(garment.i)
    return garment if state.nominal(garment) else None


# verbs a hand does itself: "left hand of a person holding a coffee mug"
_HAND_VERBS = {"hold", "grip", "grab", "clutch"}
_HAND_NOUNS = {"hand", "hands"}


def _holding_hand_of(state: ParseState, verb, owner):
    """ "left hand of a person holding a coffee mug", "hands of a person holding a cell phone": a holding participle
    after "the hand of <owner>" is the hand's, (left hand, hold, coffee mug), as "a frog held in a hand" is held by
    the hand. FACTUAL train: all 3 captions with "hand(s) of X holding" write the hand ("white right hand of a man
    sniffing wine", another verb, the man). The hand, or None."""
    if state.lemma(verb.text, verb.tag_) not in _HAND_VERBS or owner.dep_ != "pobj" or owner.head.lower_ != "of":
        return None
    hand = owner.head.head
    return hand if hand.lower_ in _HAND_NOUNS and state.nominal(hand) else None


# what a container does where it stands: "bags of chips sitting on the table"
_RESTING_VERBS = {"sit", "rest"}


def _resting_container_of(state: ParseState, verb, contents):
    """ "bags of chips sitting on the table": spaCy hangs the participle on the contents (after a plural most
    often), but what sits is the container (CONTAINER_PREPOSITION), (bag, sit on, table). FACTUAL train,
    "<container> of X sitting": the container in 9 captions, the contents in 1 ("cup of coffee sitting on plate on
    table"). The container, or None."""
    if state.lemma(verb.text, verb.tag_) not in _RESTING_VERBS:
        return None
    if contents.dep_ != "pobj" or contents.head.lower_ != "of" or not state.nominal(contents.head.head):
        return None
    container = contents.head.head
    return container if state.noun_lemma(container.lower_) in CONTAINER_PREPOSITION else None


def _participle_carrier(state: ParseState, verb, depth: int = 0):
    """Who does a participle the parser hung on the wrong noun: "a man in a white uniform standing
    in the background" (on "uniform") -> the man; "a woman riding a bomb wearing a hat" (on "bomb")
    -> the woman. None when the attachment stands. (Measured on FACTUAL train and dev: both help.)"""
    if verb.tag_ != "VBG":
        return None
    # "a man in a white shirt and brown shorts holding a bag": on the last garment, still the man's
    noun = first_nominal_conjunct(state, verb.head)
    if noun.dep_ == "pobj" and noun.head.lower_ == "in" and state.nominal(noun.head.head):
        return nominal_conjuncts(state, noun.head.head)
    if _worn_after_participle(state, noun):
        return subjects_of(state, noun.head.head, depth + 1)
    if noun.dep_ == "pobj" and noun.head.lower_ == "with" and state.nominal(noun.head.head):
        # "a man with brown hair standing in the street": the hair does not stand (but "a pole with a
        # sign hanging off it": the sign hangs)
        if noun.lower_ in GARMENTS or state.noun_lemma(noun.lower_) in BODY_PARTS | GARMENTS:
            return nominal_conjuncts(state, noun.head.head)
        if _acts_away_from_with_object(state, verb) and len(nominal_conjuncts(state, noun)) == 1:
            return nominal_conjuncts(state, noun.head.head)
    if noun.dep_ == "conj" or verb.head.dep_ == "conj":
        return None
    if (hand := _holding_hand_of(state, verb, noun)) is not None:
        return nominal_conjuncts(state, hand)
    if (container := _resting_container_of(state, verb, noun)) is not None:
        return nominal_conjuncts(state, container)
    if _is_place_of_acting_holder(state, noun):
        return nominal_conjuncts(state, noun.head.head)
    if noun.dep_ == "dobj" and noun.head.tag_ == "VBG" and noun.head.dep_ == "acl":
        return subjects_of(state, noun.head, depth + 1)
    if _after_place_of_participle(state, verb, noun):
        return subjects_of(state, noun.head.head, depth + 1)
    if (first := _first_participle_before_thing(state, verb, noun)) is not None:
        return subjects_of(state, first, depth + 1)
    return None


def _displayed_depiction(state: ParseState, verb):
    """ "picture of a flower hanging on the wall", "a picture of a dinosaur hanging on the wall" (the parser
    makes the dinosaur the subject of "hanging"): what hangs or is printed is the picture, not what it shows
    (FACTUAL train: 4 of 4 such captions; but "picture of woman playing tennis": the woman plays). The
    picture, or None."""
    if verb.tag_ not in ("VBG", "VBN") or state.lemma(verb.text, verb.tag_) not in DISPLAY_VERBS:
        return None
    of = verb.head
    if verb.dep_ == "acl" and of.dep_ == "pobj":
        of = of.head
    elif verb.dep_ != "pcomp":
        return None
    picture = of.head
    if of.lower_ != "of" or not state.nominal(picture) or state.noun_lemma(picture.lower_) not in DEPICTION_NOUNS:
        return None
    return picture


def _depicted_actor(state: ParseState, verb):
    """ "photograph of man standing against a brick wall", "picture of woman holding surfboard": the parser
    makes the picture the subject of the participle (or hangs it on the picture); the one shown acts (FACTUAL
    train: 4 of 4 such captions give the action to the one shown; a picture that hangs or is printed:
    `_displayed_depiction`). The one shown, or None."""
    if verb.tag_ != "VBG" or state.lemma(verb.text, verb.tag_) in DISPLAY_VERBS:
        return None
    if verb.dep_ == "acl":
        picture = verb.head
    else:
        subjects = [child for child in state.kids(verb) if child.dep_ == "nsubj"]
        if not subjects:
            return None
        picture = subjects[0]
    if not state.nominal(picture) or state.noun_lemma(picture.lower_) not in DEPICTION_NOUNS:
        return None
    for of in state.kids(picture):
        if of.dep_ == "prep" and of.lower_ == "of" and of.i < verb.i:
            for shown in state.kids(of):
                if shown.dep_ == "pobj" and state.nominal(shown):
                    return shown
    return None


def _acts_away_from_with_object(state: ParseState, verb) -> bool:
    """ "man with bag walking down the street", "kid with a dog sitting on folding chair": a participle
    after a with-object that goes somewhere else (a place or an object of its own, no pronoun pointing
    back) is what the noun before "with" does. With a pronoun the with-object acts: "a chair with a cat
    sitting on it". (FACTUAL train, "N with X V-ing ..." with no pronoun in the clause and the parser's
    clause on X: gold gives the participle to N in 8 captions, to X in 1.)"""
    if any(token.tag_ in ("PRP", "PRP$") for token in verb.subtree):
        return False
    for child in state.kids(verb):
        if child.dep_ == "dobj" and state.nominal(child):
            return True
        if child.dep_ == "prep" and any(
            target.dep_ == "pobj" and state.nominal(target) for target in state.kids(child)
        ):
            return True
    return False


def _is_place_of_acting_holder(state: ParseState, noun) -> bool:
    """ "a woman on a cellphone crossing the road", "cat on a ledge looking out the window": the parser hangs
    the participle on the place of a person or animal; a thing that cannot act does not (but "red jacket on
    person flying a kite", "food on a plate placed on a table": the nearer noun). (FACTUAL train, a person
    or animal placed "on"/"at" a thing, then a participle: gold gives it the person in 7 of 7 captions.)"""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ in ("of", "with", "in"):
        return False
    return state.nominal(prep.head) and can_wear(state, prep.head) and not can_wear(state, noun)


def _worn_after_participle(state: ParseState, noun) -> bool:
    """ "a man standing in a costume talking on a phone", "a man dressed in a suit and shoes kicking a
    ball": the garment after a first participle does not act; its wearer does."""
    prep, first = noun.head, noun.head.head
    return (
        noun.dep_ == "pobj"
        and prep.lower_ == "in"
        and first.tag_ in ("VBG", "VBN")
        and first.dep_ == "acl"
        and is_garment(state, noun)
    )


def _after_place_of_participle(state: ParseState, verb, noun) -> bool:
    """ "a man standing in a kitchen preparing food": the parser hangs the second participle on the place
    of the first; an action with an object is done by whoever stands there (not "a car parked on a street
    covered in snow": no object). Surface prepositions only: after "next to a woman" the woman may act.
    (Changes 42 of the 25,010 COCO Karpathy test captions, each to the person or animal; in FACTUAL only one
    caption of the 8+-word train sample: benchmarks/dump_parser_graphs.py --compare.)"""
    place = noun.head
    first = place.head
    if noun.dep_ != "pobj" or place.dep_ != "prep" or first.tag_ != "VBG" or first.dep_ != "acl":
        return False
    if place.lower_ not in _SURFACE_PREPOSITIONS:
        return False
    return any(child.dep_ == "dobj" for child in state.kids(verb))


# Participles with an object that only a person or animal does: a car, pole or camera does not hold or wear.
_BEING_ONLY_VERBS = {"hold", "wear", "eat", "drink", "ride", "play", "watch", "talk", "use", "throw", "swing", "smile"}
# dependencies that lead from a place's preposition up to the participle ("next to", "in front of", agent "by")
_PLACE_CHAIN_DEPS = {"prep", "agent", "advmod", "pobj"}


def _first_participle_before_thing(state: ParseState, verb, noun):
    """ "a woman standing next to a car holding an umbrella", "a man is sitting in a car holding a dog", "a man
    leaning against a wall talking on a phone": the parser hangs the second participle on the place of the first
    verb; when that place is a thing, not a person or animal, and the action one a thing cannot do (hold, wear,
    eat, ride, play...), the first verb's subject does it, after any preposition (`_after_place_of_participle`
    covers surface ones for any action with an object). "next to a woman holding a cup", "next to an adult riding
    skis" keep the person. The first verb, or None. FACTUAL train has no caption of this shape (none of its 672
    captions with two -ing words changes; its surface-preposition kin: 7 of 7 give the action to the person,
    `_is_place_of_acting_holder`); of the dev and 25,010 COCO graphs 66 change, each to the person or animal ("a
    man standing next to a table holding a glass of wine", "people are walking in the rain holding umbrellas"),
    no dev score changes."""
    if (
        noun.dep_ != "pobj"
        or _is_being(state, noun)
        or state.noun_lemma(noun.lower_) in BEINGS_OUTSIDE_WEARERS
        or state.lemma(verb.text, verb.tag_) not in _BEING_ONLY_VERBS
    ):
        return None
    if not any(child.dep_ in ("dobj", "prep") for child in state.kids(verb)):
        return None
    token = noun.head
    for _ in range(4):
        if token.dep_ not in _PLACE_CHAIN_DEPS or token.head.i == token.i:
            return None
        token = token.head
        if token.tag_ in VERB_TAGS:
            subjects = subjects_of(state, token, _MAX_CLAUSE_DEPTH - 1)
            return token if subjects and all(_is_being(state, subject) for subject in subjects) else None
    return None


# Object pronouns the parser makes the subject of a participle after a preposition ("with a fish on it holding ...").
_PRONOUNS_READ_AS_SUBJECTS = {"it", "them"}


def repair_participle_read_as_preposition_object(state: ParseState) -> None:
    """ "boy with backpack walking down the street", "the wet suit of the kid laying on the surfboard": the
    parser makes the participle the preposition's object and the noun its subject, so the preposition relates
    nothing and the noun after "with" does what its holder does. Repaired to the parse spaCy gives "man with bag
    walking down the street" and "the hat of the man sitting on the bench": the noun is the preposition's object,
    and the participle a clause on the person or animal holding a thing ("with"; FACTUAL train, "N with X V-ing":
    gold writes (N, with/have, X) in 16 of 23 captions where N does V, and in 3 of 32 where X does, so a with-object
    that can act, "a kitchen with pots hanging near the counter", keeps the parse) or on the of-object ("of").
    "an airplane with an advertisement on it sitting near a building": the pronoun is the object of "on" and the
    participle the holder's. Re-parsing all of train: 4 graphs change, 6 gold triples gained, none lost, 1 wrong
    added ((man, with, umbrella) where gold writes `have`) and 4 removed, 2 more exact."""
    for verb in state.tokens:
        if verb.dep_ != "pcomp" or verb.tag_ not in ("VBG", "VBN") or verb.head.dep_ != "prep":
            continue
        prep = verb.head
        kids = state.kids(verb)
        if _repair_participle_after_with_object(state, prep, verb):
            continue
        subjects = [kid for kid in kids if kid.dep_ == "nsubj"]
        if len(subjects) != 1 or any(kid.dep_ in ("aux", "auxpass", "mark") for kid in kids):
            continue
        if any(kid.dep_ == "pobj" for kid in state.kids(prep)):
            continue
        subject = subjects[0]
        if subject.lower_ in _PRONOUNS_READ_AS_SUBJECTS and subject.i == prep.i + 1:
            holder = prep.head
            if not state.nominal(holder):
                continue
            state.reattach(subject, prep, "pobj")
            state.reattach(verb, holder, "acl")
        elif state.nominal(subject) and subject.i < verb.i and state.nominal(prep.head):
            holder = prep.head
            if prep.lower_ == "of":
                state.reattach(subject, prep, "pobj")
                state.reattach(verb, subject, "acl")  # "the wet suit of the kid laying on the surfboard"
            elif prep.lower_ == "with" and _holder_acts(state, holder, subject):
                state.reattach(subject, prep, "pobj")
                state.reattach(verb, holder, "acl")  # "a guy with a backpack walking": the guy walks


def _repair_participle_after_with_object(state: ParseState, prep, verb) -> bool:
    """ "passengers with their luggage walking on the platform", "white bench with man sitting": the parser makes
    the participle a second object of "with", so it relates nothing. It is a clause on the holder when the holder
    acts (_holder_acts: (passenger, walk on, platform)), else on the with-object ("large log with plants growing
    inside" -> (plant, grow inside, log)). Re-parsing all of FACTUAL train: 2 graphs change, both gaining the
    participle's gold relation ("boy with gray shirt riding skateboard" -> (boy, ride, skateboard)), none losing."""
    if prep.lower_ != "with" or verb.tag_ != "VBG" or not state.nominal(prep.head):
        return False
    objects = [kid for kid in state.kids(prep) if kid.dep_ == "pobj" and kid.i < verb.i]
    if len(objects) != 1 or not state.nominal(objects[0]) or objects[0].right_edge.i != verb.i - 1:
        return False
    if any(kid.dep_ in ("nsubj", "aux", "auxpass", "mark") for kid in state.kids(verb)):
        return False
    holder = prep.head
    state.reattach(verb, holder if _holder_acts(state, holder, objects[0]) else objects[0], "acl")
    return True


def _holder_acts(state: ParseState, holder, with_object) -> bool:
    """ "bird with black beak walking in the dirt", "man with umbrella approaching restaurant": a person or animal
    with a thing (or a part) is the one who acts; but "a kitchen with pots hanging near the counter", "farm animal
    with her baby standing in the straw": the with-object does."""
    return _is_being(state, holder) and not _is_being(state, with_object)


def _is_being(state: ParseState, token) -> bool:
    return can_wear(state, token) or state.noun_lemma(token.lower_) in DEPICTED_BEINGS
