"""One run of the demo: a regime ("scratch" or "finetune"), for one seed or for each of `--seeds`.

With `--seeds`, each seed runs the whole regime in `<output_dir>/seed_<s>/` (world, initial weights, shuffling
and, in the fine-tuning regime, the stage-1 model all follow the seed), and `<output_dir>/results.json` holds the
mean and standard deviation per cell with every seed's values; `<output_dir>/<regime>_seeds.png` plots them. The
thread count is fixed once for all seeds (the idle cores at start unless `--num_threads`), because results are
identical run to run only for one thread count on one machine. A seed whose `seed_<s>/seed_report.json` was
written with the same settings is read back instead of rerun, so seeds can run as parallel processes
(`--seeds 0`, `--seeds 1`, ... with one `--output_dir`), then `--seeds 0 1 2` gathers them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time

from structure_clip.synthetic.arguments import REGIMES, AblationArguments


logger = logging.getLogger(__name__)

CURVE_TITLES = {
    "scratch": "validation relation swap vs training step (mean ± std; dashed: original recipe)",
    "finetune": "validation relation swap vs fine-tuning step (mean ± std; dashed: original recipe)",
}


def run_regime(args: AblationArguments) -> dict:
    if args.regime not in REGIMES:
        raise ValueError(f"--regime {args.regime!r}: choose from {', '.join(REGIMES)}")
    if args.regime == "finetune":
        from structure_clip.synthetic.finetune import run_finetune

        report = run_finetune(args)
        write_finetune_outputs(args.output_dir, report)
        return report
    from structure_clip.synthetic.ablation import run_ablation

    return run_ablation(args)


def write_finetune_outputs(output_dir: str, report: dict) -> None:
    """One seed's results.json (histories stay in each cell's results.jsonl) and its plot."""
    from structure_clip.synthetic.seeds import aggregate_cells, aggregate_curves
    from structure_clip.synthetic.spread_plot import save_spread_plot

    with open(os.path.join(output_dir, "results.json"), "w") as handle:
        json.dump({k: v for k, v in report.items() if k != "histories"}, handle, indent=2)
    single = {report["arguments"]["seed"]: report}
    save_spread_plot(os.path.join(output_dir, "finetune.png"), aggregate_cells(single), aggregate_curves(single),
                     CURVE_TITLES["finetune"])  # fmt: skip


def run_experiment(args: AblationArguments) -> dict:
    """The regime once (no --seeds) or once per seed plus the spread; returns the report the CLI prints."""
    if not args.seeds:
        return run_regime(args)
    from structure_clip.synthetic.ablation import idle_core_count

    args = dataclasses.replace(args, num_threads=args.num_threads or idle_core_count())
    started, reports = time.time(), {}
    for seed in args.seeds:
        seed_args = dataclasses.replace(
            args, seed=seed, seeds=[], output_dir=os.path.join(args.output_dir, f"seed_{seed}")
        )
        reports[seed] = finished_seed(seed_args)
        if reports[seed] is None:
            logger.info("seed %d of %s", seed, args.seeds)
            reports[seed] = record_seed(seed_args, run_regime(seed_args))
    return summarise_seeds(args, reports, time.time() - started)


# Options that cannot change a seed's numbers; a finished seed run with other values of them is still reused.
COSMETIC_OPTIONS = ("disable_tqdm",)


def comparable_arguments(arguments: dict) -> dict:
    # Through JSON, as saved: tuples become lists, so a saved seed compares equal to the same settings.
    plain = json.loads(json.dumps(arguments))
    return {key: value for key, value in plain.items() if key not in COSMETIC_OPTIONS}


def record_seed(seed_args: AblationArguments, report: dict) -> dict:
    """Keep what the spread needs (scores, validation curves, stage 1) in seed_<s>/seed_report.json."""
    kept = {key: report[key] for key in ("regime", "variants", "wall_seconds", "pretrained") if key in report}
    kept["histories"] = {
        cell: [record for record in history if record.get("type") == "eval"]
        for cell, history in report["histories"].items()
    }
    path = os.path.join(seed_args.output_dir, "seed_report.json")
    with open(path, "w") as handle:
        json.dump({"arguments": dataclasses.asdict(seed_args), "report": kept}, handle, indent=2)
    return kept


def finished_seed(seed_args: AblationArguments) -> dict | None:
    """The seed's saved report if an earlier run (e.g. `--seeds 1` in a parallel process) finished it with these
    exact settings, thread count included; else None."""
    path = os.path.join(seed_args.output_dir, "seed_report.json")
    if not os.path.isfile(path):
        return None
    with open(path) as handle:
        saved = json.load(handle)
    if comparable_arguments(saved["arguments"]) != comparable_arguments(dataclasses.asdict(seed_args)):
        logger.info("seed %d: %s holds other settings; running it again", seed_args.seed, path)
        return None
    logger.info("seed %d: reusing the finished run in %s", seed_args.seed, path)
    return saved["report"]


def summarise_seeds(args: AblationArguments, reports: dict[int, dict], wall_seconds: float) -> dict:
    from structure_clip.synthetic.seeds import aggregate_cells, aggregate_curves
    from structure_clip.synthetic.spread_plot import save_spread_plot

    summary = {
        "regime": args.regime,
        "seeds": list(reports),
        "cells": aggregate_cells(reports),
        "per_seed_wall_seconds": {seed: report["wall_seconds"] for seed, report in reports.items()},
        "wall_seconds": wall_seconds,
        "torch_threads": args.num_threads,
        "arguments": dataclasses.asdict(args),
    }
    if args.regime == "finetune":
        summary["pretrained"] = {seed: report["pretrained"] for seed, report in reports.items()}
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "results.json"), "w") as handle:
        json.dump(summary, handle, indent=2)
    save_spread_plot(os.path.join(args.output_dir, f"{args.regime}_seeds.png"), summary["cells"],
                     aggregate_curves(reports), CURVE_TITLES[args.regime])  # fmt: skip
    return summary
