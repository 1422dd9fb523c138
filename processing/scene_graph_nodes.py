"""Node rules: which tokens are objects, and their names and spans.

FACTUAL conventions (Li et al., Findings of ACL 2023): nodes are heads (in the caption's number) with their
kind-naming compounds ("tennis player"); partitives are skipped ("a bunch of birds" -> bird). Region
captions are often fragments, so a few tagger slips are repaired first (`repair_word_classes`).
"""

from __future__ import annotations

from functools import lru_cache

from .scene_graph_conventions import (
    ADVERB_TAGGED_NOUNS,
    ATTRIBUTE_NAMES,
    BARE_PLACE_NOUNS,
    COMPOUND_NAMES,
    COMPOUND_PAIR_PREDICATES,
    DETERMINED_NON_NODES,
    ING_NODE_WORDS,
    NAME_MODIFIERS,
    NODE_NAMES,
    NODE_WORDS,
    NON_NODES,
    OF_PARTITIVES,
    OWNED_PART_PAIRS,
    PHRASE_ATTRIBUTES,
    WEARERS,
)
from .scene_graph_lemmas import ADJECTIVE_TAGS, FINITE_VERB_TAGS, NOUN_TAGS, VERB_TAGS
from .scene_graph_lexicon import (
    ADVERBIAL_IDIOM_NOUNS,
    BARE_LOW_LIGHT_TIMES,
    BODY_PARTS,
    CLASSIFIER_NOUNS,
    COLOUR_WORDS,
    COLOURED_WORDS,
    COMPOUND_NAMED_HEADS,
    DEPICTED_BEINGS,
    DESCRIBED_PART_FRAME_NOUNS,
    FRAMING_NON_NODES,
    GARMENTS,
    GENERIC_NAME_HEADS,
    GEOMETRIC_SHAPES,
    IDIOM_OF_HEADS,
    ING_NOUNS,
    INVARIANT_PLURALS,
    LIKENESS_HEADS,
    LOCATIVE_PREPOSITIONS,
    LONE_PART_FRAME_NOUNS,
    MATERIAL_AND_COLOUR_NOUNS,
    MODIFIER_NON_NODES,
    NON_ARTICLE_DETERMINERS,
    NON_REFERRING_PRONOUNS,
    OUTING_NON_NODES,
    PARTITIVE_NOUNS,
    PERSON_ADJECTIVE_NOUNS,
    PERSON_WORDS,
    POSITIONAL_MODIFIERS,
    PRONOUN_NODES,
    PURPOSE_GERUNDS,
    QUANTIFIER_PRONOUNS,
    QUANTIFYING_ADJECTIVES,
    SHAPE_ADJECTIVES,
    SHEET_MATERIAL_NOUNS,
    SIDE_NOUNS,
    SIDE_PREPOSITIONS,
    TAKEN_ACTIVITIES,
    THING_NAMES_WITH_GARMENT_HEADS,
    THING_NAMES_WITH_WEARER_HEADS,
    UNMARKED_POSSESSIVE_FORMS,
)
from .scene_graph_state import ParseState
from .scene_graph_text import QUOTED_TEXT_NAME


_ARGUMENT_DEPS = {"pobj", "dobj", "nsubj", "nsubjpass"}
_NOT_NOUNS = {"other", "others", "one", "ones", "each", "both", "many", "few", "several", "more", "most", "all"}
_CLAUSE_DEPS = {"nsubj", "nsubjpass", "expl", "aux", "auxpass", "dobj", "ccomp", "xcomp"}
_NON_PHRASE_DEPS = {"poss", "case", "punct", "cc", "prep", "conj", "relcl", "acl"}
_BASE_VERB_TAGS = {"VB", "VBP", "VBZ"}
_PHRASE_START_TAGS = {"DT", "JJ", "CD", "PRP$"}
_VERB_DEPENDENT_DEPS = {"prep", "dobj", "prt", "advmod", "npadvmod", "acomp"}
_ADJECTIVE_LIST_GLUE = {",", "and", "or", "&", "/", "-"}
# Adjectives that name a part of their noun: FACTUAL writes "a dark haired man" as (man, have, hair),
# (hair, is, dark). Its training split, "-ed" amod before a noun, gold (noun, have, stem): haired 34 of 35,
# framed 36 of 38, sleeved 16 of 17; no other "-ed" adjective has more than 3 such captions. "legged" and "wheeled"
# (5 of 6 and 3 of 3 write (noun, have, legs / wheels)) name a part that comes in numbers, hence the plural.
PART_ADJECTIVES = {"haired": "hair", "framed": "frame", "sleeved": "sleeve", "legged": "legs", "wheeled": "wheels"}
# "a tiled roof" -> (tile, on, roof): an adjective naming what covers its noun. FACTUAL train: "tiled" before a
# noun gives (tile, on, noun) in 17 of 18 captions (the other: (tile, in, bathroom)); after a copula ("the wall
# behind the toilet is tiled") (tile, on, subject) in 2 of 2. "a man climbing a snowy hill" -> (snow, on, hill):
# "snowy" before a noun gives (snow, on, noun) in 17 of 18 captions (the other relates snow otherwise) and is never
# an attribute; "grassy", "sandy", "rocky", "cloudy" stay attributes (56, 14, 11 and 22 captions, none as a node).
# Re-parsing train.csv with "snowy": 18 graphs change, 13 gold triples gained, none lost, 9 more exact graphs.
# The noun "tile" before the noun it covers reads the same: "a white tile floor" -> (tile, on, floor) in 13 of the
# 14 train captions where the covered noun is a gold node (the other keeps "tile wall" whole).
COVERING_ADJECTIVES = {"tiled": "tile", "snowy": "snow", "tile": "tile", "fenced": "fence"}
# The adjectives that name a part or covering of their noun, and that name.
_PART_NAMING_ADJECTIVES = PART_ADJECTIVES | COVERING_ADJECTIVES
# "a fenced area" -> (fence, around, area): FACTUAL train writes (fence, around, X) in all 13 captions with "fenced"
# ("fenced yard", "fenced-off park", "the area is fenced"); the other covering words are "on" their noun.
COVERING_PREDICATES = {"fenced": "around"}
# "the word litter on the sign": FACTUAL's node is the word, never the text it introduces. Its training split,
# "word(s)" before an unquoted word: gold has a word node in 27 of 28 captions (the rules named 9 of them
# by the text, "litter").
TEXT_NOUNS = {"word", "words"}
# "pots lined up on a shelf" -> (pot, in, line): FACTUAL writes a line node the caption only implies. Its training
# split has "lined up" in 15 captions (no other form of "line up"): gold has (X, in, line) in all 15. The particle
# "up" stands for that node (scene_graph_relations.relate_line_member relates it).
LINE_PARTICLE_NAME = "line"
# Plural heads are written as in the caption (`factual_name`). The mined tables are keyed by lemma names,
# so benchmarks/mine_factual_conventions.py turns this off while it mines.
KEEP_CAPTION_NUMBER = True


# ------------------------------------------------------------------ word-class repairs
def _is_unmarked_possessive_place(state: ParseState, owner) -> bool:
    """ "black hat on mans head", "a green mask on the horses face": a plural-looking place noun right before
    a body part is a possessive that lost its apostrophe; the parser makes the part the root (or tags "face" a
    verb) and the owner the place. FACTUAL train: the part is the place and the owner has it, (man, have,
    head), in 23 of the 25 such captions. As the part's subject ("horses head is over the fence", "a giraffes
    face in front of trees") the same reading gains 10 gold triples and 9 gold nodes on all of train.csv and
    adds 5 wrong triples ("two elephants face to face")."""
    if owner.dep_ not in ("pobj", "nsubj") or owner.tag_ not in ("NNS", "NNPS") or owner.i + 1 >= len(state.tokens):
        return False
    if not owner.lower_.endswith("s") or owner.lower_.endswith("ss") or is_garment(state, owner):
        return False
    part = state.tokens[owner.i + 1]
    if part.tag_ not in ("NN", "NNS", "NNP", "VBP") or part.head.i == owner.i:
        return False
    if owner.dep_ == "nsubj" and owner.head.i != part.i:
        return False  # "the dogs head on the pillow", "a giraffes face in front of trees": the part's subject
    if any(child.dep_ == "dobj" for child in state.kids(part)):
        return False  # "a building with many windows faces the camera"
    return part.lower_ in BODY_PARTS or state.noun_lemma(part.lower_) in BODY_PARTS


def _repair_unmarked_possessive_place(state: ParseState, owner) -> None:
    part = state.tokens[owner.i + 1]
    if part.tag_ == "VBP":
        state.relabel(part, tag="NN")
    state.graph.owned_parts[owner.i] = part


def repair_word_classes(state: ParseState) -> None:
    for token in state.tokens:
        # Each word-class check holds for a few tags only, so a token runs the chain of its tag class: the checks
        # that can accept its tag, in the order of one chain (the first that holds repairs). Every noun, verb and
        # adjective used to run all 21 checks; with this and the word-list tests of the last loop below the
        # function costs 36 instead of 70 microseconds per caption (4,000 COCO captions; rules 0.909 of 2.13's
        # time, benchmarks/parser_speed_against.py). A new check goes into each chain whose tags it accepts.
        tag = token.tag_
        if tag in NOUN_TAGS:
            _repair_noun_tagged_word(state, token)
        elif tag in VERB_TAGS:
            _repair_verb_tagged_word(state, token)
        elif tag in ADJECTIVE_TAGS:
            _repair_adjective_tagged_word(state, token)
        elif tag == "RB" and token.lower_ in ADVERB_TAGGED_NOUNS:
            _repair_adverb_tagged_noun(state, token)
        elif tag == "RB" and _is_adverb_tagged_argument_noun(state, token):
            state.relabel(token, tag="NN")
        elif tag == "RB" and (owner := _owner_of_adverb_tagged_back(state, token)) is not None:
            _repair_adverb_tagged_back(state, token, owner)
        if token.dep_ == "ROOT" and (participle := _participle_of_object_read_as_root(state, token)) is not None:
            _repair_object_read_as_root(state, token, participle)
        elif (
            token.dep_ == "ROOT" and (preposition := _stranded_place_of_object_read_as_root(state, token)) is not None
        ):
            _repair_place_object_read_as_root(state, token, preposition)
        elif token.dep_ == "dobj" and tag in _BASE_VERB_TAGS and _is_verb_tagged_last_object(state, token):
            state.relabel(token, tag="NN")
        if _is_unmarked_possessive_place(state, token):
            _repair_unmarked_possessive_place(state, token)
        if word_before_known_name_head(state, token) is None:
            if token.tag_ in _PAIR_HEAD_VERB_TAGS and _is_verb_tagged_compound_pair_head(state, token):
                _repair_split_compound_name(state, token)  # each split-name check below starts from that word
        elif _is_split_compound_name(state, token):
            _repair_split_compound_name(state, token)
        elif _is_modal_split_compound_name(state, token):
            _repair_modal_split_compound_name(state, token)
        elif _is_verb_split_compound_name(state, token):
            _repair_verb_split_compound_name(state, token)
        elif _is_adjective_split_compound_name(state, token):
            state.relabel(token, tag="NN")
            _repair_verb_split_compound_name(state, token)
        elif _is_detached_compound_name(state, token):
            _repair_detached_compound_name(state, token)
        elif _is_inverted_compound_name(state, token):
            _repair_inverted_compound_name(state, token)
    state.nominal_overrides = _find_nominal_overrides(state) - _ing_nouns_read_as_verbs(state)
    state.verbal_overrides = _find_verbal_overrides(state)
    _classify_nouns(state)
    _look_through_quantifier_pronouns(state)
    for token in state.tokens:
        # The checks below start from a word list; testing it here spares a call per word of the caption.
        word = token.lower_
        if word in COLOUR_WORDS and token.dep_ == "conj" and _is_worn_colour_conjunct(state, token):
            continue  # "dressed in red and white": both colours are worn
        if token.dep_ == "conj":
            listed = adjective_list_head(state, token)
            if listed is not None:
                state.graph.hidden.add(listed.i)  # "grey and black sneakers": grey is no object
        if word in COLOUR_WORDS and token.dep_ in ("conj", "npadvmod") and _describes(token.head):
            state.graph.hidden.add(token.i)  # "black and orange uniform", "orange led letters": a colour
        if word in COVERING_ADJECTIVES:
            _repair_covering_adjective(state, token)
        if word in _PART_NAMING_ADJECTIVES and _is_part_adjective(state, token):
            state.nominal_overrides.add(token.i)
            state.graph.name_overrides[token.i] = _PART_NAMING_ADJECTIVES[word]
            if (material := frame_material(state, token)) is not None:
                _repair_frame_material(state, material, token)
        if word in TEXT_NOUNS and _names_written_text(state, token):
            state.graph.name_overrides[token.head.i] = word
        if word in TEXT_NOUNS and (text := _written_text_apposition(state, token)) is not None:
            _repair_written_text_apposition(state, token, text)
        if word == "up" and is_line_particle(state, token):
            state.nominal_overrides.add(token.i)
            state.graph.name_overrides[token.i] = LINE_PARTICLE_NAME
        if word in LINE_RESTATING_NOUNS and _restates_line(state, token):
            _repair_line_restatement(state, token)
        if word in SUPPORT_NOUNS and (fixture := _fixture_on_support(state, token)) is not None:
            _repair_fixture_on_support(state, fixture, token)


def _find_verbal_overrides(state: ParseState) -> set:
    """The reverse slip: "a cake cut by a knife" tags `cut` NN, yet a word with a passive agent
    ("by a knife") is a participle, never an object."""
    if "agent" not in [token.dep_ for token in state.tokens]:
        return set()  # most captions: no noun's children need a look
    return {
        token.i
        for token in state.tokens
        if token.tag_ in NOUN_TAGS and any(child.dep_ == "agent" for child in state.kids(token))
    }


def _repair_noun_tagged_word(state: ParseState, token) -> None:
    """The word-class checks that accept a noun tag (NN, NNS, NNP, NNPS)."""
    # Five of the checks hold for "-ing" words only (each tests the ending first); asked once here, a noun without
    # it skips their calls (14,700 nouns run this chain per 4,000 COCO captions).
    ing = token.lower_.endswith("ing")
    if ing and _is_noun_tagged_participle(state, token):
        _repair_participle(state, token)
    elif _is_participle_after_adjective_tagged_subject(state, token):
        state.relabel(state.tokens[token.i - 1], tag="NN", dep="nsubj")
        _repair_participle(state, token)
    elif ing and _is_noun_tagged_participle_clause(state, token):
        state.relabel(token, tag="VBG")
    elif _is_noun_tagged_finite_verb(state, token):
        _repair_finite_verb(state, token)
    elif _is_noun_tagged_relative_clause_verb(state, token):
        _repair_relative_clause_verb(state, token)
    elif _is_noun_tagged_root_with_subject(state, token):
        state.relabel(token, tag="VBZ")
    elif _is_verb_read_as_object_head(state, token):
        _repair_verb_read_as_object_head(state, token)
    elif _is_verb_read_as_phrase_head(state, token):
        _repair_verb_read_as_phrase_head(state, token)
    elif _is_adjective_tagged_place(state, token):
        _repair_adjective_tagged_place(state, token)
    elif ing and _is_participle_read_as_worn(state, token):
        _repair_participle_read_as_worn(state, token)
    elif ing and _is_participle_with_compound_subject(state, token):
        _repair_participle_with_compound_subject(state, token)
    elif ing and _is_participle_read_as_compound(state, token):
        state.relabel(token, tag="VBG")
        _repair_participle_read_as_modifier(state, token)
    elif (particle := _particle_before_adverbial_noun(state, token)) is not None:
        state.reattach(token, particle, dep="pobj")
    elif (to := _to_read_as_infinitive_marker(state, token)) is not None:
        _repair_to_before_noun(state, to, token)


def _repair_verb_tagged_word(state: ParseState, token) -> None:
    """The word-class checks that accept a verb tag (VB, VBD, VBG, VBN, VBP, VBZ, MD)."""
    if token.tag_ == "VBG" and _is_participle_after_modifier_tagged_subject(state, token):
        subject = state.tokens[token.i - 1]
        state.relabel(subject, tag="NN", dep="nsubj")
        state.table.hand_over_lefts(token, subject)
    elif _is_verb_tagged_subject(state, token):
        _repair_subject(state, token)
    elif (
        _is_verb_tagged_conjunct(state, token)
        or _is_verb_tagged_listed_garment(state, token)
        or (token.tag_ == "VB" and _is_verb_tagged_place_after_next_to(state, token))
    ):
        state.relabel(token, tag="NN")
    elif token.tag_ == "VB" and (named := _noun_after_verb_tagged_modifier_after_next_to(state, token)) is not None:
        state.reattach(named, token.head, dep="pobj")
        state.relabel(token, tag="JJ")
        state.reattach(token, named, dep="amod")
    elif token.tag_ == "VB" and _is_verb_tagged_first_word_subject(state, token):
        state.relabel(token, tag="NN", dep="nsubj" if token.dep_ == "csubj" else None)
    elif token.tag_ == "VB" and _is_verb_tagged_place_after_participle(state, token):
        _repair_verb_tagged_place_after_participle(state, token)
    elif (listed_after := _noun_before_verb_tagged_last_item(state, token)) is not None:
        state.relabel(token, tag="NN")
        state.reattach(token, listed_after, dep="conj")
    elif _is_participle_read_as_worn(state, token):
        _repair_participle_read_as_worn(state, token)
    elif (wearer := _wearer_before_garment_participle(state, token)) is not None:
        state.reattach(token, wearer, dep="acl")
    elif _is_participle_read_as_modifier(state, token):
        _repair_participle_read_as_modifier(state, token)
    elif _is_participle_read_as_apposition_compound(state, token):
        state.reattach(token, token.head.head, dep="acl")
        state.reattach(state.tokens[token.i + 1], token, dep="dobj")
    elif (doer := _participle_doer_before_its_object(state, token)) is not None:
        _repair_participle_of_doer(state, token, doer)
    elif (described := _noun_after_first_word_participle(state, token)) is not None:
        _repair_first_word_participle(state, token, described)


def _repair_adjective_tagged_word(state: ParseState, token) -> None:
    """The word-class checks that accept an adjective tag (JJ, JJR, JJS)."""
    if _is_person_adjective_read_as_modifier(state, token):
        dep = "compound" if token.dep_ == "amod" else token.dep_  # a noun before a noun is its compound
        state.relabel(token, tag="NN", dep=dep)  # PERSON_ADJECTIVE_NOUNS are all singular
    elif _is_adjective_tagged_place(state, token):
        _repair_adjective_tagged_place(state, token)
    elif _is_adjective_tagged_garment(state, token):
        _repair_adjective_tagged_garment(state, token)
    elif _is_adjective_tagged_worn_colour(state, token):
        _repair_adjective_tagged_worn_colour(state, token)
    elif _is_adjective_tagged_participle_read_as_modifier(state, token):
        state.relabel(token, tag="VBG")
        _repair_participle_read_as_modifier(state, token)


def _is_person_adjective_read_as_modifier(state: ParseState, token) -> bool:
    """ "human feeding a bird", "female serving tennis ball": a caption opening with a person adjective
    (PERSON_ADJECTIVE_NOUNS) and an -ing verb after it names the doer, but the tagger reads an adjective on the verb
    or its object, so no person node was made. FACTUAL train: all 17 captions opening so ("human", "female", "male",
    "adult", after an article or not) make the word a node; re-parsing all of train, 5 graphs become exact, none
    is lost, 5 more come closer to gold."""
    if token.lower_ not in PERSON_ADJECTIVE_NOUNS or token.i + 1 >= len(state.tokens):
        return False
    if any(word.tag_ != "DT" for word in state.tokens[: token.i]):
        return False
    verb = state.tokens[token.i + 1]
    return verb.lower_.endswith("ing") and state.is_verb(verb.text, "VBG") and verb.lower_ not in ING_NOUNS


