"""Hub export end to end: original checkpoint -> converter -> export -> fresh-process verification -> push.

One module-scoped export runs the real CLI (one fresh `python -I` subprocess); the other tests reuse
its folder. HfApi is patched: nothing leaves the machine.
"""

import ast
import base64
import dataclasses
import importlib.util
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import torch
from huggingface_hub import HfApi, ModelCard

from modeling_structure_clip.convert_original_structure_clip import convert_original_checkpoint
from structure_clip.hub import export as export_to_hub
from structure_clip.hub import verification, verification_child
from structure_clip.hub.export import push_folder
from structure_clip.hub.folder_files import folder_digest, list_files
from structure_clip.hub.security_scan import scan_folder
from structure_clip.hub.verification import VerificationError, verify_folder
from tests.hub_support import LABELS, sample_images, tiny_model_and_processor
from tests.test_model_conversion import to_openai_clip_state_dict, to_original_kee_state_dict


torch.set_num_threads(1)

REPO_ID = "someone/structure-clip-tiny"
# Every non-code file of the exported repository, exactly.
EXPECTED_DATA_FILES = [
    "README.md",
    "config.json",
    "model.safetensors",
    "preprocessor_config.json",
    "processor_config.json",
    "requirements.txt",
    "tokenizer.json",
    "tokenizer_config.json",
    "triple_tokenizer/tokenizer.json",
    "triple_tokenizer/tokenizer_config.json",
]
REPO_ROOT = Path(__file__).resolve().parents[1]
REMOTE_CODE_ENTRY_POINTS = [  # what auto_map / custom_pipelines name; siblings follow from their imports
    REPO_ROOT / "modeling_structure_clip" / "configuration_structure_clip.py",
    REPO_ROOT / "modeling_structure_clip" / "modeling_structure_clip.py",
    REPO_ROOT / "processing" / "processing_structure_clip.py",
    REPO_ROOT / "processing" / "pipeline_structure_clip.py",
]


def _relative_import_closure(entry_points) -> set[str]:
    """File names reachable from the entry points through `from .sibling import ...` (the files
    save_pretrained must copy; computed independently of transformers' own copying)."""
    seen, stack = set(), list(entry_points)
    while stack:
        path = stack.pop()
        if path.name in seen:
            continue
        seen.add(path.name)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                stack.append(path.parent / f"{node.module}.py")
    return seen


EXPECTED_FILES = sorted(
    EXPECTED_DATA_FILES + ["handler.py"] + list(_relative_import_closure(REMOTE_CODE_ENTRY_POINTS))
)


