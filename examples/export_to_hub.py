"""Assemble, verify and (optionally) push a Structure-CLIP Hub repository.

    python examples/export_to_hub.py --model PATH --output DIR [--processor PATH]
        [--results RESULTS_JSON_OR_DIR ...] [--allow-results-from PATH_OR_ID] [--variant NAME] [--push REPO_ID]

1. **Assemble** one flat folder (HF_NOTES "Hub"): config.json (with ``auto_map`` and
   ``custom_pipelines``), ``model.safetensors``, the remote-code files of the model, processor and
   zero-shot pipeline, the CLIP tokenizer, image-processor settings, the phrase tokenizer
   (``triple_tokenizer/``), ``README.md`` rendered from ``model_card.md`` + results JSON,
   ``handler.py`` (a copy of ``hub_endpoint_handler.py``) + ``requirements.txt`` for Inference
   Endpoints. Benchmark results must be full runs (no ``max_items``) of ``--model`` itself (their
   ``pretrained``), or of a path / Hub id named by ``--allow-results-from``; anything else stops the
   export before a file is written.
2. **Scan** it (``hub_security_scan.py``): safetensors only, nothing pickled, and the shipped Python
   imports only transformers, huggingface_hub, torch, the standard library and (lazily) spaCy, thinc and
   threadpoolctl, with no eval/exec and no network.
3. **Verify** it in a fresh ``python -I`` subprocess with ``HF_HUB_OFFLINE=1``, empty HF caches and
   an import blocker that makes ``modeling_structure_clip`` / ``processing`` unimportable (the repo
   is pip-installed editable, so they would otherwise shadow the remote code). The child loads the
   folder through ``AutoModel``, ``AutoProcessor``, ``AutoModelForZeroShotImageClassification``,
   the custom pipeline and the stock pipeline; its outputs must match the in-process model.
4. **Push** (``--push``): the folder's content digest must equal the verified digest, then one
   commit. ``HfApi.create_commit`` with one ``CommitOperationAdd`` per verified file is used rather
   than ``upload_folder``: with ``hf_xet`` installed, ``upload_folder`` streams through a pipeline
   that may split a large upload into several commits, and the operation list makes "exactly the
   verified files" explicit.

``--model`` is any ``save_pretrained`` folder of StructureCLIPModel, including one written by
``modeling_structure_clip/convert_original_structure_clip.py``. The converter writes no processor:
pass ``--processor`` (a saved StructureCLIPProcessor) then.

Only the standard library is imported at module level: the verification child runs this same file
under ``python -I`` and must install its import blocker before anything else is imported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

logger = logging.getLogger(__name__)

TASK = "zero-shot-image-classification"
OUR_PACKAGES = ("modeling_structure_clip", "processing")
VERIFY_TOLERANCE = 1e-5
CHILD_TIMEOUT_S = 600

# What verification feeds both sides: captions whose scene graphs differ only in structure. Those
# longer than the model's text positions are left out (the stock pipeline cannot truncate).
VERIFY_LABELS = ("a man riding a horse", "a horse riding a man", "a red car next to a blue bus",
                 "a red square left of a blue circle", "a dog", "a cat")
VERIFY_TEMPLATE = "{}"


ENDPOINT_REQUIREMENTS = """\
# Inference Endpoints: extra packages for handler.py (torch comes with the endpoint image).
transformers>={transformers_floor},<6
spacy>=3.7,<4
threadpoolctl>=3
en_core_web_sm @ https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
pillow>=10
"""

ENDPOINT_HANDLER_SOURCE = Path(__file__).with_name("hub_endpoint_handler.py")  # shipped as handler.py


class VerificationError(RuntimeError):
    """The exported folder failed its scan or its fresh-process verification."""


@dataclass
class VerificationReport:
    folder: str
    digest: str  # content digest of every file at verification time; push refuses any other
    files: list[str]
    checks: dict[str, Any] = field(default_factory=dict)
    child_log: str = ""


# ================================================================================================
# 1. Assemble
# ================================================================================================


def load_model_and_processor(model_path: str | Path, processor_path: Optional[str | Path] = None):
    """Our package's classes (so the *current* code is what gets shipped), never remote code."""
    from modeling_structure_clip import StructureCLIPModel
    from processing.processing_structure_clip import StructureCLIPProcessor

    model = StructureCLIPModel.from_pretrained(model_path).eval()
    processor_path = Path(processor_path or model_path)
    if not (processor_path / "processor_config.json").is_file():
        raise FileNotFoundError(
            f"no StructureCLIPProcessor in {processor_path} (processor_config.json missing). A folder written "
            "by the converter holds only the model: pass --processor with a saved StructureCLIPProcessor "
            "(CLIP tokenizer + image processor + BERT phrase tokenizer)."
        )
    processor = StructureCLIPProcessor.from_pretrained(processor_path)
    _check_processor_matches_model(processor, model.config)
    return model, processor


