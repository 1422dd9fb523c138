"""Logging of the command-line entry points: one format, and no per-checkpoint chatter from Accelerate."""

from __future__ import annotations

import logging


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Accelerate logs 8 INFO lines per `save_state` / `load_state` (one per saved object); measured with
# `python examples/train.py` on the synthetic world. Its warnings and errors still come through.
QUIET_LOGGERS = ("accelerate",)


def configure_cli_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(format=LOG_FORMAT, level=level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