def _is_adjective_tagged_worn_colour(state: ParseState, token) -> bool:
    """ "a man dressed in red and white", "the player is wearing red and white": the parser hangs the first colour on
    "in" as its modifier (leaving "in" no object) or reads the second as an adjective conjunct, so only one colour,
    or none, was worn. Each bare colour there is worn as a single one is ("dressed in red" -> (man, wear, red): see
    _is_worn_colour); a lone colour hung on "in" too ("woman dressed in black"). Re-parsing all of FACTUAL train: 5
    graphs change, 2 more exact ((woman, wear, black), (tennis player, wear, black)), none fewer (gold writes worn
    clothes of those colours for the other 3); long_dev writes (person, wear, red), (person, wear, white) for
    "person is dressed in red and white"."""
    if token.lower_ not in COLOUR_WORDS or _next_is_noun(state, token):
        return False
    if token.dep_ == "conj":
        first = token.head
        return first.lower_ in COLOUR_WORDS and _is_dressing_object_slot(state, first)
    preposition = token.head
    return (
        token.dep_ == "amod"
        and preposition.lower_ == "in"
        and preposition.i == token.i - 1
        and is_dressing_verb(state, preposition.head)
        and not any(kid.dep_ == "pobj" for kid in state.kids(preposition))
    )


def _next_is_noun(state: ParseState, token) -> bool:
    """ "dressed in red and white shirts": the colours describe a garment after them."""
    return any(word.tag_ in NOUN_TAGS for word in state.tokens[token.i + 1 : token.i + 4] if word.dep_ != "cc")


def _is_dressing_object_slot(state: ParseState, token) -> bool:
    """The object of "dressed in" / "clad in", or of a form of "wear"."""
    governor = token.head
    if token.dep_ == "pobj" and governor.lower_ == "in":
        return is_dressing_verb(state, governor.head)
    return is_worn_slot(state, token)


def is_dressing_verb(state: ParseState, verb) -> bool:
    """ "dressed in", "clad in": FACTUAL writes `wear` whatever is worn (train: 51 of 56 captions)."""
    return verb.tag_ in VERB_TAGS and state.lemma(verb.text, verb.tag_) in ("dress", "clothe", "clad")


def _is_worn_colour_conjunct(state: ParseState, colour) -> bool:
    """A colour listed after a worn bare colour ("dressed in red and white"): a worn node, not a describing one."""
    return state.nominal(colour) and colour.i not in state.graph.hidden and _is_worn_colour(state, colour)


def _repair_adjective_tagged_worn_colour(state: ParseState, colour) -> None:
    """The colour is a noun: the object of "in", or a conjunct of the colour before it."""
    state.relabel(colour, tag="NN", dep=None if colour.dep_ == "conj" else "pobj")


def _repair_covering_adjective(state: ParseState, token) -> None:
    """ "a snowy hill", "snowy mountains": the tagger often takes "snowy" for a name (FW, NNP) compounded with its
    noun; it is that noun's adjective, as the noun "tile" of "tile floor" is read."""
    if token.dep_ == "compound" and token.head.i > token.i:
        if state.nominal(token.head):
            state.relabel(token, tag="JJ", dep="amod")


def frame_material(state: ParseState, framed):
    """ "wood framed windows are over the sink" -> (frame, wooden): a material noun right before "framed" is what
    the frame is made of, as a colour there is the frame's ("black framed mirror" -> (frame, black)), where the parser
    makes the noun a subject or a node of its own. FACTUAL train: a word right before "framed" describes the frame in
    21 of 23 captions (20 colours and "wood framed"; "metal framed poster", which the parser already reads as the
    poster's material, and "wooden framed mirror" give the material to the framed thing). The material, or None."""
    if framed.lower_ != "framed" or framed.i == 0:
        return None
    material = state.tokens[framed.i - 1]
    if material.tag_ not in ("NN", "NNP") or material.lower_ not in _FRAME_MATERIALS:
        return None
    return None if material.dep_ in ("npadvmod", "amod", "compound") else material


_FRAME_MATERIALS = MATERIAL_AND_COLOUR_NOUNS - COLOUR_WORDS


def _repair_frame_material(state: ParseState, material, framed) -> None:
    """The material is no node; a subject role the parser gave it goes to the framed noun ("wood framed windows
    are over the sink": the windows are)."""
    state.graph.hidden.add(material.i)
    noun = framed.head
    if material.dep_ == "nsubj" and noun.dep_ == "appos" and noun.head.i == material.i:
        state.reattach(noun, material.head, dep="nsubj")
        state.relabel(material, dep="dep")  # no longer the subject


def _is_part_adjective(state: ParseState, token) -> bool:
    """A part adjective before its noun ("haired man"), or a covering one there or after a copula ("is tiled",
    which the parser reads as a passive)."""
    if token.lower_ in COVERING_ADJECTIVES and token.dep_ != "amod":
        return any(kid.dep_ == "auxpass" for kid in state.kids(token))
    if token.i and state.tokens[token.i - 1].lower_ == "cross":
        return False  # "cross legged" is a posture, (man, is, cross legged) in train's 2 captions, not a part
    return token.lower_ in _PART_NAMING_ADJECTIVES and token.dep_ == "amod" and state.nominal(token.head)


def is_line_particle(state: ParseState, token) -> bool:
    """The "up" of "lined up" (any form of the verb "line")."""
    verb = token.head
    return token.dep_ == "prt" and token.lower_ == "up" and state.lemma(verb.text, verb.tag_) == "line"


def _names_written_text(state: ParseState, token) -> bool:
    """ "the word litter": `word` is a compound of the text it introduces; the node is the word."""
    head = token.head
    return token.lower_ in TEXT_NOUNS and token.dep_ == "compound" and head.i == token.i + 1 and state.nominal(head)


# "carts lined up in rows": the row restates the line that "lined up" already makes a node (LINE_PARTICLE_NAME).
# FACTUAL train: the one caption with "lined up in a row" writes (suitcases, in, line) and no row node.
LINE_RESTATING_NOUNS = {"row", "rows", "line", "lines"}


def _restates_line(state: ParseState, token) -> bool:
    """Whether `token` is the object of "in" right after "lined up" ("lined up in a row")."""
    prep = token.head
    if token.dep_ != "pobj" or prep.lower_ != "in" or prep.i < 2:
        return False
    particle = state.tokens[prep.i - 1]
    return particle.lower_ == "up" and is_line_particle(state, particle) and prep.head.i == particle.head.i


def _repair_line_restatement(state: ParseState, row) -> None:
    """The row is no node; a place phrase the parser hung on it ("in a row along the street") places the lined-up
    things, as after "lined up" alone ("trees lined up along the road" -> (trees, along, road))."""
    verb = row.head.head
    for child in list(state.kids(row)):
        if child.dep_ == "prep":
            state.reattach(child, verb, "prep")
    state.graph.hidden.add(row.i)


# "a street light pole" -> (street light, on, pole): a kept two-word name before a pole or post names what the pole
# carries, a node of its own. FACTUAL train: all 4 captions with such a three-word name that it does not keep whole
# (COMPOUND_NAMES: "traffic light pole" it keeps) write the pair ("street light pole" 3, "traffic sign post" 1).
# Only lights and signs are carried ("a city street pole" is a pole of the city street).
SUPPORT_NOUNS = {"pole", "poles", "post", "posts"}
_CARRIED_FIXTURES = {"light", "lamp", "sign", "signal"}


def _fixture_on_support(state: ParseState, support):
    """The second word of "<kept two-word name> <support>" ("light" of "street light pole"), or None."""
    if support.i < 2 or not COMPOUND_NAMES:
        return None
    first, second = state.tokens[support.i - 2], state.tokens[support.i - 1]
    if (
        second.lower_ not in _CARRIED_FIXTURES
        or second.head.i != support.i
        or first.head.i not in (second.i, support.i)
    ):
        return None
    name = f"{first.lower_} {second.lower_}"
    if name not in COMPOUND_NAMES or f"{name} {state.noun_lemma(support.lower_)}" in COMPOUND_NAMES:
        return None
    return second


def _repair_fixture_on_support(state: ParseState, fixture, support) -> None:
    """The pair becomes a node of its own on the support; words before it ("metal street light pole") describe the
    support."""
    first = state.tokens[fixture.i - 1]
    for child in [*state.kids(first), *state.kids(fixture)]:
        if child.i < first.i:
            state.reattach(child, support, "compound" if child.dep_ == "nmod" else child.dep_)
    if first.head.i != fixture.i:
        state.reattach(first, fixture, "compound")
    else:
        state.relabel(first, dep="compound")
    state.relabel(fixture, tag="NN", dep="compound")
    state.graph.owners.add(fixture.i)
    state.graph.fixtures.add(fixture.i)
    state.graph.name_overrides[support.i] = support.lower_


def _written_text_apposition(state: ParseState, token):
    """ "the word hotel on a bed", "the word dunkin' is orange": the text the parser hangs on `word` as an apposition
    right after it, or None. FACTUAL writes the word node, never the text: its training split has 3 such captions
    ("the word hotel on a bed" -> (word, on, bed); "the word apia", "the word xcel"), none with a text node."""
    if token.i + 1 >= len(state.tokens):
        return None
    text = state.tokens[token.i + 1]
    if text.dep_ == "appos" and text.head.i == token.i and state.nominal(text):
        return text
    return None


def _repair_written_text_apposition(state: ParseState, word, text) -> None:
    """The text is no node; what the parser hung on it ("on a bed") belongs to the word."""
    for child in list(state.kids(text)):
        if child.dep_ in ("prep", "acl", "relcl"):
            state.reattach(child, word, child.dep_)
    state.graph.hidden.add(text.i)


def _is_noun_tagged_participle(state: ParseState, token) -> bool:
    """ "zebra grazing on hill", "a dog swimming in the water": a fragment's participle the tagger reads
    as a noun with the real subject as its compound. FACTUAL relates that subject by the verb: in its
    training split 107 of 115 such roots (noun compound before, a dependent after) make the compound a
    related node, none keeps the -ing word (relation F1 on all of train.csv 77.50 -> 77.75:
    `benchmarks/parser_quality.py --splits --train_sample 40000 --skip_speed --skip_baseline --skip_aro`).
    The subject may also be the -ing word's nsubj ("a brown and white giraffe standing in grass"): on all of
    train that changes 4 graphs, 3 gold relations gained, 1 wrong added ("small van backing up on the road",
    where gold writes only `on`: random_dev relation F1 79.87 -> 79.83); train sample 71.33 -> 71.35. The tagger
    may read both words as proper nouns ("giraffe standing in green grass"): the same fragment."""
    if token.dep_ != "ROOT" or token.tag_ not in ("NN", "NNS", "NNP") or not token.lower_.endswith("ing"):
        return False
    if not any(child.i > token.i and child.dep_ in _VERB_DEPENDENT_DEPS for child in state.kids(token)):
        return False
    subject = state.tokens[token.i - 1] if token.i > 0 else None
    if not (
        subject is not None
        and subject.head.i == token.i
        and subject.dep_ in ("compound", "nsubj")
        and subject.tag_ in NOUN_TAGS
        and subject.lower_ not in MATERIAL_AND_COLOUR_NOUNS
    ):
        return False
    return token.lower_ not in ING_NOUNS or _is_doer_of_ing_noun(state, subject, token)


# Prepositions that describe a thing rather than place an act: "a train crossing with a train coming".
_NOUN_PREPOSITIONS = {"with", "of", "for"}


def _ing_nouns_read_as_verbs(state: ParseState) -> set:
    """The -ing nouns the repairs above made verbs of their doer ("giraffe crossing in front of car"), which the
    fragment-root check would otherwise turn back into nouns."""
    return {
        token.i
        for token in state.tokens
        if token.tag_ == "VBG"
        and token.dep_ == "ROOT"
        and token.lower_ in ING_NOUNS
        and token.i > 0
        and state.tokens[token.i - 1].head.i == token.i
        and _is_doer_of_ing_noun(state, state.tokens[token.i - 1], token)
    }


def _is_doer_of_ing_noun(state: ParseState, subject, token) -> bool:
    """ "giraffe crossing in front of car", "skateboarder landing on street", "lady seating on the chair": an -ing
    word that is also a noun (ING_NOUNS: a zebra crossing, a landing, seating) is the verb of a fragment whose first
    noun can only be a thing that does it, with a place phrase after. FACTUAL train, such fragments: gold writes the
    verb for the noun in 12 of 13 ("airplane landing on the runway", "train crossing over paved road"; not "mural
    painting on side of building"). Only -ing words no FACTUAL node name is headed by ("building", "writing" are),
    before a place phrase. Re-parsing all of train: 5 graphs become exact, none gets worse; on COCO "a red train
    crossing over a white bridge" -> (train, cross over, bridge)."""
    pair = f"{subject.lower_} {token.lower_}"
    return (
        token.lower_ not in NODE_WORDS  # "flatiron building", "older man writing": kept node heads stay nouns
        and any(kid.dep_ == "prep" and kid.lower_ not in _NOUN_PREPOSITIONS for kid in state.kids(token))
        and (subject.i == 0 or state.tokens[subject.i - 1].text != "-")  # "may-o dressing"
        and state.is_noun_only(subject.lower_)
        and state.is_verb(token.text, "VBG")
        and pair not in COMPOUND_NAMES
        and pair not in NODE_NAMES
    )


def _is_participle_after_adjective_tagged_subject(state: ParseState, token) -> bool:
    """ "skater balancing on the wall", "ornament hanging on a refrigerator": as _is_noun_tagged_participle, with the
    subject tagged an adjective (or read as one, "kid playing on the wii"). FACTUAL train, such a root -ing word with a
    dependent after it and no kept -ing name (ING_NOUNS, ING_NODE_WORDS): 11 of 15 captions relate the subject by the
    verb, the other 4 have no relation for it; a subject that can be an adjective ("white", "female") is left alone."""
    if token.dep_ != "ROOT" or token.tag_ != "NN" or not token.lower_.endswith("ing") or token.i == 0:
        return False
    word, subject = token.lower_, state.tokens[token.i - 1]
    if word in ING_NOUNS or word in ING_NODE_WORDS or not state.is_verb(token.text, "VBG"):
        return False
    if subject.dep_ != "amod" or subject.head.i != token.i:
        return False
    if subject.tag_ not in NOUN_TAGS and not (subject.tag_ == "JJ" and state.is_noun_only(subject.text)):
        return False
    return any(child.i > token.i and child.dep_ in _VERB_DEPENDENT_DEPS for child in state.kids(token))


def _is_participle_after_modifier_tagged_subject(state: ParseState, participle) -> bool:
    """ "seagull standing on sand", "a surfboard laying on the grass", "skateboarder doing tricks": the fragment's
    participle is tagged right, but its subject, the first word (or the one after the article), is read as a
    modifier of it (JJ or NNP; amod, advmod or npadvmod), so no node is made. A word that can only be a noun
    (TagLemmatizer.is_noun_only) is the subject. FACTUAL train and dev: the word is a gold node in 16 of the 17
    such captions; re-parsing train, 12 graphs change, 10 more exact and none fewer (12 gold relations gained,
    1 wrong: "skateboard riding on the rim of a bowl", where gold keeps "on rim of")."""
    if participle.dep_ != "ROOT" or participle.i == 0:
        return False
    subject = state.tokens[participle.i - 1]
    if subject.head.i != participle.i or subject.dep_ not in ("amod", "advmod", "npadvmod"):
        return False
    if subject.tag_ not in ("JJ", "RB", "NNP") or (subject.i > 0 and state.tokens[subject.i - 1].tag_ != "DT"):
        return False
    return state.is_noun_only(subject.text)


def _is_noun_tagged_participle_clause(state: ParseState, token) -> bool:
    """ "a zebra sitting in the grass", "a dog surfing in the ocean": the parser hangs the clause on the noun but
    the tagger reads the -ing word as a noun, so no relation is made (FACTUAL train: 6 of 8 such captions relate
    the noun by the verb, the other 2 have no relation for it)."""
    if token.dep_ != "acl" or token.tag_ != "NN" or not token.lower_.endswith("ing") or token.head.i > token.i:
        return False
    word = token.lower_
    return word not in ING_NOUNS and word not in ING_NODE_WORDS and state.is_verb(token.text, "VBG")


def _repair_participle(state: ParseState, participle) -> None:
    """Tag it VBG and hand the words before its subject ("a large zebra") to the subject, whose phrase
    they are."""
    state.relabel(participle, tag="VBG")
    state.table.hand_over_lefts(participle, state.tokens[participle.i - 1])


_MODIFIER_READ_SUBJECT_DEPS = {"npadvmod", "nmod", "amod", "compound", "nsubj"}


def _is_participle_read_as_modifier(state: ParseState, token) -> bool:
    """ "a giraffe eating grass", "metallic pole holding wires": the parser reads the participle as an adjective
    of its object and the subject before it as another modifier, so no verb relates them (FACTUAL train: 150
    captions with such a participle right after a noun have the gold relation, the rules found none)."""
    if token.tag_ != "VBG" or token.dep_ != "amod" or token.i == 0 or token.lower_ in ING_NOUNS:
        return False
    if state.lemma(token.text, token.tag_) == "look":
        return False  # "a large rock looking object": looking like one, no act
    subject, obj = state.tokens[token.i - 1], token.head
    if not (state.nominal(subject) or _is_noun_tagged_adjective(state, subject)):
        return False
    if subject.dep_ not in _MODIFIER_READ_SUBJECT_DEPS:
        return False
    if subject.head.i not in (token.i, obj.i) or obj.i <= token.i or not state.nominal(obj):
        return False
    return f"{token.lower_} {state.noun_lemma(obj.lower_)}" not in COMPOUND_NAMES


def _is_participle_read_as_apposition_compound(state: ParseState, token) -> bool:
    """ "palm trees lining sidewalk", "safety cones lining street": the parser makes the participle a compound of its
    object and the object an apposition of the subject right before the participle, so no verb relates them. FACTUAL
    train, re-parsed: the 3 captions this changes each gain the gold (subject, line, object) and become exact."""
    if token.tag_ != "VBG" or token.dep_ != "compound" or token.i == 0 or token.lower_ in ING_NOUNS:
        return False
    subject, obj = state.tokens[token.i - 1], token.head
    return (
        obj.i == token.i + 1
        and obj.dep_ == "appos"
        and obj.head is subject
        and state.nominal(subject)
        and state.nominal(obj)
        and f"{token.lower_} {state.noun_lemma(obj.lower_)}" not in COMPOUND_NAMES
    )


def _is_noun_tagged_adjective(state: ParseState, subject) -> bool:
    """ "skateboarder approaching bench", "balcony overlooking beach": the tagger reads the subject before the
    participle as an adjective too; a word the lexicon knows only as a noun, opening the caption (past an article),
    is the subject all the same. FACTUAL train: all 5 captions opening so relate the word by the verb; re-parsed, 7
    graphs change, 3 become exact ("batter swinging bat"), 3 more come closer to gold, 1 moves off ("a shell fueling
    truck", a brand name). Later in a caption the doer may be another noun ("giraffe with head touching fence": the
    head touches), so only the opening word counts."""
    if subject.tag_ != "JJ" or any(word.tag_ != "DT" for word in state.tokens[: subject.i]):
        return False
    return state.is_noun_only(subject.text)


def _is_adjective_tagged_participle_read_as_modifier(state: ParseState, token) -> bool:
    """ "clouds touching mountains", "thumb touching pizza": the same misreading with the -ing verb tagged an
    adjective."""
    if token.tag_ != "JJ" or token.dep_ != "amod" or not token.lower_.endswith("ing"):
        return False
    if not state.is_verb(token.text, "VBG"):
        return False
    state.relabel(token, tag="VBG")
    readable = _is_participle_read_as_modifier(state, token)
    state.relabel(token, tag="JJ")
    return readable


# "lady/npadvmod holding/NN dish", "baby/npadvmod touching/NN/amod cake": the same misreading with other labels,
# repaired on a person or animal only; on all 36,137 FACTUAL train captions 2 more graphs exact, none lost, and
# none of the 27,763 dev and COCO graphs changes
_COMPOUND_READ_SUBJECT_DEPS = {"compound", "npadvmod"}