def _check_processor_matches_model(processor, config) -> None:
    problems = []
    for name in ("max_triples", "phrase_length"):
        if getattr(processor, name) != getattr(config, name):
            problems.append(f"{name}: processor {getattr(processor, name)} vs model {getattr(config, name)}")
    if len(processor.tokenizer) > config.text_config.vocab_size:
        problems.append(f"CLIP tokenizer has {len(processor.tokenizer)} tokens, model vocab {config.text_config.vocab_size}")
    if len(processor.triple_tokenizer) > config.knowledge_config.vocab_size:
        problems.append(
            f"phrase tokenizer has {len(processor.triple_tokenizer)} tokens, KEE vocab {config.knowledge_config.vocab_size}"
        )
    if problems:
        raise ValueError("processor and model do not belong together: " + "; ".join(problems))


def assemble_folder(model, processor, output_dir: str | Path, card_text: str) -> list[str]:
    """Write every file of the Hub repository into ``output_dir`` (which must be empty or absent)."""
    from processing.pipeline_structure_clip import save_with_structure_clip_pipeline

    output_dir = check_output_folder(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    save_with_structure_clip_pipeline(model, processor, output_dir)
    (output_dir / "README.md").write_text(card_text, encoding="utf-8")
    shutil.copyfile(ENDPOINT_HANDLER_SOURCE, output_dir / "handler.py")
    (output_dir / "requirements.txt").write_text(_endpoint_requirements(), encoding="utf-8")
    return list_files(output_dir)


def check_output_folder(output_dir: str | Path) -> Path:
    """--output must be a new or empty folder: never a file, never a folder with files to mix in."""
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise FileExistsError(f"--output {output_dir} is a file, not a folder; give a new folder to export into")
    if output_dir.exists() and any(output_dir.iterdir()):
        raise FileExistsError(f"{output_dir} is not empty; export into a new folder")
    return output_dir


def _endpoint_requirements() -> str:
    import transformers

    major, minor = transformers.__version__.split(".")[:2]
    return ENDPOINT_REQUIREMENTS.format(transformers_floor=f"{major}.{minor}")


def render_card(model, *, repo_id: str, model_path, result_paths=(), allow_results_from=(), variant=None,
                revision=None, training_notes=None, metadata_overrides=None) -> str:
    """The card; benchmark results must be full runs of ``model_path`` (or of ``allow_results_from``)."""
    from model_card_builder import build_model_card, check_results_belong_to, read_results

    results = read_results(result_paths)
    check_results_belong_to(results, model_path, also_accept=allow_results_from)
    card = build_model_card(
        model.config.to_dict(),
        results,
        model_name=repo_id.split("/")[-1],
        repo_id=repo_id,
        variant=variant,
        training_notes=training_notes,
        metadata_overrides=metadata_overrides,
        **({"revision": revision} if revision else {}),
    )
    return str(card)


def list_files(folder: str | Path) -> list[str]:
    folder = Path(folder)
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def folder_digest(folder: str | Path) -> str:
    """sha256 over (relative path, content) of every file: any change after verification shows."""
    digest = hashlib.sha256()
    for name in list_files(folder):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256((Path(folder) / name).read_bytes()).digest())
    return digest.hexdigest()


# ================================================================================================
# 3. Verification: same inputs, in-process objects vs. a fresh process that only sees the folder
# ================================================================================================


