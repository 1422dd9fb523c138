"""Dump the rule parser's graph for every dev caption, to check that a refactor changes no output.

    python benchmarks/dump_parser_graphs.py --output benchmarks/results/graphs_before.json
    # ... change the rules' structure ...
    python benchmarks/dump_parser_graphs.py --output benchmarks/results/graphs_after.json \
        --compare benchmarks/results/graphs_before.json

Captions: the FACTUAL dev splits (random_dev, length_dev, long_dev) and the COCO Karpathy test captions.
`--snapshot` writes the small committed golden file that tests/test_parser_snapshot.py checks.
"""

from __future__ import annotations

import os


for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import csv
import json
import logging
import random
import sys
from pathlib import Path


REPO_ROOT = Path(__file__).resolve().parents[1]

logger = logging.getLogger("dump_parser_graphs")

DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
DEV_SPLITS = ("random_dev", "length_dev", "long_dev")
SNAPSHOT_PATH = REPO_ROOT / "tests" / "data" / "parser_snapshot_factual_dev.json"
SNAPSHOT_CAPTIONS_PER_SPLIT = 100


def read_dev_captions(data_dir: Path) -> dict[str, list[str]]:
    captions = {}
    for split in DEV_SPLITS:
        with open(data_dir / "factual" / f"{split}.csv", newline="", encoding="utf-8") as handle:
            captions[split] = [row["caption"] for row in csv.DictReader(handle)]
    coco = data_dir / "coco_captions" / "coco_karpathy_test_captions.tsv"
    with open(coco, encoding="utf-8") as handle:
        captions["coco"] = [line.rstrip("\n").split("\t")[2] for line in handle if line.count("\t") >= 2]
    return captions


def parse_all(captions: dict[str, list[str]]) -> dict[str, list[dict]]:
    from processing.scene_graph_parser import SceneGraphParser

    parser = SceneGraphParser()
    return {name: [graph.to_json() for graph in parser.parse_batch(texts)] for name, texts in captions.items()}


def snapshot_rows(captions: dict[str, list[str]]) -> dict[str, list[int]]:
    """A fixed sample of FACTUAL dev rows (not COCO): small enough to commit and to parse in a second."""
    rng = random.Random(0)
    return {
        split: sorted(rng.sample(range(len(captions[split])), min(SNAPSHOT_CAPTIONS_PER_SPLIT, len(captions[split]))))
        for split in DEV_SPLITS
    }


def write_snapshot(captions: dict[str, list[str]]) -> None:
    rows = snapshot_rows(captions)
    graphs = parse_all({split: [captions[split][row] for row in split_rows] for split, split_rows in rows.items()})
    snapshot = {
        split: [{"row": row, "graph": graph} for row, graph in zip(rows[split], graphs[split], strict=True)]
        for split in rows
    }
    SNAPSHOT_PATH.parent.mkdir(parents=True, exist_ok=True)
    # One graph per line, so that a rule change shows as a readable line diff.
    lines = [
        f"{json.dumps(split)}: [\n" + ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries) + "\n]"
        for split, entries in snapshot.items()
    ]
    SNAPSHOT_PATH.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    logger.info("wrote %s", SNAPSHOT_PATH)


def count_differences(before: dict, after: dict) -> int:
    differences = 0
    for name, graphs in before.items():
        for old, new in zip(graphs, after.get(name, []), strict=False):
            if old != new:
                differences += 1
                if differences <= 20:
                    logger.info("%s differs:\n  before %s\n  after  %s", name, old, new)
        differences += abs(len(graphs) - len(after.get(name, [])))
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data_dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--output", type=Path, help="JSON file for every dev and COCO graph")
    parser.add_argument("--compare", type=Path, help="an earlier --output file; report every graph that differs")
    parser.add_argument("--snapshot", action="store_true", help=f"rewrite {SNAPSHOT_PATH.relative_to(REPO_ROOT)}")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    captions = read_dev_captions(args.data_dir)
    if args.snapshot:
        write_snapshot(captions)
    if args.output or args.compare:
        graphs = parse_all(captions)
        if args.output:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(graphs), encoding="utf-8")
            logger.info("wrote %s (%d graphs)", args.output, sum(map(len, graphs.values())))
        if args.compare:
            differences = count_differences(json.loads(args.compare.read_text(encoding="utf-8")), graphs)
            logger.info("%d graphs differ from %s", differences, args.compare)
            sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
