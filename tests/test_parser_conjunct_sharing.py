from processing.scene_graph_backends import cached_parser


def _graph(caption):
    return cached_parser(None, "rules").parse_batch([caption])[0]


def test_object_list_with_coordinator_on_the_verb():
    graph = _graph("a guy holding a drink and a sandwich")
    assert ("person", "hold", "sandwich") in graph.relations
    assert ("sandwich", "hold", "drink") not in graph.relations
