"""Dependency-parse rules: one spaCy `Doc` -> one `SceneGraph`, following FACTUAL conventions.

Conventions (Li et al., Findings of ACL 2023; docs/method.md §3): heads in the caption's number; verb and
preposition merged ("surf in"); multi-word prepositions kept whole ("in front of", "on top of", "next to");
copula plus adjective gives an attribute; the passive is inverted; possession is `have`; quantities are digit
attributes; conjunctions are expanded. The rules read Penn tags and dependency labels only (the
`attribute_ruler`/`lemmatizer` pipes are off for speed, see scene_graph_lemmas.py).

Phases, each a module of functions over one `ParseState` (scene_graph_state.py):
nodes (scene_graph_nodes.py, quoted text: scene_graph_quotes.py) -> clauses (scene_graph_clauses.py) -> relations (scene_graph_relations.py,
with scene_graph_predicates.py and scene_graph_coordination.py) -> attributes (scene_graph_attributes.py).
Word lists: scene_graph_lexicon.py; lemmas: scene_graph_lemmas.py.
"""

from __future__ import annotations

from .scene_graph import SceneGraph
from .scene_graph_attributes import (
    COPULA_POSITION_WORDS,
    SUBJECT_ADVERBS,
    both_count,
    colour_noun_attributes,
    copula_attributes,
    copula_position_attribute,
    distributed_count_attributes,
    had_part_state,
    ing_modifier_attribute,
    is_copula_part,
    likeness_attribute,
    material_before_modifier_attribute,
    measured_modifier_attribute,
    modifier_attributes,
    paired_part_count,
    part_adjective_attributes,
    partitive_attributes,
    phrase_attribute,
    portion_attribute,
    ready_attribute,
    shape_attributes,
    shortened_name_attribute,
    state_attributes,
    state_before_place_attribute,
    subject_adverb_attribute,
    switched_state_attribute,
    upside_down_attribute,
    with_part_state,
)
from .scene_graph_clauses import (
    relate_gapped_clause,
    relate_stranded_preposition_clause,
    repair_participle_read_as_preposition_object,
)
from .scene_graph_conventions import ATTRIBUTE_VALUES, NON_ATTRIBUTES, NON_PREDICATES, REVERSED_PREDICATES
from .scene_graph_coordination import (
    is_stray_object,
    repair_adjective_conjunct,
    repair_colour_list_compound,
    repair_conjunction_attachment,
    repair_dangling_conjunct,
    repair_garment_apposition,
    repair_hedged_apposition,
    repair_list_attachment,
    repair_list_participle_read_as_verb,
    repair_material_list,
    repair_noun_listed_with_modifier,
    repair_object_list_read_as_subject,
    repair_opening_participle_read_as_verb,
    repair_participle_conjunct,
    repair_participle_object,
    repair_participle_object_read_as_preposition_object,
    repair_place_object_list,
    repair_second_participle_read_as_noun_conjunct,
    repair_seeming_place_object,
    repair_stranded_preposition_object,
    repair_with_list_before_singular_verb,
    repair_with_list_item_read_as_verb,
    repair_worn_colour_list,
)
from .scene_graph_lemmas import ADJECTIVE_TAGS, VERB_TAGS, TagLemmatizer
from .scene_graph_lexicon import POSSESSION_VERBS, ROLE_VERBS, STATES_BEFORE_PLACE
from .scene_graph_nodes import (
    factual_name,
    is_line_particle,
    is_node,
    node_span,
    repair_hyphenated_modifier,
    repair_noun_read_as_adjective_object,
    repair_word_classes,
    resolve,
)
from .scene_graph_predicates import (
    factual_predicate,
    is_particle_with_object,
    repair_instrument_phrase_on_object,
    repair_particle_read_as_adverb,
    repair_possessed_with_phrase,
    repair_preposition_under_degree_adverb,
    repair_preposition_under_particle,
    repair_trick_places,
    repair_with_phrase_on_place_object,
)
from .scene_graph_quotes import mark_quoted_text, relate_quoted_text
from .scene_graph_relations import (
    is_side_by_side,
    relate_compound_owner,
    relate_compound_pair,
    relate_compound_sleeve,
    relate_copula_part,
    relate_covering_participle,
    relate_direct_object,
    relate_line_member,
    relate_line_of,
    relate_lining_line,
    relate_part_adjective,
    relate_passive_agent,
    relate_possessed_state,
    relate_possession_auxiliary,
    relate_possession_auxiliary_of_adjective,
    relate_possession_auxiliary_of_modifier,
    relate_possession_auxiliary_of_word,
    relate_possessive,
    relate_preposition,
    relate_side_by_side,
    relate_small_clause_object,
    relate_unmarked_possessive,
    relate_unnamed_camera,
    relate_unparsed_next_to,
    repair_place_phrase_on_side_by_side,
    reword_displayed_on_device,
    reword_reflection_places,
)
from .scene_graph_state import ParseState


