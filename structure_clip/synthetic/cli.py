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


def main(argv=None) -> dict:
    from structure_clip.cli_logging import configure_cli_logging

    configure_cli_logging()
    (args,) = ablation_parser().parse_args_into_dataclasses(args=sys.argv[1:] if argv is None else argv)
    from structure_clip.synthetic.ablation import format_table, run_ablation

    report = run_ablation(args)
    sys.stdout.write(format_table(report["variants"]) + "\n")
    logger.info("total wall time %.0f s; results in %s", report["wall_seconds"],
                os.path.join(args.output_dir, "results.json"))  # fmt: skip
    logger.info(
        "Each variant's folder (e.g. %s) holds its last step, which the table scores, and best_model/, "
        "selected on validation relation-swap accuracy; examples/export_to_hub.py takes best_model/ unless "
        "given --use-last-step.",
        os.path.join(args.output_dir, "structure-clip"),
    )
    return report
