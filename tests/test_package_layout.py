"""The three packages and their one-way imports; examples/ as thin scripts that shadow nothing."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest


REPO_ROOT = Path(__file__).resolve().parents[1]
HUB_PACKAGES = ("modeling_structure_clip", "processing")


def _imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", HUB_PACKAGES)
def test_hub_packages_never_import_the_workflows(package):
    offenders = [
        path.name for path in (REPO_ROOT / package).glob("*.py") if "structure_clip" in _imported_top_level_names(path)
    ]
    assert not offenders, f"{package} ships to the Hub and must not import structure_clip: {offenders}"


def test_model_and_processing_do_not_import_each_other():
    for package, other in (HUB_PACKAGES, HUB_PACKAGES[::-1]):
        offenders = [
            path.name for path in (REPO_ROOT / package).glob("*.py") if other in _imported_top_level_names(path)
        ]
        assert not offenders, f"{package} imports {other}: {offenders}"


def test_examples_are_thin_scripts_importing_no_sibling():
    scripts = sorted((REPO_ROOT / "examples").glob("*.py"))
    siblings = {path.stem for path in scripts}
    for path in scripts:
        assert len(path.read_text().splitlines()) <= 150, f"{path.name} is no thin script"
        assert not (_imported_top_level_names(path) & siblings), f"{path.name} imports a sibling script"
        assert "sys.path" not in path.read_text(), path.name


def test_no_sys_path_edits_in_examples_tests_or_benchmarks():
    for folder in ("examples", "tests", "benchmarks"):
        for path in (REPO_ROOT / folder).glob("*.py"):
            tree = ast.parse(path.read_text())
            edits = [
                node.lineno
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
                and path.name != "test_model_remote_code.py"
            ]  # its child builds a bare sys.path on purpose
            assert not edits, f"{folder}/{path.name}:{edits} touches sys.path"


def test_evaluate_is_the_hugging_face_library_here_and_from_examples():
    evaluate = pytest.importorskip("evaluate")
    assert hasattr(evaluate, "load"), f"`import evaluate` is {evaluate.__file__}, not the HF library"
    completed = subprocess.run(
        [sys.executable, "-c", "import evaluate; print(evaluate.__file__); evaluate.load"],
        cwd=REPO_ROOT / "examples",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "examples" not in completed.stdout, completed.stdout


def test_importing_the_workflows_package_stays_light():
    code = (
        "import sys, structure_clip, structure_clip.training, structure_clip.evaluation, structure_clip.hub, "
        "structure_clip.synthetic; heavy = [m for m in ('spacy', 'matplotlib', 'datasets') if m in sys.modules]; "
        "print(heavy)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]", completed.stdout