def build_scene_graph(doc, lemmatizer: TagLemmatizer, quoted_text: tuple[int, ...] = ()) -> SceneGraph:
    """`quoted_text`: char offsets of the placeholders the caption cleaner put for quotes."""
    state = ParseState(doc, lemmatizer, quoted_text)
    try:
        repair_colour_list_compound(state)  # before word classes: they hide coordinated colours
        repair_hyphenated_modifier(state)
        repair_material_list(state)
        repair_noun_listed_with_modifier(state)
        repair_noun_read_as_adjective_object(state)
        repair_seeming_place_object(state)  # before word classes: they hide what "looks like" names
        repair_word_classes(state)
        repair_opening_participle_read_as_verb(state)
        repair_preposition_under_particle(state)
        repair_preposition_under_degree_adverb(state)
        repair_particle_read_as_adverb(state)
        mark_quoted_text(state)
        repair_list_attachment(state)
        repair_list_participle_read_as_verb(state)
        repair_participle_conjunct(state)
        repair_participle_object(state)
        repair_participle_object_read_as_preposition_object(state)
        repair_stranded_preposition_object(state)
        repair_with_list_item_read_as_verb(state)
        repair_participle_read_as_preposition_object(state)
        repair_garment_apposition(state)
        repair_hedged_apposition(state)
        repair_conjunction_attachment(state)
        repair_place_object_list(state)
        repair_with_list_before_singular_verb(state)
        repair_object_list_read_as_subject(state)
        repair_adjective_conjunct(state)
        repair_worn_colour_list(state)
        repair_dangling_conjunct(state)
        repair_second_participle_read_as_noun_conjunct(state)
        repair_place_phrase_on_side_by_side(state)
        repair_trick_places(state)
        repair_possessed_with_phrase(state)
        repair_with_phrase_on_place_object(state)
        repair_instrument_phrase_on_object(state)
        for token in state.tokens:  # resolve partitives first so hidden heads are known everywhere
            if token.i in state.partitives and state.nominal(token):  # `resolve` follows partitives only
                resolve(state, token)
        relate_stranded_preposition_clause(state)
        for token in state.tokens:
            if token.dep_ in ("relcl", "ccomp", "advcl", "ROOT") and token.i not in state.graph.verbs_with_relation:
                relate_gapped_clause(state, token)
        _relation_phase(state)
        relate_unparsed_next_to(state)
        relate_unnamed_camera(state)
        reword_reflection_places(state)
        reword_displayed_on_device(state)
        _attribute_phase(state)
        shape_attributes(state)
        distributed_count_attributes(state)
        relate_lining_line(state)
        return to_scene_graph(state)
    finally:
        state.restore_labels()  # the doc keeps spaCy's labels: the same doc parses the same every time


def _relation_phase(state: ParseState) -> None:
    # The word or label each test needs comes first ("by", "prt", "conj"): the tests then run for the few tokens
    # they can hold for, not for every token.
    graph = state.graph
    for token in state.tokens:
        dep = token.dep_
        if token.lower_ == "by" and is_side_by_side(state, token):
            relate_side_by_side(state, token)
        elif dep == "prep" or (dep == "prt" and is_particle_with_object(state, token)):
            relate_preposition(state, token)
        elif token.i in state.quoted_text:
            relate_quoted_text(state, token)
        elif dep == "dobj" or (dep == "conj" and is_stray_object(state, token)):
            relate_direct_object(state, token)
        elif dep == "agent":
            relate_passive_agent(state, token)
        elif dep == "poss":
            relate_possessive(state, token)
        elif dep in ("compound", "amod"):
            relate_compound_owner(state, token)
            if dep == "compound":
                relate_compound_pair(state, token)
            if token.lower_ in ("sleeve", "sleeves"):
                relate_compound_sleeve(state, token)
            relate_covering_participle(state, token)
        elif dep == "ccomp":
            relate_possessed_state(state, token)
        elif dep == "attr" and is_copula_part(state, token):
            relate_copula_part(state, token)
        if state.nominal(token):
            relate_possession_auxiliary(state, token)
        elif dep == "ROOT" and token.tag_ in ADJECTIVE_TAGS:
            relate_possession_auxiliary_of_adjective(state, token)
        elif token.tag_ in VERB_TAGS:
            relate_small_clause_object(state, token)
            relate_possession_auxiliary_of_word(state, token)
            relate_possession_auxiliary_of_modifier(state, token)
        if token.i in graph.lines:
            relate_line_of(state, token)
        if token.i in graph.owned_parts:
            relate_unmarked_possessive(state, token)
        if token.i in graph.name_overrides:
            if is_line_particle(state, token):
                relate_line_member(state, token)
            else:
                relate_part_adjective(state, token)


