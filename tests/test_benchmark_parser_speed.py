"""The speed section of benchmarks/parser_quality.py: the rule parser's time next to spaCy's alone."""

import pytest

from tests.benchmark_modules import benchmark_modules


pytest.importorskip("spacy")


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
    assert 0.0 <= result["cleaning_and_rules_share_percent"] < 100.0
    assert "baseline_cpu_seconds" not in result
