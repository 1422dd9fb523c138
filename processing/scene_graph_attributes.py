"""Attribute rules: adjectives, numbers, materials, copulas and states.

FACTUAL conventions (Li et al., Findings of ACL 2023): an attribute is (object, "is", value);
quantities are digits ("five boats" -> 5); copula plus adjective is an attribute ("the cat is black").
"""

from __future__ import annotations

from .scene_graph_clauses import subjects_of
from .scene_graph_conventions import (
    COMPOUND_NAMES,
    DROPPED_PREDICATE_WORDS,
    ING_NODE_WORDS,
    NODE_NAMES,
    PARTITIVE_ATTRIBUTES,
    PHRASE_ATTRIBUTES,
    SHORTENED_NAME_HEADS,
)
from .scene_graph_lemmas import ADJECTIVE_TAGS, NOUN_TAGS, VERB_TAGS
from .scene_graph_lexicon import (
    ADJECTIVE_PASSING_PARTITIVES,
    ADVERBIAL_PREPOSITION_HEADS,
    ATTRIBUTE_POSITION_WORDS,
    BODY_PARTS,
    BRAND_ATTRIBUTE_HEADS,
    CLASSIFIER_NOUNS,
    COLOUR_PASSING_PARTS,
    COLOUR_WORDS,
    COLOURED_WORDS,
    DIRECTION_ADVERBS,
    FEMALE_PERSON_NOUNS,
    GEOMETRIC_SHAPES,
    HEIGHT_WORDS_LEFT_OUT,
    ING_NOUNS,
    INTENSIFIERS,
    LOCATIVE_PREPOSITIONS,
    MALE_PERSON_NOUNS,
    MATERIAL_ADJECTIVE_FORM,
    MATERIAL_AND_COLOUR_NOUNS,
    MULTIWORD_LOCATIVE_PHRASES,
    NUMBER_WORDS,
    PAIRED_BODY_PARTS,
    PART_NOUN_PREPOSITION,
    PARTITIVE_NOUNS,
    PORTION_ATTRIBUTE_HEADS,
    POSITION_STATE_WORDS,
    POSSESSION_VERBS,
    QUANTIFYING_ADJECTIVES,
    SHADE_WORDS,
    WALKING_VERBS,
)
from .scene_graph_nodes import (
    COVERING_ADJECTIVES,
    SHAPING_PARTICIPLES,
    adjective_list_head,
    factual_name,
    frame_material,
    head_lemma,
    is_adjective_like,
    is_attribute_in_name,
    is_compound_named_head,
    is_garment,
    is_likeness_of_being,
    is_material_modifier,
    is_name_modifier,
    is_node,
    known_compound,
    misspelt_colour,
    name_start,
    named_by_attribute,
    node_name,
    resolve,
    shaped_after,
)
from .scene_graph_state import ParseState


# Words before "colored" that FACTUAL keeps with it (its training split: "light colored shirt",
# "dark colored jacket", "multi colored kite" -> "multi-colored", "different colored apples" -> "multi-colored"
# in 4 of 4 such captions); a value replaces the caption's text.
COLOURED_SHADES = {
    "dark": "",
    "darker": "",
    "light": "",
    "lighter": "",
    "bright": "",
    "multi": "multi-colored",
    "different": "multi-colored",
}

# A progressive verb with only these dependents relates to nothing: it is a state ("is smiling").
_STATE_VERB_DEPS = {"nsubj", "aux", "auxpass", "advmod", "punct", "neg", "prt", "cc", "mark"}
_DEPICTION_VERBS = {"see", "picture", "show", "photograph", "depict", "display", "capture"}
# Degree adverbs qualify a colour without describing the thing ("almost black", "all white").
_DEGREE_WORDS = INTENSIFIERS | {"almost", "nearly", "all", "just", "mostly", "partly"}
# "partly cloudy", "barely visible": -ly adverbs that limit the adjective's truth, which FACTUAL keeps with a
# plain adjective (see _adverb_stays_in_value)
_FIXED_LY_ADVERBS = {"partly", "barely"}
# Adjectives naming a part the noun has ("walled": with walls), whose colour is the part's: _is_coloured_part
_PART_PARTICIPLES = {"walled", "backed", "hooded"}
# Dependents by which a participle relates to something rather than describing a state
_RELATING_DEPS = {"prep", "dobj", "agent", "xcomp", "ccomp", "advcl", "dative", "oprd"}
# Predicates whose bare plural object each counted subject has one of ("two men holding rackets": 2 rackets)
_ONE_EACH_PREDICATES = {"wear", "hold", "ride", "use", "walk", "carry", "with"}
# "a pole with signs attached": the participle says what the noun is joined to, not a state it is in
# (FACTUAL train: no attribute in the 9 captions with "with <noun> attached/connected")
_JOINING_PARTICIPLES = {"attached", "connected"}
# Particles that close a state phrase after a participle ("pulled back", "turned on")
_STATE_PARTICLES = POSITION_STATE_WORDS | {"on", "off"}
_PASSIVE_STATE_DEPS = {"nsubjpass", "auxpass", "neg", "punct", "cc", "conj", "mark", "prt"}
# Adverbs of a verb that FACTUAL writes as its subject's attribute ("a man standing outside" -> (man, outside))
SUBJECT_ADVERBS = {"outside", "alone"}


def add_attribute(state: ParseState, nodes, tokens, text: str | None = None) -> None:
    """(node, value) for every node token; the value is the tokens' caption text unless given."""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    value = text if text is not None else state.text[start:end].lower()
    if not (value.isalpha() or any(ch.isalnum() for ch in value)):  # (most values are one plain word)
        return
    for node in nodes:
        if is_node(state, node):
            state.graph.attributes.append((node, value, (start, end)))


def shortened_name_attribute(state: ParseState, node) -> None:
    """ "a computer monitor" -> (monitor, computer): a two-word name shortened to its head (not in COMPOUND_NAMES)
    whose first word FACTUAL writes as the head's attribute, for the heads in SHORTENED_NAME_HEADS. Mined from its
    training split only where the rules shorten the name, by head, with the stricter non-node thresholds (8, 0.8):
    monitor, attribute in 21 such captions and not in 2. (Per first word, "baseball", "tennis" and "computer"
    were right for some heads and wrong for others; with the ordinary thresholds 19 heads gave 90 right and 30
    wrong attributes on train.)"""
    if node.i == 0:
        return
    first = state.tokens[node.i - 1]
    # Only a noun compound ("passenger jet"): adjectives and positional words ("left shoe") are not what was mined.
    # Checked before the name is built: node_name was 4.5% of the rules' time here, almost all for nodes without
    # a compound (py-spy over the 4,000 COCO captions of benchmarks/parser_speed_against.py).
    if first.dep_ != "compound" or first.tag_ not in NOUN_TAGS:
        return
    if first.i in state.graph.owners:
        return  # "a laptop screen": the owner is a node of its own (relate_compound_owner)
    name = node_name(state, node)
    words = name.split(" ")
    if len(words) != 2 or not (
        words[1] in SHORTENED_NAME_HEADS or words[1] in BRAND_ATTRIBUTE_HEADS or is_kind_of_garment(state, node, first)
    ):
        return
    if NODE_NAMES.get(name, words[1]) != words[1]:
        return  # respelled otherwise than to its head
    if known_compound(name) == name:  # kept whole (COMPOUND_NAMES, ATTRIBUTE_NAMES)
        return
    if first.lower_ == words[0]:
        add_attribute(state, [node], [first])


def is_kind_of_garment(state: ParseState, node, first) -> bool:
    """ "a police uniform", "a winter coat", "tennis outfit" -> (uniform, police), (coat, winter), (outfit, tennis): a
    one-word noun compound before a garment (GARMENTS) says what kind of garment it is, which FACTUAL writes as the
    garment's attribute when it does not keep the name whole (COMPOUND_NAMES). FACTUAL train, such compounds the
    rules shortened to the garment: the attribute in 58 captions, the modifier dropped in about 30 (after
    respellings such as "wet suit" -> wetsuit and the sleeve rule), the name kept whole in 12. Not after a person
    word ("woman jacket", "boys shirt": the owner), a body part ("neck tie"), a garment part ("long sleeve shirt"),
    a classifier ("arabic type outfit"), "color" ("white color shirt"), another garment ("dress clothes": 0 of 3)
    or a modifier with modifiers of its own ("warm weather clothes"); not for garment words that often name other
    things ("stove top", "bottle cap", "rail ties", "fish tank", "beer glasses", "storage trunks"). Re-parsing all
    of train: 38 gold attributes gained, 20 wrong ones added (most where gold keeps "baseball uniform" or "tennis
    outfit" whole); 28 graphs become exact, 6 stop being exact."""
    if not is_garment(state, node) or node.lower_ in _NON_GARMENT_SENSES:
        return False
    singular = state.noun_lemma(node.lower_)
    if singular in _NON_GARMENT_SENSES or head_lemma(state, node) in _NON_GARMENT_SENSES:
        return False
    word = first.lower_
    if f"{word} {singular}" in COMPOUND_NAMES:
        return False  # "bow ties": a name FACTUAL keeps whole, in the plural
    if first.tag_ != "NN" or word in FEMALE_PERSON_NOUNS or word in MALE_PERSON_NOUNS or word in BODY_PARTS:
        return False
    if word in _NOT_GARMENT_KINDS or word in CLASSIFIER_NOUNS or is_garment(state, first):
        return False  # a garment before a garment names one thing: "dress clothes", "a shirt dress"
    if state.lefts(first) or (first.i > 0 and state.tokens[first.i - 1].text == "-"):
        return False  # "warm weather clothes", "a revolutionary-era costume"
    return state.is_word(word)


# garment words that also name other things ("stove top", "bottle cap", "fish tank", "beer glasses")
_NON_GARMENT_SENSES = {"top", "cap", "tie", "tank", "glasses", "trunk", "trunks"}
# compounds before a garment that are no kind of garment: its parts and its colour noun
_NOT_GARMENT_KINDS = {"sleeve", "collar", "color", "colour"}


