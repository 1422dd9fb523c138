"""Relations the parser missed altogether: constructions whose relation no rule produced (FACTUAL train counts in
the rules' docstrings)."""

import pytest

from processing.scene_graph_backends import cached_parser


@pytest.fixture(scope="module")
def parse():
    parser = cached_parser(None, "rules")
    return lambda caption: parser.parse_batch([caption])[0]


def test_participle_read_as_object_of_with(parse):
    graph = parse("boy with backpack walking down the street")
    assert set(graph.relations) == {("boy", "with", "backpack"), ("boy", "walk down", "street")}


def test_participle_after_with_it(parse):
    graph = parse("yellow and black train engine with number 8169 on it pulling lots of carts")
    assert ("train engine", "pull", "carts") in graph.relations
    assert ("number", "on", "train engine") in graph.relations


def test_pronoun_place_hung_on_the_verb(parse):
    graph = parse("a man standing in front of a building with a clock on it.")
    assert set(graph.relations) == {("man", "stand in front of", "building"), ("clock", "on", "building")}


def test_adjective_tagged_noun_with_place(parse):
    graph = parse("white urinal on the wall .")
    assert graph.relations == [("urinal", "on", "wall")]


def test_possession_auxiliary_of_adjective_root(parse):
    graph = parse("dog has white long fur .")
    assert graph.relations == [("dog", "have", "fur")]
    assert set(graph.attributes) == {("fur", "white"), ("fur", "long")}


def test_noun_read_as_object_of_adjective_root(parse):
    graph = parse("pink umbrella above a girl .")
    assert graph.relations == [("umbrella", "above", "girl")]
    assert graph.attributes == [("umbrella", "pink")]


def test_noun_tagged_past_participle_root(parse):
    graph = parse("salad inside of brown bowl")
    assert graph.relations == [("salad", "inside", "bowl")]
