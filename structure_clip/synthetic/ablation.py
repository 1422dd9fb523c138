"""The built-in demo: the paper's ablation on the synthetic world, trained from scratch on CPU (the "scratch"
regime; the fine-tuning regime is structure_clip/synthetic/finetune.py, several seeds experiment.py).

    python examples/train.py                         # same as: python examples/synthetic_ablation.py
    python examples/synthetic_ablation.py --max_train_steps 20 --output_dir /tmp/demo   # a smoke run

Three variants, on identical data, steps, batches (same shuffle order) and initial weights:
1. "clip": a `StructureCLIPModel` with `knowledge_weight=0`, no triples and no negatives, i.e. exactly
   CLIP's towers and CLIP's InfoNCE (the KEE is never run);
2. "clip+negatives": the same plus one scene-graph hard negative per caption (relation or attribute swap,
   NegCLIP-style extra columns of the image->text softmax);
3. "structure-clip": (2) plus the Knowledge-Enhanced Encoder fused into every caption, negatives included.

`--backbone siglip` runs the same three variants on tiny SigLIP towers (structure_clip/synthetic/world_siglip.py:
a sentencepiece tokenizer, captions padded to one length, SigLIP's logit scale and bias, the sigmoid loss with
the negatives as extra columns); "clip" then names the plain-towers variant, as in the table.

Each variant is trained with `train.run_training` (the project's Accelerate loop), then scored on the
held-out splits with `structured_metrics`: relation-swap and attribute-swap pair accuracy (tie = wrong)
and retrieval R@1 (mean of image->text and text->image over unique captions). Prints a table, writes
`<output_dir>/results.json`, `<output_dir>/ablation.png` and each variant's model and results.jsonl
under `<output_dir>/<variant>/`. Validation curves use the validation split only; test splits are
scored once, on the final weights.

The default recipe, and why (each choice measured with this script; the README has the numbers):
- a small model (width 64, 2 layers per tower, 2 KEE layers) on 48 px images with 16 px patches, one
  grid cell per patch (structure_clip/synthetic/world.py), so a step costs tens of milliseconds;
- AdamW lr 1e-3, 100 warm-up steps, cosine decay in the main stage, NegCLIP-style InfoNCE;
- ViT position embeddings initialised with std 1.0 instead of 0.02, so "where" is visible from step 0;
- a curriculum: 500 steps on captions that always name the left / upper object first ("left of" and
  "above" only), then 1,000 steps on all four relations. With canonical wording the relation-swap
  accuracy passes 90% within 250 steps, so the vision tower binds quickly; what costs thousands of
  steps without the curriculum is the text tower learning that "B right of A" means "A left of B".
  The curriculum stage is part of every variant, so all three see identical data in identical order.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict

import torch

from processing.processing_structure_clip import TEXT_KEYS, TRIPLE_KEYS
from structure_clip.cpu_threads import idle_core_count, set_torch_threads  # noqa: F401 (experiment.py imports the first)
from structure_clip.synthetic.arguments import FINETUNE_VARIANTS, AblationArguments


logger = logging.getLogger(__name__)

NEGATIVE_KEYS = tuple(f"negative_{k}" for k in TEXT_KEYS) + ("negative_mask",)
NEGATIVE_TRIPLE_KEYS = tuple(f"negative_{k}" for k in TRIPLE_KEYS)


# ---------------------------------------------------------------------------------------------
# 1. Data: the world, encoded once into tensors
# ---------------------------------------------------------------------------------------------


class EncodedSplit(torch.utils.data.Dataset):
    """A split as tensors; items are row indices and `collate` gathers a batch (fast on CPU)."""

    def __init__(self, tensors: dict[str, torch.Tensor], relation_swap: torch.Tensor):
        self.tensors = tensors
        self.relation_swap = relation_swap  # [rows] bool: the negative is a relation (not attribute) swap

    def __len__(self) -> int:
        return self.tensors["input_ids"].shape[0]

    def __getitem__(self, index: int) -> int:
        return index

    def select(self, indices, keys) -> dict[str, torch.Tensor]:
        indices = torch.as_tensor(indices)
        return {key: self.tensors[key][indices] for key in keys}


def encode_split(processor, dataset, chunk_size: int = 2000, progress: bool = False) -> EncodedSplit:
    from tqdm.auto import tqdm

    parts: dict[str, list[torch.Tensor]] = {}
    starts = range(0, dataset.num_rows, chunk_size)
    for start in tqdm(starts, desc=f"encoding {dataset.num_rows} scenes", unit="chunk", disable=not progress):
        rows = dataset[start : start + chunk_size]
        batch = processor(
            text=rows["caption"],
            images=rows["image"],
            triples=rows["triples"],
            negatives=rows["negative_caption"],
            negative_triples=rows["negative_triples"],
        )
        for key, value in batch.items():
            parts.setdefault(key, []).append(value)
    tensors = {key: torch.cat(values) for key, values in parts.items()}
    relation_swap = torch.tensor(
        [n[0] == list(reversed(t[0])) for t, n in zip(dataset["triples"], dataset["negative_triples"], strict=False)]
    )
    return EncodedSplit(tensors, relation_swap)


def uses_negatives(variant: str) -> bool:
    return variant in ("clip+negatives", "structure-clip")


def uses_knowledge(variant: str) -> bool:
    """The variants whose captions carry their triples through the KEE ("kee-only": without negatives)."""
    return variant in ("structure-clip", "kee-only")


def variant_keys(variant: str) -> tuple[str, ...]:
    keys = TEXT_KEYS + ("pixel_values",)
    if uses_negatives(variant):
        keys += NEGATIVE_KEYS
    if uses_knowledge(variant):
        keys += TRIPLE_KEYS
        if uses_negatives(variant):
            keys += NEGATIVE_TRIPLE_KEYS
    return keys


class VariantCollator:
    """Row indices -> the model's keyword arguments for one variant (what it may see, nothing more)."""

    def __init__(self, split: EncodedSplit, variant: str):
        self.split, self.keys = split, variant_keys(variant)

    def __call__(self, indices: list[int]) -> dict:
        return {**self.split.select(indices, self.keys), "return_loss": True}


