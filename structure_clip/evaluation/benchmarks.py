"""Readers and evaluators for the structured-matching and retrieval benchmarks of docs/method.md §4.

Each benchmark has a `read_*` function (files on disk -> plain items; validates the files and raises
`MissingBenchmarkDataError` saying what is expected, where, and how to get it) and an `evaluate_*`
function (scorer + items -> metrics dict). Scores come from an `embedding_scorers` scorer, metrics from
`structured_metrics`, so Structure-CLIP and plain CLIP are measured by the same code.

Expected layouts (defaults of examples/evaluate_structure_clip.py in brackets):
- ARO: `visual_genome_relation.json` / `visual_genome_attribution.json` (ARO's release, records with
  image_path, bbox_x/y/w/h, true_caption, false_caption, relation_name | attributes) and the Visual Genome
  images they name (ARO's `images/` folder).
- COCO/Flickr Order and retrieval: Karpathy test annotations as JSON, either the BLIP/ALBEF list
  `[{"image": "val2014/....jpg", "caption": [...]}]` or Karpathy's `dataset_coco.json`
  (`{"images": [{"filepath", "filename", "split", "sentences": [{"raw"}]}]}`, split "test"), or the TSV
  `image_index<TAB>image_path<TAB>caption` (the original Structure-CLIP's data/coco_dataset_test.txt); image paths
  relative to an image root.
- SugarCrepe: `<subset>.json` files (downloaded once by structure_clip/evaluation/benchmark_data.py) + a COCO
  val2017 image folder.
- Winoground: a `datasets.save_to_disk` export of `facebook/winoground` (columns image_0, image_1,
  caption_0, caption_1, tag), or the release folder `examples.jsonl` + `images/<image_0>.png`.
- Synthetic world: in structure_clip/synthetic/benchmark.py (a `save_to_disk` DatasetDict or built on the fly).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from structure_clip.evaluation.hub_metrics import (
    macro_accuracy,
    pairwise_accuracy,
    retrieval_recall_at_k,
    winoground_scores,
)
from structure_clip.evaluation.metrics import multi_candidate_correct, pairwise_correct, weighted_group_means
from structure_clip.evaluation.order_perturbations import OrderItem


logger = logging.getLogger(__name__)

ARO_MIN_GROUP_COUNT = 25  # ARO's filter: groups with fewer items are dropped from its macro (docs/method.md §4)
SUGARCREPE_GROUPS = {
    "REPLACE": ("replace_obj", "replace_att", "replace_rel"),
    "SWAP": ("swap_obj", "swap_att"),
    "ADD": ("add_obj", "add_att"),
}
SUGARCREPE_SUBSETS = tuple(name for members in SUGARCREPE_GROUPS.values() for name in members)


class MissingBenchmarkDataError(FileNotFoundError):
    """A benchmark's files are not where they were expected; the message says how to get them."""


def require_path(path, what: str, how_to_get: str) -> Path:
    if path is None:
        raise MissingBenchmarkDataError(f"{what} not found: no path was given. How to get it: {how_to_get}")
    if not Path(path).exists():
        raise MissingBenchmarkDataError(f"{what} not found at {path}. How to get it: {how_to_get}")
    return Path(path)


def require_records(records, source, expected_type: type, what: str) -> None:
    """A file reader's top-level check: the right JSON container, and not empty."""
    if not isinstance(records, expected_type):
        raise ValueError(
            f"{source}: expected a JSON {expected_type.__name__} of {what}, got {type(records).__name__}."
        )
    if not records:
        raise ValueError(f"{source} holds no items ({what}); check that it is the complete annotation file.")


def require_keys(record, keys, source, position) -> None:
    """Every key an item needs, named in the error with the file and item (a bare KeyError names neither)."""
    missing = sorted(set(keys) - set(record)) if isinstance(record, dict) else sorted(keys)
    if missing:
        raise ValueError(
            f"{source}: item {position!r} lacks {missing} (it has {sorted(record) if isinstance(record, dict) else record!r})."
        )


def read_json_file(path: Path):
    """The parsed JSON of an annotation file; a syntax error names the file, line and column."""
    return _parse_json(path.read_text(), path)


