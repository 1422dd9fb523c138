"""Evaluate a Structure-CLIP or plain CLIP checkpoint on the structured benchmarks of docs/method.md §4.

    python examples/evaluate_structure_clip.py --model_name_or_path outputs/demo/structure-clip --tasks synthetic
    python examples/evaluate_structure_clip.py --model_name_or_path openai/clip-vit-base-patch32 \\
        --tasks sugarcrepe vg_relation vg_attribution --coco_val2017_dir /data/coco/val2017 --aro_dir /data/aro

What each task reads (layouts in structure_clip/evaluation/benchmarks.py; missing files stop with a message saying
what is expected and how to get it):
- vg_relation, vg_attribution: --aro_dir (ARO's JSON + images/); VG-Relation drops the 157 relation names of
  ARO's notebook (shipped with this package); macro reported with and without ARO's 25-item filter.
- coco_order, flickr_order: --{coco,flickr}_annotations + --{coco,flickr}_image_dir (Karpathy test); the
  4 perturbations are generated here with spaCy POS tags, seeded by --seed (not read from a file).
- sugarcrepe: --sugarcrepe_dir (default: the annotations, downloaded once from SugarCrepe's GitHub release and
  cached) + --coco_val2017_dir.
- winoground: --winoground_dir.
- coco_retrieval, flickr_retrieval: as Order; R@1/5/10 in both directions, keys named by query direction.
- synthetic: the built-in world (structure_clip/synthetic/world.py) from --seed, or --synthetic_dir.

Structure-CLIP encodes every candidate caption with its own triples: gold triples for the synthetic
world, the processor's scene-graph parse everywhere else. Plain CLIP ignores triples.

Writes one JSON per dataset in the CLIP_benchmark schema
(`{"dataset", "model", "pretrained", "task", "metrics", "language"}`, plus `max_items`: null for a full
run; `pretrained` is the absolute path of a local model folder), per-group CSVs for ARO, and a markdown
table `results.md`, all under --output_dir. An --output_dir that already holds results of another model
gets a warning: export_to_hub.py --results reads every JSON of a folder (and refuses foreign ones).
Both model kinds go through the same scorer and metric code (structure_clip/evaluation/scorers.py,
structure_clip/evaluation/metrics.py), so their numbers are comparable. A folder without a processor (the converter's
output) needs --processor.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import sys
from pathlib import Path

from structure_clip.evaluation.benchmark_data import SUGARCREPE_ANNOTATIONS_URL
from structure_clip.training.output_paths import check_output_dir


logger = logging.getLogger(__name__)

ALL_TASKS = (
    "vg_relation",
    "vg_attribution",
    "coco_order",
    "flickr_order",
    "sugarcrepe",
    "winoground",
    "coco_retrieval",
    "flickr_retrieval",
    "synthetic",
)
ARO_ANNOTATION_FILES = {
    "vg_relation": "visual_genome_relation.json",
    "vg_attribution": "visual_genome_attribution.json",
}


@dataclasses.dataclass
class EvaluationArguments:
    model_name_or_path: str = dataclasses.field(
        metadata={
            "help": "Local folder or Hub id of a CLIP or Structure-CLIP checkpoint (kind read from config.model_type)."
        }
    )
    processor: str | None = dataclasses.field(
        default=None,
        metadata={
            "help": "Local folder or Hub id of the processor (default: --model_name_or_path). The converter's "
            "output holds no processor: pass a saved StructureCLIPProcessor here."
        },
    )
    tasks: list[str] = dataclasses.field(
        default_factory=lambda: ["synthetic"],
        metadata={"help": f"Benchmarks to run, any of {', '.join(ALL_TASKS)}, or 'all'."},
    )
    output_dir: str = dataclasses.field(
        default="outputs/eval", metadata={"help": "Where JSON, CSV and results.md go."}
    )
    batch_size: int = dataclasses.field(default=64, metadata={"help": "Images / captions per forward pass (>= 1)."})
    device: str | None = dataclasses.field(
        default=None, metadata={"help": "cpu, cuda, ... (default: cuda if available)."}
    )
    max_items: int | None = dataclasses.field(
        default=None,
        metadata={
            "help": "Use only the first N >= 1 items of each benchmark (quick checks; not a full result, "
            "recorded in the JSON, and refused by export_to_hub.py)."
        },
    )
    seed: int = dataclasses.field(
        default=0, metadata={"help": "Seed of the Order perturbations and of a built synthetic world."}
    )
    aro_dir: str | None = dataclasses.field(
        default=None,
        metadata={"help": "ARO root: visual_genome_relation.json, visual_genome_attribution.json, images/."},
    )
    aro_image_dir: str | None = dataclasses.field(
        default=None, metadata={"help": "Visual Genome images (default <aro_dir>/images)."}
    )
    aro_dropped_relations: str | None = dataclasses.field(
        default=None,
        metadata={
            "help": "JSON list of relation names dropped from VG-Relation (default: the 157 names "
            "of ARO's notebook, shipped in structure_clip/evaluation/data/)."
        },
    )
    coco_annotations: str | None = dataclasses.field(
        default=None,
        metadata={"help": "COCO Karpathy test captions: coco_karpathy_test.json, dataset_coco.json or the TSV."},
    )
    coco_image_dir: str | None = dataclasses.field(
        default=None, metadata={"help": "Root the COCO annotation image paths are relative to."}
    )
    flickr_annotations: str | None = dataclasses.field(
        default=None,
        metadata={"help": "Flickr30k Karpathy test captions (flickr30k_test.json or dataset_flickr30k.json)."},
    )
    flickr_image_dir: str | None = dataclasses.field(
        default=None, metadata={"help": "Root the Flickr30k annotation image paths are relative to."}
    )
    sugarcrepe_dir: str | None = dataclasses.field(
        default=None,
        metadata={
            "help": "Folder of the 7 SugarCrepe <subset>.json files (default: downloaded once from "
            f"{SUGARCREPE_ANNOTATIONS_URL} into the structure_clip cache)."
        },
    )
    coco_val2017_dir: str | None = dataclasses.field(
        default=None, metadata={"help": "COCO val2017 images (SugarCrepe)."}
    )
    winoground_dir: str | None = dataclasses.field(
        default=None,
        metadata={"help": "Winoground: a save_to_disk export of facebook/winoground, or examples.jsonl + images/."},
    )
    synthetic_dir: str | None = dataclasses.field(
        default=None, metadata={"help": "A saved synthetic-world DatasetDict; default: build it from --seed."}
    )
    verify_images: bool = dataclasses.field(
        default=False,
        metadata={
            "help": "Decode every image of each task before scoring; unreadable ones stop the run, "
            "listed in <output_dir>/<task>_bad_images.txt."
        },
    )
    skip_bad_images: bool = dataclasses.field(
        default=False,
        metadata={
            "help": "As --verify_images, but leave out the items whose image cannot be read (counted "
            "in the log; the result then covers the remaining items only)."
        },
    )
    synthetic_test_size: int | None = dataclasses.field(
        default=None,
        metadata={
            "help": "When building the synthetic world, items (>= 1) per test split (default: synthetic_world's)."
        },
    )


def validate_arguments(args: EvaluationArguments) -> list[str]:
    """The tasks to run; raises ValueError on counts below 1, unknown task names (even next to 'all') or an
    --output_dir that is a file."""
    for name in ("batch_size", "max_items", "synthetic_test_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            hint = "" if name == "batch_size" else " (leave it out for the full benchmark)"
            raise ValueError(f"--{name} must be at least 1, got {value}{hint}.")
    check_output_dir(args.output_dir)  # before the model is loaded
    unknown = sorted(set(args.tasks) - set(ALL_TASKS) - {"all"})
    if unknown:
        raise ValueError(f"unknown task(s) {unknown}; choose from {', '.join(ALL_TASKS)} or 'all'.")
    return list(ALL_TASKS) if "all" in args.tasks else list(args.tasks)


def _first(items, args, task: str):
    """The first --max_items items, without unreadable images when asked; a task left with none would write an
    empty result, so it is an error."""
    items = items if args.max_items is None else items[: args.max_items]
    if args.verify_images or args.skip_bad_images:
        from structure_clip.evaluation.benchmarks import drop_items_with_unreadable_images

        items = drop_items_with_unreadable_images(items, task, args.skip_bad_images, Path(args.output_dir))
    if not items:
        raise ValueError(f"{task}: no items to evaluate; check its annotation files.")
    return items


def _aro(scorer, args, task, output_dir):
    from structure_clip.evaluation.benchmarks import evaluate_aro, load_dropped_relations, read_aro, write_group_csv

    root = Path(args.aro_dir) if args.aro_dir else None
    annotation = root / ARO_ANNOTATION_FILES[task] if root else None
    image_dir = args.aro_image_dir or (root / "images" if root else None)
    items = _first(read_aro(annotation, image_dir, task), args, task)
    dropped = load_dropped_relations(args.aro_dropped_relations) if task == "vg_relation" else set()
    metrics, rows = evaluate_aro(scorer, items, dropped)
    write_group_csv(rows, output_dir / f"{task}_per_group.csv")
    return {task: ("structured_pairwise", metrics)}


def _order(scorer, args, task):
    from structure_clip.evaluation.benchmarks import evaluate_order, read_caption_annotations
    from structure_clip.evaluation.order_perturbations import build_order_items

    prefix = task.split("_")[0]
    pairs = read_caption_annotations(getattr(args, f"{prefix}_annotations"), getattr(args, f"{prefix}_image_dir"))
    items, skipped = build_order_items(pairs, seed=args.seed)
    return {task: ("order", evaluate_order(scorer, _first(items, args, task), skipped))}


def _retrieval(scorer, args, task):
    from structure_clip.evaluation.benchmarks import (
        evaluate_retrieval,
        read_caption_annotations,
        retrieval_set_from_pairs,
    )

    prefix = task.split("_")[0]
    pairs = read_caption_annotations(getattr(args, f"{prefix}_annotations"), getattr(args, f"{prefix}_image_dir"))
    return {
        task: ("zeroshot_retrieval", evaluate_retrieval(scorer, retrieval_set_from_pairs(_first(pairs, args, task))))
    }


def _synthetic(scorer, args):
    from structure_clip.synthetic.benchmark import evaluate_synthetic, load_synthetic_world

    sizes = {"train": 0, "validation": 0}  # only the test splits are scored; rendering train would be wasted time
    if args.synthetic_test_size is not None:
        sizes.update(
            dict.fromkeys(("test_relation_swap", "test_attribute_swap", "test_retrieval"), args.synthetic_test_size)
        )
    world = load_synthetic_world(args.synthetic_dir, seed=args.seed, split_sizes=sizes)
    if args.max_items is not None:
        world = {name: split.select(range(min(args.max_items, len(split)))) for name, split in world.items()}
    empty = [name for name, split in world.items() if name.startswith("test_") and not len(split)]
    if empty or not any(name.startswith("test_") for name in world):
        raise ValueError(
            f"synthetic: no items to evaluate in test split(s) {empty or 'test_*'}; check --synthetic_dir."
        )
    results = evaluate_synthetic(scorer, world)
    return {
        name: ("zeroshot_retrieval" if name.endswith("retrieval") else "structured_pairwise", m)
        for name, m in results.items()
    }


def _json_safe(value):
    """NaN (a macro with no group left after filtering) is not valid JSON; write it as null."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def run_task(scorer, args: EvaluationArguments, task: str, output_dir: Path) -> dict:
    """{dataset: (task kind, metrics)} for one CLI task (synthetic gives one dataset per test split)."""
    if task in ARO_ANNOTATION_FILES:
        return _aro(scorer, args, task, output_dir)
    if task.endswith("_order"):
        return _order(scorer, args, task)
    if task.endswith("_retrieval"):
        return _retrieval(scorer, args, task)
    if task == "sugarcrepe":
        from structure_clip.evaluation.benchmark_data import sugarcrepe_annotation_dir
        from structure_clip.evaluation.benchmarks import evaluate_sugarcrepe, read_sugarcrepe

        items = read_sugarcrepe(args.sugarcrepe_dir or sugarcrepe_annotation_dir(), args.coco_val2017_dir)
        items = {subset: _first(subset_items, args, f"{task}/{subset}") for subset, subset_items in items.items()}
        return {task: ("structured_pairwise", evaluate_sugarcrepe(scorer, items))}
    if task == "winoground":
        from structure_clip.evaluation.benchmarks import evaluate_winoground, read_winoground

        return {
            task: ("winoground", evaluate_winoground(scorer, _first(read_winoground(args.winoground_dir), args, task)))
        }
    if task == "synthetic":
        return _synthetic(scorer, args)
    raise ValueError(f"unknown task {task!r}; choose from {', '.join(ALL_TASKS)} or 'all'.")


