"""Node rules of the scene-graph builder: which tokens are objects, and their names and spans.

FACTUAL conventions (shared/data/PROVENANCE.md): nodes are lemmatised heads with their kind-naming
compounds ("tennis player"); partitives are skipped ("a bunch of birds" -> bird). Region captions
are often fragments, so a few tagger slips are repaired here (`_find_nominal_overrides`).
"""

from __future__ import annotations

from .scene_graph_lemmas import ADJECTIVE_TAGS, NOUN_TAGS, VERB_TAGS, TagLemmatizer
from .scene_graph_lexicon import (
    ING_NOUNS,
    MATERIAL_AND_COLOUR_NOUNS,
    PARTITIVE_NOUNS,
    POSITIONAL_MODIFIERS,
    PRONOUN_NODES,
    PURPOSE_GERUNDS,
)
from .scene_graph_tokens import TokenTable


_ARGUMENT_DEPS = {"pobj", "dobj", "nsubj", "nsubjpass"}
_NOT_NOUNS = {"other", "others", "one", "ones", "each", "both", "many", "few", "several", "more", "most", "all"}
_CLAUSE_DEPS = {"nsubj", "nsubjpass", "expl", "aux", "auxpass", "dobj", "ccomp", "xcomp"}
_NON_PHRASE_DEPS = {"poss", "case", "punct", "cc", "prep", "conj", "relcl", "acl"}


