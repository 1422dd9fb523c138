"""Clause rules: who the subject of a verb is, and relative clauses with a gap.

A verb's subject may sit in another clause: a coordinated or adverbial verb inherits it, a participle
or relative clause takes the noun it modifies ("a man riding a horse", "the bag that is red").
"""

from __future__ import annotations

from .scene_graph_coordination import first_nominal_conjunct, is_garment, nominal_conjuncts
from .scene_graph_edges import add_relation
from .scene_graph_lemmas import VERB_TAGS
from .scene_graph_lexicon import BODY_PARTS, GARMENTS, LOCATIVE_PASSIVE_VERBS, RELATIVE_PRONOUNS
from .scene_graph_nodes import resolve
from .scene_graph_predicates import join_predicate
from .scene_graph_state import ParseState


_SUBJECT_INHERITING_DEPS = {"conj", "advcl", "xcomp", "pcomp"}
_MAX_CLAUSE_DEPTH = 6
_SURFACE_PREPOSITIONS = {"on", "in", "at", "inside", "against"}


def subjects_of(state: ParseState, verb, depth: int = 0) -> list:
    """Subject tokens of a verb (conjuncts expanded), looking through relative and chained clauses."""
    if depth > _MAX_CLAUSE_DEPTH:
        return []
    explicit = _explicit_subjects(state, verb)
    if explicit is not None:
        return explicit
    for child in state.lefts(verb):
        if child.dep_ in ("npadvmod", "compound", "nmod") and state.nominal(child):
            return nominal_conjuncts(state, child)
        if child.dep_ == "amod" and child.tag_ in ("NN", "NNS") and verb.dep_ == "ROOT":
            return nominal_conjuncts(state, child)  # "skateboarder doing tricks": the subject tagged a modifier
    if verb.dep_ in ("acl", "relcl") and state.nominal(verb.head):
        carrier = _participle_carrier(state, verb) if verb.dep_ == "acl" else None
        if carrier is not None:
            return carrier
        # FACTUAL expands a participle on coordinated nouns to every conjunct.
        return nominal_conjuncts(state, first_nominal_conjunct(state, verb.head))
    head = verb.head
    if verb.dep_ in _SUBJECT_INHERITING_DEPS and head.tag_ in VERB_TAGS and head.i != verb.i:
        return subjects_of(state, head, depth + 1)
    if verb.dep_ == "xcomp" and head.dep_ == "acomp":
        return subjects_of(state, head.head, depth + 1)  # "a player is about to hit the ball"
    if verb.dep_ == "xcomp" and head.tag_ not in VERB_TAGS:
        return _verbless_clause_subjects(state, head)
    return []


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


def _explicit_subjects(state: ParseState, verb):
    """The verb's own nsubj (or agent-free nsubjpass, or expletive "there is" attribute); None if none."""
    agent_free_passive = state.lemma(verb.text, verb.tag_) in LOCATIVE_PASSIVE_VERBS or not any(
        child.dep_ == "agent" for child in state.kids(verb)
    )
    for child in state.kids(verb):
        if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and agent_free_passive):
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return nominal_conjuncts(state, _agreeing_antecedent(state, verb))
            return nominal_conjuncts(state, _reduced_clause_subject(state, verb, child))
    if any(child.dep_ == "expl" for child in state.kids(verb)):
        for child in state.kids(verb):
            if child.dep_ == "attr" and state.nominal(child):
                return nominal_conjuncts(state, child)
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
    candidate = head
    for _ in range(4):
        if resolve(state, candidate).tag_ == wanted:  # "a bunch of wires on a table that are ..."
            return candidate
        if candidate.dep_ != "pobj" or candidate.head.dep_ != "prep" or not state.nominal(candidate.head.head):
            break
        candidate = candidate.head.head
    return head


def relate_gapped_clause(state: ParseState, verb) -> None:
    """ "the water the bird is standing on", "the rope the man is holding": the modified noun is
    the missing object of the relative clause (the parser may also make it a second subject)."""
    if verb.tag_ not in VERB_TAGS or _relate_worn_before_wearer(state, verb):
        return
    children = state.kids(verb)
    subjects = [c for c in children if c.dep_ == "nsubj" and state.nominal(c)]
    if verb.dep_ in ("relcl", "ccomp") and state.nominal(verb.head):
        target = verb.head
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
    stranded = [c for c in children if c.dep_ in ("prep", "prt") and c.i > verb.i and not state.kids(c)]
    has_other_preps = any(c.dep_ == "prep" and state.kids(c) for c in children)
    where = ["in"] if any(c.lower_ == "where" for c in children) else []  # "the house where they live"
    if stranded or not has_other_preps:
        words = [c.lower_ for c in stranded] or where
        predicate = join_predicate(state.lemma(verb.text, verb.tag_), *words)
        state.graph.consumed_preps.update(c.i for c in stranded)
        state.graph.verbs_with_relation.add(verb.i)
        add_relation(state, nominal_conjuncts(state, subjects[0]), predicate, nominal_conjuncts(state, target))


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
        if wearer.dep_ != "nsubj" or not state.nominal(wearer) or is_garment(state, wearer):
            continue
        garment = _garment_before(state, wearer)
        if garment is not None:
            state.graph.verbs_with_relation.add(verb.i)
            add_relation(state, nominal_conjuncts(state, wearer), "wear", [garment])
            return True
    return False


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
    if noun.dep_ == "conj" or verb.head.dep_ == "conj":
        return None
    if noun.dep_ == "dobj" and noun.head.tag_ == "VBG" and noun.head.dep_ == "acl":
        return subjects_of(state, noun.head, depth + 1)
    if _after_place_of_participle(state, verb, noun):
        return subjects_of(state, noun.head.head, depth + 1)
    return None


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