def ing_modifier_attribute(state: ParseState, node) -> None:
    """ "the moving train", "a kneeling man" -> (train, moving), (man, kneeling): an -ing verb the tagger reads as
    a noun compound, in a name FACTUAL does not keep whole (COMPOUND_NAMES), is the head's attribute rather than
    nothing; after "no" the two words are one ("a no parking sign" -> (sign, no parking)). FACTUAL train, where the
    rule acts: the gold attribute in 27 of 42 captions ("yellowing leaves", "batting helmet", "no parking sign"),
    none in 15 ("matching suits", "farming equipment"). Not "playing": the caption's verb ("a woman in white
    playing tennis"; train: "playing" before a noun is (X, play, noun) in 483 of 491 captions)."""
    if node.i == 0:
        return
    first = state.tokens[node.i - 1]
    if first.dep_ != "compound" or first.head.i != node.i or first.tag_ != "NN" or not first.lower_.endswith("ing"):
        return
    if first.i > 0 and state.tokens[first.i - 1].text in (",", ";"):
        return  # "young, leafless trees, lining sidewalks": the verb of the noun before the comma
    if first.lower_ in ING_NOUNS or first.lower_ in ING_NODE_WORDS or first.lower_ == "playing":
        return
    if first.i in state.graph.fused:
        return
    if node.i >= 2 and state.tokens[node.i - 2].tag_ in NOUN_TAGS:
        return  # "a giraffe drinking water": a verb between two nouns (scene_graph_nodes repairs it)
    if not state.is_verb(first.text, "VBG"):
        return
    name = node_name(state, node)
    if " " not in name or known_compound(name) == name or not name.startswith(first.lower_ + " "):
        return
    if first.i > 0 and state.tokens[first.i - 1].lower_ == "no":
        add_attribute(state, [node], [state.tokens[first.i - 1], first])  # "a no parking sign" -> "no parking"
    else:
        add_attribute(state, [node], [first])


def portion_attribute(state: ParseState, node) -> None:
    """ "quartered lemon slices" -> (lemon, slice): a portion head the node's name leaves out
    (scene_graph_nodes.is_compound_named_head) is the compound's attribute (PORTION_ATTRIBUTE_HEADS)."""
    lemma = head_lemma(state, node)
    portion = lemma in PORTION_ATTRIBUTE_HEADS or is_likeness_of_being(state, node)  # "elephant statue"
    if portion and is_compound_named_head(state, node, node_name(state, node)):
        add_attribute(state, [node], [node], text=lemma)


def phrase_attribute(state: ParseState, node) -> None:
    """ "a chain link fence" -> (fence, chain link), "the rear view mirror" -> (mirror, rear view): a two-word
    modifier right before the noun, inside its phrase, that FACTUAL writes whole as one attribute
    (PHRASE_ATTRIBUTES, mined from its training split: chain link 18 of 18 captions, double decker 17 of 17,
    rear view 7 of 7); it replaces what the rules made of either word ("rear" alone). Attribute F1: long_dev
    74.53 -> 74.60 (74.63 with "old fashioned", mined on the rerun), length_dev 83.72 -> 84.09, train sample
    85.25 -> 85.45 (benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8; the table comes
    from train, so the train sample flatters it); random_dev unchanged."""
    if node.i < 2:
        return
    first, second = state.tokens[node.i - 2], state.tokens[node.i - 1]
    phrase = f"{first.lower_} {second.lower_}"
    # the table first: `left_edge` walks spaCy's tree (phrase_attribute was 0.9% of the rules' time, py-spy)
    if phrase not in PHRASE_ATTRIBUTES or node.left_edge.i > node.i - 2:
        return
    _replace_word_attributes(state, node, first, second, phrase)


# Verbs after which "upside down" is the state the subject rests in ("mugs sitting on the counter upside down")
_RESTING_VERBS = {"be", "sit", "lie", "lay", "hang", "rest", "stand"}


def upside_down_attribute(state: ParseState, upside, owner_read: bool = False) -> None:
    """ "toys in an upside down basket", "the bowl is upside down", "mugs sitting on the
    counter upside down" -> (basket, upside down), (bowl, upside down), (mug, upside down): the phrase is one state
    of the thing it modifies or of the subject of the copula or resting verb it follows, not two words. FACTUAL train
    writes it whole in 5 of the 6 captions where a thing is upside down; the sixth, "canoes upside down on a rack",
    makes it the predicate, and a phrase the parser hangs on a preposition ("on", "with") is left alone. A person
    "turning/flipping upside down" moves and gets no state (train 1 of 1, long captions likewise)."""
    if upside.i + 1 >= len(state.tokens) or state.tokens[upside.i + 1].lower_ != "down":
        return
    down = state.tokens[upside.i + 1]
    governor = down.head if down.head.i != upside.i else upside.head
    owners = []
    if is_node(state, governor):
        owners = [governor]
    elif governor.tag_ in VERB_TAGS:
        lemma = state.lemma(governor.text, governor.tag_)
        if lemma in _RESTING_VERBS or governor.tag_ == "VBN":
            owners = subjects_of(state, governor)
    if not owners or (not owner_read and any(owner.i > upside.i for owner in owners)):
        return  # "an upside down basket": once the basket's modifiers are read (`owner_read`)
    start, end = upside.idx, down.idx + len(down.text)
    graph = state.graph
    graph.attributes = [
        (owner, value, span) for owner, value, span in graph.attributes if not (start <= span[0] and span[1] <= end)
    ]
    add_attribute(state, owners, [upside, down], "upside down")


# Measure nouns that, after a number, make a two-word size modifier ("a three layer cake", "a two level plate").
_MEASURE_MODIFIER_NOUNS = {"story", "storey", "layer", "level", "piece", "tier"}
_MEASURE_MODIFIER_ORDINALS = {"single", "multi", "first", "second", "third"}


def measured_modifier_attribute(state: ParseState, node) -> None:
    """ "a three layer cake" -> (cake, three layer), "a second story porch" -> (porch, second story), "two story
    houses" -> (house, two-story): a number and a measure noun right before the noun size the thing; they are
    neither its count nor a node. FACTUAL writes the pair whole in 11 of 12 training captions with a number or
    "single"/"second" before story/layer/level/piece ("six story building" -> 6 is the other); after a cardinal,
    "story" is written hyphenated as the compound adjective ("two-story", 2 of 2 space-written captions)."""
    if node.i < 2:
        return
    number, measure = state.tokens[node.i - 2], state.tokens[node.i - 1]
    if measure.lower_ not in _MEASURE_MODIFIER_NOUNS or measure.head.i != node.i:
        return
    if number.tag_ != "CD" and number.lower_ not in _MEASURE_MODIFIER_ORDINALS:
        return
    if number.head.i not in (node.i, measure.i) or node.left_edge.i > number.i:
        return
    joint = "-" if number.tag_ == "CD" and measure.lower_ in ("story", "storey") else " "
    _replace_word_attributes(state, node, number, measure, f"{number.lower_}{joint}{measure.lower_}")


def _replace_word_attributes(state: ParseState, node, first, second, value: str) -> None:
    """`node`'s attributes read from the words `first` to `second` give way to one attribute, `value`, spanning
    both ("a double decker bus" -> (bus, double decker), not "double" as well; "a three layer cake" -> three layer)."""
    start, end = first.idx, second.idx + len(second.text)
    state.graph.attributes = [
        (owner, old_value, span)
        for owner, old_value, span in state.graph.attributes
        if not (owner.i == node.i and start <= span[0] and span[1] <= end)
    ]
    add_attribute(state, [node], [first, second], value)


def modifier_attributes(state: ParseState, node) -> None:
    """Adjectives, numbers and material/colour nouns left of a node ("two green park benches")."""
    graph = state.graph
    for child in _left_modifiers(state, node):
        if child.dep_ not in _ATTRIBUTE_MODIFIER_DEPS:
            continue  # a determiner, possessive, ...: none of the branches below reads it
        if _is_position_left_out_of_name(state, node, child):
            add_attribute(state, [node], [child])
            continue
        if (
            child.i in graph.relational_modifiers
            or is_name_modifier(child)
            or child.i in graph.fused
            or child.i in graph.name_overrides
            or child.i in graph.owners  # "a laptop screen": a node of its own, (laptop, have, screen)
            or named_by_attribute(state, child)
        ):
            continue
        if _is_shade_of_next_colour(state, child):
            continue
        if child.lower_ in QUANTIFYING_ADJECTIVES and len(state.conjuncts(child)) == 1:
            continue
        if child.dep_ == "nummod" or (child.dep_ == "amod" and child.tag_ == "CD"):
            count = NUMBER_WORDS.get(child.lower_, child.lower_)
            # FACTUAL counts from 2: "one man" has no count in any of 118 train captions
            if count != "1" and not _is_reciprocal_subject(state, node) and not _is_told_one_by_one(state, node):
                add_attribute(state, [node], [child], count)
        elif child.dep_ == "compound" and is_material_modifier(state, child):
            add_attribute(state, [node], [child], MATERIAL_ADJECTIVE_FORM.get(child.lower_))
            _stacked_adjective_attributes(state, node, child)
        elif child.dep_ == "compound" and (colour := misspelt_colour(state, child)) is not None:
            add_attribute(state, [node], [child], colour)
        elif (
            child.head.i == node.i
            and is_attribute_in_name(state, child)
            and (_name_is_two_words(state, node) or not state.nominal(child))
        ):
            # "a black round clock": the parser labels "round" a compound but tags it an adjective, so no name takes
            # it. All of train.csv: 11 attributes gained, 0 lost; train sample 2000/8+ attribute F1 86.33 -> 86.37,
            # exact 57.25 -> 57.30%; long_dev 75.53 -> 75.58, exact 26.29 -> 26.43%; random_dev, length_dev unchanged
            add_attribute(state, [node], [child])
        elif child.dep_ == "amod" or _is_colour_name_modifier(child):
            for adjective in state.conjuncts(child):
                if adjective.lower_ in QUANTIFYING_ADJECTIVES:
                    # "numerous, smaller and taller trees": the quantifier is skipped, not the adjectives coordinated
                    # with it (which were lost with it: long_dev attribute F1 75.04 -> 75.15; no train caption)
                    continue
                if child.dep_ == "nmod":
                    if adjective.lower_ not in COLOUR_WORDS:
                        continue  # "orange & cream colour ground": only the colours are counted
                    state.graph.hidden.add(adjective.i)  # a colour, no node of its own
                if _is_verb_after_noun(state, adjective):
                    continue
                if _is_adjective_tagged_proper_noun(adjective):
                    state.graph.hidden.add(adjective.i)  # "golden battered hot dog": golden is no object
                if _is_looking_after_adjective(state, adjective):
                    _stacked_adjective_attributes(state, node, adjective)  # "white looking leaves": white
                    continue
                if adjective.i == child.i or not _is_shade_of_next_colour(state, adjective):  # "light" green
                    add_attribute(state, [node], *_adjective_tokens(state, adjective))
                    _stacked_adjective_attributes(state, node, adjective)
                    _adjective_before_colour(state, node, adjective)
                    _colour_before_adjective(state, node, adjective)
    listed = adjective_list_head(state, node) if node.dep_ == "conj" else None
    if listed is not None:
        for adjective in _adjective_list(state, listed, node):
            add_attribute(state, [node], *_adjective_tokens(state, adjective))


