"""Coordination rules: FACTUAL expands "trees and bushes on the lawn" to one triple per conjunct.

spaCy attaches a shared modifier or argument to one conjunct only; these rules find the others.
"""

from __future__ import annotations

from .scene_graph_lemmas import ADJECTIVE_TAGS, FINITE_VERB_TAGS, NOUN_TAGS, VERB_TAGS
from .scene_graph_lexicon import COLOUR_WORDS, LOCATIVE_PREPOSITIONS, MATERIAL_AND_COLOUR_NOUNS
from .scene_graph_nodes import can_wear, child_towards, is_garment, is_worn_slot, resolve
from .scene_graph_state import ParseState


_POST_MODIFIER_DEPS = {"prep", "acl", "relcl"}
_LIST_PREPOSITIONS = {"of", "with"}


def repair_colour_list_compound(state: ParseState) -> None:
    """ "a white and red stripe shirt", "blue and white tennis shirt": after a list of colours the parser
    may coordinate the noun before the head with the colours (white -conj-> stripe) instead of making it
    a compound of the head; it is reattached there, so the colours describe the head alone. FACTUAL
    train, re-parsed with and without this repair: 10 of 36,137 captions change, 20 gold triples added,
    3 wrong ones added, 54 wrong ones removed, 3 gold ones lost (all in "orange and white service truck",
    where gold drops "service")."""
    for token in state.tokens:
        colour = token.head
        if token.dep_ != "conj" or token.tag_ not in NOUN_TAGS or not _is_colour(colour) or _is_colour(token):
            continue
        head = colour.head
        if colour.dep_ != "amod" or head.i != token.i + 1 or head.tag_ not in NOUN_TAGS:
            continue
        listed = [kid for kid in state.kids(colour) if kid.dep_ == "conj" and kid.i != token.i]
        if listed and all(_is_colour(kid) for kid in listed):
            state.reattach(token, head, dep="compound")


def repair_material_list(state: ParseState) -> None:
    """ "a wood and metal bench", "glass and stone skyscraper", "iron and wood table": the parser makes the first
    material a noun modifier (nmod) of the head with the others coordinated with it, so each became a node of its
    own. A list of materials ("silver" and "gold" among them) right before its noun says what the noun is made of:
    every item becomes the noun's compound, read as its material. FACTUAL train: 7 of the 8 captions with such a
    list write each material as the noun's attribute ((bench, wooden), (bench, metal)); 5 of them had lost them."""
    for token in state.tokens:
        if token.dep_ != "nmod" or token.lower_ not in _LISTED_MATERIALS:
            continue
        head = token.head
        listed = [kid for kid in state.conjuncts(token) if kid.i != token.i]
        if not listed or not state.nominal(head) or head.i < token.i:
            continue
        if any(kid.lower_ not in _LISTED_MATERIALS or kid.i > head.i for kid in listed):
            continue
        last = max(kid.i for kid in listed)
        if any(state.tokens[between].head.i != head.i for between in range(last + 1, head.i)):
            continue  # "steel and concrete loading dock" parsed otherwise: only words on the noun may follow
        state.relabel(token, dep="compound")
        for kid in listed:
            state.reattach(kid, head, dep="compound" if state.nominal(kid) else "amod")


_LISTED_MATERIALS = (MATERIAL_AND_COLOUR_NOUNS - COLOUR_WORDS) | {"silver", "gold", "golden"}


def repair_noun_listed_with_modifier(state: ParseState) -> None:
    """ "flag and metal pole", "white mouse between a laptop and black keyboard", "ladder and wood planks": the parser
    makes the first noun a modifier of the last one and coordinates it with the colour or material before that noun,
    so the first noun's "and" seems to join two modifiers. A colour or material coordinated with a noun that
    modifies a later noun describes that later noun; the first noun is a list item of its own, in the later noun's
    place in the sentence, and the later noun its conjunct. FACTUAL train: 8 of the 9 captions parsed so write the
    first noun as a node of its own and the colour or material as the later noun's attribute ((pole, metal),
    (keyboard, black), (plank, wooden)); the ninth, "grass and dirt baseball field", lists "dirt" as a thing.
    Re-parsed, 8 train graphs change (3 become exact, none less so); of the 25,010 COCO Karpathy test captions 16
    change, each gaining the first noun's relation ("a bathroom with a black toilet and wooden floors" -> (bathroom,
    with, toilet), (floors, wooden))."""
    for token in state.tokens:
        if token.dep_ != "conj" or token.lower_ not in _LISTED_MODIFIERS:
            continue
        noun = token.head
        head = noun.head
        if noun.dep_ not in ("nmod", "compound", "amod") or not state.nominal(noun) or not state.nominal(head):
            continue
        if noun.lower_ in _LISTED_MODIFIERS or not noun.i < token.i < head.i:
            continue
        if not any(state.tokens[between].dep_ == "cc" for between in range(noun.i + 1, token.i)):
            continue
        if any(state.tokens[between].head.i not in (head.i, token.i) for between in range(token.i + 1, head.i)):
            continue
        state.reattach(token, head, dep="compound" if state.nominal(token) else "amod")
        state.reattach(noun, noun if head.head.i == head.i else head.head, dep=head.dep_)
        state.table.hand_over_lefts(head, noun)
        state.reattach(head, noun, dep="conj")


_LISTED_MODIFIERS = (MATERIAL_AND_COLOUR_NOUNS - {"dirt", "gravel"}) | COLOUR_WORDS


def _is_colour(token) -> bool:
    return token.lower_ in COLOUR_WORDS or token.lower_ in MATERIAL_AND_COLOUR_NOUNS


