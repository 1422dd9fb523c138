"""The conventions miner's counters (benchmarks/mine_factual_conventions.py) on tiny hand-made gold graphs."""

from types import SimpleNamespace

import pytest

from tests.benchmark_modules import benchmark_modules


@pytest.fixture(scope="module")
def miner():
    with benchmark_modules("parser_quality", "mine_factual_conventions") as module:
        yield module


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
    counts = miner.count_part_noun_predicates(captions, golds, str)
    assert counts == {"in back of": {"in back of": 1, "on back of": 1}, "at bottom of": {None: 1}}


def test_part_noun_phrases_may_gain_an_article_and_be_plural(miner):
    captions = ["tires on right side of bus", "lamps on both sides of the bed"]
    golds = [([], [], [("tires", "on the right side of", "bus")]), ([], [], [("lamps", "on both sides of", "bed")])]
    counts = miner.count_part_noun_predicates(captions, golds, str)
    assert counts == {"on right side of": {"on the right side of": 1}, "on both sides of": {"on both sides of": 1}}


def test_part_noun_phrases_count_nouns_outside_the_lexicon(miner):
    # "face" is no lexicon part noun; FACTUAL's merged predicate decides, and a node noun ("wall") gets None.
    captions = ["arches on the face of the building", "a clock on the wall of the house"]
    golds = [([], [], [("arch", "on face of", "building")]), ([], [], [("clock", "on", "wall")])]
    counts = miner.count_part_noun_predicates(captions, golds, str)
    assert counts == {"on face of": {"on face of": 1}, "on wall of": {None: 1}}


def test_part_noun_phrases_leave_a_gold_verb_off(miner):
    captions = ["a towel hanging from the side of the boat", "a man jumping over the side of a wall"]
    golds = [([], [], [("towel", "hang on side of", "boat")]), ([], [], [("man", "jump over", "wall")])]
    counts = miner.count_part_noun_predicates(captions, golds, str)
    assert counts == {"from side of": {"on side of": 1}, "over side of": {None: 1}}


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


def test_of_heads_count_a_look_through_to_the_first_word_of_a_gold_name(miner):
    captions = ["roll of toilet paper hanging on a dispenser", "a roll of tape on a table", "a bread roll of sorts"]
    golds = [
        ([], [], [("toilet paper", "hang on", "dispenser")]),
        ([], [], [("tape", "on", "table")]),
        (["roll"], [], []),
    ]
    assert miner.count_of_heads(captions, golds, str) == {"roll": {"partitive": 2, "node": 1}}


def test_of_possessions_count_whether_gold_writes_the_owner(miner):
    captions = ["a picture of a woman", "the tail of a horse", "the tail of a dog", "a man with a tail"]
    golds = [([], [], []), ([], [], [("horse", "have", "tail")]), ([], [], [("tail", "on", "dog")]), ([], [], [])]
    graphs = [
        SimpleNamespace(relations=[("woman", "have", "picture")]),
        SimpleNamespace(relations=[("horse", "have", "tail")]),
        SimpleNamespace(relations=[("dog", "have", "tail")]),
        SimpleNamespace(relations=[("man", "have", "tail")]),  # no "tail of" in the caption: not counted
    ]
    counts = miner.count_of_possessions(captions, golds, graphs, str)
    assert counts == {"picture": {"not owned": 1}, "tail": {"owned": 1, "not owned": 1}}


def test_unwritten_attributes_count_the_value_gold_gives_the_node_instead(miner):
    golds = [([], [("man", "blonde")], []), ([], [("hair", "blonde"), ("hair", "long")], []), ([], [], [])]
    graphs = [
        SimpleNamespace(attributes=[("man", "blond")]),
        SimpleNamespace(attributes=[("hair", "blond"), ("hair", "long")]),  # "long" is ours too: not a candidate
        SimpleNamespace(attributes=[("floor", "tile"), ("floor", "long")]),  # "long" is a value FACTUAL writes
    ]
    counts = miner.count_unwritten_attributes(golds, graphs, str, {"blonde", "long"})
    assert counts == {"blond": {"blonde": 2}, "tile": {None: 1}}


def test_a_predicate_factual_never_writes_is_counted_on_related_pairs_only(miner):
    counts = {
        "in between": miner.collections.Counter({"between": 2, None: 2}),
        "on": miner.collections.Counter({"on": 2, None: 2}),
        "atop": miner.collections.Counter({None: 3}),
    }
    related = miner.related_pairs_only(counts, lambda predicate: predicate in ("in between", "atop"))
    assert related == {"in between": {"between": 2}, "on": {"on": 2, None: 2}, "atop": {None: 3}}