# The labels of the left dependents modifier_attributes makes attributes of (counts, materials, adjectives, colour
# lists); skipping the others ("a", "the", "his") first is byte-identical and saves its checks for each of them.
_ATTRIBUTE_MODIFIER_DEPS = {"nummod", "amod", "compound", "nmod"}


def material_before_modifier_attribute(state: ParseState, material) -> None:
    """ "a metal yellow cage", "a stone retaining wall", "a large metal serving spoon": the parser hangs the
    material on the modifier after it as an adverbial noun (npadvmod); it is the noun's material. Re-parsing
    FACTUAL train, 2 graphs change, both gaining the gold attribute ("metal folding chair", "metal framed poster");
    in the three dev splits 3 change, all gaining gold's. A colour ("white painted wall") is left to the colour
    rules, a hyphenated word ("brick-covered") to the covering ones, and a material that is a node of its own to
    the rules that made it one ("straw covered floor", "a wood paneled room", "a stone oven pizza").
    Called for npadvmod tokens only, so most captions pay one label test per token."""
    modifier = material.head
    if material.lower_ not in _MATERIAL_NOUNS or modifier.dep_ not in ("amod", "compound"):
        return
    node = modifier.head
    if not (material.i < modifier.i < node.i) or modifier.lower_ in COLOURED_WORDS or not is_node(state, node):
        return
    if is_node(state, material):
        return  # "straw covered floor", "a wood paneled room", "a stone oven pizza": other rules read it so
    if state.tokens[material.i + 1].text != "-":
        add_attribute(state, [node], [material], MATERIAL_ADJECTIVE_FORM.get(material.lower_))


_MATERIAL_NOUNS = MATERIAL_AND_COLOUR_NOUNS - COLOUR_WORDS


def paired_part_count(state: ParseState, node) -> None:
    """ "man with his hands in his pockets" -> (hand, 2), (pocket, 2): a possessed plural of a part one has two of
    counts both. FACTUAL train: "his/her/its" + a plural of PAIRED_BODY_PARTS has the count 2 in 34 of 58 captions
    (right more often than attribute F1's break-even). All of train.csv: 36 gold and 28 wrong counts added,
    attribute F1 84.81 -> 84.85; long_dev 73.93 -> 73.96, length_dev 83.35 -> 83.55, measured with
    benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8 (train sample 85.01 -> 85.07)."""
    if node.tag_ != "NNS" or state.noun_lemma(node.lower_) not in PAIRED_BODY_PARTS:
        return
    kids = state.kids(node)
    if any(child.dep_ == "nummod" for child in kids):
        return  # "his two hands": counted by modifier_attributes
    possessor = next((child for child in kids if child.dep_ == "poss"), None)
    if possessor is not None and possessor.lower_ in ("his", "her", "its"):
        add_attribute(state, [node], [possessor], "2")


def both_count(state: ParseState, node) -> None:
    """ "man holds a laptop with both hands", "both giraffes have brown spots" -> (hand, 2), (giraffe, 2): "both"
    counts two. FACTUAL train: a plural after "both" (not "both sides of", which the rules make a predicate) has the
    count 2 in 11 of 13 captions ("both wheels are touching the ground" and "both hands on the bat", named whole,
    have none)."""
    if node.tag_ != "NNS" or state.noun_lemma(node.lower_) in PART_NOUN_PREPOSITION:
        return  # "on both ends", like "on both sides of": where, not two things
    if any(child.dep_ == "conj" for child in state.kids(node)):
        return  # "both adults and their young": "both" takes the two conjuncts
    for child in state.lefts(node):
        if child.lower_ == "both" and child.dep_ in ("det", "predet", "preconj"):
            if any(token.tag_ in VERB_TAGS for token in state.tokens[child.i + 1 : node.i]):
                return  # "a man and a boy both holding bats": "both" is the holders
            if not any(owner.i == node.i and value == "2" for owner, value, _ in state.graph.attributes):
                add_attribute(state, [node], [child], "2")
            return


def _is_position_left_out_of_name(state: ParseState, node, child) -> bool:
    """ "the rear window on the car", "a leaf on the rear wing" -> (window, rear): a position word that FACTUAL never
    keeps in a node name (ATTRIBUTE_POSITION_WORDS) is the noun's attribute, where the positional words it does keep
    ("left shoe", "front legs") stay in the name and "rear" was lost. FACTUAL train: no node name has "rear"; where
    this acts, 4 gold attributes and 3 wrong (2 write "at rear of" instead), 3 graphs become exact. With an
    of-phrase, "rear tire of bike", train writes (tire, at rear of, bike) (4 of 5), so those are left alone."""
    if child.lower_ not in ATTRIBUTE_POSITION_WORDS or child.head.i != node.i or child.i in state.graph.fused:
        return False
    if child.lower_ in factual_name(state, node).split():
        return False  # a mined two-word name that keeps it
    return not any(kid.dep_ == "prep" and kid.lower_ == "of" for kid in state.kids(node))


def _is_adjective_tagged_proper_noun(adjective) -> bool:
    """ "golden battered hot dog", "indian man holding giant scissors", "beige stuffed bear": the tagger reads a
    caption's first adjective as a proper noun yet the parser labels it the noun's adjective modifier; it is the
    noun's attribute only, no object of its own. (FACTUAL train, such a word both an attribute and an object in the
    rules' graph: no gold object in 26 of 27 captions.)"""
    return adjective.dep_ == "amod" and adjective.tag_ == "NNP" and adjective.head.i > adjective.i


def _is_colour_name_modifier(child) -> bool:
    """ "red white and blue circle logo", "turquoise and white striped tie": the parser labels a colour
    list before a compound or second adjective nmod; it is the noun's colours (FACTUAL train: a colour
    labelled nmod before its noun is that noun's attribute in 13 of 17 captions, its colour conjuncts in 2 of 2)."""
    return child.dep_ == "nmod" and child.lower_ in COLOUR_WORDS


def _is_verb_after_noun(state: ParseState, adjective) -> bool:
    """ "hand touching board", "batter holding bat": the parser reads the verb between two nouns as an adjective
    of the second; it describes nothing there. FACTUAL train: such an -ing word right after a noun is the next
    noun's attribute in 0 of 64 captions where the rules gave it as one word (against 79 of 232 for -ing
    adjectives overall); re-parsing all of train with this rule, 168 graphs lose a wrong attribute, none a gold one."""
    if adjective.tag_ != "VBG" or adjective.i == 0:
        return False
    return state.nominal(state.tokens[adjective.i - 1])


def _is_looking_after_adjective(state: ParseState, word) -> bool:
    """ "scary looking clouds", "white looking leaves": "looking" only hedges the adjective before it. FACTUAL train:
    no (X, look) in the 11 captions with an adjective, "looking" and their noun (the adjective alone in 5, the two
    words as one value, "delicious look", in 3)."""
    if word.lower_ != "looking" or word.i == 0:
        return False
    previous = state.tokens[word.i - 1]
    return previous.tag_ in ADJECTIVE_TAGS and previous.dep_ == "amod"


def _is_told_one_by_one(state: ParseState, node) -> bool:
    """ "two black haired men one in a blue jacket and one in a black jacket", "two parked vehicles, one is a
    small compact car": a caption that goes on to describe the counted things one at a time has no count in
    FACTUAL (long_dev: no count in all 6 such captions; train has none, its "one" only counts: "two men are
    riding one bike"). Long_dev attribute F1 74.01 -> 74.18, length_dev 83.55 -> 83.62, train unchanged
    but for "two giraffe stand beside one another", whose wrong count goes."""
    # "one another" is reciprocal, no one-by-one telling (_is_reciprocal_subject decides its count)
    tokens = state.tokens
    return any(
        token.lower_ == "one"
        and token.dep_ != "nummod"
        and (token.i + 1 == len(tokens) or tokens[token.i + 1].lower_ != "another")
        for token in tokens[node.i + 1 :]
    )


def _is_reciprocal_subject(state: ParseState, node) -> bool:
    """ "two dogs facing each other" -> (dog, face, dog): FACTUAL gives such a node no count (train,
    "each other"/"one another" captions where the rules relate a counted node to itself: no count
    in 50 of 54). A part-noun phrase is the exception: "four suitcases stacked on top of each other" keeps its
    count (2 of the 2 counted captions with "on top of each other"). So is a node the caption also places or relates
    to something else: "two cats in front of a window facing each other" -> (cat, 2) (FACTUAL train: 4 of the 4
    reciprocal captions whose subject the rules also relate to another node have the count, "three monitors beside one
    another on a desk", "two elephants meeting each other in a field")."""
    reciprocal = False
    for subject, predicate, obj in state.graph.relations:
        if subject.i != node.i:
            continue
        if obj.i != node.i:
            return False
        reciprocal = reciprocal or not predicate.endswith(" of")
    return reciprocal


def _stacked_adjective_attributes(state: ParseState, node, adjective) -> None:
    """ "a white green and pink shirt", "a red brick wall": the parser hangs "white" on "green", "red" on the
    material; it describes the shirt, the wall (FACTUAL train, an adjective on a material or colour compound:
    the head's attribute in 69 of 92 captions)."""
    for child in state.lefts(adjective):
        if child.dep_ == "compound" and child.lower_ in COLOUR_WORDS:
            # "white linen napkin", "the red brick house": the tagger makes the colour a compound of the material;
            # it describes the head too. Train sample (2000, 8+ words) exact +0.05 (one caption), COCO: 2 graphs.
            add_attribute(state, [node], [child])
        elif child.dep_ == "amod" and is_adjective_like(child) and child.i not in state.graph.fused:
            if child.lower_ not in INTENSIFIERS and not _is_shade_of_next_colour(state, child):
                add_attribute(state, [node], *_adjective_tokens(state, child))