def fitting_labels(processor, config) -> list[str]:
    """The verification labels that fit the text tower; at least two are needed."""
    limit = min(processor.tokenizer.model_max_length, config.text_config.max_position_embeddings)
    labels = [label for label in VERIFY_LABELS if len(processor.tokenizer(label)["input_ids"]) <= limit]
    if len(labels) < 2:
        raise VerificationError(f"fewer than two verification labels fit in {limit} text positions: {labels}")
    return labels


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


def model_outputs(model, processor, spec: dict) -> dict:
    """Processor tensors and model outputs on the spec's images and labels."""
    import torch

    inputs = processor(text=spec["labels"], images=_open_images(spec), return_tensors="pt")
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
    command = [sys.executable, "-I", str(Path(__file__).resolve()), "--verify-child",
               str(folder.resolve()), str(spec_path), str(out_path)]
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
        reference["logits_per_image"], fresh["zero_shot_logits_per_image"])
    for key, value in reference["inputs"].items():
        differences[f"inputs.{key}"] = _max_abs_difference(value, fresh["inputs"].get(key))
    for kind in ("custom_pipeline", "stock_pipeline"):
        differences[kind] = _max_score_difference(reference[kind], fresh.get(kind))
    failed = {key: value for key, value in differences.items() if not value <= tolerance}
    if failed:
        raise VerificationError(f"fresh-process outputs differ from the in-process model: {failed}")
    return differences


def _max_score_difference(expected: list[dict], actual: Optional[list[dict]]) -> float:
    """Pipeline scores per image as {label: score}; different labels or image counts never match."""
    if actual is None or len(actual) != len(expected):
        return math.inf
    if any(set(ref) != set(got) for ref, got in zip(expected, actual)):
        return math.inf
    return max(abs(ref[label] - got[label]) for ref, got in zip(expected, actual) for label in ref)


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
    from hub_security_scan import scan_folder  # sibling; imported here because the -I child cannot

    folder = Path(folder)
    problems = scan_folder(folder)
    if problems:
        raise VerificationError("security scan failed:\n  - " + "\n  - ".join(problems))
    digest = folder_digest(folder)
    with tempfile.TemporaryDirectory(prefix="structure_clip_verify_") as tmp:
        work_dir = Path(tmp)
        spec = write_verification_inputs(work_dir, model.config.vision_config.image_size,
                                         fitting_labels(processor, model.config))
        spec_path = work_dir / "spec.json"
        spec_path.write_text(json.dumps(spec))
        reference = reference_outputs(model, processor, spec)
        fresh, log = run_fresh_process_verification(folder, spec_path, work_dir)
    checks = {"max_abs_difference": compare_outputs(reference, fresh), "fresh_process": fresh["environment"]}
    if folder_digest(folder) != digest:
        raise VerificationError(f"{folder} changed while it was being verified")
    return VerificationReport(str(folder), digest, list_files(folder), checks, log)


# ------------------------------------------------------------------------------------------------
# The child side (runs as `python -I export_to_hub.py --verify-child FOLDER SPEC OUT`)
# ------------------------------------------------------------------------------------------------


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
    from transformers import (AutoModel, AutoModelForZeroShotImageClassification, AutoProcessor,
                              ZeroShotImageClassificationPipeline, pipeline)

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
    model = loaded("AutoModelForZeroShotImageClassification",
                   AutoModelForZeroShotImageClassification.from_pretrained(folder, trust_remote_code=True).eval())
    outputs["zero_shot_logits_per_image"] = model_outputs(model, processor, spec)["logits_per_image"]
    del model
    custom = loaded("pipeline", pipeline(TASK, model=folder, trust_remote_code=True, device="cpu"))
    outputs["custom_pipeline"] = pipeline_scores(custom, spec)
    del custom
    stock = loaded("stock pipeline", pipeline(TASK, model=folder, trust_remote_code=True, device="cpu",
                                              pipeline_class=ZeroShotImageClassificationPipeline))
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


# ================================================================================================
# 4. Push
# ================================================================================================


