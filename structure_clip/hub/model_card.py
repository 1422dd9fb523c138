"""Render the Hub model card (README.md) from ``model_card.md`` and evaluation JSON files.

Two kinds of results file are accepted (one file may hold a list of records of the first kind):

* **Benchmark records** in CLIP_benchmark schema, one file per dataset, as written by
  ``examples/evaluate_structure_clip.py``: ``{"dataset", "model", "pretrained", "task", "metrics": {...}}``.
  Every *top-level numeric* metric becomes one ``model-index`` entry and one table row. Nested
  values (per-relation or per-subset breakdowns) stay in the JSON files: they would bloat the
  metadata and are not headline numbers.
* **A synthetic ablation** ``{"variants": {name: {metric: value | {...}}}, ...}`` from the synthetic
  demo. It compares several trained variants, so it does not say which of them *this* checkpoint is.
  Its table goes into the card body, clearly labelled synthetic; ``model-index`` entries are made
  from it only when the caller names the variant that was exported (``variant=...``).

Numbers are copied verbatim, never rescaled or rounded in the metadata, and a model with no results
gets no ``model-index`` at all (no placeholders). ``check_results_belong_to`` refuses benchmark records
of another model (their ``pretrained``) or of a subset run (``max_items`` set), so a reused evaluation
folder cannot put someone else's numbers into this model's ``model-index``.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from huggingface_hub import EvalResult, ModelCard, ModelCardData


logger = logging.getLogger(__name__)

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates" / "model_card.md"
SYNTHETIC_DATASET_TYPE = "structure-clip-synthetic-world"
SYNTHETIC_DATASET_NAME = "Synthetic scene-graph world (structure_clip/synthetic/world.py)"

# (normalised substring of the dataset key, display name, Hub dataset id or None); first match wins, so the
# specific "order" keys come before the generic "coco" retrieval key. The Hub ids are the public copies the
# benchmarks are loaded from elsewhere (e.g. mteb's ARO and SugarCrepe tasks, CLIP-style retrieval scripts), so
# the model-index entries link to a dataset page; keys without one keep the evaluation CLI's name.
KNOWN_DATASETS: tuple[tuple[str, str, str | None], ...] = (
    ("vg_relation", "ARO VG-Relation", "gowitheflow/ARO-Visual-Relation"),
    ("vg_attribution", "ARO VG-Attribution", "gowitheflow/ARO-Visual-Attribution"),
    ("coco_order", "ARO COCO-Order", "gowitheflow/ARO-COCO-order"),
    ("flickr_order", "ARO Flickr30k-Order", "gowitheflow/ARO-Flickr-Order"),
    ("flickr30k_order", "ARO Flickr30k-Order", "gowitheflow/ARO-Flickr-Order"),
    ("sugar_crepe", "SugarCrepe", "yjkimstats/SUGARCREPE_fmt"),
    ("sugarcrepe", "SugarCrepe", "yjkimstats/SUGARCREPE_fmt"),
    ("winoground", "Winoground", "facebook/winoground"),
    # examples/evaluate_structure_clip.py --tasks synthetic writes one record per synthetic test split.
    ("relation_swap", "Synthetic world: relation swap (generated)", None),
    ("attribute_swap", "Synthetic world: attribute swap (generated)", None),
    ("synthetic_retrieval", "Synthetic world: retrieval (generated)", None),
    ("test_retrieval", "Synthetic world: retrieval (generated)", None),
    ("flickr", "Flickr30k retrieval (1k test)", "nlphuji/flickr_1k_test_image_text_retrieval"),
    ("coco", "COCO retrieval (5k test)", "nlphuji/mscoco_2014_5k_test_image_text_retrieval"),
)
# Every benchmark here asks "which caption (or image) matches": the model's own Hub task, with a readable name.
MODEL_INDEX_TASK_TYPE = "zero-shot-image-classification"
TASK_DISPLAY_NAMES = {"zeroshot_retrieval": "Image-text retrieval", "retrieval": "Image-text retrieval"}
DEFAULT_TASK_DISPLAY_NAME = "Compositional image-text matching"
# A Structure-CLIP checkpoint is CLIP (and BERT's embeddings) trained further, plus new KEE layers: the Hub's
# "finetune" relation (huggingface.co/docs/hub/model-cards#specifying-a-base-model lists adapter, merge,
# quantized and finetune).
BASE_MODEL_RELATION = "finetune"

TRAINING_RECIPES = {
    "original": (
        "The original Structure-CLIP objective: a VSE++ max-violation hinge loss "
        "(margin 0.2) on image × fused-text similarities, plus a margin-ranking loss (margin 0.1, "
        "weight 5) between each image's true caption and its scene-graph hard negative on the plain "
        "CLIP text embedding. No InfoNCE term and no logit scale."
    ),
    "infonce": (
        "CLIP-style symmetric InfoNCE on image × fused-text similarities with the learned logit "
        "scale, with each caption's scene-graph hard negative added as an extra text column "
        "(NegCLIP-style)."
    ),
    "infonce+hinge": (
        "InfoNCE with hard-negative columns (NegCLIP-style) plus the original VSE++ hinge and negative-ranking terms."
    ),
    "sigmoid": (
        "SigLIP's pairwise sigmoid loss on image × fused-text logits (learned logit scale and bias), with each "
        "caption's scene-graph hard negative added as an extra text column labelled negative."
    ),
}
# Display names of the tower families (StructureCLIPConfig.backbone).
BACKBONE_NAMES = {"clip": "CLIP", "siglip": "SigLIP", "siglip2": "SigLIP 2"}
REFERENCE_RECIPE = (
    "The reference run of the paper: OpenAI CLIP ViT-B/32 and a 6-layer KEE initialised from "
    "bert-base-uncased, about 100k COCO Karpathy-train captions that have objects, attributes and "
    "relations, one hard negative each; AdamW, lr 5e-6, weight decay 0.1, constant schedule, batch "
    "64, 10 epochs, fp32."
)


@dataclass
class BenchmarkRecord:
    """One CLIP_benchmark-style result file (one dataset)."""

    dataset: str
    task: str
    metrics: dict[str, float]
    model: str | None = None
    pretrained: str | None = None
    source: str | None = None
    max_items: int | None = (
        None  # set by evaluate_structure_clip.py --max_items: a quick check on a subset, not a result
    )

    @property
    def display_name(self) -> str:
        base, _, subset = self.dataset.partition("/")
        name = _display_name(base)
        return f"{name} ({subset})" if subset else name

    @property
    def hub_dataset_id(self) -> str:
        """The Hub dataset id when one is known, else the evaluation CLI's dataset key."""
        base = self.dataset.partition("/")[0]
        return _known_dataset(base)[2] or base


