"""Offline, a Hub id that is not cached fails with a message that says to download it once or pass a folder."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from structure_clip.loading import ModelNotAvailableError, explain_unavailable_model


REPO_ROOT = Path(__file__).resolve().parents[1]


def test_hub_ids_offline_name_the_fix(tmp_path):
    """Both default Hub ids of train.py, in a fresh process with HF_HUB_OFFLINE=1 and an empty HF cache."""
    from tests.eval_fixtures import save_tiny_clip

    clip_dir = save_tiny_clip(tmp_path / "tiny_clip")
    script = textwrap.dedent(f"""
        from structure_clip.loading import ModelNotAvailableError, load_model_and_processor
        from structure_clip.training.arguments import ModelArguments
        for args in (ModelArguments(model_name_or_path="openai/clip-vit-base-patch32"),
                     ModelArguments(model_name_or_path={str(clip_dir)!r}, triple_tokenizer="bert-base-uncased")):
            try:
                load_model_and_processor(args)
            except ModelNotAvailableError as error:
                print("ERROR:", error)
    """)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf_home"), "PYTHONPATH": str(REPO_ROOT)}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    errors = [line for line in run.stdout.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 2, run.stdout + run.stderr
    for error, (name, flag) in zip(
        errors,
        [("openai/clip-vit-base-patch32", "--model_name_or_path"), ("bert-base-uncased", "--triple_tokenizer")],
        strict=True,
    ):
        assert f"hf download {name}" in error and flag in error and "local folder" in error


def test_local_folder_errors_pass_through_unchanged(tmp_path):
    with pytest.raises(FileNotFoundError, match="broken file") as error:
        with explain_unavailable_model(str(tmp_path), "--model_name_or_path"):
            raise FileNotFoundError("broken file")
    assert not isinstance(error.value, ModelNotAvailableError)