def _is_participle_read_as_compound(state: ParseState, token) -> bool:
    """ "a giraffe drinking water", "brown horse chasing calf", "orange safety cones lining roadway": the tagger reads
    the -ing verb between two nouns as a noun and the parser makes both it and the subject compounds of the object,
    so no node is related. FACTUAL train, a noun, an -ing compound and its head noun (no kept name: ING_NOUNS,
    ING_NODE_WORDS, COMPOUND_NAMES): 20 of 33 captions relate the first noun by the verb, 2 keep the -ing word in a
    name ("a train boarding platform"). Repaired as a participle read as a modifier."""
    if (
        token.tag_ != "NN"
        or token.dep_ not in ("compound", "amod")
        or not token.lower_.endswith("ing")
        or token.i == 0
    ):
        return False
    word, subject, obj = token.lower_, state.tokens[token.i - 1], token.head
    if (token.dep_ != "compound" or subject.dep_ != "compound") and not can_wear(state, subject):
        return False  # the other labels only on a person or animal ("a company manufacturing truck": a name)
    return (
        subject.dep_ in _COMPOUND_READ_SUBJECT_DEPS
        and subject.tag_ in NOUN_TAGS
        and subject.head.i in (token.i, obj.i)
        and subject.lower_ not in MATERIAL_AND_COLOUR_NOUNS
        and obj.i == token.i + 1
        and obj.tag_ in NOUN_TAGS
        and word not in ING_NOUNS
        and word not in ING_NODE_WORDS
        and state.is_verb(token.text, "VBG")
        and word_before_known_name_head(state, obj) is None
        and word_before_known_name_head(state, token) is None
    )


def _repair_participle_read_as_modifier(state: ParseState, participle) -> None:
    """The subject takes the object's place in the tree, the participle hangs on it, the object on the
    participle; the object's words before the subject ("metallic") go to the subject."""
    subject, obj = state.tokens[participle.i - 1], participle.head
    if _is_noun_tagged_adjective(state, subject):
        state.relabel(subject, tag="NN")
    root = obj.head.i == obj.i
    state.table.hand_over_lefts(obj, subject)
    state.reattach(subject, subject if root else obj.head, dep=obj.dep_)
    state.reattach(participle, subject, dep="acl")
    state.reattach(obj, participle, dep="dobj")


def _participle_of_subject_under_last_word_root(state: ParseState, root):
    """The -ing participle on the root's noun subject, when the root is the caption's last word (before a full stop)
    with nothing after it: the shape in which spaCy reads a participle's object as the root. The participle, or
    None."""
    if root.i == 0 or root.i < len(state.tokens) - 2:
        return None
    if root.i == len(state.tokens) - 2 and state.tokens[-1].tag_ != ".":
        return None
    subject = next((kid for kid in state.kids(root) if kid.dep_ == "nsubj"), None)
    if subject is None or subject.i > root.i or subject.tag_ not in NOUN_TAGS:
        return None
    if any(kid.i > root.i and kid.dep_ != "punct" for kid in state.kids(root)):
        return None
    participle = next((kid for kid in state.kids(subject) if kid.dep_ == "acl" and kid.tag_ == "VBG"), None)
    return participle if participle is not None and participle.i < root.i else None


def _participle_of_object_read_as_root(state: ParseState, root):
    """ "a man holding a can", "a giraffe eating leaves", "man in blue shirt watching tennis match": the caption's
    last word, the participle's object, is read as the root verb (or noun) with the participle's subject as its
    subject, so the participle has no object and relates nothing. FACTUAL train.csv: re-parsing it 3 graphs
    change, each gains its gold (subject, verb, object) relation. The participle, or None."""
    participle = _participle_of_subject_under_last_word_root(state, root)
    if participle is None or state.kids(participle):
        return None
    if any(token.head.i != root.i for token in state.tokens[participle.i + 1 : root.i]):
        return None  # only the object's own words (article, modifiers) between the participle and it
    if not (state.is_word(root.lower_) and state.is_noun_only(state.noun_lemma(root.lower_)) or root.tag_ == "MD"):
        return None
    return participle


def _stranded_place_of_object_read_as_root(state: ParseState, root):
    """ "a person standing near skiis", "couple standing in arched doorway": as in `_participle_of_object_read_as_root`,
    but the participle's place phrase loses its object: the preposition right after the participle has none, and the
    caption's last word, its object, is read as the root with the participle's subject as its subject. FACTUAL
    train, re-parsed: 1 graph changes ("bananas hanging above countertop") and becomes exact; no dev or COCO graph
    changes. The preposition, or None."""
    participle = _participle_of_subject_under_last_word_root(state, root)
    if participle is None or len(state.kids(participle)) != 1:
        return None
    preposition = state.kids(participle)[0]
    if preposition.dep_ != "prep" or preposition.i != participle.i + 1 or state.kids(preposition):
        return None
    if any(token.head.i != root.i for token in state.tokens[preposition.i + 1 : root.i]):
        return None  # only the object's own words (article, modifiers) between the preposition and it
    if not (state.is_word(root.lower_) and state.is_noun_only(state.noun_lemma(root.lower_))):
        return None
    return preposition


def _repair_place_object_read_as_root(state: ParseState, root, preposition) -> None:
    """The subject becomes the root, the last word a noun and the preposition's object."""
    subject = next(kid for kid in state.kids(root) if kid.dep_ == "nsubj")
    state.reattach(subject, subject, dep="ROOT")
    state.relabel(root, tag="NNS" if root.lower_.endswith("s") and not root.lower_.endswith("ss") else "NN")
    state.reattach(root, preposition, dep="pobj")


def _is_verb_tagged_last_object(state: ParseState, token) -> bool:
    """ "spectators watching tennis match", "fans watching the tennis match": the caption's last word, a verb's
    object, tagged a verb, so no node is made. FACTUAL train.csv: 5 of the 6 such captions have the gold node;
    re-parsing it 4 graphs change, 3 gain the gold relation, 1 comes near it ((roof, cover over, mound) for gold's
    dirt mound)."""
    last = len(state.tokens) - 1 - (state.tokens[-1].tag_ == ".")
    if token.i != last or token.head.tag_ not in VERB_TAGS:
        return False
    if any(kid.dep_ not in ("det", "amod", "compound") or kid.tag_ == "JJR" for kid in state.kids(token)):
        return False  # "ski pole to help the skier move": a verb after its own subject
    if any(kid.dep_ == "dobj" and kid.i != token.i for kid in state.kids(token.head)):
        return False
    return state.is_noun_only(token.lower_)


def _repair_object_read_as_root(state: ParseState, root, participle) -> None:
    """The subject becomes the root, the last word a noun and the participle's object."""
    subject = next(kid for kid in state.kids(root) if kid.dep_ == "nsubj")
    state.reattach(subject, subject, dep="ROOT")
    state.relabel(root, tag="NNS" if root.lower_.endswith("s") and not root.lower_.endswith("ss") else "NN")
    state.reattach(root, participle, dep="dobj")


def _participle_doer_before_its_object(state: ParseState, participle):
    """ "man in black sweater flying kite", "house on hill overlooking body of water", "boy sitting on a gray chair
    eating pizza", "hands gripping handle": the parser reads the participle as an adjective of its object, as in
    `_is_participle_read_as_modifier`, but the noun right before it ends a place phrase (or already has the object
    hung on it), so that rule does not see it and the verb relates nothing. The participle's doer is the noun or
    verb the place phrase hangs on (or that noun itself), or the person or animal ending the phrase ("fence behind
    woman swinging tennis racket" -> (woman, swing, tennis racket)). FACTUAL train.csv: 22 of the 25 such captions relate the
    doer by the verb ("people in the field flying kites" -> (people, fly, kite)); the rules found none. The doer,
    or None."""
    if participle.tag_ != "VBG" or participle.dep_ != "amod" or participle.i == 0:
        return None
    if participle.lower_ in ING_NOUNS or state.lemma(participle.text, participle.tag_) == "look":
        return None
    before, obj = state.tokens[participle.i - 1], participle.head
    if not state.nominal(before) or obj.i <= participle.i or not state.nominal(obj):
        return None
    if f"{participle.lower_} {state.noun_lemma(obj.lower_)}" in COMPOUND_NAMES:
        return None
    if not state.is_word(obj.lower_) and not state.is_word(state.noun_lemma(obj.lower_)):
        return None  # "a city bus on the street coming thru", "a guy on a snowboard going accros a bench"
    if obj.head.i == before.i and obj.dep_ in ("dobj", "appos", "npadvmod"):
        return before  # "hands gripping handle": the object hangs on its doer
    if before.dep_ != "pobj" or before.head.dep_ != "prep":
        return None
    # "fence behind woman swinging tennis racket": a person or animal ending the phrase does it itself
    if can_wear(state, before) and not is_garment(state, before):
        doer = before
    else:
        doer = before.head.head
        if doer.i >= before.i or not (state.nominal(doer) or doer.tag_ in VERB_TAGS):
            return None
    token = doer
    for _ in range(len(state.tokens)):  # the object must not hang above the doer unless it is the root
        if token.i == obj.i:
            return doer if obj.head.i == obj.i else None
        if token.head.i == token.i:
            return doer
        token = token.head
    return None


def _repair_participle_of_doer(state: ParseState, participle, doer) -> None:
    """The participle hangs on its doer (a clause of a noun, or an adverbial clause of a verb, whose subject it
    shares), the object on the participle; an object read as the root hands the root to the doer's phrase."""
    obj = participle.head
    if obj.head.i == obj.i:
        top = doer
        while top.head.i != obj.i:
            top = top.head
        state.reattach(top, top, dep="ROOT")
    state.reattach(participle, doer, dep="acl" if state.nominal(doer) else "advcl")
    state.reattach(obj, participle, dep="dobj")


# Caption-first words the tagger reads as a past verb that FACTUAL does not write as the noun's attribute: a covering ("tiled wall" -> (tile, on, wall)), a noun ("rose petals")
_FIRST_WORD_NON_PARTICIPLES = {"tiled", "rose"}


def _noun_after_first_word_participle(state: ParseState, token):
    """ "striped rug on floor", "arched window on building", "melted cheese atop pizza": a caption's first word, an
    "-ed" adjective, that the tagger reads as a past verb whose object is the noun phrase right after it. FACTUAL
    train: of the 152 captions whose first word is a past-tense or participle root with a direct object, gold gives
    the noun that word as its attribute in 107 (without "left", "tiled" and "rose": 107 of 125). On all of train.csv
    86 graphs become exact and 1 stops being so; random_dev attribute F1 86.18 -> 86.40, exact 73.70 -> 73.90%;
    length_dev 86.23 -> 86.35, exact 74.70 -> 74.90%. The described noun, or None."""
    if (
        token.i != 0
        or token.tag_ not in ("VBD", "VBN")
        or token.dep_ != "ROOT"
        or token.lower_ in _FIRST_WORD_NON_PARTICIPLES
    ):
        return None
    objects = [child for child in state.kids(token) if child.dep_ == "dobj"]
    if len(objects) != 1 or objects[0].left_edge.i != 1 or not state.nominal(objects[0]):
        return None
    if token.lower_ == "left":
        return objects[0] if _is_left_side_name(state, token, objects[0]) else None
    if any(child.dep_ not in ("dobj", "prep", "punct", "cc", "conj") for child in state.kids(token)):
        return None  # "lit up screen", "taken in black and white"
    return objects[0]


def _is_left_side_name(state: ParseState, left, noun) -> bool:
    """ "left hand holding glasses", "left leg of the man": a caption's first "left" the tagger reads as the past of
    "leave" with the part after it as its object. It is the side, and FACTUAL keeps it in the name where the pair is a
    kept name (COMPOUND_NAMES: "left hand", "left leg", "left eye", "left wing"). FACTUAL train: of the 16 captions
    opening with such a pair, gold names the node "left X" in 14 ("left wing of plane" -> (plane, have, left
    wing)); the rules named none of them so ("hand"). Re-parsing all of train: 8 graphs change, 6 become exact, 1
    more comes closer, 1 stops being exact ("left ear on animal", whose gold drops the side)."""
    return noun.i == left.i + 1 and f"left {head_lemma(state, noun)}" in COMPOUND_NAMES


def _repair_first_word_participle(state: ParseState, participle, noun) -> None:
    """The noun becomes the root, the participle its adjective; the participle's place phrases go to the noun."""
    for child in list(state.kids(participle)):
        if child.i != noun.i:
            state.reattach(child, noun, dep=child.dep_)
    state.reattach(noun, noun, dep="ROOT")
    state.reattach(participle, noun, dep="amod")


# The clause labels the parser gives a noun it reads as the verb of "to" + infinitive.
_INFINITIVE_CLAUSE_DEPS = {"xcomp", "advcl", "acl", "npadvmod", "relcl", "ccomp"}


def _to_read_as_infinitive_marker(state: ParseState, noun):
    """ "cord attached to remote", "bag hooked to chair", "white cord to blender": before a bare noun the parser
    reads "to" as the infinitive marker and the noun as a verb clause, so the place relates nothing. "to" is the
    preposition, the noun its object: (cord, attach to, remote). FACTUAL train.csv: 17 of the 20 captions with such
    a "to" (not "next to") relate the place ("electrical wire attached to roof" -> (wire, attach to, roof)); the
    rules found none. Re-parsing train.csv 12 graphs change, each gains its gold relation, none loses one
    (length_dev relation F1 +0.05, exact +0.10). The "to", or None."""
    if noun.dep_ not in _INFINITIVE_CLAUSE_DEPS or noun.i == 0 or noun.head.i >= noun.i:
        return None
    to = state.tokens[noun.i - 1]
    if to.lower_ != "to" or to.dep_ != "aux" or to.head.i != noun.i:
        return None
    if state.tokens[to.i - 1].lower_ == "next":
        return None  # "fork is next to plate": relate_unparsed_next_to reads it
    owner = noun.head
    if state.nominal(owner):
        # "two bolts attaching sign to pole": the object's place, which FACTUAL words otherwise ((sign, on, pole))
        return to if owner.dep_ != "dobj" else None
    # a participle of place ("attached", "hooked") or "close"; after other verbs "to" + noun is often a real
    # infinitive ("a passenger waiting to board", "time to go to sleep")
    return to if owner.tag_ in ("VBN", "RB") else None


def _repair_to_before_noun(state: ParseState, to, noun) -> None:
    """ "to" becomes a preposition of the word the clause hung on, the noun its object; a noun read as the clause's
    object right after it is the head ("attached to suitcase handle": handle, with suitcase its compound)."""
    head = next(
        (kid for kid in state.kids(noun) if kid.dep_ == "dobj" and kid.i == noun.i + 1 and kid.tag_ in NOUN_TAGS),
        None,
    )
    state.relabel(to, tag="IN")
    state.reattach(to, noun.head, dep="prep")
    if head is None:
        state.reattach(noun, to, dep="pobj")
    else:
        state.reattach(head, to, dep="pobj")
        state.reattach(noun, head, dep="compound")


def _particle_before_adverbial_noun(state: ParseState, token):
    """ "person walking down sidewalk", "skier going down a slope": the parser makes "down" a particle and the
    place an adverbial noun of the verb; the place is the particle's object, (person, walk down, sidewalk)
    (FACTUAL train: 16 of the 20 such captions have that relation, the rules found none). The particle, or None."""
    if token.dep_ != "npadvmod" or token.head.tag_ not in VERB_TAGS or token.tag_ not in NOUN_TAGS:
        return None
    if _has_of_phrase(state, token):
        return None  # "staircase going up side of building": "upside", no particle
    start = token.left_edge.i
    for child in state.kids(token.head):
        if child.dep_ == "prt" and child.i == start - 1:
            return child
    return None


_SINGULAR_DETERMINERS = {"a", "an", "one", "this", "that", "each", "every", "another"}


def _is_noun_tagged_finite_verb(state: ParseState, token) -> bool:
    """ "a small airplane flies in the sky", "two giraffe stand behind a fence", "cows graze in a field":
    the tagger reads subject and verb as one compound noun, so the subject is lost. Number gives a verb
    away: a singular determiner before a plural head, or a plural noun before a singular one."""
    if token.dep_ != "ROOT" or token.tag_ not in ("NN", "NNS") or token.i == 0:
        return False
    subject = state.tokens[token.i - 1]
    if subject.head.i != token.i or subject.dep_ != "compound" or subject.tag_ not in NOUN_TAGS:
        return False
    after = [child.dep_ for child in state.kids(token) if child.i > token.i]
    if "conj" in after or not {"prep", "xcomp"} & set(after):
        return False  # "trees brush and dirt along the shore": a list of nouns
    before = [child for child in state.lefts(token) if child.i < subject.i]
    singular = any(child.lower_ in _SINGULAR_DETERMINERS and child.dep_ == "det" for child in before)
    if token.tag_ == "NNS" or _is_singular_tagged_plural(state, token):
        return (singular or _names_no_thing(state, token, subject, before)) and state.is_verb(token.text, "VBZ")
    return subject.tag_ == "NNS" and not singular and state.is_verb(token.text, "VBP")


def _is_noun_tagged_relative_clause_verb(state: ParseState, token) -> bool:
    """ "the bend in the pipe where the street light pole attaches to the main support pole": the parser heads the
    relative clause with a plural noun "attaches" and makes its subject a compound of it. A noun heads no clause, so
    a plural one the parser labels a relative clause, right after its compound noun and before what a verb takes,
    that reads as a verb and heads no FACTUAL node name, is that verb, as for a root (`_is_noun_tagged_finite_verb`;
    FACTUAL train has no caption parsed so)."""
    if token.dep_ != "relcl" or token.tag_ != "NNS" or token.i == 0 or not NODE_WORDS:
        return False
    subject = state.tokens[token.i - 1]
    if subject.head.i != token.i or subject.dep_ != "compound" or subject.tag_ != "NN":
        return False
    if not any(child.dep_ in ("prep", "dobj") for child in state.kids(token) if child.i > token.i):
        return False
    return state.noun_lemma(token.lower_) not in NODE_WORDS and state.is_verb(token.text, "VBZ")


def _repair_relative_clause_verb(state: ParseState, verb) -> None:
    """Tag it a verb and make the compound its subject, with the words before it but the relative word."""
    state.relabel(verb, tag="VBZ")
    subject = state.tokens[verb.i - 1]
    state.relabel(subject, dep="nsubj")
    relative = [child for child in state.lefts(verb) if child.tag_ in ("WRB", "WDT", "WP")]
    state.table.hand_over_lefts(verb, subject)
    for word in relative:
        state.reattach(word, verb, dep=word.dep_)


def _is_noun_tagged_root_with_subject(state: ParseState, token) -> bool:
    """ "a passenger plane flies in the sky over a forest": the parser makes "plane" the subject of "flies" yet tags
    "flies" a plural noun, so it became a node located in the sky. A root plural noun with a subject of its own that
    reads as a verb ("flies", "walks") is that verb, when nothing but the subject (or an adverb) stands before it as
    its dependent and a verb's complement follows: "man in red cap and plaid shorts" keeps its noun. FACTUAL train: 5
    graphs change, 4 gaining the gold triple ((flag, fly on, building) for (fly, on, building)), 1 a closer one; dev
    unchanged; dump_parser_graphs --compare: 35 COCO graphs gain the subject, 1 names a place worse ("toilets in
    small bathroom stalls" -> (toilets, in, bathroom))."""
    if token.dep_ != "ROOT" or token.tag_ != "NNS":
        return False
    kids = state.kids(token)
    before = [child.dep_ for child in kids if child.i < token.i]
    if "nsubj" not in before or not set(before) <= _SUBJECT_SIDE_DEPS or not state.is_verb(token.text, "VBZ"):
        return False
    if not any(child.dep_ in _VERB_DEPENDENT_DEPS for child in kids if child.i > token.i):
        return False  # "some people in a big park flying kites": nothing a verb would take follows
    subject = state.tokens[token.i - 1]
    # "plaid shorts", "teddy bears": a bare word right before is a modifier the parser took for a subject
    return subject.dep_ != "nsubj" or any(child.dep_ in ("det", "nummod", "poss") for child in state.kids(subject))


