"""List the captions a scene-graph parser gets wrong on a FACTUAL split, and group its relation errors.

    python benchmarks/parser_errors.py --split long_dev --near 2
    python benchmarks/parser_errors.py --split train --min_words 8 --output_json wrong.json

`benchmarks/parser_quality.py` gives the scores; this script shows what is behind them. It matches graphs the same
way (lemmatised exact sets, `parser_quality.normalised_sets`), so a caption listed here is one that counts against
graph exact match. Each wrong caption is printed with its missing and extra relations, attributes and objects and the
number of wrong items; `--near K` keeps the captions with at most K wrong items, the ones a single rule might make
exact. The summary counts the wrong captions by that number and groups relation errors by kind:

- `predicate`: the pair is right, the predicate differs (gold `have`, ours `with`);
- `reversed`: ours has the pair the other way round;
- `other subject` / `other object`: the same object (subject) related to a different noun;
- `missing` / `extra`: nothing on the other side explains it.

It also gives graph exact match by the size of the gold graph (its relations, attributes and objects): a caption
with more gold items has more to get wrong, so this tells a split that is harder because its graphs are bigger from
one that is harder item for item.

The train split is for mining conventions (`benchmarks/mine_factual_conventions.py`); listing its errors tells which
construction train's annotators write one way and the rules another, with counts to back a rule. Needs the shared
FACTUAL files (`--data_dir`).
"""

from __future__ import annotations

import os


for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import json
import logging
from collections import Counter
from pathlib import Path

from parser_quality import (  # sibling script: the same gold reading and matching
    DEFAULT_DATA_DIR,
    Normaliser,
    normalised_sets,
    ours_parse_batch,
    read_factual,
    sample_factual,
)


logger = logging.getLogger("parser_errors")

SPLITS = ("random_dev", "length_dev", "long_dev", "train")
ITEM_KINDS = ("relations", "attributes", "objects")


def caption_errors(caption: str, predicted, gold, norm: Normaliser) -> dict | None:
    """The missing and extra items of one caption, or None when the graphs match."""
    ours, theirs = normalised_sets(*predicted, norm), normalised_sets(*gold, norm)
    errors: dict = {"caption": caption}
    wrong = 0
    for kind in ITEM_KINDS:
        missing = sorted(getattr(theirs, kind) - getattr(ours, kind))
        extra = sorted(getattr(ours, kind) - getattr(theirs, kind))
        errors[f"{kind}_missing"], errors[f"{kind}_extra"] = missing, extra
        wrong += len(missing) + len(extra)
    if not wrong:
        return None
    errors["wrong_items"] = wrong
    return errors


def relation_error_kinds(errors: dict) -> Counter:
    """Each missing gold relation of a caption by the first extra relation of ours that explains it (same pair, the
    pair reversed, same object, same subject, in that order), and each extra relation that explains none."""
    extra = [tuple(relation) for relation in errors["relations_extra"]]
    used: set[int] = set()
    kinds: Counter = Counter()
    tests = (
        ("predicate", lambda s, o, r: r[0] == s and r[2] == o),
        ("reversed", lambda s, o, r: r[0] == o and r[2] == s),
        ("other subject", lambda s, o, r: r[2] == o),
        ("other object", lambda s, o, r: r[0] == s),
    )
    for subject, _, obj in (tuple(relation) for relation in errors["relations_missing"]):
        for kind, explains in tests:
            match = next((i for i, r in enumerate(extra) if i not in used and explains(subject, obj, r)), None)
            if match is not None:
                used.add(match)
                kinds[kind] += 1
                break
        else:
            kinds["missing"] += 1
    kinds["extra"] += len(extra) - len(used)
    return kinds


def predicate_confusions(wrong: list[dict]) -> Counter:
    """(gold predicate, our predicate) for every pair both sides relate with different words."""
    confusions: Counter = Counter()
    for errors in wrong:
        ours = {(s, o): p for s, p, o in (tuple(r) for r in errors["relations_extra"])}
        for subject, predicate, obj in (tuple(r) for r in errors["relations_missing"]):
            if (subject, obj) in ours:
                confusions[(predicate, ours[(subject, obj)])] += 1
    return confusions


def gold_item_count(gold, norm: Normaliser) -> int:
    """Relations, attributes and objects in a gold graph, counted as they are matched."""
    sets = normalised_sets(*gold, norm)
    return sum(len(getattr(sets, kind)) for kind in ITEM_KINDS)


def exact_by_gold_items(gold_sizes: list[int], exact: list[bool], largest: int = 9) -> dict:
    """Captions and exact graphs by gold graph size; sizes from `largest` up share one row ("9+")."""
    rows: dict[int, list[int]] = {}
    for size, is_exact in zip(gold_sizes, exact, strict=True):
        row = rows.setdefault(min(size, largest), [0, 0])
        row[0] += 1
        row[1] += bool(is_exact)
    return {
        (f"{size}+" if size == largest else str(size)): {"captions": n, "exact": k}
        for size, (n, k) in sorted(rows.items())
    }


