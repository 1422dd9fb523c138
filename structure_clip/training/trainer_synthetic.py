"""The Trainer's built-in task: fine-tune the tiny Structure-CLIP on the synthetic world (no download).

The data and model are the synthetic ablation's (structure_clip/synthetic/ablation.py): rendered scenes encoded
once into tensors, the "structure-clip" variant's inputs (triples and one hard negative per caption), and its
tiny model with the ablation's recipe. The eval rows carry whether their negative is a relation or an attribute
swap, so `compute_metrics` reports both swap accuracies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import torch

from structure_clip.cpu_threads import IDLE_CORES_HELP, num_threads_field, set_torch_threads
from structure_clip.synthetic.ablation import (
    AblationArguments,
    VariantCollator,
    build_variant_model,
    encode_split,
)
from structure_clip.training.trainer_metrics import SWAP_KIND_KEY


logger = logging.getLogger(__name__)

VARIANT = "structure-clip"
# The ablation's recipe (AblationArguments), without its curriculum stage: AdamW lr 1e-3, 100 warm-up steps,
# cosine decay, weight decay 0.01, batch 64. `examples/synthetic_ablation.py` runs the full two-stage recipe.
SYNTHETIC_TRAINING_DEFAULTS = {
    "output_dir": "outputs/structure-clip-trainer-synthetic",
    "learning_rate": "1e-3",
    "weight_decay": "0.01",
    "lr_scheduler_type": "cosine",
    "warmup_steps": "100",
    "per_device_train_batch_size": "64",
    "per_device_eval_batch_size": "256",
    "max_steps": "500",
    "eval_strategy": "steps",
    "eval_steps": "125",
    "save_steps": "250",
    "logging_steps": "25",
    "metric_for_best_model": "relation_swap_accuracy",
    "seed": "0",
}


@dataclass
class SyntheticWorldArguments:
    """Sizes of the synthetic world used when no --train_file / --dataset_name is given."""

    synthetic_train_examples: int = field(default=4000, metadata={"help": "Training scenes of the synthetic world."})
    synthetic_validation_examples: int = field(default=256, metadata={"help": "Validation scenes (evaluation)."})
    # Why the idle cores and not torch's default: structure_clip/cpu_threads.py (measured there).
    num_threads: int = num_threads_field(f"torch CPU threads for the synthetic task; {IDLE_CORES_HELP}.")


class SyntheticTrainerCollator(VariantCollator):
    """The structure-clip variant's batch, plus each row's swap kind for `compute_metrics`."""

    def __call__(self, indices: list[int]) -> dict:
        batch = super().__call__(indices)
        batch[SWAP_KIND_KEY] = self.split.relation_swap[torch.as_tensor(indices)].long()
        return batch


def set_synthetic_threads(world_args: SyntheticWorldArguments) -> int:
    """Set torch's CPU threads for the synthetic task (the CLI does this; library callers keep their own)."""
    return set_torch_threads(world_args.num_threads)


def synthetic_trainer_parts(world_args: SyntheticWorldArguments, seed: int):
    """(model, processor, train split, validation split, collator) for `StructureCLIPTrainer`."""
    from structure_clip.synthetic.world import build_synthetic_dataset, build_synthetic_processor

    processor = build_synthetic_processor()
    sizes = {
        "train": world_args.synthetic_train_examples,
        "validation": world_args.synthetic_validation_examples,
        "test_relation_swap": 0,
        "test_attribute_swap": 0,
        "test_retrieval": 0,
    }
    world = build_synthetic_dataset(seed=seed, split_sizes=sizes)
    train, validation = encode_split(processor, world["train"]), encode_split(processor, world["validation"])
    model = build_variant_model(
        VARIANT, AblationArguments(seed=seed), (processor.tokenizer, processor.triple_tokenizer)
    )
    return model, processor, train, validation, SyntheticTrainerCollator(train, VARIANT)