@dataclass
class SyntheticAblation:
    """The synthetic demo's ``{"variants": {...}}`` results file."""

    variants: dict[str, dict[str, float]]
    source: str | None = None


@dataclass
class EvaluationResults:
    records: list[BenchmarkRecord] = field(default_factory=list)
    ablations: list[SyntheticAblation] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.records and not self.ablations


# --------------------------------------------------------------------------------------------
# Reading results
# --------------------------------------------------------------------------------------------


def read_results(paths: Iterable[str | Path]) -> EvaluationResults:
    """Read result files; a directory contributes every ``*.json`` inside it (sorted)."""
    results = EvaluationResults()
    for path in _expand_json_paths(paths):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(
                f"{path}: not a JSON document ({error}). Results must be the JSON files examples/evaluate_structure_clip.py "
                "writes (one per dataset) or a folder of them; a training log such as results.jsonl is not one."
            ) from error
        _add_payload(results, payload, source=str(path))
    return results


def _expand_json_paths(paths: Iterable[str | Path]) -> list[Path]:
    expanded = []
    for path in map(Path, paths):
        if path.is_dir():
            expanded.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            expanded.append(path)
        else:
            raise FileNotFoundError(f"results path {path} does not exist")
    return expanded


def _add_payload(results: EvaluationResults, payload: Any, source: str) -> None:
    if isinstance(payload, list):
        for item in payload:
            _add_payload(results, item, source)
    elif isinstance(payload, dict) and isinstance(payload.get("variants"), dict):
        variants = {
            name: {metric: value for metric, value in _numeric_leaves(metrics).items() if not _is_run_metadata(metric)}
            for name, metrics in payload["variants"].items()
        }
        results.ablations.append(SyntheticAblation(variants=variants, source=source))
    elif isinstance(payload, dict) and "dataset" in payload and isinstance(payload.get("metrics"), dict):
        results.records.append(
            BenchmarkRecord(
                dataset=str(payload["dataset"]),
                task=str(payload.get("task") or "unknown"),
                metrics=_top_level_numbers(payload["metrics"]),
                model=payload.get("model"),
                pretrained=payload.get("pretrained"),
                source=source,
                max_items=payload.get("max_items"),
            )
        )
    else:
        raise ValueError(
            f"{source}: not a results file. Expected a CLIP_benchmark record "
            '{"dataset", "task", "metrics": {...}} (examples/evaluate_structure_clip.py), a list of them, or a '
            'synthetic ablation {"variants": {...}}.'
        )


