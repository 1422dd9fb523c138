"""The by-length report of benchmarks/parser_quality.py: each split's scores per word-count band."""

import pytest

from tests.benchmark_modules import benchmark_modules


@pytest.fixture(scope="module")
def parser_quality():
    with benchmark_modules("parser_quality") as module:
        yield module


@pytest.mark.parametrize(
    ("words", "band"),
    [(1, "1-5"), (5, "1-5"), (6, "6-7"), (9, "8-9"), (10, "10-11"), (14, "12-14"), (15, "15+"), (40, "15+")],
)
def test_length_band_counts_space_separated_words(parser_quality, words, band):
    assert parser_quality.length_band(" ".join(["word"] * words)) == band


def test_scores_by_length_keep_each_band_apart(parser_quality):
    norm = parser_quality.Normaliser()
    short, long = "a man on a horse", "a man in a red shirt rides a brown horse on the beach"
    gold_short = (["man", "horse"], [], [("man", "on", "horse")])
    gold_long = (["man", "shirt", "horse", "beach"], [("shirt", "red")], [("man", "ride", "horse")])
    wrong_long = (["man", "shirt", "horse", "beach"], [("shirt", "red")], [("horse", "ride", "man")])
    result = parser_quality.score_by_length([short, long], [gold_short, wrong_long], [gold_short, gold_long], norm)
    assert list(result) == ["1-5", "12-14"]
    assert result["1-5"]["captions"] == 1 and result["1-5"]["relations"]["f1"] == 100.0
    assert result["12-14"]["relations"]["f1"] == 0.0 and result["12-14"]["graph_exact_match"] == 0.0
    assert result["12-14"]["attributes"]["f1"] == 100.0


def test_length_table_has_a_row_per_band(parser_quality):
    norm = parser_quality.Normaliser()
    graph = (["man"], [], [])
    by_length = {
        "dev": {"ours": parser_quality.score_by_length(["a man", "a man"], [graph, graph], [graph, graph], norm)}
    }
    rows = parser_quality.length_table(by_length).splitlines()
    assert len(rows) == 3 and rows[2].startswith("| dev | ours | 1-5 | 2 |")
