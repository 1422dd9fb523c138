"""The config module (shipped to the Hub) refuses a too-old transformers with one line that names the minimum,
instead of a dataclass error from deep inside huggingface_hub; the minimum agrees with pyproject.toml."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import tomllib

import modeling_structure_clip
from modeling_structure_clip import configuration_structure_clip


CONFIG_FILE = Path(configuration_structure_clip.__file__)
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _transformers_module():
    # The module object an `import transformers` gets now (transformers may swap its lazy module in sys.modules).
    return sys.modules["transformers"]


def _execute_config_module_fresh():
    """Run the config file as a new module, as the Hub's remote-code loader does."""
    spec = importlib.util.spec_from_file_location("configuration_structure_clip_fresh_copy", CONFIG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("old_version", ["5.0.0", "5.20.2", "4.57.1", "5.3.0.dev0"])
def test_too_old_transformers_gets_one_line_naming_the_minimum(monkeypatch, old_version):
    monkeypatch.setattr(_transformers_module(), "__version__", old_version)
    with pytest.raises(ImportError) as raised:
        _execute_config_module_fresh()
    message = str(raised.value)
    assert "\n" not in message
    assert f"transformers>={configuration_structure_clip.MIN_TRANSFORMERS_VERSION}" in message
    assert old_version in message


@pytest.mark.parametrize("new_enough", ["5.21.0", "5.21.0.dev0", "5.30.1", "6.0.0"])
def test_new_enough_transformers_imports(monkeypatch, new_enough):
    monkeypatch.setattr(_transformers_module(), "__version__", new_enough)
    assert _execute_config_module_fresh().MIN_TRANSFORMERS_VERSION == "5.21.0"


def test_the_minimum_is_exported_and_matches_pyproject():
    if not PYPROJECT.is_file():
        pytest.skip("pyproject.toml is not beside the tests (installed package)")
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    declared = [re.search(r">=\s*([0-9.]+)", d).group(1) for d in dependencies if d.startswith("transformers")]
    assert declared == [modeling_structure_clip.MIN_TRANSFORMERS_VERSION]
