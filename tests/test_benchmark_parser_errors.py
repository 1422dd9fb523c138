"""benchmarks/parser_errors.py: which captions a parser gets wrong on a FACTUAL split, and how."""

import json

import pytest

from tests.benchmark_modules import benchmark_modules


pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def parser_errors():
    with benchmark_modules("parser_quality", "parser_errors") as module:
        yield module


@pytest.fixture(scope="module")
def norm(parser_errors):
    return parser_errors.Normaliser()


def test_matching_graphs_give_no_errors(parser_errors, norm):
    gold = (["man", "horse"], [("horse", "brown")], [("man", "ride", "horse")])
    ours = (["men", "horses"], [("horses", "brown")], [("men", "riding", "horses")])  # lemmatised alike
    assert parser_errors.caption_errors("a man riding a brown horse", ours, gold, norm) is None


def test_errors_list_missing_and_extra_items(parser_errors, norm):
    gold = (["man", "horse"], [("man", "two")], [("man", "ride", "horse")])
    ours = (["man", "horse", "field"], [], [("horse", "ride", "man")])
    errors = parser_errors.caption_errors("two men ride a horse in a field", ours, gold, norm)
    assert errors["relations_missing"] == [("man", "ride", "horse")]
    assert errors["relations_extra"] == [("horse", "ride", "man")]
    assert errors["attributes_missing"] == [("man", "2")]  # number words are digits, as in parser_quality
    assert errors["objects_extra"] == ["field"]
    assert errors["wrong_items"] == 4


def test_relation_errors_are_grouped_by_what_explains_them(parser_errors):
    errors = {
        "relations_missing": [
            ("man", "have", "hat"),
            ("cup", "on", "table"),
            ("dog", "on", "couch"),
            ("sun", "in", "sky"),
            ("bird", "on", "branch"),
        ],
        "relations_extra": [
            ("man", "with", "hat"),
            ("table", "on", "cup"),
            ("cat", "on", "couch"),
            ("sun", "above", "tree"),
            ("boat", "in", "water"),
        ],
    }
    kinds = parser_errors.relation_error_kinds(errors)
    assert kinds == {
        "predicate": 1,
        "reversed": 1,
        "other subject": 1,
        "other object": 1,
        "missing": 1,
        "extra": 1,
    }


def test_summary_counts_predicate_confusions(parser_errors, norm):
    gold = (["man", "hat"], [], [("man", "have", "hat")])
    ours = (["man", "hat"], [], [("man", "with", "hat")])
    wrong = [parser_errors.caption_errors("a man with a hat", ours, gold, norm)] * 2
    summary = parser_errors.summarise(wrong, total=5)
    assert summary["wrong_captions"] == 2 and summary["captions"] == 5
    assert summary["wrong_by_items"] == {"2": 2}
    assert summary["predicate_confusions"] == [{"gold": "have", "ours": "with", "count": 2}]


def test_gold_items_count_relations_attributes_and_objects(parser_errors, norm):
    gold = (["man", "horse", "field"], [("horse", "brown")], [("man", "ride", "horse")])
    assert parser_errors.gold_item_count(gold, norm) == 1 + 1 + 3  # a node in a relation is an object too


def test_exact_match_by_gold_items_groups_large_graphs(parser_errors):
    table = parser_errors.exact_by_gold_items([3, 3, 4, 9, 12], [True, False, True, False, True], largest=9)
    assert table == {
        "3": {"captions": 2, "exact": 1},
        "4": {"captions": 1, "exact": 1},
        "9+": {"captions": 2, "exact": 1},
    }


def _write_split(folder, rows):
    factual = folder / "factual"
    factual.mkdir(parents=True)
    lines = ["image_id,region_id,caption,scene_graph"]
    lines += [f'{i},{i},{caption},"{graph}"' for i, (caption, graph) in enumerate(rows)]
    (factual / "long_dev.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_main_lists_the_wrong_captions_and_writes_json(parser_errors, tmp_path, capsys):
    _write_split(
        tmp_path,
        [
            ("a man riding a horse", "( man , ride , horse )"),
            ("a dog on a couch", "( couch , on , dog )"),  # gold written the other way round: ours is wrong
        ],
    )
    output = tmp_path / "wrong.json"
    parser_errors.main(["--data_dir", str(tmp_path), "--split", "long_dev", "--output_json", str(output)])
    printed = capsys.readouterr().out
    assert "## a dog on a couch" in printed and "## a man riding a horse" not in printed
    assert "1 of 2 captions wrong" in printed
    report = json.loads(output.read_text(encoding="utf-8"))
    assert [errors["caption"] for errors in report["wrong"]] == ["a dog on a couch"]
    assert report["summary"]["relation_errors"] == {"reversed": 1}
    assert report["summary"]["exact_by_gold_items"] == {"3": {"captions": 2, "exact": 1}}
    assert "3: 1 of 2 (50.0%)" in printed


def test_main_keeps_near_misses_and_long_captions_only(parser_errors, tmp_path, capsys):
    _write_split(
        tmp_path,
        [
            ("a dog on a couch", "( couch , on , dog )"),
            ("a brown dog sleeping on a red couch", "( cat )"),
        ],
    )
    parser_errors.main(["--data_dir", str(tmp_path), "--split", "long_dev", "--near", "2"])
    printed = capsys.readouterr().out
    assert "## a dog on a couch" in printed and "## a brown dog" not in printed
    parser_errors.main(["--data_dir", str(tmp_path), "--split", "long_dev", "--min_words", "6", "--summary_only"])
    printed = capsys.readouterr().out
    assert "1 of 1 captions wrong" in printed and "##" not in printed


def test_main_explains_a_missing_data_folder(parser_errors, tmp_path):
    with pytest.raises(SystemExit, match="no FACTUAL file"):
        parser_errors.main(["--data_dir", str(tmp_path), "--split", "random_dev"])


def test_main_refuses_a_near_below_one(parser_errors, tmp_path):
    with pytest.raises(SystemExit):
        parser_errors.main(["--data_dir", str(tmp_path), "--near", "0"])