# ---------------------------------------------------------------------------------------------
# 2. Models
# ---------------------------------------------------------------------------------------------


def build_variant_model(variant: str, args: AblationArguments, tokenizers):
    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.world import tiny_synthetic_model_config

    with_knowledge = uses_knowledge(variant)
    config = tiny_synthetic_model_config(
        *tokenizers,
        width=args.model_width,
        num_hidden_layers=args.model_layers,
        knowledge_layers=args.knowledge_layers,
        loss_recipe=args.loss_recipe,
        knowledge_weight=args.knowledge_weight if with_knowledge else 0.0,
        backbone=args.backbone,
        negative_margin_text=args.negative_margin_text,
    )
    config.knowledge_config.phrase_pooling = args.phrase_pooling
    if not with_knowledge:
        # No triples are passed, and "zero" makes the model skip the KEE: plain CLIP towers and scores.
        config.knowledge_config.empty_caption_knowledge = "zero"
    # Same seed for every variant: the CLIP towers start from identical weights (the KEE is built last).
    torch.manual_seed(args.seed)
    model = StructureCLIPModel(config)
    if args.vision_position_std > 0:
        # From-scratch ViTs start with position embeddings ~50x weaker than the patch content (std 0.02),
        # so "where" is nearly invisible early on; a larger std lets relations be learnt sooner.
        generator = torch.Generator().manual_seed(args.seed)
        weight = model.vision_model.get_submodule("embeddings.position_embedding").weight
        with torch.no_grad():
            weight.copy_(torch.randn(weight.shape, generator=generator) * args.vision_position_std)
    return model


# ---------------------------------------------------------------------------------------------
# 3. Evaluation
# ---------------------------------------------------------------------------------------------


