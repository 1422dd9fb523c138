"""Command lines of the training jobs: `examples/train.py` (Accelerate) and `examples/finetune_with_trainer.py`.

`examples/train.py` without --train_file / --dataset_name runs the built-in synthetic demo, and then takes the
demo's options (structure_clip/synthetic/arguments.py); `--help` lists both sets. Heavy imports stay inside the
functions, so `--help` answers without loading torch, spaCy or `datasets`.
"""

from __future__ import annotations

import logging
import sys

from structure_clip.cli_logging import configure_cli_logging


logger = logging.getLogger(__name__)

DATA_FLAGS = ("--train_file", "--dataset_name")
DEMO_HELP_HEADER = (
    "\nWithout --train_file / --dataset_name, train.py runs the built-in synthetic demo (the paper's ablation on a "
    "world of coloured shapes, examples/synthetic_ablation.py) and takes the demo's options instead:\n\n"
)


def train_parser():
    from transformers import HfArgumentParser

    from .arguments import StructureCLIPTrainArgs

    return HfArgumentParser(StructureCLIPTrainArgs)


def parse_train_args(argv=None):
    """The real-data job's arguments; an unknown option is a usage error (exit 2), named, without a traceback."""
    parser = train_parser()
    args, unknown = parser.parse_args_into_dataclasses(args=argv, return_remaining_strings=True)
    if unknown:
        parser.error(unknown_options_message(unknown))
    return args


def unknown_options_message(unknown: list[str]) -> str:
    """argparse's wording, plus which of the options belong to the synthetic demo rather than the real-data job."""
    from structure_clip.synthetic.cli import ablation_parser

    demo_options = ablation_parser()._option_string_actions
    demo_only = [arg.split("=")[0] for arg in unknown if arg.split("=")[0] in demo_options]
    message = f"unrecognized arguments: {' '.join(unknown)}"
    if demo_only:
        message += (
            f". {', '.join(demo_only)} {'is an option' if len(demo_only) == 1 else 'are options'} of the built-in "
            "synthetic demo, which train.py runs without "
            "--train_file / --dataset_name (see --help); with real data, set threads with OMP_NUM_THREADS and the "
            "rest with the options listed by --help"
        )
    return message


def names_training_data(argv: list[str]) -> bool:
    """True when the command line names real training data (`--train_file x` or `--dataset_name=x`)."""
    return any(arg == flag or arg.startswith(flag + "=") for arg in argv for flag in DATA_FLAGS)


def check_demo_options(argv: list[str]) -> None:
    """Real-data options without real data are a mistake to name, not an unknown-argument error."""
    from structure_clip.synthetic.cli import ablation_parser

    *_, unknown = ablation_parser().parse_args_into_dataclasses(args=argv, return_remaining_strings=True)
    if unknown:
        raise SystemExit(
            f"No training data, so train.py runs the built-in synthetic demo, which has no option {' '.join(unknown)}. "
            "For real data pass --train_file or --dataset_name; for the demo's options see --help."
        )


def print_help_with_demo_options() -> None:
    from structure_clip.synthetic.cli import ablation_parser

    sys.stdout.write(train_parser().format_help())
    demo = ablation_parser()
    demo.prog = "train.py (synthetic demo)"
    sys.stdout.write(DEMO_HELP_HEADER + demo.format_help())


def train_main(argv=None) -> None:
    """`python examples/train.py [options]`; without training data it runs the built-in synthetic ablation."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if "-h" in argv or "--help" in argv:
        print_help_with_demo_options()
        raise SystemExit(0)
    if not names_training_data(argv):
        # The README's first command: the built-in synthetic ablation, with any of its options.
        from structure_clip.synthetic import cli as synthetic_cli

        check_demo_options(argv)
        synthetic_cli.main(argv)
        return
    configure_cli_logging()
    args = parse_train_args(argv)
    from structure_clip.loading import ModelNotAvailableError

    from .loop import train_on_real_data

    try:
        result = train_on_real_data(args)
    except ModelNotAvailableError as error:
        # A Hub id offline: a setup problem with a known fix, said without a traceback.
        logger.error("%s", error)
        raise SystemExit(2) from error
    log_which_model_is_which(result, args.metric_for_best_model)


def log_which_model_is_which(result, metric_name: str) -> None:
    """The run leaves two models; say which is which, and which one export_to_hub.py takes."""
    logger.info("Finished %d steps; log in %s", result.global_step, result.results_file)
    if result.final_model_dir:
        logger.info("Last step's model: %s", result.final_model_dir)
    if result.best_model_dir:
        logger.info(
            "Model selected on validation (%s = %s; step in its selection.json): %s. This is the one to "
            "publish: examples/export_to_hub.py --model %s exports it (--use-last-step for the last step).",
            metric_name,
            result.best_metric,
            result.best_model_dir,
            result.final_model_dir or result.best_model_dir,
        )
    else:
        logger.info("No validation data, so no selected model: the last step's model is the result.")
