"""Fetch transformers' own test suite (the `tests/` tree of the PyPI sdist) for the conformance test.

`tests/test_modeling_common.py` (ModelTesterMixin) ships in the transformers sdist but not in the
wheel. We never commit those files: this script
downloads the sdist of the *installed* transformers version with pip and extracts only its `tests/`
folder into a git-ignored cache, where tests/test_model_conformance.py finds it.

    python tests/fetch_transformers_tests.py            # -> .cache/transformers-sdist/transformers-<ver>/tests
    python tests/fetch_transformers_tests.py --print-dir

Set TRANSFORMERS_TESTS_DIR to use a tests/ tree that lives elsewhere.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
import types
from pathlib import Path


logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "transformers-sdist"
TESTS_DIR_ENV_VAR = "TRANSFORMERS_TESTS_DIR"


def installed_transformers_version() -> str:
    from importlib.metadata import version

    return version("transformers")


def default_tests_dir(version: str | None = None) -> Path:
    """Where the extracted `tests/` tree of transformers==`version` lives in the cache."""
    version = version or installed_transformers_version()
    return DEFAULT_CACHE_DIR / f"transformers-{version}" / "tests"


def locate_tests_dir() -> Path | None:
    """The transformers `tests/` folder to use, or None when it has not been fetched yet."""
    candidate = Path(os.environ[TESTS_DIR_ENV_VAR]) if os.environ.get(TESTS_DIR_ENV_VAR) else default_tests_dir()
    return candidate if (candidate / "test_modeling_common.py").is_file() else None


# Package name under which the fetched tests/ folder is imported (its modules use relative imports).
TESTS_PACKAGE = "transformers_sdist_tests"
# Modules that test_modeling_common.py / test_configuration_common.py import but the sdist does not ship
# (only top-level tests/*.py are in it). Each stub provides the one name imported, doing nothing:
# - ExportTesterMixin: torch.export tests (ModelTesterMixin's base class) -> those tests are not run;
# - GenerationTesterMixin: only used in an issubclass check; our model cannot generate;
# - config_common_kwargs: only read by ConfigTester for configs *without* sub-configs (ours has three).
MISSING_MODULE_STUBS = {
    "exporters.test_export": {"ExportTesterMixin": type("ExportTesterMixin", (), {})},
    "generation.test_utils": {"GenerationTesterMixin": type("GenerationTesterMixin", (), {})},
    "utils.test_configuration_utils": {"config_common_kwargs": {}},
}


def import_common_test_modules(tests_dir: Path) -> tuple[types.ModuleType, types.ModuleType]:
    """Import (test_modeling_common, test_configuration_common) from a transformers tests/ folder.

    The folder is mounted as package `TESTS_PACKAGE`; modules missing from the sdist are stubbed
    (see MISSING_MODULE_STUBS) unless the folder has them (e.g. a git checkout via TRANSFORMERS_TESTS_DIR).
    """
    if TESTS_PACKAGE not in sys.modules:
        package = types.ModuleType(TESTS_PACKAGE)
        package.__path__ = [str(tests_dir)]
        sys.modules[TESTS_PACKAGE] = package
        for dotted, names in MISSING_MODULE_STUBS.items():
            if (tests_dir / (dotted.replace(".", "/") + ".py")).is_file():
                continue
            parts = dotted.split(".")
            for depth in range(1, len(parts) + 1):
                name = f"{TESTS_PACKAGE}.{'.'.join(parts[:depth])}"
                if name not in sys.modules:
                    module = types.ModuleType(name)
                    module.__path__ = []
                    sys.modules[name] = module
            sys.modules[f"{TESTS_PACKAGE}.{dotted}"].__dict__.update(names)
    modeling_common = importlib.import_module(f"{TESTS_PACKAGE}.test_modeling_common")
    if (tests_dir / "__init__.py").is_file():
        configuration_common = importlib.import_module(f"{TESTS_PACKAGE}.test_configuration_common")
    else:
        # It execs tests/__init__.py only to get `transformers` back; hand it the module directly.
        import transformers.utils

        original = transformers.utils.direct_transformers_import
        transformers.utils.direct_transformers_import = lambda *args, **kwargs: sys.modules["transformers"]
        try:
            configuration_common = importlib.import_module(f"{TESTS_PACKAGE}.test_configuration_common")
        finally:
            transformers.utils.direct_transformers_import = original
    return modeling_common, configuration_common


def _download_sdist(version: str, download_dir: Path) -> Path:
    # --no-binary :all: forces the .tar.gz; --no-deps because we only want the test files.
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--dest",
        str(download_dir),
        f"transformers=={version}",
    ]
    subprocess.run(command, check=True)
    archives = sorted(download_dir.glob("transformers-*.tar.gz"))
    if not archives:
        raise FileNotFoundError(f"pip download left no transformers sdist in {download_dir}")
    return archives[0]


def _extract_tests(archive: Path, version: str, target_root: Path) -> None:
    prefix = f"transformers-{version}/tests/"
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix) and (m.isfile() or m.isdir())]
        if not members:
            raise FileNotFoundError(f"{archive.name} has no {prefix} folder")
        tar.extractall(target_root, members=members, filter="data")
    # The sdist omits the empty tests/__init__.py of the git repo, but test_configuration_common.py
    # execs `Path(__file__).parent / "__init__.py"` at import (direct_transformers_import).
    (target_root / prefix / "__init__.py").touch()


def fetch(version: str | None = None, force: bool = False) -> Path:
    """Download and extract the sdist's tests/ for `version` (default: installed); return that folder."""
    version = version or installed_transformers_version()
    tests_dir = default_tests_dir(version)
    if (tests_dir / "test_modeling_common.py").is_file() and not force:
        logger.info("transformers %s tests already at %s", version, tests_dir)
        return tests_dir
    DEFAULT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DEFAULT_CACHE_DIR) as download_dir:
        archive = _download_sdist(version, Path(download_dir))
        _extract_tests(archive, version, DEFAULT_CACHE_DIR)
    logger.info("extracted transformers %s tests to %s", version, tests_dir)
    return tests_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default=None, help="transformers version (default: the installed one)")
    parser.add_argument("--force", action="store_true", help="re-download even if already cached")
    parser.add_argument("--print-dir", action="store_true", help="print the tests/ folder and exit")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.print_dir:
        print(default_tests_dir(args.version))
        return
    fetch(args.version, force=args.force)


if __name__ == "__main__":
    main()
