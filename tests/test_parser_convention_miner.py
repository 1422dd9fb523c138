"""The conventions miner's counters (benchmarks/mine_factual_conventions.py) on tiny hand-made gold graphs."""

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def miner():
    sys.path.insert(0, str(BENCHMARKS))  # the miner imports the benchmark's gold reader as a sibling module
    try:
        import mine_factual_conventions

        yield mine_factual_conventions
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_reversed_predicates_count_the_gold_predicate_of_the_other_direction(miner):
    golds = [([], [], [("snow", "cover", "hill")]), ([], [], [("hill", "cover in", "snow")]), ([], [], [])]
    graph = SimpleNamespace(relations=[("hill", "cover in", "snow")])
    counts = miner.count_reversed_predicates(golds, [graph, graph, graph], str)
    assert counts == {"cover in": {"cover": 1, "keep": 1, None: 1}}


def test_part_noun_phrases_are_keyed_by_the_captions_words(miner):
    captions = [
        "a horse in the back of the truck",
        "a dog in the back of a red car",
        "a cat at the bottom of the hill",
    ]
    golds = [
        ([], [], [("horse", "in back of", "truck")]),
        ([], [], [("dog", "on back of", "car")]),
        ([], [], [("cat", "sit on", "hill")]),  # another phrase: no choice
    ]
    counts = miner.count_part_noun_predicates(captions, golds, {"back", "bottom", "front side"}, str)
    assert counts == {"in back of": {"in back of": 1, "on back of": 1}, "at bottom of": {None: 1}}


def test_part_noun_phrases_may_gain_an_article_and_be_plural(miner):
    captions = ["tires on right side of bus", "lamps on both sides of the bed"]
    golds = [([], [], [("tires", "on the right side of", "bus")]), ([], [], [("lamps", "on both sides of", "bed")])]
    counts = miner.count_part_noun_predicates(captions, golds, {"side"}, str)
    assert counts == {"on right side of": {"on the right side of": 1}, "on both sides of": {"on both sides of": 1}}


@pytest.mark.parametrize(
    ("phrase", "choice", "kept"),
    [
        ("at bottom of", "on bottom of", True),
        ("in back of", "in back of", True),
        ("on front of", "in front of", False),
    ],
)
def test_a_captions_on_or_in_is_never_rewritten(miner, phrase, choice, kept):
    assert miner.keeps_a_place_preposition(phrase, choice) is kept