def repair_list_attachment(state: ParseState) -> None:
    """ "a plate of potatoes, broccoli and peppers", "a man in a dark shirt and beige cap": the parser may
    coordinate the later list items with "plate" ("man") instead of "potatoes" ("shirt"). A bare conjunct
    (no article, no phrase of its own) after the object of "of"/"with", or a garment after a garment
    the head is "in", continues that object's list; it is moved there in the token table. Such a garment
    may also be an apposition of the head ("one bored woman in purple jacket, green sweater"; FACTUAL
    long_dev: 1 gold (woman, wear, sweater) gained; the train split has no such caption)."""
    for head in state.tokens:
        if not state.kids(head) or not state.nominal(head):
            continue  # (a leaf first: this runs for every token)
        listed = _list_object(state, head)
        if listed is None:
            continue
        garments = listed.head.lower_ == "in"
        moved = [
            child
            for child in state.kids(head)
            if (child.dep_ == "conj" or (garments and child.dep_ == "appos"))
            and child.i > listed.i
            and state.nominal(child)
            and (is_garment(state, child) if garments else _is_bare(state, child))
        ]
        for child in moved:
            if child.dep_ == "appos":  # "a woman in purple jacket, green sweater": a list, not an apposition
                state.relabel(child, dep="conj")
            state.table.children_table[head.i].remove(child)
            state.table.children_table[listed.i].append(child)


def repair_participle_conjunct(state: ParseState) -> None:
    """ "a woman with long hair and holding an umbrella", "man in white shirt and wearing a cap", "holding a
    fork and eating food": the parser coordinates the second participle with the noun before "and" (hair,
    man, fork), and the participle's clause is left without a subject. A participle with an object right
    after "and", coordinated with a noun, continues the verb phrase that noun belongs to: it becomes a
    conjunct of the -ing verb whose object (or place phrase) the noun is, or a participle of the person
    or animal heading the phrase. FACTUAL train, re-parsed with and without this repair: 2 of 36,137
    captions change, each gaining its gold (man, wear, cap), nothing wrong added; of the 25,010 COCO
    Karpathy test captions 4 change, each gaining the participle's relation ("girls sitting in armchairs
    at a public library and cutting sheets of craft paper" -> (girls, cut, sheets))."""
    for token in state.tokens:
        if token.tag_ != "VBG" or token.dep_ != "conj" or not state.nominal(token.head):
            continue
        if state.tokens[token.i - 1].lower_ not in ("and", "&"):
            continue
        if not any(child.dep_ == "dobj" for child in state.kids(token)):
            continue  # "cutting board", "rocking chair": a noun's modifier, not a verb phrase
        listed = first_nominal_conjunct(state, token.head)
        owner = _verb_phrase_owner(state, listed)
        if owner is None:
            continue
        state.reattach(token, owner, dep="conj" if owner.tag_ in VERB_TAGS else "acl")


def _verb_phrase_owner(state: ParseState, noun):
    """Whose verb phrase a noun ends: the verb it is the object of, the verb or noun its preposition
    hangs on, or the noun itself when it heads the caption or a clause; None when that is no -ing verb
    nor a person or animal."""
    governor = noun.head
    if noun.dep_ == "dobj":
        return governor if _is_acting(state, governor) else None
    if noun.dep_ == "pobj" and governor.dep_ == "prep":
        return governor.head if _is_acting(state, governor.head) else None
    if noun.dep_ in ("ROOT", "nsubj") and _is_acting(state, noun):
        return noun
    return None


def _is_acting(state: ParseState, token) -> bool:
    """An -ing verb, or a person or animal: "a counter with vegetables, knife and cutting board", "a plate
    topped with orange slices and eating utensil" list a thing ("cutting board"), not a second action."""
    return token.tag_ == "VBG" or (state.nominal(token) and can_wear(state, token))


_HEDGES = {"maybe", "possibly", "probably", "perhaps"}


def repair_hedged_apposition(state: ParseState) -> None:
    """ "several wooden benches , maybe pews , standing on wooden steps", "a small dog, possibly a puppy, sitting on a
    couch": a hedged apposition guesses another name for the same thing, so it names no node of its own (FACTUAL
    long_dev gold has no "pews" node), and the participle the parser coordinated with it ("pews ... standing") acts
    for the thing named first ((bench, stand on, step)). Grammar alone: the one train caption with such a hedge
    ("building with arched roof , possibly an airplane hangar") has no node for the guess either, but the parser
    reads it as the root, not an apposition; dump_parser_graphs --compare: 1 dev graph changes."""
    for token in state.tokens:
        head = token.head
        if token.dep_ != "appos" or head.i > token.i or not state.nominal(token) or not state.nominal(head):
            continue
        if not any(kid.dep_ == "advmod" and kid.lower_ in _HEDGES for kid in state.lefts(token)):
            continue
        state.graph.hidden.add(token.i)
        for kid in list(state.kids(token)):
            if kid.dep_ == "conj" and kid.tag_ in ("VBG", "VBN"):
                state.reattach(kid, head, dep="acl")


def repair_garment_apposition(state: ParseState) -> None:
    """ "man wears grey hat, blue shirt": without a coordinator the parser makes the second garment an
    apposition of the first; a garment in apposition to a garment is the next item of the list. (FACTUAL
    long_dev relation F1 53.16 -> 53.21, one gold (man, wear, shirt) gained; train.csv unchanged.)"""
    for token in state.tokens:
        if token.dep_ == "appos" and is_garment(state, token) and is_garment(state, token.head):
            state.relabel(token, dep="conj")


def repair_conjunction_attachment(state: ParseState) -> None:
    """ "a man wearing green shorts and a blue shirt": the parser hangs "and" on "shorts" yet coordinates
    "shirt" with "man". A noun conjunct whose own "and"/"or" belongs to a later noun than its head is
    coordinated with that noun; it is moved there in the token table. FACTUAL train, re-parsed with and
    without this repair: 11 gold triples added, 2 wrong ones added, 9 wrong ones removed, no gold one removed
    (13 of 36,137 captions change; 9 of the 4,579 with 8+ words, 8 / 1 / 6 / 0)."""
    for token in state.tokens:
        head = token.head
        if token.dep_ != "conj" or not state.nominal(token) or token not in state.kids(head):
            continue
        before = token.left_edge.i - 1
        if before <= head.i or state.tokens[before].dep_ != "cc" or _runs_into_a_noun(state, token):
            continue
        partner = state.tokens[before].head
        if (
            partner.i != head.i
            and head.i < partner.i < before
            and state.nominal(partner)
            and not _is_with_object_of(partner, head)
        ):
            state.table.children_table[head.i].remove(token)
            state.table.children_table[partner.i].append(token)