_SUBJECT_SIDE_DEPS = {"nsubj", "advmod", "punct"}


def _is_verb_read_as_object_head(state: ParseState, token) -> bool:
    """ "a man with a tennis racket swings at a ball", "a dog wearing a tie poses for the camera": with no verb in the
    sentence, the parser reads "a tennis racket swings" as one noun, which became a node the man is with. A plural object head that reads as a verb, after a singular determiner and a compound noun and
    followed by what a verb takes, under a root noun, is the root's verb. FACTUAL train and dev: no graph changes;
    dump_parser_graphs --compare: 6 COCO graphs, each gaining the subject's relation and the object."""
    if token.tag_ != "NNS" or token.dep_ not in ("pobj", "dobj") or token.i < 2:
        return False
    thing = state.tokens[token.i - 1]
    if thing.dep_ != "compound" or thing.head.i != token.i or thing.tag_ != "NN":
        return False
    if not any(kid.dep_ == "det" and kid.lower_ in _SINGULAR_DETERMINERS for kid in state.kids(token)):
        return False
    if not any(kid.dep_ in _VERB_DEPENDENT_DEPS for kid in state.kids(token) if kid.i > token.i):
        return False
    root = _root_of(token)
    if root.tag_ not in NOUN_TAGS or any(word.tag_ in FINITE_VERB_TAGS for word in state.tokens):
        return False
    # "a traffic lights with the word", "a picture frames on the wall": a plural naming a thing (mined NODE_WORDS)
    return state.noun_lemma(token.lower_) not in NODE_WORDS and state.is_verb(token.text, "VBZ")


def _repair_verb_read_as_object_head(state: ParseState, verb) -> None:
    """The compound takes the verb's place and words before it; the verb becomes a clause of the root noun."""
    thing = state.tokens[verb.i - 1]
    state.relabel(verb, tag="VBZ")
    state.reattach(thing, verb.head, dep=verb.dep_)
    state.table.hand_over_lefts(verb, thing)
    state.reattach(verb, _root_of(verb), dep="acl")


def _is_verb_read_as_phrase_head(state: ParseState, token) -> bool:
    """ "a woman in a red dress bends over", "a girl in shorts & a white top walks near a van", "a man with an
    umbrella walks in the rain": with no finite verb in the caption, the parser reads the garment or held thing and
    the verb after it as one plural noun, worn or held by the subject ((girl, wear, walks)). A plural head under a
    singular determiner ("a dress bends") that reads as a verb, right before a preposition or particle, is the
    verb; a two-word name FACTUAL keeps ("a traffic lights with", COMPOUND_NAMES, mined) stays a noun, and so does a
    counted plural ("a man in a suit with two cats"). FACTUAL train has no caption of this shape; where its
    captions have such a verb before a preposition ("walks near", "poses in", "bends over") 19 of 23 write the
    subject's verb with the preposition, (girl, walk near, van). Dev and COCO: 13 graphs change, 12 gaining the
    worn or held thing and the subject's relation, one (all capitals) losing a wrong triple."""
    if token.tag_ != "NNS" or token.dep_ not in ("pobj", "dobj", "conj") or token.i + 1 >= len(state.tokens):
        return False
    thing = state.tokens[token.i - 1]
    if thing.dep_ != "compound" or thing.head.i != token.i or thing.tag_ not in ("NN", "JJ"):
        return False
    if _phrase_after_verb(state, token) is None:
        return False
    if not any(kid.dep_ == "det" and kid.lower_ in _SINGULAR_DETERMINERS for kid in state.kids(token)):
        return False
    if any(word.tag_ in FINITE_VERB_TAGS for word in state.tokens) or not state.is_verb(token.text, "VBZ"):
        return False
    if f"{thing.lower_} {state.noun_lemma(token.lower_)}" in COMPOUND_NAMES:
        return False
    return _root_of(token).tag_ in NOUN_TAGS


def _repair_verb_read_as_phrase_head(state: ParseState, verb) -> None:
    """As for an object head; the preposition or particle after the verb, wherever the parser hung it, is the
    verb's."""
    after = _phrase_after_verb(state, verb)
    adverb = state.tokens[verb.i + 1] if after.i > verb.i + 1 else None
    thing = state.tokens[verb.i - 1]
    if thing.tag_ == "JJ":
        state.relabel(thing, tag="NN")
    listed = _list_noun_before_verb_conjunct(state, verb)
    for kid in [kid for kid in state.lefts(verb) if kid.i < thing.i]:
        state.reattach(kid, thing, dep=kid.dep_)  # "a wind sail lifts": "wind" names the sail
    _repair_verb_read_as_object_head(state, verb)
    if listed is not None:  # "a woman with glasses and a scarf skateboards": the scarf is listed with the glasses
        state.reattach(state.tokens[listed.i + 1], listed, dep="cc")
        state.reattach(thing, listed, dep="conj")
    if adverb is not None and adverb.head.i != verb.i:
        state.reattach(adverb, verb, dep="advmod")
    if after.head.i not in (verb.i, verb.i + 1):
        state.reattach(after, verb, dep="prt" if after.tag_ == "RP" else "prep")


def _phrase_after_verb(state: ParseState, verb):
    """The preposition or particle right after a verb read as a noun, or after one adverb ("walks alone in the
    rain", "poses next to a sign"); None when something else follows."""
    position = verb.i + 1
    if position + 1 < len(state.tokens) and state.tokens[position].tag_ == "RB":
        position += 1
    if position >= len(state.tokens) or state.tokens[position].tag_ not in ("IN", "RP", "TO"):
        return None
    return state.tokens[position]


def _list_noun_before_verb_conjunct(state: ParseState, verb):
    """The noun a verb read as a list's last item follows, when the parser hung that item on the root rather than
    on the noun before the conjunction ("with glasses and a scarf skateboards")."""
    if verb.dep_ != "conj" or verb.head.head.i != verb.head.i:
        return None
    first = min([kid.i for kid in state.lefts(verb)] + [verb.i - 1])
    if first < 2 or state.tokens[first - 1].dep_ != "cc":
        return None
    listed = state.tokens[first - 2]
    return listed if listed.tag_ in NOUN_TAGS and listed.dep_ in ("pobj", "dobj", "conj") else None


def _root_of(token):
    """The root of the token's sentence, up the (repaired) head arcs."""
    while token.head.i != token.i:
        token = token.head
    return token


def _is_singular_tagged_plural(state: ParseState, token) -> bool:
    """ "a man surfs in the ocean", "a kitten plays on a laptop": the tagger reads the -s verb as a singular noun
    (NN), so the number test above never sees a plural; a word that ends in -s and has a shorter noun lemma is the
    plural form it reads as a verb."""
    return token.tag_ == "NN" and token.lower_.endswith("s") and state.noun_lemma(token.lower_) != token.lower_


def _names_no_thing(state: ParseState, token, subject, before: list) -> bool:
    """ "remote control rests on couch", "train moves under powerlines": with no determiner the number test above
    cannot tell, yet a plural whose singular heads no FACTUAL node name (NODE_WORDS, mined) is the verb; "street
    signs on a pole", "bike racks by a road" keep their nouns. A count ("6 dessert treats", "two bear cubs") or a
    partitive ("orange slices") marks a noun phrase. Re-parsing FACTUAL train.csv: 9 graphs change, the subject now
    the gold subject in all 9 and the triple gold in 8 ("bird hovers over sticks": gold says "fly over"), none lost;
    on the dev and COCO captions 9 graphs change, one wrongly ("refrigerator contents"). Without the mined names
    (benchmarks/mine_factual_conventions.py parses with empty tables) no plural would be a name, and every plural
    compound that can be read as a verb ("bunk beds", "snow flakes") would lose its name from what is mined."""
    if not NODE_WORDS:
        return False
    if any(child.dep_ == "nummod" for child in before + list(state.kids(subject))):
        return False
    singular = state.noun_lemma(token.lower_)
    return singular not in NODE_WORDS and singular not in PARTITIVE_NOUNS


def _repair_finite_verb(state: ParseState, verb) -> None:
    """Tag it as the verb of its number and make the compound its subject, with the words before it."""
    state.relabel(verb, tag="VBZ" if verb.tag_ == "NNS" or _is_singular_tagged_plural(state, verb) else "VBP")
    subject = state.tokens[verb.i - 1]
    state.relabel(subject, dep="nsubj")
    state.table.hand_over_lefts(verb, subject)


def _is_adverb_tagged_argument_noun(state: ParseState, token) -> bool:
    """ "hydrant comes out of sidewalk", "person wears backpack": a word the tagger calls an adverb (RB) while the
    parser makes it a subject or an object, and which English has only as a noun, is that noun. FACTUAL train: of
    the RB-tagged subjects and objects that are no adjective or adverb ("skateboard", "surfboard", "oven",
    "hydrant"), gold makes a node of every one (11 of 11); adverbs there ("back", "half", "upright") are left."""
    return token.dep_ in _ARGUMENT_DEPS and token.is_alpha and state.is_noun_not_adverb(token.lower_)


def _repair_adverb_tagged_noun(state: ParseState, token) -> None:
    """ "man riding skateboard": the tagger tags some nouns RB (ADVERB_TAGGED_NOUNS, mined: FACTUAL's training
    split makes "skateboard" a node in 34 of the 35 captions where it is tagged RB, "surfboard" in 22 of 22).
    Such a word modifying a verb is the verb's object."""
    is_verb_object = token.dep_ == "advmod" and token.head.tag_ in VERB_TAGS
    state.relabel(token, tag="NN", dep="dobj" if is_verb_object else None)


def _owner_of_adverb_tagged_back(state: ParseState, back):
    """ "a red blanket on the elephant 's back", "nose resting on animal 's back": after a noun's "'s" the tagger
    reads "back" as an adverb (RB; "'s" then reads as "is" and the elephant as the place). It is the owner's body
    part: FACTUAL train writes (blanket, on, back), (elephant, have, back) in all 3 captions with a noun's "'s back"
    (as it does for "on the man 's head"). The owner noun, or None."""
    if back.lower_ != "back" or back.i < 2:
        return None
    marker, owner = state.tokens[back.i - 1], state.tokens[back.i - 2]
    if marker.lower_ not in ("'s", "s'", "’s") or not state.nominal(owner) or owner.tag_ == "PRP":
        return None
    return owner


def _repair_adverb_tagged_back(state: ParseState, back, owner) -> None:
    """The part takes the owner's place under its preposition, the owner becomes its possessor."""
    state.relabel(back, tag="NN")
    if owner.dep_ == "pobj" and back.head.i != owner.i:
        preposition = owner.head
        state.reattach(back, preposition, "pobj")
        state.reattach(owner, back, "poss")
        state.reattach(state.tokens[owner.i + 1], owner, "case")


def _is_adjective_tagged_place(state: ParseState, token) -> bool:
    """ "a man on a surfboard riding a wave", "a boy on a skateboard balancing on a rail": the parser reads the
    board as a modifier of the participle, which becomes the preposition's object."""
    participle = token.head
    return (
        token.lower_ in ADVERB_TAGGED_NOUNS
        and token.tag_ in ("JJ", "NN")
        and token.dep_ == "amod"
        and participle.tag_ == "VBG"
        and participle.dep_ == "pobj"
        and participle.i == token.i + 1
    )


def _repair_adjective_tagged_place(state: ParseState, noun) -> None:
    """The board is the object of the preposition, with the words before it; the participle describes
    the noun the preposition is on ("a man on a surfboard riding a wave": the man rides)."""
    participle = noun.head
    prep = participle.head
    if noun.tag_ == "JJ":
        state.relabel(noun, tag="NN")
    for child in [child for child in state.lefts(participle) if child.i < noun.i]:
        state.reattach(child, noun, dep=child.dep_)
    state.reattach(noun, prep, dep="pobj")
    state.reattach(participle, prep.head, dep="acl" if state.nominal(prep.head) else "advcl")


def _is_adjective_tagged_garment(state: ParseState, token) -> bool:
    """ "woman wears pink scarf, black jacket", "a man in a green neon vest and yellow hat": the tagger reads the
    first garment of a list as an adjective of the last one. FACTUAL train: the garment is a node in both such
    captions ("a beanie and red coat", "pink top and white shorts"), in none left out. long_dev: attribute F1
    74.66 -> 75.01, object F1 89.10 -> 89.19 (3 captions); the other splits unchanged."""
    head = token.head
    return (
        token.lower_ in GARMENTS
        and token.tag_ in ADJECTIVE_TAGS
        and token.dep_ == "amod"
        and head.tag_ in NOUN_TAGS
        and head.i > token.i + 1
        and state.tokens[token.i + 1].text in (",", "and", "&")
    )


def _repair_adjective_tagged_garment(state: ParseState, garment) -> None:
    """The garment takes the list's place in the sentence with the words before it; the last noun becomes its
    conjunct with the adjectives after the garment ("and yellow hat")."""
    last = garment.head
    state.relabel(garment, tag="NN")
    for child in [child for child in state.lefts(last) if child.i < garment.i]:
        dep = "compound" if child.tag_ in NOUN_TAGS else child.dep_
        state.reattach(child, garment, dep=dep)
    for child in [child for child in state.kids(garment) if child.i > garment.i and child.tag_ in ADJECTIVE_TAGS]:
        state.reattach(child, last, dep="amod")
    state.reattach(garment, last.head, dep=last.dep_)
    state.reattach(last, garment, dep="conj")


def _is_participle_read_as_worn(state: ParseState, token) -> bool:
    """ "girl in long dress standing between men", "a man wearing a white jacket skiing", "a man wearing black
    sleeping on a bed", "a woman wearing a red shirt laying on bed": the parser makes the wearer's participle the
    object of "in"/"wearing", the garment (or colour) before it a modifier of it, or a second object. FACTUAL
    train, re-parsed with and without this repair: 17 of 36,137 graphs change, 16 gold relations gained
    ((girl, stand between, man), (woman, wear, shirt)), 3 wrong ones added (2 where gold writes "in" for the
    garment), none lost, 18 wrong ones removed ((boy, in, texting)); length_dev and long_dev gain one graph each."""
    if token.tag_ not in ("NN", "VBG") or not token.lower_.endswith("ing") or not is_worn_slot(state, token):
        return False
    if token.lower_ in ING_NOUNS or token.lower_ in ING_NODE_WORDS or token.i == 0:
        return False
    before = state.tokens[token.i - 1]
    if token.tag_ == "VBG" and token.dep_ == "dobj" and before.dep_ == "dobj" and _is_worn_word(state, before):
        return True  # "wearing a red shirt laying on bed": a second object
    return before.head.i == token.i and before.dep_ in ("compound", "amod", "nmod") and _is_worn_word(state, before)


def is_garment(state: ParseState, token) -> bool:
    """A garment word, singular or plural ("shirts"), unless the compound before it makes it name a thing
    ("counter tops", "wine glasses")."""
    lemma = state.noun_lemma(token.lower_)
    if token.lower_ not in GARMENTS and lemma not in GARMENTS:
        return False
    return not _names_a_thing(state, token, lemma)


def _names_a_thing(state: ParseState, garment, lemma: str) -> bool:
    """ "wood counter tops", "a stove top oven": a garment word after a compound that makes the name a thing's
    (THING_NAMES_WITH_GARMENT_HEADS), so nothing wears it."""
    if garment.i == 0:
        return False
    before = state.tokens[garment.i - 1]
    return before.dep_ == "compound" and f"{before.lower_} {lemma}" in THING_NAMES_WITH_GARMENT_HEADS


def can_wear(state: ParseState, token) -> bool:
    """A person or animal FACTUAL writes as wearing things (WEARERS, by head word: "polo player"; "guy" is a person)."""
    resolved = resolve(state, token)
    if not is_node(state, resolved):
        return False
    name = kept_name(state, resolved)
    return name.split(" ")[-1] in WEARERS and name not in THING_NAMES_WITH_WEARER_HEADS


def kept_name(state: ParseState, token) -> str:
    """The node's name as FACTUAL keeps it (NODE_NAMES: "skiier" -> skier), whose last word is its head."""
    name = node_name(state, token)
    return respelled_name(state, name) or name


def respelled_name(state: ParseState, name: str) -> str | None:
    """NODE_NAMES's choice for a name, or None. A choice that only adds words around the name ("fire" -> "fire
    hydrant", "control" -> "remote control") is mined from captions whose longer name the rules cut short, so it
    holds only where the caption has that longer name: FACTUAL train writes (chair, face, fire) for "easy chair facing
    the fire" and (fire, is, lit) for "a lit fire", and "fire" is its own node in every train caption without
    "fire hydrant" that makes it a node (4 of 4)."""
    choice = NODE_NAMES.get(name)
    if choice is None or f" {name} " not in f" {choice} ":
        return choice
    return choice if choice in state.text.lower() else None


def is_worn_slot(state: ParseState, token) -> bool:
    """Whether the token stands where the worn thing goes: the object of "in" or of a form of "wear"."""
    governor = token.head
    if token.dep_ == "pobj":
        return governor.lower_ == "in"
    return token.dep_ == "dobj" and governor.tag_ in VERB_TAGS and state.lemma(governor.text, governor.tag_) == "wear"


def _is_worn_word(state: ParseState, token) -> bool:
    return is_garment(state, token) or token.lower_ in COLOUR_WORDS


def _repair_participle_read_as_worn(state: ParseState, participle) -> None:
    """The garment takes the participle's place with the words before it; the participle describes the wearer."""
    governor = participle.head
    worn = state.tokens[participle.i - 1]
    if worn.head.i == participle.i:
        if worn.lower_ not in COLOUR_WORDS:
            state.relabel(worn, tag="NN")
        for child in [child for child in state.lefts(participle) if child.i < worn.i]:
            state.reattach(child, worn, dep="compound" if child.tag_ in NOUN_TAGS else child.dep_)
        state.reattach(worn, governor, dep=participle.dep_)
    wearer = governor.head if governor.dep_ in ("prep", "acl") or governor.tag_ == "IN" else governor
    if governor.lower_ == "in" and governor.head.tag_ in VERB_TAGS and governor.head.dep_ == "acl":
        wearer = governor.head.head  # "man dressed in black skiing down slope"
    state.relabel(participle, tag="VBG")
    hosts = [governor, governor.head] if wearer.i != governor.head.i else [governor]
    for child in [child for host in hosts for child in state.kids(host) if child.i > participle.i]:
        if child.dep_ == "prep":  # "wearing black sleeping on a bed", "dressed in black skiing down slope"
            state.reattach(child, participle, dep="prep")
    state.reattach(participle, wearer, dep="acl" if state.nominal(wearer) else "advcl")
    for child in state.kids(wearer):
        if child.dep_ == "appos" and child.left_edge.i == participle.i + 1 and child.tag_ in NOUN_TAGS:
            state.reattach(child, participle, dep="dobj")  # "person in a helmet riding a horse": what is ridden
            break


def _wearer_before_garment_participle(state: ParseState, participle):
    """ "burgundy hat on man standing with a woman", "black long shorts on surfer walking on sand": the parser
    hangs the participle on the garment, yet the wearer named between them acts (FACTUAL train: both such
    captions relate the wearer, 2 gold relations gained, none lost). Returns that wearer, or None."""
    garment = participle.head
    if participle.dep_ != "acl" or participle.tag_ != "VBG" or not _is_worn_word(state, garment):
        return None
    for prep in state.kids(garment):
        if prep.dep_ == "prep" and prep.lower_ == "on" and prep.i < participle.i:
            for wearer in state.kids(prep):
                if wearer.dep_ == "pobj" and wearer.tag_ in NOUN_TAGS and wearer.right_edge.i == participle.i - 1:
                    return wearer if state.noun_lemma(wearer.lower_) in WEARERS else None
    return None