def test_unrelated_predicates_need_the_non_node_count_and_share_and_no_reversal(miner):
    counts = {
        "for": miner.collections.Counter({None: 8, "to": 2}),  # 80% of 10 unrelated: dropped
        "near": miner.collections.Counter({None: 7}),  # too few examples
        "on": miner.collections.Counter({None: 8, "on": 3}),  # 73%: kept
        "cover in": miner.collections.Counter({None: 9}),  # gold writes the pair the other way round
    }
    assert miner.unrelated_predicates(counts, {"cover in"}) == ["for"]


def test_placed_locus_by_preposition_leaves_out_listed_pairs(miner):
    counts = {
        "eat at": miner.collections.Counter({"subject": 4}),
        "use at": miner.collections.Counter({"subject": 2}),
        "point at": miner.collections.Counter({"object": 1}),
        "play in": miner.collections.Counter({"subject": 3}),
    }
    assert miner.by_preposition(counts, {"eat at"}) == {"at": {"subject": 2, "object": 1}, "in": {"subject": 3}}


def test_adverb_tagged_nodes_count_rb_words_by_whether_gold_makes_them_a_node(miner):
    def doc(*tagged):
        return [SimpleNamespace(lower_=word, tag_=tag, is_alpha=word.isalpha()) for word, tag in tagged]

    docs = [
        doc(("man", "NN"), ("riding", "VBG"), ("skateboard", "RB")),
        doc(("skateboard", "RB"), ("away", "RB")),
        doc(("walking", "VBG"), ("away", "RB")),
    ]
    golds = [(["man", "skateboard"], [], []), ([], [], []), (["away"], [], [])]
    counts = miner.count_adverb_tagged_nodes(docs, golds, str)
    assert counts == {"skateboard": {"node": 1, "no node": 1}, "away": {"no node": 1, "node": 1}}


def test_ing_node_words_are_the_noun_tagged_ing_words_gold_makes_a_node_in_half_their_captions(miner):
    def doc(*tagged):
        return [SimpleNamespace(lower_=word, tag_=tag) for word, tag in tagged]

    docs = [
        doc(("fence", "NN"), ("fencing", "NN")),
        doc(("fencing", "NN"), ("grass", "NN")),
        doc(("man", "NN"), ("walking", "NN")),
        doc(("building", "NN"), ("walking", "VBG")),
    ]
    golds = [(["fence", "fencing"], [], []), (["fencing"], [], []), (["man"], [], []), (["building"], [], [])]
    counts = miner.count_ing_nodes(docs, golds, str, {"building"})
    assert counts == {"fencing": {"node": 2}, "walking": {"no node": 1}}
    assert miner.ing_node_words(counts) == ["fencing"]


def test_shortened_name_attributes_are_counted_per_head_and_only_where_the_name_is_shortened(miner):
    golds = [
        ([], [("player", "polo")], []),
        ([], [("player", "polo")], []),
        ([], [], [("bat", "on", "table")]),
    ]
    graphs = [
        SimpleNamespace(objects=["polo player"]),
        SimpleNamespace(objects=["polo player", "tennis court"]),
        SimpleNamespace(objects=["polo bat"]),
    ]
    counts = miner.count_shortened_name_attributes(golds, graphs, lambda x: x, {"polo player", "polo bat"})
    assert counts["player"] == {"attribute": 2}
    assert counts["bat"] == {"other": 1}
    assert "court" not in counts


def test_wearers_are_the_singular_heads_of_gold_wear_subjects_with_enough_examples(miner):
    golds = (
        [([], [], [("tennis player", "wear", "shirt"), ("men", "wear", "hats")])] * 3
        + [([], [], [("shirt", "wear", "tag"), ("horse", "wear", "saddle")])] * 3
        + [([], [], [("statue", "wear", "robe"), ("man", "have", "hat")])]
    )
    lemmatizer = SimpleNamespace(lemma=lambda word, tag: {"men": "man"}.get(word, word))
    assert miner.wearers(golds, lemmatizer, {"shirt"}) == ["horse", "man", "player"]


def test_node_words_are_the_english_singular_heads_of_gold_names_in_enough_captions(miner):
    golds = (
        [(["giraffes"], [("tennis ball", "yellow")], [("man", "hold", "bus")])] * 3
        + [(["skiis", "giraffe"], [], [])] * 3
        + [(["lamp"], [], [])] * 2
    )
    english = {"giraffe", "giraffes", "ball", "man", "bus", "lamp", "ski"}
    lemmatizer = SimpleNamespace(lemma=lambda word, tag: word.removesuffix("s"), is_word=lambda word: word in english)
    # "bus" stays "bus" ("bu" is no word); "skiis" (gold's own slip) is no target; "lamp" is in 2 captions only
    assert miner.node_words(golds, lemmatizer) == ["ball", "bus", "giraffe", "man"]


