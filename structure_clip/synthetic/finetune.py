"""The fine-tuning regime of the synthetic ablation: the paper's setting, where a pretrained CLIP is fine-tuned.

    python examples/synthetic_ablation.py --regime finetune [--seeds 0 1 2] [--lr_multipliers 0.01 0.1]

Stage 1 pre-trains a plain CLIP (InfoNCE, no negatives, no KEE) at `--learning_rate` for `--pretrain_steps`:
good at retrieval and, because nothing in its data contrasts a caption with its relation swap, at chance on
relation swaps (the bag-of-words behaviour the paper starts from). It is cached by a fingerprint of its settings
(structure_clip/synthetic/pretrained_cache.py). Stage 2 fine-tunes a copy of it for `--finetune_steps` per cell:
every variant of `--finetune_variants` ("clip", "clip+negatives", "structure-clip", "kee-only" = triples without
negatives) with every loss recipe of `--finetune_recipes` ("original" = hinge + 5 x margin with the hinge's
warm-up, "infonce" = NegCLIP) at every learning rate `multiplier x --learning_rate` of `--lr_multipliers`.
The KEE of the knowledge variants starts freshly initialised (the towers come from stage 1), as when the original
turns OpenAI CLIP into Structure-CLIP. Stage 1 has no curriculum; stage 2 may start with
`--finetune_curriculum_steps` on canonical wording (the scratch regime's curriculum split), each stage with its
own warm-up. Validation swap accuracy is recorded every
`--finetune_eval_steps` (the curves); test splits are scored once, on the final weights.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time

import torch

from structure_clip.synthetic.ablation import (
    VariantCollator,
    build_data,
    build_variant_model,
    evaluate_variant,
    validation_callback,
)
from structure_clip.synthetic.arguments import FINETUNE_VARIANTS, LOSS_RECIPES, AblationArguments


logger = logging.getLogger(__name__)

KNOWLEDGE_PREFIXES = ("knowledge_model.", "knowledge_projection.")


def cell_label(variant: str, recipe: str, multiplier: float) -> str:
    return f"{variant} / {recipe} / lr x{multiplier:g}"


def parse_choices(value: str, allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = sorted(set(chosen) - set(allowed))
    if unknown or not chosen:
        raise ValueError(f"{option}: unknown or empty {unknown or value!r}; choose from {', '.join(allowed)}")
    return chosen


# ---------------------------------------------------------------------------------------------
# Stage 1: plain CLIP, pre-trained once per settings
# ---------------------------------------------------------------------------------------------


IMAGE_TOWER_PREFIXES = ("vision_model.", "visual_projection.")


def train_image_source(args: AblationArguments, data: dict, processor, folder: str):
    """The scratch regime's clip+negatives model (InfoNCE, its curriculum), trained into `folder`: an image tower
    whose embedding tells a scene from its relation swap (the README's image-order probe reads it)."""
    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.ablation import train_variant

    source_args = dataclasses.replace(args, output_dir=folder, loss_recipe="infonce")
    outcome = train_variant("clip+negatives", source_args, data, processor)
    logger.info("stage 1, image source (clip+negatives from scratch): %s", outcome["metrics"])
    return StructureCLIPModel.from_pretrained(os.path.join(folder, "clip+negatives"))


PHRASE_TOKENS = 4  # "a <size> <colour> <shape>": one token per word in the world's tokenizer (world.py)


def relation_swapped_ids(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Token ids of each world caption with its two object phrases exchanged (world.relation_swap's caption).

    A caption is <start> subject relation object <end>, each phrase PHRASE_TOKENS tokens, so the swap is a fixed
    permutation of positions per caption length (padding stays where it is).
    """
    rows, width = input_ids.shape
    lengths = attention_mask.sum(dim=1, keepdim=True)
    positions = torch.arange(width).expand(rows, width)
    object_start = lengths - 1 - PHRASE_TOKENS
    relation_tokens = object_start - 1 - PHRASE_TOKENS
    # Every position reads itself (start, relation, end, padding) except the two phrases, which trade places.
    in_first = (positions >= 1) & (positions <= PHRASE_TOKENS)  # new subject: the old object
    in_last = (positions > PHRASE_TOKENS + relation_tokens) & (positions < lengths - 1)  # new object: old subject
    source = torch.where(in_first, positions - 1 + object_start, positions)
    source = torch.where(in_last, positions - PHRASE_TOKENS - relation_tokens, source)
    return input_ids.gather(1, source)


class OrderNoiseCollator(VariantCollator):
    """Plain-CLIP batches in which each caption is replaced by its relation swap with probability `probability`,
    drawn anew at every draw (seeded): the captions then carry no order for retrieval to reward."""

    def __init__(self, split, probability: float, seed: int):
        super().__init__(split, "clip")
        self.probability = probability
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, indices: list[int]) -> dict:
        batch = super().__call__(indices)
        swapped = torch.rand(len(indices), generator=self.generator) < self.probability
        batch["input_ids"] = torch.where(
            swapped[:, None], relation_swapped_ids(batch["input_ids"], batch["attention_mask"]), batch["input_ids"]
        )
        return batch


def freeze_image_tower(model) -> None:
    for module in (model.vision_model, model.visual_projection):
        module.requires_grad_(False)


def pretrain_clip(args: AblationArguments, data: dict, processor, folder: str) -> None:
    """Plain-CLIP InfoNCE on the training split, saved (with its processor) into `folder`.

    With `--pretrain_image_tower clip+negatives` the image tower and projection come from a clip+negatives model
    and stay fixed, so only the (fresh) text tower and the temperature learn here.
    """
    from structure_clip.training.loop import StructureCLIPTrainArgs, run_training

    model = build_variant_model("clip", dataclasses.replace(args, loss_recipe="infonce"),
                                (processor.tokenizer, processor.triple_tokenizer))  # fmt: skip
    if args.pretrain_image_tower == "clip+negatives":
        source = train_image_source(args, data, processor, os.path.join(folder, "image_source"))
        image_tower = {k: v for k, v in source.state_dict().items() if k.startswith(IMAGE_TOWER_PREFIXES)}
        model.load_state_dict(image_tower, strict=False)
        freeze_image_tower(model)
    train_args = StructureCLIPTrainArgs(
        output_dir=folder, seed=args.seed, per_device_train_batch_size=args.per_device_train_batch_size,
        learning_rate=args.learning_rate, weight_decay=args.weight_decay, max_train_steps=args.pretrain_steps,
        lr_scheduler_type=args.lr_scheduler_type, num_warmup_steps=args.num_warmup_steps, logging_steps=10,
        disable_tqdm=args.disable_tqdm,
    )  # fmt: skip
    collator = VariantCollator(data["train"], "clip")
    if args.pretrain_order_noise:
        collator = OrderNoiseCollator(data["train"], args.pretrain_order_noise, args.seed)
    run_training(train_args, model, data["train"], collator, processor=processor)


def stage_one(args: AblationArguments, data: dict, processor) -> tuple[str, dict]:
    """(folder of the stage-1 model, its report: cache reuse, seconds, test and validation scores)."""
    from structure_clip.synthetic.pretrained_cache import load_or_pretrain, pretrain_settings, pretrained_cache_folder
    from structure_clip.synthetic.world_cache import processor_fingerprint

    started = time.time()
    settings = pretrain_settings(args, processor_fingerprint(processor))
    folder, reused = load_or_pretrain(
        settings, lambda target: pretrain_clip(args, data, processor, target),
        pretrained_cache_folder(args.pretrained_cache_dir), os.path.join(args.output_dir, "pretrained"),
    )  # fmt: skip
    model = load_pretrained_towers("clip", args, processor, folder)
    metrics = evaluate_variant(model, data, "clip")
    metrics.update(validation_callback(data["validation"], "clip")(model, args.pretrain_steps))
    report = {"folder": folder, "reused": reused, "seconds": time.time() - started, "metrics": metrics}
    image_tower = "" if args.pretrain_image_tower == "clip" else ", image tower from clip+negatives, fixed"
    logger.info("stage 1 (plain CLIP%s, %d steps): %s", image_tower, args.pretrain_steps, metrics)
    return folder, report


def load_pretrained_towers(variant: str, args: AblationArguments, processor, folder: str):
    """`variant`'s model with stage 1's CLIP towers, projections and temperature; its KEE stays freshly initialised."""
    from modeling_structure_clip import StructureCLIPModel

    model = build_variant_model(variant, args, (processor.tokenizer, processor.triple_tokenizer))
    pretrained = StructureCLIPModel.from_pretrained(folder).state_dict()
    towers = {key: value for key, value in pretrained.items() if not key.startswith(KNOWLEDGE_PREFIXES)}
    missing, unexpected = model.load_state_dict(towers, strict=False)
    not_knowledge = [key for key in missing if not key.startswith(KNOWLEDGE_PREFIXES)]
    if not_knowledge or unexpected:
        raise RuntimeError(f"stage-1 model in {folder} does not match: missing {not_knowledge}, extra {unexpected}")
    return model


# ---------------------------------------------------------------------------------------------
# Stage 2: one fine-tuned cell
# ---------------------------------------------------------------------------------------------


def finetune_arguments(args: AblationArguments, output_dir: str, multiplier: float, steps: int):
    from structure_clip.training.loop import StructureCLIPTrainArgs

    knowledge_multiplier = args.finetune_knowledge_lr_multiplier
    return StructureCLIPTrainArgs(
        output_dir=output_dir, seed=args.seed, per_device_train_batch_size=args.per_device_train_batch_size,
        learning_rate=args.learning_rate * multiplier, weight_decay=args.weight_decay,
        knowledge_learning_rate=None if knowledge_multiplier is None else args.learning_rate * knowledge_multiplier,
        max_train_steps=steps, lr_scheduler_type=args.finetune_lr_scheduler_type,
        num_warmup_steps=args.finetune_warmup_steps, logging_steps=10, eval_steps=args.finetune_eval_steps,
        metric_for_best_model="validation_relation_swap_acc", disable_tqdm=args.disable_tqdm,
    )  # fmt: skip


def freeze_text_tower(model, trainable_last_layers: int = 0) -> None:
    """Fix the CLIP text tower and projection, except its last `trainable_last_layers` layers, final LayerNorm and
    projection when that is > 0."""
    for module in (model.text_model, model.text_projection):
        module.requires_grad_(False)
    if trainable_last_layers > 0:
        layers = model.text_model.encoder.layers
        if trainable_last_layers > len(layers):
            raise ValueError(f"--finetune_text_tower_layers {trainable_last_layers}: the text tower has {len(layers)}")
        for module in (*layers[-trainable_last_layers:], model.text_model.final_layer_norm, model.text_projection):
            module.requires_grad_(True)


def finetune_cell(args, data, processor, pretrained_folder, variant, recipe, multiplier) -> dict:
    """Fine-tune one (variant, recipe, lr multiplier) from stage 1; test scores, final validation scores, curve."""
    from structure_clip.training.loop import run_training

    cell_args = dataclasses.replace(args, loss_recipe=recipe)
    model = load_pretrained_towers(variant, cell_args, processor, pretrained_folder)
    if args.finetune_freeze_text_tower:
        freeze_text_tower(model, args.finetune_text_tower_layers)
    if args.finetune_freeze_image_tower:
        freeze_image_tower(model)
    output_dir = os.path.join(args.output_dir, f"{variant}-{recipe}-lr_x{multiplier:g}")
    stages = [("train", output_dir, args.finetune_steps - args.curriculum_steps)]
    if args.curriculum_steps:
        stages.insert(0, ("train_curriculum", os.path.join(output_dir, "curriculum"), args.curriculum_steps))
    started, history, steps_done = time.time(), [], 0
    callback = validation_callback(data["validation"], variant)
    for split, stage_dir, steps in stages:
        result = run_training(finetune_arguments(args, stage_dir, multiplier, steps), model, data[split],
                              VariantCollator(data[split], variant), processor=processor, eval_callback=callback)  # fmt: skip
        history += [{**record, "step": record["step"] + steps_done, "stage": split} for record in result.history]
        steps_done += result.global_step
    metrics = evaluate_variant(model, data, variant)
    evals = [r for r in history if r.get("type") == "eval" and "validation_relation_swap_acc" in r]
    metrics.update(
        train_seconds=time.time() - started,
        steps=steps_done,
        learning_rate=args.learning_rate * multiplier,
        validation_relation_swap_acc=evals[-1]["validation_relation_swap_acc"],
        validation_attribute_swap_acc=evals[-1]["validation_attribute_swap_acc"],
        final_loss=next(r["loss"] for r in reversed(history) if r.get("type") == "train"),
    )
    return {"metrics": metrics, "history": history}


def run_finetune(args: AblationArguments) -> dict:
    """Stage 1 (cached), then every stage-2 cell, for one seed. The report's "variants" are keyed by `cell_label`."""
    from structure_clip.synthetic.ablation import configure_threads
    from structure_clip.synthetic.world import build_synthetic_processor

    variants = parse_choices(args.finetune_variants, FINETUNE_VARIANTS, "--finetune_variants")
    recipes = parse_choices(args.finetune_recipes, LOSS_RECIPES, "--finetune_recipes")
    if not 0 <= args.finetune_curriculum_steps < args.finetune_steps:
        raise ValueError(
            f"--finetune_curriculum_steps {args.finetune_curriculum_steps} must be in [0, --finetune_steps)"
        )
    # Stage 1's plain CLIP never uses the curriculum (a clip+negatives image source uses --curriculum_steps, as in
    # the scratch regime); stage 2 starts with --finetune_curriculum_steps of it (default none).
    stage_one_args = args
    args = dataclasses.replace(args, curriculum_steps=args.finetune_curriculum_steps)
    threads = configure_threads(args)
    started = time.time()
    os.makedirs(args.output_dir, exist_ok=True)
    processor = build_synthetic_processor()
    # The curriculum split is built when either stage trains on it (build_data reads only whether it is needed).
    source_uses_curriculum = stage_one_args.pretrain_image_tower != "clip" and stage_one_args.curriculum_steps
    data = build_data(stage_one_args if source_uses_curriculum and not args.curriculum_steps else args, processor)
    pretrained_folder, pretrained = stage_one(stage_one_args, data, processor)
    results, histories = {}, {}
    for multiplier in args.lr_multipliers:
        for recipe in recipes:
            for variant in variants:
                label = cell_label(variant, recipe, multiplier)
                logger.info("stage 2: %s", label)
                outcome = finetune_cell(args, data, processor, pretrained_folder, variant, recipe, multiplier)
                results[label], histories[label] = outcome["metrics"], outcome["history"]
                logger.info("%s: %s", label, outcome["metrics"])
    return {
        "regime": "finetune",
        "variants": results,
        "histories": histories,
        "pretrained": pretrained,
        "arguments": dataclasses.asdict(args),
        "wall_seconds": time.time() - started,
        "torch_threads": threads,
    }