def _is_participle_with_compound_subject(state: ParseState, token) -> bool:
    """ "an arm pointing left", "train crossing over paved road", "a long tree leaf hanging": the tagger reads the
    -ing verb as a noun and its subject as that noun's compound, so the rules named one node "arm pointing" (written
    "pointing"). FACTUAL makes the noun before it the node and the -ing word its verb; a kept two-word name
    ("railroad crossing", COMPOUND_NAMES) and the -ing words that name things (ING_NOUNS: "building"; mined
    ING_NODE_WORDS: "earring") stay nouns. On all of FACTUAL's train.csv the repair changes 43 graphs, 34 closer to
    gold and 5 further; object F1 96.07 -> 96.11, relation F1 81.59 -> 81.63."""
    if token.tag_ != "NN" or not token.lower_.endswith("ing") or token.i == 0 or token.dep_ == "compound":
        return False  # "silver cooking tray": a compound -ing word names a kind
    subject = state.tokens[token.i - 1]
    word = token.lower_
    return (
        subject.dep_ == "compound"
        and subject.head is token
        and subject.tag_ in NOUN_TAGS
        and word not in ING_NOUNS
        and word not in ING_NODE_WORDS
        and state.is_verb(token.text, "VBG")
        and word_before_known_name_head(state, token) is None
    )


def _repair_participle_with_compound_subject(state: ParseState, participle) -> None:
    """The compound takes the -ing word's place and its left modifiers ("a long tree"); the -ing word is its
    clause, with the place phrases after it ("hanging from the wall")."""
    subject = state.tokens[participle.i - 1]
    for child in state.kids(participle):
        if child.i < subject.i:
            state.reattach(child, subject, dep=child.dep_)
    state.reattach(subject, subject if participle.head is participle else participle.head, dep=participle.dep_)
    # a bare -ing word ("a man with frying pan cooking") often tells what an earlier noun does: no attribute then
    clause = any(child.i > participle.i for child in state.kids(participle))
    state.reattach(participle, subject, dep="acl" if clause else "dep")
    state.relabel(participle, tag="VBG")


def _is_verb_tagged_conjunct(state: ParseState, token) -> bool:
    """ "a sink, mirror and shower in a bathroom": the tagger reads the last noun of a list as a verb; a base
    verb with no subject, object or auxiliary of its own cannot be coordinated with a noun."""
    if token.tag_ not in ("VB", "VBP") or token.dep_ != "conj" or token.head.tag_ not in ("NN", "NNS"):
        return False
    # "meat, carrots, and a roll sit on a plate": with a compound before it, it is the list's verb
    return not any(child.dep_ in _CLAUSE_DEPS | {"compound"} for child in state.kids(token))


def _noun_after_verb_tagged_modifier_after_next_to(state: ParseState, token):
    """ "bush next to grey pole", "newspaper next to romaine lettuce": the same misreading as
    `_is_verb_tagged_place_after_next_to` with a modifier read as the verb and the noun as its object; the noun, or
    None. The modifier becomes the noun's adjective. Re-parsing FACTUAL train: 8 of 36,137 graphs change, 7 gold
    triples and 6 exact graphs gained, 3 wrong triples removed ((fruit, orange, fruit) for "yellow fruit next to
    orange fruit"), none added or lost."""
    if token.i < 2 or token.i + 1 >= len(state.tokens):
        return None
    to, named = state.tokens[token.i - 1], state.tokens[token.i + 1]
    if state.tokens[token.i - 2].lower_ != "next" or to.lower_ != "to" or to.head is not token:
        return None
    return named if named.dep_ == "dobj" and named.head is token and state.nominal(named) else None


def _is_verb_tagged_place_after_next_to(state: ParseState, token) -> bool:
    """ "silver car next to sidewalk", "woman next to train": with no article after "next to" the tagger reads "to"
    as the infinitive marker and the noun as a base verb. FACTUAL train, a base verb right after "next to" that is a
    head word of its node names (NODE_WORDS, mined) and starts no compound: a gold node in all 41 captions, where
    the rules had made no node and so no `next to` relation (scene_graph_relations.relate_unparsed_next_to now
    relates it). Re-parsing train.csv: 41 graphs change, 34 gold triples gained, none lost, 31 more exact graphs."""
    if token.tag_ != "VB" or token.i < 2 or token.lower_ not in NODE_WORDS:
        return False
    following = state.tokens[token.i + 1] if token.i + 1 < len(state.tokens) else None
    if following is not None and following.tag_ in NOUN_TAGS:
        return False  # "next to train track", "next to stop sign": the first word of a name the rules already join
    return state.tokens[token.i - 1].lower_ == "to" and state.tokens[token.i - 2].lower_ == "next"


def _is_verb_tagged_first_word_subject(state: ParseState, token) -> bool:
    """ "watch is on man's arm", "menu hanging above counter", "fork under food is silver": a caption's first word
    that the tagger reads as a base verb yet the parser makes the subject is the noun it names. FACTUAL train, such a
    first word that is a head word of its node names (NODE_WORDS, mined) and has no object: a gold node in all 17
    captions, where the rules had made none in 15. Re-parsing train.csv: 15 graphs change, 12 gold triples gained,
    none lost, 10 more exact graphs."""
    if token.i != 0 or token.dep_ not in ("nsubj", "nsubjpass", "csubj") or token.lower_ not in NODE_WORDS:
        return False
    # "paddle the man is holding": an object of its own makes it the clause the parser read
    return not any(child.dep_ == "dobj" for child in state.kids(token))


def _is_verb_tagged_place_after_participle(state: ParseState, token) -> bool:
    """ "a rope tied to handle", "clock affixed to wall": with no article after "to" the parser reads "to" as the
    infinitive marker and the noun as the participle's base-verb complement. FACTUAL train, a base verb that is a
    head word of its node names (NODE_WORDS, mined), without an object of its own and before no noun or "of", right
    after "to" after a past participle: a gold node in all 19 captions (attached 11, tied 3, ...), where the rules
    had made no node. Re-parsing train.csv: 19 graphs change, 16 gold triples gained, 1 lost ("bench strapped to
    elephant across river": the place now goes to the elephant), 15 more exact graphs."""
    if token.tag_ != "VB" or token.i < 2 or token.lower_ not in NODE_WORDS or token.dep_ not in ("xcomp", "advcl"):
        return False
    marker, participle = state.tokens[token.i - 1], state.tokens[token.i - 2]
    if marker.lower_ != "to" or marker.head is not token or participle.tag_ != "VBN" or token.head is not participle:
        return False
    if any(child.dep_ == "dobj" for child in state.kids(token)):
        return False  # "being used to cover the guy": a verb with its object
    following = state.tokens[token.i + 1] if token.i + 1 < len(state.tokens) else None
    return following is None or (following.tag_ not in NOUN_TAGS and following.lower_ != "of")


def _repair_verb_tagged_place_after_participle(state: ParseState, token) -> None:
    """The reading of "a rope tied to the handle": "to" a preposition of the participle, the noun its object."""
    marker, participle = state.tokens[token.i - 1], state.tokens[token.i - 2]
    state.relabel(token, tag="NN")
    state.relabel(marker, tag="IN")
    state.reattach(marker, participle, dep="prep")
    state.reattach(token, marker, dep="pobj")


def _noun_before_verb_tagged_last_item(state: ParseState, token):
    """ "using a knife and fork", "designs painted on his ear and face": the tagger reads the last noun of a list
    as a base verb and the parser coordinates it with the verb the list hangs on. A base verb without a single
    dependent of its own right after "and"/"or"/"," that follows a noun is that noun's conjunct (FACTUAL train: the
    word is a gold node in all 7 such captions; the rules had dropped it in 3, "fork", "drink", "shower").
    Returns the noun, else None."""
    if token.tag_ not in ("VB", "VBP") or token.dep_ != "conj" or token.head.tag_ in ("NN", "NNS") or token.i < 2:
        return None
    if state.tokens[token.i - 1].lower_ not in ("and", "or", ",") or state.kids(token):
        return None
    noun = state.tokens[token.i - 2]
    return noun if noun.tag_ in ("NN", "NNS") else None


def _is_verb_tagged_listed_garment(state: ParseState, token) -> bool:
    """ "the man is wearing a suit and tie", "man in gray suit with purple shirt and tie": the tagger reads a
    garment after "and" as a verb (coordinated with "wearing", or the root) though a garment comes right before
    the coordinator; it is the list's next garment. FACTUAL train, re-parsed with and without this repair: 5 graphs
    change, 5 gold objects and 3 gold relations gained, 1 wrong relation added ((man, with, tie)), none lost."""
    if token.tag_ not in _BASE_VERB_TAGS - {"VBZ"} or token.lower_ not in GARMENTS or token.i < 2:
        return False
    coordinator, before = state.tokens[token.i - 1], state.tokens[token.i - 2]
    if coordinator.lower_ not in ("and", "or", "&") or before.tag_ not in NOUN_TAGS:
        return False
    return is_garment(state, before)


def word_before_known_name_head(state: ParseState, head):
    """The word before `head` when the two are a two-word name FACTUAL keeps whole (COMPOUND_NAMES, mined), else
    None: the split-name repairs below differ only in how the parser split it."""
    if head.i == 0 or not COMPOUND_NAMES:
        return None
    first = state.tokens[head.i - 1]
    return first if f"{first.lower_} {state.noun_lemma(head.lower_)}" in COMPOUND_NAMES else None


def _is_split_compound_name(state: ParseState, head) -> bool:
    """ "a brown teddy bear with a shirt on" (teddy the subject of the verb "bear"), "a brown tree stump a man is
    sitting on" (tree the subject of stump), "light bulb turned on" (light an adjective): the parser splits a
    two-word name FACTUAL keeps whole (COMPOUND_NAMES, mined) by hanging the first word on the second with
    another label."""
    first = word_before_known_name_head(state, head)
    if first is None or first.head.i != head.i:
        return False
    return first.dep_ in ("nsubj", "amod", "nmod") or _is_verb_tagged_name_head(head, first)


def _is_verb_tagged_name_head(head, first) -> bool:
    """ "man holding tennis racquet", "person watching tennis match": the second word tagged a verb, the first its
    compound, the pair a verb's clausal complement (object of the participle). FACTUAL train.csv: 2 graphs change,
    both to gold; a possessive "someones" is no node either ("a ski pole in someones left hand")."""
    return first.dep_ == "compound" and head.tag_ in VERB_TAGS and head.dep_ in _VERB_TAGGED_HEAD_DEPS


_VERB_TAGGED_HEAD_DEPS = {"ccomp", "xcomp"}


def _repair_split_compound_name(state: ParseState, head) -> None:
    first = state.tokens[head.i - 1]
    if head.dep_ in _VERB_TAGGED_HEAD_DEPS and head.tag_ in VERB_TAGS:
        state.relabel(head, dep="dobj")
    state.relabel(first, tag="NN", dep="compound")
    if head.tag_ not in NOUN_TAGS:
        state.relabel(head, tag="NNS" if head.tag_ == "VBZ" else "NN")


_PAIR_HEAD_VERB_TAGS = {"VB", "VBP", "VBZ"}


def _is_verb_tagged_compound_pair_head(state: ParseState, head) -> bool:
    """ "bathroom sink on wall", "a bathroom sink under a mirror": the tagger makes the second noun of a compound
    FACTUAL writes as two related nodes (COMPOUND_PAIR_PREDICATES, mined: (sink, in, bathroom)) a verb with the first
    as its subject; then there was no sink node at all. Re-parsing FACTUAL train.csv: 6 graphs change (all "bathroom
    sink"), 10 gold triples gained, none lost, 4 more exact graphs."""
    if head.tag_ not in _PAIR_HEAD_VERB_TAGS or head.i == 0 or not COMPOUND_PAIR_PREDICATES:
        return False
    first = state.tokens[head.i - 1]
    if first.dep_ != "nsubj" or first.head is not head or first.tag_ not in NOUN_TAGS:
        return False
    return f"{first.lower_} {state.noun_lemma(head.lower_)}" in COMPOUND_PAIR_PREDICATES


def _is_modal_split_compound_name(state: ParseState, head) -> bool:
    """ "trash can tied to tree" (trash the subject, can a modal verb): the parser makes the second word of a
    two-word name FACTUAL keeps whole (COMPOUND_NAMES) a modal. FACTUAL train: the rule fires on 16 captions
    ("trash can"), gold keeps the name whole in all 16. Train sample attribute F1 85.51 -> 85.57, object F1
    94.81 -> 94.82 (relation 70.77 -> 70.76: "a white trash can beside a bag of trash", where gold looks through
    the bag); the dev splits have no such caption."""
    if head.tag_ != "MD":
        return False
    first = word_before_known_name_head(state, head)
    return first is not None and first.tag_ in NOUN_TAGS and first.head.i == head.head.i


def _repair_modal_split_compound_name(state: ParseState, head) -> None:
    """The second word is the noun, in the subject's place, with the first word as its compound."""
    first = state.tokens[head.i - 1]
    state.relabel(head, tag="NN")
    state.reattach(head, first.head, dep=first.dep_)
    state.reattach(first, head, dep="compound")


def _is_verb_split_compound_name(state: ParseState, head) -> bool:
    """ "stop sign on the road": the parser reads the first word of a two-word name FACTUAL keeps whole
    (COMPOUND_NAMES) as an imperative verb with the second as its object. FACTUAL train: where the rules read
    "stop" that way, gold keeps "stop sign" whole in all 23 captions. Train sample (2,000, 8+ words) relation F1
    70.76 -> 70.82, object F1 94.82 -> 94.87; length_dev relation F1 81.57 -> 81.61; long_dev, whose gold splits the
    name, relation F1 54.00 -> 53.98, object F1 89.32 -> 89.30: we follow train."""
    if head.dep_ != "dobj":
        return False
    first = word_before_known_name_head(state, head)
    if first is None or head.head is not first:
        return False
    return first.tag_ == "VB" or _is_subjectless_gerund_of_name(state, first)


def _is_subjectless_gerund_of_name(state: ParseState, gerund) -> bool:
    """ "cutting board on the counter", "frying pan on a stove", "cutting board is sitting on table": at the start
    of a caption the parser reads the first word of a gerund name FACTUAL keeps whole (COMPOUND_NAMES, mined) as a
    verb with no subject and the second word as its object. FACTUAL train: all 40 captions with "cutting board"
    keep the name whole; the rule fires on the captions opening with such a name."""
    if gerund.tag_ != "VBG" or gerund.dep_ not in ("ROOT", "csubj"):
        return False
    if any(token.tag_ not in ("DT", "CD") for token in state.tokens[: gerund.i]):
        return False  # only an article or a number before the name: the caption opens with it
    return not any(child.dep_ in ("nsubj", "nsubjpass", "aux") for child in state.kids(gerund))


def _is_adjective_split_compound_name(state: ParseState, head) -> bool:
    """ "a fire hydrant on the lawn": the tagger reads the second word of a two-word name FACTUAL keeps whole
    (COMPOUND_NAMES) as an adjective on the first, and the place phrase hangs on that adjective, which then made the
    predicate ("hydrant on"). FACTUAL train: the rules wrote such a predicate for 6 captions, gold the bare place in
    all 6. The tagger may read it as an adverb too ("fire hydrant on the sidewalk": "hydrant" an RB the place phrase
    hangs on, and no relation came out; train: 7 of the 8 such captions wrong, each missing its place relation)."""
    if not (head.dep_ == "amod" and head.tag_ in ADJECTIVE_TAGS) and not (head.dep_ == "advmod" and head.tag_ == "RB"):
        return False
    first = word_before_known_name_head(state, head)
    return first is not None and first.tag_ in NOUN_TAGS and head.head is first


def _repair_verb_split_compound_name(state: ParseState, head) -> None:
    """The second word takes the verb's place and its other dependents ("stop sign and no parking sign": a
    second object is the name's conjunct); the first word is its compound."""
    first = state.tokens[head.i - 1]
    for child in [child for child in state.kids(first) if child is not head]:
        state.reattach(child, head, dep="conj" if child.dep_ == "dobj" else child.dep_)
    dep = "nsubj" if first.dep_ == "csubj" else first.dep_  # "cutting board is sitting on table": the subject
    state.reattach(head, head if first.head is first else first.head, dep=dep)
    state.reattach(first, head, dep="compound")
    state.relabel(head, tag="NN")
    state.relabel(first, tag="NN")


def _is_detached_compound_name(state: ParseState, head) -> bool:
    """ "the sky above the stop sign" (sign the root), "man standing near door way" (way an npadvmod), "a cat sitting
    on a bathroom toilet": the parser ends the phrase at the first word of a two-word name FACTUAL keeps whole
    (COMPOUND_NAMES, mined) and hangs the second word elsewhere, with neither word the head of the other. On all of
    FACTUAL's train.csv the repair changes 29 graphs, all closer to gold (object F1 96.12 -> 96.17, relation F1
    81.63 -> 81.68, exact graphs +20)."""
    if head.tag_ not in NOUN_TAGS or head.dep_ not in _DETACHED_HEAD_DEPS:
        return False
    first = word_before_known_name_head(state, head)
    return (
        first is not None
        and first.tag_ in NOUN_TAGS
        and first.dep_ in _ARGUMENT_DEPS | {"conj", "attr", "appos"}
        and first.head is not head
        and head.head is not first
        and not any(child.dep_ == "compound" for child in state.kids(first))  # "stop sign post": sign is named
    )


# labels the parser gives the detached second word of a name
_DETACHED_HEAD_DEPS = {"ROOT", "npadvmod", "appos", "advcl", "acl", "attr", "punct", "dep"}


def _repair_detached_compound_name(state: ParseState, head) -> None:
    """The second word takes the first word's place, with its modifiers; the first is its compound. Where the
    second word was above the first in the tree ("sky" under the root "sign"), the word between takes its place."""
    first = state.tokens[head.i - 1]
    below = child_towards(head, first)
    if below is not None:
        state.reattach(below, below if head.head is head else head.head, dep=head.dep_)
    state.reattach(head, head if first.head is first else first.head, dep=first.dep_)
    for child in state.kids(first):
        if child.i < first.i:
            state.reattach(child, head, dep=child.dep_)
    state.reattach(first, head, dep="compound")


def _is_inverted_compound_name(state: ParseState, head) -> bool:
    """ "a red fire hydrant on a street": the parser makes the first word of a two-word name FACTUAL keeps whole
    (COMPOUND_NAMES, mined) the phrase's head and hangs the second word on it as its modifier (hydrant an amod of
    fire), so the phrase's relations leave from "hydrant" while the node is named "fire hydrant". The repair changes
    21 of the 25,010 COCO Karpathy test graphs ("fire hydrant", "teddy bear", "bathroom stall"), each to the whole
    name with the phrase's relations, as gold writes the 4 such "fire hydrant" captions of FACTUAL train."""
    if head.tag_ not in NOUN_TAGS or head.dep_ not in _INVERTED_HEAD_DEPS:
        return False
    first = word_before_known_name_head(state, head)
    return first is not None and first.tag_ in NOUN_TAGS and head.head is first


# labels the parser gives the second word of a name it hangs on the first
_INVERTED_HEAD_DEPS = {"amod", "compound", "appos", "nmod"}


def _repair_inverted_compound_name(state: ParseState, head) -> None:
    """The second word takes the first word's place and all its other dependents; the first is its compound."""
    first = state.tokens[head.i - 1]
    state.reattach(head, head if first.head is first else first.head, dep=first.dep_)
    for child in list(state.kids(first)):
        if child is not head:
            state.reattach(child, head, dep=child.dep_)
    state.reattach(first, head, dep="compound")


def child_towards(ancestor, token):
    """The child of `ancestor` on the path up from `token`, or None when `ancestor` is not above `token`."""
    step = token
    for _ in range(64):
        if step.head is step:
            return None
        if step.head is ancestor:
            return step
        step = step.head
    return None


