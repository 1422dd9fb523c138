"""Per-doc token tables for the scene-graph rules.

Why: spaCy allocates a new `Token` on every `doc[i]`, `Token.head`, `Token.children` and `Token.lefts`,
and looks every label up in its string store on each `tag_`/`dep_`/`lower_` read; the rules ask for these
many times per caption. `Word` copies what the rules read into plain Python attributes once per doc,
and the tables below keep children and left children, so the rules run on Python objects.
"""

from __future__ import annotations


class Word:
    """One token as the rules see it: spaCy's labels copied once, repaired in place (`ParseState.relabel`)
    without touching the caller's doc. One `Word` per position, so identity is equality.
    Spans of the parse tree (`left_edge`, `right_edge`, `subtree`) are read from spaCy's token, whose
    heads `ParseState.reattach` keeps in step. `TokenTable` fills the slots (`head` once every word of the doc
    exists)."""

    __slots__ = (
        "i",
        "idx",
        "text",
        "lower_",
        "tag_",
        "dep_",
        "head",
        "is_alpha",
        "is_space",
        "spacy_token",
        "words",
        "node_lemma",  # scene_graph_nodes.head_lemma's answer, for the tag in node_lemma_tag
        "node_lemma_tag",
    )

    @property
    def left_edge(self) -> Word:
        return self.words[self.spacy_token.left_edge.i]

    @property
    def right_edge(self) -> Word:
        return self.words[self.spacy_token.right_edge.i]

    @property
    def subtree(self):
        return (self.words[token.i] for token in self.spacy_token.subtree)

    def __repr__(self) -> str:
        return self.text


# What the rules read of a spelling (text, lower_, is_alpha, is_space), by spaCy's orth id, and label strings by
# id: spaCy derives these from the spelling alone, yet decodes each from its string store on every read. Read
# once per spelling (and without a call per word or a second pass for `doc.text`), a doc's table costs 18
# instead of 25 microseconds (the token_table stage of benchmarks/parser_stage_speed.py, 4,000 COCO captions);
# benchmarks/parser_speed_against.py against 2.13: rules 0.976 of its time. Cleared when large, so a long run's
# vocabulary cannot grow them without bound.
_SPELLINGS: dict[int, tuple[str, str, bool, bool]] = {}
_LABELS: dict[int, str] = {}
_MAX_REMEMBERED_SPELLINGS = 200_000


def _word_position(word) -> int:
    return word.i


def _remember_spelling(token) -> tuple[str, str, bool, bool]:
    if len(_SPELLINGS) >= _MAX_REMEMBERED_SPELLINGS:
        _SPELLINGS.clear()
    spelling = _SPELLINGS[token.orth] = (token.text, token.lower_, token.is_alpha, token.is_space)
    return spelling


def _remember_label(label_id: int, vocab) -> str:
    label = _LABELS[label_id] = vocab.strings[label_id]
    return label


class TokenTable:
    def __init__(self, doc):
        self.doc = doc
        self.tokens: list[Word] = []
        words, heads, text_pieces = self.tokens, [], []
        spellings, labels, vocab = _SPELLINGS, _LABELS, doc.vocab
        for token in doc:
            word = Word()
            word.i, word.idx, word.spacy_token, word.words = token.i, token.idx, token, words
            word.node_lemma = word.node_lemma_tag = None
            spelling = spellings.get(token.orth) or _remember_spelling(token)
            word.text, word.lower_, word.is_alpha, word.is_space = spelling
            word.tag_ = labels.get(token.tag) or _remember_label(token.tag, vocab)
            word.dep_ = labels.get(token.dep) or _remember_label(token.dep, vocab)
            words.append(word)
            heads.append(token.head.i)
            text_pieces += (word.text, token.whitespace_)
        self.text = "".join(text_pieces)  # `doc.text`, without a second pass over spaCy's tokens
        self.children_table: list[list] = [[] for _ in words]
        self.lefts_table: list[list] = [[] for _ in words]
        for word, head in zip(words, heads, strict=True):
            word.head = words[head]
            if head != word.i:
                self.children_table[head].append(word)
                if word.i < head:
                    self.lefts_table[head].append(word)

    def kids(self, token) -> list:
        """Children of a token in sentence order (same as `Token.children`)."""
        return self.children_table[token.i]

    def lefts(self, token) -> list:
        """Children left of a token, in sentence order (same as `Token.lefts`); the caller must not mutate it."""
        return self.lefts_table[token.i]

    def hand_over_lefts(self, owner, receiver) -> None:
        """Move the owner's left children that stand before the receiver to the receiver (a repaired attachment)."""
        moved = [child for child in self.lefts_table[owner.i] if child.i < receiver.i]
        for child in moved:
            self.children_table[owner.i].remove(child)
            self.lefts_table[owner.i].remove(child)
        self.children_table[receiver.i][:0] = moved
        self.lefts_table[receiver.i][:0] = moved

    def reattach(self, token, head) -> None:
        """Move a token under a new head in the tables (the caller has re-pointed `token.head`)."""
        for table in (self.children_table, self.lefts_table):
            for kids in table:
                if token in kids:
                    kids.remove(token)
        if head.i == token.i:
            return  # the token is the root now
        self.children_table[head.i].append(token)
        self.children_table[head.i].sort(key=lambda kid: kid.i)
        if token.i < head.i:
            self.lefts_table[head.i].append(token)
            self.lefts_table[head.i].sort(key=lambda kid: kid.i)

    def conjuncts(self, token) -> list:
        """The token and everything coordinated with it ("trees and bushes" -> [trees, bushes]).
        A list the parser reads as an apposition plus a conjunction ("a hat, a shirt and a tie":
        shirt is `appos` of hat, tie `conj` of shirt) is one coordination too."""
        result, stack = [], [token]
        while stack:
            current = stack.pop()
            result.append(current)
            for child in self.children_table[current.i]:
                if child.dep_ == "conj" or (child.dep_ == "appos" and self._is_listed(child)):  # (no call per child)
                    stack.append(child)
        return result if len(result) == 1 else sorted(result, key=_word_position)

    def _is_listed(self, token) -> bool:
        return token.dep_ == "appos" and any(child.dep_ == "conj" for child in self.kids(token))
