"""Semantic negatives (docs/method.md §3) on hand-built scene graphs: no spaCy needed, milliseconds each."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from processing import SceneGraph
from processing.semantic_negatives import (
    ATTRIBUTE_SWAP,
    NO_NEGATIVE,
    NO_NEGATIVE_REASONS,
    NO_VALID_SWAP,
    NOTHING_TO_SWAP,
    RELATION_SWAP,
    attribute_swap_candidates,
    attribute_swap_negative,
    build_negatives,
    negative_for_graph,
    relation_swap_candidates,
    relation_swap_negative,
)


def span(caption: str, text: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = caption.index(text, start + 1)
    return start, start + len(text)


def relation_graph(caption, relations, phrases, attributes=(), attribute_words=()):
    """relations[i] gets the noun-phrase spans of phrases[i] = (subject text, object text)."""
    return SceneGraph(
        caption=caption,
        objects=sorted({name for rel in relations for name in (rel[0], rel[2])}),
        attributes=list(attributes),
        relations=list(relations),
        attribute_spans=[span(caption, word) for word in attribute_words],
        relation_spans=[(span(caption, s), span(caption, o)) for s, o in phrases],
    )


def attribute_graph(caption, attributes, words):
    return SceneGraph(
        caption=caption,
        objects=sorted({o for o, _ in attributes}),
        attributes=list(attributes),
        relations=[],
        attribute_spans=[span(caption, w) for w in words],
        relation_spans=[],
    )


MAN_HORSE = relation_graph("A man riding a horse.", [("man", "ride", "horse")], [("A man", "a horse")])


def red_car_behind_black_dog():
    """One relation between two objects that each have an attribute: both kinds of negative are possible."""
    return relation_graph(
        "a red car behind a black dog",
        [("car", "behind", "dog")],
        [("a red car", "a black dog")],
        attributes=[("car", "red"), ("dog", "black")],
        attribute_words=["red", "black"],
    )


def test_relation_swap_exchanges_noun_phrases_and_triples():
    negative = relation_swap_negative(MAN_HORSE, seed=0)
    assert negative.caption == "A horse riding a man."
    assert negative.triples == [("horse", "ride", "man")]
    assert negative.kind == RELATION_SWAP


def test_relation_swap_fixes_articles_and_capitals():
    graph = relation_graph("A man next to an elephant", [("man", "next to", "elephant")], [("man", "elephant")])
    assert relation_swap_negative(graph).caption == "An elephant next to a man"


def test_relation_swap_fixes_copula_number():
    graph = relation_graph("The dogs are chasing a cat", [("dog", "chase", "cat")], [("The dogs", "a cat")])
    assert relation_swap_negative(graph).caption == "A cat is chasing the dogs"


def test_whole_words_only_man_does_not_hit_woman():
    # Without spans the fallback locates heads as whole words; the original's str.replace would
    # also have turned "woman" into "wodog" (docs/method.md §3).
    graph = SceneGraph("a woman and a man with a dog", ["woman", "man", "dog"], [], [("man", "with", "dog")])
    negative = relation_swap_negative(graph)
    assert negative.caption == "a woman and a dog with a man"
    assert "woman" in negative.caption


def test_head_only_fallback_refuses_ambiguous_words():
    graph = SceneGraph("a man next to a man and a dog", ["man", "dog"], [], [("man", "next to", "dog")])
    assert relation_swap_candidates(graph) == []


def test_any_relation_can_be_swapped_and_seed_picks_it():
    caption = "A woman riding a horse next to a man."
    graph = relation_graph(
        caption,
        [("woman", "ride", "horse"), ("woman", "next to", "man")],
        [("A woman", "a horse"), ("A woman", "a man")],
    )
    captions = {c.caption for c in relation_swap_candidates(graph)}
    assert captions == {"A horse riding a woman next to a man.", "A man riding a horse next to a woman."}
    picked = {relation_swap_negative(graph, seed).caption for seed in range(40)}
    assert picked == captions  # not always the first relation, unlike the original


def test_other_relations_follow_the_swapped_positions():
    caption = "A woman riding a horse next to a man."
    graph = relation_graph(
        caption,
        [("woman", "ride", "horse"), ("woman", "next to", "man")],
        [("A woman", "a horse"), ("A woman", "a man")],
    )
    by_caption = {c.caption: c.triples for c in relation_swap_candidates(graph)}
    expected = [("man", "ride", "horse"), ("man", "next to", "woman")]
    assert by_caption["A man riding a horse next to a woman."] == expected


def test_attributes_inside_a_moved_phrase_stay_with_their_object():
    graph = red_car_behind_black_dog()
    negative = relation_swap_negative(graph)
    assert negative.caption == "a black dog behind a red car"
    assert negative.triples == [("dog", "behind", "car"), ("car", "is", "red"), ("dog", "is", "black")]


def test_attribute_of_an_unmoved_namesake_stays_put():
    caption = "a man riding a horse next to a tall man"
    graph = relation_graph(
        caption,
        [("man", "ride", "horse"), ("man", "next to", "man")],
        [("a man", "a horse"), ("a man", "a tall man")],
        attributes=[("man", "tall")],
        attribute_words=["tall"],
    )
    negative = next(c for c in relation_swap_candidates(graph) if c.caption.startswith("a horse"))
    assert negative.caption == "a horse riding a man next to a tall man"
    assert negative.triples == [("horse", "ride", "man"), ("horse", "next to", "man"), ("man", "is", "tall")]


def test_predicative_attribute_follows_the_position():
    caption = "the dog chasing the cat is black"
    graph = relation_graph(
        caption,
        [("dog", "chase", "cat")],
        [("the dog", "the cat")],
        attributes=[("dog", "black")],
        attribute_words=["black"],
    )
    assert relation_swap_negative(graph).triples == [("cat", "chase", "dog"), ("cat", "is", "black")]


def test_identical_phrases_give_no_negative():
    graph = relation_graph("A man next to a man.", [("man", "next to", "man")], [("A man", "a man")])
    assert relation_swap_negative(graph) is None
    outcome = negative_for_graph(graph)
    assert outcome.negative is None and outcome.reason == NO_VALID_SWAP and outcome.kind == NO_NEGATIVE


def test_possessive_slot_is_not_swapped():
    caption = "A girl holding a banana in her hands"
    graph = relation_graph(caption, [("girl", "have", "hand")], [("A girl", "hands")])
    assert relation_swap_candidates(graph) == []


def test_attribute_swap_between_different_objects():
    graph = attribute_graph("an old man and a young woman", [("man", "old"), ("woman", "young")], ["old", "young"])
    negative = attribute_swap_negative(graph)
    assert negative.caption == "a young man and an old woman"
    assert negative.triples == [("man", "is", "young"), ("woman", "is", "old")]
    assert negative.kind == ATTRIBUTE_SWAP


def test_attribute_swap_never_within_one_object():
    graph = attribute_graph("a big red car", [("car", "big"), ("car", "red")], ["big", "red"])
    assert attribute_swap_candidates(graph) == []
    assert negative_for_graph(graph).reason == NOTHING_TO_SWAP


def test_attribute_swap_skips_same_named_objects():
    # Two dogs: swapping gives "a white dog and a black dog", the same meaning.
    caption = "a black dog and a white dog"
    graph = SceneGraph(
        caption,
        ["dog", "dog"],
        [("dog", "black"), ("dog", "white")],
        [],
        [span(caption, "black"), span(caption, "white")],
        [],
    )
    assert attribute_swap_candidates(graph) == []


def test_quantities_only_swap_with_quantities():
    caption = "two dogs and three red cats"
    graph = attribute_graph(caption, [("dog", "2"), ("cat", "3"), ("cat", "red")], ["two", "three", "red"])
    assert [c.caption for c in attribute_swap_candidates(graph)] == ["three dogs and two red cats"]


def test_build_negatives_counts_and_never_reuses_a_previous_negative():
    nothing = SceneGraph("a dog", ["dog"], [], [], [], [])
    attribute = attribute_graph("an old man and a young woman", [("man", "old"), ("woman", "young")], ["old", "young"])
    batch = build_negatives([MAN_HORSE, nothing, attribute, nothing], seed=3)
    assert batch.counts == {RELATION_SWAP: 1, ATTRIBUTE_SWAP: 1, NO_NEGATIVE: 2}
    assert batch.captions[1] is None and batch.captions[3] is None  # no stale copy (docs/method.md §3)
    assert batch.mask == [1, 0, 1, 0]
    assert batch.reason_counts[NOTHING_TO_SWAP] == 2
    assert set(batch.reason_counts) == set(NO_NEGATIVE_REASONS)


def test_negatives_depend_on_seed_and_caption_not_batch_position():
    caption = "A woman riding a horse next to a man."
    graph = relation_graph(
        caption,
        [("woman", "ride", "horse"), ("woman", "next to", "man")],
        [("A woman", "a horse"), ("A woman", "a man")],
    )
    alone = build_negatives([graph], seed=7).captions[0]
    shifted = build_negatives([MAN_HORSE, MAN_HORSE, graph], seed=7).captions[2]
    assert alone == shifted == build_negatives([graph], seed=7).captions[0]
    assert len({build_negatives([graph], seed=s).captions[0] for s in range(20)}) == 2


def test_strategies_prefer_or_restrict_kinds():
    graph = red_car_behind_black_dog()
    assert negative_for_graph(graph, strategy="relation_only").kind == RELATION_SWAP
    assert negative_for_graph(graph, strategy="attribute_first").kind == ATTRIBUTE_SWAP
    assert negative_for_graph(graph, strategy="attribute_only").negative.caption == "a black car behind a red dog"
    kinds = {negative_for_graph(graph, seed=s).kind for s in range(30)}
    assert kinds == {RELATION_SWAP, ATTRIBUTE_SWAP}
    with pytest.raises(ValueError, match="strategy"):
        negative_for_graph(graph, strategy="first")


def test_bad_seed_types_are_rejected():
    with pytest.raises(TypeError):
        relation_swap_negative(MAN_HORSE, seed="0")
    with pytest.raises(TypeError):
        build_negatives([MAN_HORSE], seed=random.Random(0))
    assert relation_swap_negative(MAN_HORSE, seed=random.Random(0)).caption == "A horse riding a man."


WORDS = st.sampled_from(["man", "woman", "dog", "horse", "elephant", "umbrella", "cat", "men", "hour", "table"])
ADJECTIVES = st.sampled_from(["red", "old", "small", "empty", "young", "orange", "wooden"])


@settings(max_examples=60, deadline=None)
@given(subject=WORDS, obj=WORDS, adjective=ADJECTIVES, other=ADJECTIVES, seed=st.integers(0, 2**31))
def test_property_negative_differs_from_positive_and_is_deterministic(subject, obj, adjective, other, seed):
    article = "an" if adjective in VOWEL_SOUND_WORDS else "a"
    caption = f"{article} {adjective} {subject} next to the {other} {obj}"
    subject_phrase, object_phrase = f"{article} {adjective} {subject}", f"the {other} {obj}"
    graph = SceneGraph(
        caption,
        [subject, obj],
        [(subject, adjective), (obj, other)],
        [(subject, "next to", obj)],
        [span(caption, f" {adjective} "), span(caption, f" {other} ", 0 if adjective != other else 1)],
        [(span(caption, subject_phrase), span(caption, object_phrase))],
    )
    graph.attribute_spans = [(s + 1, e - 1) for s, e in graph.attribute_spans]
    outcome = negative_for_graph(graph, seed)
    assert outcome == negative_for_graph(graph, seed)
    assert (outcome.negative is None) == (subject == obj and adjective == other)
    if outcome.negative is not None:
        words = outcome.negative.caption.lower().split()
        assert [w for w in words if w not in ("a", "the", "an")] != [
            w for w in caption.split() if w not in ("a", "the", "an")
        ]
        for article, word in zip(words, words[1:], strict=False):
            if article in ("a", "an"):
                assert article == ("an" if word in VOWEL_SOUND_WORDS else "a"), outcome.negative.caption


VOWEL_SOUND_WORDS = {"elephant", "umbrella", "old", "empty", "orange", "hour"}


def test_misaligned_spans_fall_back_to_whole_words():
    graph = SceneGraph(
        "a woman and a man with a dog",
        ["woman", "man", "dog"],
        [("dog", "big")],
        [("man", "with", "dog")],
        attribute_spans=[],
        relation_spans=[],
    )
    assert relation_swap_negative(graph).caption == "a woman and a dog with a man"
