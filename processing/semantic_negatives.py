"""Seeded semantic hard negatives built from a caption's scene graph (docs/method.md §3).

Two kinds, each returned with its own triples:

- **relation swap**: exchange the subject and object noun phrases of one relation (any relation,
  picked by the seed), e.g. "a man riding a horse" -> "a horse riding a man";
- **attribute swap**: exchange the attributes of two *different* objects, e.g.
  "a red car next to a white dog" -> "a white car next to a red dog".

What differs from the original data (docs/method.md §3):

- the original swapped the *first* relation with a raw ``str.replace``, so "man" also hit "woman";
  here the swap works on the parser's character spans (whole words / noun phrases only), fixes
  a/an agreement, sentence-initial capitals and is/are agreement;
- the original copied the previous record's negative when a caption had no relation (a stale
  negative); here such a caption gets :class:`NegativeOutcome` with ``negative=None`` and a
  ``reason`` (one of :data:`NO_NEGATIVE_REASONS`), and :class:`NegativeBatch` counts them;
- a negative whose caption equals the positive (e.g. "a man next to a man") is never returned.

Graphs name nodes by their head, so a relation swap between two objects with the same name ("a big
dog chasing a small dog" -> "a small dog chasing a big dog") keeps a different caption but the same
triples as the positive. It is kept: the caption is a true hard negative for the text tower, even
though the KEE sees no difference. An attribute swap whose triples do not change is dropped, since
there the captions mean the same ("a big dog and a small dog" -> "a small dog and a big dog").

Determinism: every caption gets its own ``random.Random`` seeded from ``sha256(seed, caption)``, so
the negative of a caption depends only on (seed, graph), never on its position in a batch or on
Python's salted ``hash``.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .scene_graph import HTML_TAG_PATTERN, Span
from .scene_graph_lexicon import NUMBER_WORDS


Triple = tuple[str, str, str]
SeedOrRng = int | random.Random

RELATION_SWAP = "relation_swap"
ATTRIBUTE_SWAP = "attribute_swap"
NO_NEGATIVE = "none"

# Why a caption got no negative (the explicit outcome docs/method.md §3 asks for instead of a stale copy).
NOTHING_TO_SWAP = "nothing_to_swap"  # no relation, and fewer than two different objects with attributes
NO_VALID_SWAP = "no_valid_swap"  # candidates exist, but every swap is unchanged, overlapping or unlocatable
NO_NEGATIVE_REASONS = {
    NOTHING_TO_SWAP: "no relation and no two different objects with attributes",
    NO_VALID_SWAP: "every candidate swap would leave the caption unchanged, overlaps, or cannot be "
    "located on whole words in the caption",
}

STRATEGIES = ("random", "relation_first", "attribute_first", "relation_only", "attribute_only")

# Quantifiers parse as modifiers but are not properties: "many sheep ... a many road".
_QUANTIFIERS = {
    "many",
    "several",
    "some",
    "few",
    "other",
    "each",
    "every",
    "all",
    "more",
    "most",
    "another",
    "both",
    "such",
    "same",
    "various",
    "numerous",
    "multiple",
    "lots",
    "much",
    "any",
    "no",
}
# A phrase moved behind one of these would get two determiners: "in her a beautiful girl".
_POSSESSIVES = {"my", "your", "his", "her", "its", "our", "their", "'s", "’s"}
_NUMBER_WORDS = set(NUMBER_WORDS)
_SINGULAR_QUANTITIES = {"1", "one", "a", "an", "single"}
# Words whose first letter does not predict the a/an sound.
_AN_DESPITE_CONSONANT = ("hour", "honest", "honor", "honour", "heir", "8", "11", "18", "80")
_A_DESPITE_VOWEL = ("uni", "use", "usu", "uti", "ura", "eu", "ewe", "one", "once", "ubiq", "u.s")
_MARKUP_TAG = re.compile(HTML_TAG_PATTERN)
_COPULA_NUMBER = {"is": "are", "are": "is", "was": "were", "were": "was", "has": "have", "have": "has"}


@dataclass(frozen=True)
class SemanticNegative:
    caption: str
    triples: list[Triple]  # relations first, then (object, "is", attribute), like SceneGraph.triples()
    kind: str  # RELATION_SWAP or ATTRIBUTE_SWAP
    swapped: tuple[str, str]  # the two caption substrings that were exchanged (for inspection)


@dataclass(frozen=True)
class NegativeOutcome:
    negative: SemanticNegative | None
    reason: str | None = None  # a key of NO_NEGATIVE_REASONS when negative is None

    @property
    def kind(self) -> str:
        return self.negative.kind if self.negative is not None else NO_NEGATIVE


@dataclass
class NegativeBatch:
    outcomes: list[NegativeOutcome] = field(default_factory=list)

    @property
    def captions(self) -> list[str | None]:
        return [o.negative.caption if o.negative else None for o in self.outcomes]

    @property
    def triples(self) -> list[list[Triple] | None]:
        return [o.negative.triples if o.negative else None for o in self.outcomes]

    @property
    def mask(self) -> list[int]:
        """1 where the caption has a real negative: the model's ``negative_mask``."""
        return [int(o.negative is not None) for o in self.outcomes]

    @property
    def counts(self) -> dict[str, int]:
        counts = {RELATION_SWAP: 0, ATTRIBUTE_SWAP: 0, NO_NEGATIVE: 0}
        for outcome in self.outcomes:
            counts[outcome.kind] += 1
        return counts

    @property
    def reason_counts(self) -> dict[str, int]:
        counts = {reason: 0 for reason in NO_NEGATIVE_REASONS}
        for outcome in self.outcomes:
            if outcome.reason is not None:
                counts[outcome.reason] += 1
        return counts