def _adjective_before_colour(state: ParseState, node, colour) -> None:
    """ "long yellow shirt", "plain black door": the parser hangs the first adjective on the colour as an
    adverb (tagged JJ, or RB as "long" and "plain" are); it describes the noun (FACTUAL train: such a word is
    its own attribute in 4 of 4 captions; and an adjective before a colour in general, e.g. "long" in 49
    of 49, "large" in 107 of 108). -ly adverbs and degree words ("mostly", "almost") are no attribute."""
    previous = state.tokens[colour.i - 1] if colour.i > 0 else None
    if previous is None or colour.lower_ not in COLOUR_WORDS or previous.head.i != colour.i:
        return
    if previous.dep_ != "advmod" or previous.lower_ in _DEGREE_WORDS or previous.lower_ in SHADE_WORDS:
        return  # "bright yellow": fused or not as the shade rules decide
    if previous.tag_ in ADJECTIVE_TAGS or (previous.tag_ == "RB" and not previous.lower_.endswith("ly")):
        add_attribute(state, [node], [previous])


def _adjective_list(state: ParseState, listed, node) -> list:
    """The adjectives of a list the parser read as a coordination with the noun ("fluffy grey and brown
    tail": fluffy, grey; brown already hangs on the tail)."""
    while listed.dep_ == "conj" and listed.head.i < listed.i and is_adjective_like(listed.head):
        listed = listed.head  # "red, white and blue flag": flag hangs on white, white on red
    lefts = [child for child in state.lefts(listed) if child.dep_ == "amod" and is_adjective_like(child)]
    conjuncts = [token for token in state.conjuncts(listed) if token.i < node.i and is_adjective_like(token)]
    return [*lefts, *conjuncts]


def _left_modifiers(state: ParseState, node) -> list:
    """Left dependents of the node and of its kind-naming compounds ("green park bench": the
    adjective may hang on the compound)."""
    modifiers, stack = [], [node]
    while stack:
        current = stack.pop()
        for child in state.lefts(current):
            modifiers.append(child)
            if child.dep_ == "compound" and state.nominal(child) and not is_material_modifier(state, child):
                if child.i not in state.graph.head_parts and not _is_possessive_owner(state, child):
                    stack.append(child)  # "a short sleeve shirt": the sleeve is short
    return modifiers


def _is_possessive_owner(state: ParseState, compound) -> bool:
    """ "a stuffed animals mouth", "a black cats head": a plural-looking owner that lost its apostrophe (the rules
    relate it, (animals, have, mouth)) takes the adjectives before it; they describe the owner, not its part. FACTUAL
    train: the adjective is the owner's alone in all 4 such captions ("nose on a little boys face", "the little boys
    hair on his head", "a black cats head", "silver chains under a left horses face")."""
    return compound.i in state.graph.owners and compound.tag_ == "NNS" and compound.lower_.endswith("s")


def _name_is_two_words(state: ParseState, node) -> bool:
    return name_start(state, node) == node.i - 1


def _is_shade_of_next_colour(state: ParseState, token) -> bool:
    """ "dark green leaves", "light colored shirt": `dark`, `light` are emitted inside the pair, not on their own."""
    following = state.tokens[token.i + 1] if token.i + 1 < len(state.tokens) else None
    if following is None:
        return False
    if token.lower_ in COLOURED_SHADES and following.lower_ in COLOURED_WORDS:
        return True  # "light colored": emitted inside the pair
    return token.lower_ in SHADE_WORDS and following.lower_ in COLOUR_WORDS


def _adjective_tokens(state: ParseState, adjective):
    """(tokens, text) of one attribute: "partly cloudy" and "heart-shaped" stay whole, "dark green"
    fuses the shade word, "red colored" is "red", "very large" drops the intensifier."""
    doc = state.tokens
    previous = doc[adjective.i - 1] if adjective.i > 0 else None
    if adjective.lower_ in COLOURED_WORDS and previous is not None and previous.lower_ in COLOUR_WORDS:
        state.graph.fused.add(previous.i)
        return [previous], None
    if adjective.lower_ in COLOURED_WORDS and previous is not None and previous.lower_ in COLOURED_SHADES:
        # "dark colored", "multi colored": FACTUAL keeps the pair, and writes "multi-colored" as one word
        state.graph.fused.add(previous.i)
        return [previous, adjective], COLOURED_SHADES[previous.lower_] or None
    if adjective.lower_ in COLOURED_WORDS and previous is not None and previous.tag_ in NOUN_TAGS:
        # "olive colored jeans", "wood colored surfboard" -> (jeans, olive colored): a noun naming the colour stays
        # with "colored", as FACTUAL writes it, and is no node; "different colored" is multi-colored
        # (COLOURED_SHADES). All of train.csv: 22 attributes gained, 0 lost (2 misspelt colours stay wrong);
        # train sample 2000/8+ attribute F1 86.27 -> 86.33, long_dev 75.44 -> 75.53 (object 89.31 -> 89.33),
        # length_dev object 96.07 -> 96.09, exact 72.60 -> 72.70%. The tagger reads some such nouns as proper
        # nouns ("peach colored tie": train writes "peach color" in 3 of 3).
        state.graph.fused.add(previous.i)
        state.graph.hidden.add(previous.i)
        return [previous, adjective], None
    start = adjective.i
    while start > 0:
        previous = doc[start - 1]
        if previous.text == "-" and start >= 2:
            start -= 2
            _fuse_hyphened_first_word(state, doc[start])
        elif (
            previous.dep_ in ("advmod", "npadvmod")
            and previous.head.i == adjective.i
            and _adverb_stays_in_value(previous, adjective)
        ):
            start -= 1
        elif previous.lower_ in SHADE_WORDS and adjective.lower_ in COLOUR_WORDS:
            state.graph.fused.add(previous.i)
            # "navy blue shirt": the parser tags navy a noun, but FACTUAL train has no navy node in the
            # 6 captions with "navy blue" before a noun, nor a turquoise node in "turquoise blue vespa".
            state.graph.hidden.add(previous.i)
            start -= 1
        else:
            break
    return doc[start : adjective.i + 1], None


def _fuse_hyphened_first_word(state: ParseState, first) -> None:
    """ "a middle-aged man", "an old-fashioned clock" -> (man, middle-aged) alone: the first word of a hyphened
    adjective is no attribute of its own, though the parser hangs it on the second as an adjective
    (_stacked_adjective_attributes). Re-parsing all of train, captions with a hyphened word: 4 wrong attributes
    removed ("middle", "half", "clean", "inflatable"), none lost, 3 graphs become exact. A colour stays apart
    ("blue-green", "blue-spotted"): FACTUAL splits colour pairs as often as not (train "orange-red" whole twice,
    "yellow-green" split once; long_dev splits "blue-green" and "blue-spotted")."""
    if first.lower_ not in COLOUR_WORDS:
        state.graph.fused.add(first.i)


def _colour_before_adjective(state: ParseState, node, adjective) -> None:
    """ "pink striped skirt", "white painted wall": the parser hangs the colour on the next adjective as an
    adverb; it is the noun's own attribute beside that adjective. FACTUAL train: of 16 captions where the
    colour and the adjective came out as one value, 13 give the two as separate attributes, 1 the pair."""
    if adjective.lower_ in COLOUR_WORDS or adjective.lower_ in COLOURED_WORDS or _is_coloured_part(adjective):
        return  # "dark green", "red colored", "white walled": one value, as _adjective_tokens writes it
    for child in state.lefts(adjective):
        if child.dep_ in ("advmod", "npadvmod") and child.lower_ in COLOUR_WORDS and child.i not in state.graph.fused:
            for colour in state.conjuncts(child):
                add_attribute(state, [node], *_adjective_tokens(state, colour))


def _is_coloured_part(adjective) -> bool:
    """ "white walled tire": the colour is the colour of the part the adjective names, and FACTUAL keeps the two
    as one value (train: "white walled bicycle tire", "white backed folding chair", "red hooded jacket", 3 of 3)."""
    return adjective.lower_ in _PART_PARTICIPLES


def _adverb_stays_in_value(adverb, adjective) -> bool:
    """ "oddly shaped", "partly cloudy" stay whole; "very large", "mostly black", "slightly overcast" do not.

    An intensifier never stays. "mostly black jersey" -> black: FACTUAL train writes a colour without the adverb
    before it (an -ly word or "all" before a colour: the bare colour in 10 of 10 captions; shade words stay fused
    in _adjective_tokens). An -ly adverb before any other plain or comparative adjective goes too ("slightly
    overcast sky" -> overcast): FACTUAL train, such an adverb-adjective pair whose adverb is not "partly" gives
    the bare adjective in 6 of 9 captions, the pair in 1 ("barely visible"), neither in 2; "partly cloudy" is
    kept whole in 4 of 4.
    A participle keeps its adverb ("oddly shaped"; an adverb before a participle: the pair in 12 captions, the
    participle alone in 8)."""
    if adverb.lower_ in COLOUR_WORDS:
        return _is_coloured_part(adjective)  # otherwise its own attribute: _colour_before_adjective
    if adverb.lower_ in INTENSIFIERS or adjective.lower_ in COLOUR_WORDS:
        return False
    is_ly_adverb = adverb.lower_.endswith("ly") and adverb.lower_ not in _FIXED_LY_ADVERBS
    return not (is_ly_adverb and adjective.tag_ in ("JJ", "JJR"))


def copula_attributes(state: ParseState, complement) -> None:
    """ "the cat is black" / "a bag that is red" -> (cat, black), (bag, red)."""
    copula = complement.head
    # "white on the bottom" is still white, and so is "white and yellow colored on the bottom half"
    is_colour = complement.lower_ in COLOUR_WORDS or complement.lower_ in COLOURED_WORDS
    if complement.i in state.graph.relational_modifiers or any(
        (
            c.dep_ == "prep"
            and not (is_colour or _is_in_colour(state, c) or _is_place_after_state(state, complement, c))
        )
        or c.dep_ in ("xcomp", "ccomp")
        for c in state.kids(complement)
    ):
        return  # "is full of water" is a relation; "is about to hit" no attribute
    subjects = subjects_of(state, copula)
    for adjective in state.conjuncts(complement):
        if adjective.tag_ in ADJECTIVE_TAGS or adjective.tag_ == "VBN":
            add_attribute(state, subjects, *_adjective_tokens(state, adjective))
            _listed_colours_before_coloured(state, subjects, adjective)


