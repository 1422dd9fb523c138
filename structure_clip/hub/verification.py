"""Verification of an exported folder: the security scan, then the same inputs through the in-process
objects and through a fresh ``python -I`` process that sees only the folder (``verification_child.py``).
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from structure_clip.hub.folder_files import folder_digest, list_files
from structure_clip.hub.verification_child import model_outputs, pipeline_scores


logger = logging.getLogger(__name__)

VERIFY_TOLERANCE = 1e-5
CHILD_TIMEOUT_S = 600

# What verification feeds both sides: captions whose scene graphs differ only in structure. Those
# longer than the model's text positions are left out (the stock pipeline cannot truncate).
VERIFY_LABELS = (
    "a man riding a horse",
    "a horse riding a man",
    "a red car next to a blue bus",
    "a red square left of a blue circle",
    "a dog",
    "a cat",
)
VERIFY_TEMPLATE = "{}"
CHILD_SCRIPT = Path(__file__).with_name("verification_child.py")


class VerificationError(RuntimeError):
    """The exported folder failed its scan or its fresh-process verification."""


@dataclass
class VerificationReport:
    folder: str
    digest: str  # content digest of every file at verification time; push refuses any other
    files: list[str]
    checks: dict[str, Any] = field(default_factory=dict)
    child_log: str = ""


def fitting_labels(processor, config) -> list[str]:
    """The verification labels that fit the text tower; at least two are needed."""
    limit = min(processor.tokenizer.model_max_length, config.text_config.max_position_embeddings)
    labels = [label for label in VERIFY_LABELS if len(processor.tokenizer(label)["input_ids"]) <= limit]
    if len(labels) < 2:
        raise VerificationError(f"fewer than two verification labels fit in {limit} text positions: {labels}")
    return labels


def verification_image_size(vision_config) -> int:
    """The vision tower's input size; SigLIP 2 (NaFlex) records a patch budget instead: its square side."""
    if getattr(vision_config, "image_size", None):
        return vision_config.image_size
    return int(math.isqrt(vision_config.num_patches)) * vision_config.patch_size


def write_verification_inputs(work_dir: Path, image_size: int, labels: list[str]) -> dict:
    """Two deterministic RGB images (PNG) + labels, as a JSON-able spec shared by both sides.

    The images have the model's input size: some processors (the synthetic world's) neither resize
    nor crop, and any processor accepts an image that already has the model's size."""
    from PIL import Image

    image_paths = []
    for index, colour in enumerate([(200, 30, 30), (20, 90, 220)]):
        image = Image.new("RGB", (image_size, image_size), colour)
        for x in range(index, image_size, 4):  # stripes, shifted per image, so content differs in structure
            for y in range(image_size):
                image.putpixel((x, y), (255 - colour[0], (x * 5) % 256, (y * 7) % 256))
        path = work_dir / f"verify_image_{index}.png"
        image.save(path)
        image_paths.append(str(path))
    return {"images": image_paths, "labels": labels, "hypothesis_template": VERIFY_TEMPLATE}


def reference_outputs(model, processor, spec: dict) -> dict:
    """What the fresh process must reproduce, computed with the objects in hand."""
    from transformers import ZeroShotImageClassificationPipeline

    from processing.pipeline_structure_clip import make_structure_clip_pipeline

    outputs = model_outputs(model, processor, spec)
    outputs["custom_pipeline"] = pipeline_scores(make_structure_clip_pipeline(model, processor), spec)
    stock = make_structure_clip_pipeline(model, processor, pipeline_class=ZeroShotImageClassificationPipeline)
    outputs["stock_pipeline"] = pipeline_scores(stock, spec)
    return outputs


def run_fresh_process_verification(folder: Path, spec_path: Path, work_dir: Path) -> tuple[dict, str]:
    """Run this file's ``--verify-child`` under ``python -I`` with offline, empty HF caches."""
    out_path = work_dir / "child_outputs.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "HF_", "TRANSFORMERS_"))}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HOME=str(work_dir / "hf_home"),  # fresh caches: nothing cached from earlier runs can help
        HF_MODULES_CACHE=str(work_dir / "hf_modules"),
        OMP_NUM_THREADS="1",
        TOKENIZERS_PARALLELISM="false",
    )
    command = [
        sys.executable,
        "-I",
        str(CHILD_SCRIPT.resolve()),
        "--verify-child",
        str(folder.resolve()),
        str(spec_path),
        str(out_path),
    ]
    completed = subprocess.run(command, cwd=work_dir, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    log = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise VerificationError(f"fresh-process verification failed (exit {completed.returncode}):\n{log[-6000:]}")
    return json.loads(out_path.read_text()), log


def compare_outputs(reference: dict, fresh: dict, tolerance: float = VERIFY_TOLERANCE) -> dict[str, float]:
    """Max abs difference per compared output; raises VerificationError beyond ``tolerance``."""
    differences = {}
    for key in ("logits_per_image", "text_embeds", "image_embeds"):
        differences[key] = _max_abs_difference(reference[key], fresh[key])
    differences["zero_shot_logits_per_image"] = _max_abs_difference(
        reference["logits_per_image"], fresh["zero_shot_logits_per_image"]
    )
    for key, value in reference["inputs"].items():
        differences[f"inputs.{key}"] = _max_abs_difference(value, fresh["inputs"].get(key))
    for kind in ("custom_pipeline", "stock_pipeline"):
        differences[kind] = _max_score_difference(reference[kind], fresh.get(kind))
    failed = {key: value for key, value in differences.items() if not value <= tolerance}
    if failed:
        raise VerificationError(f"fresh-process outputs differ from the in-process model: {failed}")
    return differences


def _max_score_difference(expected: list[dict], actual: list[dict] | None) -> float:
    """Pipeline scores per image as {label: score}; different labels or image counts never match."""
    if actual is None or len(actual) != len(expected):
        return math.inf
    if any(set(ref) != set(got) for ref, got in zip(expected, actual, strict=False)):
        return math.inf
    return max(abs(ref[label] - got[label]) for ref, got in zip(expected, actual, strict=False) for label in ref)


def _max_abs_difference(expected, actual) -> float:
    import torch

    if actual is None:
        return math.inf
    expected, actual = torch.tensor(expected, dtype=torch.float64), torch.tensor(actual, dtype=torch.float64)
    if expected.shape != actual.shape:
        return math.inf
    return float((expected - actual).abs().max()) if expected.numel() else 0.0


def verify_folder(folder: str | Path, model, processor) -> VerificationReport:
    """Scan, then load in a fresh process and compare with ``model``/``processor`` in hand."""
    from structure_clip.hub.security_scan import scan_folder

    folder = Path(folder)
    problems = scan_folder(folder)
    if problems:
        raise VerificationError("security scan failed:\n  - " + "\n  - ".join(problems))
    digest = folder_digest(folder)
    with tempfile.TemporaryDirectory(prefix="structure_clip_verify_") as tmp:
        work_dir = Path(tmp)
        spec = write_verification_inputs(
            work_dir, verification_image_size(model.config.vision_config), fitting_labels(processor, model.config)
        )
        spec_path = work_dir / "spec.json"
        spec_path.write_text(json.dumps(spec))
        reference = reference_outputs(model, processor, spec)
        fresh, log = run_fresh_process_verification(folder, spec_path, work_dir)
    checks = {"max_abs_difference": compare_outputs(reference, fresh), "fresh_process": fresh["environment"]}
    if folder_digest(folder) != digest:
        raise VerificationError(f"{folder} changed while it was being verified")
    return VerificationReport(str(folder), digest, list_files(folder), checks, log)