def _attribute_phase(state: ParseState) -> None:
    graph = state.graph
    for token in state.tokens:
        word = token.lower_
        if token.dep_ == "acomp":
            copula_attributes(state, token)
        elif token.dep_ == "attr":
            colour_noun_attributes(state, token)
        elif token.tag_ in VERB_TAGS and token.i not in graph.name_overrides:  # "is tiled": a tile node
            state_attributes(state, token)
        if token.i in graph.name_overrides:
            part_adjective_attributes(state, token)
        if word == "ready":
            ready_attribute(state, token)
        elif word in SUBJECT_ADVERBS:
            subject_adverb_attribute(state, token)
        elif word in STATES_BEFORE_PLACE:
            state_before_place_attribute(state, token)
        elif word in COPULA_POSITION_WORDS:
            copula_position_attribute(state, token)
        elif word in ("on", "off"):
            switched_state_attribute(state, token)
        elif word == "upside":
            upside_down_attribute(state, token)
        if word == "with" and token.dep_ == "prep":
            with_part_state(state, token)
        elif word in POSSESSION_VERBS:
            had_part_state(state, token)
        elif word == "like":
            likeness_attribute(state, token)
        elif token.dep_ == "npadvmod":
            material_before_modifier_attribute(state, token)
        if is_node(state, token):
            modifier_attributes(state, token)
            paired_part_count(state, token)
            both_count(state, token)
            shortened_name_attribute(state, token)
            portion_attribute(state, token)
            ing_modifier_attribute(state, token)
            phrase_attribute(state, token)
            measured_modifier_attribute(state, token)
            if token.i >= 2 and state.tokens[token.i - 2].lower_ == "upside":
                upside_down_attribute(state, state.tokens[token.i - 2], owner_read=True)
        elif token.i in graph.hidden:
            partitive_attributes(state, token)


# Words that make a predicate no scene relation (see `is_non_scene_predicate`).
_NON_SCENE_PREDICATE_WORDS = {"like", "including", "during"}


def is_non_scene_predicate(predicate: str) -> bool:
    """ "something like a small town", "cot like hospital bed": a likeness relates nothing in the scene, nor does a
    list's "including" ("various items including a bottle"), nor a time phrase ("three men wearing their helmets
    during the day"). No predicate of FACTUAL's train or dev graphs has "like" or "include" in it; re-parsing
    train.csv, the rules wrote 4 "like" and 3 "including" relations, none gold's. FACTUAL train has 11 captions with
    "during" and no predicate with it; the rules wrote a "during" relation in 10 of them, none gold's (long_dev: 1 of
    1, "skiers on the slope during a sunny day").
    An "as" phrase names a role or a time ("olives as topping", "watches as two giraffes mate"), not something
    placed in the scene, except after a verb of use (ROLE_VERBS): FACTUAL train writes an "as" predicate in 2 of
    its 10 captions with "as" ("a tree trunk used as a fence" -> use as; "balance as"); re-parsing train.csv, the
    rules wrote "as" relations in 6 of them, only the "use as" one gold's."""
    words = predicate.split(" ")
    if "as" in words and words[0] not in ROLE_VERBS:
        return True
    return not _NON_SCENE_PREDICATE_WORDS.isdisjoint(words)


def to_scene_graph(state: ParseState) -> SceneGraph:
    """Token references -> names and char spans; duplicates (same tokens, same predicate) dropped."""
    names = {token.i: factual_name(state, token) for token in state.tokens if is_node(state, token)}
    relations, relation_spans, seen = [], [], set()
    # A node is often in several relations: its span is found once (with node_name's one-word shortcut,
    # to_scene_graph 26.5 -> 24.3 us per caption on 4,000 COCO captions).
    spans: dict[int, tuple[int, int]] = {}
    for subject, predicate, obj in state.graph.relations:
        if subject.i not in names or obj.i not in names:
            continue  # a token hidden after the relation was found (e.g. a part noun)
        if predicate in NON_PREDICATES or is_non_scene_predicate(predicate):
            continue  # FACTUAL leaves "a machine for making donuts" (mined), a likeness or a time unrelated (all stay nodes)
        if predicate in REVERSED_PREDICATES:  # "a hill covered in snow": FACTUAL writes (snow, cover, hill)
            subject, predicate, obj = obj, REVERSED_PREDICATES[predicate], subject
        predicate = factual_predicate(predicate)  # FACTUAL's wording ("sit down on" -> "sit on")
        if (subject.i, predicate, obj.i) not in seen:
            seen.add((subject.i, predicate, obj.i))
            relations.append((names[subject.i], predicate, names[obj.i]))
            for node in (subject, obj):
                if node.i not in spans:
                    spans[node.i] = node_span(state, node)
            relation_spans.append((spans[subject.i], spans[obj.i]))
    attributes, attribute_spans, seen_attributes = [], [], set()
    for node, value, span in state.graph.attributes:
        # FACTUAL's attribute vocabulary (mined): "blond" -> blonde; no "tile" or "snowy" attribute at all.
        value = ATTRIBUTE_VALUES.get(value, value)
        if node.i in names and (node.i, span) not in seen_attributes and value not in NON_ATTRIBUTES:
            seen_attributes.add((node.i, span))
            attributes.append((names[node.i], value))
            attribute_spans.append(span)
    return SceneGraph(
        caption=state.text,
        objects=list(dict.fromkeys(names.values())),
        attributes=attributes,
        relations=relations,
        attribute_spans=attribute_spans,
        relation_spans=relation_spans,
    )