def check_results_belong_to(results: EvaluationResults, model: str | Path, also_accept: Iterable[str] = ()) -> None:
    """Raise ValueError unless every benchmark record is a full run of ``model`` (or of one of ``also_accept``).

    Local folders are compared as resolved absolute paths, Hub ids as strings."""
    accepted = {_model_identity(name) for name in [str(model), *also_accept]}
    problems = []
    for record in results.records:
        if record.max_items is not None:
            problems.append(
                f"{record.source}: computed on the first {record.max_items} items only (evaluate_structure_clip.py "
                "--max_items); re-run evaluate_structure_clip.py without --max_items."
            )
        elif record.pretrained is None:
            problems.append(
                f'{record.source}: records no evaluated model ("pretrained"); re-run evaluate_structure_clip.py.'
            )
        elif _model_identity(record.pretrained) not in accepted:
            problems.append(f"{record.source}: results of {record.pretrained}, not of the exported model {model}.")
    if problems:
        raise ValueError(
            "refusing results that are not a full evaluation of this model:\n  - "
            + "\n  - ".join(problems)
            + "\nIf they were computed on the same weights under another path or Hub id, pass "
            "--allow-results-from <that path or id>."
        )


def _model_identity(name: str) -> str:
    # A recorded absolute path is resolved too, so a symlinked folder still matches where it points.
    return str(Path(name).resolve()) if os.path.isdir(name) or os.path.isabs(name) else name


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _top_level_numbers(metrics: dict[str, Any]) -> dict[str, float]:
    return {
        str(name): value for name, value in metrics.items() if _is_number(value) and not _is_run_metadata(str(name))
    }


# Counts (num_items, swap_att_num_items) and run bookkeeping (train_seconds, steps) describe the run,
# they are not results: the table and model-index skip them.
RUN_METADATA_NAMES = {"steps", "global_step", "epoch", "epochs"}


def _is_run_metadata(name: str) -> bool:
    leaf = name.split("/")[-1]
    return leaf.startswith("num_") or "_num_" in leaf or leaf.endswith("_seconds") or leaf in RUN_METADATA_NAMES


def _numeric_leaves(tree: Any, prefix: str = "") -> dict[str, float]:
    if _is_number(tree):
        return {prefix or "value": tree}
    if not isinstance(tree, dict):
        return {}
    leaves = {}
    for key, value in tree.items():
        leaves.update(_numeric_leaves(value, f"{prefix}/{key}" if prefix else str(key)))
    return leaves


def _known_dataset(dataset_key: str) -> tuple[str, str, str | None]:
    normalised = dataset_key.lower().replace("-", "_").replace(" ", "_")
    for entry in KNOWN_DATASETS:
        if entry[0] in normalised:
            return entry
    return dataset_key, dataset_key, None


def _display_name(dataset_key: str) -> str:
    return _known_dataset(dataset_key)[1]


def metric_type_and_name(metric: str) -> tuple[str, str]:
    """A standard Hub metric type ("accuracy", "recall") and a display name for one results key."""
    if "R@" in metric or "recall@" in metric:
        k = metric.split("@")[-1]
        query = "text → image" if metric.startswith(("text_to_image", "image_retrieval")) else "image → text"
        return "recall", f"Recall@{k} ({query})"
    if metric.endswith("_score") or "acc" in metric.lower():
        return "accuracy", metric.replace("_", " ").capitalize()
    return metric, metric


# --------------------------------------------------------------------------------------------
# model-index and tables
# --------------------------------------------------------------------------------------------


def eval_results_for(results: EvaluationResults, variant: str | None = None) -> list[EvalResult]:
    """``model-index`` entries: every benchmark metric, plus the chosen synthetic variant's metrics."""
    entries = []
    for record in results.records:
        subset = record.dataset.partition("/")[2]
        for metric, value in record.metrics.items():
            metric_type, metric_name = metric_type_and_name(metric)
            entries.append(
                EvalResult(
                    task_type=MODEL_INDEX_TASK_TYPE,
                    task_name=TASK_DISPLAY_NAMES.get(record.task, DEFAULT_TASK_DISPLAY_NAME),
                    dataset_type=record.hub_dataset_id,
                    dataset_name=record.display_name,
                    dataset_config=subset or None,
                    metric_type=metric_type,
                    metric_name=metric_name,
                    metric_config=metric,  # the results key, verbatim
                    metric_value=value,
                )
            )
    if variant is not None:
        entries.extend(_synthetic_eval_results(results.ablations, variant))
    return entries