def repair_place_object_list(state: ParseState) -> None:
    """ "snow has fallen on the statue and the trees", "a grey cat resting on shoes and a mat": the parser
    coordinates the last noun with the verb, which leaves it out of the place phrase. A noun conjunct of a verb
    right after the object of that verb's preposition, with no phrase of its own, is that object's next list
    item. FACTUAL train: all 3 such captions give the noun the verb's relation ((snow, fall on, tree), (rope, tie
    to, dock), (cat, rest on, mat)). Not for a noun with its own quantity, which names more of the scene ("a bird is
    sitting on a parking meter and some cars"), nor for a bare plural after a finite verb, which is a second verb
    ("a boy rides on a skateboard and smiles")."""
    for token in state.tokens:
        head = token.head
        if token.dep_ != "conj" or head.tag_ not in VERB_TAGS or head.i > token.i or not state.nominal(token):
            continue
        coordinator = token.left_edge.i - 1
        if coordinator <= head.i or state.tokens[coordinator].dep_ != "cc" or head.dep_ not in _CLAUSE_DEPS:
            continue  # "a bathroom with a built in tub and a large sink": "built" is no clause's verb
        if is_stray_object(state, token) or not _is_plain_list_item(state, token, head):
            continue
        place_object = _place_object_ending_at(state, head, coordinator - 1)
        if place_object is not None:
            state.reattach(token, place_object, dep="conj")


_CLAUSE_DEPS = {"ROOT", "acl", "relcl", "conj", "advcl"}
_QUANTITY_WORDS = {"some", "several", "many", "other", "few", "more"}


def _is_plain_list_item(state: ParseState, token, verb) -> bool:
    """A noun with no phrase, object or quantity of its own, and no verb misread as a plural ("and smiles")."""
    kids = state.kids(token)
    if any(kid.dep_ in _POST_MODIFIER_DEPS or kid.dep_ in ("dobj", "prt", "nummod") for kid in kids):
        return False  # "a cat sitting on a car and a dog lying on the ground": a second clause
    if any(kid.lower_ in _QUANTITY_WORDS for kid in kids):
        return False
    determined = any(kid.dep_ in ("det", "poss") for kid in kids)
    return determined or not (verb.tag_ in ("VBZ", "VBP") and token.tag_ == "NNS")


def _place_object_ending_at(state: ParseState, verb, end: int):
    """The bare noun object of the verb's preposition that ends at index `end`, when it has no list yet."""
    for prep in state.kids(verb):
        if prep.dep_ != "prep" or prep.i > end:
            continue
        for obj in state.kids(prep):
            if obj.dep_ == "pobj" and obj.i == end and state.nominal(obj) and obj.right_edge.i == end:
                return None if any(kid.dep_ == "conj" for kid in state.kids(obj)) else obj
    return None


def repair_object_list_read_as_subject(state: ParseState) -> None:
    """ "a happy woman wearing sunglasses and a wide brimmed white hat", "a person wearing a collared shirt, a striped
    tie, and a black suit jacket": the parser coordinates the later things with the person, so the hat wore the
    sunglasses. A thing coordinated with a person or animal right after that one's participle phrase with an
    object ends (or after a thing moved so), with no verb or place phrase of its own, is the next object of the
    participle; it is moved to that object's list. FACTUAL train: 1 graph changes, "woman holding cigarettes and a
    cellphone" gaining the gold (woman, hold, cellphone) for (cellphone, hold, cigarette); no dev graph changes;
    dump_parser_graphs --compare: 7 COCO graphs, each from (hat, wear, sunglasses) and the like to the person."""
    list_ends = {}  # person's index -> (index of the last word of its participle's object list, that object)
    for token in state.tokens:
        head = token.head
        if token.dep_ not in ("conj", "appos") or head.i >= token.i or not state.nominal(token):
            continue
        if not state.nominal(head):
            continue
        before = token.left_edge.i - 1
        while before > head.i and state.tokens[before].lower_ in _LIST_GLUE:
            before -= 1
        if before == token.left_edge.i - 1 or not can_wear(state, head) or can_wear(state, token):
            continue  # "a girl holding a racket and a boy behind her": a second subject
        if any(child.dep_ in _POST_MODIFIER_DEPS for child in state.kids(token)):
            continue
        if head.i not in list_ends:
            list_ends[head.i] = _participle_object_end(state, head)
        end, obj = list_ends[head.i]
        if obj is None or before != end:
            continue
        if token.dep_ == "appos":  # "a person wearing a collared shirt, a striped tie, and a ...": a list item
            state.relabel(token, dep="conj")
        state.table.children_table[head.i].remove(token)
        state.table.children_table[obj.i].append(token)
        list_ends[head.i] = (token.right_edge.i, obj)


_LIST_GLUE = {",", "and", "or", "&"}


def _participle_object_end(state: ParseState, person):
    """(last word index, object) of the person's participle phrase that ends with its direct object, which has no list
    of its own ("woman wearing sunglasses"), or (-1, None)."""
    for child in state.kids(person):
        if child.dep_ in ("acl", "relcl") and child.tag_ in VERB_TAGS and child.i > person.i:
            objects = [kid for kid in state.kids(child) if kid.dep_ == "dobj" and state.nominal(kid)]
            if not objects or objects[0].right_edge.i != _phrase_end(state, child):
                continue  # "throwing a ball in the air and a racket in her other hand": no list of objects
            if not any(kid.dep_ == "conj" for kid in state.kids(objects[0])):
                return objects[0].right_edge.i, objects[0]
    return -1, None


def _phrase_end(state: ParseState, verb) -> int:
    """Index of the last word of the verb's phrase, a trailing "and" or comma left out: "a guy holding a drink and
    a sandwich" may be parsed with "and" on "holding" and "sandwich" on "guy", so the phrase seems to end at "and".
    FACTUAL train, re-parsed: 3 graphs change, each becoming exact ("a man holding food and a camera" -> (man, hold,
    camera) for (camera, hold, food)); no dev or COCO Karpathy test graph changes."""
    end = verb.right_edge.i
    while end > verb.i and state.tokens[end].lower_ in _LIST_GLUE:
        end -= 1
    return end