def _listed_colours_before_coloured(state: ParseState, subjects, coloured) -> None:
    """ "the truck is light gray and green colored", "an egg that is white and yellow colored": the parser hangs
    the first colour of the list on "colored" and coordinates the others with it; `_adjective_tokens` gives
    "colored" the colour right before it only, so the first ones were lost. FACTUAL writes every colour of the
    list as an attribute of the subject (train: the 1 such copula caption, (truck, light gray), (truck, green))."""
    if coloured.lower_ not in COLOURED_WORDS:
        return
    for first in state.kids(coloured):
        if first.dep_ == "amod" and first.lower_ in COLOUR_WORDS and first.i < coloured.i - 1:
            for colour in state.conjuncts(first):
                if colour.lower_ in COLOUR_WORDS and colour.i != coloured.i - 1:
                    add_attribute(state, subjects, *_adjective_tokens(state, colour))


def shape_attributes(state: ParseState) -> None:
    """ "a heart shaped sticker", "a diamond-shaped sign", "boat shaped like an elephant" -> (sticker, heart shaped),
    (sign, diamond shaped), (boat, elephant shaped): FACTUAL writes the shape and "shaped" as one attribute of the
    shaped thing ("oval shaped plate" -> oval: GEOMETRIC_SHAPES) and makes no node of what gives the shape. The
    parser reads these phrases many ways ("heart" the subject of a verb "shaped", "pretzel" an adjective beside
    it), so the attributes the other rules gave the words are replaced. FACTUAL's training split: the pair (or the
    bare geometric shape) is the gold attribute in 19 of the 20 captions with a noun or adjective before "shaped" or
    a "shaped like" (the other misspells "square"); the rules had it in 3. On all of train 19 graphs change, 15
    become exact, none gets worse (13 wrong nodes, 12 wrong attributes and 5 wrong relations go, 13 gold
    attributes come)."""
    for shaped in state.tokens:
        if shaped.lower_ not in SHAPING_PARTICIPLES or shaped.i == 0:
            continue
        shape = _shape_words(state, shaped)
        if shape is None:
            continue
        tokens, text = shape
        things = [thing for thing in _shaped_things(state, shaped, tokens[0]) if is_node(state, thing)]
        if not things:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        state.graph.attributes = [
            (node, value, span)
            for node, value, span in state.graph.attributes
            if not (start <= span[0] and span[1] <= end)
        ]
        state.graph.relations = [  # "people sitting on motorcycle shaped chairs": "shaped" read as their verb
            (subject, predicate, obj)
            for subject, predicate, obj in state.graph.relations
            if not (predicate == "shape" and obj in things)
        ]
        add_attribute(state, things, tokens, text)


def _shape_words(state: ParseState, shaped):
    """(tokens, text) of the shape attribute: "heart shaped" (over a hyphen, "diamond-shaped"), "oval", "tree branch
    shaped" for "shaped like a tree branch"; None for an adverb ("oddly shaped" stays as _adjective_tokens has it)."""
    before = state.tokens[shaped.i - 1]
    if before.text == "-" and shaped.i >= 2:
        before = state.tokens[shaped.i - 2]
    if shaped_after(state, before) is shaped and (before.tag_ in NOUN_TAGS or before.tag_ in ADJECTIVE_TAGS):
        if before.lower_ in COLOUR_WORDS:
            return None  # "brown patterned placemat": two attributes (_colour_before_adjective)
        if before.lower_ in GEOMETRIC_SHAPES and shaped.lower_ == "shaped":
            return [before, shaped], before.lower_
        return [before, shaped], f"{before.lower_} {shaped.lower_}"
    for child in state.kids(shaped):
        if child.dep_ == "prep" and child.lower_ == "like":
            model = next((kid for kid in state.kids(child) if kid.dep_ == "pobj" and state.nominal(kid)), None)
            if model is not None:
                words = [*(kid for kid in state.lefts(model) if kid.dep_ == "compound"), model]
                return [shaped, model], " ".join(word.lower_ for word in words) + f" {shaped.lower_}"
    return None


def _shaped_things(state: ParseState, shaped, first) -> list:
    """What is shaped: the noun "shaped" modifies, its object where the parser made it a verb ("a heart shaped
    sticker": heart its subject), the noun the shape word hangs on ("pretzel shaped felt decoration"), else the
    subject ("the building is dome shaped", "a boat shaped like an elephant")."""
    if shaped.dep_ == "amod" and state.nominal(shaped.head):
        return [shaped.head]
    shaped_object = next((kid for kid in state.kids(shaped) if kid.dep_ == "dobj" and state.nominal(kid)), None)
    if shaped_object is not None:
        return [shaped_object]
    if first.i < shaped.i and first.head.i > shaped.i and state.nominal(first.head):
        return [first.head]
    if shaped.dep_ == "acomp":
        return subjects_of(state, shaped.head)
    return subjects_of(state, shaped)


def ready_attribute(state: ParseState, adjective) -> None:
    """ "baseball player ready to swing the bat", "a man getting ready to eat a pizza" -> (player, ready): the one
    adjective before "to <verb>" FACTUAL keeps as the subject's attribute (train: 18 of the 26 captions with "ready
    to"; no other word before "to <verb>" has it more than 3 times). The subject is the one the verb after it
    gets, however the parser hangs "ready" (root, amod, acomp of "getting"). Attribute F1, train sample 2000/8+:
    85.69 -> 85.77 (exact 56.70 -> 56.80%); length_dev 84.44 -> 84.54, long_dev 75.10 -> 75.12; random_dev
    unchanged."""
    if adjective.tag_ != "JJ":  # the attribute phase calls it for "ready" only
        return
    for verb in state.kids(adjective):
        if verb.dep_ == "xcomp" and verb.tag_ in ("VB", "VBP"):
            add_attribute(state, subjects_of(state, verb), [adjective])
            return


def likeness_attribute(state: ParseState, like) -> None:
    """ "two animals that look like deer", "a giraffe feeder made to look like a tree" -> (animal, like deer),
    (feeder, like tree): what a thing is made or said to look like is its attribute, "like" plus the name (no
    node of its own, scene_graph_nodes._is_likeness). FACTUAL train and dev: 5 of the 6 captions with "that
    look(s) like N" or "made/painted to look like N" write it so; the other, "a kite that looks like a dragon",
    has (kite, dragon shaped). A main-clause "the stuff looks like sauce" is left alone (no gold likeness)."""
    verb = like.head
    if like.dep_ != "prep" or state.lemma(verb.text, verb.tag_) != "look":
        return
    obj = next((child for child in state.kids(like) if child.dep_ == "pobj"), None)
    described = _likeness_holder(state, verb)
    if obj is None or described is None or obj.tag_ not in ("NN", "NNS"):
        return
    add_attribute(state, [resolve(state, described)], [like, obj], f"like {node_name(state, obj)}")


def _likeness_holder(state: ParseState, look):
    """The noun of "N that looks like", "N made to look like" (the participle's noun or subject), else None."""
    if look.dep_ == "relcl":
        return look.head
    made = look.head
    if look.dep_ not in ("xcomp", "advcl") or made.tag_ not in ("VBN", "VBD"):
        return None
    if made.dep_ == "acl":
        return made.head
    return next((child for child in state.kids(made) if child.dep_ in ("nsubj", "nsubjpass")), None)


def colour_noun_attributes(state: ParseState, colour) -> None:
    """ "a clock that is gold and white": the tagger makes the colour a noun (attr of the copula).
    A material is an attribute the same way: "the fence is wood", "the cage is green metal" (FACTUAL
    train: 16 of 26 such copulas)."""
    copula = colour.head
    if _colour_noun_of_copula(state, colour):
        return
    if predicate_noun_attribute(state, colour):
        return
    if _named_by_expletive_copula(state, colour):
        return
    if colour.lower_ in MATERIAL_AND_COLOUR_NOUNS and state.lemma(copula.text, copula.tag_) == "be":
        subjects = subjects_of(state, copula)
        for word in state.conjuncts(colour):
            if word.lower_ in MATERIAL_AND_COLOUR_NOUNS:
                value = None if word.lower_ in COLOUR_WORDS else MATERIAL_ADJECTIVE_FORM.get(word.lower_)
                add_attribute(state, subjects, [word], value)
                if subjects:
                    state.graph.hidden.add(word.i)  # "the table is wood": no wood object beside it
                for child in state.lefts(word):
                    if child.dep_ == "amod" and is_adjective_like(child):
                        add_attribute(state, subjects, *_adjective_tokens(state, child))


def _named_by_expletive_copula(state: ParseState, noun) -> bool:
    """ "there is gravel on the side of the train", "there 's white paper under the donuts": after an expletive
    "there" the material noun is the thing placed, not a material of a subject, so it stays a node (FACTUAL train:
    3 of 3 "there is/are <material> <preposition>" captions keep the material as the node, "there are patches of
    dirt" too)."""
    copula = noun.head
    return noun.dep_ == "attr" and any(child.dep_ == "expl" for child in state.kids(copula))


_FINITE_COPULAS = {"is", "are", "was", "were"}
# a predicate noun with one of these says more than a name: "a huge sneaker", "part of this meal"
_OWN_PHRASE_DEPS = {"prep", "conj", "cc", "relcl", "acl", "amod", "poss", "nummod"}