def caption_rng(seed: SeedOrRng, caption: str) -> random.Random:
    """A generator that depends only on (seed, caption): stable across processes and batch order."""
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int or random.Random, got {type(seed).__name__}")
    # surrogatepass: a caption with a lone surrogate is a valid str and must still get its generator
    digest = hashlib.sha256(f"{seed}\x00{caption}".encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


# --------------------------------------------------------------------------------------------
# Relation swap


def relation_swap_candidates(graph) -> list[SemanticNegative]:
    """Every valid relation swap of ``graph``, one per relation at most, in relation order."""
    return _distinct_captions(_swap_relation(graph, index) for index in range(len(graph.relations)))


def relation_swap_negative(graph, seed: SeedOrRng = 0) -> SemanticNegative | None:
    """Swap subject and object noun phrases of one seeded-random relation; None if none works."""
    candidates = relation_swap_candidates(graph)
    return caption_rng(seed, graph.caption).choice(candidates) if candidates else None


def _swap_relation(graph, index: int) -> SemanticNegative | None:
    subject, predicate, obj = graph.relations[index]
    spans = _relation_spans(graph, index)
    if spans is None:
        return None
    subject_span, object_span = spans
    if _overlaps(subject_span, object_span):
        return None
    caption = graph.caption
    if not all(
        _on_word_boundaries(caption, span) and not _after_possessive(caption, span)
        for span in (subject_span, object_span)
    ):
        return None
    first, second = sorted((subject_span, object_span))
    first_text, second_text = caption[slice(*first)], caption[slice(*second)]
    new_caption = _exchange(caption, first, second, fix_copula=True)
    if _normalised(new_caption) == _normalised(caption):
        return None
    triples = _relation_swapped_triples(graph, subject_span, object_span, subject, obj)
    return SemanticNegative(new_caption, triples, RELATION_SWAP, (first_text, second_text))


def _relation_spans_of(graph) -> list | None:
    """The graph's relation spans, or None when missing or not aligned with its relations
    (hand-edited JSON); callers then fall back to whole-word head matching."""
    spans = graph.relation_spans
    return spans if spans is not None and len(spans) == len(graph.relations) else None


def _relation_spans(graph, index: int) -> tuple[Span, Span] | None:
    if _relation_spans_of(graph) is not None:
        subject_span, object_span = graph.relation_spans[index]
        return tuple(subject_span), tuple(object_span)
    # Graph without spans (e.g. built from triples): fall back to whole-word heads, only when each
    # head occurs exactly once, so the swap can never hit the wrong word.
    subject, _, obj = graph.relations[index]
    subject_span = _unique_word_span(graph.caption, subject)
    object_span = _unique_word_span(graph.caption, obj)
    if subject_span is None or object_span is None:
        return None
    return subject_span, object_span


def _relation_swapped_triples(graph, subject_span, object_span, subject, obj) -> list[Triple]:
    """The negative's graph: every mention at one swapped position now names the other entity.

    Attributes inside a noun phrase stay attached to their object (they move with it, or do not
    move at all); an attribute outside every phrase ("the man is tall") now describes whoever
    stands at its place, matched by name.
    """

    def renamed(name: str, span: Span | None) -> str:
        if span is not None:
            if _overlaps(span, subject_span):
                return obj
            if _overlaps(span, object_span):
                return subject
            return name
        return obj if name == subject else subject if name == obj else name

    relation_spans = _relation_spans_of(graph) or [(None, None)] * len(graph.relations)
    relations = [
        (renamed(s, s_span), p, renamed(o, o_span))
        for (s, p, o), (s_span, o_span) in zip(graph.relations, relation_spans, strict=False)
    ]
    phrases = [subject_span, object_span] + [p for pair in (_relation_spans_of(graph) or []) for p in pair]
    attributes = []
    for index, (name, attribute) in enumerate(graph.attributes):
        span = _attribute_span(graph, index)
        inside_a_phrase = span is not None and any(_contains(phrase, span) for phrase in phrases)
        attributes.append((name, attribute) if inside_a_phrase else (renamed(name, None), attribute))
    return _triples(relations, attributes)


def _agree_copula(middle: str, new_first: str, old_first: str) -> str:
    """'the dogs are chasing a cat' -> 'a cat is chasing the dogs': is/are follows the new phrase."""
    if _is_plural_phrase(new_first) == _is_plural_phrase(old_first):
        return middle
    match = re.match(r"\s+(is|are|was|were|has|have)\b", middle, flags=re.IGNORECASE)
    if match is None:
        return middle
    verb = match.group(1)
    return middle[: match.start(1)] + _match_case(_COPULA_NUMBER[verb.lower()], verb) + middle[match.end(1) :]


def _is_plural_phrase(phrase: str) -> bool:
    words = re.findall(r"[A-Za-z0-9']+", phrase.lower())
    if not words:
        return False
    if words[0] in _NUMBER_WORDS - {"one"} or words[0].isdigit() and words[0] != "1":
        return True
    head = words[-1]
    if head in {"men", "women", "people", "children"}:
        return True
    return head.endswith("s") and not head.endswith(("ss", "us", "is"))


# --------------------------------------------------------------------------------------------
# Attribute swap


def attribute_swap_candidates(graph) -> list[SemanticNegative]:
    """Every valid swap of two attributes that belong to two different objects."""
    spans = [_attribute_span(graph, i) for i in range(len(graph.attributes))]
    count = len(graph.attributes)
    return _distinct_captions(_swap_attributes(graph, spans, i, j) for i in range(count) for j in range(i + 1, count))


def _distinct_captions(negatives) -> list[SemanticNegative]:
    """The valid negatives (not None), the first of each caption, in order."""
    candidates, seen = [], set()
    for negative in negatives:
        if negative is not None and negative.caption not in seen:
            seen.add(negative.caption)
            candidates.append(negative)
    return candidates


def attribute_swap_negative(graph, seed: SeedOrRng = 0) -> SemanticNegative | None:
    """Exchange the attributes of two different objects, picked by the seed; None if none works."""
    candidates = attribute_swap_candidates(graph)
    return caption_rng(seed, graph.caption).choice(candidates) if candidates else None


def _swap_attributes(graph, spans, i: int, j: int) -> SemanticNegative | None:
    (object_i, attribute_i), (object_j, attribute_j) = graph.attributes[i], graph.attributes[j]
    # Same object name ("a black dog and a white dog"): the swap would mean the same thing.
    if object_i == object_j or attribute_i.lower() == attribute_j.lower():
        return None
    if not _attributes_compatible(attribute_i, attribute_j):
        return None
    attributes = list(graph.attributes)
    attributes[i], attributes[j] = (object_i, attribute_j), (object_j, attribute_i)
    # "a red and blue car next to a red bus": swapping blue/red would give the car "red" twice.
    if len(set(attributes)) < len(attributes) or set(attributes) == set(graph.attributes):
        return None
    span_i, span_j = spans[i], spans[j]
    if span_i is None or span_j is None or _overlaps(span_i, span_j):
        return None
    caption = graph.caption
    if not (_on_word_boundaries(caption, span_i) and _on_word_boundaries(caption, span_j)):
        return None  # "semi" of "semi-green": swapping part of a word garbles it
    if _attribute_role(graph, span_i) != _attribute_role(graph, span_j):
        return None
    first, second = sorted((span_i, span_j))
    new_caption = _exchange(caption, first, second)
    if _normalised(new_caption) == _normalised(caption):
        return None
    swapped = (caption[slice(*first)], caption[slice(*second)])
    return SemanticNegative(new_caption, _triples(graph.relations, attributes), ATTRIBUTE_SWAP, swapped)


def _attribute_span(graph, index: int) -> Span | None:
    spans = graph.attribute_spans
    if spans is not None and len(spans) == len(graph.attributes):
        return tuple(spans[index])
    return _unique_word_span(graph.caption, graph.attributes[index][1])


def _attribute_role(graph, span: Span) -> tuple[bool, bool]:
    """(inside a relation's noun phrase, looks like a participle): only equal roles swap, so a
    prenominal adjective never lands in a verb's place ("people standing" -> "people yellow")."""
    inside_phrase = any(_contains(phrase, span) for pair in (_relation_spans_of(graph) or []) for phrase in pair)
    word = graph.caption[slice(*span)].lower()
    return inside_phrase, word.endswith("ing") and len(word) > 5


def _attributes_compatible(first: str, second: str) -> bool:
    """Quantities only swap with quantities, and never with 'one' ('two dog and one cats');
    quantifiers ('many', 'other') never swap."""
    if first.lower() in _QUANTIFIERS or second.lower() in _QUANTIFIERS:
        return False
    first_numeric, second_numeric = _is_quantity(first), _is_quantity(second)
    if first_numeric or second_numeric:
        return first_numeric and second_numeric and not {first.lower(), second.lower()} & _SINGULAR_QUANTITIES
    return True


def _is_quantity(attribute: str) -> bool:
    return attribute.isdigit() or attribute.lower() in _NUMBER_WORDS


# --------------------------------------------------------------------------------------------
# Batch


def negative_for_graph(graph, seed: SeedOrRng = 0, strategy: str = "random") -> NegativeOutcome:
    """One negative for one graph, or ``negative=None`` with a reason (never another caption's)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    rng = caption_rng(seed, graph.caption)
    by_kind = {}
    if strategy != "attribute_only":
        by_kind[RELATION_SWAP] = relation_swap_candidates(graph)
    if strategy != "relation_only":
        by_kind[ATTRIBUTE_SWAP] = attribute_swap_candidates(graph)
    available = [kind for kind, candidates in by_kind.items() if candidates]
    if not available:
        return NegativeOutcome(None, _no_negative_reason(graph, strategy))
    if strategy == "random":
        kind = rng.choice(available)
    else:
        preferred = ATTRIBUTE_SWAP if strategy == "attribute_first" else RELATION_SWAP
        kind = preferred if preferred in available else available[0]
    return NegativeOutcome(rng.choice(by_kind[kind]))


def build_negatives(graphs: Sequence, seed: SeedOrRng = 0, strategy: str = "random") -> NegativeBatch:
    """Per caption a negative (or None with a reason); ``.counts`` reports relation/attribute/none."""
    if isinstance(seed, random.Random):
        # One shared generator would make a caption's negative depend on its batch position.
        raise TypeError("build_negatives needs an int seed (each caption derives its own generator)")
    if isinstance(graphs, str):
        raise TypeError("build_negatives takes a list of SceneGraphs; parse captions first (SceneGraphParser)")
    graphs = list(graphs)
    for index, graph in enumerate(graphs):
        if not (hasattr(graph, "caption") and hasattr(graph, "relation_spans")):
            raise TypeError(
                f"graphs[{index}] must be a SceneGraph, got {type(graph).__name__}: {graph!r:.80}; "
                "parse captions first (SceneGraphParser.parse_batch)"
            )
    return NegativeBatch([negative_for_graph(graph, seed, strategy) for graph in graphs])


def _no_negative_reason(graph, strategy: str) -> str:
    has_relation = bool(graph.relations) and strategy != "attribute_only"
    attributed_objects = {name for name, _ in graph.attributes}
    has_attribute_pair = len(attributed_objects) >= 2 and strategy != "relation_only"
    return NO_VALID_SWAP if has_relation or has_attribute_pair else NOTHING_TO_SWAP


# --------------------------------------------------------------------------------------------
# Text surgery on character spans


def _exchange(caption: str, first: Span, second: Span, fix_copula: bool = False) -> str:
    """Exchange two non-overlapping spans (first before second), fixing capitals, a/an, is/are."""
    first_text, second_text = caption[slice(*first)], caption[slice(*second)]
    first_starts_sentence = _MARKUP_TAG.sub("", caption[: first[0]]).strip() == ""  # "<p>A man ..." too
    new_first, new_second = second_text, first_text
    if first_starts_sentence and first_text[:1].isupper():
        new_first, new_second = _capitalise(new_first), _decapitalise(new_second)
    middle = caption[first[1] : second[0]]
    if fix_copula:
        middle = _agree_copula(middle, new_first, first_text)
    head = caption[: first[0]]
    middle = _agree_article(middle, new_second)
    head = _agree_article(head, new_first)
    return head + new_first + middle + new_second + caption[second[1] :]


def _agree_article(text_before: str, following: str) -> str:
    """Make a trailing 'a'/'an' in ``text_before`` agree with the word that now follows it."""
    match = re.search(r"\b(a|an)(\s+)$", text_before, flags=re.IGNORECASE)
    if match is None or not following.strip():
        return text_before
    article = _indefinite_article(following.strip())
    return text_before[: match.start(1)] + _match_case(article, match.group(1)) + match.group(2)


def _indefinite_article(phrase: str) -> str:
    word = phrase.split()[0].lower().strip("\"'(")
    if word.startswith(_AN_DESPITE_CONSONANT):
        return "an"
    if word.startswith(_A_DESPITE_VOWEL):
        return "a"
    return "an" if word[:1] in "aeiou" else "a"


def _unique_word_span(caption: str, word: str) -> Span | None:
    if not word:
        return None
    matches = list(re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", caption, flags=re.IGNORECASE))
    return matches[0].span() if len(matches) == 1 else None


def _on_word_boundaries(caption: str, span: Span) -> bool:
    start, end = span
    if not 0 <= start < end <= len(caption):
        return False
    before = caption[start - 1] if start > 0 else " "
    after = caption[end] if end < len(caption) else " "
    return not (before.isalnum() or before in "-'") and not (after.isalnum() or after == "-")


def _after_possessive(caption: str, span: Span) -> bool:
    words = re.findall(r"[\w'’]+", caption[: span[0]].lower())
    return bool(words) and (words[-1] in _POSSESSIVES or words[-1].endswith(("'s", "’s")))


def _triples(relations, attributes) -> list[Triple]:
    return [tuple(rel) for rel in relations] + [(name, "is", attribute) for name, attribute in attributes]


def _overlaps(a: Span, b: Span) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


def _contains(outer: Span, inner: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _normalised(caption: str) -> str:
    """Lower-case words without articles: "a man next to the man" swaps to the same caption."""
    return " ".join(w for w in re.findall(r"\w+", caption.lower()) if w not in {"a", "an", "the"})


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decapitalise(text: str) -> str:
    first_word = text.split(" ", 1)[0]
    if first_word == "I" or (len(first_word) > 1 and first_word.isupper()):
        return text  # a pronoun or an acronym keeps its capitals
    return text[:1].lower() + text[1:]


def _match_case(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return _capitalise(word) if model[:1].isupper() else word
