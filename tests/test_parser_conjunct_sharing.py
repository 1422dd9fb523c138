from processing.scene_graph_backends import cached_parser


def _graph(caption):
    return cached_parser(None, "rules").parse_batch([caption])[0]


def test_object_list_with_coordinator_on_the_verb():
    graph = _graph("a guy holding a drink and a sandwich")
    assert ("person", "hold", "sandwich") in graph.relations
    assert ("sandwich", "hold", "drink") not in graph.relations


def test_noun_coordinated_with_verb_joins_place_object():
    graph = _graph("snow has fallen on the statue and the trees")
    assert ("snow", "fall on", "trees") in graph.relations


def test_person_verb_on_a_with_object_goes_to_its_holder():
    graph = _graph("a man with a backpack and a blonde haired woman standing in the road .")
    assert ("man", "stand in", "road") in graph.relations
    assert ("backpack", "stand in", "road") not in graph.relations


def test_material_list_before_noun():
    graph = _graph("man sitting on a wood and metal bench")
    assert ("bench", "wooden") in graph.attributes
    assert ("bench", "metal") in graph.attributes
    assert "wood" not in graph.objects


def test_noun_listed_before_a_modified_noun():
    graph = _graph("white mouse between a laptop and black keyboard .")
    assert ("mouse", "between", "laptop") in graph.relations
    assert ("keyboard", "black") in graph.attributes