def _parse_json(text: str, path: Path, line_offset: int = 0):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{path}: not valid JSON at line {error.lineno + line_offset}, column {error.colno} ({error.msg}); the "
            "file may be cut short or not the expected annotation file."
        ) from error


def require_image_files(paths, what: str, how_to_get: str) -> None:
    """Check every image up front, so a missing one stops the run before scoring, not midway inside PIL."""
    unique = list(dict.fromkeys(str(path) for path in paths))
    missing = [path for path in unique if not os.path.isfile(path)]
    if missing:
        examples = ", ".join(missing[:3])
        raise MissingBenchmarkDataError(
            f"{len(missing)} of {len(unique)} {what} images are missing (e.g. {examples}). {how_to_get}"
        )


# ---------------------------------------------------------------------------------------------
# Items and lazy images
# ---------------------------------------------------------------------------------------------


class UnreadableImageError(OSError):
    """A benchmark image that PIL cannot open or decode, named with its file and the item that uses it."""


@dataclasses.dataclass(frozen=True)
class ImageRef:
    """An image file, optionally cropped to a (x, y, w, h) box; opened only when a batch needs it."""

    path: str
    bbox: tuple[float, float, float, float] | None = None
    # The annotation record that names the image, for error messages; not part of the identity, so that items
    # sharing an image are still encoded once.
    source: str | None = dataclasses.field(default=None, compare=False)

    def load(self):
        from PIL import Image

        try:
            with Image.open(self.path) as image:
                image = image.convert("RGB")
        except (OSError, ValueError, SyntaxError) as error:  # PIL reports broken files with all three
            raise UnreadableImageError(
                f"cannot read the image {self.path}{f' ({self.source})' if self.source else ''}: "
                f"{type(error).__name__}: {error}. Replace the file, or pass --skip_bad_images to leave out the "
                "items that use it (--verify_images checks every image before scoring)."
            ) from error
        if self.bbox is not None:
            x, y, w, h = self.bbox
            image = image.crop((x, y, x + w, y + h))
        return image


def item_images(item) -> list[ImageRef]:
    """The ImageRefs of one benchmark item (a dataclass item, or a retrieval (image, captions) pair)."""
    if dataclasses.is_dataclass(item):
        values = [getattr(item, field.name) for field in dataclasses.fields(item)]
    else:
        values = list(item)
    return [value for value in values if isinstance(value, ImageRef)]


def drop_items_with_unreadable_images(items: Sequence, task: str, skip: bool, report_dir: Path) -> list:
    """Decode every image file of `items` once (with a progress bar); unreadable ones are listed in
    `<report_dir>/<task>_bad_images.txt` and then either stop the run or, with `skip`, leave their items out."""
    from tqdm.auto import tqdm

    first_ref = {ref.path: ref for item in items for ref in reversed(item_images(item))}
    bad = {}
    for path, ref in tqdm(first_ref.items(), desc=f"verifying {task} images"):
        try:
            ImageRef(path, source=ref.source).load()
        except UnreadableImageError as error:
            bad[path] = str(error).split(". Replace the file")[0]
    if not bad:
        return list(items)
    report = Path(report_dir) / f"{task.replace('/', '_')}_bad_images.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("".join(f"{message}\n" for message in bad.values()))
    if not skip:
        raise UnreadableImageError(
            f"{len(bad)} {task} images cannot be read, e.g. {next(iter(bad.values()))}. All "
            f"are listed in {report}; pass --skip_bad_images to leave out their items."
        )
    kept = [item for item in items if not any(ref.path in bad for ref in item_images(item))]
    logger.warning(
        "--skip_bad_images: %s: left out %d of %d items whose image cannot be read (listed in %s); the "
        "result covers the remaining items only.",
        task,
        len(items) - len(kept),
        len(items),
        report,
    )
    return kept


class LazyImages(Sequence):
    """A sequence of PIL images that loads each one on access (ImageRef) or passes PIL images through."""

    def __init__(self, sources: Sequence):
        self.sources = sources

    def __len__(self) -> int:
        return len(self.sources)

    def __getitem__(self, index):
        source = self.sources[index]
        return source.load() if isinstance(source, ImageRef) else source


@dataclasses.dataclass
class PairItem:
    """One image, a true and a false caption (ARO, SugarCrepe, synthetic swaps)."""

    image: Any  # ImageRef or PIL image
    positive: str
    negative: str
    group: str | None = None
    positive_triples: list | None = None
    negative_triples: list | None = None


