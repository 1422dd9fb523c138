"""FACTUAL's linearised scene graph text -> SceneGraph, with char spans located in the caption.

FACTUAL's seq2seq parsers (Li et al., Findings of ACL 2023; github zhuang-li/FactualSceneGraph, README
"Usage Example") generate one string per caption::

    ( pigs , is , 2 ) , ( bags , on back of , pigs ) , ( pigs , fly on , sky ) , ( dog )

``( subject , predicate , object )`` is a relation, ``( object , is , attribute )`` an attribute (digits
are quantities), and ``( node )`` an object with no fact. The "-id" checkpoints also mark verbs
``v:``/``pv:`` and repeated nodes ``monkey:1`` (same README, "Enhanced Scene Graph Parsing"); both
marks are dropped here, so every checkpoint family gives the plain format.

A generation is model output, so nothing about it is trusted: :func:`parse_factual_text` keeps every
well-formed fact and lists each malformed piece in ``problems`` (unbalanced or truncated parentheses,
facts with 2 or 4+ slots, empty slots, text outside any fact). Repeated facts are dropped and only
counted: FACTUAL's own gold repeats a fact when two same-named nodes share it. It never raises.

Spans: semantic negatives rewrite the caption on char spans (semantic_negatives.py). The graph names
nodes with caption words, so :func:`scene_graph_from_factual_text` looks each name up as whole words
(case-insensitive, a final plural "s" and number words vs digits ignored):

- a relation's subject/object span is the head occurrence plus, to its left, the words the graph gives
  that node as attributes and one article or number word ("a red car"); modifiers the graph does not
  name ("park" in "park bench") stay outside the span;
- an attribute's span is its occurrence nearest to its object's occurrence.

When a name is missing from the caption (the model paraphrased or lemmatised an irregular plural, e.g.
"men" -> "man") or is ambiguous (it occurs more than once, except a relation between two same-named
nodes that occur exactly twice: first = subject), that span list is set to None for the whole graph.
The negative builders then fall back to their own whole-word matching, which only swaps names that
occur exactly once, so an unlocatable fact can never yield a swap at the wrong place. A name found
several times is resolved to the occurrence nearest the other, unique node of its relation (on a
tie, the object after the subject), an attribute to the occurrence nearest its object (on a tie, the
one before it). Matches inside a longer node's match ("coffee" in "coffee cup") do not count, and a
one-word name also matches two caption words written together ("cellphone" for "cell phone").

Measured on FACTUAL's gold graphs of the random / length / long dev splits, as if a parser generated
them exactly (``python3 benchmarks/factual_span_coverage.py``): relation spans were located for
949 / 973, 908 / 951 and 654 / 742 captions with relations, attribute spans for 427 / 453, 426 / 446
and 500 / 559 captions with attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .scene_graph import ATTRIBUTE_PREDICATE, HTML_TAG_PATTERN, SceneGraph, Span


FACT = re.compile(r"\(([^()]*)\)")
SEPARATOR_ONLY = re.compile(r"[\s,]*")
NODE_INDEX = re.compile(r":\d+$")  # "monkey:1" in the -id checkpoints
VERB_MARK = re.compile(r"^p?v:")  # "v:sit next to", "pv:park on" in the -id checkpoints
WORD = re.compile(r"\w+(?:['’-]\w+)*")
MARKUP = re.compile(HTML_TAG_PATTERN)
NUMBER_WORDS = {w: str(i) for i, w in enumerate("one two three four five six seven eight nine ten".split(), 1)}
DETERMINERS = ("a", "an", "the", "this", "that", "these", "those", "some", "several", "many")
MAX_REPORTED_CHARS = 80

WordRange = tuple[int, int]  # [first word, last word + 1) in the caption's word list


@dataclass
class FactualFacts:
    objects: list[str] = field(default_factory=list)  # every node, order of first mention
    attributes: list[tuple[str, str]] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what was malformed and dropped; empty when clean
    # Repeated facts, dropped. Not a problem: without node indexes two same-named nodes give the same
    # fact, and FACTUAL's own gold repeats facts in 3, 3 and 22 graphs of its random / length / long
    # dev splits (1,000 / 1,000 / 753 graphs; benchmarks/factual_span_coverage.py).
    duplicates: int = 0


def parse_factual_text(text: str) -> FactualFacts:
    """The facts of one generated string; malformed pieces are dropped and listed in ``problems``."""
    facts = FactualFacts()
    if not text or not text.strip():
        facts.problems.append("empty generation")
        return facts
    seen: set[tuple[str, ...]] = set()
    for stray in _text_outside_facts(text):
        facts.problems.append(f"text outside a complete '( ... )' fact: {_short(stray)!r}")
    for match in FACT.finditer(text):
        slots = tuple(" ".join(part.split()) for part in match.group(1).split(","))
        problem = _slot_problem(slots)
        if problem is not None:
            facts.problems.append(f"{problem}: {_short(match.group())!r}")
            continue
        slots = _without_id_marks(slots)
        if slots in seen:
            facts.duplicates += 1
            continue
        seen.add(slots)
        _add_fact(facts, slots)
    return facts


def _text_outside_facts(text: str) -> list[str]:
    """Leftovers between complete facts: an unclosed '( a , b', a stray ')' or free text."""
    pieces = FACT.split(text)[::2]  # split() alternates outside / captured group
    return [piece.strip() for piece in pieces if not SEPARATOR_ONLY.fullmatch(piece)]


def _slot_problem(slots: tuple[str, ...]) -> str | None:
    if len(slots) not in (1, 3):
        return f"fact with {len(slots)} slots (expected 1 or 3)"
    if not all(slots):
        return "fact with an empty slot"
    return None


def _without_id_marks(slots: tuple[str, ...]) -> tuple[str, ...]:
    if len(slots) == 1:
        return (_without_index(slots[0]),)
    subject, predicate, obj = slots
    return _without_index(subject), VERB_MARK.sub("", predicate) or predicate, _without_index(obj)


def _without_index(node: str) -> str:
    return NODE_INDEX.sub("", node) or node


def _add_fact(facts: FactualFacts, slots: tuple[str, ...]) -> None:
    if len(slots) == 1:
        nodes = [slots[0]]
    elif slots[1] == ATTRIBUTE_PREDICATE:
        facts.attributes.append((slots[0], slots[2]))
        nodes = [slots[0]]
    else:
        facts.relations.append(slots)  # type: ignore[arg-type]
        nodes = [slots[0], slots[2]]
    facts.objects.extend(node for node in nodes if node not in facts.objects)


def _short(text: str) -> str:
    return text if len(text) <= MAX_REPORTED_CHARS else text[:MAX_REPORTED_CHARS] + "..."


# --------------------------------------------------------------------------------------------
# Caption spans


def scene_graph_from_factual_text(caption: str, text: str) -> tuple[SceneGraph, list[str]]:
    """(the SceneGraph of ``caption`` from its generated ``text``, the problems found in ``text``)."""
    facts = parse_factual_text(text)
    words = caption_words(caption)
    locator = _Locator(words, facts)
    relation_spans = _relation_spans(caption, words, locator, facts.relations)
    attribute_spans = _attribute_spans(words, locator, facts.attributes)
    graph = SceneGraph(
        caption=caption,
        objects=sorted(facts.objects, key=locator.first_position),
        attributes=facts.attributes,
        relations=facts.relations,
        attribute_spans=attribute_spans,
        relation_spans=relation_spans,
    )
    return graph, facts.problems


def caption_words(caption: str) -> list[tuple[str, Span]]:
    """(matching key, char span) of every word; HTML tags are not words."""
    masked = MARKUP.sub(lambda match: " " * len(match.group()), caption)
    return [(_word_key(match.group()), match.span()) for match in WORD.finditer(masked)]


def _word_key(word: str) -> str:
    key = word.lower().replace("’", "'")
    key = NUMBER_WORDS.get(key, key)
    if key.endswith("'s"):
        key = key[:-2]
    return key[:-1] if key.endswith("s") and not key.endswith("ss") and len(key) > 3 else key


DETERMINER_KEYS = {_word_key(word) for word in DETERMINERS}


class _Locator:
    """Whole-word occurrences of generated phrases in the caption, as word ranges."""

    def __init__(self, words: list[tuple[str, Span]], facts: FactualFacts):
        self.keys = [key for key, _ in words]
        self.attribute_keys: dict[str, set[str]] = {}
        for node, attribute in facts.attributes:
            self.attribute_keys.setdefault(node, set()).update(_phrase_keys(attribute))
        self.node_ranges = {found for node in facts.objects for found in self._matches(node)}

    def occurrences(self, phrase: str) -> list[WordRange]:
        """Matches of ``phrase``, except those inside a longer node's match ("coffee" in "coffee cup")."""
        return [
            found
            for found in self._matches(phrase)
            if not any(other != found and _contains(other, found) for other in self.node_ranges)
        ]

    def _matches(self, phrase: str) -> list[WordRange]:
        wanted = _phrase_keys(phrase)
        size = len(wanted)
        if not size:
            return []
        found = [(i, i + size) for i in range(len(self.keys) - size + 1) if self.keys[i : i + size] == wanted]
        if not found and size == 1:  # "cellphone" for "cell phone"
            found = [(i, i + 2) for i in range(len(self.keys) - 1) if self.keys[i] + self.keys[i + 1] == wanted[0]]
        return found

    def first_position(self, phrase: str) -> int:
        found = self.occurrences(phrase)
        return found[0][0] if found else len(self.keys)

    def noun_phrase(self, node: str, head: WordRange) -> WordRange:
        """The head plus the node's own attribute words to its left, then one article or number."""
        start = head[0]
        modifiers = self.attribute_keys.get(node, set())
        while start > 0 and self.keys[start - 1] in modifiers:
            start -= 1
        if start > 0 and (self.keys[start - 1] in DETERMINER_KEYS or self.keys[start - 1].isdigit()):
            start -= 1
        return start, head[1]