def _format_value(name: str, value) -> str:
    if isinstance(value, float) and not name.startswith("num_"):
        return "nan" if math.isnan(value) else f"{100 * value:.2f}"
    return str(value)


def markdown_table(results: dict, model: str) -> str:
    """One row per (dataset, metric); fractions shown as percentages."""
    lines = [
        f"Results for `{model}` (accuracies and recalls in %)",
        "",
        "| dataset | metric | value |",
        "|---|---|---|",
    ]
    for dataset, record in results.items():
        for name, value in record["metrics"].items():
            lines.append(f"| {dataset} | {name} | {_format_value(name, value)} |")
    return "\n".join(lines) + "\n"


def evaluated_model_name(model_name_or_path: str) -> str:
    """An absolute path for a local folder (so export_to_hub.py can compare it), a Hub id as it is."""
    return os.path.abspath(model_name_or_path) if os.path.isdir(model_name_or_path) else model_name_or_path


def warn_about_other_models_results(output_dir: Path, model: str) -> None:
    """Old result JSON of another model would be read with ours by `export_to_hub.py --results <folder>`."""
    foreign = []
    for path in sorted(output_dir.glob("*.json")):
        try:
            recorded = json.loads(path.read_text()).get("pretrained")
        except (ValueError, AttributeError):
            continue
        if recorded is not None and recorded != model:
            foreign.append(f"{path.name} ({recorded})")
    if foreign:
        logger.warning(
            "%s already holds results of another model: %s. They are not removed; use a fresh --output_dir so "
            "that the folder holds one model's results.",
            output_dir,
            ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else ""),
        )