def summarise(wrong: list[dict], total: int, top: int = 15, by_gold_items: dict | None = None) -> dict:
    kinds: Counter = Counter()
    for errors in wrong:
        kinds += relation_error_kinds(errors)
    by_count = Counter(min(errors["wrong_items"], 8) for errors in wrong)
    return {
        "captions": total,
        "wrong_captions": len(wrong),
        "wrong_by_items": {("8+" if n == 8 else str(n)): by_count[n] for n in sorted(by_count)},
        "relation_errors": dict(kinds.most_common()),
        "predicate_confusions": [
            {"gold": gold, "ours": ours, "count": count}
            for (gold, ours), count in predicate_confusions(wrong).most_common(top)
        ],
        "exact_by_gold_items": by_gold_items or {},
    }


def format_caption(errors: dict) -> str:
    lines = [f"## {errors['caption']}  [{errors['wrong_items']} wrong]"]
    for kind in ITEM_KINDS:
        for side in ("missing", "extra"):
            items = errors[f"{kind}_{side}"]
            if items:
                shown = ", ".join(
                    "(" + ", ".join(item) + ")" if isinstance(item, (list, tuple)) else item for item in items
                )
                lines.append(f"    {kind} {side}: {shown}")
    return "\n".join(lines)


def format_summary(summary: dict) -> str:
    lines = [
        f"{summary['wrong_captions']} of {summary['captions']} captions wrong",
        "wrong items per caption: " + ", ".join(f"{n}: {c}" for n, c in summary["wrong_by_items"].items()),
        "relation errors: " + ", ".join(f"{kind} {count}" for kind, count in summary["relation_errors"].items()),
        "predicate confusions (gold <- ours):",
    ]
    lines += [f"    {row['gold']!r} <- {row['ours']!r}: {row['count']}" for row in summary["predicate_confusions"]]
    if summary["exact_by_gold_items"]:
        lines.append("graph exact by gold items (relations + attributes + objects):")
        lines += [
            f"    {size:>3}: {row['exact']} of {row['captions']} ({100 * row['exact'] / row['captions']:.1f}%)"
            for size, row in summary["exact_by_gold_items"].items()
        ]
    return "\n".join(lines)


def read_split(data_dir: Path, split: str, train_captions: int, seed: int, min_words: int):
    path = data_dir / "factual" / f"{split}.csv"
    if not path.is_file():
        raise SystemExit(f"no FACTUAL file at {path}; pass --data_dir (the shared data folder)")
    if split == "train":
        return sample_factual(path, train_captions, seed, min_words)
    captions, golds = read_factual(path)
    kept = [i for i, caption in enumerate(captions) if len(caption.split()) >= min_words]
    return [captions[i] for i in kept], [golds[i] for i in kept]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data_dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--split", choices=SPLITS, default="long_dev", help="which FACTUAL file")
    parser.add_argument("--parser", default="rules", help="'rules' or a seq2seq checkpoint folder / Hub id")
    parser.add_argument("--min_words", type=int, default=0, help="only captions of at least this many words")
    parser.add_argument("--near", type=int, default=None, help="only captions with at most this many wrong items")
    parser.add_argument(
        "--train_captions", type=int, default=40000, help="with --split train: how many captions (all by default)"
    )
    parser.add_argument("--seed", type=int, default=13, help="with --split train: the sample's seed")
    parser.add_argument("--top", type=int, default=15, help="how many predicate confusions to list")
    parser.add_argument("--summary_only", action="store_true", help="print the summary, not each caption")
    parser.add_argument("--output_json", type=Path, default=None, help="also write the wrong captions and summary")
    args = parser.parse_args(argv)
    if args.near is not None and args.near < 1:
        parser.error("--near must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    captions, golds = read_split(args.data_dir, args.split, args.train_captions, args.seed, args.min_words)
    if not captions:
        raise SystemExit(f"no {args.split} caption has {args.min_words} or more words")
    norm = Normaliser()
    predictions = ours_parse_batch(captions, args.parser)
    per_caption = [
        caption_errors(caption, predicted, gold, norm)
        for caption, predicted, gold in zip(captions, predictions, golds, strict=True)
    ]
    wrong = [errors for errors in per_caption if errors is not None]
    by_gold_items = exact_by_gold_items(
        [gold_item_count(gold, norm) for gold in golds], [errors is None for errors in per_caption]
    )
    summary = summarise(wrong, len(captions), args.top, by_gold_items)
    listed = [errors for errors in wrong if args.near is None or errors["wrong_items"] <= args.near]
    if not args.summary_only:
        for errors in listed:
            print(format_caption(errors))
    print(format_summary(summary))
    if args.output_json is not None:
        args.output_json.parent.mkdir(parents=True, exist_ok=True)
        args.output_json.write_text(json.dumps({"summary": summary, "wrong": listed}, indent=1), encoding="utf-8")
        logger.info("wrote %s", args.output_json)


if __name__ == "__main__":
    main()