def _unique_images(images: Sequence) -> tuple[list, list[int]]:
    """Deduplicate ImageRefs (SugarCrepe reuses one image for many items); PIL images are kept as they are."""
    unique, index_of, positions = [], {}, []
    for image in images:
        key = image if isinstance(image, ImageRef) else id(image)
        if key not in index_of:
            index_of[key] = len(unique)
            unique.append(image)
        positions.append(index_of[key])
    return unique, positions


def score_pair_items(scorer, items: Sequence[PairItem]) -> tuple[torch.Tensor, torch.Tensor]:
    """(positive scores, negative scores), one per item."""
    unique, positions = _unique_images([item.image for item in items])
    image_embeds = scorer.encode_images(LazyImages(unique))[torch.tensor(positions)]
    has_triples = any(item.positive_triples is not None for item in items)
    positive = scorer.encode_texts(
        [item.positive for item in items], triples=[item.positive_triples for item in items] if has_triples else None
    )
    negative = scorer.encode_texts(
        [item.negative for item in items], triples=[item.negative_triples for item in items] if has_triples else None
    )
    return scorer.pair_scores(image_embeds, positive), scorer.pair_scores(image_embeds, negative)


# ---------------------------------------------------------------------------------------------
# ARO VG-Relation / VG-Attribution
# ---------------------------------------------------------------------------------------------

ARO_HOW_TO_GET = (
    "ARO's annotation files and Visual Genome crops come with github.com/mertyg/vision-language-models-are-bows "
    "(dataset_zoo/aro_datasets.py, VG_Relation/VG_Attribution with download=True puts "
    "visual_genome_relation.json, visual_genome_attribution.json and images/ into its root_dir). "
    "Pass --aro_dir <that root_dir> (or --aro_image_dir for the images)."
)


def read_aro(annotation_file, image_dir, task: str) -> list[PairItem]:
    """ARO records -> PairItems cropped to their bbox; group = relation name or 'attr0_attr1'."""
    annotation_file = require_path(annotation_file, f"ARO {task} annotation JSON", ARO_HOW_TO_GET)
    image_dir = require_path(image_dir, "Visual Genome image folder for ARO", ARO_HOW_TO_GET)
    records = read_json_file(annotation_file)
    require_records(records, annotation_file, list, "ARO records")
    group_key = "relation_name" if task == "vg_relation" else "attributes"
    required = {"image_path", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "true_caption", "false_caption", group_key}
    items = []
    for index, record in enumerate(records):
        require_keys(record, required, annotation_file, index)
        if task == "vg_relation":
            group = record["relation_name"]
        else:
            group = "_".join(record["attributes"])
        bbox = tuple(float(record[key]) for key in ("bbox_x", "bbox_y", "bbox_w", "bbox_h"))
        image = ImageRef(str(image_dir / record["image_path"]), bbox, f"{annotation_file.name} record {index}")
        items.append(PairItem(image, record["true_caption"], record["false_caption"], group))
    require_image_files([item.image.path for item in items], "ARO", ARO_HOW_TO_GET)
    return items


def load_dropped_relations(path=None) -> set[str]:
    """The 157 relation names ARO's notebook (and the original Structure-CLIP) drop from VG-Relation.

    Default: the copy shipped with this package (structure_clip/evaluation/data/README.md says where it comes from).
    """
    if path is None:
        from structure_clip.evaluation.benchmark_data import shipped_dropped_relations_path

        return set(read_json_file(shipped_dropped_relations_path()))
    path = require_path(
        path,
        "the VG-Relation dropped-relation list (JSON list of names)",
        "pass a JSON list of relation names as --aro_dropped_relations, or leave it out for the "
        "157 names of ARO's notebook that ship with this package.",
    )
    return set(read_json_file(path))