def _patched_hub():
    """HfApi with create_repo / create_commit replaced by recorders (autospec keeps the signatures)."""
    commit_info = SimpleNamespace(oid="0" * 40, commit_url="https://huggingface.co/fake")
    return (
        mock.patch.object(HfApi, "create_repo", autospec=True),
        mock.patch.object(HfApi, "create_commit", autospec=True, return_value=commit_info),
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """original {"clip", "transformer", "acc"} dict -> the converter -> CLI export with --push (patched)."""
    root = tmp_path_factory.mktemp("hub_export")
    model, processor = tiny_model_and_processor(seed=1)
    state = model.state_dict()
    original = {
        "clip": to_openai_clip_state_dict(state),
        "transformer": to_original_kee_state_dict(state, model.config),
        "acc": 0.5,
    }
    torch.save(original, root / "original.pt")
    convert_original_checkpoint(root / "original.pt", root / "converted", config=model.config)
    processor.save_pretrained(root / "processor")
    results = root / "evaluation"  # as examples/evaluate_structure_clip.py writes it; the value is arbitrary test data
    results.mkdir()
    (results / "vg_relation.json").write_text(
        json.dumps(
            {
                "dataset": "vg_relation",
                "model": "structure_clip",
                "pretrained": str(root / "converted"),
                "task": "structured_pairwise",
                "metrics": {"macro_accuracy_min25": 0.515625, "num_items": 12},
                "language": "en",
                "max_items": None,
            }
        )
    )
    output = root / "exported"
    patch_repo, patch_commit = _patched_hub()
    with patch_repo as create_repo, patch_commit as create_commit:
        report, commit = export_to_hub.main(
            [
                "--model",
                str(root / "converted"),
                "--processor",
                str(root / "processor"),
                "--output",
                str(output),
                "--results",
                str(results),
                "--push",
                REPO_ID,
                "--base-model",
                "openai/clip-vit-base-patch32",
                "--dataset",  # a tiny random model: no training data
            ]
        )
    return SimpleNamespace(
        root=root,
        folder=output,
        report=report,
        commit=commit,
        model=model,
        processor=processor,
        create_repo=create_repo,
        create_commit=create_commit,
    )


# ------------------------------------------------------------------------------------------------ export


def test_exported_folder_has_exactly_the_hub_files(exported):
    assert list_files(exported.folder) == EXPECTED_FILES
    # The converter and the datasets cache helper are tools, not remote code: never shipped.
    assert "convert_original_structure_clip.py" not in EXPECTED_FILES and "scene_graph_cache.py" not in EXPECTED_FILES
    assert {"modeling_structure_clip.py", "processing_structure_clip.py", "scene_graph_parser.py"} <= set(
        EXPECTED_FILES
    )
    config = json.loads((exported.folder / "config.json").read_text())
    assert (
        config["auto_map"]["AutoModelForZeroShotImageClassification"] == "modeling_structure_clip.StructureCLIPModel"
    )
    assert config["custom_pipelines"]["zero-shot-image-classification"]["impl"] == (
        "pipeline_structure_clip.StructureCLIPZeroShotImageClassificationPipeline"
    )
    processor_config = json.loads((exported.folder / "processor_config.json").read_text())
    assert processor_config["auto_map"]["AutoProcessor"] == "processing_structure_clip.StructureCLIPProcessor"


def test_converted_model_is_the_original_model(exported):
    """The exported weights are the tiny model's, through the original format and the converter."""
    from safetensors.torch import load_file

    exported_state = load_file(exported.folder / "model.safetensors")
    reference = exported.model.state_dict()
    assert set(exported_state) == set(reference)
    assert all(torch.equal(exported_state[key], reference[key]) for key in reference)


def test_fresh_process_matched_the_in_process_model(exported):
    checks = exported.report.checks
    differences = checks["max_abs_difference"]
    for key in (
        "logits_per_image",
        "zero_shot_logits_per_image",
        "text_embeds",
        "custom_pipeline",
        "stock_pipeline",
        "inputs.head_ids",
        "inputs.triple_mask",
        "inputs.pixel_values",
    ):
        assert differences[key] <= verification.VERIFY_TOLERANCE, key
    environment = checks["fresh_process"]
    assert environment["HF_HUB_OFFLINE"] == "1"
    assert environment["blocked_packages_importable"] == [] and environment["our_modules_loaded"] == []
    classes = environment["classes"]
    assert classes["AutoModel"].startswith("transformers_modules.")
    assert classes["AutoModel"].endswith("modeling_structure_clip.StructureCLIPModel")
    assert classes["AutoProcessor"].endswith("processing_structure_clip.StructureCLIPProcessor")
    assert classes["pipeline"].endswith("pipeline_structure_clip.StructureCLIPZeroShotImageClassificationPipeline")
    assert classes["stock pipeline"].startswith("transformers.pipelines.")


def test_compare_outputs_catches_a_mismatch(exported):
    reference = {
        "logits_per_image": [[1.0, 2.0]],
        "text_embeds": [[0.0]],
        "image_embeds": [[0.0]],
        "inputs": {"input_ids": [[1, 2]]},
        "custom_pipeline": [{"a": 0.4, "b": 0.6}],
        "stock_pipeline": [{"a": 0.5, "b": 0.5}],
    }
    fresh = json.loads(json.dumps(reference)) | {"zero_shot_logits_per_image": [[1.0, 2.0]]}
    assert max(verification.compare_outputs(reference, fresh).values()) == 0.0
    for wrong in ([{"a": 0.41, "b": 0.59}], [{"a": 0.4}], [{"a": 0.4, "c": 0.6}], []):
        with pytest.raises(VerificationError, match="custom_pipeline"):
            verification.compare_outputs(reference, fresh | {"custom_pipeline": wrong})
    with pytest.raises(VerificationError, match="inputs.input_ids"):
        verification.compare_outputs(reference, fresh | {"inputs": {"input_ids": [[1, 2, 3]]}})


def test_readme_is_a_loadable_card_with_the_given_results(exported):
    card = ModelCard.load(exported.folder / "README.md")
    assert card.data.pipeline_tag == "zero-shot-image-classification"
    assert [(r.dataset_type, r.metric_config, r.metric_value) for r in card.data.eval_results] == [
        ("gowitheflow/ARO-Visual-Relation", "macro_accuracy_min25", 0.515625)
    ]
    assert card.data.model_name == REPO_ID.split("/")[-1]
    assert card.data.base_model == ["openai/clip-vit-base-patch32"] and card.data.datasets is None  # CLI overrides
    assert REPO_ID in card.text and "{{" not in card.text


def test_converter_output_needs_a_processor(exported, tmp_path):
    with pytest.raises(FileNotFoundError, match="--processor"):
        export_to_hub.export(exported.root / "converted", tmp_path / "out")


def _results_of(folder, pretrained, max_items=None):
    folder.mkdir()
    (folder / "vg_relation.json").write_text(
        json.dumps(
            {
                "dataset": "vg_relation",
                "model": "clip",
                "pretrained": pretrained,
                "task": "structured_pairwise",
                "metrics": {"micro_accuracy": 0.25},
                "language": "en",
                "max_items": max_items,
            }
        )
    )
    return folder


def test_export_refuses_results_of_another_model_or_of_a_subset(exported, tmp_path):
    cli = [
        "--model",
        str(exported.root / "converted"),
        "--processor",
        str(exported.root / "processor"),
        "--output",
        str(tmp_path / "out"),
    ]
    other = _results_of(tmp_path / "other", "openai/clip-vit-base-patch32")
    with pytest.raises(ValueError, match="results of openai/clip-vit-base-patch32, not of the exported model"):
        export_to_hub.main(cli + ["--results", str(other)])
    subset = _results_of(tmp_path / "subset", str(exported.root / "converted"), max_items=1)
    with pytest.raises(ValueError, match="first 1 items only"):
        export_to_hub.main(cli + ["--results", str(subset), "--allow-results-from", str(exported.root / "converted")])
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_results_model_check_resolves_paths_and_honours_the_override(exported, tmp_path):
    converted = exported.root / "converted"
    same_folder = _results_of(tmp_path / "same", str(exported.root / "processor" / ".." / "converted"))
    card = export_to_hub.render_card(exported.model, repo_id=REPO_ID, model_path=converted, result_paths=[same_folder])
    assert "micro_accuracy" in card
    other = _results_of(tmp_path / "other", "someone/structure-clip-upload")
    with pytest.raises(ValueError, match="--allow-results-from"):
        export_to_hub.render_card(exported.model, repo_id=REPO_ID, model_path=converted, result_paths=[other])
    card = export_to_hub.render_card(
        exported.model,
        repo_id=REPO_ID,
        model_path=converted,
        result_paths=[other],
        allow_results_from=["someone/structure-clip-upload"],
    )
    assert "micro_accuracy" in card


def test_export_output_that_is_a_file_is_a_clear_error(exported, tmp_path):
    output = tmp_path / "README.md"
    output.write_text("not a folder")
    with pytest.raises(FileExistsError, match="is a file, not a folder"):
        export_to_hub.main(["--model", str(exported.root / "converted"), "--output", str(output)])


# ------------------------------------------------------------------------------------------------ push


def test_push_uploads_exactly_the_verified_files_in_one_commit(exported):
    exported.create_repo.assert_called_once()
    assert exported.create_repo.call_args.args[1] == REPO_ID
    exported.create_commit.assert_called_once()
    kwargs = exported.create_commit.call_args.kwargs
    assert kwargs["repo_id"] == REPO_ID
    pushed = sorted(operation.path_in_repo for operation in kwargs["operations"])
    assert pushed == EXPECTED_FILES == exported.report.files
    for operation in kwargs["operations"]:
        assert (exported.folder / operation.path_in_repo).read_bytes() == open(operation.path_or_fileobj, "rb").read()
    assert exported.commit.oid == "0" * 40


def test_push_refuses_a_folder_changed_after_verification(exported, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(exported.folder, copy)
    report = dataclasses.replace(exported.report, folder=str(copy))
    assert folder_digest(copy) == report.digest
    patch_repo, patch_commit = _patched_hub()
    with patch_repo, patch_commit as create_commit:
        push_folder(copy, REPO_ID, report)  # unchanged copy: allowed
        assert create_commit.call_count == 1
        (copy / "handler.py").write_text((copy / "handler.py").read_text() + "\n# edited after verification\n")
        with pytest.raises(VerificationError, match="changed after verification"):
            push_folder(copy, REPO_ID, report)
        (copy / "extra.json").write_text("{}")
        with pytest.raises(VerificationError):
            push_folder(copy, REPO_ID, None)
        assert create_commit.call_count == 1


def test_failed_verification_prevents_the_push(exported, tmp_path, monkeypatch):
    """The fresh process disagrees (here: its logits are off by 1e-3) -> VerificationError, no commit."""

    def disagreeing_child(folder, spec_path, work_dir):
        spec = json.loads(spec_path.read_text())
        fresh = verification.reference_outputs(exported.model, exported.processor, spec)
        fresh["zero_shot_logits_per_image"] = fresh["logits_per_image"]
        fresh["logits_per_image"] = [[value + 1e-3 for value in row] for row in fresh["logits_per_image"]]
        return fresh, ""

    monkeypatch.setattr(verification, "run_fresh_process_verification", disagreeing_child)
    patch_repo, patch_commit = _patched_hub()
    with patch_repo as create_repo, patch_commit as create_commit:
        with pytest.raises(VerificationError, match="logits_per_image"):
            export_to_hub.export(
                exported.root / "converted",
                tmp_path / "out",
                push=True,
                repo_id=REPO_ID,
                processor_path=exported.root / "processor",
            )
    create_repo.assert_not_called()
    create_commit.assert_not_called()


# ------------------------------------------------------------------------------------------------ security


def test_exported_folder_passes_the_security_scan(exported):
    assert scan_folder(exported.folder) == []


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("pytorch_model.bin", b"\x80\x04K\x01.", "safetensors only"),
        ("weights.safetensors", b"\x80\x04K\x01.", "not a valid safetensors"),
        ("tokenizer_backup.json", b"\x80\x04K\x01.", "pickle"),
        ("notes.yaml", b"a: 1\n", "unexpected file type"),
        ("extra.py", b"import requests\n", "not a remote-code file"),
        ("handler.py", b"from transformers import pipeline\n", "differs from the package source"),
        ("scene_graph.py", b"import os\nos.system('id')\n", "os.system"),
    ],
)
def test_scan_flags_unsafe_files(exported, tmp_path, name, content, problem):
    copy = tmp_path / "copy"
    shutil.copytree(exported.folder, copy)
    (copy / name).write_bytes(content)
    problems = scan_folder(copy)
    assert any(problem in message for message in problems), problems
    with pytest.raises(VerificationError, match="security scan failed"):
        verify_folder(copy, exported.model, exported.processor)  # refused before any subprocess


