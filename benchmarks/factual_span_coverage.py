"""How often FACTUAL-format graphs can be placed back on their captions (seq2seq parser backend).

A seq2seq parser returns text, not positions; processing/scene_graph_factual_format.py locates each
name in the caption so semantic negatives can rewrite it. This measures that step on FACTUAL's gold
graphs, as if a parser had generated them exactly: the share of captions whose relation / attribute
spans are all located, the gold strings that the output parser finds malformed (and those with
repeated facts, which it drops without complaint), and the negatives
built from the located graphs next to those from the rule parser on the same captions.

    python benchmarks/factual_span_coverage.py [--splits random_dev length_dev long_dev]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from parser_quality import DEFAULT_DATA_DIR, read_factual


logger = logging.getLogger("factual_span_coverage")


def coverage(captions: list[str], gold_texts: list[str], rule_graphs: list) -> dict:
    from processing import build_negatives, parse_factual_text, scene_graph_from_factual_text

    graphs = [
        scene_graph_from_factual_text(caption, text)[0] for caption, text in zip(captions, gold_texts, strict=False)
    ]
    with_relations = [graph for graph in graphs if graph.relations]
    with_attributes = [graph for graph in graphs if graph.attributes]
    return {
        "captions": len(captions),
        "malformed_gold_strings": sum(bool(parse_factual_text(text).problems) for text in gold_texts),
        "gold_graphs_with_repeated_facts": sum(bool(parse_factual_text(text).duplicates) for text in gold_texts),
        "relation_spans_located": _located(with_relations, "relation_spans"),
        "attribute_spans_located": _located(with_attributes, "attribute_spans"),
        "negatives_from_gold_graphs": build_negatives(graphs, seed=0).counts,
        "negatives_from_rule_parser": build_negatives(rule_graphs, seed=0).counts,
    }


def _located(graphs: list, spans: str) -> str:
    return f"{sum(getattr(graph, spans) is not None for graph in graphs)} / {len(graphs)}"


def read_gold_texts(path: Path) -> list[str]:
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        return [row["scene_graph"] for row in csv.DictReader(handle)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data_dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--splits", nargs="+", default=["random_dev", "length_dev", "long_dev"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from processing import SceneGraphParser

    rules = SceneGraphParser()
    for split in args.splits:
        path = args.data_dir / "factual" / f"{split}.csv"
        captions, _ = read_factual(path)
        result = coverage(captions, read_gold_texts(path), rules.parse_batch(captions))
        logger.info("%s: %s", split, json.dumps(result))


if __name__ == "__main__":
    main()