def evaluate_aro(scorer, items: Sequence[PairItem], dropped_groups: set[str] = frozenset()):
    """Returns (metrics, per-group rows). Macro both with ARO's 25-item filter and without (original's)."""
    positive, negative = score_pair_items(scorer, items)
    correct = pairwise_correct(positive, negative)
    kept = np.array([item.group not in dropped_groups for item in items])
    groups = [item.group for item, keep in zip(items, kept, strict=False) if keep]
    macro_all, per_group_all = macro_accuracy(correct[kept], groups, min_count=0)
    macro_min25, per_group_min25 = macro_accuracy(correct[kept], groups, min_count=ARO_MIN_GROUP_COUNT)
    metrics = {
        "macro_accuracy_no_count_filter": macro_all,  # original Structure-CLIP protocol
        f"macro_accuracy_min{ARO_MIN_GROUP_COUNT}": macro_min25,  # ARO paper protocol
        "micro_accuracy": float(correct[kept].mean()),
        # The original's printed "Accuracy" (model/eval.py macroacc_evaluation): every item, dropped names included.
        "micro_accuracy_all_items": float(correct.mean()),
        "num_items": int(kept.sum()),
        "num_items_dropped_by_name": int((~kept).sum()),
        "num_groups": len(per_group_all),
        f"num_groups_min{ARO_MIN_GROUP_COUNT}": len(per_group_min25),
    }
    rows = [
        {"group": group, "accuracy": accuracy, "count": count, "in_min25_macro": group in per_group_min25}
        for group, (accuracy, count) in per_group_all.items()
    ]
    return metrics, rows


def write_group_csv(rows: list[dict], path) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["group", "accuracy", "count", "in_min25_macro"])
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------------------------------------
# Karpathy-style caption annotations (retrieval and Order)
# ---------------------------------------------------------------------------------------------

KARPATHY_HOW_TO_GET = (
    "COCO: coco_karpathy_test.json from the BLIP/ALBEF annotation release (or Karpathy's dataset_coco.json), "
    "images from cocodataset.org (val2014). Flickr30k: flickr30k_test.json and the flickr30k-images folder. "
    "The COCO 5k captions also exist as a TSV, data/coco_dataset_test.txt of github.com/zjukg/Structure-CLIP (no images)."
)


def read_caption_annotations(annotation_file, image_dir, split: str = "test") -> list[tuple[ImageRef, list[str]]]:
    """(image, its captions) in file order, from the BLIP list JSON, Karpathy's dataset JSON or the TSV."""
    annotation_file = require_path(annotation_file, "Karpathy-style caption annotations", KARPATHY_HOW_TO_GET)
    image_dir = require_path(image_dir, "the image folder of the caption annotations", KARPATHY_HOW_TO_GET)
    captions_of: dict[str, list[str]] = {}
    if annotation_file.suffix == ".json":
        data = read_json_file(annotation_file)
        if isinstance(data, dict) and "images" in data:  # Karpathy's dataset_*.json
            for image in data["images"]:
                if image.get("split") == split:
                    relative = os.path.join(image.get("filepath", ""), image["filename"])
                    captions_of[relative] = [sentence["raw"] for sentence in image["sentences"]]
        else:  # BLIP / ALBEF list
            require_records(data, annotation_file, list, 'BLIP/ALBEF records {"image", "caption"}')
            for index, record in enumerate(data):
                require_keys(record, ("image", "caption"), annotation_file, index)
                captions = record["caption"] if isinstance(record["caption"], list) else [record["caption"]]
                captions_of.setdefault(record["image"], []).extend(captions)
    else:  # TSV: image_index, image_path, caption (the original's data/coco_dataset_test.txt)
        for line in annotation_file.read_text().splitlines():
            if line.strip():
                fields = line.rstrip("\r\n").split("\t", 2)
                if len(fields) != 3:
                    raise ValueError(
                        f"{annotation_file}: expected image_index<TAB>image_path<TAB>caption, got {line!r}"
                    )
                _, relative, caption = fields
                captions_of.setdefault(relative, []).append(caption.strip())
    if not captions_of:
        raise ValueError(f"{annotation_file} holds no captions (split {split!r}).")
    pairs = [
        (ImageRef(str(image_dir / relative), source=f"{annotation_file.name} image {relative}"), captions)
        for relative, captions in captions_of.items()
    ]
    require_image_files([image.path for image, _ in pairs], f"{annotation_file.name}", KARPATHY_HOW_TO_GET)
    return pairs


@dataclasses.dataclass
class RetrievalSet:
    images: list
    texts: list[str]
    text_to_image: torch.Tensor
    triples: list | None = None


