"""The speed section of benchmarks/parser_quality.py: the rule parser's time next to spaCy's alone."""

import sys

import pytest

from tests.benchmark_modules import benchmark_modules


spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def parser_quality():
    with benchmark_modules("parser_quality") as module:
        yield module


def test_speed_reports_spacy_alone_next_to_the_rule_parser(parser_quality):
    captions = ["a man riding a horse on a beach", "two dogs play with a red ball in the grass"] * 20
    result = parser_quality.speed(captions, baseline_sample=0, skip_baseline=True)
    assert result["captions"] == 40
    assert result["spacy_alone_captions_per_cpu_second"] > 0
    assert result["spacy_alone_cpu_seconds"] > 0
    assert result["spacy_version"] == spacy.__version__  # speed depends on the build
    assert 0.0 <= result["cleaning_and_rules_share_percent"] < 100.0
    assert "baseline_cpu_seconds" not in result


@pytest.fixture(scope="module")
def parser_stage_speed():
    with benchmark_modules("parser_quality", "parser_stage_speed") as module:
        yield module


def test_stage_report_divides_each_stage_by_the_full_parser(parser_stage_speed):
    seconds = {"clean": 0.1, "spacy": 6.0, "token_table": 0.3, "rules": 3.0, "full_parser": 10.0}
    result = parser_stage_speed.report(seconds, captions=10_000)
    assert result["microseconds_per_caption"]["spacy"] == pytest.approx(600.0)
    assert result["share_of_full_parser"]["rules"] == pytest.approx(0.3)
    assert result["full_parser_captions_per_cpu_second"] == pytest.approx(1000.0)
    assert result["spacy_alone_captions_per_cpu_second"] == pytest.approx(10_000 / 6.0)
    assert result["spacy_version"] == spacy.__version__


def test_stage_speed_times_every_stage(parser_stage_speed):
    captions = ["a man riding a horse on a beach", "a cat sleeping on a red couch"] * 5
    seconds = parser_stage_speed.stage_seconds(captions, repeats=1)
    assert set(seconds) == {"clean", "spacy", "token_table", "rules", "full_parser"}
    assert all(value >= 0.0 for value in seconds.values())


@pytest.fixture(scope="module")
def parser_speed_against():
    with benchmark_modules("parser_quality", "parser_speed_against") as module:
        yield module


def test_speed_against_a_checkout_times_both_versions_side_by_side(parser_speed_against, tmp_path):
    checkout = parser_speed_against.REPO_ROOT
    modules = parser_speed_against.load_side_by_side({"this_checkout": checkout, "baseline": checkout}, tmp_path)
    assert modules["this_checkout"]["rules"] is not modules["baseline"]["rules"]  # two copies, not one module
    captions = ["a man riding a horse on a beach", "a cat sleeping on a red couch"] * 5
    result = parser_speed_against.compare(captions, modules, repeats=1)
    for measure in ("rules", "full_parser"):
        assert set(result[measure]["microseconds_per_caption"]) == {"this_checkout", "baseline"}
        assert result[measure]["time_ratio_this_over_baseline"] > 0
    assert result["parser_versions"]["this_checkout"] == result["parser_versions"]["baseline"]
    for name in [name for name in sys.modules if name.startswith(("processing_this_checkout", "processing_baseline"))]:
        del sys.modules[name]