def repair_adjective_conjunct(state: ParseState) -> None:
    """ "a man wearing a white tank top and red shorts": the parser coordinates the adjective "red" with
    "top" and leaves "shorts" outside the phrase (the root). An adjective conjunct of a garment right before
    a garment that is not its head describes that garment; it becomes its modifier, and the dangling "and"
    then lists the garment (repair_dangling_conjunct). FACTUAL train, re-parsed with and without this repair: 4
    graphs change, 2 gold relations and 4 gold attributes gained, nothing wrong added or gold lost."""
    for token in state.tokens:
        head = token.head
        if token.dep_ != "conj" or token.tag_ not in ADJECTIVE_TAGS or not is_garment(state, head):
            continue
        if token.i + 1 >= len(state.tokens) or head.tag_ not in NOUN_TAGS:
            continue
        garment = state.tokens[token.i + 1]
        if garment.tag_ in NOUN_TAGS and is_garment(state, garment) and garment.head.i != token.i:
            if not any(kid.dep_ == "conj" for kid in state.kids(token)):
                state.reattach(token, garment, dep="amod")


def repair_worn_colour_list(state: ParseState) -> None:
    """ "man in brown and green striped shirt", "woman wearing grey and white shirt": the parser makes the first
    colour the object of "in"/"wearing" and coordinates the garment with it (or with the wearer). The garment
    after a list of colours and modifiers takes the colour's place; the colour describes it. FACTUAL train: 1
    graph changes, gaining (man, wear, shirt) and (shirt, brown); the other caption was parsed right already."""
    for colour in state.tokens:
        governor = colour.head
        if (
            colour.lower_ not in COLOUR_WORDS
            or colour.tag_ not in NOUN_TAGS | ADJECTIVE_TAGS
            or not is_worn_slot(state, colour)
        ):
            continue
        garment = _garment_after_modifiers(state, colour)
        if garment is not None and garment.dep_ == "conj" and garment.head.i in (colour.i, governor.head.i):
            state.reattach(garment, governor, dep=colour.dep_)
            state.reattach(colour, garment, dep="amod")


def _garment_after_modifiers(state: ParseState, colour):
    """The garment after the colour when only coordinators and modifiers stand between them, else None."""
    for token in state.tokens[colour.i + 1 :]:
        if token.tag_ in NOUN_TAGS and is_garment(state, token):
            # "a young girl wearing white and jeans": two things worn, not one garment's colours
            return token if state.tokens[token.i - 1].lower_ not in (",", "and", "&") else None
        if (
            token.lower_ not in (",", "and", "&")
            and token.tag_ not in ADJECTIVE_TAGS
            and token.lower_ not in COLOUR_WORDS
        ):
            return None
    return None


def repair_dangling_conjunct(state: ParseState) -> None:
    """ "a man wearing red hat and yellow shirt", "a man wearing a shirt and tie": the parser hangs "and"
    on the first noun but makes the noun after it an apposition of the man or the root. A noun with a
    coordinator and no conjunct of its own is coordinated with the noun phrase that starts right after
    the coordinator; it is moved there in the token table. FACTUAL train, re-parsed with and without this
    repair: 16 of 36,137 captions change, each gaining a gold triple (16 added, no wrong one added or gold
    one lost)."""
    for token in state.tokens:
        kids = state.kids(token)
        if not kids or not state.nominal(token):
            continue  # (a leaf first: this runs for every token)
        coordinators = [child for child in kids if child.dep_ == "cc" and child.i > token.i]
        if not coordinators or any(child.dep_ == "conj" for child in kids):
            continue
        partner = _phrase_head_after(state, coordinators[-1])
        if partner is None or (
            partner.dep_ not in _DANGLING_DEPS and not _is_garment_read_as_subject(state, token, partner)
        ):
            continue
        if any(child.dep_ == "dobj" for child in state.kids(partner)):
            continue  # "a white shirt and dress pants": the parser made "dress" a verb; no noun to list
        if partner.head.i != partner.i:
            state.table.children_table[partner.head.i].remove(partner)
        state.relabel(partner, dep="conj")
        state.table.children_table[token.i].append(partner)


# Where the parser leaves the noun after a dangling "and": an apposition, the root, a loose dependent, a number
# of the wearer ("a man wearing black shorts and green top": top nummod of man; FACTUAL train: 1 graph changes,
# gaining (man, wear, top)).
_DANGLING_DEPS = {"appos", "ROOT", "dep", "npadvmod", "nummod"}


def _is_garment_read_as_subject(state: ParseState, listed, partner) -> bool:
    """ "a woman wearing high tops, blue jeans, and a purple shirt is watching the cowboy": the parser makes the
    last garment of the list a second subject of the main verb. (FACTUAL long_dev: 1 gold (woman, wear, shirt)
    gained; train.csv unchanged.)"""
    return partner.dep_ == "nsubj" and is_garment(state, partner) and is_garment(state, listed)


def _phrase_head_after(state: ParseState, coordinator):
    """The noun whose phrase starts right after the coordinator (its modifiers first), or None."""
    start = coordinator.i + 1
    for token in state.tokens[start:]:
        if token.tag_ in VERB_TAGS:
            return None  # "standing in the street and holding papers": a clause, not a noun
        if state.nominal(token) and token.dep_ != "compound":
            modifiers = state.tokens[start : token.i]
            return token if all(start <= word.head.i <= token.i for word in modifiers) else None
    return None


def _runs_into_a_noun(state: ParseState, token) -> bool:
    """ "red cap and plaid shorts" parsed with "plaid" as the conjunct and "shorts" outside the phrase:
    a noun conjunct right before another noun is a split noun phrase, not a list item to move."""
    following = token.i + 1
    return following < len(state.tokens) and state.nominal(state.tokens[following])