def retrieval_set_from_pairs(pairs: Sequence[tuple[Any, list[str]]]) -> RetrievalSet:
    images, texts, text_to_image = [], [], []
    for image_index, (image, captions) in enumerate(pairs):
        images.append(image)
        texts.extend(captions)
        text_to_image.extend([image_index] * len(captions))
    return RetrievalSet(images, texts, torch.tensor(text_to_image))


def evaluate_retrieval(scorer, retrieval: RetrievalSet, ks=(1, 5, 10)) -> dict[str, float]:
    """R@k both ways. Keys name the query direction; the original's headers are swapped (docs/method.md §4, issue #13).

    Also emits CLIP_benchmark's names: image_retrieval_recall@k = text query -> images (text_to_image),
    text_retrieval_recall@k = image query -> texts (image_to_text).
    """
    image_embeds = scorer.encode_images(LazyImages(retrieval.images))
    text_embeds = scorer.encode_texts(retrieval.texts, triples=retrieval.triples)
    metrics = retrieval_recall_at_k(image_embeds, text_embeds, retrieval.text_to_image, ks=ks)
    for k in ks:
        metrics[f"image_retrieval_recall@{k}"] = metrics[f"text_to_image_R@{k}"]
        metrics[f"text_retrieval_recall@{k}"] = metrics[f"image_to_text_R@{k}"]
    metrics.update(num_images=len(retrieval.images), num_texts=len(retrieval.texts))
    return metrics


# ---------------------------------------------------------------------------------------------
# COCO-Order / Flickr30k-Order (the perturbations are in structure_clip/evaluation/order_perturbations.py)
# ---------------------------------------------------------------------------------------------


def evaluate_order(scorer, items: Sequence[OrderItem], skipped: int = 0) -> dict[str, float]:
    if not items:
        raise ValueError("Order: no caption could be perturbed; nothing to evaluate.")
    unique, positions = _unique_images([item.image for item in items])
    image_embeds = scorer.encode_images(LazyImages(unique))[torch.tensor(positions)]
    num_candidates = len(items[0].candidates)
    texts = [candidate for item in items for candidate in item.candidates]
    text_embeds = scorer.encode_texts(texts).reshape(len(items), num_candidates, -1)
    scores = (text_embeds * image_embeds[:, None, :]).sum(-1)
    correct = multi_candidate_correct(scores, correct_index=0)
    return {"accuracy": float(correct.mean()), "num_items": len(items), "num_skipped_unshufflable": skipped}


# ---------------------------------------------------------------------------------------------
# SugarCrepe
# ---------------------------------------------------------------------------------------------

SUGARCREPE_HOW_TO_GET = (
    "annotations: pass --sugarcrepe_dir, a folder of <subset>.json from github.com/RAIVNLab/sugar-crepe data/ "
    "(left out, they are downloaded once); "
    "images: COCO val2017 from http://images.cocodataset.org/zips/val2017.zip, unzipped; pass --coco_val2017_dir."
)


def read_sugarcrepe(annotation_dir, image_dir, subsets: Sequence[str] = SUGARCREPE_SUBSETS):
    annotation_dir = require_path(annotation_dir, "SugarCrepe annotation folder", SUGARCREPE_HOW_TO_GET)
    image_dir = require_path(image_dir, "COCO val2017 image folder", SUGARCREPE_HOW_TO_GET)
    items_by_subset = {}
    for subset in subsets:
        path = require_path(annotation_dir / f"{subset}.json", f"SugarCrepe {subset}.json", SUGARCREPE_HOW_TO_GET)
        records = read_json_file(path)
        require_records(records, path, dict, '{"<id>": {"filename", "caption", "negative_caption"}} records')
        for key, record in records.items():
            require_keys(record, ("filename", "caption", "negative_caption"), path, key)
        items_by_subset[subset] = [
            PairItem(
                ImageRef(str(image_dir / record["filename"]), source=f"{path.name} item {key}"),
                record["caption"],
                record["negative_caption"],
                subset,
            )
            for key, record in records.items()
        ]
    images = [item.image.path for items in items_by_subset.values() for item in items]
    require_image_files(images, "SugarCrepe (COCO val2017)", SUGARCREPE_HOW_TO_GET)
    return items_by_subset


