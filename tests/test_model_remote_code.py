"""`save_pretrained` gives a Hub-ready folder: it loads with trust_remote_code=True in a fresh process where
this repository's package cannot be imported, through AutoConfig, AutoModel and
AutoModelForZeroShotImageClassification, and reproduces the in-process outputs exactly.

The repository is pip-installed in editable mode, so a plain subprocess could still import the package. The
child runs with `python -I -S` (no site processing, so no editable-install finder from a .pth file, no
current directory on sys.path) and gets only the plain site-packages folders on sys.path; it asserts that
`modeling_structure_clip` is not importable before it loads anything.
"""

import ast
import json
import os
import site
import subprocess
import sys
import textwrap

import pytest
import torch

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import random_inputs, tiny_structure_clip_config


torch.set_num_threads(1)

AUTO_CLASSES = ("AutoConfig", "AutoModel", "AutoModelForZeroShotImageClassification")
COMPARED_OUTPUTS = ("logits_per_image", "logits_per_text", "text_embeds", "image_embeds", "knowledge_embeds")
OUR_PACKAGES = ("modeling_structure_clip", "processing")

CHILD_SCRIPT = textwrap.dedent(
    """
    import importlib.util, json, sys
    sys.path.extend(json.loads(sys.argv[1]))  # plain site-packages only: no .pth files, no editable finder
    model_dir, inputs_path, outputs_path = sys.argv[2:5]
    for package in ("modeling_structure_clip", "processing"):
        assert importlib.util.find_spec(package) is None, f"{package} is importable in the isolated child"

    import torch
    from transformers import AutoConfig, AutoModel, AutoModelForZeroShotImageClassification

    torch.set_num_threads(1)
    config = AutoConfig.from_pretrained(model_dir, trust_remote_code=True)
    models = {
        "AutoModel": AutoModel.from_pretrained(model_dir, trust_remote_code=True),
        "AutoModelForZeroShotImageClassification": AutoModelForZeroShotImageClassification.from_pretrained(
            model_dir, trust_remote_code=True
        ),
    }
    cases = torch.load(inputs_path, weights_only=True)  # {case name: forward() kwargs}
    results = {"config_class": type(config).__module__ + "." + type(config).__name__}
    outputs = {}
    for auto_name, model in models.items():
        model.eval()
        results[auto_name + "_class"] = type(model).__module__ + "." + type(model).__name__
        for case, inputs in cases.items():
            with torch.no_grad():
                output = model(**inputs)
            outputs[(auto_name, case)] = {name: getattr(output, name) for name in COMPARED_OUTPUTS_LITERAL}
    torch.save({"|".join(key): value for key, value in outputs.items()}, outputs_path)
    print("RESULT " + json.dumps(results))
    """
).replace("COMPARED_OUTPUTS_LITERAL", repr(COMPARED_OUTPUTS))


def _site_packages_dirs() -> list[str]:
    dirs = site.getsitepackages() + [site.getusersitepackages()]
    return [path for path in dirs if os.path.isdir(path)]


def _run_isolated_child(model_dir, inputs_path, outputs_path, tmp_path) -> dict:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "HF_HOME": str(tmp_path / "hf_home"),  # fresh remote-code module cache
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    command = [
        sys.executable, "-I", "-S", "-c", CHILD_SCRIPT,
        json.dumps(_site_packages_dirs()), str(model_dir), str(inputs_path), str(outputs_path),
    ]  # fmt: skip
    completed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, f"isolated child failed:\n{completed.stdout}\n{completed.stderr}"
    result_lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(result_lines[-1][len("RESULT ") :])


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    torch.manual_seed(0)
    model = StructureCLIPModel(tiny_structure_clip_config()).eval()
    model_dir = tmp_path_factory.mktemp("remote") / "model"
    model.save_pretrained(model_dir)
    return model, model_dir


def test_saved_folder_has_flat_remote_code_and_auto_map(saved_model):
    _, model_dir = saved_model
    auto_map = json.loads((model_dir / "config.json").read_text())["auto_map"]
    assert set(AUTO_CLASSES) <= set(auto_map), f"auto_map lacks entries: {auto_map}"
    code_files = {path.name for path in model_dir.glob("*.py")}
    for auto_name in AUTO_CLASSES:
        module_name = auto_map[auto_name].split(".")[0]
        assert f"{module_name}.py" in code_files, f"{auto_name} points at {module_name}.py, which was not saved"
    assert not [path for path in model_dir.rglob("*.py") if path.parent != model_dir], "code files must be flat"

    for path in sorted(model_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                # Only `from .sibling import Name`: save_pretrained copies siblings flat, by base name.
                assert node.level == 1 and node.module and "." not in node.module, (
                    f"{path.name}:{node.lineno}: only `from .sibling import X` works in remote code"
                )
                assert f"{node.module}.py" in code_files, f"{path.name}:{node.lineno}: {node.module}.py not saved"
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
                assert not [n for n in names if n.split(".")[0] in OUR_PACKAGES], (
                    f"{path.name}:{node.lineno}: absolute import of this repository's packages breaks on the Hub"
                )


def test_fresh_process_without_package_reproduces_outputs(saved_model, tmp_path):
    model, model_dir = saved_model
    cases = {"with_triples": random_inputs(3, seed=5), "without_triples": random_inputs(3, with_triples=False, seed=6)}
    inputs_path, outputs_path = tmp_path / "inputs.pt", tmp_path / "outputs.pt"
    torch.save(cases, inputs_path)
    result = _run_isolated_child(model_dir, inputs_path, outputs_path, tmp_path)

    # The child used the copied remote code, not a registered local class.
    assert result["config_class"].startswith("transformers_modules."), result
    for auto_name in ("AutoModel", "AutoModelForZeroShotImageClassification"):
        assert result[f"{auto_name}_class"].startswith("transformers_modules."), result
        assert result[f"{auto_name}_class"].endswith(".StructureCLIPModel"), result

    child_outputs = torch.load(outputs_path, weights_only=True)
    assert len(child_outputs) == 2 * len(cases)
    for key, outputs in child_outputs.items():
        auto_name, case = key.split("|")
        with torch.no_grad():
            expected = model(**cases[case])
        for name in COMPARED_OUTPUTS:
            assert torch.equal(outputs[name], getattr(expected, name)), f"{case}: {auto_name}.{name} differs"