def evaluate(args: EvaluationArguments, scorer=None) -> dict:
    """Run every requested task; returns {dataset: CLIP_benchmark record} and writes the files."""
    import torch

    from structure_clip.evaluation.scorers import load_scorer
    from structure_clip.loading import explain_unavailable_model

    tasks = validate_arguments(args)
    model = evaluated_model_name(args.model_name_or_path)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if scorer is None:
        with explain_unavailable_model(args.model_name_or_path, "--model_name_or_path"):
            scorer = load_scorer(args.model_name_or_path, device=device, batch_size=args.batch_size,
                                 processor_name_or_path=args.processor)  # fmt: skip
    output_dir = Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    warn_about_other_models_results(output_dir, model)
    results = {}
    for task in tasks:
        logger.info("Evaluating %s", task)
        for dataset, (kind, metrics) in run_task(scorer, args, task, output_dir).items():
            record = {
                "dataset": dataset,
                "model": scorer.kind,
                "pretrained": model,
                "task": kind,
                "metrics": metrics,
                "language": "en",
                "max_items": args.max_items,  # null: a full run; a number: a quick check, not a publishable result
            }
            (output_dir / f"{dataset}.json").write_text(json.dumps(_json_safe(record), indent=2))
            results[dataset] = record
    table = markdown_table(results, args.model_name_or_path)
    (output_dir / "results.md").write_text(table)
    logger.info("Wrote %d result files and results.md to %s", len(results), output_dir)
    return results


def main(argv=None) -> dict:
    from transformers import HfArgumentParser

    from structure_clip.cli_logging import configure_cli_logging

    configure_cli_logging()
    parser = HfArgumentParser(EvaluationArguments)
    (args,) = parser.parse_args_into_dataclasses(args=argv)
    from structure_clip.evaluation.benchmarks import MissingBenchmarkDataError, UnreadableImageError
    from structure_clip.loading import MissingProcessorError, ModelNotAvailableError

    try:
        results = evaluate(args)
    except (MissingBenchmarkDataError, MissingProcessorError, ModelNotAvailableError, UnreadableImageError) as error:
        # Missing data, processor or model is a user-fixable setup problem: say what and where, without a traceback.
        logger.error("%s", error)
        sys.exit(2)
    sys.stdout.write(markdown_table(results, args.model_name_or_path))
    return results
