"""Attribute rules of the scene-graph builder: adjectives, numbers, materials, copulas and states.

FACTUAL conventions (shared/data/PROVENANCE.md): an attribute is (object, "is", value); quantities
are digits ("five boats" -> 5); copula plus adjective is an attribute ("the cat is black").
A mixin of scene_graph_rules._GraphBuilder, whose token/node helpers it uses.
"""

from __future__ import annotations

from .scene_graph_lemmas import ADJECTIVE_TAGS
from .scene_graph_lexicon import (
    COLOUR_WORDS,
    COLOURED_WORDS,
    INTENSIFIERS,
    MATERIAL_ADJECTIVE_FORM,
    MATERIAL_AND_COLOUR_NOUNS,
    NUMBER_WORDS,
    QUANTIFYING_ADJECTIVES,
    SHADE_WORDS,
)
from .scene_graph_nodes import NodeRules


# A progressive verb with only these dependents relates to nothing: it is a state ("is smiling").
_STATE_VERB_DEPS = {"nsubj", "aux", "auxpass", "advmod", "punct", "neg", "prt", "cc", "mark"}


class AttributeRules(NodeRules):
    def add_attribute(self, nodes, tokens, text: str | None = None) -> None:
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        value = text if text is not None else self.text[start:end].lower()
        if not any(ch.isalnum() for ch in value):
            return
        for node in nodes:
            if self.is_node(node):
                self.attributes.append((node, value, (start, end)))

    def modifier_attributes(self, node) -> None:
        modifiers, stack = [], [node]
        while stack:  # "green park bench": the adjective may hang on a compound of the head
            current = stack.pop()
            for child in self.lefts(current):
                modifiers.append(child)
                if child.dep_ == "compound" and self.nominal(child) and child.lower_ not in MATERIAL_AND_COLOUR_NOUNS:
                    stack.append(child)
        for child in modifiers:
            if child.i in self.relational_modifiers or self.is_name_modifier(child) or child.i in self.fused:
                continue
            if child.lower_ in QUANTIFYING_ADJECTIVES or self._is_shade_of_next_colour(child):
                continue
            if child.dep_ == "nummod" or (child.dep_ == "amod" and child.tag_ == "CD"):
                self.add_attribute([node], [child], NUMBER_WORDS.get(child.lower_, child.lower_))
            elif child.dep_ == "compound" and child.lower_ in MATERIAL_AND_COLOUR_NOUNS:
                self.add_attribute([node], [child], MATERIAL_ADJECTIVE_FORM.get(child.lower_))
            elif child.dep_ == "amod":
                for adjective in self.conjuncts(child):
                    self.add_attribute([node], *self._adjective_tokens(adjective))

    def _is_shade_of_next_colour(self, token) -> bool:
        """"dark green leaves": `dark` is emitted inside "dark green", not on its own."""
        following = self.tokens[token.i + 1] if token.i + 1 < len(self.tokens) else None
        return token.lower_ in SHADE_WORDS and following is not None and following.lower_ in COLOUR_WORDS

    def _adjective_tokens(self, adjective):
        """(tokens, text) of one attribute: "partly cloudy" and "heart-shaped" stay whole, "dark green"
        fuses the shade word, "red colored" is "red", "very large" drops the intensifier."""
        doc = self.tokens
        if adjective.lower_ in COLOURED_WORDS and adjective.i > 0 and doc[adjective.i - 1].lower_ in COLOUR_WORDS:
            self.fused.add(adjective.i - 1)
            return [doc[adjective.i - 1]], None
        start = adjective.i
        while start > 0:
            previous = doc[start - 1]
            if previous.text == "-" and start >= 2:
                start -= 2
            elif previous.dep_ in ("advmod", "npadvmod") and previous.head.i == adjective.i and previous.lower_ not in INTENSIFIERS:
                start -= 1
            elif previous.lower_ in SHADE_WORDS and adjective.lower_ in COLOUR_WORDS:
                self.fused.add(previous.i)
                start -= 1
            else:
                break
        return doc[start : adjective.i + 1], None

    def copula_attributes(self, complement) -> None:
        """"the cat is black" / "a bag that is red" -> (cat, black), (bag, red)."""
        copula = complement.head
        if complement.i in self.relational_modifiers or any(
            (c.dep_ == "prep" and not self._is_in_colour(c)) or c.dep_ in ("xcomp", "ccomp")
            for c in self.kids(complement)
        ):
            return  # "is full of water" is a relation; "is about to hit" no attribute
        subjects = self.subjects_of(copula)
        for adjective in self.conjuncts(complement):
            if adjective.tag_ in ADJECTIVE_TAGS or adjective.tag_ == "VBN":
                self.add_attribute(subjects, *self._adjective_tokens(adjective))

    def _is_in_colour(self, prep) -> bool:
        """"white in color" is just "white"."""
        return prep.lower_ == "in" and any(c.lower_ in ("color", "colour") for c in self.kids(prep))

    def state_attributes(self, verb) -> None:
        """An intransitive progressive verb is a state: "a woman is smiling" -> (woman, smiling)."""
        if verb.tag_ != "VBG" or verb.i in self.verbs_with_relation or verb.i in self.nominal_overrides:
            return
        if verb.dep_ == "advcl" and any(child.dep_ == "mark" for child in self.kids(verb)):
            return  # "... while texting": a side action, not a visible state
        if any(child.dep_ not in _STATE_VERB_DEPS for child in self.kids(verb)):
            return  # anything beyond subject/aux/adverbs means the verb relates to something
        self.add_attribute(self.subjects_of(verb), [verb])