def test_compound_pair_predicates_count_the_gold_predicate_from_the_noun_to_the_compound(miner):
    def doc(*words):
        tokens = [SimpleNamespace(lower_=w, tag_=t, dep_=d, i=i) for i, (w, t, d, _) in enumerate(words)]
        for token, (_, _, _, head) in zip(tokens, words, strict=True):
            token.head = tokens[head]
        return tokens

    station = doc(("train", "NN", "compound", 1), ("station", "NN", "ROOT", 1))
    golds = [([], [], [("station", "for", "train")]), ([], [], [("train", "at", "station")])]
    norm = lambda text: text  # noqa: E731
    counts = miner.count_compound_pair_predicates([station, station], golds, norm)
    assert counts["train station"] == {"for": 1, None: 1}


def test_phrase_attributes_count_two_word_modifiers_inside_the_nouns_phrase(miner):
    def doc(*tagged, left_edge=0):
        tokens = [SimpleNamespace(i=i, lower_=word, tag_=tag, pos_=pos) for i, (word, tag, pos) in enumerate(tagged)]
        for token in tokens:
            token.is_alpha = token.lower_.isalpha()
            token.left_edge = tokens[left_edge] if token.tag_ in ("NN", "NNS") else token
        return tokens

    chain_link_fence = (("a", "DT", "DET"), ("chain", "NN", "NOUN"), ("link", "NN", "NOUN"), ("fence", "NN", "NOUN"))
    docs = [
        doc(*chain_link_fence),
        doc(*chain_link_fence),
        doc(*chain_link_fence),  # the rules already give the value: not counted
        doc(("group", "NN", "NOUN"), ("of", "IN", "ADP"), ("people", "NNS", "NOUN"), left_edge=2),
    ]
    golds = [
        (["fence"], [("fence", "chain link")], []),
        (["fence"], [], []),
        (["fence"], [("fence", "chain link")], []),
        (["people"], [("people", "group of")], []),
    ]
    graphs = [
        SimpleNamespace(attributes=[]),
        SimpleNamespace(attributes=[]),
        SimpleNamespace(attributes=[("fence", "chain link")]),
    ]
    graphs.append(SimpleNamespace(attributes=[]))
    counts = miner.count_phrase_attributes(docs, golds, graphs, str)
    assert counts == {"chain link": {"attribute": 1, "other": 1}}


def test_non_nodes_are_counted_per_word_occurrence_against_every_word_of_the_gold_names(miner):
    golds = [
        (["teddy bear"], [], []),  # "teddy" split from its bear: still part of a gold node
        ([], [("walkway", "white")], [("line", "on side of", "walkway")]),  # only in a predicate
        ([], [], [("leaves", "on", "tree")]),  # gold's plural: matched by the caption's word
        ([], [], [("man", "on", "bench")]),  # "guy" respelled as the name the rules write
        ([], [], [("man", "on", "bench")]),
        ([], [], [("window", "on", "store front"), ("lamp", "hang from", "ceiling")]),  # written otherwise
    ]
    heads = [
        [("teddy", "teddy", "teddy"), ("bear", "bear", "bear")],
        [("side", "side", "side"), ("line", "line", "line")],
        [("leaf", "leaves", "leaf")],
        [("guy", "guy", "man"), ("way", "way", "way")],
        [("way", "way", "way"), ("way", "way", "way")],  # each occurrence counts
        [("storefront", "storefront", "storefront"), ("cieling", "cieling", "cieling")],
    ]
    counts = miner.count_non_nodes(golds, heads, lambda x: x)
    assert counts["teddy"] == {"node": 1} and counts["leaf"] == {"node": 1} and counts["guy"] == {"node": 1}
    assert counts["side"] == {"mention": 1} and counts["line"] == {"node": 1}
    assert counts["way"] == {"no node": 3}
    assert counts["storefront"] == {"node": 1} and counts["cieling"] == {"node": 1}