@torch.no_grad()
def embed_split(model, split: EncodedSplit, variant: str, batch_size: int = 500) -> dict[str, torch.Tensor]:
    """Image, caption and negative-caption embeddings, each caption with its own triples (structure-clip)."""
    uses_triples = uses_knowledge(variant)
    # The split lives on the CPU; the model may be on a GPU (Accelerate moves it there): feed it its own device.
    device = next(model.parameters()).device
    images, texts, negatives = [], [], []
    for start in range(0, len(split), batch_size):
        rows = split.select(range(start, min(start + batch_size, len(split))), list(split.tensors))
        rows = {key: value.to(device) for key, value in rows.items()}
        images.append(model.get_image_features(pixel_values=rows["pixel_values"]).pooler_output)
        for prefix, sink in (("", texts), ("negative_", negatives)):
            kwargs = {key: rows[prefix + key] for key in TEXT_KEYS}
            if uses_triples:
                kwargs.update({key: rows[prefix + key] for key in TRIPLE_KEYS})
            sink.append(model.get_text_features(**kwargs).pooler_output)
    return {"image": torch.cat(images).cpu(), "text": torch.cat(texts).cpu(), "negative": torch.cat(negatives).cpu()}


def pair_scores(embeds: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return (embeds["image"] * embeds["text"]).sum(-1), (embeds["image"] * embeds["negative"]).sum(-1)


def evaluate_variant(model, test_splits: dict[str, EncodedSplit], variant: str) -> dict[str, float]:
    from structure_clip.evaluation.metrics import pairwise_accuracy, retrieval_recall_at_k

    was_training = model.training
    model.eval()
    results = {}
    for name in ("relation_swap", "attribute_swap"):
        positive, negative = pair_scores(embed_split(model, test_splits[f"test_{name}"], variant))
        results[f"{name}_acc"] = pairwise_accuracy(positive, negative)
    embeds = embed_split(model, test_splits["test_retrieval"], variant)
    recall = retrieval_recall_at_k(embeds["image"], embeds["text"], torch.arange(embeds["image"].shape[0]), ks=(1, 5))
    results["retrieval_r1"] = (recall["image_to_text_R@1"] + recall["text_to_image_R@1"]) / 2
    results.update({f"retrieval_{key}": value for key, value in recall.items()})
    model.train(was_training)
    return results


def validation_callback(validation: EncodedSplit, variant: str):
    """Validation swap accuracy for the training curves (validation split only)."""
    from structure_clip.evaluation.metrics import pairwise_accuracy

    def callback(model, step) -> dict[str, float]:
        correct_positive, negative = pair_scores(embed_split(model, validation, variant))
        kinds = {"relation_swap": validation.relation_swap, "attribute_swap": ~validation.relation_swap}
        return {
            f"validation_{kind}_acc": pairwise_accuracy(correct_positive[mask], negative[mask])
            for kind, mask in kinds.items()
        }

    return callback


# ---------------------------------------------------------------------------------------------
# 4. One variant through train.run_training
# ---------------------------------------------------------------------------------------------


def stage_arguments(args: AblationArguments, output_dir: str, steps: int, lr_scheduler_type: str):
    from structure_clip.training.loop import StructureCLIPTrainArgs

    return StructureCLIPTrainArgs(
        output_dir=output_dir,
        seed=args.seed,
        per_device_train_batch_size=args.per_device_train_batch_size,
        learning_rate=args.learning_rate,
        weight_decay=args.weight_decay,
        max_train_steps=steps,
        lr_scheduler_type=lr_scheduler_type,
        num_warmup_steps=args.num_warmup_steps,
        logging_steps=10,
        eval_steps=args.eval_steps,
        metric_for_best_model="validation_relation_swap_acc",
        disable_tqdm=args.disable_tqdm,
    )


def stage_steps(args: AblationArguments) -> tuple[int, int]:
    """A variant's (curriculum, main-stage) optimizer steps; --max_train_steps counts the curriculum. A smoke run
    (--max_train_steps 20) must neither train the default 500 curriculum steps nor skip the main stage, whose folder
    is the variant's checkpoint: a curriculum that leaves no main-stage step keeps the defaults' share, a third
    (500 of 1,500)."""
    curriculum_steps = args.curriculum_steps
    if curriculum_steps >= args.max_train_steps:
        curriculum_steps = args.max_train_steps // 3
        logger.warning(
            "--curriculum_steps %d leaves no main-stage step of --max_train_steps %d, which includes the curriculum: "
            "the curriculum is cut to %d steps (a third, as in the defaults)",
            args.curriculum_steps, args.max_train_steps, curriculum_steps,
        )  # fmt: skip
    return curriculum_steps, args.max_train_steps - curriculum_steps


def train_variant(variant: str, args: AblationArguments, data: dict, processor) -> dict:
    """Train one variant (curriculum stage, then the main stage) and score it on the test splits.

    The processor is saved beside each variant's weights, so the folder is a complete checkpoint for
    examples/evaluate_structure_clip.py and examples/export_to_hub.py.
    """
    from structure_clip.training.loop import run_training

    model = build_variant_model(variant, args, (processor.tokenizer, processor.triple_tokenizer))
    curriculum_steps, main_steps = stage_steps(args)
    stages = [("train", os.path.join(args.output_dir, variant), main_steps, args.lr_scheduler_type)]
    if curriculum_steps:
        curriculum_dir = os.path.join(args.output_dir, variant, "curriculum")
        stages.insert(0, ("train_curriculum", curriculum_dir, curriculum_steps, args.curriculum_lr_scheduler_type))
    started, history, steps_done = time.time(), [], 0
    for split, output_dir, steps, schedule in stages:  # stage_steps leaves every listed stage at least one step
        result = run_training(
            stage_arguments(args, output_dir, steps, schedule), model, data[split], VariantCollator(data[split], variant),
            processor=processor, eval_callback=validation_callback(data["validation"], variant),
        )  # fmt: skip
        # One curve per variant: later stages continue the step count of the earlier ones.
        history += [{**record, "step": record["step"] + steps_done, "stage": split} for record in result.history]
        steps_done += result.global_step
    train_seconds = time.time() - started
    metrics = evaluate_variant(model, data, variant)
    metrics.update(train_seconds=train_seconds, steps=steps_done)
    return {"metrics": metrics, "history": history}


# ---------------------------------------------------------------------------------------------
# 5. Report: table, results.json, plot
# ---------------------------------------------------------------------------------------------


def format_table(variants: dict[str, dict]) -> str:
    header = f"| {'variant':<15} | relation swap | attribute swap | retrieval R@1 | train time |"
    lines = [header, "|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|"]
    for name, metrics in variants.items():
        lines.append(
            f"| {name:<15} | {metrics['relation_swap_acc']:>13.1%} | {metrics['attribute_swap_acc']:>14.1%} "
            f"| {metrics['retrieval_r1']:>13.1%} | {metrics['train_seconds']:>8.0f} s |"
        )
    return "\n".join(lines)


def plot_test_bars(axis, variants: dict[str, dict]) -> None:
    """Grouped bars with their values on top; the legend sits below the axis, where no bar can reach."""
    metric_names = ("relation_swap_acc", "attribute_swap_acc", "retrieval_r1")
    width = 0.8 / max(1, len(variants))
    for index, (name, metrics) in enumerate(variants.items()):
        positions = [m + index * width for m in range(len(metric_names))]
        drawn = axis.bar(positions, [metrics[m] for m in metric_names], width, label=name)
        axis.bar_label(drawn, labels=[f"{metrics[m]:.0%}" for m in metric_names], fontsize=7, padding=1)
    axis.set_xticks([m + width * (len(variants) - 1) / 2 for m in range(len(metric_names))])
    axis.set_xticklabels(["relation swap", "attribute swap", "retrieval R@1"])
    axis.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    axis.set_ylim(0, 1.08)  # room for the labels of bars at 100%
    axis.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    axis.set_title("test accuracy per variant")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=max(1, len(variants)), fontsize=8, frameon=False)


