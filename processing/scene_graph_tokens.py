"""Per-doc token tables for the scene-graph rules.

Why: spaCy allocates a new `Token` on every `doc[i]`, `Token.children`, `Token.lefts` and re-joins
`Doc.text` on every access; the rules ask for these many times per caption, which cost a sizeable
share of parse time. Building the tables once per doc keeps the rules cheap.
"""

from __future__ import annotations


class TokenTable:
    def __init__(self, doc):
        self.doc = doc
        self.text = doc.text
        self.tokens = list(doc)
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