def test_verification_refuses_a_symlink_in_the_folder(exported, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(exported.folder, copy)
    (copy / "notes.txt").symlink_to("/etc/passwd")
    with pytest.raises(VerificationError, match=r"security scan failed:\n  - notes\.txt: a symlink to /etc/passwd"):
        verify_folder(copy, exported.model, exported.processor)


def test_child_blocker_blocks_only_our_packages():
    blocker = verification_child._BlockOurPackages()
    for name in ("modeling_structure_clip", "processing", "processing.scene_graph"):
        with pytest.raises(ModuleNotFoundError):
            blocker.find_spec(name)
    for name in ("transformers", "transformers_modules.out.modeling_structure_clip", "processing_utils"):
        assert blocker.find_spec(name) is None


# ------------------------------------------------------------------------------------------------ endpoint


def _load_handler(folder):
    spec = importlib.util.spec_from_file_location("exported_endpoint_handler", folder / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EndpointHandler(path=str(folder))


def test_endpoint_handler_classifies_a_base64_image(exported):
    handler = _load_handler(exported.folder)
    buffer = io.BytesIO()
    sample_images()[0].save(buffer, format="PNG")
    request = {
        "inputs": base64.b64encode(buffer.getvalue()).decode(),
        "parameters": {"candidate_labels": ", ".join(LABELS), "hypothesis_template": "{}"},
    }
    predictions = handler(request)
    assert sorted(prediction["label"] for prediction in predictions) == sorted(LABELS)
    assert sum(prediction["score"] for prediction in predictions) == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ValueError, match="not a URL"):
        handler({"inputs": "https://example.com/cat.png", "parameters": {"candidate_labels": LABELS}})
    with pytest.raises(ValueError, match="unknown parameters"):
        handler({"inputs": request["inputs"], "parameters": {"candidate_labels": LABELS, "timeout": 3}})
    requirements = (exported.folder / "requirements.txt").read_text()
    from modeling_structure_clip import MIN_TRANSFORMERS_VERSION

    assert f"transformers>={MIN_TRANSFORMERS_VERSION}," in requirements and "spacy" in requirements
    assert "torchvision" in requirements.splitlines()  # the fast image processor
    assert f"transformers>={MIN_TRANSFORMERS_VERSION}" in (exported.folder / "README.md").read_text()