def save_plot(path: str, variants: dict[str, dict], histories: dict[str, list]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (bars, losses, curves) = plt.subplots(1, 3, figsize=(16, 4.8))
    plot_test_bars(bars, variants)
    for index, (name, history) in enumerate(histories.items()):
        colour = f"C{index}"
        train = [r for r in history if r.get("type") == "train"]
        losses.plot([r["step"] for r in train], [r["loss"] for r in train], color=colour, label=name)
        evals = [r for r in history if r.get("type") == "eval" and "validation_relation_swap_acc" in r]
        steps = [r["step"] for r in evals]
        curves.plot(
            steps,
            [r["validation_relation_swap_acc"] for r in evals],
            color=colour,
            marker="o",
            label=f"{name} relation",
        )
        curves.plot(
            steps,
            [r["validation_attribute_swap_acc"] for r in evals],
            color=colour,
            linestyle="--",
            label=f"{name} attribute",
        )
        curriculum_end = max((r["step"] for r in train if r.get("stage") == "train_curriculum"), default=None)
        if curriculum_end is not None and index == 0:
            for axis in (losses, curves):
                axis.axvline(curriculum_end, color="grey", linestyle=":", linewidth=1)
                axis.annotate(
                    "end of curriculum", (curriculum_end, 0.02), fontsize=7, xycoords=("data", "axes fraction")
                )
    losses.set_title("training loss")
    losses.set_xlabel("step")
    losses.legend()
    curves.set_title("validation swap accuracy")
    curves.set_xlabel("step")
    curves.set_ylim(0, 1)
    curves.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def build_data(args: AblationArguments, processor) -> dict[str, EncodedSplit]:
    """Every split, encoded; rendered and encoded once per settings, then read from the world cache."""
    sizes = {
        "train": args.num_train_examples,
        "train_curriculum": args.num_curriculum_examples if args.curriculum_steps else 0,
        "validation": args.num_validation_examples,
        "test_relation_swap": args.num_test_examples,
        "test_attribute_swap": args.num_test_examples,
        "test_retrieval": args.num_retrieval_examples,
    }
    return {split: encoded_world_split(args, processor, split, size) for split, size in sizes.items() if size}


def encoded_world_split(args: AblationArguments, processor, split: str, size: int) -> EncodedSplit:
    from structure_clip.synthetic.world import SPLIT_SIZES, build_synthetic_dataset
    from structure_clip.synthetic.world_cache import load_or_encode_split, split_fingerprint, world_cache_folder

    keep_nothing = args.world_cache_dir is not None and args.world_cache_dir.lower() == "none"
    cache_dir = None if keep_nothing else world_cache_folder(args.world_cache_dir)
    progress = not args.disable_tqdm

    def encode() -> dict:
        only_this_split = {**dict.fromkeys(SPLIT_SIZES, 0), split: size}
        world = build_synthetic_dataset(seed=args.seed, split_sizes=only_this_split, cache_dir=cache_dir,
                                        progress=progress)  # fmt: skip
        encoded = encode_split(processor, world[split], progress=progress)
        return {"tensors": encoded.tensors, "relation_swap": encoded.relation_swap}

    if cache_dir is None:
        cached = encode()
    else:
        key = f"{split}-{split_fingerprint(split, size, args.seed, grid_size=3, cell_px=16)}"
        cached = load_or_encode_split(key, processor, encode, cache_dir)
    return EncodedSplit(cached["tensors"], cached["relation_swap"])


def configure_threads(args: AblationArguments) -> int:
    return set_torch_threads(args.num_threads)


def run_ablation(args: AblationArguments) -> dict:
    from structure_clip.synthetic.world import build_synthetic_processor

    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(FINETUNE_VARIANTS))
    if unknown:
        raise ValueError(f"unknown variants {unknown}; choose from {FINETUNE_VARIANTS}")
    threads = configure_threads(args)
    started = time.time()
    os.makedirs(args.output_dir, exist_ok=True)
    processor = build_synthetic_processor(backbone=args.backbone)
    data = build_data(args, processor)
    logger.info("synthetic world built and encoded in %.1f s", time.time() - started)
    results, histories = {}, {}
    for variant in variants:
        logger.info("training variant %s", variant)
        outcome = train_variant(variant, args, data, processor)
        results[variant], histories[variant] = outcome["metrics"], outcome["history"]
        logger.info("%s: %s", variant, outcome["metrics"])
    report = {
        "variants": results,
        "arguments": asdict(args),
        "wall_seconds": time.time() - started,
        "torch_threads": threads,
    }
    with open(os.path.join(args.output_dir, "results.json"), "w") as handle:
        json.dump(report, handle, indent=2)
    save_plot(os.path.join(args.output_dir, "ablation.png"), results, histories)
    return {**report, "regime": "scratch", "histories": histories}