def push_folder(folder: str | Path, repo_id: str, report: VerificationReport, *, private: bool = False,
                token: Optional[str] = None, commit_message: Optional[str] = None):
    """Upload exactly the verified files in one commit; refuse a folder that changed since."""
    from huggingface_hub import CommitOperationAdd, HfApi

    folder = Path(folder)
    if report is None or Path(report.folder).resolve() != folder.resolve():
        raise VerificationError(f"{folder} has no verification report; verify before pushing")
    if folder_digest(folder) != report.digest or list_files(folder) != report.files:
        raise VerificationError(f"{folder} changed after verification; export and verify again")
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    operations = [CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in report.files]
    return api.create_commit(
        repo_id=repo_id,
        repo_type="model",
        operations=operations,
        commit_message=commit_message or "Structure-CLIP: model, processor, pipeline, card (verified export)",
    )


# ================================================================================================
# 5. CLI
# ================================================================================================


def export(model_path, output_dir, *, processor_path=None, result_paths=(), allow_results_from=(), variant=None,
           repo_id=None, revision=None, training_notes=None, metadata_overrides=None, push=False, private=False,
           token=None):
    """assemble -> scan -> fresh-process verification -> (push). Returns (report, commit_info|None)."""
    check_output_folder(output_dir)  # before the model loads: a wrong --output is found in a second
    model, processor = load_model_and_processor(model_path, processor_path)
    repo_id = repo_id or f"your-username/{Path(output_dir).resolve().name}"
    card = render_card(model, repo_id=repo_id, model_path=model_path, result_paths=result_paths,
                       allow_results_from=allow_results_from, variant=variant, revision=revision,
                       training_notes=training_notes, metadata_overrides=metadata_overrides)
    files = assemble_folder(model, processor, output_dir, card)
    logger.info("assembled %s: %d files", output_dir, len(files))
    report = verify_folder(output_dir, model, processor)
    logger.info("verified: %s", json.dumps(report.checks, indent=2))
    commit = push_folder(output_dir, repo_id, report, private=private, token=token) if push else None
    return report, commit


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="save_pretrained folder of StructureCLIPModel (e.g. the converter's output)")
    parser.add_argument("--output", required=True, help="new folder to assemble the Hub repository in")
    parser.add_argument("--processor", default=None, help="saved StructureCLIPProcessor (default: --model)")
    parser.add_argument("--results", nargs="*", default=[], help="evaluation JSON files or folders of them (see model_card_builder); "
                        "benchmark results must be full runs (no --max_items) of --model")
    parser.add_argument("--allow-results-from", metavar="PATH_OR_ID", action="append", default=[],
                        help="also accept results whose evaluated model (their 'pretrained') is this path or Hub id: for "
                             "results computed on the same weights under another path or id (repeatable)")
    parser.add_argument("--variant", default=None, help="which variant of a synthetic results.json this model is (for model-index)")
    parser.add_argument("--push", metavar="REPO_ID", default=None, help="upload the verified folder to this Hub repo in one commit")
    parser.add_argument("--repo-id", default=None, help="repo id written into the card's usage (default: --push)")
    parser.add_argument("--revision", default=None, help="commit sha to pin in the card's usage examples")
    parser.add_argument("--training-notes", default=None, help="markdown file describing the training run")
    parser.add_argument("--private", action="store_true", help="create the Hub repo as private")
    parser.add_argument("--base-model", nargs="*", default=None, help="card metadata base_model (default: model_card.md's)")
    parser.add_argument("--dataset", nargs="*", default=None, help="card metadata datasets (default: model_card.md's)")
    parser.add_argument("--license", default=None, help="card metadata license (default: model_card.md's)")
    return parser.parse_args(argv)


def main(argv=None):
    if argv is None and len(sys.argv) == 5 and sys.argv[1] == "--verify-child":
        _child_verify(*sys.argv[2:5])
        return None
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    notes = Path(args.training_notes).read_text(encoding="utf-8") if args.training_notes else None
    metadata = {key: value for key, value in (("base_model", args.base_model), ("datasets", args.dataset),
                                               ("license", args.license)) if value is not None}
    report, commit = export(
        args.model, args.output, processor_path=args.processor, result_paths=args.results,
        allow_results_from=args.allow_results_from, variant=args.variant,
        repo_id=args.repo_id or args.push, revision=args.revision, training_notes=notes, metadata_overrides=metadata,
        push=args.push is not None, private=args.private,
    )
    print(json.dumps({"folder": report.folder, "files": report.files, "checks": report.checks,
                      "commit": getattr(commit, "oid", None)}, indent=2))
    return report, commit


if __name__ == "__main__":
    main()