@pytest.mark.parametrize(
    ("word", "gold", "expected"),
    [
        ("cieling", "ceiling", True),  # two letters swapped
        ("raquet", "racquet", True),  # one dropped
        ("giraffee", "giraffe", True),  # one added
        ("side", "sile", False),  # too short to tell
        ("ceiling", "ceiling", False),  # the same word: no misspelling
        ("giraffe", "gazelle", False),
    ],
)
def test_misspellings_differ_by_one_letter_or_a_swap(miner, word, gold, expected):
    assert miner.is_misspelling(word, gold) is expected


def test_non_nodes_join_the_loose_count_of_the_loaded_parse_and_the_strict_count_of_the_first(miner, monkeypatch):
    monkeypatch.setattr(miner, "count_non_nodes", lambda golds, heads, norm: heads)
    loaded = {
        "view": miner.collections.Counter({"no node": 2, "mention": 1}),  # 3 of 3: hidden
        "rear": miner.collections.Counter({"no node": 3, "node": 1}),  # 75%: hidden
        "direction": miner.collections.Counter({"no node": 5, "node": 2}),  # a node in 2 of 7: kept
        "blurry": miner.collections.Counter({"mention": 2}),  # too few
        "guy": miner.collections.Counter({"no node": 9}),  # respelled: gold has it as "man"
        "swing": miner.collections.Counter({"no node": 9}),  # train's stroke; elsewhere a playground swing
    }
    first = {
        "middle": miner.collections.Counter({"no node": 5, "mention": 3}),  # 8 of 8
        "body": miner.collections.Counter({"no node": 38, "node": 10}),  # 79%: kept
        "blurry": miner.collections.Counter({"mention": 7}),  # too few for the strict count
    }
    assert miner.non_nodes([], first, loaded, str, {"guy": "man"}) == ["middle", "rear", "view"]


def test_single_word_node_heads_are_the_nodes_named_by_their_head_alone(miner, parser):
    from processing import scene_graph_nodes

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scene_graph_nodes, "NON_NODES", set())
        with miner.recording_node_heads() as recorded:
            parser.parse_batch(["a teddy bear on the side of a road sign", "two guys with blurry faces"])
    assert recorded["a teddy bear on the side of a road sign"] == []  # longer names; "side of" is a predicate
    heads = recorded["two guys with blurry faces"]
    assert [(lemma, word) for lemma, word, _ in heads] == [("guy", "guys"), ("face", "faces")]
    assert heads[0][2] != "guy"  # the written name is respelled (NODE_NAMES)


def test_compound_owner_pairs_count_whether_gold_writes_the_owner(miner):
    def word(i, text, tag, dep, head):
        return SimpleNamespace(i=i, lower_=text, tag_=tag, dep_=dep, head_i=head)

    def doc(*words):
        for token in words:
            token.head = words[token.head_i]
        return list(words)

    docs = [
        doc(word(0, "laptop", "NN", "compound", 1), word(1, "screen", "NN", "ROOT", 1)),
        doc(word(0, "oven", "JJ", "amod", 1), word(1, "door", "NN", "ROOT", 1)),
        doc(word(0, "computer", "NN", "compound", 1), word(1, "screen", "NN", "ROOT", 1)),
    ]
    golds = [([], [], [("laptop", "have", "screen")]), ([], [], [("oven", "have", "door")]), ([], [], [])]
    counts = miner.count_compound_owner_pairs(docs, golds, str)
    assert counts == {"laptop screen": {"owner": 1}, "oven door": {"owner": 1}, "computer screen": {None: 1}}


def test_split_parse_names_are_adjacent_nouns_or_a_modal_neither_heading_the_other(miner):
    def doc(*tagged):
        """(word, tag, head index) triples."""
        tokens = [
            SimpleNamespace(lower_=word, tag_=tag, i=i, is_alpha=True) for i, (word, tag, _) in enumerate(tagged)
        ]
        for token, (_, _, head) in zip(tokens, tagged, strict=True):
            token.head = tokens[head]
        return tokens

    docs = [
        doc(("garbage", "NN", 0), ("can", "MD", 0), ("tied", "VBN", 1)),  # "can" hangs on garbage: no split name
        doc(("garbage", "NN", 2), ("can", "MD", 2), ("sits", "VBZ", 2)),
        doc(("tennis", "NN", 1), ("racket", "NN", 1)),  # a compound: not split
        doc(("at", "IN", 0), ("stop", "NN", 0), ("light", "NN", 3), ("cars", "NNS", 3)),
    ]
    golds = [(["garbage can"], [], []), (["garbage can"], [], []), (["tennis racket"], [], []), (["stop"], [], [])]
    counts = miner.count_split_parse_names(docs, golds, str)
    assert counts == {"garbage can": {"keep": 1}, "stop light": {"split": 1}}