def predicate_noun_attribute(state: ParseState, noun) -> bool:
    """ "the driver is a man", "the sign is a stop sign", "the tree ... is a magnolia" -> (driver, man): a noun
    after "be" names what its subject is, and FACTUAL writes it as the subject's attribute, not as a second,
    unlinked object (train, copula with noun subject and noun predicate: (subject, is, predicate) in 28 graphs,
    the predicate as the only node in 6, mostly framing subjects, "the scene is a beach"; re-parsed, 6 train
    graphs change, 4 to the gold, and "the scene/room is a ..." stay wrong as they were). Left alone: a
    predicate with a phrase or adjective of its own ("is part of this meal", "is a majestic tall animal"), with
    conjuncts or no article, after "will be" / "to be", or whose subject is no node (COCO: 3 of 25,010 graphs
    change)."""
    copula = noun.head
    if copula.lower_ not in _FINITE_COPULAS or noun.tag_ not in NOUN_TAGS or not is_node(state, noun):
        return False
    children = state.kids(noun)
    if noun.lower_ in MATERIAL_AND_COLOUR_NOUNS or any(child.dep_ in _OWN_PHRASE_DEPS for child in children):
        return False
    if not any(child.dep_ == "det" and child.lower_ in ("a", "an", "the") for child in children):
        return False  # "is phone", "is wind surfing": a misspelt "his", a verb read as a noun
    subjects = [child for child in state.kids(copula) if child.dep_ == "nsubj" and child.i < noun.i]
    if len(subjects) != 1 or subjects[0].tag_ not in NOUN_TAGS or not is_node(state, subjects[0]):
        return False
    if any(child.dep_ in ("prep", "conj", "relcl", "acl") for child in state.kids(copula)):
        return False  # "A MAN IS ON A MOTORCYCLE IWTH A GIRL": the copula places, the noun is misread
    add_attribute(state, subjects, [noun], node_name(state, noun))
    state.graph.hidden.add(noun.i)
    return True


def _colour_noun_of_copula(state: ParseState, noun) -> bool:
    """ "water is blue color" -> (water, blue), and no color node (FACTUAL train: 4 of 4 such captions)."""
    copula = noun.head
    if noun.lower_ not in ("color", "colour") or state.lemma(copula.text, copula.tag_) != "be":
        return False
    colours = [child for child in state.lefts(noun) if child.dep_ == "amod" and child.lower_ in COLOUR_WORDS]
    subjects = subjects_of(state, copula) if colours else []
    if not subjects:
        return False
    for colour in colours:
        add_attribute(state, subjects, *_adjective_tokens(state, colour))
        state.graph.fused.add(colour.i)  # the colour describes the subject, not the color noun
    state.graph.hidden.add(noun.i)
    return True


def state_before_place_attribute(state: ParseState, adjective) -> None:
    """ "a laptop is open on the desk", "windows open in house", "a green umbrella open on sidewalk" -> (laptop,
    open) beside (laptop, on, desk): the adjective heads the place phrase, so the copula rule takes it for a
    relation word, but FACTUAL keeps the state (STATES_BEFORE_PLACE; train: (X, open) in 9 of the 10 captions with
    "open" before a place phrase, "door cracked open behind the man" the other)."""
    if not any(child.dep_ == "prep" for child in state.kids(adjective)):
        return
    head = adjective.head
    if adjective.dep_ == "acomp":
        nodes = subjects_of(state, head)
    elif adjective.dep_ == "amod" and head.i < adjective.i:
        nodes = [head]
    elif adjective.dep_ == "ROOT":
        nodes = [child for child in state.kids(adjective) if child.dep_ == "nsubj"]
    else:
        return
    add_attribute(state, nodes, [adjective])


def subject_adverb_attribute(state: ParseState, adverb) -> None:
    """ "a person riding a bike outside", "a lamb sitting alone in grass" -> (person, outside), (lamb, alone): a
    bare "outside" or "alone" on a verb describes the verb's subject (SUBJECT_ADVERBS). FACTUAL train, such a
    childless adverb: the subject's attribute in 25 of 27 captions with "outside" and 8 of 8 with "alone" (not
    "outside the building", a place phrase, nor "outdoors": 1 of 8). After "look" it is where the look goes
    ("a door looking outside to a deck")."""
    verb = adverb.head
    if adverb.dep_ != "advmod" or verb.tag_ not in VERB_TAGS or state.kids(adverb):
        return
    if state.lemma(verb.text, verb.tag_) == "look":
        return
    add_attribute(state, subjects_of(state, verb), [adverb])


def copula_position_attribute(state: ParseState, adverb) -> None:
    """ "the toilet seat is down", "bird 's wings are up" -> (seat, down), (wing, up): a bare "up" or "down" after
    a copula is the position its subject is in (COPULA_POSITION_WORDS). FACTUAL train, "is/are up|down" with no
    phrase of its own (at the end of the caption, or "down" before a place phrase, "seat is down on the toilet"):
    the subject's attribute in 12 of 14 captions; "up" before a place phrase ("the people are up in the
    mountains", "a fax machine is up against the wall": 0 of 10) says where, not in what position."""
    verb = adverb.head
    if adverb.dep_ != "advmod" or state.kids(adverb) or verb.i == adverb.i:
        return
    if state.lemma(verb.text, verb.tag_) != "be" or verb.i > adverb.i:
        return
    after = state.tokens[adverb.i + 1] if adverb.i + 1 < len(state.tokens) else None
    if after is not None and after.dep_ != "punct" and not (adverb.lower_ == "down" and after.dep_ == "prep"):
        return  # "the people are up in the mountains" (where they are), "a rump is up close", "up and doing"
    add_attribute(state, subjects_of(state, verb), [adverb])


# Position words a copula gives its subject as an attribute ("the lid is up")
COPULA_POSITION_WORDS = {"up", "down"}


# Things a bare "on"/"off" after a copula switches ("the lights are on")
SWITCHED_THINGS = {
    "light",
    "lamp",
    "headlight",
    "taillight",
    "screen",
    "monitor",
    "tv",
    "television",
    "propeller",
    "stove",
    "oven",
}


def switched_state_attribute(state: ParseState, adverb) -> None:
    """ "the laptop screen is on", "three lights are on under a cabinet" -> (screen, on), (light, on): a bare "on" or
    "off" after a copula whose subject is a light or screen (SWITCHED_THINGS) says it is switched on or off. FACTUAL
    train, such a caption opening with its subject and "is/are on|off" ending it or before a place phrase: the
    subject's attribute in 7 of 8 captions ("the computer screen is on" -> (screen, on, computer), which the relation
    rules already write, is the other); a relative clause ("the table the lamp is on") names where the lamp sits."""
    verb = adverb.head
    if adverb.dep_ != "advmod" or state.kids(adverb) or verb.i >= adverb.i:
        return
    if state.lemma(verb.text, verb.tag_) != "be" or verb.dep_ not in ("ROOT", "conj"):
        return
    after = state.tokens[adverb.i + 1] if adverb.i + 1 < len(state.tokens) else None
    if after is not None and after.dep_ not in ("punct", "prep"):
        return
    subjects = subjects_of(state, verb)
    if not subjects or any(head_lemma(state, subject) not in SWITCHED_THINGS for subject in subjects):
        return
    if subjects[0].left_edge.i > 0:
        return  # "the desk the lamp is on": the lamp's place, not its state
    if any(owner in subjects and predicate == adverb.lower_ for owner, predicate, _ in state.graph.relations):
        return  # "the computer screen is on" -> (screen, on, computer), already written
    add_attribute(state, subjects, [adverb])


# Words left out before a place phrase rather than kept as the subject's state.
_LEFT_OUT_BEFORE_PLACE = DROPPED_PREDICATE_WORDS | HEIGHT_WORDS_LEFT_OUT | ADVERBIAL_PREPOSITION_HEADS


def _is_place_after_state(state: ParseState, adjective, prep) -> bool:
    """ "the sun is bright in the sky", "a pine tree that is almost completely bare to the right of the house" ->
    (sun, bright), (tree, bare): a place phrase after a copula's adjective says where the subject is (the relation
    rules write the bare preposition), and the adjective is still its state, as a colour is. FACTUAL train, "is/are
    ADJ PREP Y" with a non-colour adjective: the adjective is the subject's attribute in 19 of 26 captions ("open",
    "asleep", "steady", "small", "wooden", "chrome", "bright"); of the 7 others 4 are "visible" and 1 "high", words
    FACTUAL leaves out before a place (mined DROPPED_PREDICATE_WORDS), which stay out here too."""
    if adjective.lower_ in _LEFT_OUT_BEFORE_PLACE:
        return False
    if prep.lower_ == "to":  # "to the right of" (its object hangs on "of")
        return " ".join(token.lower_ for token in state.tokens[prep.i : prep.i + 4]) in MULTIWORD_LOCATIVE_PHRASES
    if prep.lower_ not in LOCATIVE_PREPOSITIONS:
        return False
    objects = [obj for obj in state.kids(prep) if obj.dep_ == "pobj"]
    return any(
        is_node(state, obj) or f"{prep.lower_} {obj.lower_} of" in MULTIWORD_LOCATIVE_PHRASES for obj in objects
    )  # "in front of a work desk"


def _is_in_colour(state: ParseState, prep) -> bool:
    """ "white in color" is just "white"."""
    return prep.lower_ == "in" and any(c.lower_ in ("color", "colour") for c in state.kids(prep))


def state_attributes(state: ParseState, verb) -> None:
    """An intransitive progressive verb is a state: "a woman is smiling" -> (woman, smiling)."""
    if _painted_colour_attributes(state, verb) or _written_in_colour_attributes(state, verb):
        return
    if verb.tag_ == "VBN":
        _passive_state_attribute(state, verb)
        _possessed_part_state(state, verb)
        _dropped_participle_state(state, verb)
        return
    if verb.tag_ != "VBG" or verb.i in state.graph.verbs_with_relation or verb.i in state.nominal_overrides:
        return
    if verb.dep_ == "advcl" and any(child.dep_ == "mark" for child in state.kids(verb)):
        return  # "... while texting": a side action, not a visible state
    if any(
        child.dep_ not in _STATE_VERB_DEPS
        and not _is_worn_garment(state, child)
        and not _is_following_action(state, verb, child)
        for child in state.kids(verb)
    ):
        return  # anything beyond subject/aux/adverbs means the verb relates to something
    add_attribute(state, subjects_of(state, verb), _verb_with_direction(state, verb))