def _synthetic_eval_results(ablations: list[SyntheticAblation], variant: str) -> list[EvalResult]:
    matching = [ablation for ablation in ablations if variant in ablation.variants]
    if not matching:
        known = sorted({name for ablation in ablations for name in ablation.variants})
        raise ValueError(f"variant {variant!r} not in the synthetic results; known variants: {known}")
    return [
        EvalResult(
            task_type=MODEL_INDEX_TASK_TYPE,
            task_name=DEFAULT_TASK_DISPLAY_NAME,
            dataset_type=SYNTHETIC_DATASET_TYPE,
            dataset_name=SYNTHETIC_DATASET_NAME,
            metric_type=metric_type_and_name(metric)[0],
            metric_name=metric_type_and_name(metric)[1],
            metric_config=metric,
            metric_value=value,
        )
        for ablation in matching
        for metric, value in ablation.variants[variant].items()
    ]


def _format(value: float) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def results_markdown(results: EvaluationResults, variant: str | None = None) -> str:
    """The card's Evaluation section; says plainly when there are no results."""
    if results.is_empty():
        return (
            "No evaluation results were supplied with this export, so this card carries no "
            "`model-index`. Evaluate with `examples/evaluate_structure_clip.py` of the port and re-export with "
            "`--results`."
        )
    parts = []
    if results.records:
        parts.append(_benchmark_table(results.records))
    for ablation in results.ablations:
        parts.append(_ablation_table(ablation, variant))
    return "\n\n".join(parts)


def _benchmark_table(records: list[BenchmarkRecord]) -> str:
    rows = ["| dataset | task | metric | value |", "|---|---|---|---|"]
    for record in records:
        for metric, value in record.metrics.items():
            rows.append(f"| {record.display_name} | {record.task} | {metric} | {_format(value)} |")
    evaluated = sorted({record.pretrained for record in records if record.pretrained})
    note = (
        "Values are copied verbatim from the evaluation JSON files, which also hold the per-group "
        "breakdowns. "
        "A pairwise item counts as correct only if the true caption scores strictly higher (ties are "
        "wrong)."
    )
    if evaluated:
        note += " Evaluated checkpoint(s): " + ", ".join(f"`{name}`" for name in evaluated) + "."
    return "\n".join(rows) + "\n\n" + note


def _ablation_table(ablation: SyntheticAblation, variant: str | None) -> str:
    metrics = sorted({metric for values in ablation.variants.values() for metric in values})
    header = "| variant | " + " | ".join(metrics) + " |"
    rows = [header, "|---" * (len(metrics) + 1) + "|"]
    for name, values in ablation.variants.items():
        label = f"**{name}** (this checkpoint)" if name == variant else name
        cells = [_format(values[metric]) if metric in values else "–" for metric in metrics]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    intro = (
        "**Synthetic ablation** (generated scenes of `structure_clip/synthetic/world.py`, not a real "
        "benchmark), where word order and attribute binding are controlled by construction. It "
        "compares training variants; it says nothing about accuracy on real photos."
    )
    return intro + "\n\n" + "\n".join(rows)


# --------------------------------------------------------------------------------------------
# The card
# --------------------------------------------------------------------------------------------


# model_card.md's default base_model / datasets name the paper's reference run (OpenAI CLIP ViT-B/32 +
# bert-base-uncased on COCO); a model whose vision tower has another shape was not trained from them.
VIT_B32_SHAPE = {"hidden_size": 768, "num_hidden_layers": 12, "patch_size": 32}
REFERENCE_RUN_METADATA = ("base_model", "datasets")


def _vision_shape(config: dict[str, Any]) -> dict | None:
    """The vision tower's VIT_B32_SHAPE fields, or None when config.json has no vision_config."""
    vision = config.get("vision_config") or {}
    return {key: vision.get(key) for key in VIT_B32_SHAPE} if vision else None


def vision_tower_name(config: dict[str, Any]) -> str:
    shape = _vision_shape(config)
    if shape is None:
        return "CLIP ViT"
    if shape == VIT_B32_SHAPE:
        return "ViT-B/32"
    return f"ViT ({shape['num_hidden_layers']} layers, width {shape['hidden_size']}, {shape['patch_size']}-px patches)"


