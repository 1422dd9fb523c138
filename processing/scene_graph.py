"""The scene graph of one caption: objects, attributes and relations (docs/method.md §3).

Conventions follow FACTUAL (Li et al., Findings of ACL 2023; docs/method.md §3):
lemmatised heads, merged verb+preposition predicates ("sit on"), possession as ``have``, quantities
as digit attributes. The character spans let negative builders swap whole noun phrases instead of
doing the raw substring replace of the original data (docs/method.md §3, "man" also hit "woman").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


Span = tuple[int, int]

ATTRIBUTE_PREDICATE = "is"  # FACTUAL writes an attribute as the triple (object, "is", attribute)
# An HTML tag inside a caption: the parser blanks it, the negatives look past it. A tag starts with a
# letter, "/" or "!", so "a dog < a cat" and "<3" stay text.
HTML_TAG_PATTERN = r"</?[A-Za-z!][^<>]{0,200}>"


@dataclass
class SceneGraph:
    caption: str
    objects: list[str] = field(default_factory=list)  # lemmatised heads, order of appearance
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (object, attribute)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, predicate, object)
    # Char span in `caption` of each attribute word, aligned with `attributes`; None when unknown
    # (e.g. a graph given as triples instead of parsed).
    attribute_spans: list[Span] | None = None
    # Char spans of the subject and object noun phrases (determiner + modifiers + head), aligned
    # with `relations`; None when unknown.
    relation_spans: list[tuple[Span, Span]] | None = None

    def triples(self) -> list[tuple[str, str, str]]:
        """Relations first, then ``(object, "is", attribute)``: the KEE input order (docs/method.md §1)."""
        attribute_triples = [(obj, ATTRIBUTE_PREDICATE, attr) for obj, attr in self.attributes]
        return [tuple(rel) for rel in self.relations] + attribute_triples

    def is_empty(self) -> bool:
        return not (self.objects or self.attributes or self.relations)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (tuples become lists); inverse of :meth:`from_json`."""
        return {
            "caption": self.caption,
            "objects": list(self.objects),
            "attributes": [list(pair) for pair in self.attributes],
            "relations": [list(triple) for triple in self.relations],
            "attribute_spans": _spans_to_json(self.attribute_spans),
            "relation_spans": (
                None
                if self.relation_spans is None
                else [[list(subject), list(obj)] for subject, obj in self.relation_spans]
            ),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SceneGraph:
        if not isinstance(data, dict) or "caption" not in data:
            raise ValueError(f"SceneGraph.from_json expects a dict with a 'caption' key, got {data!r:.200}")
        relation_spans = data.get("relation_spans")
        return cls(
            caption=data["caption"],
            objects=[str(obj) for obj in data.get("objects", [])],
            attributes=[(str(obj), str(attr)) for obj, attr in data.get("attributes", [])],
            relations=[(str(s), str(p), str(o)) for s, p, o in data.get("relations", [])],
            attribute_spans=(
                None if data.get("attribute_spans") is None else [(int(a), int(b)) for a, b in data["attribute_spans"]]
            ),
            relation_spans=(
                None
                if relation_spans is None
                else [((int(s[0]), int(s[1])), (int(o[0]), int(o[1]))) for s, o in relation_spans]
            ),
        )


def _spans_to_json(spans: list[Span] | None) -> list[list[int]] | None:
    return None if spans is None else [list(span) for span in spans]