def _is_verb_tagged_subject(state: ParseState, token) -> bool:
    """ "towel hanging on shower door", "leaves lying on the ground": a fragment's first noun the tagger
    reads as the main verb, with the participle as its complement. FACTUAL relates that noun by the
    participle: in its training split 100 of 101 such roots (only DT/JJ/CD/PRP$ before; a VBG xcomp
    after as the only clause dependent) are a related node (relation F1 on all of train.csv 77.75 ->
    77.9, the command in `_is_noun_tagged_participle`)."""
    if token.dep_ != "ROOT" or token.tag_ not in _BASE_VERB_TAGS:
        return False
    for previous in reversed(state.tokens[: token.i]):
        if previous.tag_ == ".":
            break
        if previous.tag_ not in _PHRASE_START_TAGS:
            return False
    clause = [child for child in state.kids(token) if child.dep_ in _CLAUSE_DEPS | {"attr", "acomp", "advcl"}]
    return bool(clause) and all(_is_participle_complement(child, token) for child in clause)


def _is_participle_complement(child, root) -> bool:
    """ "rug hanging on the wall", "frog with big smile sitting on toothbrush": the parser makes the participle
    after a verb-tagged first noun its complement or an adverbial clause (one or more of them). Counting the
    adverbial clause too, re-parsing FACTUAL train changes 5 of 36,137 graphs: 3 gold triples and 3 exact graphs
    gained, 3 wrong triples added (two for the misspelt "gut sitting on the bench looking at the camera", whose
    gold writes person), none lost; of the 25,010 COCO Karpathy test captions 3 change, each gaining the
    participle's relation ("Cow with green tag in ear standing in stream" -> (cow, stand in, stream))."""
    return child.dep_ in _PARTICIPLE_COMPLEMENT_DEPS and child.tag_ == "VBG" and child.i > root.i


_PARTICIPLE_COMPLEMENT_DEPS = {"xcomp", "advcl"}


def _repair_subject(state: ParseState, noun) -> None:
    """Tag the noun as one ("leaves" VBZ -> NNS) and hang the participle on it as a clause, the
    reading of "a man riding a horse"."""
    state.relabel(noun, tag="NNS" if noun.tag_ == "VBZ" else "NN")
    for child in state.kids(noun):
        if child.dep_ in _PARTICIPLE_COMPLEMENT_DEPS:
            state.relabel(child, dep="acl")


# The hand-kept non-nodes beside the mined NON_NODES (which the miner empties in place while it mines, so it stays apart).
_LISTED_NON_NODES = FRAMING_NON_NODES | MODIFIER_NON_NODES | OUTING_NON_NODES


def _classify_nouns(state: ParseState) -> None:
    """One lemma look-up per noun: partitives ("a bunch of", mined "a view of") and nouns FACTUAL
    hardly ever makes a node on their own ("hands out for balance", "dressed in white"; NON_NODES, mined from
    its training split), which stay inside a longer name ("side mirror"). NON_NODES counts word occurrences, on the
    parse with the other mined tables: counted per node name with those tables off, long_dev relation / object F1 was
    53.92 / 89.10 (now 54.10 / 89.15) and the train sample 2000/8+ 70.62 / 94.73 (now 70.82 / 94.85;
    benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8). A noun-tagged word without a
    letter or digit ("counter-top" split as counter / - / top) is never a node: FACTUAL train.csv has 12 such
    nodes ('-'), none in gold."""
    for token in state.tokens:
        if not state.nominal(token):
            continue
        lemma = head_lemma(state, token)
        lemma = AMERICAN_SPELLINGS.get(lemma, lemma)
        non_node = lemma in NON_NODES or lemma in _LISTED_NON_NODES
        if (
            token.lower_ in PARTITIVE_NOUNS or lemma in PARTITIVE_NOUNS or lemma in OF_PARTITIVES or non_node
        ) and not is_lone_part_frame(state, token, lemma):  # "the back of a motorcycle": the part is the node
            state.partitives.add(token.i)  # "rows of bicycles": a non-node with "of" is looked through
        elif lemma in STRETCH_NOUNS and _is_bare_stretch(state, token, lemma):
            state.partitives.add(token.i)
        if _is_line_of(state, token):
            state.graph.lines.add(token.i)
        if token.lower_ in PRONOUN_NODES or lemma in PRONOUN_NODES:
            if token.i not in state.nominal_overrides:  # "someone 's plate": no person node (`_is_pronoun_slot`)
                state.graph.hidden.add(token.i)
            continue  # "someone is sitting on the bench": a subject pronoun names a person
        if non_node and name_start(state, token) == token.i and not _has_of_phrase(state, token):
            if _is_worn_colour(state, token):
                state.nominal_overrides.add(token.i)  # "dressed in red and white": each colour is worn
                continue
            state.graph.hidden.add(token.i)
        elif (lemma in BARE_PLACE_NOUNS or lemma in BARE_LOW_LIGHT_TIMES) and _is_bare_place(state, token):
            state.graph.hidden.add(token.i)  # "candles on top", "at night" (mined: FACTUAL has no node)
        elif lemma in DETERMINED_NON_NODES and _is_determined_manner(state, token):
            state.graph.hidden.add(token.i)
            _hand_places_to_verb(state, token)
        elif token.lower_ in NON_REFERRING_PRONOUNS:
            state.graph.hidden.add(token.i)  # "paying no attention to anything": no one and nothing in the picture
        elif lemma in CLASSIFIER_NOUNS:
            state.graph.hidden.add(token.i)  # "some kind of wii game", "a carhartt type": a class, no thing
        elif lemma in ADVERBIAL_IDIOM_NOUNS and _is_adverbial_idiom(state, token, lemma):
            state.graph.hidden.add(token.i)
        elif lemma in SIDE_NOUNS and _is_positional_side(state, token):
            state.graph.hidden.add(token.i)
        elif _is_indefinite_object(state, token) or _is_taken_activity(state, token, lemma):
            state.graph.hidden.add(token.i)
            _hand_places_to_verb(state, token)
        elif (
            _is_negated(state, token)
            or _is_likeness(token)
            or shaped_after(state, token) is not None
            or _is_noun_tagged_verb_form(state, token)
        ):
            state.graph.hidden.add(token.i)
        elif not token.is_alpha and not any(character.isalnum() for character in token.text):
            state.graph.hidden.add(token.i)  # "counter-top", "v-neck sweater": a hyphen the tagger calls a noun


# Nouns that measure off a stretch of something, looked through to it when nothing describes the stretch itself:
# "a section of grass in a field" -> (grass, in, field), "a stand of trees along a pasture" -> (trees, along,
# pasture). FACTUAL train: "section(s) of X" with no adjective or compound on "section" names only X in 5 of 6
# captions (grass, dirt, sand, pavement, "two sections of roof"; kept: "section of a support beam"), while a
# described section stays a node in 4 of 5 ("round section of building", "a blue section of ocean"); "a stand of
# trees": only the trees in 2 of 2 ("the stands of a baseball game", plural seats, is no such stand); "a bed of X"
# with X bare (food laid on food): only X in 3 of 3 ("the turkey is lying on a bed of broccoli" -> (turkey, lay on,
# broccoli)), while "the bed of a truck" is the truck's bed (3 of 3 with a determiner or a modifier keep it).
STRETCH_NOUNS = {"section", "stand", "bed"}
_UNDESCRIBING_DEPS = {"det", "nummod", "predet"}


def _is_bare_stretch(state: ParseState, token, lemma: str) -> bool:
    """Whether `token` is an undescribed "section of X" / singular "a stand of <plural>" with an of-object. Off while
    the conventions are mined (empty tables), as for the sheet materials: the miner counts these heads as parsed."""
    if not OF_PARTITIVES:
        return False
    before = state.tokens[token.i - 1] if token.i > 0 else None
    if before is not None and (
        (before.head.i == token.i and before.dep_ not in _UNDESCRIBING_DEPS) or before.lower_ in POSITIONAL_MODIFIERS
    ):
        return False  # "round section", "left section" (however parsed): a described stretch is a node
    for child in state.kids(token):
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in state.kids(child):
                if obj.dep_ == "pobj" and state.nominal(obj):
                    return _is_stretch_of(state, lemma, token, obj)
    return False


def _is_stretch_of(state: ParseState, lemma: str, token, obj) -> bool:
    if lemma == "section":
        return True
    if lemma == "stand":
        return token.tag_ == "NN" and obj.tag_ == "NNS"
    return not any(child.dep_ in ("det", "poss") for child in state.lefts(obj))  # "a bed of rice", not "of a truck"


# dependents that leave "PART of X" a bare noun phrase: no verb, place or clause of its own
_COPULA_FORMS = {"is", "are", "was", "were"}
_BARE_PART_DEPS = {"det", "amod", "nummod", "predet", "punct"}
_BARE_PHRASE_DEPS = {"det", "amod", "compound", "nummod", "poss", "case", "punct", "nmod", "predet"}


def is_lone_part_frame(state: ParseState, token, lemma: str) -> bool:
    """ "the back of a motorcycle", "edge of the pavement", "top of train is black": a part noun heading "PART of X"
    that is the whole caption, or the subject of a copula with an adjective, is a node FACTUAL keeps, (X, have, PART),
    and it takes the adjective ((top, black)). FACTUAL train, captions that start with "PART of X" (back, bottom,
    edge, end, side, top) and say nothing else or only "is ADJ": 19 of 23 write (X, have, PART) (before this rule the
    parser looked through the part and wrote nothing). With a place, verb or clause after X FACTUAL mostly looks
    through the part ("top of a bag hanging from table": 10 keep it, 20 do not), so those keep the old reading.
    Re-parsing all of train.csv: 24 graphs change, 15 gold triples gained and none lost, 14 more exact graphs, 1
    fewer ("the side of a race track": no graph in gold)."""
    if lemma not in DESCRIBED_PART_FRAME_NOUNS:  # the lone part nouns and "front"
        return False
    of = next((child for child in state.kids(token) if child.dep_ == "prep" and child.lower_ == "of"), None)
    whole = None if of is None else next((child for child in state.kids(of) if child.dep_ == "pobj"), None)
    if whole is None or not state.nominal(whole):
        return False
    if _is_described_part_frame(state, token, lemma):
        _hand_part_places_to_whole(state, token, whole)
        return True
    if lemma not in LONE_PART_FRAME_NOUNS:
        return False
    if any(child.dep_ not in _BARE_PHRASE_DEPS for child in state.kids(whole)):
        return False
    if any(child.dep_ not in _BARE_PART_DEPS and child.lower_ != "of" for child in state.kids(token)):
        return False  # "brown fence side of road": a compound before the part makes it a place phrase
    if token.dep_ == "ROOT":
        return True
    copula = token.head
    return (
        token.dep_ == "nsubj"
        and copula.lower_ in _COPULA_FORMS
        and any(child.dep_ == "acomp" and child.tag_ == "JJ" and not state.kids(child) for child in state.kids(copula))
    )


def _is_described_part_frame(state: ParseState, part, lemma: str) -> bool:
    """ "black front of fire place in living room", "white back of a boat travelling on the water", "a brown side of a
    horse that is pulling a carriage": a part that opens the caption with a colour or a shape of its own is the thing
    described, a node with that attribute, (fire place, have, front), (front, black), whatever follows its whole.
    FACTUAL train, "<colour or shape> PART of X" heading the caption: the part is a node with the attribute in 8 of 10
    (round base, curved edge, round edge, black front, white top, black base, jagged edge, white back; "green top of
    boat" and "mirrored front of cabinet door" are not)."""
    if lemma not in DESCRIBED_PART_FRAME_NOUNS or part.dep_ not in ("ROOT", "nsubj"):
        return False
    return any(
        child.dep_ == "amod"
        and child.i < part.i
        and (child.lower_ in COLOUR_WORDS or child.lower_ in SHAPE_ADJECTIVES or child.lower_ in GEOMETRIC_SHAPES)
        for child in state.kids(part)
    )


def _hand_part_places_to_whole(state: ParseState, part, whole) -> None:
    """ "black front of fire place in living room" -> (fire place, in, living room): a place phrase after the whole
    locates the whole, not its described part (FACTUAL train: 3 of the 3 such captions, "round edge of parking meter on
    street", "jagged edge of land against water"), though the parser hangs it on the part."""
    for child in list(state.kids(part)):  # a copy: reattaching takes the child out of the part's kids
        if child.dep_ == "prep" and child.i > whole.i and child.lower_ in LOCATIVE_PREPOSITIONS:
            state.reattach(child, whole, dep="prep")


def _is_worn_colour(state: ParseState, token) -> bool:
    """A bare colour worn as clothing: "the skier is dressed in red", "a man wearing black", "dressed in red and
    white". The mined NON_NODES hide colours, which FACTUAL seldom makes nodes, yet after "wearing" or "dressed in"
    gold writes (X, wear, COLOUR) in about half of such captions (the rest invent (X, wear, clothes), (clothes,
    COLOUR)), where the parser wrote nothing. Re-parsing FACTUAL train.csv: 28 graphs change, 14 gain the gold
    triple, none loses one, 11 more graphs exact."""
    if token.lower_ not in COLOUR_WORDS:
        return False
    following = state.tokens[token.i + 1] if token.i + 1 < len(state.tokens) else None
    if following is not None and (following.tag_ == "NNS" or is_garment(state, following)):
        return False  # "wearing white wristbands": the tagger cut the colour off its garment
    while token.dep_ == "conj" and token.head.lower_ in COLOUR_WORDS:
        token = token.head
    governor = token.head
    if token.dep_ == "pobj" and governor.lower_ == "in":
        dressing = governor.head
        return dressing.tag_ in VERB_TAGS and state.lemma(dressing.text, dressing.tag_) in ("dress", "clothe", "clad")
    return token.dep_ == "dobj" and is_worn_slot(state, token)


def _is_noun_tagged_verb_form(state: ParseState, token) -> bool:
    """ "the man in the white tank top walking", "onions and more cooking in a pot": an -ing form of a verb the tagger
    reads as a noun is no node in FACTUAL, unless it names a thing (ING_NOUNS: "building", "railing"; mined
    ING_NODE_WORDS: "fencing", "earring") or has a determiner or modifier ("the scaffolding", "beautiful
    landscaping"). On all of FACTUAL's train.csv the rule drops 45 nodes gold does not have and 3 it has (exact graphs
    +6); long_dev object F1 88.75 -> 88.79, train sample 2000/8+ 94.56 -> 94.63 (benchmarks/parser_quality.py
    --train_sample 2000 --train_sample_min_words 8)."""
    word = token.lower_
    return (
        token.tag_ in ("NN", "NNS")
        and word.endswith("ing")
        and word not in ING_NOUNS
        and word not in ING_NODE_WORDS
        and state.is_verb(token.text, "VBG")
        and name_start(state, token) == token.i
        and not _has_of_phrase(state, token)
        and not any(kid.dep_ in _NOUN_PHRASE_DEPS for kid in state.kids(token))
    )


# a determiner or modifier makes an -ing word a thing ("the scaffolding", "beautiful landscaping")
_NOUN_PHRASE_DEPS = {"det", "amod", "poss", "nummod"}


def _is_line_of(state: ParseState, token) -> bool:
    """ "a line of trees" -> (tree, in, line): the line is looked through (the trees are what the caption is
    about) but stays a node. FACTUAL's training split: a gold (X, in, line) in 23 of the 26 captions with
    "line of"; no other partitive is written so ("row of": 0 of 47 captions, "group of": 0 of 165)."""
    return token.lower_ == "line" and _has_of_phrase(state, token)


def _is_negated(state: ParseState, token) -> bool:
    """ "a tree with no leaves", "blue sky without clouds": a thing the caption says is not there is no node.
    FACTUAL's training split: no gold node for 25 of 27 nouns with the determiner "no" (and no compound:
    "no parking sign" is a sign) and for 5 of 5 objects of "without"."""
    if token.dep_ == "pobj" and token.head.lower_ == "without":
        return True
    # One loop over the children, not two `any` generators: this runs for every noun (14,500 per 4,000 COCO captions).
    negated = False
    for kid in state.kids(token):
        if kid.dep_ == "compound":
            return False
        negated = negated or (kid.dep_ == "det" and kid.lower_ == "no")
    return negated


def _is_likeness(token) -> bool:
    """ "a kite that looks like a dragon", "boat shaped like an elephant": what a thing looks like is not in
    the picture. FACTUAL's training split: no gold node for 5 of 5 objects of "like" after a verb."""
    return token.dep_ == "pobj" and token.head.lower_ == "like" and token.head.head.tag_ in VERB_TAGS


# British spellings of nouns the mined tables list in their American spelling: FACTUAL train writes no "colour"
# node in any of its 3 captions with the word, as for "color" (NON_NODES). Only the look-up: a node keeps its spelling.
AMERICAN_SPELLINGS = {"colour": "color"}


# participles whose word before them names a look, not a thing: "heart shaped", "zebra patterned" (FACTUAL train,
# a noun before "patterned": no node and the pair as the attribute in 3 of 3 captions; an adjective: the pair in 2
# of 4, "floral patterned")
SHAPING_PARTICIPLES = {"shaped", "patterned"}


def shaped_after(state: ParseState, token):
    """The "shaped" right after a word, over a hyphen ("a heart shaped sticker", "a diamond-shaped sign"), or None.
    The word names the shape, not a thing in the picture: FACTUAL's training split has no node for it in 13 of the
    13 captions where the rules made one (the shaped thing gets the pair as its attribute, "heart shape":
    scene_graph_attributes.shape_attributes). Not the subject of "shaped like" ("a sign shaped like an arrow")."""
    following = token.i + 1
    if following < len(state.tokens) and state.tokens[following].text == "-":
        following += 1
    if following == len(state.tokens) or state.tokens[following].lower_ not in SHAPING_PARTICIPLES:
        return None
    shaped = state.tokens[following]
    if shaped.head.i == token.i or any(kid.lower_ == "like" for kid in state.kids(shaped)):
        return None  # "a sign shaped like an arrow": the sign is the shaped thing
    return shaped


def _is_indefinite_object(state: ParseState, token) -> bool:
    """ "the giraffe found something on a bush", "a child watching something through the fence", "two wires
    attached to sign or something behind it": an unnamed thing that is not the subject is no node in FACTUAL, which
    relates the verb's subject to the place instead ((child, watch through, fence)). Its training split: no gold node
    for 6 of the 8 non-subject "something"s ("a monitor displays something" keeps it), against 3 of 3 subjects kept
    ("something hanging on the wall", the parser's root); a described one stays ("something orange")."""
    return (
        token.lower_ == "something"
        and token.dep_ not in ("nsubj", "nsubjpass", "ROOT")
        and not any(kid.dep_ == "amod" for kid in state.kids(token))
    )


def _is_taken_activity(state: ParseState, token, lemma: str) -> bool:
    """ "dog takes a nap on a couch", "a zebra near a fence and taking a walk", "man taking a break kneeling in the
    snow": the object of "take" that names an activity (TAKEN_ACTIVITIES) is what the subject does, no thing. FACTUAL
    train: none of its 4 captions with "take a walk / break / ride / bite" makes a node of the activity."""
    verb = token.head
    return (
        lemma in TAKEN_ACTIVITIES
        and token.dep_ == "dobj"
        and verb.tag_ in VERB_TAGS
        and state.lemma(verb.text, verb.tag_) == "take"
        and not _has_of_phrase(state, token)
    )


