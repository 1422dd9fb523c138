"""The saved processor loads with AutoProcessor(trust_remote_code=True) where `processing` is NOT
importable: a fresh interpreter, the folder copied elsewhere, and our packages blocked.

The repo is pip-installed in editable mode, so `python -I` alone would still find `processing`
through the editable finder; the child therefore installs an import blocker first and asserts that
`import processing` fails before loading anything.
"""

import json
import shutil
import subprocess
import sys
import textwrap

import torch

from tests.tiny_processors import make_tiny_processor


CAPTIONS = ["A man riding a horse.", "The cat is black and the dog is white.", "a dog"]

CHILD = textwrap.dedent(
    """
    import importlib.abc, json, sys

    class BlockOurPackages(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("processing", "modeling_structure_clip"):
                raise ImportError(f"{name} is hidden in this test")
            return None

    sys.meta_path.insert(0, BlockOurPackages())
    try:
        import processing
    except ImportError:
        pass
    else:
        raise SystemExit("processing is still importable: the test would prove nothing")

    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(sys.argv[1], trust_remote_code=True)
    module = type(processor).__module__
    assert module.startswith("transformers_modules"), module
    assert "spacy" not in sys.modules, "loading the processor must not import spaCy"
    batch = processor(text=json.loads(sys.argv[2]), negatives="auto", seed=3)
    print(json.dumps({"module": module, "settings": [processor.max_triples, processor.phrase_length],
                      "batch": {key: value.tolist() for key, value in batch.items()}}))
    """
)


def test_fresh_process_loads_remote_code_without_the_package(tmp_path):
    saved = tmp_path / "saved"
    processor = make_tiny_processor(saved, max_triples=5)
    hub_copy = tmp_path / "elsewhere" / "structure-clip-processor"
    shutil.copytree(saved, hub_copy)
    expected = processor(text=CAPTIONS, negatives="auto", seed=3)

    env = {
        "HF_HUB_OFFLINE": "1",
        "HF_MODULES_CACHE": str(tmp_path / "modules"),
        "OMP_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-I", "-c", CHILD, str(hub_copy), json.dumps(CAPTIONS)],
        cwd=tmp_path / "elsewhere",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    reply = json.loads(result.stdout.strip().splitlines()[-1])
    assert reply["settings"] == [5, 5]
    assert set(reply["batch"]) == set(expected)
    for key, value in expected.items():
        assert torch.equal(torch.tensor(reply["batch"][key]), value), key


def test_importing_the_package_loads_neither_spacy_nor_the_model_package():
    code = (
        "import sys, processing; "
        "assert 'spacy' not in sys.modules, 'spacy imported eagerly'; "
        "assert 'modeling_structure_clip' not in sys.modules, 'processing imports the model package'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
