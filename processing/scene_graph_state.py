"""The per-caption state every scene-graph rule reads and writes: token tables plus the graph so far.

Rules are plain functions `rule(state, token)` grouped by phase (nodes, coordination, clauses,
predicates, relations, attributes); this object is the only thing they share, so each rule module
can be read and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .scene_graph_lemmas import NOUN_TAGS, TagLemmatizer
from .scene_graph_tokens import TokenTable


@dataclass
class GraphUnderConstruction:
    """What the rules have found so far, as token references (names and spans come at the end)."""

    relations: list = field(default_factory=list)  # (subject token, predicate, object token)
    attributes: list = field(default_factory=list)  # (node token, attribute text, (start, end))
    hidden: set = field(default_factory=set)  # token ids that are no nodes (partitive / part-noun heads)
    consumed_preps: set = field(default_factory=set)  # prepositions already merged into a longer predicate
    name_prefixes: dict = field(default_factory=dict)  # extra words of a node name ("cutting board")
    name_overrides: dict = field(default_factory=dict)  # token id -> node name ("haired" -> "hair")
    relational_modifiers: set = field(default_factory=set)  # adjectives/adverbs used as predicate heads
    verbs_with_relation: set = field(default_factory=set)  # verbs that already relate two nodes
    fused: set = field(default_factory=set)  # shade words already part of a colour attribute
    owners: set = field(default_factory=set)  # compounds that own their head ("tree branches"): nodes
    lines: set = field(default_factory=set)  # looked-through heads that stay a node ("a line of trees"): in it
    head_parts: set = field(default_factory=set)  # compounds that are a part of their head ("short sleeve shirt")
    owned_parts: dict = field(default_factory=dict)  # owner token id -> its part ("on mans head"): the place
    unnamed_cameras: list = field(default_factory=list)  # (takers, picture token): "taking a photo" -> camera
    fixtures: set = field(default_factory=set)  # named things on the pole or post they name ("street light pole")


class ParseState:
    """One doc's token tables, word-class repairs and graph under construction."""

    def __init__(self, doc, lemmatizer: TagLemmatizer, quoted_text: tuple[int, ...] = ()):
        self.table = TokenTable(doc)
        self.text = self.table.text
        self.tokens = self.table.tokens
        self.kids = self.table.kids
        self.lefts = self.table.lefts
        self.conjuncts = self.table.conjuncts
        self.lemma = lemmatizer.lemma
        self.noun_lemma = lemmatizer.noun_lemma
        self.is_verb = lemmatizer.is_verb
        self.is_noun_only = lemmatizer.is_noun_only
        self.is_noun_not_adverb = lemmatizer.is_noun_not_adverb
        self.is_word = lemmatizer.is_word
        # Tagger repairs (scene_graph_nodes.repair_word_classes fills them before any rule runs).
        self.nominal_overrides: set[int] = set()  # tokens that act as nouns whatever their tag
        self.verbal_overrides: set[int] = set()  # noun-tagged tokens that are participles
        self.partitives: set[int] = set()  # nouns looked through to their "of" object ("a bunch of")
        self.reattached: list = []  # (spaCy token, head) as parsed, for tokens whose head was repaired
        self.graph = GraphUnderConstruction()
        # Tokens standing for a quote (scene_graph_text.QUOTED_TEXT at these char offsets).
        self.quoted_text: set[int] = (
            {token.i for token in self.tokens if token.idx in quoted_text} if quoted_text else set()
        )

    def relabel(self, token, tag: str | None = None, dep: str | None = None) -> None:
        """Repair a tagger or parser label, every rule reading the repaired one. Only this doc's `Word`
        changes; the caller's spaCy doc keeps its labels."""
        if tag is not None:
            token.tag_ = tag
        if dep is not None:
            token.dep_ = dep

    def reattach(self, token, head, dep: str) -> None:
        """Repair a parser attachment. spaCy's head moves too, so the tree spans it derives (`left_edge`,
        `subtree`) follow the repair; `restore_labels` puts spaCy's heads back."""
        self.reattached.append((token.spacy_token, token.spacy_token.head))
        self.relabel(token, dep=dep)
        token.head = head
        token.spacy_token.head = head.spacy_token
        self.table.reattach(token, head)

    def restore_labels(self) -> None:
        """Leave the caller's doc as it was parsed: the same doc parses the same every time."""
        for spacy_token, head in reversed(self.reattached):
            spacy_token.head = head
        self.reattached.clear()

    def nominal(self, token) -> bool:
        """Whether a token is a noun, after the tagger repairs."""
        if token.i in self.verbal_overrides:
            return False
        return token.tag_ in NOUN_TAGS or token.i in self.nominal_overrides