def _is_with_object_of(partner, head) -> bool:
    """ "a man with a hat and a woman": after "with", the conjunct may well be coordinated with the head
    itself, as the parser has it."""
    preposition = partner.head
    return partner.dep_ == "pobj" and preposition.lower_ == "with" and preposition.head.i == head.i


def _list_object(state: ParseState, head):
    """The nominal object of the head's "of"/"with" phrase, when it has no conjuncts of its own."""
    for prep in state.kids(head):
        if prep.dep_ == "prep" and (prep.lower_ in _LIST_PREPOSITIONS or prep.lower_ == "in"):
            for obj in state.kids(prep):
                if obj.dep_ != "pobj" or not state.nominal(obj) or any(c.dep_ == "conj" for c in state.kids(obj)):
                    continue
                if prep.lower_ != "in" or is_garment(state, obj):
                    return obj
    return None


def _is_bare(state: ParseState, token) -> bool:
    return not any(child.dep_ in ("det", "poss") or child.dep_ in _POST_MODIFIER_DEPS for child in state.kids(token))


def nominal_conjuncts(state: ParseState, token) -> list:
    """The nouns coordinated with `token` (itself included), partitives followed."""
    conjuncts = state.conjuncts(token)
    if len(conjuncts) == 1:  # most nouns stand alone: no list to filter (3 calls per caption)
        return _resolved(state, conjuncts) if state.nominal(token) else []
    return _resolved(state, [tok for tok in conjuncts if state.nominal(tok)])


def _resolved(state: ParseState, nouns) -> list:
    """Partitives followed; "patches of snow and ice": the parser coordinates "ice" with "snow", and
    what is said of the patches is said of both. FACTUAL train: of 27 captions "N1 of N2 and N3", gold
    gives N3 the relation of N2 in 16 and that of N1 in none; following the conjuncts of a hidden N1's
    N2 changes 6 train graphs, 5 gaining a gold triple ("lots of rocks and rubble in the road" ->
    (rubble, in, road)) and 1 adding a wrong one ("pathway between row of bushes and fencing")."""
    targets = []
    for noun in nouns:
        # `resolve` leaves a noun that is no partitive as it is; asked here, most nouns skip the call (21,000 calls
        # per 4,000 COCO captions).
        target = resolve(state, noun) if noun.i in state.partitives else noun
        if target.i == noun.i:
            targets.append(target)
        else:
            targets.extend(resolve(state, tok) for tok in state.conjuncts(target) if state.nominal(tok))
    return targets if len(targets) < 2 else list(dict.fromkeys(targets))  # most lists hold one noun


def first_nominal_conjunct(state: ParseState, token):
    """ "trees and bushes growing on the lawn": the parser hangs the participle on the last
    conjunct, but it describes them all; walk back to the first."""
    first = token
    while first.dep_ == "conj" and state.nominal(first.head) and first.head.i < first.i:
        first = first.head
    return first


def is_stray_object(state: ParseState, token) -> bool:
    """ "wearing a red hat and a blue scarf": the parser may coordinate the second object with the
    verb instead of the first object; it is still an object of that verb."""
    head = token.head
    return (
        token.dep_ == "conj"
        and state.nominal(token)
        and head.tag_ in VERB_TAGS
        and any(child.dep_ == "dobj" and child.i < token.i for child in state.kids(head))
    )


def distributed_conjuncts(state: ParseState, head, phrase) -> list:
    """The coordinated nouns a post-modifier `phrase` of `head` describes. "rice, onions and broccoli
    on a plate": the parser hangs it on one conjunct, yet FACTUAL puts every conjunct on the plate.
    A phrase describes only conjuncts before it ("a man in a red shirt and a woman": not the woman),
    and only its own head when another conjunct has a phrase of its own."""
    first = first_nominal_conjunct(state, head)
    before = [conjunct for conjunct in state.conjuncts(first) if conjunct.i < phrase.i]
    if len(before) == 1 and before[0].i == head.i:  # the head alone (most phrases): no other conjunct to test
        return _resolved(state, before) if state.nominal(head) else []
    has_own_phrase = any(
        child.dep_ in _POST_MODIFIER_DEPS and child.i > conjunct.i and not _names_the_amount(child, phrase)
        for conjunct in before
        if conjunct.i != head.i
        for child in state.kids(conjunct)
    )
    if has_own_phrase or all(conjunct.i != head.i for conjunct in before):
        return _resolved(state, [head]) if state.nominal(head) else []
    return _resolved(state, [tok for tok in before if state.nominal(tok)])


def _names_the_amount(own_phrase, place_phrase) -> bool:
    """ "two drinks and vase of flowers on a table": an of-phrase completes its noun ("vase of flowers",
    "piece of pineapple") and leaves the list open, so a place phrase after it still places every
    conjunct. FACTUAL train: a place phrase spaCy hangs on N1 or N2 after "N1 of N2" has N1 or N2 related
    to the place in 310 of 390 captions; both captions "X and Y of Z <place> W" place X and Y; the rule
    changes 1 train graph ("statue of horses and a man in a carriage"), adding a gold triple."""
    return own_phrase.lower_ == "of" and place_phrase.lower_ in LOCATIVE_PREPOSITIONS


_NOUN_MODIFIER_TAGS = {"DT", "JJ", "JJR", "JJS", "PRP$", "CD", "NN", "NNS"}
# Nouns that are a verb's adverbial, not its object ("standing half way in the refrigerator", "walking home").
_ADVERBIAL_NOUNS = {"way", "home", "time", "distance", "today", "tonight"}


def repair_participle_object(state: ParseState) -> None:
    """ "small girl holding large donut", "a white horse touching other horse": the parser makes the
    participle's object an adverbial noun of it. A noun right after an -ing verb (past its own modifiers
    only) that hangs on it so is its object. FACTUAL train, re-parsed with and without this repair: 4 of 36,137
    graphs change, each gaining its gold triple and becoming exact, nothing wrong added; of the 25,010 COCO
    Karpathy test captions none change."""
    for token in state.tokens:
        verb = token.head
        if token.dep_ != "npadvmod" or verb.tag_ != "VBG" or verb.i >= token.i:
            continue
        if not state.nominal(token) or token.lower_ in _ADVERBIAL_NOUNS:
            continue
        if any(kid.dep_ == "dobj" for kid in state.kids(verb)):
            continue
        if token.i + 1 < len(state.tokens) and state.tokens[token.i + 1].text == "-":
            continue  # "touching face-to-face": an adverb written with hyphens
        between = state.tokens[verb.i + 1 : token.i]
        if all(word.tag_ in _NOUN_MODIFIER_TAGS and word.head is token for word in between):
            state.relabel(token, dep="dobj")