def _verb_with_direction(state: ParseState, verb) -> list:
    """ "a boy looking down", "the cow is facing left", "a man sitting down" -> (boy, looking down), (cow, facing
    left): a progressive state keeps the direction word right after it (DIRECTION_ADVERBS; not a stranded
    preposition, "the couch a man is sitting on"), except after "walking" (WALKING_VERBS). All of train.csv:
    attribute F1 85.71 -> 85.84 (about 30 values gained, "look up", "sit down", "lay down", "face left"; 6 lost
    to FACTUAL's bare verb). Train sample 2000/8+ attribute F1 86.10 -> 86.21, exact 57.15 -> 57.25%; long_dev
    75.35 -> 75.44; length_dev 84.91 -> 85.08; random_dev 84.96 unchanged ("sitting down" -> sit there, "looking
    away" -> look away), measured with benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8."""
    following = state.tokens[verb.i + 1] if verb.i + 1 < len(state.tokens) else None
    if following is None or following.head.i != verb.i or following.lower_ not in DIRECTION_ADVERBS:
        return [verb]
    if (
        following.dep_ not in ("prt", "advmod", "npadvmod", "dobj")
        or state.lemma(verb.text, verb.tag_) in WALKING_VERBS
    ):
        return [verb]
    return [verb, following]


def _verb_with_particle(state: ParseState, verb) -> list:
    """ "the lamp is turned on", "the cat's ears are perked up" -> (lamp, turned on), (ear, perked up): a passive
    state keeps its particle. All of train.csv: 5 attributes gained, 1 lost; train sample 2000/8+ attribute F1
    85.91 -> 85.98, exact 57.05 -> 57.10%; the dev splits unchanged. (Also for progressive states, "a man is
    sitting down": 99 gained, 61 lost on train, but random_dev 84.96 -> 84.79; FACTUAL writes "sit down" and
    "sit" about equally often.)"""
    following = state.tokens[verb.i + 1] if verb.i + 1 < len(state.tokens) else None
    if following is not None and following.dep_ == "prt" and following.head.i == verb.i:
        return [verb, following]
    return [verb]


def _is_following_action(state: ParseState, verb, child) -> bool:
    """ "a man sitting and watching a game", "a woman standing wearing a black jacket" -> (man, sitting): the first
    of two participles is the subject's state when the second takes an object; so also before a clause of its
    own ("a giraffe is standing still and another giraffe is walking"). Not when the second only has a place
    phrase: "people sitting and laying on the floor" relates both (FACTUAL train: 4 of 10 such captions give the
    first as a state). All of train.csv: 15 attributes gained, 7 lost; train sample 2000/8+ attribute F1 85.88 ->
    85.91, exact 57.00 -> 57.05%; long_dev 75.17 -> 75.23, exact 26.16 -> 26.29%; length_dev 84.73 -> 84.83,
    random_dev 84.93 -> 84.96, measured with benchmarks/parser_quality.py --train_sample 2000
    --train_sample_min_words 8."""
    if child.dep_ not in ("conj", "xcomp") or child.tag_ != "VBG" or child.i < verb.i:
        return False
    return any(grandchild.dep_ in ("dobj", "nsubj") for grandchild in state.kids(child))


def _is_worn_garment(state: ParseState, child) -> bool:
    """ "a boy standing in a blue shirt" -> (boy, standing), (boy, wear, shirt): "in" a garment says what the
    subject wears, not where it stands. FACTUAL train: the posture participle's state in all 3 such captions,
    3 wrong ones on all of train.csv ("a man surfing in a black wetsuit"); random_dev attribute F1 84.68 ->
    84.88, long_dev 73.96 -> 74.01, the train sample unchanged."""
    if child.dep_ != "prep" or child.lower_ != "in":
        return False
    objects = [grandchild for grandchild in state.kids(child) if grandchild.dep_ == "pobj"]
    return len(objects) == 1 and is_garment(state, objects[0])


def _painted_colour_attributes(state: ParseState, verb) -> bool:
    """ "the boat is painted white", "wall painted white behind mirror" -> (boat, white), (boat, painted):
    FACTUAL train gives the colour in 10 of 12 "painted <colour>" captions and "painted" in 8 of 12; on the
    train captions this rule fires on, 12 of its 17 new attributes are gold. The parser reads the colour as
    oprd, advmod or advcl of the verb, so nothing else emits it."""
    if verb.lower_ != "painted" or verb.i + 1 >= len(state.tokens):
        return False
    following = state.tokens[verb.i + 1]
    if following.head.i != verb.i:
        return False
    if following.lower_ not in COLOUR_WORDS or following.dep_ not in ("oprd", "advmod", "advcl", "acomp", "xcomp"):
        return False
    subjects = subjects_of(state, verb)
    add_attribute(state, subjects, [verb])
    for colour in state.conjuncts(following):
        if colour.lower_ in COLOUR_WORDS:
            add_attribute(state, subjects, [colour])
    return True


def _written_in_colour_attributes(state: ParseState, verb) -> bool:
    """ "words written in pink on building", "the letters are written in white" -> (words, pink), (letters, white):
    the colour of writing is the writing's attribute, not a place it is written in. FACTUAL train: the colour is an
    attribute of the writing in 3 of the 4 captions with "written in <colour>" and no noun after it (the fourth
    relates "painted in white"). Attribute F1: long_dev 74.60 -> 74.66, length_dev 84.09 -> 84.19 (relation
    81.12 -> 81.20); random_dev and the train sample unchanged."""
    if state.lemma(verb.text, verb.tag_) != "write" or verb.tag_ != "VBN":
        return False
    colours = [
        noun
        for prep in state.kids(verb)
        if prep.dep_ == "prep" and prep.lower_ == "in"
        for noun in state.kids(prep)
        if noun.dep_ == "pobj" and noun.lower_ in COLOUR_WORDS and not state.lefts(noun)
    ]
    subjects = [subject for subject in subjects_of(state, verb) if is_node(state, subject)]
    if not colours or not subjects:
        return False
    for colour in state.conjuncts(colours[0]):
        if colour.lower_ in COLOUR_WORDS:
            add_attribute(state, subjects, [colour])
            state.graph.hidden.add(colour.i)  # no "pink" node written in
    return True


def _passive_state_attribute(state: ParseState, verb) -> None:
    """A passive with nothing after it is a state: "the man's shirt is striped", "lamps that are lit",
    "the toilet lid is closed" -> (shirt, striped) (FACTUAL train: 63 of 89 such passives)."""
    kids = state.kids(verb)
    if verb.i in state.graph.verbs_with_relation or not any(child.dep_ == "auxpass" for child in kids):
        return
    if any(child.dep_ not in _PASSIVE_STATE_DEPS for child in kids):
        return  # "parked next to the curb", "painted white", "cut by a knife"
    if state.lemma(verb.text, verb.tag_) in _DEPICTION_VERBS:
        return  # "buses are pictured": about the picture, not the buses
    add_attribute(state, subjects_of(state, verb), _verb_with_particle(state, verb))


def _dropped_participle_state(state: ParseState, verb) -> None:
    """ "towels folded on a shelf", "a blanket is folded on the bed" -> (towel, folded) beside (towel, on, shelf): a
    participle of the thing's own shape (SHAPE_STATE_PARTICIPLES), which FACTUAL leaves out of the place predicate
    (mined DROPPED_PREDICATE_WORDS: "fold on" -> on), stays as its subject's state. FACTUAL train, "folded" before
    a place phrase: the state in 8 of 9 captions; "arranged", also left out of the predicate, says how things are
    laid out and is no state in any of its 3. Re-parsing all of train: 7 gold attributes gained, 2 wrong added."""
    if state.lemma(verb.text, verb.tag_) not in SHAPE_STATE_PARTICIPLES:
        return
    if not any(child.dep_ == "prep" for child in state.kids(verb)):
        return
    add_attribute(state, subjects_of(state, verb), [verb])


# Participles of a thing's own shape that FACTUAL keeps as its state before a place phrase ("towels folded on a shelf")
SHAPE_STATE_PARTICIPLES = {"fold"}


def _possessed_part_state(state: ParseState, verb) -> None:
    """ "woman has her eyes closed", "the man has two arms raised" -> (eye, closed), (arm, raised): a bare
    participle right after the noun that "has" introduces is that noun's state, however the parser attaches it.
    FACTUAL train: the noun has the participle as an attribute in 16 of 18 such captions."""
    if verb.i in state.graph.verbs_with_relation or verb.i < 2:
        return
    if any(child.dep_ in _RELATING_DEPS for child in state.kids(verb)):
        return  # "has a sign attached to it": the participle relates
    noun = state.tokens[verb.i - 1]
    if not state.nominal(noun):
        return
    before = noun.left_edge.i - 1
    if before >= 0 and state.tokens[before].lower_ in POSSESSION_VERBS:
        add_attribute(state, [noun], [verb])


def had_part_state(state: ParseState, verb) -> None:
    """ "the zebra has its head down", "car has a window down", "the elephant has its mouth open" -> (head, down),
    (window, down), (mouth, open): an adjective or position word that ends the phrase right after the noun "has"
    introduces is that noun's state, as after "with" (with_part_state); participles are _possessed_part_state's.
    FACTUAL train, "has [its/his/her/a] <noun> up/down/out" ending its phrase: (noun, state) in 10 of 13
    captions ("the zebra has his head up" -> (zebra, have up, head) and "man has arms up" write it in the
    predicate); "has its mouth open": 2 of 2. Re-parsing all of train: 9 gold attributes gained, 2 wrong added, 8
    graphs become exact, none stop being exact."""
    if verb.lower_ not in ("has", "have", "had") or verb.tag_ not in VERB_TAGS:
        return  # not "having": "people having lunch together" is an activity
    nouns = [child for child in state.kids(verb) if child.dep_ == "dobj"]
    for clause in state.kids(verb):
        if clause.dep_ == "ccomp":  # "the elephant has its mouth open": the state read as a clause on the noun
            nouns.extend(child for child in state.kids(clause) if child.dep_ == "nsubj" and child.i > verb.i)
    for noun in nouns:
        if noun.tag_ not in NOUN_TAGS or not is_node(state, noun):
            continue
        following = noun.i + 1
        if following >= len(state.tokens):
            return
        word = state.tokens[following]
        if word.tag_ in ("VBN", "VBD") or not _is_part_state_word(state, word):
            return
        after = state.tokens[following + 1] if following + 1 < len(state.tokens) else None
        if after is not None and after.dep_ not in ("punct", "cc"):
            return  # "skate boarder has hands out for balance"
        add_attribute(state, [noun], [word])


