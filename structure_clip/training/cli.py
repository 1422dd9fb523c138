"""Command lines of the training jobs: `examples/train.py` (Accelerate) and `examples/finetune_with_trainer.py`.

Heavy imports stay inside the functions, so `--help` answers without loading torch or spaCy first.
"""

from __future__ import annotations

import logging
import sys


logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def parse_train_args(argv=None):
    from transformers import HfArgumentParser

    from .arguments import StructureCLIPTrainArgs

    (args,) = HfArgumentParser(StructureCLIPTrainArgs).parse_args_into_dataclasses(args=argv)
    return args


def train_main(argv=None) -> None:
    """`python examples/train.py [options]`; no arguments runs the built-in synthetic ablation."""
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(format=LOG_FORMAT, level=logging.INFO)
    if not argv:
        # The README's first command: the built-in synthetic ablation.
        from structure_clip.synthetic.ablation import main as ablation_main

        ablation_main([])
        return
    args = parse_train_args(argv)
    if not (args.train_file or args.dataset_name):
        raise SystemExit(
            "No training data: pass --train_file or --dataset_name (see --help). For the built-in synthetic "
            "demo run `python examples/train.py` without arguments, or examples/synthetic_ablation.py --help."
        )
    from .loop import train_on_real_data

    result = train_on_real_data(args)
    logger.info("Finished %d steps; model in %s; log in %s", result.global_step, result.final_model_dir,
                result.results_file)  # fmt: skip
