"""SceneGraph: triples order (relations first, the KEE input order) and JSON round trip (docs/method.md §3)."""

import json

import pytest

from processing.scene_graph import SceneGraph


def make_graph() -> SceneGraph:
    return SceneGraph(
        caption="a black cat on a red mat",
        objects=["cat", "mat"],
        attributes=[("cat", "black"), ("mat", "red")],
        relations=[("cat", "on", "mat")],
        attribute_spans=[(2, 7), (17, 20)],
        relation_spans=[((0, 11), (15, 24))],
    )


def test_triples_put_relations_first_then_attributes():
    assert make_graph().triples() == [("cat", "on", "mat"), ("cat", "is", "black"), ("mat", "is", "red")]


def test_json_round_trip_through_text():
    graph = make_graph()
    restored = SceneGraph.from_json(json.loads(json.dumps(graph.to_json())))
    assert restored == graph
    assert isinstance(restored.relations[0], tuple) and isinstance(restored.relation_spans[0][0], tuple)


def test_json_round_trip_without_spans():
    graph = SceneGraph(caption="x", objects=["x"], relations=[("a", "b", "c")])
    assert graph.attribute_spans is None
    assert SceneGraph.from_json(graph.to_json()) == graph


def test_from_json_rejects_garbage():
    with pytest.raises(ValueError, match="caption"):
        SceneGraph.from_json({"objects": []})
    with pytest.raises(ValueError):
        SceneGraph.from_json(["not", "a", "dict"])


def test_empty_graph():
    assert SceneGraph(caption="").is_empty()
    assert not make_graph().is_empty()
