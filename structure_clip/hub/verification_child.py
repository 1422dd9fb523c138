"""The fresh-process side of the export verification.

Runs as ``python -I verification_child.py --verify-child FOLDER SPEC OUT`` with offline, empty HF caches.
Only the standard library is imported at module level: the child installs an import blocker that makes this
project's packages unimportable before anything else is imported, so everything it loads comes from the
exported folder as remote code. ``model_outputs`` and ``pipeline_scores`` are shared with the parent side,
so both compute exactly the same things.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


TASK = "zero-shot-image-classification"
OUR_PACKAGES = ("modeling_structure_clip", "processing", "structure_clip")


def model_outputs(model, processor, spec: dict) -> dict:
    """Processor tensors and model outputs on the spec's images and labels."""
    import torch

    inputs = processor(text=spec["labels"], images=_open_images(spec), paired=False, return_tensors="pt")
    with torch.no_grad():
        output = model(**inputs)
    return {
        "inputs": {key: value.tolist() for key, value in inputs.items()},
        "logits_per_image": output.logits_per_image.tolist(),
        "text_embeds": output.text_embeds.tolist(),
        "image_embeds": output.image_embeds.tolist(),
    }


def pipeline_scores(pipe, spec: dict) -> list[dict[str, float]]:
    """Per image, {label: score} from a zero-shot pipeline."""
    call = dict(candidate_labels=spec["labels"], hypothesis_template=spec["hypothesis_template"])
    return [{p["label"]: p["score"] for p in pipe(image, **call)} for image in _open_images(spec)]


def _open_images(spec: dict) -> list:
    from PIL import Image

    return [Image.open(path).convert("RGB") for path in spec["images"]]


class _BlockOurPackages:
    """A meta-path finder that makes our editable-installed packages unimportable in the child."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in OUR_PACKAGES:
            raise ModuleNotFoundError(f"{fullname} is blocked for verification", name=fullname)
        return None


def _child_verify(folder: str, spec_path: str, out_path: str) -> None:
    sys.meta_path.insert(0, _BlockOurPackages())
    for package in OUR_PACKAGES:
        try:
            __import__(package)
        except ImportError:
            continue
        raise SystemExit(f"FAIL: {package} is importable in the verification process")

    import torch
    from transformers import (
        AutoModel,
        AutoModelForZeroShotImageClassification,
        AutoProcessor,
        ZeroShotImageClassificationPipeline,
        pipeline,
    )

    torch.set_num_threads(1)
    spec = json.loads(Path(spec_path).read_text())
    classes = {}

    def loaded(name, obj):
        classes[name] = f"{type(obj).__module__}.{type(obj).__name__}"
        return obj

    # One model in memory at a time: a full-size checkpoint is loaded four times here.
    processor = loaded("AutoProcessor", AutoProcessor.from_pretrained(folder, trust_remote_code=True))
    model = loaded("AutoModel", AutoModel.from_pretrained(folder, trust_remote_code=True).eval())
    outputs = model_outputs(model, processor, spec)
    del model
    model = loaded(
        "AutoModelForZeroShotImageClassification",
        AutoModelForZeroShotImageClassification.from_pretrained(folder, trust_remote_code=True).eval(),
    )
    outputs["zero_shot_logits_per_image"] = model_outputs(model, processor, spec)["logits_per_image"]
    del model
    custom = loaded("pipeline", pipeline(TASK, model=folder, trust_remote_code=True, device="cpu"))
    outputs["custom_pipeline"] = pipeline_scores(custom, spec)
    del custom
    stock = loaded(
        "stock pipeline",
        pipeline(
            TASK,
            model=folder,
            trust_remote_code=True,
            device="cpu",
            pipeline_class=ZeroShotImageClassificationPipeline,
        ),
    )
    outputs["stock_pipeline"] = pipeline_scores(stock, spec)
    outputs["environment"] = {
        "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE"),
        "blocked_packages_importable": [p for p in OUR_PACKAGES if _importable(p)],
        "our_modules_loaded": sorted(m for m in sys.modules if m.split(".")[0] in OUR_PACKAGES),
        "classes": classes,
    }
    _check_child_environment(outputs["environment"])
    Path(out_path).write_text(json.dumps(outputs))
    print(json.dumps(outputs["environment"], indent=2))


def _importable(package: str) -> bool:
    try:
        __import__(package)
    except ImportError:
        return False
    return True


def _check_child_environment(environment: dict) -> None:
    """Everything but the stock pipeline class must be remote code loaded from the folder."""
    if environment["blocked_packages_importable"] or environment["our_modules_loaded"]:
        raise SystemExit(f"FAIL: our packages leaked into the verification process: {environment}")
    remote = {name: cls for name, cls in environment["classes"].items() if name != "stock pipeline"}
    not_remote = {name: cls for name, cls in remote.items() if not cls.startswith("transformers_modules.")}
    if not_remote:
        raise SystemExit(f"FAIL: not loaded as remote code from the folder: {not_remote}")


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "--verify-child":
        raise SystemExit("usage: python -I verification_child.py --verify-child FOLDER SPEC OUT")
    _child_verify(*sys.argv[2:5])
