from processing.scene_graph_backends import cached_parser


def _graph(caption):
    return cached_parser(None, "rules").parse_batch([caption])[0]


def test_verb_read_as_garment_phrase_head_is_the_subjects_verb():
    graph = _graph("a girl in denim shorts & a white top walks near a red van")
    assert "walks" not in graph.objects
    assert ("girl", "wear", "top") in graph.relations
    assert ("girl", "walk near", "van") in graph.relations
    assert ("woman", "walk in", "rain") in _graph("a woman holding an umbrella walks alone in the rain").relations
    assert _graph("a man in a suit with two cats").relations == [("man", "wear", "suit"), ("man", "with", "cats")]