def with_part_state(state: ParseState, prep) -> None:
    """ "a man with his arms crossed", "a dog with its mouth open", "a woman with her head down" -> (arms, crossed),
    (mouth, open), (head, down): a state word right after the object of "with" is that object's attribute,
    however the parser attaches it (often as the sentence's root verb). FACTUAL train: 54 of the 78 captions
    with "with [his/her/its/the] <noun> <state word>" have (noun, state); most others relate the state as a
    verb ("the man with his leg crossed" -> (man, cross, leg)). The with-relation stays as it is (gold: "with"
    in 40, "have" in 19). Attribute F1, train sample 2000/8+: 85.57 -> 85.69 (exact 56.55 -> 56.70%);
    random_dev 84.83 -> 84.93, long_dev 75.04 -> 75.10, length_dev unchanged."""
    objects = [
        child
        for child in state.kids(prep)
        if child.dep_ == "pobj" and child.tag_ in NOUN_TAGS and is_node(state, child)
    ]
    if len(objects) != 1:
        return
    noun = objects[0]
    following = noun.i + 1
    if following >= len(state.tokens):
        return
    tokens = state.tokens
    first = following
    if tokens[following].lower_ in ("wide", "half") and following + 1 < len(tokens):
        following += 1  # "with mouth wide open" -> (mouth, wide open)
    word = tokens[following]
    if not _is_part_state_word(state, word):
        return
    if word.tag_ in ("VBN", "VBD") and _is_state_particle(state, following + 1):
        following += 1  # "with her hair pulled back" -> (hair, pulled back)
    add_attribute(state, [noun], tokens[first : following + 1])


def _is_state_particle(state: ParseState, index: int) -> bool:
    """A particle closing the phrase after a participle: "pulled back", "turned on", "held up"."""
    if index >= len(state.tokens):
        return False
    particle = state.tokens[index]
    if particle.lower_ not in _STATE_PARTICLES:
        return False
    return index + 1 == len(state.tokens) or not state.tokens[index + 1].is_alpha or particle.dep_ == "prt"


def _is_part_state_word(state: ParseState, word) -> bool:
    """A participle, adjective or position word that describes the noun before it and relates to nothing."""
    if word.dep_ in ("amod", "compound", "nmod") and word.head.i > word.i:
        return False  # "with a blue shirt black pants": the word describes a later noun
    if word.i + 1 < len(state.tokens) and state.nominal(state.tokens[word.i + 1]):
        return False
    if any(child.dep_ in _RELATING_DEPS for child in state.kids(word)):
        return False  # "with a sign attached to it", "with plates full of food"
    if word.tag_ in ("VBN", "VBD"):
        return word.lower_ not in _JOINING_PARTICIPLES
    if word.tag_ == "JJ" and word.lower_ not in COLOUR_WORDS:
        return True
    return word.lower_ in POSITION_STATE_WORDS


def is_copula_part(state: ParseState, part) -> bool:
    """ "broccoli is part of this meal": "part" says what the subject is (scene_graph_relations writes (broccoli,
    part of, meal)); it is no partitive of the meal."""
    return part.lower_ == "part" and part.dep_ == "attr" and state.lemma(part.head.text, part.head.tag_) == "be"


def partitive_attributes(state: ParseState, partitive) -> None:
    """ "a group of sheep" -> (sheep, "group of"): the partitives FACTUAL keeps (mined from its train split).
    The colour of a partitive head is its noun's ("a white piece of paper" -> (paper, white); FACTUAL train: 3
    of 3 captions with a colour before a partitive noun of the lexicon; before a looked-through part noun, "white
    top of the toilet", the part keeps it in 4 of 10). Train sample 2000/8+ attribute F1 85.98 -> 86.04; the
    dev splits unchanged."""
    if is_copula_part(state, partitive):
        return
    value = PARTITIVE_ATTRIBUTES.get(partitive.lower_) or _plural_partitive_attribute(state, partitive)
    target = resolve(state, partitive) if value else partitive
    if target.i != partitive.i:
        add_attribute(state, [target], [partitive], value)
    _partitive_count(state, partitive)
    if partitive.lower_ in ADJECTIVE_PASSING_PARTITIVES:
        _partitive_adjectives(state, partitive)
    elif partitive.lower_ in PARTITIVE_NOUNS or partitive.lower_ in COLOUR_PASSING_PARTS:
        _partitive_adjectives(state, partitive, colours_only=True)


def _plural_partitive_attribute(state: ParseState, partitive) -> str | None:
    """ "patches of grass", "slices of carrots" -> (grass, patches): a plural keeps its singular's entry, in
    the caption's words (FACTUAL train: the noun after "patches of" / "slices of" has that attribute in 14 of
    14 / 12 of 12 captions; the miner's table only lists the forms it searched for)."""
    singular = state.lemma(partitive.text, partitive.tag_)
    value = PARTITIVE_ATTRIBUTES.get(singular) if singular != partitive.lower_ else None
    return partitive.lower_ if value == singular else value


def _partitive_count(state: ParseState, partitive) -> None:
    """ "two slices of pizza", "three rows of train tracks" -> (pizza, 2), (track, 3): the count of a head
    FACTUAL looks through goes to the noun it counts (FACTUAL train, a counted looked-through head with an
    of-noun: the of-noun has the count in 23 of 28 captions, the head in 1)."""
    target = resolve(state, partitive)
    if target.i == partitive.i:
        return
    for child in state.lefts(partitive):
        if child.dep_ == "nummod" and NUMBER_WORDS.get(child.lower_, child.lower_) != "1":
            add_attribute(state, [target], [child], NUMBER_WORDS.get(child.lower_, child.lower_))


def _partitive_adjectives(state: ParseState, partitive, colours_only: bool = False) -> None:
    """ "small patches of grass", "circular patch of grass" -> (grass, small), (grass, circular): the patch is no
    node, its adjectives describe the grass (ADJECTIVE_PASSING_PARTITIVES). Train sample 2000/8+: attribute F1
    85.57 -> 85.67, long_dev 75.04 -> 75.10, length_dev 84.44 -> 84.64, measured with benchmarks/parser_quality.py
    --train_sample 2000 --train_sample_min_words 8."""
    target = resolve(state, partitive)
    if target.i == partitive.i:
        return
    for child in state.lefts(partitive):
        if child.dep_ != "amod" or child.tag_ == "CD" or child.i in state.graph.fused:
            continue
        for adjective in state.conjuncts(child):
            if colours_only and adjective.lower_ not in COLOUR_WORDS:
                continue
            if _is_looking_after_adjective(state, adjective):
                continue  # "a tasty looking slice of pizza": the adjective before it is the attribute
            if adjective.lower_ not in QUANTIFYING_ADJECTIVES:
                add_attribute(state, [target], *_adjective_tokens(state, adjective))


def part_adjective_attributes(state: ParseState, part) -> None:
    """ "a light brown haired boy": the words before "haired" describe the hair, whichever noun the
    parser hung them on; they are no attribute of the boy. Not so before "tiled" ("flat tiled roof": the roof
    is flat; COVERING_ADJECTIVES)."""
    if part.lower_ in COVERING_ADJECTIVES:
        return
    tokens = state.tokens
    first = part.i
    if first > 0 and _is_length_adverb(tokens[first - 1], part):
        first -= 1  # "a white long sleeved shirt": the words before the length are the garment's
    else:
        while first > 0 and (
            tokens[first - 1].text == "-"
            or tokens[first - 1].tag_ in ADJECTIVE_TAGS
            or tokens[first - 1].lower_ in COLOUR_WORDS
        ):
            first -= 1
    words = [token for token in tokens[first : part.i] if token.text != "-"]
    if words:
        state.graph.fused.update(token.i for token in words)
        add_attribute(state, [part], words)
    elif (material := frame_material(state, part)) is not None:
        state.graph.fused.add(material.i)  # "wood framed windows" -> (frame, wooden)
        add_attribute(state, [part], [material], MATERIAL_ADJECTIVE_FORM.get(material.lower_))
    _counted_part_attribute(state, part)


# "a four legged animal" -> (animal, have, legs), (legs, is, 4): the number counts the part, not the animal. FACTUAL
# train: all 6 captions with a number before "legged" or "wheeled" write the count on the part
# ("a two wheeled motorcycle" -> (wheels, is, 2)).
_COUNTED_PART_ADJECTIVES = {"legged", "wheeled"}


def _counted_part_attribute(state: ParseState, part) -> None:
    if part.lower_ not in _COUNTED_PART_ADJECTIVES or part.i == 0:
        return
    number = state.tokens[part.i - 1]
    if number.tag_ != "CD":
        return
    state.graph.fused.add(number.i)
    count = NUMBER_WORDS.get(number.lower_, number.lower_)
    if count != "1":
        add_attribute(state, [part], [number], count)


def _is_length_adverb(word, part) -> bool:
    """ "a long sleeved shirt": the tagger reads the length as an adverb of the participle; FACTUAL writes it as the
    sleeve's attribute (train: (sleeve, long/short) in all 34 "long/short sleeve(d)" captions; 10 of them have
    the length tagged an adverb)."""
    return word.lower_ in ("long", "short") and word.dep_ == "advmod" and word.head.i == part.i


def distributed_count_attributes(state: ParseState) -> None:
    """ "two people riding bicycles", "three men wearing orange vests" -> (bicycle, 2), (vest, 3): a bare
    plural that each of the counted subjects has one of shares their count, for the predicates of holding,
    wearing and riding (_ONE_EACH_PREDICATES; FACTUAL train, for all predicates: 89 gold counts and 95 wrong
    ones, "two people on motorcycles" has none; for these: 64 gold, 25 wrong). All of train.csv: attribute
    F1 84.86 -> 84.98; train sample 2000/8+ 85.07 -> 85.17, long_dev 74.18 -> 74.23, length_dev 83.62 ->
    83.72, random_dev 84.88 -> 84.83 ("all five men are wearing helmets": gold has no count)."""
    counts = {node.i: value for node, value, _ in state.graph.attributes if value.isdigit() and value != "1"}
    if not counts:
        return  # no counted subject (most captions): no relation to read
    for subject, predicate, obj in list(state.graph.relations):
        if predicate.split(" ")[0] not in _ONE_EACH_PREDICATES:
            continue
        count = counts.get(subject.i)
        if count is None or obj.i < subject.i or obj.tag_ != "NNS" or obj.i in counts:
            continue
        if any(
            child.dep_ in ("det", "nummod", "poss") or child.lower_ in QUANTIFYING_ADJECTIVES
            for child in state.kids(obj)
        ):
            continue
        add_attribute(state, [obj], [obj], count)
        counts[obj.i] = count
