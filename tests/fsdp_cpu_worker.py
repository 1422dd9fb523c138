"""FSDP2 (`fully_shard`, one unit per layer class) around the tiny Structure-CLIP on CPU, 2 processes over gloo.

Accelerate does not turn FSDP on without an accelerator device (see tests/test_accelerate_configs.py), so this
worker shards the training loss module with torch's own `fully_shard`, unit by unit over the layer classes that
examples/accelerate_configs/fsdp_full_shard.yaml names, as Accelerate's FSDP2 auto-wrap does. Run by the test as

    torchrun --nproc_per_node 2 -m tests.fsdp_cpu_worker OUTPUT_DIR [--keep-scalar-logit-scale]

FSDP (1 and 2) refuses 0-dim parameters, and `logit_scale` is one (as in transformers' CLIPModel); unless
--keep-scalar-logit-scale, the worker first views it as a 1-element vector.

Rank 0 writes OUTPUT_DIR/fsdp_report.json: the sharded classes, the gathered-negative loss under FSDP beside the
one-process loss on the whole batch (dropout off), the training losses, and the parameters that moved.
"""

import json
import os
import sys

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import FSDPModule, fully_shard
from transformers.models.bert.modeling_bert import BertLayer
from transformers.models.clip.modeling_clip import CLIPEncoderLayer

from structure_clip.training.data import StructureCLIPCollator
from structure_clip.training.distributed_loss import TrainingLossModule
from tests.tiny_processors import make_tiny_processor
from tests.train_tiny_setup import make_tiny_model, schema_rows, write_tiny_images


TRAIN_STEPS = 3
LAYER_CLASSES = (CLIPEncoderLayer, BertLayer)


def whole_batch(output_dir: str, rank: int) -> dict:
    """The same 4 rows on every rank, collated once (each rank then takes its half)."""
    image_dir = os.path.join(output_dir, f"images_rank{rank}")
    paths = [os.path.join(image_dir, name) for name in write_tiny_images(image_dir, count=4)]
    return StructureCLIPCollator(make_tiny_processor())(schema_rows(paths))


def rank_share(batch: dict, rank: int, world_size: int) -> dict:
    size = batch["input_ids"].shape[0] // world_size
    return {
        key: value[rank * size : (rank + 1) * size] if torch.is_tensor(value) else value
        for key, value in batch.items()
    }


def shard(module: torch.nn.Module, world_size: int) -> torch.nn.Module:
    mesh = init_device_mesh("cpu", (world_size,))
    for layer in [child for child in module.modules() if isinstance(child, LAYER_CLASSES)]:
        fully_shard(layer, mesh=mesh)
    fully_shard(module, mesh=mesh)
    return module


def full_state_dict(module: torch.nn.Module) -> dict:
    """Unsharded copies of every tensor (`full_tensor` is a collective: every rank calls it)."""
    return {
        name.removeprefix("model."): value.full_tensor() if hasattr(value, "full_tensor") else value
        for name, value in module.state_dict().items()
    }


def train_steps(sharded, local_batch) -> list[float]:
    optimizer = torch.optim.AdamW(sharded.parameters(), lr=1e-3)
    sharded.train()
    losses = []
    for step in range(TRAIN_STEPS):
        outputs = sharded(**local_batch, optimizer_step=step)
        outputs["loss"].backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(outputs["loss"].detach()))
    return losses


def main(output_dir: str, keep_scalar_logit_scale: bool) -> None:
    dist.init_process_group("gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    model = make_tiny_model(seed=0)
    if not keep_scalar_logit_scale:
        model.logit_scale = torch.nn.Parameter(model.logit_scale.detach().reshape(1))
    initial = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    batch = whole_batch(output_dir, rank)
    reference_loss = float(model.eval()(**batch).loss)  # one process, the whole batch, no dropout
    sharded = shard(TrainingLossModule(model), world_size)
    local_batch = rank_share(batch, rank, world_size)
    sharded.eval()
    with torch.no_grad():
        fsdp_loss = float(sharded(**local_batch)["loss"])
    loss_path = sharded.last_loss_path
    train_losses = train_steps(sharded, local_batch)
    after = full_state_dict(sharded)
    if rank == 0:
        report = {
            "world_size": world_size,
            "loss_path": loss_path,
            "reference_loss": reference_loss,
            "fsdp_loss": fsdp_loss,
            "train_losses": train_losses,
            "sharded_classes": sorted({type(m).__name__ for m in sharded.modules() if isinstance(m, FSDPModule)}),
            "missing_from_full_state": sorted(set(initial) - set(after)),
            "moved_parameters": sorted(name for name in initial if not torch.equal(initial[name], after[name])),
        }
        with open(os.path.join(output_dir, "fsdp_report.json"), "w") as handle:
            json.dump(report, handle)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1], keep_scalar_logit_scale="--keep-scalar-logit-scale" in sys.argv[2:])
