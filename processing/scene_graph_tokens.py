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
    heads `ParseState.reattach` keeps in step."""

    __slots__ = ("i", "idx", "text", "lower_", "tag_", "dep_", "head", "is_alpha", "is_space", "spacy_token", "words")

    def __init__(self, token, words: list):
        self.i = token.i
        self.idx = token.idx
        self.text = token.text
        self.lower_ = token.lower_
        self.tag_ = token.tag_
        self.dep_ = token.dep_
        self.is_alpha = token.is_alpha
        self.is_space = token.is_space
        self.spacy_token = token
        self.words = words
        self.head = None  # set once every word of the doc exists

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


class TokenTable:
    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        self.tokens: list[Word] = []
        spacy_tokens = list(doc)
        for token in spacy_tokens:
            self.tokens.append(Word(token, self.tokens))
        for word, token in zip(self.tokens, spacy_tokens, strict=True):
            word.head = self.tokens[token.head.i]
        self.children_table: list[list] = [[] for _ in self.tokens]
        self.lefts_table: list[list] = [[] for _ in self.tokens]
        for token in self.tokens:
            index, head = token.i, token.head.i
            if head != index:
                self.children_table[head].append(token)
                if index < head:
                    self.lefts_table[head].append(token)

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
            stack.extend(child for child in self.kids(current) if child.dep_ == "conj" or self._is_listed(child))
        return sorted(result, key=lambda tok: tok.i)

    def _is_listed(self, token) -> bool:
        return token.dep_ == "appos" and any(child.dep_ == "conj" for child in self.kids(token))
