"""The options of the built-in demo (`AblationArguments`), without torch: `--help` must answer at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from structure_clip.cpu_threads import IDLE_CORES_HELP, num_threads_field


VARIANTS = ("clip", "clip+negatives", "structure-clip")
BACKBONES = ("clip", "siglip")
# Each backbone's own contrastive loss, with the hard negatives as extra text columns.
DEFAULT_LOSS_RECIPES = {"clip": "infonce", "siglip": "sigmoid"}
# The fine-tuning regime adds the KEE without negatives: triples fused into every caption, in-batch contrast only.
FINETUNE_VARIANTS = VARIANTS + ("kee-only",)
REGIMES = ("scratch", "finetune")
# Where stage 1's image tower comes from: trained with the text tower (order-blind), or from a clip+negatives model.
PRETRAIN_IMAGE_TOWERS = ("clip", "clip+negatives")
LOSS_RECIPES = ("original", "infonce", "infonce+hinge")


@dataclass
class AblationArguments:
    """Options of the demo. The defaults are the recipe measured in the README (see --help)."""

    regime: str = field(
        default="scratch",
        metadata={
            "help": "'scratch': the three variants trained from scratch (the main job). 'finetune': stage 1 "
            "pre-trains plain CLIP once (cached), stage 2 fine-tunes every --finetune_variants x "
            "--finetune_recipes x --lr_multipliers cell from it."
        },
    )
    seeds: list[int] = field(
        default_factory=list,
        metadata={
            "help": "Run the regime once per seed (world, init and shuffling; output_dir/seed_<s>/) and report "
            "mean +- std per cell in output_dir/results.json; empty = the single --seed run."
        },
    )
    output_dir: str = field(
        default="outputs/demo", metadata={"help": "results.json, ablation.png, one folder per variant."}
    )
    variants: str = field(
        default=",".join(VARIANTS), metadata={"help": "Comma-separated subset of " + ", ".join(VARIANTS)}
    )
    seed: int = field(
        default=0, metadata={"help": "Seed of the world (data) and of every variant's init and shuffling."}
    )
    num_train_examples: int = field(default=10000, metadata={"help": "Training scenes."})
    num_validation_examples: int = field(default=512, metadata={"help": "Validation scenes (training curves)."})
    num_test_examples: int = field(default=1000, metadata={"help": "Scenes in each swap test split."})
    num_retrieval_examples: int = field(
        default=500, metadata={"help": "Scenes (one per caption meaning) for retrieval."}
    )
    max_train_steps: int = field(default=1500, metadata={"help": "Optimizer steps per variant, curriculum included."})
    curriculum_steps: int = field(
        default=500, metadata={"help": "First-stage steps on canonical wording ('left of' / 'above' only); 0 = none."}
    )
    num_curriculum_examples: int = field(default=5000, metadata={"help": "Scenes of the curriculum split."})
    per_device_train_batch_size: int = field(default=64, metadata={"help": "Batch size."})
    learning_rate: float = field(default=1e-3, metadata={"help": "Peak AdamW learning rate (both stages)."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    curriculum_lr_scheduler_type: str = field(
        default="constant_with_warmup", metadata={"help": "Schedule of the curriculum stage."}
    )
    lr_scheduler_type: str = field(
        default="cosine", metadata={"help": "Schedule of the main stage (transformers name)."}
    )
    num_warmup_steps: int = field(default=100, metadata={"help": "Linear warm-up steps at the start of each stage."})
    backbone: str = field(
        default="clip",
        metadata={
            "help": "Towers of all three variants: 'clip' (the paper's) or 'siglip' (SigLIP towers, sentencepiece "
            "captions padded to one length, logit scale and bias)."
        },
    )
    loss_recipe: str | None = field(
        default=None,
        metadata={
            "help": "'infonce' (NegCLIP), 'original' (hinge + margin), 'infonce+hinge' or 'sigmoid' (SigLIP only). "
            "Default: the backbone's own, 'infonce' on CLIP and 'sigmoid' on SigLIP."
        },
    )

    knowledge_weight: float = field(
        default=0.2, metadata={"help": "lambda of the structure-clip variant (original 0.2)."}
    )
    negative_margin_text: str = field(
        default="plain",
        metadata={
            "help": "Original recipe: the margin-ranking term scores 'plain' CLIP text (the original's; the KEE "
            "never meets a negative) or 'fused' text (each negative with its own triples, as evaluation does)."
        },
    )
    model_width: int = field(default=64, metadata={"help": "Width of both CLIP towers, the KEE and the projection."})
    model_layers: int = field(default=2, metadata={"help": "Layers of each CLIP tower."})
    knowledge_layers: int = field(default=2, metadata={"help": "Layers of the KEE (original: 6)."})
    phrase_pooling: str = field(
        default="mean_all_positions",
        metadata={"help": "KEE phrase pooling: original 'mean_all_positions' or 'masked_mean'."},
    )
    vision_position_std: float = field(
        default=1.0, metadata={"help": "If > 0, re-initialise the ViT position embeddings with this std (CLIP: 0.02)."}
    )
    eval_steps: int = field(default=250, metadata={"help": "Validation (curves) every N steps."})
    # Why the idle cores and not torch's default: structure_clip/cpu_threads.py (measured there).
    num_threads: int = num_threads_field(
        f"torch CPU threads; {IDLE_CORES_HELP}. Results are identical run to run for a fixed thread count on one "
        "machine."
    )
    # --- the fine-tuning regime (--regime finetune) ---
    pretrain_steps: int = field(
        default=1000, metadata={"help": "Stage 1: plain-CLIP InfoNCE steps at --learning_rate, no negatives."}
    )
    finetune_steps: int = field(default=300, metadata={"help": "Stage 2: optimizer steps per fine-tuned cell."})
    lr_multipliers: list[float] = field(
        default_factory=lambda: [0.1],
        metadata={"help": "Stage-2 learning rates as multiples of --learning_rate (the stage-1 rate); a sweep."},
    )
    finetune_variants: str = field(
        default=",".join(FINETUNE_VARIANTS),
        metadata={"help": "Comma-separated stage-2 variants, of " + ", ".join(FINETUNE_VARIANTS)},
    )
    finetune_recipes: str = field(
        default="original,infonce",
        metadata={"help": "Comma-separated stage-2 loss recipes: 'original' (hinge + 5 x margin), 'infonce'."},
    )
    finetune_knowledge_lr_multiplier: float | None = field(
        default=None,
        metadata={
            "help": "Stage 2: the freshly initialised KEE's learning rate as a multiple of --learning_rate (its "
            "own optimizer group, e.g. 1 = the stage-1 rate); default: the towers' rate, as the original."
        },
    )
    finetune_lr_scheduler_type: str = field(
        default="constant_with_warmup", metadata={"help": "Stage-2 schedule (the original fine-tune: constant)."}
    )
    finetune_warmup_steps: int = field(default=50, metadata={"help": "Stage-2 linear warm-up steps."})
    finetune_eval_steps: int = field(
        default=50, metadata={"help": "Stage 2: validation swap accuracy (the curves) every N steps."}
    )
    finetune_curriculum_steps: int = field(
        default=0,
        metadata={
            "help": "Stage 2: the first N of --finetune_steps on canonical wording ('left of' / 'above' only), "
            "as the scratch regime's curriculum; 0 = none."
        },
    )
    pretrain_image_tower: str = field(
        default="clip",
        metadata={
            "help": "Stage 1's image tower. 'clip': pre-trained with the text tower by plain InfoNCE (its embedding "
            "is order-blind, benchmarks/image_order_probe.py). 'clip+negatives': first trained from scratch as the "
            "scratch regime's clip+negatives variant (--max_train_steps, --curriculum_steps, InfoNCE), so its "
            "embedding sees the order; then kept fixed while a fresh text tower learns plain InfoNCE against it for "
            "--pretrain_steps: an order-aware image side with a text side that never met a swap."
        },
    )
    pretrain_order_noise: float = field(
        default=0.0,
        metadata={
            "help": "Stage 1: each time a caption with a relation is drawn, it is replaced by its relation swap with "
            "this probability. 0.5: pre-training captions say nothing about the order, so retrieval never rewards "
            "it (the bag-of-words premise of Yuksekgonul et al. 2023, arXiv 2210.01936)."
        },
    )
    finetune_freeze_image_tower: bool = field(
        default=False,
        metadata={"help": "Stage 2: keep stage 1's image tower and projection fixed (the text side and KEE train)."},
    )
    finetune_freeze_text_tower: bool = field(
        default=False,
        metadata={
            "help": "Stage 2: keep the pre-trained CLIP text tower and projection fixed (the KEE still trains)."
        },
    )
    finetune_text_tower_layers: int = field(
        default=0,
        metadata={
            "help": "With --finetune_freeze_text_tower: still train the text tower's last N layers, its final "
            "LayerNorm and its projection (a control for the KEE with as many trainable layers; 0 = all fixed)."
        },
    )
    pretrained_cache_dir: str | None = field(
        default=None,
        metadata={
            "help": "Where stage 1's model is kept, by a fingerprint of its settings (default: "
            "$STRUCTURE_CLIP_CACHE/synthetic_pretrained, else ~/.cache/structure_clip/synthetic_pretrained); "
            "'none': pre-train afresh every run, keep nothing."
        },
    )
    disable_tqdm: bool = field(default=False, metadata={"help": "Hide progress bars."})
    world_cache_dir: str | None = field(
        default=None,
        metadata={
            "help": "Where the rendered and encoded world is kept between runs (default: "
            "$STRUCTURE_CLIP_CACHE/synthetic_world, else ~/.cache/structure_clip/synthetic_world); "
            "'none': build it afresh every run, keep nothing."
        },
    )

    def __post_init__(self):
        if self.backbone not in BACKBONES:
            raise ValueError(f"--backbone must be one of {BACKBONES}, got {self.backbone!r}")
        if self.regime == "finetune" and self.backbone != "clip":
            # Stage 1 pre-trains the paper's setting, a plain CLIP; SigLIP towers have no such stage here.
            raise ValueError("--regime finetune runs on CLIP towers only; drop --backbone or use --regime scratch")
        if self.pretrain_image_tower not in PRETRAIN_IMAGE_TOWERS:
            raise ValueError(
                f"--pretrain_image_tower must be one of {PRETRAIN_IMAGE_TOWERS}, got {self.pretrain_image_tower!r}"
            )
        if not 0.0 <= self.pretrain_order_noise <= 1.0:
            raise ValueError(f"--pretrain_order_noise is a probability, got {self.pretrain_order_noise}")
        if self.max_train_steps < 1 or self.curriculum_steps < 0:
            raise ValueError(
                f"--max_train_steps must be >= 1 and --curriculum_steps >= 0, got {self.max_train_steps} and "
                f"{self.curriculum_steps}"
            )
        if self.loss_recipe is None:
            self.loss_recipe = DEFAULT_LOSS_RECIPES[self.backbone]