class NodeRules(TokenTable):
    """Object tokens of one doc (after partitive and tagger-slip repairs), their names and spans."""

    def __init__(self, doc, lemmatizer: TagLemmatizer):
        super().__init__(doc)
        self.lemma = lemmatizer.lemma
        self.noun_lemma = lemmatizer.noun_lemma
        self.hidden: set[int] = set()  # token ids that are not nodes (partitive / part-noun heads)
        self.consumed_preps: set[int] = set()  # prepositions already merged into a longer predicate
        self.name_prefixes: dict[int, list[str]] = {}  # extra words of a node name ("cutting board")
        self.nominal_overrides: set[int] = set()
        self.nominal_overrides = self._find_nominal_overrides()
        # The reverse slip: "a cake cut by a knife" tags `cut` NN, yet a word with a passive agent
        # ("by a knife") is a participle, never an object.
        self.verbal_overrides = {token.i for token in self.tokens if token.tag_ in NOUN_TAGS
                                 and any(child.dep_ == "agent" for child in self.kids(token))}

    def nominal(self, token) -> bool:
        if token.i in self.verbal_overrides:
            return False
        return token.tag_ in NOUN_TAGS or token.i in self.nominal_overrides

    def _find_nominal_overrides(self) -> set:
        """Region descriptions are often fragments ("awning on the building") whose first noun the
        tagger takes for a verb; such a subjectless, objectless verb root is a noun."""
        overrides, phrase_start = set(), True  # phrase_start: only DT/JJ/CD seen since the sentence began
        for token in self.tokens:
            if token.lower_ in PRONOUN_NODES and token.dep_ in ("nsubj", "nsubjpass"):
                overrides.add(token.i)
            if token.dep_ in _ARGUMENT_DEPS and token.tag_ in ADJECTIVE_TAGS and token.lower_ not in _NOT_NOUNS:
                overrides.add(token.i)  # "a flock of geese": a tagger slip in an argument slot
            if token.lower_ in ING_NOUNS and token.dep_ in _ARGUMENT_DEPS | {"pcomp"}:
                overrides.add(token.i)  # "hanging from building"
            if token.i > 0 and self.tokens[token.i - 1].tag_ == ".":
                phrase_start = True  # (token.is_sent_start would rescan the whole doc per call)
            if phrase_start and token.tag_ in VERB_TAGS and token.dep_ == "ROOT":
                is_noun_like = token.tag_ in ("VB", "VBP", "VBZ") or token.lower_ in ING_NOUNS
                if is_noun_like and not any(child.dep_ in _CLAUSE_DEPS for child in self.kids(token)):
                    overrides.add(token.i)
            phrase_start = phrase_start and token.tag_ in ("DT", "JJ", "CD", "PRP$")
        return overrides

    def resolve(self, token):
        """Follow partitives: "a bunch of birds" is about the birds."""
        seen = 0
        while self.nominal(token) and token.lower_ in PARTITIVE_NOUNS and seen < 8:
            target = self._of_object(token)
            if target is None:
                break
            self.hidden.add(token.i)
            token, seen = target, seen + 1
        return token

    def _has_pronoun_of(self, token) -> bool:
        return any(
            child.dep_ == "prep" and child.lower_ == "of" and any(g.tag_ == "PRP" for g in self.kids(child))
            for child in self.kids(token)
        )

    def _of_object(self, token):
        for child in self.kids(token):
            if child.dep_ == "prep" and child.lower_ == "of":
                for grandchild in self.kids(child):
                    if grandchild.dep_ == "pobj" and self.nominal(grandchild):
                        self.consumed_preps.add(child.i)
                        return grandchild
        return None

    def is_node(self, token) -> bool:
        if not self.nominal(token) or token.i in self.hidden:
            return False
        return not (token.dep_ == "compound" and self._compound_is_merged(token))

    def _compound_is_merged(self, token) -> bool:
        # Kind-naming compounds join the head ("tennis player"); material/colour ones become
        # attributes (modifier_attributes). Either way the modifier is no node of its own.
        return self.nominal(token.head)

    def node_name(self, token) -> str:
        """Lemmatised head plus its kind-naming compounds and positional modifiers, written as in
        the caption ("t-shirt", "tennis player", "front leg")."""
        if token.lower_ in PRONOUN_NODES and token.i in self.nominal_overrides:
            return PRONOUN_NODES[token.lower_]
        first = self._name_start(token)
        prefix = " ".join(self.name_prefixes.get(token.i, []))
        modifiers = self.text[self.tokens[first].idx : token.idx].lower()
        head = self.lemma(token.text, token.tag_) if token.tag_ in NOUN_TAGS else self.noun_lemma(token.text)
        return " ".join(part for part in (prefix, " ".join(modifiers.split()), head) if part).replace(" - ", "-").replace("- ", "-")

    def _name_start(self, token) -> int:
        """Index of the first word of the name: contiguous compounds (recursively) and positional
        modifiers; colours, materials and adjectives on those compounds stay out."""
        first = token.i
        for child in reversed(self.lefts(token)):
            if child.text == "-" and child.i == first - 1:
                continue  # "t-shirt"
            gap = first - 1 - child.i
            if gap > 1 or (gap == 1 and self.tokens[first - 1].text != "-"):
                break
            is_name_part = child.dep_ == "compound" and self.nominal(child) and child.lower_ not in MATERIAL_AND_COLOUR_NOUNS
            if is_name_part:
                first = self._name_start(child)
            elif self.is_name_modifier(child):
                first = child.i
            else:
                break
        return first

    def is_name_modifier(self, modifier) -> bool:
        """Modifiers that stay in the node name: "left shoe", "front legs", "living room"."""
        return (
            modifier.dep_ in ("amod", "compound")
            and modifier.i + 1 == modifier.head.i
            and (modifier.lower_ in POSITIONAL_MODIFIERS or modifier.lower_ in PURPOSE_GERUNDS)
        )

    def node_span(self, token) -> tuple[int, int]:
        """Char span of the noun phrase: determiner + adjacent left modifiers + head. A possessor
        ("the man 's") is left out so that two related phrases never overlap."""
        start = token.i
        for child in reversed(self.lefts(token)):
            if child.dep_ in _NON_PHRASE_DEPS or child.right_edge.i != start - 1:
                break
            start = child.left_edge.i
        while start < token.i and self.tokens[start].is_space:
            start += 1  # leading whitespace (or blanked markup) is no part of the phrase
        return self.tokens[start].idx, token.idx + len(token.text)
