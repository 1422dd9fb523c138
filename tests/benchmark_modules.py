"""Load benchmark scripts (benchmarks/*.py) as modules in tests, without touching the import path.

Some scripts import a sibling script by name (the miner and the colour counter import parser_quality's gold
reader), and dataclasses look their module up in sys.modules, so each is registered there under its own name
while the test runs, and whatever was there before is put back afterwards.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@contextlib.contextmanager
def benchmark_modules(*names: str):
    """Yield the last of `names` loaded as a module; each name is loaded in order and registered."""
    saved = {name: sys.modules.get(name) for name in names}
    try:
        module = None
        for name in names:
            spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        yield module
    finally:
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
