"""Assemble, verify and (optionally) push a Structure-CLIP Hub repository.

    python examples/export_to_hub.py --model PATH --output DIR [--processor PATH]
        [--results RESULTS_JSON_OR_DIR ...] [--allow-results-from PATH_OR_ID] [--variant NAME] [--push REPO_ID]
        [--space DIR [--push-space SPACE_ID]]

1. **Assemble** one flat folder (the remote-code layout transformers expects): config.json (with ``auto_map`` and
   ``custom_pipelines``), ``model.safetensors``, the remote-code files of the model, processor and
   zero-shot pipeline, the CLIP tokenizer, image-processor settings, the phrase tokenizer
   (``triple_tokenizer/``), ``README.md`` rendered from ``model_card.md`` + results JSON,
   ``handler.py`` (a copy of ``structure_clip/hub/endpoint_handler.py``) + ``requirements.txt`` for Inference
   Endpoints. Benchmark results must be full runs (no ``max_items``) of ``--model`` itself (their
   ``pretrained``), or of a path / Hub id named by ``--allow-results-from``; anything else stops the
   export before a file is written.
2. **Scan** it (``structure_clip/hub/security_scan.py``): safetensors only, nothing pickled, and the shipped Python
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
5. **Space** (``--space``, ``--push-space``): a Gradio demo of the model (``structure_clip/hub/space.py``),
   written after the model export and pushed after the model, also in one commit.

``--model`` is any ``save_pretrained`` folder of StructureCLIPModel, including one written by
``modeling_structure_clip/convert_original_structure_clip.py``. The converter writes no processor:
pass ``--processor`` (a saved StructureCLIPProcessor) then.

The fresh-process side of step 3 is ``verification_child.py``, which imports only the standard library at
module level so that it can block this project's packages before anything else loads.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
from pathlib import Path

from structure_clip.hub.folder_files import folder_digest, list_files
from structure_clip.hub.space import check_space_folder, push_space, write_space
from structure_clip.hub.verification import VerificationError, VerificationReport, verify_folder


logger = logging.getLogger(__name__)


ENDPOINT_REQUIREMENTS = """\
# Inference Endpoints: extra packages for handler.py (torch comes with the endpoint image).
transformers>={transformers_floor},<6
{spacy_requirements}
threadpoolctl>=3
en_core_web_sm @ https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
pillow>=10
# The fast CLIP image processor (transformers' torchvision backend). The endpoint image's transformers[vision] brings
# a torchvision built for its torch, which pip keeps; where there is none, pip installs the newest torchvision and
# the torch release that it requires.
torchvision
"""

ENDPOINT_HANDLER_SOURCE = Path(__file__).with_name("endpoint_handler.py")  # shipped as handler.py


def assemble_folder(model, processor, output_dir: str | Path, card_text: str) -> list[str]:
    """Write every file of the Hub repository into ``output_dir`` (which must be empty or absent)."""
    from processing.pipeline_structure_clip import save_with_structure_clip_pipeline

    output_dir = check_output_folder(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    save_with_structure_clip_pipeline(model, processor, output_dir)
    (output_dir / "README.md").write_text(card_text, encoding="utf-8")
    shutil.copyfile(ENDPOINT_HANDLER_SOURCE, output_dir / "handler.py")
    needs_sentencepiece = (output_dir / "spiece.model").is_file()  # a SigLIP tokenizer (SiglipTokenizer)
    (output_dir / "requirements.txt").write_text(_endpoint_requirements(needs_sentencepiece), encoding="utf-8")
    return list_files(output_dir)


def check_output_folder(output_dir: str | Path) -> Path:
    """--output must be a new or empty folder: never a file, never a folder with files to mix in."""
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise FileExistsError(f"--output {output_dir} is a file, not a folder; give a new folder to export into")
    if output_dir.exists() and any(output_dir.iterdir()):
        raise FileExistsError(f"{output_dir} is not empty; export into a new folder")
    return output_dir


def _endpoint_requirements(needs_sentencepiece: bool = False) -> str:
    # The remote code's own minimum (it refuses older versions at import with a one-line message).
    from modeling_structure_clip import MIN_TRANSFORMERS_VERSION
    from processing.spacy_cpu_speed import SPACY_REQUIREMENTS  # lazy: `processing` imports torch

    requirements = ENDPOINT_REQUIREMENTS.format(
        transformers_floor=MIN_TRANSFORMERS_VERSION, spacy_requirements="\n".join(SPACY_REQUIREMENTS)
    )
    # transformers' SiglipTokenizer is a sentencepiece backend: it imports sentencepiece to read spiece.model.
    return requirements + ("sentencepiece>=0.2\n" if needs_sentencepiece else "")


def render_card(
    model,
    *,
    repo_id: str,
    model_path,
    result_paths=(),
    allow_results_from=(),
    variant=None,
    revision=None,
    training_notes=None,
    metadata_overrides=None,
    space_id=None,
) -> str:
    """The card; benchmark results must be full runs of ``model_path`` (or of ``allow_results_from``)."""
    from structure_clip.hub.model_card import build_model_card, check_results_belong_to, read_results

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
        space_id=space_id,
        **({"revision": revision} if revision else {}),
    )
    return str(card)


def push_folder(
    folder: str | Path,
    repo_id: str,
    report: VerificationReport,
    *,
    private: bool = False,
    token: str | None = None,
    commit_message: str | None = None,
):
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


def selected_model_folder(model_path, use_last_step: bool = False):
    """A training run's output folder holds its last step; its ``best_model/`` the checkpoint chosen on validation.

    The chosen one is what a run is meant to publish, so it is the default; ``use_last_step`` keeps ``model_path``.
    """
    best = Path(model_path) / "best_model"
    if use_last_step or not (best / "config.json").is_file():
        return model_path
    logger.info(
        "exporting %s, the checkpoint selected on validation (see its selection.json); pass "
        "--use-last-step to export the last training step in %s instead",
        best,
        model_path,
    )
    return str(best)


def export(
    model_path,
    output_dir,
    *,
    processor_path=None,
    result_paths=(),
    allow_results_from=(),
    variant=None,
    repo_id=None,
    revision=None,
    training_notes=None,
    metadata_overrides=None,
    push=False,
    private=False,
    token=None,
    use_last_step=False,
    space_id=None,
):
    """assemble -> scan -> fresh-process verification -> (push). Returns (report, commit_info|None).

    A training output folder with a ``best_model/`` exports that selected checkpoint unless ``use_last_step``.
    """
    from structure_clip.loading import load_structure_clip

    check_output_folder(output_dir)  # before the model loads: a wrong --output is found in a second
    model_path = selected_model_folder(model_path, use_last_step)
    model, processor = load_structure_clip(model_path, processor_path)
    repo_id = repo_id or f"your-username/{Path(output_dir).resolve().name}"
    card = render_card(
        model,
        repo_id=repo_id,
        model_path=model_path,
        result_paths=result_paths,
        allow_results_from=allow_results_from,
        variant=variant,
        revision=revision,
        training_notes=training_notes,
        metadata_overrides=metadata_overrides,
        space_id=space_id,
    )
    files = assemble_folder(model, processor, output_dir, card)
    logger.info("assembled %s: %d files", output_dir, len(files))
    report = verify_folder(output_dir, model, processor)
    logger.info("verified %s in a fresh offline process (outputs match the model in hand)", output_dir)
    commit = push_folder(output_dir, repo_id, report, private=private, token=token) if push else None
    return report, commit


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        required=True,
        help="save_pretrained folder of StructureCLIPModel (e.g. the converter's "
        "output). A training run's output folder exports its best_model/ (the checkpoint selected on "
        "validation) when it has one",
    )
    parser.add_argument(
        "--use-last-step",
        action="store_true",
        help="export --model itself (a training run's last step) even when it holds a best_model/ folder",
    )
    parser.add_argument("--output", required=True, help="new folder to assemble the Hub repository in")
    parser.add_argument("--processor", default=None, help="saved StructureCLIPProcessor (default: --model)")
    parser.add_argument(
        "--results",
        nargs="*",
        default=[],
        help="evaluation JSON files or folders of them (see model_card_builder); "
        "benchmark results must be full runs (no --max_items) of --model",
    )
    parser.add_argument(
        "--allow-results-from",
        metavar="PATH_OR_ID",
        action="append",
        default=[],
        help="also accept results whose evaluated model (their 'pretrained') is this path or Hub id: for "
        "results computed on the same weights under another path or id (repeatable)",
    )
    parser.add_argument(
        "--variant", default=None, help="which variant of a synthetic results.json this model is (for model-index)"
    )
    parser.add_argument(
        "--push", metavar="REPO_ID", default=None, help="upload the verified folder to this Hub repo in one commit"
    )
    parser.add_argument("--repo-id", default=None, help="repo id written into the card's usage (default: --push)")
    parser.add_argument("--revision", default=None, help="commit sha to pin in the card's usage examples")
    parser.add_argument("--training-notes", default=None, help="markdown file describing the training run")
    parser.add_argument("--private", action="store_true", help="create the Hub repo as private")
    parser.add_argument(
        "--base-model", nargs="*", default=None, help="card metadata base_model (default: model_card.md's)"
    )
    parser.add_argument("--dataset", nargs="*", default=None, help="card metadata datasets (default: model_card.md's)")
    parser.add_argument("--license", default=None, help="card metadata license (default: model_card.md's)")
    parser.add_argument(
        "--space",
        metavar="DIR",
        default=None,
        help="also write a Gradio Space demo of the model into this new folder (app.py, requirements.txt, "
        "README.md, examples/); its app loads --repo-id / --push (at the pushed commit) when given, "
        "else the --output folder; the MODEL_ID environment variable overrides that",
    )
    parser.add_argument(
        "--push-space",
        metavar="REPO_ID",
        default=None,
        help="create or update this Hub Space from --space in one commit, after the model push; needs "
        "--space and --push or --repo-id; the model card links the Space",
    )
    args = parser.parse_args(argv)
    if args.push_space and not args.space:
        parser.error("--push-space needs --space DIR (the folder to write the Space into)")
    if args.push_space and not (args.push or args.repo_id):
        parser.error(
            "--push-space needs the model's Hub repo id (--push or --repo-id): a Space cannot load a local folder"
        )
    return args


def main(argv=None):
    args = parse_args(argv)
    from structure_clip.cli_logging import configure_cli_logging

    configure_cli_logging()
    notes = Path(args.training_notes).read_text(encoding="utf-8") if args.training_notes else None
    metadata = {
        key: value
        for key, value in (("base_model", args.base_model), ("datasets", args.dataset), ("license", args.license))
        if value is not None
    }
    if args.space:
        check_space_folder(args.space)  # before the model loads: a wrong --space is found in a second
    report, commit = export(
        args.model,
        args.output,
        processor_path=args.processor,
        result_paths=args.results,
        allow_results_from=args.allow_results_from,
        variant=args.variant,
        repo_id=args.repo_id or args.push,
        revision=args.revision,
        training_notes=notes,
        metadata_overrides=metadata,
        push=args.push is not None,
        private=args.private,
        use_last_step=args.use_last_step,
        space_id=args.push_space,
    )
    # The result is printed once, here; the library logs only a one-line summary of the checks.
    space_commit = None
    if args.space:
        model_id = args.repo_id or args.push or str(Path(args.output).resolve())
        write_space(args.space, args.output, model_id, revision=getattr(commit, "oid", None) or args.revision)
        space_commit = push_space(args.space, args.push_space, private=args.private) if args.push_space else None
    print(
        json.dumps(
            {
                "folder": report.folder,
                "files": report.files,
                "checks": report.checks,
                "commit": getattr(commit, "oid", None),
                "space": args.space,
                "space_commit": getattr(space_commit, "oid", None),
            },
            indent=2,
        )
    )
    return report, commit
