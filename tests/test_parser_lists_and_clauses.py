from processing.scene_graph_backends import cached_parser


def _graph(caption):
    return cached_parser(None, "rules").parse_batch([caption])[0]


def test_with_list_before_singular_verb():
    graph = _graph("a child with colorful braids and a hat is taking a picture.")
    assert ("child", "wear", "hat") in graph.relations


def test_later_conjunct_with_own_participle():
    graph = _graph("a person looking at a tablet and a baby looking at the tv")
    assert ("baby", "look at", "tablet") not in graph.relations
    assert ("person", "look at", "tv") not in graph.relations


def test_plural_relative_clause_on_a_list():
    graph = _graph("a woman and a dog that are sitting on a bench.")
    assert ("woman", "sit on", "bench") in graph.relations