def repair_participle_object_read_as_preposition_object(state: ParseState) -> None:
    """ "a taxi following a black car", "giraffe following another giraffe": the parser half reads the
    participle as a preposition, a clause on the noun with a preposition's object, or a preposition with a
    direct object, and no rule relates the two nouns. Either way the noun is the participle's object and the
    participle a clause on the noun before it. FACTUAL train: gold writes (car, follow, bus) in 16 of the 17
    captions with "following/follows", and the 6 parsed so had no relation."""
    for verb in state.tokens:
        if verb.tag_ != "VBG" or verb.dep_ not in ("acl", "prep") or not state.nominal(verb.head):
            continue
        kids = state.kids(verb)
        wrong_object = "pobj" if verb.dep_ == "acl" else "dobj"
        objects = [kid for kid in kids if kid.dep_ == wrong_object and kid.i > verb.i and state.nominal(kid)]
        if len(objects) != 1 or any(kid.dep_ in ("dobj", "pobj") and kid is not objects[0] for kid in kids):
            continue
        between = state.tokens[verb.i + 1 : objects[0].i]
        if not all(word.tag_ in _NOUN_MODIFIER_TAGS and word.head is objects[0] for word in between):
            continue  # "standing next to stop sign": the noun is the object of the words between
        state.relabel(objects[0], dep="dobj")
        state.relabel(verb, dep="acl")


def repair_stranded_preposition_object(state: ParseState) -> None:
    """ "hand on a bottle of milk reflected in the mirror", "necklace around woman 's neck": the parser leaves the
    preposition without an object and makes the noun after it a direct object of the noun before, as if that noun
    were a verb. The noun is the preposition's object. FACTUAL train: 1 caption parsed so, and gold relates the
    preposition's head to the noun (long_dev 1 of 1)."""
    for token in state.tokens:
        if token.dep_ != "dobj" or token.head.tag_ not in NOUN_TAGS:
            continue
        preps = [kid for kid in state.kids(token.head) if kid.dep_ == "prep" and kid.i < token.i]
        if preps and not state.kids(preps[-1]):
            state.reattach(token, preps[-1], "pobj")


# Verbs of a hedged place: "in what appears to be a storage area", "in what looks like a zoo".
_SEEMING_VERBS = {"appear", "appears", "appeared", "seem", "seems", "seemed", "look", "looks", "looked"}


def repair_seeming_place_object(state: ParseState) -> None:
    """ "various items in what appears to be a large storage area", "three elephants walking around in what looks
    like a zoo": the parser makes the free relative "what appears to be" the preposition's object, so the place
    is lost; the place the caption hedges is the preposition's object. FACTUAL train: "two people on what appears
    to be a screen" -> (people, on, screen), the one such caption; long_dev 2 of 2 make the hedged noun a node
    ("between what look like two peas" -> (peas, 2)). Runs before the word classes, whose likeness rule would hide
    the noun as what something "looks like"."""
    for what in state.tokens:
        verb = what.head
        if what.lower_ != "what" or what.dep_ != "nsubj" or verb.lower_ not in _SEEMING_VERBS:
            continue
        prep = verb.head
        if verb.dep_ != "pcomp" or prep.dep_ != "prep" or any(kid.dep_ == "pobj" for kid in state.kids(prep)):
            continue
        place = _seemed_noun(state, verb)
        if place is not None:
            state.reattach(place, prep, "pobj")
            state.relabel(verb, dep="dep")


def _seemed_noun(state: ParseState, verb):
    """The noun of "appears to be a N" or "looks like a N", or None."""
    for kid in state.kids(verb):
        if kid.dep_ == "xcomp" and kid.lower_ == "be":
            nouns = [noun for noun in state.kids(kid) if noun.dep_ == "attr" and noun.tag_ in NOUN_TAGS]
            return nouns[0] if nouns else None
        if kid.dep_ == "prep" and kid.lower_ == "like":
            nouns = [noun for noun in state.kids(kid) if noun.dep_ == "pobj" and noun.tag_ in NOUN_TAGS]
            return nouns[0] if nouns else None
    return None


def repair_with_list_item_read_as_verb(state: ParseState) -> None:
    """ "a pizza with leaves and pepperoni on it", "a bathroom with toilet and sink in it": the tagger reads the
    noun after "and" as a base verb and the parser coordinates it with the head of the with-phrase, which wrote
    (pepperoni, on, leaves) or lost the noun. It is the with-phrase's second item: FACTUAL train, all 6 captions
    "X with A and B on/in it" relate both A and B to X; re-parsing train changes 1 graph ("spoon with cheese and
    sauce on it", gaining both gold triples), COCO 4 ((lettuce, on, onions) -> (lettuce, on, sandwich)). Only a word
    the tagger itself read as a base-form verb (the word classes make it a noun before this runs), right after "and"
    (and any determiner or adjective), with a place phrase pointing back ("on it"), whose "and" follows the
    with-object."""
    for token in state.tokens:
        head = token.head
        if token.spacy_token.tag_ != "VB" or token.dep_ != "conj" or head.i >= token.i or not state.nominal(head):
            continue
        coordinators = [kid for kid in state.kids(head) if kid.dep_ == "cc" and kid.i < token.i]
        if not coordinators or any(
            word.tag_ not in _LIST_ITEM_MODIFIER_TAGS for word in _between(state, coordinators[-1], token)
        ):
            continue
        listed = _with_object_ending_at(state, head, coordinators[-1].i - 1)
        if listed is None or not _points_back_to_holder(state, token):
            continue
        state.relabel(token, tag="NN")
        state.reattach(coordinators[-1], listed, "cc")
        state.reattach(token, listed, "conj")


