"""Shared test setup: one torch thread per test process, fixtures for the shared data and the parser."""

import os
from pathlib import Path

import pytest


REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA_DIR = REPO_ROOT.parent / "shared" / "data"

# Tests are tiny; extra threads only fight each other (and pytest-xdist workers) on a 2-core machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - torch is a hard dependency
    pass


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    if not SHARED_DATA_DIR.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA_DIR}")
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def parser():
    """One SceneGraphParser (and so one spaCy load) for every parser test in the session."""
    from processing import SceneGraphParser

    return SceneGraphParser()