def _drop_reference_run_metadata(metadata: dict, config: dict[str, Any], overrides: dict) -> None:
    """Leave out the reference run's base_model/datasets when this model cannot come from them."""
    if _vision_shape(config) in (None, VIT_B32_SHAPE) and config.get("backbone", "clip") == "clip":
        return
    dropped = [key for key in REFERENCE_RUN_METADATA if key not in overrides and metadata.pop(key, None)]
    if dropped:
        logger.warning(
            "card metadata %s left out: model_card.md names the CLIP ViT-B/32 reference run, this model's "
            "vision tower is a %s %s; pass --base-model / --dataset to set them",
            dropped,
            BACKBONE_NAMES.get(config.get("backbone", "clip")),
            vision_tower_name(config),
        )


def config_placeholders(config: dict[str, Any]) -> dict[str, Any]:
    """Values shown in the card body, read from config.json (a dict, so no model import)."""
    knowledge = config.get("knowledge_config") or {}
    phrase_length = config.get("phrase_length")
    return {
        "projection_dim": config.get("projection_dim", "n/a"),
        "knowledge_weight": config.get("knowledge_weight", "n/a"),
        "max_triples": config.get("max_triples", "n/a"),
        # [CLS] + wordpieces + [SEP] (docs/method.md §1), so two of the slots are special tokens.
        "phrase_wordpieces": phrase_length - 2 if isinstance(phrase_length, int) else "n/a",
        "triple_composition": config.get("triple_composition", "n/a"),
        "loss_recipe": config.get("loss_recipe", "n/a"),
        "kee_layers": knowledge.get("num_hidden_layers", "n/a"),
        "vision_tower": vision_tower_name(config),
        "backbone": config.get("backbone", "clip"),
        "backbone_name": BACKBONE_NAMES.get(config.get("backbone", "clip"), config.get("backbone")),
    }


def training_recipe_markdown(loss_recipe: str | None, training_notes: str | None) -> str:
    recipe = TRAINING_RECIPES.get(loss_recipe or "", f"Loss recipe `{loss_recipe}`.")
    parts = [f"Objective of this checkpoint (`loss_recipe = {loss_recipe}`): {recipe}", REFERENCE_RECIPE]
    parts.append(
        training_notes.strip()
        if training_notes
        else "No notes on the run that produced this checkpoint were supplied with the export."
    )
    return "\n\n".join(parts)


def build_model_card(
    config: dict[str, Any],
    results: EvaluationResults | None = None,
    *,
    model_name: str,
    repo_id: str,
    revision: str = "<commit-sha-you-reviewed>",
    variant: str | None = None,
    training_notes: str | None = None,
    template_path: str | Path = DEFAULT_TEMPLATE,
    metadata_overrides: dict[str, Any] | None = None,
    space_id: str | None = None,
) -> ModelCard:
    """Render ``model_card.md``: YAML metadata + ``model-index`` from ``results``, filled-in body."""
    results = results or EvaluationResults()
    template = ModelCard(Path(template_path).read_text(encoding="utf-8"), ignore_metadata_errors=False)
    metadata = template.data.to_dict()
    for key, value in (metadata_overrides or {}).items():
        if value in (None, "", []):  # "not applicable" (e.g. no training datasets): drop the key
            metadata.pop(key, None)
        else:
            metadata[key] = value
    _drop_reference_run_metadata(metadata, config, metadata_overrides or {})
    backbone = config.get("backbone", "clip")
    if backbone != "clip" and backbone not in metadata.get("tags", []):
        metadata["tags"] = [*metadata.get("tags", []), backbone]
    if metadata.get("base_model"):
        metadata.setdefault("base_model_relation", BASE_MODEL_RELATION)
    else:
        metadata.pop("base_model_relation", None)
    eval_results = eval_results_for(results, variant)
    if eval_results:
        metadata.update(model_name=model_name, eval_results=eval_results)
    card_data = ModelCardData(**metadata)

    body = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    rendered = body.from_string(template.text).render(
        model_name=model_name,
        repo_id=repo_id,
        revision=revision,
        space_id=space_id,  # a Hub Space that demos this model (structure_clip/hub/space.py), linked when given
        results_section=results_markdown(results, variant),
        training_recipe=training_recipe_markdown(config.get("loss_recipe"), training_notes),
        **config_placeholders(config),
    )
    return ModelCard(f"---\n{card_data.to_yaml()}\n---\n{rendered.lstrip()}")