def evaluate_sugarcrepe(scorer, items_by_subset) -> dict[str, float]:
    """Per-subset accuracy, then REPLACE / SWAP / ADD means weighted by item count (docs/method.md §4)."""
    results = {}
    for subset, items in items_by_subset.items():
        positive, negative = score_pair_items(scorer, items)
        results[subset] = (pairwise_accuracy(positive, negative), len(items))
    metrics = {f"{subset}_accuracy": accuracy for subset, (accuracy, _) in results.items()}
    metrics.update(
        {f"{group}_accuracy": value for group, value in weighted_group_means(results, SUGARCREPE_GROUPS).items()}
    )
    metrics.update({f"{subset}_num_items": count for subset, (_, count) in results.items()})
    return metrics


# ---------------------------------------------------------------------------------------------
# Winoground
# ---------------------------------------------------------------------------------------------

WINOGROUND_HOW_TO_GET = (
    "Winoground (gated, accept its licence on the Hub): either "
    "`datasets.load_dataset('facebook/winoground')['test'].save_to_disk(DIR)`, or the release files "
    "data/examples.jsonl + data/images.zip unzipped as DIR/examples.jsonl and DIR/images/*.png. Pass --winoground_dir DIR."
)


WINOGROUND_KEYS = ("image_0", "image_1", "caption_0", "caption_1")


@dataclasses.dataclass
class WinogroundItem:
    image_0: Any
    image_1: Any
    caption_0: str
    caption_1: str
    tag: str | None = None


def _winoground_image(folder: Path, name: str, source: str | None = None) -> ImageRef:
    """images/<name>.png in the release zip; other extensions are accepted for re-encoded copies."""
    candidates = [folder / "images" / f"{name}{extension}" for extension in (".png", ".jpg", ".jpeg", "")]
    return ImageRef(str(next((path for path in candidates if path.is_file()), candidates[0])), source=source)


def read_winoground(folder) -> list[WinogroundItem]:
    folder = require_path(folder, "Winoground folder", WINOGROUND_HOW_TO_GET)
    if (folder / "dataset_info.json").exists() or (folder / "dataset_dict.json").exists():
        import datasets

        dataset = datasets.load_from_disk(str(folder))
        if isinstance(dataset, datasets.DatasetDict):
            dataset = dataset["test"]
        require_keys(dict.fromkeys(dataset.column_names), WINOGROUND_KEYS, folder, "columns")
        if len(dataset) == 0:
            raise ValueError(f"{folder} holds no items (Winoground rows); check that it is the complete export.")
        return [
            WinogroundItem(row["image_0"], row["image_1"], row["caption_0"], row["caption_1"], row.get("tag"))
            for row in dataset
        ]
    examples = require_path(folder / "examples.jsonl", "Winoground examples.jsonl", WINOGROUND_HOW_TO_GET)
    items = []
    for line_number, line in enumerate(examples.read_text().splitlines(), start=1):
        if line.strip():
            record = _parse_json(line, examples, line_offset=line_number - 1)
            require_keys(record, WINOGROUND_KEYS, examples, f"line {line_number}")
            source = f"{examples.name} line {line_number}"
            image_0, image_1 = (_winoground_image(folder, record[key], source) for key in ("image_0", "image_1"))
            items.append(WinogroundItem(image_0, image_1, record["caption_0"], record["caption_1"], record.get("tag")))
    require_records(items, examples, list, "Winoground examples")
    images = [image.path for item in items for image in (item.image_0, item.image_1)]
    require_image_files(images, "Winoground", WINOGROUND_HOW_TO_GET)
    return items


def evaluate_winoground(scorer, items: Sequence[WinogroundItem]) -> dict[str, float]:
    images = scorer.encode_images(LazyImages([image for item in items for image in (item.image_0, item.image_1)]))
    texts = scorer.encode_texts([caption for item in items for caption in (item.caption_0, item.caption_1)])
    image_0, image_1, caption_0, caption_1 = images[0::2], images[1::2], texts[0::2], texts[1::2]
    pair = scorer.pair_scores
    metrics = winoground_scores(
        pair(image_0, caption_0), pair(image_1, caption_0), pair(image_0, caption_1), pair(image_1, caption_1)
    )
    return {f"{name}_score": value for name, value in metrics.items()} | {"num_items": len(items)}