_LIST_ITEM_MODIFIER_TAGS = {"DT", "JJ", "PRP$"}


def _points_back_to_holder(state: ParseState, token) -> bool:
    """The word has a place phrase pointing back with a pronoun ("pepperoni on it", "sink in it")."""
    return any(
        prep.dep_ == "prep" and any(pobj.dep_ == "pobj" and pobj.lower_ in ("it", "them") for pobj in state.kids(prep))
        for prep in state.kids(token)
    )


def _between(state: ParseState, first, last) -> list:
    return state.tokens[first.i + 1 : last.i]


def _with_object_ending_at(state: ParseState, head, end: int):
    """The object of the head's with-phrase whose phrase ends at token `end`, or None."""
    for prep in state.kids(head):
        if prep.dep_ == "prep" and prep.lower_ == "with":
            for pobj in state.kids(prep):
                if pobj.dep_ == "pobj" and pobj.right_edge.i == end and state.nominal(pobj):
                    return pobj
    return None


# A verb form agreeing with one subject only: "a man with a hat and a coat is walking".
_SINGULAR_VERB_FORMS = {"VBZ"}


def repair_with_list_before_singular_verb(state: ParseState) -> None:
    """ "a man with a hat and a coat is walking", "a duck with orange feet and an orange bill is on the table": the
    parser coordinates the noun after "and" with the subject (or makes it a second subject) although the verb agrees
    with one subject only; the noun continues the list of the subject's "with" object. FACTUAL train has no caption
    "X with A and B is ..." (its captions are short); of its 143 noun phrases "X with A and B", gold relates B to
    whatever A is related to in 103, and most of the rest are colour lists ("cake with white and yellow topping");
    a verb in the singular names one subject."""
    for subject in state.tokens:
        verb = subject.head
        if subject.dep_ != "nsubj" or not state.nominal(subject) or not _agrees_in_singular(state, verb):
            continue
        listed = _with_object(state, subject)
        if listed is None:
            continue
        for token in state.tokens[listed.i + 1 : verb.i]:
            stray = (token.dep_ == "conj" and token.head.i == subject.i) or (
                token.dep_ == "nsubj" and token.head.i == verb.i
            )
            if not stray or not state.nominal(token) or can_wear(state, token):
                continue
            if state.tokens[token.left_edge.i - 1].lower_ not in ("and", ",", "&"):
                continue
            if any(kid.dep_ in _POST_MODIFIER_DEPS for kid in state.kids(token)):
                continue  # "guy with cap on and cup in hand shows ...": a phrase of its own, not a list item
            state.reattach(token, listed, dep="conj")


def _agrees_in_singular(state: ParseState, verb) -> bool:
    if verb.tag_ in _SINGULAR_VERB_FORMS:
        return True
    return any(kid.dep_ == "aux" and kid.tag_ in _SINGULAR_VERB_FORMS for kid in state.kids(verb))


def _with_object(state: ParseState, head):
    """The object of the head's own "with" phrase when it has no conjuncts yet, else None."""
    for prep in state.kids(head):
        if prep.dep_ == "prep" and prep.lower_ == "with" and prep.i > head.i:
            objects = [kid for kid in state.kids(prep) if kid.dep_ == "pobj" and state.nominal(kid)]
            if objects and not any(kid.dep_ == "conj" for kid in state.kids(objects[0])):
                return objects[0]
    return None


# Words that start a noun phrase of its own; a participle right before one is no modifier of that noun.
_PHRASE_OPENING_TAGS = {"DT", "PDT", "PRP$", "WDT"}


def repair_list_participle_read_as_verb(state: ParseState) -> None:
    """ "a kitchen with white walls and tiled flooring", "showing windows and domesticated animal", "grass and
    exposed dirt on flat ground": the tagger reads the -ed word after "and" as a past verb, the parser coordinates it
    with the phrase's head and makes the noun after it that verb's object, so the list lost its second item
    ((kitchen, with, flooring)) and the noun its attribute, or gained a verb ((street, park, car)). An -ed word right
    after "and" and a noun, with a bare object right after it and no subject, is that object's modifier, and the
    object the next item of the noun's list. FACTUAL train: "grass and exposed dirt on flat ground", the one caption
    parsed so, writes (dirt, is, exposed) and (grass, on, ground); where the parser reads "A and <participle> B"
    right, gold writes the participle as B's attribute in 5 of 5 ("bed with red cover and folded blanket" ->
    (blanket, is, folded), (bed, with, blanket)). Re-parsing the dev splits and the 25,010 COCO Karpathy test
    captions changes 8 graphs (long_dev 1, gaining (animal, is, domesticated); COCO 7, each gaining the attribute
    and the lost list item, one dropping a wrong (street, park, car))."""
    for participle in state.tokens:
        if not _is_list_participle_read_as_verb(state, participle):
            continue
        listed = first_nominal_conjunct(state, state.tokens[participle.i - 2])
        item = next(kid for kid in state.kids(participle) if kid.dep_ == "dobj")
        for kid in list(state.kids(participle)):
            if kid.i != item.i and kid.dep_ != "cc":
                state.reattach(kid, item, dep=kid.dep_)  # "tiled wall inside of it": the item's own phrase
        state.reattach(state.tokens[participle.i - 1], listed, dep="cc")
        state.reattach(item, listed, dep="conj")
        state.reattach(participle, item, dep="amod")
        state.relabel(participle, tag="VBN")