def _is_adverbial_idiom(state: ParseState, token, lemma: str) -> bool:
    """ "eating a hot dog at the same time", "fingers in a way that ...", "hay hanging all over the place", "dogs
    playing tug of war": the noun of a fixed adverbial phrase (ADVERBIAL_IDIOM_NOUNS) names no thing; FACTUAL train
    has no gold node for any of them. Only right after the preposition, its article or "same" ("in an alley way" is
    a place), and not with an of-phrase of its own ("in the way of the car"). The head of "tug of war" goes with it.
    long_dev relation F1 59.06 -> 59.22, exact 31.74 -> 32.01%; other splits unchanged (benchmarks/parser_quality.py
    --train_sample 2000 --train_sample_min_words 8); 11 of 27,763 dev and COCO graphs change."""
    head = token.head
    if token.dep_ != "pobj" or head.lower_ not in ADVERBIAL_IDIOM_NOUNS[lemma] or _has_of_phrase(state, token):
        return False
    before = state.tokens[token.i - 1]
    if before.i != head.i and before.tag_ != "DT" and before.lower_ not in NON_ARTICLE_DETERMINERS:
        return False  # "standing in an alley way": a kind of place
    of_head = IDIOM_OF_HEADS.get(lemma)
    if of_head is None:
        for child in state.kids(token):  # "a cake sits in focus in front of a bride": the place is the cake's
            if child.dep_ == "prep":
                state.reattach(child, head.head, dep="prep")
        return True
    if head_lemma(state, head.head) != of_head:
        return False
    state.graph.hidden.add(head.head.i)  # "tug of war": the game is no thing either
    return True


def _is_positional_side(state: ParseState, token) -> bool:
    """ "a bat on right side", "a tree on the left side": a side named only by its position (SIDE_NOUNS) is where in
    the picture, not a thing; not with an of-phrase ("on the left side of the road") or another modifier. FACTUAL
    train: 5 graphs change, each losing a wrong (bat, on, side) or the like; long_dev exact 32.14 -> 32.27%, train
    sample 2000/8+ exact 62.00 -> 62.05% (benchmarks/parser_quality.py --train_sample 2000
    --train_sample_min_words 8). "crispy on the outside": a bare "the inside/outside" likewise (long_dev relation F1
    59.28 -> 59.32; train unchanged; 2 COCO graphs lose (building, on, outside) and the like)."""
    if token.dep_ != "pobj" or token.head.lower_ not in SIDE_PREPOSITIONS or _has_of_phrase(state, token):
        return False
    modifiers = [kid for kid in state.kids(token) if kid.dep_ in ("amod", "compound") and kid.i < token.i]
    if token.lower_ != "side":  # "on the outside": the word names the position itself
        return not modifiers and token.head.i == token.i - 2
    return bool(modifiers) and all(kid.lower_ in POSITIONAL_MODIFIERS for kid in modifiers)


def _is_determined_manner(state: ParseState, token) -> bool:
    """ "facing the same direction", "lanes going either way", "train makes its way along the track": a
    direction or manner picked out by a determiner other than an article (mined DETERMINED_NON_NODES). FACTUAL's
    training split has no gold node for "way" after such a determiner (4 of 4) nor for "direction" (5 of 6),
    while "a door way" and "a sign giving directions" are nodes. Not with an of-phrase ("the other side of")
    or a compound. long_dev object F1 89.31 -> 89.44, exact 26.16 -> 26.29%; train sample 2000/8+ object F1 94.97 ->
    94.98 (benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8)."""
    return (
        name_start(state, token) == token.i
        and not _has_of_phrase(state, token)
        and any(kid.lower_ in NON_ARTICLE_DETERMINERS and kid.dep_ in _DETERMINER_DEPS for kid in state.kids(token))
    )


def _hand_places_to_verb(state: ParseState, token) -> None:
    """ "a train winds its way down a mountain track": with the manner noun no node, its place phrases tell where
    the verb's subject goes, (train, down, track), as in "a train winds down a mountain track"."""
    if token.head.tag_ not in VERB_TAGS:
        return
    for child in state.kids(token):
        if child.dep_ == "prep":
            state.reattach(child, token.head, dep="prep")


# the dependencies a determiner or comparing adjective has on its noun
_DETERMINER_DEPS = {"det", "predet", "poss", "amod"}


def _is_bare_place(state: ParseState, token) -> bool:
    """A noun right after on/in/at with no article or other dependent of its own."""
    head = token.head
    return (
        token.dep_ == "pobj" and head.i == token.i - 1 and head.lower_ in ("on", "in", "at") and not state.kids(token)
    )


def adjective_list_head(state: ParseState, noun):
    """ "grey and black sneakers", "red, white and blue flag": the parser may make the first adjective
    the head and coordinate the noun with it (grey -conj-> sneakers). That first adjective, or None."""
    head = noun.head
    if noun.dep_ != "conj" or head.i >= noun.i - 1 or not is_adjective_like(head) or not state.nominal(noun):
        return None
    between = state.tokens[head.i + 1 : noun.i]
    if not is_adjective_like(between[-1]):
        return None
    if all(is_adjective_like(token) or token.lower_ in _ADJECTIVE_LIST_GLUE for token in between):
        return head
    return None


def _describes(token) -> bool:
    return is_adjective_like(token) or token.tag_ == "VBN"


def is_adjective_like(token) -> bool:
    """An adjective or a colour (colours are often tagged as nouns), not a quantifier ("many")."""
    return (
        token.tag_ in ADJECTIVE_TAGS or token.lower_ in COLOUR_WORDS
    ) and token.lower_ not in QUANTIFYING_ADJECTIVES


def head_lemma(state: ParseState, token) -> str:
    """The lemma of a word as a node's head. Kept on the word for its tag: naming one node asks for its head's
    lemma several times (110,000 calls per 4,000 COCO captions), and a repaired tag asks anew."""
    if token.node_lemma_tag != token.tag_:
        tag = token.tag_
        token.node_lemma = state.lemma(token.text, tag) if tag in NOUN_TAGS else state.noun_lemma(token.text)
        token.node_lemma_tag = tag
    return token.node_lemma


def _is_quantifier_of_phrase(state: ParseState, token) -> bool:
    """ "some of the people", "all of these people": a quantifier pronoun in an argument slot with an "of" noun."""
    return (
        token.lower_ in QUANTIFIER_PRONOUNS
        and token.tag_ in ("DT", "PDT", "JJ", "JJS", "RB")
        and token.dep_ in _ARGUMENT_DEPS
        and any(
            child.dep_ == "prep"
            and child.lower_ == "of"
            and any(g.dep_ == "pobj" and g.tag_ in NOUN_TAGS for g in state.kids(child))
            for child in state.kids(token)
        )
    )


def _look_through_quantifier_pronouns(state: ParseState) -> None:
    """ "some of the people are in costumes" -> (people, in, costumes): the quantifier stands in the subject or object
    slot, and FACTUAL writes the "of" noun there (QUANTIFIER_PRONOUNS), so the pronoun is a partitive looked through."""
    for token in state.tokens:
        if _is_quantifier_of_phrase(state, token):
            state.nominal_overrides.add(token.i)
            state.partitives.add(token.i)


def _find_nominal_overrides(state: ParseState) -> set:
    """Region descriptions are often fragments ("awning on the building") whose first noun the
    tagger takes for a verb; such a subjectless, objectless verb root is a noun."""
    overrides, phrase_start = set(), True  # phrase_start: only DT/JJ/CD seen since the sentence began
    modified_start = True  # ... or singular noun compounds too ("a tall metal railing")
    tokens = state.tokens
    for token in tokens:
        if token.lower_ in PRONOUN_NODES and _is_pronoun_slot(state, token) and not _refers_back(state, token):
            if not _is_named_by_predicate_noun(state, token):
                overrides.add(token.i)
        if token.dep_ in _ARGUMENT_DEPS and token.tag_ in ADJECTIVE_TAGS and token.lower_ not in _NOT_NOUNS:
            overrides.add(token.i)  # "a flock of geese": a tagger slip in an argument slot
        if token.lower_ in ING_NOUNS and token.dep_ in _ARGUMENT_DEPS | {"pcomp"}:
            overrides.add(token.i)  # "hanging from building"
        if token.i > 0 and tokens[token.i - 1].tag_ == ".":
            phrase_start = modified_start = True  # (token.is_sent_start would rescan the whole doc per call)
        if (phrase_start or modified_start) and token.tag_ in VERB_TAGS and token.dep_ == "ROOT":
            if phrase_start:
                is_noun_like = token.tag_ in ("VB", "VBP", "VBZ") or token.lower_ in ING_NOUNS
            else:
                is_noun_like = _is_noun_after_compound(token)
            is_noun_like = is_noun_like or _is_noun_tagged_past_participle(state, token)
            if is_noun_like and not any(child.dep_ in _CLAUSE_DEPS for child in state.kids(token)):
                overrides.add(token.i)
        elif (
            (phrase_start or modified_start)
            and token.dep_ == "ROOT"
            and _is_adjective_tagged_placed_noun(state, token)
        ):
            overrides.add(token.i)
        phrase_start = phrase_start and token.tag_ in _PHRASE_START_TAGS
        modified_start = modified_start and (token.tag_ in _PHRASE_START_TAGS or _is_singular_compound(token))
    return overrides


def _is_adjective_tagged_placed_noun(state: ParseState, token) -> bool:
    """ "urinal on the wall", "windscreen on the train", "dark colored jeep on beach": a fragment's first noun the
    tagger reads as an adjective, with the place phrase hung on it, is the noun the phrase places (FACTUAL train,
    such an adjective-tagged root with a place phrase and no subject or clause of its own: 32 captions, the rules
    related nothing in 31; gold places the noun in 28; re-parsing all of train with this check: 14 graphs change,
    11 more exact, 12 gold triples gained, none lost, 2 wrong added, `with` where gold writes `have`). Only a word
    the dictionary knows as a noun and no adjective: "remote" and "human" are both, and so is "large", which the
    tagger also reads so before a place ("a large in ground swimming pool near tents")."""
    word = token.lower_
    if token.tag_ not in ADJECTIVE_TAGS or word in COLOUR_WORDS or word in _NOT_NOUNS:
        return False
    if not state.is_noun_only(word):
        return False  # "a large in ground swimming pool near tents": "large" is also a mined node word
    kids = state.kids(token)
    if any(child.dep_ in _CLAUSE_DEPS for child in kids):
        return False
    return any(child.dep_ == "prep" and any(obj.dep_ == "pobj" for obj in state.kids(child)) for child in kids)


def repair_hyphenated_modifier(state: ParseState) -> None:
    """ "a white pick-up truck", "tower supporting high-voltage lines", "a horse-drawn carriage": a hyphenated
    modifier right before its noun is one word, and FACTUAL writes it whole as the noun's attribute, (truck,
    pick-up), (lines, high-voltage). spaCy splits it at the hyphen and hangs the halves as a verb and particle, an
    adjective and a compound, or an adverbial noun, so the rules wrote half of it ((truck, pick)) or made a node of
    a half ("horse"). FACTUAL train: of the 90 captions with "x-y noun" (t-shirt aside), gold writes the whole
    word as an attribute in 47; most of the rest are "-haired", "-shaped", "-colored" or covering words, which other
    rules read and this one leaves alone. Both halves become one adjective on the noun. Re-parsing all of train:
    17 graphs become exact, 8 more come closer to gold, 1 stops being exact ("empty ski-lift chair", no attribute
    in gold)."""
    if "-" not in state.text:
        return
    tokens = state.tokens
    for hyphen in tokens[1:-2]:
        if hyphen.text != "-":
            continue
        first, second, noun = tokens[hyphen.i - 1], tokens[hyphen.i + 1], tokens[hyphen.i + 2]
        if _is_hyphenated_modifier(state, first, second, noun):
            state.relabel(second, tag="JJ")
            state.reattach(second, noun, dep="amod")
            state.relabel(first, tag="JJ")
            state.reattach(first, second, dep="amod")
            state.reattach(hyphen, second, dep="punct")
            state.graph.fused.add(first.i)  # part of the word, no attribute of its own
    for hyphen in tokens[1:-1]:
        if hyphen.text == "-" and _is_hyphenated_noun_read_as_three(state, hyphen):
            _repair_hyphenated_noun_read_as_three(state, hyphen)


def _is_hyphenated_noun_read_as_three(state: ParseState, hyphen) -> bool:
    """ "power outlet beneath counter-top", "a snow boarder in mid-air": at the end of a phrase spaCy may tag the
    hyphen of a hyphenated noun a noun (NN, not HYPH) and hang both halves and the hyphen side by side on one head
    with one label, three objects of "beneath", so the halves became two nodes ((outlet, under, counter) and a
    "top"). FACTUAL writes the word whole (counter-top, mid-air): a hyphenated word is in gold in 118 of the 159
    train captions with one."""
    first, second = state.tokens[hyphen.i - 1], state.tokens[hyphen.i + 1]
    if hyphen.tag_ not in NOUN_TAGS or not (first.is_alpha and second.is_alpha):
        return False
    if first.tag_ not in NOUN_TAGS or first.head.i == first.i:
        return False
    return first.head is hyphen.head is second.head and first.dep_ == hyphen.dep_ == second.dep_


def _repair_hyphenated_noun_read_as_three(state: ParseState, hyphen) -> None:
    """The second half takes the label; the first half is its compound, the hyphen its punctuation."""
    first, second = state.tokens[hyphen.i - 1], state.tokens[hyphen.i + 1]
    if second.tag_ not in NOUN_TAGS:
        state.relabel(second, tag="NN")
    state.relabel(hyphen, tag="HYPH")
    state.reattach(first, second, dep="compound")
    state.reattach(hyphen, second, dep="punct")


# Second halves that other rules read: a part ("dark-haired"), a covering ("cloud-covered"), a shape, a colour.
# A likeness ("desert-like scene") keeps its noun as a node; a number ("twenty-one people") is a count.
_HYPHEN_SECOND_HALVES_READ_ELSEWHERE = frozenset(
    SHAPING_PARTICIPLES | {"covered", "filled", "capped", "topped", "lined", "off", "like"}
)


def _is_hyphenated_modifier(state: ParseState, first, second, noun) -> bool:
    if not (first.is_alpha and second.is_alpha) or noun.tag_ not in NOUN_TAGS or noun.dep_ == "compound":
        return False
    noun_lemma = head_lemma(state, noun)
    if second.tag_ in ("CD", "NNS") or f"{noun_lemma} {second.lower_}" in OWNED_PART_PAIRS:
        return False  # "twenty-one people": a count; "hatch-lings mouths": an owner; "flat-screen tv": tv screen
    halves = (first.i, second.i, noun.i)
    if first.head.i not in halves or second.head.i not in halves or noun.i not in (first.head.i, second.head.i):
        return False
    if any(kid.i not in halves and kid.text != "-" for half in (first, second) for kid in state.kids(half)):
        return False
    if noun.lower_.endswith("ing") and noun.lower_ not in ING_NODE_WORDS:
        return False  # "an eighteen-wheeler turning left": the "noun" is the verb
    word = second.lower_
    if word in _PART_NAMING_ADJECTIVES or word in COLOURED_WORDS or word in _HYPHEN_SECOND_HALVES_READ_ELSEWHERE:
        return False
    if first.lower_ in _PART_NAMING_ADJECTIVES or word in GARMENTS:
        return False  # "a fenced-in area" -> (fence, around, area); "a t-shirt" is the garment itself
    pair = f"{word} {noun_lemma}"
    if pair in COMPOUND_PAIR_PREDICATES or pair in COMPOUND_NAMES:
        return False  # "a barbed-wire fence" -> (fence, make of, wire)
    return f"{first.lower_} {word}" not in PHRASE_ATTRIBUTES and f"{first.lower_}-{word}" not in NODE_WORDS


def repair_noun_read_as_adjective_object(state: ParseState) -> None:
    """ "pink umbrella above a girl", "open umbrella in field": the parser makes a fragment's first adjective the
    root, the noun it describes its object and the place phrase the adjective's, so nothing is placed. The noun heads
    the fragment: the adjective is its modifier and the phrases hung on the adjective are the noun's. FACTUAL train:
    an adjective root with a noun object, 18 captions; the rules related nothing in the 6 with a phrase after the
    noun, whose gold relates the noun. Re-parsing train: 4 graphs change, 3 more exact, 3 gold triples gained, none
    lost, 1 wrong added; 1 of the 25,010 COCO Karpathy test captions changes."""
    root = next((token for token in state.tokens if token.dep_ == "ROOT"), None)
    if root is None or root.tag_ not in ADJECTIVE_TAGS:
        return
    if root.i > 1 or (root.i == 1 and state.tokens[0].tag_ != "DT"):
        return  # the fragment starts with the adjective ("an open umbrella in the field")
    kids = state.kids(root)
    if any(kid.dep_ in _CLAUSE_DEPS and kid.dep_ != "dobj" for kid in kids):
        return
    nouns = [kid for kid in kids if kid.dep_ == "dobj" and state.nominal(kid) and kid.left_edge.i == root.i + 1]
    if len(nouns) != 1 or not any(kid.dep_ == "prep" and kid.i > nouns[0].i for kid in kids):
        return
    noun = nouns[0]
    state.reattach(noun, noun, "ROOT")
    for kid in list(kids):
        if kid is not noun:
            state.reattach(kid, noun, kid.dep_)
    state.reattach(root, noun, "amod")


def _is_noun_tagged_past_participle(state: ParseState, token) -> bool:
    """ "white oven with door open", "salad inside of brown bowl": a fragment's first noun the tagger reads as a past
    form (VBN, VBD) that no English verb has is the noun (a dictionary noun and no adjective). FACTUAL train,
    such roots: "oven" 4 times, "salad" once, each with its gold place or with-relation and nothing from the rules;
    re-parsing train: 5 graphs change, 3 more exact, 4 gold triples gained, none lost, 1 wrong added ("countertop"
    where gold keeps the plural); random_dev gains "oven under the stove", 3 COCO graphs gain their oven node."""
    return (
        token.tag_ in ("VBN", "VBD") and not state.is_verb(token.text, token.tag_) and state.is_noun_only(token.lower_)
    )


def _is_singular_compound(token) -> bool:
    """A singular noun compound or an adjective however tagged ("white" as NNP in "white railing")."""
    return (token.dep_ == "compound" and token.tag_ in ("NN", "NNP")) or token.dep_ == "amod"


def _is_noun_after_compound(token) -> bool:
    """ "a tall metal railing on the side of a boat", "white railing beside the tracks": after a noun compound or an
    adjective the tagger reads as a name ("white" as NNP) it still takes an -ing noun (ING_NOUNS) for the verb root.
    Re-parsing FACTUAL train: 8 graphs change, 7 gain the gold rail node and its relation ("black metal railing
    beside train"), one loses its subject ("a grey elephant painting with it 's trunk"). Every verb-tagged root
    after a compound would change 24 graphs, 11 more exact and 5 fewer ("cars park on side walk", "vehicle drives
    alongside biker")."""
    return token.lower_ in ING_NOUNS


def _is_pronoun_slot(state: ParseState, token) -> bool:
    """A subject he/she/they/someone (PRONOUN_NODES); "someone" also as the head of a fragment ("someone catching a
    frisbee") or an object ("a man watching someone"), never as a possessor ("someone 's plate": FACTUAL train has no
    person node in 6 of 8 such captions) nor the writer's "someone else will know". FACTUAL train.csv: 17 graphs
    change, 16 closer to gold ("someone holding an umbrella" -> (person, hold, umbrella)), 1 further."""
    word = token.lower_
    if word not in PRONOUN_NODES:
        return False
    if word == "someone":
        return token.dep_ in _PRONOUN_SUBJECT_DEPS | _SOMEONE_DEPS and not any(
            child.lower_ == "else" for child in state.kids(token)
        )
    return token.dep_ in _PRONOUN_SUBJECT_DEPS


_PRONOUN_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_SOMEONE_DEPS = {"ROOT", "dobj", "pobj"}


def _is_named_by_predicate_noun(state: ParseState, pronoun) -> bool:
    """ "they are three horses", "he is a customer at this shop": the copula's noun names the subject, and FACTUAL
    makes no people or man node of the pronoun (its training split: 1 of 1; random_dev 1 of 1)."""
    return any(child.dep_ == "attr" and child.tag_ in NOUN_TAGS for child in state.kids(pronoun.head))


