"""Tests that start other processes: a free loopback port, torchrun with two CPU ranks, the repository on PYTHONPATH."""

from __future__ import annotations

import os
import socket
from pathlib import Path


REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback TCP port nothing listens on now, for torchrun's --master_port or a local server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def torchrun_two_ranks(*target: str) -> list[str]:
    """`torchrun --nproc_per_node 2 --master_port <free port>` followed by `target` (a script, or "-m" module, and
    its arguments)."""
    return ["torchrun", "--nproc_per_node", "2", "--master_port", str(free_port()), *target]


def pythonpath_with_repo_root() -> str:
    """PYTHONPATH for a rank that imports `tests.*` or runs from a checkout: the repository root first."""
    return os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