def _phrase_keys(phrase: str) -> list[str]:
    return [_word_key(word) for word in WORD.findall(phrase)]


def _char_span(words: list[tuple[str, Span]], word_range: WordRange) -> Span:
    return words[word_range[0]][1][0], words[word_range[1] - 1][1][1]


def _relation_spans(caption, words, locator: _Locator, relations) -> list[tuple[Span, Span]] | None:
    spans = []
    for subject, _, obj in relations:
        heads = _relation_heads(locator, subject, obj)
        if heads is None:
            return None
        subject_range = locator.noun_phrase(subject, heads[0])
        object_range = locator.noun_phrase(obj, heads[1])
        spans.append((_char_span(words, subject_range), _char_span(words, object_range)))
    return spans


def _relation_heads(locator: _Locator, subject: str, obj: str) -> tuple[WordRange, WordRange] | None:
    """The subject's and object's head occurrences. A name found more than once is resolved to the
    occurrence nearest the other, uniquely found name, on a tie the one on the English word-order side
    (objects follow subjects): "a shirt on a man in a shirt" gives (man, in, the second shirt)."""
    subject_found, object_found = locator.occurrences(subject), locator.occurrences(obj)
    if _phrase_keys(subject) == _phrase_keys(obj):
        # Two same-named nodes ("a dog chasing a dog"): FACTUAL lists the subject first.
        return (subject_found[0], subject_found[1]) if len(subject_found) == 2 else None
    if len(subject_found) == 1 and object_found:
        return subject_found[0], _nearest(object_found, subject_found[0], prefer_after=True)
    if len(object_found) == 1 and subject_found:
        return _nearest(subject_found, object_found[0], prefer_after=False), object_found[0]
    return None


def _nearest(candidates: list[WordRange], anchor: WordRange, prefer_after: bool) -> WordRange:
    """The candidate nearest ``anchor`` in words; of two equally near, the one after it if ``prefer_after``."""
    return min(candidates, key=lambda found: (_word_distance(found, anchor), (found[0] < anchor[0]) == prefer_after))


def _attribute_spans(words, locator: _Locator, attributes) -> list[Span] | None:
    spans = []
    for node, attribute in attributes:
        candidates = locator.occurrences(attribute)
        node_found = locator.occurrences(node)
        if not candidates:
            return None
        if len(node_found) == 1:
            head = node_found[0]
            chosen = _nearest(candidates, head, prefer_after=False)  # adjectives mostly precede their noun
        elif len(candidates) == 1:
            chosen = candidates[0]
        else:
            return None
        spans.append(_char_span(words, chosen))
    return spans


def _word_distance(first: WordRange, second: WordRange) -> int:
    return max(first[0] - second[1], second[0] - first[1], 0)


def _contains(outer: WordRange, inner: WordRange) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]