def _is_list_participle_read_as_verb(state: ParseState, participle) -> bool:
    """An -ed past verb coordinated right after "<noun> and", with no subject, whose object follows it at once
    (past its own modifiers only, no determiner: "and the parked cars" is parsed as a noun phrase)."""
    if participle.spacy_token.tag_ not in ("VBD", "VBN") or participle.dep_ != "conj":
        return False
    # a participle coordinated with a finite verb may be the subject's second action ("a dog jumped over the fence and
    # caught frisbee"), so it is left as the parser read it
    if not participle.lower_.endswith("ed") or participle.i < 2 or participle.head.tag_ in FINITE_VERB_TAGS:
        return False
    listed = state.tokens[participle.i - 2]
    if state.tokens[participle.i - 1].lower_ not in ("and", "or") or not state.nominal(listed):
        return False
    if listed.dep_ == "compound":
        return False
    if any(kid.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for kid in state.kids(participle)):
        return False
    objects = [kid for kid in state.kids(participle) if kid.dep_ == "dobj" and state.nominal(kid)]
    if len(objects) != 1 or objects[0].i <= participle.i:
        return False
    between = state.tokens[participle.i + 1 : objects[0].i]
    return all(word.tag_ not in _PHRASE_OPENING_TAGS and word.head.i == objects[0].i for word in between)


# Tags of the words a bare noun phrase may open with before its noun ("walking [old] man"); no determiner,
# possessive or number: "walking a motorbike", "feeding his dog" are the caption's action.
_BARE_MODIFIER_TAGS = {"JJ", "JJR", "JJS", "NN", "NNS", "VBN", "HYPH"}
# Opening -ing verbs that are the caption's action on the noun, the doer unnamed ("playing frisbee in a park",
# "wearing gold bracelet on right wrist", "holding umbrella"): FACTUAL writes no state for the noun.
_DOERS_ACTIONS = {"playing", "wearing", "holding", "carrying", "riding", "eating", "using"}


def repair_opening_participle_read_as_verb(state: ParseState) -> None:
    """ "walking man in costume", "glowing sun in sky", "hanging basket near a tree": a caption that opens with an
    -ing word right before a bare noun is a noun phrase whose modifier the -ing word is, but the parser makes the
    word the caption's verb and the noun its object, so the noun lost its state ((man, is, walking)). The noun
    is the phrase's head and the -ing word its modifier, as the parser reads it after an article ("a walking man").
    FACTUAL train: of the captions parsed so, gold gives the noun the -ing word as its state or makes the noun the
    word's doer in about 32 of 40 (26 states, 6 doers) once the purpose gerunds are set apart ("cutting board",
    "feeding basket": the name keeps them, as after an article); verbs of handling or wearing are the caption's
    action ("playing frisbee in a park", "wearing gold bracelet on right wrist"). Whole train re-parsed: 28 graphs
    become exact, 4 break."""
    if not state.tokens:
        return
    verb = state.tokens[0]
    if not _is_opening_participle_read_as_verb(state, verb):
        return
    head = next(kid for kid in state.kids(verb) if kid.dep_ == "dobj")
    state.reattach(head, head, dep="ROOT")
    for kid in list(state.kids(verb)):
        if kid.i != head.i:
            state.reattach(kid, head, dep=kid.dep_)
    state.reattach(verb, head, dep="amod")


def _is_opening_participle_read_as_verb(state: ParseState, verb) -> bool:
    """The caption's first word, an -ing verb read as its root, with a bare noun object right after it (past
    adjectives and compounds only) and no subject or auxiliary."""
    if verb.dep_ != "ROOT" or verb.tag_ != "VBG" or not verb.lower_.endswith("ing") or verb.lower_ in _DOERS_ACTIONS:
        return False
    if any(kid.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl") for kid in state.kids(verb)):
        return False
    objects = [kid for kid in state.kids(verb) if kid.dep_ == "dobj"]
    if len(objects) != 1 or not state.nominal(objects[0]) or objects[0].i <= verb.i:
        return False
    between = state.tokens[verb.i + 1 : objects[0].i]
    return all(word.tag_ in _BARE_MODIFIER_TAGS for word in between)


def _participle_clause_verb(state: ParseState, token):
    """The participle whose object or place phrase holds `token`: "wearing [helmet]", "laying on [beach]"."""
    head = token.head
    if token.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif token.dep_ != "dobj":
        return None
    return head if head.tag_ == "VBG" and head.dep_ in ("acl", "ROOT") else None


def _object_after(state: ParseState, verb):
    """The noun right after `verb`, past its own article, possessive and adjectives, or None."""
    for word in state.tokens[verb.i + 1 :]:
        if word.tag_ in ("DT", "PRP$", "JJ", "CD") or (word.dep_ == "compound" and state.nominal(word)):
            continue
        return word if word.tag_ in NOUN_TAGS else None
    return None


def repair_second_participle_read_as_noun_conjunct(state: ParseState) -> None:
    """ "person wearing batting helmet and holding bat", "guy laying on beach and reading book", "woman talking on
    phone and smoking cigarette": the parser coordinates the second participle with the first one's object and hangs
    the second object on the first participle or its preposition, so the person holds nothing. A participle after
    "and" coordinated with that object, followed by a noun, is a second participle of the same subject with that
    noun as its object. FACTUAL train: the three such captions write (subject, second verb, its object)."""
    for verb in state.tokens:
        if verb.dep_ != "conj" or not verb.lower_.endswith("ing") or not state.is_verb(verb.text, "VBG"):
            continue
        listed = verb.head
        if verb.i < 2 or state.tokens[verb.i - 1].lower_ != "and" or not state.nominal(listed):
            continue
        obj = _object_after(state, verb)
        if obj is None:
            continue
        read_as_modifier = (
            listed.dep_ == "nmod"
            and listed.head is obj
            and obj.dep_ == "pobj"
            and not any(child.i < listed.i for child in state.kids(obj) if child.dep_ in ("det", "poss"))
        )  # "leading to a kitchen and dining area": the article opens one phrase, a place listed with a kind of place
        if not read_as_modifier and listed.dep_ != "dobj":
            continue
        first = _participle_clause_verb(state, obj if read_as_modifier else listed)
        if (
            first is None
            or (not read_as_modifier and obj.head not in (first, listed.head))
            or child_towards(obj, first) is not None
        ):
            continue
        if read_as_modifier:
            state.reattach(listed, obj.head, "pobj")  # "laying on beach and reading book": "beach" read as "book"'s
        state.relabel(verb, tag="VBG")
        state.reattach(verb, first, "conj")
        state.reattach(state.tokens[verb.i - 1], first, "cc")
        state.reattach(obj, verb, "dobj")
