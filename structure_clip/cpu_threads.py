"""torch CPU threads for the tiny synthetic models: a given count, or the cores idle at start (`--num_threads 0`).

A busy core stalls every op of a multi-threaded run of these tiny models. Two threads halve the demo's step time on
an idle 2-core machine, but 40 steps (examples/synthetic_ablation.py --max_train_steps 40 --curriculum_steps 0
--variants clip --num_train_examples 2000) on a shared 2-core machine took 12 s with 1 thread and 193 s with 2; with
one more busy process, 29 s and 553 s. The Trainer's 500-step synthetic default (examples/finetune_with_trainer.py)
took 69 min with torch's 2 threads beside other work on a 2-core machine, where 1 thread ran 1.0 s/step (30 steps,
same load). Results agree to about 1e-6 between thread counts, not bit for bit.
"""

from __future__ import annotations

import logging
import os
from dataclasses import field


logger = logging.getLogger(__name__)

IDLE_CORES_HELP = "0 = the idle cores at start (CPUs minus the 1-minute load average, at least 1)"


def num_threads_field(help_text: str):
    """The `num_threads` option of an `HfArgumentParser` dataclass: default 0, the idle cores at start."""
    return field(default=0, metadata={"help": help_text})


def idle_core_count() -> int:
    """CPUs minus the 1-minute load average, rounded, at least 1 (all CPUs where the load is unknown)."""
    cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cpus
    return max(1, min(cpus, round(cpus - load)))


def set_torch_threads(num_threads: int) -> int:
    """Set torch's CPU threads to `num_threads`, or to the idle cores at start when it is 0; returns the count."""
    import torch

    threads = num_threads or idle_core_count()
    torch.set_num_threads(threads)
    logger.info("torch threads: %d%s", threads, "" if num_threads else " (idle cores at start; --num_threads sets it)")
    return threads
