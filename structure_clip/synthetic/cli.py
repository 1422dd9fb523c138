"""Command line of the built-in demo (examples/synthetic_ablation.py, and examples/train.py without data).

Only the options are imported at module level, so `--help` answers before torch, transformers' models or
`datasets` load.
"""

from __future__ import annotations

import logging
import os
import sys

from structure_clip.synthetic.arguments import AblationArguments


logger = logging.getLogger(__name__)


def ablation_parser():
    from transformers import HfArgumentParser

    return HfArgumentParser(AblationArguments)


def report_table(report: dict) -> str:
    """The printed table: the main job's own for one scratch run, else mean ± std per cell (plus stage 1)."""
    from structure_clip.synthetic.ablation import format_table
    from structure_clip.synthetic.seeds import aggregate_cells, format_spread_table

    if "cells" in report:
        table = format_spread_table(report["cells"], len(report["seeds"]))
    elif report["regime"] == "scratch":
        return format_table(report["variants"])
    else:
        table = format_spread_table(aggregate_cells({0: report}), 1)
    if report["regime"] != "finetune":
        return table
    pretrained = report["pretrained"]
    per_seed = pretrained.values() if "cells" in report else [pretrained]
    stage_one = "; ".join(
        f"relation swap {p['metrics']['relation_swap_acc']:.1%}, attribute swap {p['metrics']['attribute_swap_acc']:.1%}, "
        f"R@1 {p['metrics']['retrieval_r1']:.1%}"
        for p in per_seed
    )
    return f"stage 1 (plain CLIP, the fine-tuning start): {stage_one}\n{table}"


def main(argv=None) -> dict:
    from structure_clip.cli_logging import configure_cli_logging

    configure_cli_logging()
    parser = ablation_parser()
    try:
        (args,) = parser.parse_args_into_dataclasses(args=sys.argv[1:] if argv is None else argv)
    except ValueError as error:  # AblationArguments.__post_init__ checks choices and ranges: a usage error, exit 2
        parser.error(str(error))
    from structure_clip.synthetic.experiment import run_experiment

    report = run_experiment(args)
    sys.stdout.write(report_table(report) + "\n")
    logger.info("total wall time %.0f s; results in %s", report["wall_seconds"],
                os.path.join(args.output_dir, "results.json"))  # fmt: skip
    if args.regime != "scratch" or args.seeds:
        return report
    logger.info(
        "Each variant's folder (e.g. %s) holds its last step, which the table scores, and best_model/, "
        "selected on validation relation-swap accuracy; examples/export_to_hub.py takes best_model/ unless "
        "given --use-last-step.",
        os.path.join(args.output_dir, "structure-clip"),
    )
    return report
