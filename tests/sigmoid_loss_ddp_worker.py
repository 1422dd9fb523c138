"""The gathered training loss on tiny SigLIP towers, 2 CPU processes over gloo. Run by the test as

    torchrun --nproc_per_node 2 -m tests.sigmoid_loss_ddp_worker OUTPUT_DIR RECIPE

Every rank builds the same model and the same global batch (seeded), keeps its half, and computes the loss with
`TrainingLossModule` (embeddings all-gathered with gradients). Rank 0 writes OUTPUT_DIR/report.json with the
gathered loss terms, the one-process loss terms on the whole batch, and the largest difference between the
rank-averaged parameter gradients (what DDP applies) and the one-process gradients, beside the largest gradient.
"""

import json
import os
import sys

import torch
import torch.distributed as dist

from modeling_structure_clip import StructureCLIPModel
from structure_clip.training.distributed_loss import TrainingLossModule
from tests.tiny_models import random_captions, random_pixel_values, random_triples, tiny_structure_siglip_config


GLOBAL_BATCH = 6
NO_DROPOUT = {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}


def global_batch() -> dict:
    """Captions, images, triples and one negative caption per row; the last row has no usable negative. True and
    negative captions share one length, as SigLIP's processor pads both to max_length."""
    generator = torch.Generator().manual_seed(7)
    batch = {**random_captions(GLOBAL_BATCH, seq_length=9, generator=generator)}
    batch["attention_mask"] = torch.ones_like(batch["attention_mask"])
    batch["pixel_values"] = random_pixel_values(GLOBAL_BATCH, generator)
    batch.update(random_triples(GLOBAL_BATCH, generator=generator))
    negatives = random_captions(GLOBAL_BATCH, seq_length=9, generator=generator)
    batch["negative_input_ids"] = negatives["input_ids"]
    batch["negative_attention_mask"] = torch.ones_like(negatives["attention_mask"])
    batch.update(random_triples(GLOBAL_BATCH, prefix="negative_", generator=generator))
    batch["negative_mask"] = torch.ones(GLOBAL_BATCH, dtype=torch.long)
    batch["negative_mask"][-1] = 0
    return batch


def loss_and_gradients(model, batch: dict) -> tuple[dict, dict]:
    model.zero_grad()
    terms = TrainingLossModule(model)(**batch, return_loss=True)
    terms["loss"].backward()
    gradients = {
        name: parameter.grad.clone() for name, parameter in model.named_parameters() if parameter.grad is not None
    }
    return {name: float(value.detach()) for name, value in terms.items() if torch.is_tensor(value)}, gradients


def main(output_dir: str, recipe: str) -> None:
    dist.init_process_group("gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    model = StructureCLIPModel(tiny_structure_siglip_config(loss_recipe=recipe, knowledge_config=NO_DROPOUT))
    batch, size = global_batch(), GLOBAL_BATCH // world_size
    local = {name: value[rank * size : (rank + 1) * size] for name, value in batch.items()}
    gathered_terms, gradients = loss_and_gradients(model, local)
    for gradient in gradients.values():
        dist.all_reduce(gradient)
        gradient /= world_size
    if rank == 0:
        dist.destroy_process_group()  # the one-process reference must not gather
        single_terms, single_gradients = loss_and_gradients(model, batch)
        worst = max((gradients[name] - single_gradients[name]).abs().max().item() for name in single_gradients)
        report = {
            "gathered": gathered_terms,
            "single": single_terms,
            "max_gradient_difference": worst,
            "gradient_names": sorted(gradients) == sorted(single_gradients),
            "largest_gradient": max(gradient.abs().max().item() for gradient in single_gradients.values()),
            "trained_logit_bias": "logit_bias" in single_gradients,
        }
        with open(os.path.join(output_dir, "report.json"), "w") as handle:
            json.dump(report, handle)
    else:
        dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