def _refers_back(state: ParseState, pronoun) -> bool:
    """ "hay hanging out of zebra 's mouth as he eats it": a subject pronoun after nouns, none of them the
    person it would name, stands for one of them, and FACTUAL makes no node of it. Its training split has few
    long captions: a subject he, she or they after such nouns gives no gold man, woman or people node in 4 of
    5 captions ("baseball player seconds after he hit the ball"); after the person's own noun ("a woman using
    scissors as she speaks") the pronoun is that node in 2 of 2, and keeps its name."""
    name = PRONOUN_NODES[pronoun.lower_]
    nouns = [token for token in state.tokens[: pronoun.i] if token.tag_ in NOUN_TAGS]
    return bool(nouns) and all(state.lemma(noun.text, noun.tag_) != name for noun in nouns)


# ------------------------------------------------------------------------- partitives
def resolve(state: ParseState, token):
    """Follow partitives: "a bunch of birds" is about the birds."""
    seen = 0
    while token.i in state.partitives and seen < 8:
        target = of_object(state, token)
        if target is None:
            break
        if token.i not in state.graph.lines:
            state.graph.hidden.add(token.i)
        token, seen = target, seen + 1
    return token


def _has_of_phrase(state: ParseState, token) -> bool:
    return any(child.dep_ == "prep" and child.lower_ == "of" for child in state.kids(token))


def has_pronoun_of(state: ParseState, token) -> bool:
    return any(
        child.dep_ == "prep" and child.lower_ == "of" and any(g.tag_ == "PRP" for g in state.kids(child))
        for child in state.kids(token)
    )


def of_object(state: ParseState, token):
    """The noun of "N of X" (the `of` is then consumed), or None."""
    for child in state.kids(token):
        if child.dep_ == "prep" and child.lower_ == "of":
            for grandchild in state.kids(child):
                if grandchild.dep_ == "pobj" and state.nominal(grandchild):
                    state.graph.consumed_preps.add(child.i)
                    return grandchild
    return None


# ----------------------------------------------------------------------- node tokens
def is_node(state: ParseState, token) -> bool:
    # `state.nominal(token)` written out, its tag test first: most words are no noun, and the rules ask this of
    # every word several times per caption (117,000 calls on 4,000 COCO captions).
    i = token.i
    if (token.tag_ not in NOUN_TAGS and i not in state.nominal_overrides) or i in state.verbal_overrides:
        return False
    if i in state.graph.hidden:
        return False
    # Kind-naming compounds join the head ("tennis player"); material/colour ones become
    # attributes (scene_graph_attributes.modifier_attributes). Either way no node of its own, unless
    # the compound owns the head ("tree branches", scene_graph_relations.relate_compound_owner).
    if token.dep_ == "amod" and _is_noun_tagged_modifier(state, token):
        return token.i in state.graph.owners
    return not (token.dep_ == "compound" and state.nominal(token.head)) or token.i in state.graph.owners


def _is_noun_tagged_modifier(state: ParseState, token) -> bool:
    """ "thick white cloud in the sky", "rocky hills", "a pine tree", "a green candle on a plastic fork": the tagger
    reads an adjective or a material as a noun (NN, NNP) while the parser hangs it on the noun after it as an
    adjective (amod), so the rules made the word the head's attribute and a node of its own as well. A modifier
    names no thing (gold had the word as a node in none of the 60 wrong train graphs that had it as an extra node:
    pine, thick, plastic, round, golden). Re-parsing all of FACTUAL train: 27 graphs become exact, 22 more come
    closer to gold, 1 moves further ("blond haired male sitting"), none stops being exact."""
    head = token.head
    if token.i > head.i or token.tag_ not in ("NN", "NNP") or not state.nominal(head):
        return False  # a plural ("horns on a sheeps head") is an owner that lost its apostrophe
    if any(child.dep_ in _OWN_PHRASE_DEPS for child in state.kids(token)):
        return False  # "sitting in a recliner playing games", "a traffic light two signs": a phrase of its own
    if any(word.tag_ in _PUNCTUATION_TAGS for word in state.tokens[token.i + 1 : head.i]):
        return False  # "an omelet, tomato slices": a list the parser folded into one phrase
    if token.i + 1 != head.i and state.is_noun_only(token.lower_):
        return False  # "a recliner playing video games": a noun away from the head heads its own phrase
    return token.lower_ not in _PART_NAMING_ADJECTIVES and not _is_thing_word(state, token)


_PUNCTUATION_TAGS = {",", ":", ".", "HYPH", "-LRB-", "-RRB-", "``", "''"}
# Dependents that make a word the head of a noun phrase of its own, however the parser hangs that phrase.
_OWN_PHRASE_DEPS = {"det", "compound", "conj", "cc", "poss", "nummod", "prep"}


def _is_thing_word(state: ParseState, token) -> bool:
    """A word that can only be a noun and heads FACTUAL node names (NODE_WORDS): "sink cabinets", "surfboard tip",
    "airplane hangar" still name a thing however the parser hangs it."""
    word = token.lower_
    return state.noun_lemma(word) in NODE_WORDS and state.is_noun_only(word)


# ----------------------------------------------------------------------- names, spans
def node_name(state: ParseState, token) -> str:
    """Lemmatised head plus its kind-naming compounds and positional modifiers, written as in
    the caption ("t-shirt", "tennis player", "front leg")."""
    if token.i in state.graph.name_overrides:
        return state.graph.name_overrides[token.i]
    if token.i in state.quoted_text:
        return QUOTED_TEXT_NAME
    if token.lower_ in PRONOUN_NODES and token.i in state.nominal_overrides:
        return PRONOUN_NODES[token.lower_]
    first = name_start(state, token)
    if first == token.i - 1 and is_attribute_in_name(state, state.tokens[first]):
        first = token.i
    prefixes = state.graph.name_prefixes.get(token.i)
    head = head_lemma(state, token)
    if first == token.i and not prefixes:
        name = head  # most names are the head alone: no text between the first word and the head to tidy
    else:
        prefix = " ".join(prefixes) if prefixes else ""
        modifiers = state.text[state.tokens[first].idx : token.idx].lower()
        name = " ".join(filter(None, (prefix, " ".join(modifiers.split()), head)))
    return name.replace(" - ", "-").replace("- ", "-") if "-" in name else name


def factual_name(state: ParseState, token) -> str:
    """The node name as FACTUAL writes it: respelled (NODE_NAMES), and a multi-word name it never
    keeps whole shortened to its head ("gatorade cups" -> cup). Both tables are mined from its
    training split: there a two-word name that is no gold node anywhere else is kept whole in only
    about a quarter of its captions (benchmarks/mine_factual_conventions.py)."""
    name = node_name(state, token)
    if name not in NODE_NAMES:  # "tshirt" -> t-shirt, not shirt
        name = respelled_head(state, token, name)
    if is_compound_named_head(state, token, name):
        name = name.rsplit(" ", 1)[0]  # "lemon slices" -> lemon
    if (respelling := respelled_name(state, name) or ATTRIBUTE_NAMES.get(name)) is not None:
        name = respelling
    else:
        name = known_compound(name)
    if name in PERSON_WORDS:
        name = "person"
    return _in_caption_number(state, token, name)


def respelled_head(state: ParseState, token, name: str) -> str:
    """ "a giraffee standing under a tree" -> giraffe: a head that is no English word, one typing slip away from
    exactly one head word of FACTUAL's node names (NODE_WORDS, mined), is written as that word, in the caption's
    number. FACTUAL train: where the rule acts, gold writes the corrected word in 82 captions and keeps the slip in 16
    ("mirrow")."""
    lemma = head_lemma(state, token)
    if (
        not NODE_WORDS
        or len(lemma) < _MIN_SLIP_LETTERS
        or lemma in NODE_WORDS
        or token.i in state.graph.name_overrides
    ):
        return name
    if token.lower_ in NODE_WORDS or not name.endswith(lemma) or not lemma.isalpha() or state.is_word(lemma):
        return name
    if state.is_word(state.lemma(token.lower_, "NNS")):
        return name  # "ski boots" tagged as a proper noun: boot
    word = node_word_one_slip_away(lemma)
    if word is None:
        return name
    ending = token.lower_[len(lemma) :] if token.lower_.startswith(lemma) else ""  # "girafees" -> giraffes
    return name[: len(name) - len(lemma)] + word + ending


# FACTUAL's respellings ("cieling" -> ceiling) are of words of five letters or more
_MIN_SLIP_LETTERS = 5
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=4096)
def node_word_one_slip_away(word: str) -> str | None:
    """The one NODE_WORDS word of five letters or more that `word` becomes by one letter added, dropped or changed, or
    two neighbours swapped; None for none or several ("steet": street, sheet, steel)."""
    found = [edit for edit in one_slip_edits(word) if len(edit) >= _MIN_SLIP_LETTERS and edit in NODE_WORDS]
    return found[0] if len(found) == 1 else None


def one_slip_edits(word: str) -> set:
    """Every word `word` becomes by one letter added, dropped or changed, or two neighbours swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + letter + right[1:] for left, right in splits if right for letter in _LETTERS}
    edits |= {left + letter + right for left, right in splits for letter in _LETTERS}
    edits.discard(word)
    return edits


def misspelt_colour(state: ParseState, token) -> str | None:
    """ "meroon color car", "a purpl shirt", "a bluw shirt" -> maroon, purple, blue: a modifier that is no English
    word and one typing slip away from exactly one colour (COLOUR_WORDS) is that colour; the parser reads it as a
    noun compound, which would otherwise join the name and then be shortened away. Re-parsing FACTUAL train and the
    dev splits, 8 graphs gain a colour, gold's in 7 ("puple outdfit", "blakc pole", "meroon color car"); the other
    is gold's "gray" for "grery"."""
    word = token.lower_
    if len(word) < _MIN_COLOUR_SLIP_LETTERS:
        return None
    colour = colour_one_slip_away(word)  # cached per word, and None for nearly every word: tested first
    if colour is None or word in COLOUR_WORDS or not word.isalpha() or state.is_word(word):
        return None
    return colour


_MIN_COLOUR_SLIP_LETTERS = 4  # "tam" is no misspelt "tan"


@lru_cache(maxsize=1024)
def colour_one_slip_away(word: str) -> str | None:
    found = [edit for edit in one_slip_edits(word) if edit in COLOUR_WORDS]
    return found[0] if len(found) == 1 else None


def is_compound_named_head(state: ParseState, token, name: str) -> bool:
    """ "lemon slices", "snow patch": a head FACTUAL leaves out after a noun compound (COMPOUND_NAMED_HEADS), unless
    the name is one it keeps or respells ("pizza slice" -> pizza). On all of FACTUAL's train.csv 18 graphs change, 16
    closer to gold, 1 further ("rede patch"); object F1 96.17 -> 96.19, relation F1 81.68 -> 81.70."""
    return (
        token.i > 0
        and state.tokens[token.i - 1].dep_ == "compound"
        and (head_lemma(state, token) in COMPOUND_NAMED_HEADS or is_likeness_of_being(state, token))
        and " " in name
        and name not in NODE_NAMES
        and name not in COMPOUND_NAMES
        and token.i not in state.graph.name_overrides
    )


def is_likeness_of_being(state: ParseState, token) -> bool:
    """ "an elephant statue", "horse figurines": a likeness (LIKENESS_HEADS) whose compound right before it names a
    person or animal (DEPICTED_BEINGS, WEARERS); FACTUAL names the node by the compound."""
    if head_lemma(state, token) not in LIKENESS_HEADS:
        return False
    compound = state.noun_lemma(state.tokens[token.i - 1].lower_)
    return compound in DEPICTED_BEINGS or compound in WEARERS


def _in_caption_number(state: ParseState, token, name: str) -> str:
    """FACTUAL writes a plural head as the caption does ("two giraffes" -> giraffes): in its training
    split gold keeps the caption's plural for 11,955 node names and singularises 154."""
    lemma = head_lemma(state, token)
    if not KEEP_CAPTION_NUMBER or lemma == token.lower_ or token.i in state.graph.name_overrides:
        return name
    if token.lower_ in UNMARKED_POSSESSIVE_FORMS:
        return name  # "on mans head": man
    stem = name[: len(name) - len(lemma)]
    if lemma in INVARIANT_PLURALS:
        return name  # "sheeps" -> sheep: long_dev object F1 89.28 -> 89.32
    if name == "person" and lemma != "person":
        # "two guys": FACTUAL train writes people for "guys" in all 37 captions. With PERSON_WORDS: object F1
        # long_dev 89.19 -> 89.28, length_dev 95.78 -> 95.97, train sample 94.73 -> 94.81; relation F1 long_dev
        # 53.93 -> 54.00, length_dev 81.20 -> 81.57, train sample 70.62 -> 70.77
        return "people"
    if not name.endswith(lemma) or stem[-1:] not in ("", " ", "-"):
        return name  # a name the tables rewrote ("guy" -> person, "cell phone" -> cellphone)
    return stem + token.lower_


def known_compound(name: str) -> str:
    """The longest tail of a multi-word name that FACTUAL keeps as a node name ("tennis court wall" ->
    "court wall" -> "wall"); every name while no vocabulary has been mined (an empty table), and a new pair with a
    generic head ("storage area")."""
    if " " not in name or not COMPOUND_NAMES or name in COMPOUND_NAMES or name in ATTRIBUTE_NAMES:
        return name
    if _names_generic_head(name) or _names_a_level(name):
        return name
    words = name.split(" ")[1:]
    while len(words) > 1 and " ".join(words) not in COMPOUND_NAMES and " ".join(words) not in ATTRIBUTE_NAMES:
        words = words[1:]
    tail = " ".join(words)
    return NODE_NAMES.get(tail) or ATTRIBUTE_NAMES.get(tail) or tail


def _names_a_level(name: str) -> bool:
    """ "upper deck", "lower level": see `_LEVEL_MODIFIERS`."""
    words = name.split(" ")
    return len(words) == 2 and words[0] in _LEVEL_MODIFIERS and words[1] in _LEVEL_NOUNS


def _names_generic_head(name: str) -> bool:
    """ "storage area", "trash receptacle": a head that names no kind of thing by itself (GENERIC_NAME_HEADS) keeps
    the word before it, as FACTUAL train does for new pairs with such heads (26 distinct pairs kept whole, 4
    shortened)."""
    words = name.split(" ")
    return len(words) == 2 and words[1] in GENERIC_NAME_HEADS and words[0].isalpha()


def is_material_modifier(state: ParseState, child) -> bool:
    """A noun compound that says what its head is made of or coloured ("metal poles", "a cloth placemat"), not
    what kind of thing it is; a sheet material only outside the names FACTUAL keeps whole ("tin foil")."""
    word = child.lower_
    if word in MATERIAL_AND_COLOUR_NOUNS:
        return True
    if word not in SHEET_MATERIAL_NOUNS or child.head.dep_ == "compound" or not COMPOUND_NAMES:
        # "printed cloth table cloth": on another compound, not on the thing named. Off while the conventions are
        # mined (empty tables): the miner must see "tin foil" and "mesh fence" as names to keep them whole.
        return False
    if child.i > 0 and state.tokens[child.i - 1].text == "-":
        return False  # "a wide-mesh birdcage top": part of a hyphenated modifier
    return f"{word} {state.noun_lemma(child.head.lower_)}" not in COMPOUND_NAMES


def name_start(state: ParseState, token) -> int:
    """Index of the first word of the name: contiguous compounds (recursively) and positional
    modifiers; colours, materials and adjectives on those compounds stay out."""
    first = token.i
    for child in reversed(state.lefts(token)):
        if child.text == "-" and child.i == first - 1:
            continue  # "t-shirt"
        gap = first - 1 - child.i
        if gap > 1 or (gap == 1 and state.tokens[first - 1].text != "-"):
            break
        is_name_part = (
            child.dep_ == "compound"
            and state.nominal(child)
            and not is_material_modifier(state, child)
            and misspelt_colour(state, child) is None
        )
        if named_by_attribute(state, child):
            first = _known_name_start(state, child, token)
        elif is_name_part:
            first = name_start(state, child)
        elif is_name_modifier(child):
            first = child.i
        else:
            break
    return first


def _known_name_start(state: ParseState, modifier, head) -> int:
    """ "the traffic light pole": the first word of a name that an attribute-like modifier ("light pole",
    ATTRIBUTE_NAMES) starts, taking in the modifier's own compounds where the longer name is one FACTUAL keeps whole
    (COMPOUND_NAMES, mined: "traffic light pole", gold in 2 of the 2 train captions with it)."""
    first = name_start(state, modifier)
    if first == modifier.i:
        return first
    words = state.text[state.tokens[first].idx : modifier.idx].lower().split()
    name = " ".join([*words, modifier.lower_, head_lemma(state, head)])
    return first if name in COMPOUND_NAMES else modifier.i


def named_by_attribute(state: ParseState, modifier) -> bool:
    """ "hot dogs", "a polar bear", "a cardboard box": a word the rules would make an attribute that
    FACTUAL writes as part of the name (ATTRIBUTE_NAMES, mined from its training split)."""
    head = modifier.head
    return head.i == modifier.i + 1 and f"{modifier.lower_} {head_lemma(state, head)}" in ATTRIBUTE_NAMES


def is_attribute_in_name(state: ParseState, modifier) -> bool:
    """ "plaid shirt", "baby giraffe": a compound FACTUAL writes as an attribute of the head (NAME_MODIFIERS, mined
    from its training split per first word), unless the pair is one FACTUAL keeps whole (COMPOUND_NAMES, mined per
    pair: "wine bottle", "toy bear"). FACTUAL train: the 23 kept pairs whose first word is in NAME_MODIFIERS ("wine
    bottle" 7 of 7, "toy train" 2 of 3, "baby bear" 2 of 2) are kept whole in 31 of their 37 captions, an attribute
    of the head in 5."""
    return (
        modifier.dep_ == "compound"
        and modifier.i + 1 == modifier.head.i
        and modifier.lower_ in NAME_MODIFIERS
        and f"{modifier.lower_} {head_lemma(state, modifier.head)}" not in COMPOUND_NAMES
    )


def is_name_modifier(modifier) -> bool:
    """Modifiers that stay in the node name: "left shoe", "front legs", "living room", "upper deck"."""
    return (
        modifier.dep_ in ("amod", "compound")
        and modifier.i + 1 == modifier.head.i
        and (
            modifier.lower_ in POSITIONAL_MODIFIERS
            or (modifier.lower_ in PURPOSE_GERUNDS and modifier.head.lower_ not in _GERUND_STATE_HEADS)
            or (modifier.lower_ in _LEVEL_MODIFIERS and modifier.head.lower_ in _LEVEL_NOUNS)
        )
    )


# "stairs leading to the upper level", "a building with an upper deck": "upper"/"lower" before a level of a building
# or vehicle names which level, as "left" names a shoe. FACTUAL train keeps it in the node name in 5 of the 6 such
# captions with a node (upper floor 2, upper deck, upper level, upper portion; "upper floors" has it as attribute).
_LEVEL_MODIFIERS = {"upper", "lower"}
_LEVEL_NOUNS = {"deck", "level", "floor", "portion"}


# "a walking man", "a surfing dog": before someone who can do it, a purpose gerund is what they are doing, a
# state, not the kind of thing named (a "walking path"). FACTUAL train: such a gerund before a wearer head
# (WEARERS: people and a few animals) is the head's attribute in 5 of 5 captions ("walking man" 2, "surfing dog"
# 2, "sitting man" 1), never part of the name.
_GERUND_STATE_HEADS = frozenset(WEARERS) | {f"{word}s" for word in WEARERS} | {"men", "women", "children"}


def node_span(state: ParseState, token) -> tuple[int, int]:
    """Char span of the noun phrase: determiner + adjacent left modifiers + head. A possessor
    ("the man 's", the owning compound "tree" of "tree branches") is left out so that two related
    phrases never overlap."""
    start = token.i
    for child in reversed(state.lefts(token)):
        if (
            child.dep_ in _NON_PHRASE_DEPS
            or child.right_edge.i != start - 1
            or child.i in state.graph.owners
            or child.i in state.quoted_text
        ):
            break
        start = child.left_edge.i
    while start < token.i and state.tokens[start].is_space:
        start += 1  # leading whitespace (or blanked markup) is no part of the phrase
    return state.tokens[start].idx, token.idx + len(token.text)
