"""`--help` of the example scripts answers before any heavy import: torch, spaCy and `datasets` stay unloaded."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


REPO_ROOT = Path(__file__).resolve().parents[1]
HEAVY_MODULES = ("torch", "spacy", "datasets")
# finetune_with_trainer.py is left out: its options include transformers' TrainingArguments, which imports torch.
LIGHT_SCRIPTS = ["train.py", "synthetic_ablation.py", "evaluate_structure_clip.py", "export_to_hub.py"]
PROBE = """
import json, runpy, sys
sys.argv = [sys.argv[1], "--help"]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as exit_:
    code = exit_.code
print(json.dumps({"code": code, "heavy": sorted(m for m in HEAVY if m in sys.modules)}))
""".replace("HEAVY", repr(HEAVY_MODULES))


@pytest.mark.parametrize("script", LIGHT_SCRIPTS)
def test_help_imports_no_heavy_module(script):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    run = subprocess.run([sys.executable, "-c", PROBE, str(REPO_ROOT / "examples" / script)], capture_output=True,
                         text=True, env=env, timeout=300)  # fmt: skip
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": []}, run.stderr[-2000:]
    assert "usage:" in run.stdout
