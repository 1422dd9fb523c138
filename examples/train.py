"""Fine-tune CLIP into Structure-CLIP with Accelerate. The project's main entry point.

    python examples/train.py                      # no arguments: the built-in synthetic ablation
                                                  # (delegates to synthetic_ablation.py)
    accelerate launch examples/train.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip --mixed_precision bf16 --checkpointing_steps 1000

The defaults are the original recipe (SPEC §2): AdamW lr 5e-6, weight decay 0.1 on everything,
constant lr, batch 64, 10 epochs, fp32, seed 120. Run `python examples/train.py --help` for all options.

Importable API (used by synthetic_ablation.py and the tests):

    args = StructureCLIPTrainArgs(output_dir=..., max_train_steps=..., ...)   # HfArgumentParser dataclass
    result = run_training(args, model, train_dataset, collate_fn,
                          processor=None, eval_dataset=None, eval_callback=None)

    - model: a `StructureCLIPModel` (or any model whose forward takes the collated batch with
      `return_loss=True` and returns an output with `.loss`). Trained in place; the trained weights
      are also saved with `save_pretrained` to `result.final_model_dir` (= args.output_dir).
    - train_dataset / eval_dataset: anything a `DataLoader` can index (e.g. a `datasets.Dataset` in
      the schema of training_data.py / synthetic_world.py); collate_fn turns a list of rows into the
      model's keyword arguments (training_data.StructureCLIPCollator).
    - eval_callback(model, step) -> dict[str, float]: called every `eval_steps` and at the end on the
      main process with the unwrapped model in eval mode; its metrics are logged and may name
      `metric_for_best_model`. Give it VALIDATION data only: the best checkpoint is chosen on it.
    - Returns `TrainingResult(history, final_model_dir, best_model_dir, best_metric, global_step,
      results_file)`. `history` holds every record also written to `<output_dir>/results.jsonl`:
      {"type": "train", "step", "epoch", "lr", "loss", <loss terms>}, {"type": "eval", "step", ...}.

Steps of a run: (1) Accelerator + seed, (2) dataloaders, (3) optimizer and schedule,
(4) prepare + register for checkpointing + maybe resume, (5) the loop with gathered-negative losses,
logging, checkpoints and validation, (6) save the final model and processor.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import os
import random
import re
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import torch
from accelerate import Accelerator, DataLoaderConfiguration, DistributedDataParallelKwargs
from accelerate.state import AcceleratorState, GradientState
from accelerate.utils import gather_object, set_seed
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import HfArgumentParser, get_scheduler

from structured_metrics import pairwise_accuracy
from training_data import DataArguments, StructureCLIPCollator, load_datasets


logger = logging.getLogger(__name__)

CHECKPOINT_PATTERN = re.compile(r"^step_(\d+)$")


@dataclass
class ModelArguments:
    """Which model and processor to start from (shared with finetune_with_trainer.py)."""

    model_name_or_path: str = field(
        default="openai/clip-vit-base-patch32",
        metadata={"aliases": ["--model"], "help": "A CLIP or Structure-CLIP checkpoint (hub id or local folder); "
                  "a CLIP one is turned into Structure-CLIP with a fresh KEE (detected from config.model_type)."},
    )
    processor_name_or_path: Optional[str] = field(
        default=None, metadata={"help": "Processor to use; default: the model folder if it has one, else built from "
                                "the CLIP checkpoint's tokenizer/image processor plus --triple_tokenizer."})
    triple_tokenizer: str = field(
        default="bert-base-uncased", metadata={"help": "BERT tokenizer for triple phrases when starting from CLIP."})
    kee_init: Optional[str] = field(
        default=None, metadata={"help": "BERT checkpoint to initialise the KEE from when starting from CLIP "
                                "(the original uses bert-base-uncased); default: random init."})
    config_overrides: Optional[str] = field(
        default=None, metadata={"help": "Config overrides: 'loss_recipe=infonce,knowledge_weight=0.2', or a JSON "
                                "object for nested fields."})


@dataclass
class StructureCLIPTrainArgs(ModelArguments, DataArguments):
    """Every option of a training run. Model/data fields are used by `main()` only; the rest by `run_training`."""

    # -- optimisation --------------------------------------------------------------------------
    output_dir: str = field(
        default="outputs/train", metadata={"help": "Where checkpoints, results.jsonl and the model go."})
    seed: int = field(default=120, metadata={"help": "Seed for init, shuffling and dropout; original 120."})
    per_device_train_batch_size: int = field(default=64, metadata={"help": "Batch per process; original 64."})
    per_device_eval_batch_size: int = field(default=64, metadata={"help": "Validation batch per process."})
    learning_rate: float = field(default=5e-6, metadata={"help": "Peak AdamW learning rate; original 5e-6."})
    weight_decay: float = field(default=0.1, metadata={"help": "AdamW weight decay on every parameter; original 0.1."})
    adam_beta1: float = field(default=0.9, metadata={"help": "AdamW beta1."})
    adam_beta2: float = field(default=0.999, metadata={"help": "AdamW beta2."})
    adam_epsilon: float = field(default=1e-8, metadata={"help": "AdamW epsilon."})
    num_train_epochs: float = field(
        default=10, metadata={"help": "Epochs; original 10. Ignored if max_train_steps is set."})
    max_train_steps: Optional[int] = field(default=None, metadata={"help": "Total optimizer steps (overrides epochs)."})
    gradient_accumulation_steps: int = field(default=1, metadata={"help": "Micro-batches per optimizer step."})
    lr_scheduler_type: str = field(
        default="constant",
        metadata={"help": "transformers scheduler name (constant, cosine, linear, ...); original constant."})
    num_warmup_steps: int = field(default=0, metadata={"help": "Linear warm-up steps of the LR schedule."})
    max_grad_norm: float = field(
        default=0.0, metadata={"help": "Clip the gradient norm to this (0 = off; the original does not clip)."})
    mixed_precision: Optional[str] = field(
        default=None, metadata={"help": "'no', 'fp16' or 'bf16' (Accelerate autocast; the original trains in fp32). "
                                "Default: the `accelerate launch` / accelerate config setting, else 'no'."})
    gather_negatives_across_ranks: bool = field(
        default=True, metadata={"help": "With several processes, all_gather the embeddings (with gradients) so "
                                "every contrastive term sees the global batch as negatives."})
    dataloader_num_workers: int = field(default=0, metadata={"help": "DataLoader worker processes."})
    # -- logging, checkpoints, selection -------------------------------------------------------
    logging_steps: int = field(default=1, metadata={"help": "Write a train record to results.jsonl every N steps."})
    eval_steps: Optional[int] = field(
        default=None, metadata={"help": "Validate every N steps (default: once per epoch); also at the end."})
    metric_for_best_model: str = field(
        default="validation_loss", metadata={"help": "Validation metric that picks the best checkpoint, e.g. "
                                             "validation_loss, validation_pair_accuracy or an eval_callback key."})
    greater_is_better: Optional[bool] = field(
        default=None, metadata={"help": "Direction of the metric; default: False for names containing 'loss'."})
    checkpointing_steps: Optional[str] = field(
        default=None, metadata={"help": "Save the full training state every N steps, or 'epoch'."})
    checkpoints_total_limit: Optional[int] = field(
        default=None, metadata={"help": "Keep only the newest N checkpoints."})
    resume_from_checkpoint: Optional[str] = field(
        default=None, metadata={"help": "A checkpoint folder, or 'latest' (newest in <output_dir>/checkpoints). "
                                "Continues exactly: weights, optimizer, scheduler, RNG and data position."})
    stop_after_steps: Optional[int] = field(
        default=None, metadata={"help": "Stop (without final save) after this many steps, as if the job were killed; "
                                "for testing --resume_from_checkpoint."})
    disable_tqdm: bool = field(default=False, metadata={"help": "Hide progress bars."})

    def __post_init__(self):
        super().__post_init__()
        if self.gradient_accumulation_steps < 1:
            raise ValueError("--gradient_accumulation_steps must be >= 1")


@dataclass
class TrainingResult:
    history: list[dict]
    final_model_dir: Optional[str]
    best_model_dir: Optional[str]
    best_metric: Optional[float]
    global_step: int
    results_file: str


@dataclass
class TrainingProgress:
    """Loop counters saved inside every checkpoint (Accelerate `register_for_checkpointing`)."""

    completed_steps: int = 0
    epoch: int = 0
    batches_done_in_epoch: int = 0
    best_metric: Optional[float] = None

    def state_dict(self) -> dict:
        return dataclasses.asdict(self)

    def load_state_dict(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)


class HingeWarmupCounter:
    """Checkpoints `StructureCLIPModel.hinge_steps_seen`, a plain attribute outside the state dict.

    It counts training forwards for the original's 100-step hinge warm-up (SPEC §2); a resumed run that
    restarted it at 0 would redo the warm-up and diverge from an uninterrupted one.
    """

    def __init__(self, model: torch.nn.Module):
        self.model = model

    def state_dict(self) -> dict:
        return {"hinge_steps_seen": getattr(self.model, "hinge_steps_seen", None)}

    def load_state_dict(self, state: dict) -> None:
        if state.get("hinge_steps_seen") is not None and hasattr(self.model, "hinge_steps_seen"):
            self.model.hinge_steps_seen = state["hinge_steps_seen"]


# ---------------------------------------------------------------------------------------------
# 1.-3. Accelerator, dataloaders, optimizer
# ---------------------------------------------------------------------------------------------


def make_accelerator(args: StructureCLIPTrainArgs) -> Accelerator:
    # A fresh run in the same process (the ablation trains three models) must not inherit the previous
    # run's mixed precision or accumulation settings; the process group itself is kept.
    AcceleratorState._reset_state()
    GradientState._reset_state()
    # Seedable sampler: the shuffle order of epoch e is a function of (seed, e) only, so a resumed run
    # sees the same order as an uninterrupted one (dropout does not perturb it).
    # find_unused_parameters: the original recipe never uses `logit_scale`, which plain DDP rejects.
    return Accelerator(
        mixed_precision=args.mixed_precision,
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        dataloader_config=DataLoaderConfiguration(use_seedable_sampler=True, data_seed=args.seed),
        kwargs_handlers=[DistributedDataParallelKwargs(find_unused_parameters=True)],
    )


def get_dataloaders(accelerator, args, train_dataset, eval_dataset, collate_fn):
    # The explicit generator keeps DataLoader iterator creation from drawing on the global RNG, which
    # dropout uses; otherwise skipping batches on resume would shift every later dropout mask.
    generator = torch.Generator().manual_seed(args.seed)
    train_dataloader = DataLoader(
        train_dataset,
        batch_size=args.per_device_train_batch_size,
        shuffle=True,
        collate_fn=collate_fn,
        num_workers=args.dataloader_num_workers,
        generator=generator,
        drop_last=True,  # contrastive losses need full batches; also keeps ranks' batch sizes equal
    )
    eval_dataloader = None
    if eval_dataset is not None:
        eval_dataloader = DataLoader(
            eval_dataset,
            batch_size=args.per_device_eval_batch_size,
            shuffle=False,
            collate_fn=collate_fn,
            num_workers=args.dataloader_num_workers,
        )
    return train_dataloader, eval_dataloader


def make_optimizer(args, model) -> torch.optim.Optimizer:
    # The original decays every parameter (SPEC §2), so there are no no-decay groups.
    return torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad],
        lr=args.learning_rate,
        betas=(args.adam_beta1, args.adam_beta2),
        eps=args.adam_epsilon,
        weight_decay=args.weight_decay,
    )


def make_scheduler(args, optimizer, max_train_steps):
    # Stepped by hand once per optimizer step (not `prepare`d, which would step it once per process),
    # so warm-up and length count optimizer steps whatever the number of processes.
    return get_scheduler(
        args.lr_scheduler_type,
        optimizer=optimizer,
        num_warmup_steps=args.num_warmup_steps,
        num_training_steps=max_train_steps,
    )


# ---------------------------------------------------------------------------------------------
# 4. Checkpoints
# ---------------------------------------------------------------------------------------------


def checkpoint_dir(args, step: int) -> Path:
    return Path(args.output_dir) / "checkpoints" / f"step_{step}"


def find_checkpoint(args) -> Optional[Path]:
    if args.resume_from_checkpoint is None:
        return None
    if args.resume_from_checkpoint != "latest":
        path = Path(args.resume_from_checkpoint)
        if not path.is_dir():
            raise FileNotFoundError(f"--resume_from_checkpoint {path} is not a checkpoint folder")
        return path
    root = Path(args.output_dir) / "checkpoints"
    steps = [int(m.group(1)) for p in root.glob("step_*") if (m := CHECKPOINT_PATTERN.match(p.name))]
    if not steps:
        logger.warning("--resume_from_checkpoint latest: no checkpoint in %s, starting from scratch", root)
        return None
    return root / f"step_{max(steps)}"


def save_checkpoint(accelerator, args, step: int) -> None:
    path = checkpoint_dir(args, step)
    accelerator.save_state(str(path))
    if accelerator.is_main_process and args.checkpoints_total_limit:
        root = path.parent
        steps = sorted(int(m.group(1)) for p in root.glob("step_*") if (m := CHECKPOINT_PATTERN.match(p.name)))
        for old in steps[: -args.checkpoints_total_limit]:
            shutil.rmtree(root / f"step_{old}", ignore_errors=True)


def should_checkpoint(args, completed_steps: int, end_of_epoch: bool) -> bool:
    if not args.checkpointing_steps:
        return False
    if args.checkpointing_steps == "epoch":
        return end_of_epoch
    return not end_of_epoch and completed_steps % int(args.checkpointing_steps) == 0


# ---------------------------------------------------------------------------------------------
# 5a. The loss, with negatives gathered across processes
# ---------------------------------------------------------------------------------------------

LOSS_TERM_NAMES = ("hinge_loss", "negative_loss", "contrastive_loss")


def gather_with_grad(tensor: torch.Tensor) -> torch.Tensor:
    """Concatenate a tensor over all ranks, keeping the autograd graph (identity on one process).

    Every rank then computes the loss over the global batch. The backward of all_gather sums each rank's
    gradient into the local slice, and DDP averages over ranks, so parameters get exactly the gradient
    of the global-batch loss.
    """
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return tensor
    if torch.distributed.get_world_size() == 1:
        return tensor
    import torch.distributed.nn.functional as distributed_functional

    with warnings.catch_warnings():
        # torch 2.13 marks it deprecated in favour of private functional collectives; it is still the
        # documented autograd-aware all_gather (backward = reduce-scatter of the gradients).
        warnings.simplefilter("ignore", FutureWarning)
        return torch.cat(distributed_functional.all_gather(tensor.contiguous()), dim=0)


def gather_without_grad(tensor: torch.Tensor) -> torch.Tensor:
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return tensor
    parts = [torch.empty_like(tensor) for _ in range(torch.distributed.get_world_size())]
    torch.distributed.all_gather(parts, tensor.contiguous())
    return torch.cat(parts, dim=0)


def is_structure_clip(model) -> bool:
    return getattr(getattr(model, "config", None), "model_type", None) == "structure_clip"


def _pad_to(tensor: torch.Tensor, length: int, value: int) -> torch.Tensor:
    return torch.nn.functional.pad(tensor, (0, length - tensor.shape[-1]), value=value)


def texts_with_negatives(batch: dict, pad_token_id: int) -> dict:
    """True and negative captions as one text batch of 2N rows (one tower call, one DDP forward)."""
    length = max(batch["input_ids"].shape[-1], batch["negative_input_ids"].shape[-1])
    inputs = {
        "input_ids": torch.cat([_pad_to(batch["input_ids"], length, pad_token_id),
                                _pad_to(batch["negative_input_ids"], length, pad_token_id)]),
        "attention_mask": torch.cat([_pad_to(batch["attention_mask"], length, 0),
                                     _pad_to(batch["negative_attention_mask"], length, 0)]),
    }
    for name in ("head_ids", "relation_ids", "tail_ids", "triple_mask"):
        positive, negative = batch.get(name), batch.get(f"negative_{name}")
        if (positive is None) != (negative is None):
            # One text batch cannot mix "has triples" and "no triples" rows; the processor emits both.
            raise ValueError(f"gathered loss: `{name}` and `negative_{name}` must be given together")
        if positive is not None:
            inputs[name] = torch.cat([positive, negative])
    return inputs


class TrainingLossModule(torch.nn.Module):
    """What Accelerate prepares (and DDP wraps): the model plus the loss, so one forward yields the loss.

    Single process, or `gather=False`: the model's own loss, `model(**batch).loss`. Several processes with a
    Structure-CLIP model: embeddings of the local batch are all-gathered with gradients and the pure loss
    functions of `losses_structure_clip` run on the global batch, so every caption and image of every rank
    is a negative. Returning only the loss keeps DDP's used-parameter search exact (`logit_scale` is unused
    by the original recipe).
    """

    def __init__(self, model: torch.nn.Module, gather: bool = True):
        super().__init__()
        self.model = model
        self.gather = gather
        self.last_loss_path = None

    def forward(self, **batch) -> dict:
        distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
        if self.gather and distributed and torch.distributed.get_world_size() > 1 and is_structure_clip(self.model):
            self.last_loss_path = "gathered"
            return self.gathered_loss(batch)
        self.last_loss_path = "local"
        outputs = self.model(**batch)
        terms = {name: getattr(outputs, name) for name in LOSS_TERM_NAMES if getattr(outputs, name, None) is not None}
        return {"loss": outputs.loss, **terms}

    def gathered_loss(self, batch: dict) -> dict:
        from modeling_structure_clip.losses_structure_clip import structure_clip_losses

        model, config = self.model, self.model.config
        size = batch["input_ids"].shape[0]
        has_negatives = batch.get("negative_input_ids") is not None
        text_inputs = texts_with_negatives(batch, config.text_config.pad_token_id or 0) if has_negatives else {
            name: batch[name] for name in ("input_ids", "attention_mask", "head_ids", "relation_ids", "tail_ids",
                                           "triple_mask") if batch.get(name) is not None}
        outputs = model(pixel_values=batch["pixel_values"], **text_inputs)
        embeds = {
            "image_embeds": outputs.image_embeds,
            "text_embeds": outputs.text_embeds[:size],
            "plain_text_embeds": outputs.plain_text_embeds[:size],
        }
        negative_mask = None
        if has_negatives:
            embeds["negative_text_embeds"] = outputs.text_embeds[size:]
            embeds["negative_plain_text_embeds"] = outputs.plain_text_embeds[size:]
            negative_mask = batch.get("negative_mask")
            if negative_mask is None:
                negative_mask = torch.ones(size, dtype=torch.long, device=batch["input_ids"].device)
            negative_mask = gather_without_grad(negative_mask)
        # Same warm-up bookkeeping as StructureCLIPModel._compute_losses (SPEC §2: first 100 steps).
        warming_up = self.training and model.hinge_steps_seen < config.hinge_warmup_steps
        if self.training:
            model.hinge_steps_seen += 1
        with torch.autocast(device_type=batch["input_ids"].device.type, enabled=False):
            gathered = {name: gather_with_grad(value.float()) for name, value in embeds.items()}
            terms = structure_clip_losses(
                config.loss_recipe, **gathered, negative_mask=negative_mask,
                logit_scale=model.logit_scale.exp().clamp(max=config.max_logit_scale).float(),
                hinge_margin=config.hinge_margin, hinge_text_to_image_mean=warming_up,
                negative_margin=config.negative_margin, negative_loss_weight=config.negative_loss_weight,
            )  # fmt: skip
        return {"loss": sum(terms.values()), **terms, "global_batch_size": gathered["image_embeds"].shape[0]}


# ---------------------------------------------------------------------------------------------
# 5b. Validation
# ---------------------------------------------------------------------------------------------


@torch.no_grad()
def evaluate(accelerator, model, eval_dataloader, eval_callback, step) -> dict:
    """Validation loss (and pair accuracy when batches carry negatives) plus the callback's metrics.

    `model` is the bare model (not DDP-wrapped); every rank scores its shard of the validation set.
    """
    metrics = {}
    model.eval()
    if eval_dataloader is not None:
        losses, positives, negatives, keep = [], [], [], []
        for batch in eval_dataloader:
            with accelerator.autocast():
                outputs = model(**batch)
                pair = pair_scores(model, batch, outputs)
            size = batch["input_ids"].shape[0]
            losses.append(accelerator.gather_for_metrics(outputs.loss.detach().float().expand(size)))
            if pair is not None:
                positives.append(accelerator.gather_for_metrics(pair[0]))
                negatives.append(accelerator.gather_for_metrics(pair[1]))
                keep.append(accelerator.gather_for_metrics(pair[2]))
        # Every row weighs the same, whatever the size of the last batch.
        metrics["validation_loss"] = torch.cat(losses).mean().item()
        if positives:
            kept = torch.cat(keep).bool()
            if kept.any():
                metrics["validation_pair_accuracy"] = pairwise_accuracy(
                    torch.cat(positives)[kept], torch.cat(negatives)[kept]
                )
    if eval_callback is not None and accelerator.is_main_process:
        metrics.update(eval_callback(model, step))
    model.train()
    return metrics


def pair_scores(model, batch, outputs):
    """(positive_scores, negative_scores, has_negative) per row, for `pairwise_accuracy` (tie = wrong).

    Scores are the model's own: normalised image . fused text of the caption and of its hard negative.
    """
    if batch.get("negative_input_ids") is None or not is_structure_clip(model):
        return None
    negative_text = model.get_text_features(
        input_ids=batch["negative_input_ids"],
        attention_mask=batch.get("negative_attention_mask"),
        head_ids=batch.get("negative_head_ids"),
        relation_ids=batch.get("negative_relation_ids"),
        tail_ids=batch.get("negative_tail_ids"),
        triple_mask=batch.get("negative_triple_mask"),
    ).pooler_output
    image = outputs.image_embeds
    positive_scores = (image * outputs.text_embeds).sum(-1)
    negative_scores = (image * negative_text.to(image.dtype)).sum(-1)
    has_negative = batch.get("negative_mask")
    if has_negative is None:
        has_negative = torch.ones_like(positive_scores, dtype=torch.long)
    return positive_scores.float(), negative_scores.float(), has_negative.long()


@contextlib.contextmanager
def preserved_rng_states(accelerator):
    """Restore Python, NumPy and torch RNG states on exit."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    devices = [accelerator.device] if accelerator.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)


def is_better(args, value: float, best: Optional[float]) -> bool:
    greater = args.greater_is_better
    if greater is None:
        greater = "loss" not in args.metric_for_best_model
    return best is None or (value > best if greater else value < best)


# ---------------------------------------------------------------------------------------------
# 6. Saving and logging
# ---------------------------------------------------------------------------------------------


def save_model(accelerator, model, processor, directory) -> None:
    """`model` is the bare model (the object the caller passed in, trained in place)."""
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        model.save_pretrained(directory)
        if processor is not None:
            processor.save_pretrained(directory)
    accelerator.wait_for_everyone()


class ResultsLog:
    """Appends JSON records to `<output_dir>/results.jsonl` on the main process and keeps them in memory."""

    def __init__(self, accelerator, output_dir, append: bool):
        self.accelerator = accelerator
        self.path = os.path.join(output_dir, "results.jsonl")
        self.history: list[dict] = []
        if not append and accelerator.is_main_process and os.path.exists(self.path):
            os.remove(self.path)  # a fresh run never mixes its records with an older run's

    def write(self, record: dict) -> None:
        self.history.append(record)
        if self.accelerator.is_main_process:
            with open(self.path, "a") as handle:
                handle.write(json.dumps(record) + "\n")


# ---------------------------------------------------------------------------------------------
# The training function
# ---------------------------------------------------------------------------------------------


def run_training(
    args: StructureCLIPTrainArgs,
    model: torch.nn.Module,
    train_dataset,
    collate_fn: Callable,
    processor=None,
    eval_dataset=None,
    eval_callback: Optional[Callable[[torch.nn.Module, int], dict]] = None,
) -> TrainingResult:
    """Train `model` in place on `train_dataset`; see the module docstring for the contract."""
    # 1. Accelerator and seed
    accelerator = make_accelerator(args)
    set_seed(args.seed)
    os.makedirs(args.output_dir, exist_ok=True)
    checkpoint = find_checkpoint(args)
    log = ResultsLog(accelerator, args.output_dir, append=checkpoint is not None)

    # 2. Dataloaders
    train_dataloader, eval_dataloader = get_dataloaders(accelerator, args, train_dataset, eval_dataset, collate_fn)

    # 3. Optimizer; the schedule is sized once the dataloader is sharded
    optimizer = make_optimizer(args, model)
    loss_module = TrainingLossModule(model, gather=args.gather_negatives_across_ranks)

    # 4. Prepare, register the extra state, maybe resume
    loss_module, optimizer, train_dataloader = accelerator.prepare(loss_module, optimizer, train_dataloader)
    if eval_dataloader is not None:
        eval_dataloader = accelerator.prepare(eval_dataloader)
    batches_per_epoch = len(train_dataloader)
    if batches_per_epoch == 0:
        raise ValueError(f"{len(train_dataset)} training rows make no full batch of {args.per_device_train_batch_size} "
                         f"per process x {accelerator.num_processes} processes; lower the batch size.")
    steps_per_epoch = max(1, math.ceil(batches_per_epoch / args.gradient_accumulation_steps))
    max_train_steps = args.max_train_steps or math.ceil(args.num_train_epochs * steps_per_epoch)
    num_epochs = math.ceil(max_train_steps / steps_per_epoch)
    lr_scheduler = make_scheduler(args, optimizer.optimizer, max_train_steps)
    progress = TrainingProgress()
    accelerator.register_for_checkpointing(lr_scheduler, progress, HingeWarmupCounter(model))
    if checkpoint is not None:
        logger.info("Resuming from %s", checkpoint)
        accelerator.load_state(str(checkpoint))

    logger.info(
        "Training %d steps (%d epochs of %d steps): %d processes x batch %d x accumulation %d",
        max_train_steps, num_epochs, steps_per_epoch, accelerator.num_processes,
        args.per_device_train_batch_size, args.gradient_accumulation_steps,
    )  # fmt: skip
    bar = tqdm(total=max_train_steps, initial=progress.completed_steps, desc="training",
               disable=args.disable_tqdm or not accelerator.is_local_main_process)
    eval_steps = args.eval_steps or steps_per_epoch
    best_model_dir = os.path.join(args.output_dir, "best_model")
    can_validate = eval_dataloader is not None or eval_callback is not None
    stopped_early = False

    # 5. The loop
    loss_module.train()
    for epoch in range(progress.epoch, num_epochs):
        # The seedable sampler's order depends on (seed, epoch) only; a resumed epoch skips what it saw.
        train_dataloader.set_epoch(epoch)
        skip = progress.batches_done_in_epoch
        active_dataloader = accelerator.skip_first_batches(train_dataloader, skip) if skip else train_dataloader
        step_losses = []
        for batch in active_dataloader:
            with accelerator.accumulate(loss_module):
                outputs = loss_module(**batch)
                accelerator.backward(outputs["loss"])
                if accelerator.sync_gradients and args.max_grad_norm > 0:
                    accelerator.clip_grad_norm_(loss_module.parameters(), args.max_grad_norm)
                optimizer.step()
                optimizer.zero_grad()
            progress.batches_done_in_epoch += 1
            step_losses.append({key: value.detach() if torch.is_tensor(value) else value
                                for key, value in outputs.items()})
            if not accelerator.sync_gradients:
                continue
            lr_scheduler.step()
            progress.completed_steps += 1
            step = progress.completed_steps
            bar.update(1)
            if step % args.logging_steps == 0 or step == max_train_steps:
                record = train_record(accelerator, step_losses, step, epoch, lr_scheduler)
                record["loss_path"] = accelerator.unwrap_model(loss_module).last_loss_path
                log.write(record)
                bar.set_postfix(loss=f"{record['loss']:.4f}")
            step_losses = []
            if can_validate and (step % eval_steps == 0 or step == max_train_steps):
                # Validation must not move the RNG that dropout uses, or a resumed run would diverge.
                with preserved_rng_states(accelerator):
                    validate_and_select(accelerator, args, model, processor, eval_dataloader, eval_callback, step,
                                        progress, log, best_model_dir)  # fmt: skip
            if should_checkpoint(args, step, end_of_epoch=False):
                save_checkpoint(accelerator, args, step)
            stopped_early = args.stop_after_steps is not None and step >= args.stop_after_steps
            if stopped_early or step >= max_train_steps:
                break
        if stopped_early or progress.completed_steps >= max_train_steps:
            break
        progress.epoch, progress.batches_done_in_epoch = epoch + 1, 0
        if should_checkpoint(args, progress.completed_steps, end_of_epoch=True):
            save_checkpoint(accelerator, args, progress.completed_steps)
    bar.close()

    # 6. Final model and processor
    steps_per_rank = gather_object([progress.completed_steps])
    log.write({"type": "end", "step": progress.completed_steps, "world_size": accelerator.num_processes,
               "steps_per_rank": steps_per_rank, "stopped_early": stopped_early})
    final_model_dir = None
    if not stopped_early:
        save_model(accelerator, model, processor, args.output_dir)
        final_model_dir = args.output_dir
    has_best = progress.best_metric is not None and os.path.isdir(best_model_dir)
    return TrainingResult(
        history=log.history,
        final_model_dir=final_model_dir,
        best_model_dir=best_model_dir if has_best else None,
        best_metric=progress.best_metric,
        global_step=progress.completed_steps,
        results_file=log.path,
    )


def train_record(accelerator, step_outputs: list[dict], step: int, epoch: int, lr_scheduler) -> dict:
    """Loss and every named term, averaged over the step's micro-batches and over processes."""
    record = {"type": "train", "step": step, "epoch": epoch, "lr": lr_scheduler.get_last_lr()[0]}
    for key, value in step_outputs[0].items():
        if not torch.is_tensor(value):
            record[key] = value
            continue
        local = torch.stack([outputs[key].float() for outputs in step_outputs]).mean()
        record[key] = accelerator.reduce(local, reduction="mean").item()
    return record


def validate_and_select(accelerator, args, model, processor, eval_dataloader, eval_callback, step, progress, log,
                        best_model_dir) -> None:
    metrics = evaluate(accelerator, model, eval_dataloader, eval_callback, step)
    metrics = broadcast_metrics(accelerator, metrics)
    log.write({"type": "eval", "step": step, **metrics})
    value = metrics.get(args.metric_for_best_model)
    if value is None:
        logger.warning("metric_for_best_model %r not among %s", args.metric_for_best_model, sorted(metrics))
        return
    if is_better(args, value, progress.best_metric):
        progress.best_metric = value
        save_model(accelerator, model, processor, best_model_dir)
        if accelerator.is_main_process:
            with open(os.path.join(best_model_dir, "selection.json"), "w") as handle:
                json.dump({"step": step, "metric": args.metric_for_best_model, "value": value,
                           "selected_on": "validation split"}, handle, indent=2)


def broadcast_metrics(accelerator, metrics: dict) -> dict:
    """The callback runs on the main process only; every rank must agree on the selection."""
    if accelerator.num_processes == 1:
        return metrics
    from accelerate.utils import broadcast_object_list

    holder = [metrics if accelerator.is_main_process else None]
    broadcast_object_list(holder, from_process=0)
    return holder[0]


# ---------------------------------------------------------------------------------------------
# The real-data job: model, processor and datasets from the command line
# ---------------------------------------------------------------------------------------------


def parse_config_overrides(text: Optional[str]) -> dict:
    """'loss_recipe=infonce,knowledge_weight=0.2' -> {'loss_recipe': 'infonce', 'knowledge_weight': 0.2}.

    A JSON object is accepted too, for nested fields: '{"knowledge_config": {"num_hidden_layers": 2}}'.
    """
    if text and text.lstrip().startswith("{"):
        return json.loads(text)
    overrides = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        if "=" not in item:
            raise ValueError(f"--config_overrides item {item!r} is not key=value")
        key, value = (part.strip() for part in item.split("=", 1))
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def load_model_and_processor(args: ModelArguments, spacy_model: Optional[str] = None):
    """A Structure-CLIP checkpoint loads as is; a CLIP one gets a fresh KEE (SPEC §1), detected from model_type."""
    from transformers import AutoConfig

    from modeling_structure_clip import StructureCLIPModel

    overrides = parse_config_overrides(args.config_overrides)
    model_type = AutoConfig.from_pretrained(args.model_name_or_path, trust_remote_code=True).model_type
    if model_type == "structure_clip":
        model = StructureCLIPModel.from_pretrained(args.model_name_or_path, dtype=torch.float32, **overrides)
    elif model_type == "clip":
        model = StructureCLIPModel.from_clip_pretrained(args.model_name_or_path, kee_init=args.kee_init, **overrides)
    else:
        raise ValueError(
            f"{args.model_name_or_path} is a {model_type!r} checkpoint; expected 'clip' or 'structure_clip'.")
    return model, load_processor(args, model.config, model_type == "structure_clip", spacy_model)


def load_processor(args: ModelArguments, config, from_structure_clip: bool, spacy_model: Optional[str] = None):
    """The checkpoint's own StructureCLIPProcessor, or one built from a CLIP checkpoint + --triple_tokenizer."""
    from transformers import AutoImageProcessor, AutoTokenizer

    from processing import StructureCLIPProcessor

    source = args.processor_name_or_path or args.model_name_or_path
    if from_structure_clip or args.processor_name_or_path:
        try:
            processor = StructureCLIPProcessor.from_pretrained(source)
            processor.spacy_model = spacy_model or processor.spacy_model
            return processor
        except (OSError, ValueError, TypeError) as error:
            logger.info("%s holds no Structure-CLIP processor (%s); building one from its parts", source, error)
    return StructureCLIPProcessor(
        AutoImageProcessor.from_pretrained(source),
        AutoTokenizer.from_pretrained(source),
        AutoTokenizer.from_pretrained(args.triple_tokenizer),
        spacy_model=spacy_model,
        max_triples=config.max_triples,
        phrase_length=config.phrase_length,
    )


def train_on_real_data(args: StructureCLIPTrainArgs) -> TrainingResult:
    set_seed(args.seed)
    model, processor = load_model_and_processor(args, args.spacy_model)
    # Parse once on the main process; the other ranks then read the `datasets` cache. (The Accelerator,
    # not a bare PartialState, so that `ACCELERATE_USE_CPU` and launcher settings are honoured.)
    with make_accelerator(args).main_process_first():
        train_dataset, eval_dataset = load_datasets(args, args.seed)
    collate_fn = StructureCLIPCollator(processor, use_negatives=args.negatives != "none")
    return run_training(args, model, train_dataset, collate_fn, processor, eval_dataset)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def parse_args(argv=None) -> StructureCLIPTrainArgs:
    parser = HfArgumentParser(StructureCLIPTrainArgs)
    (args,) = parser.parse_args_into_dataclasses(args=argv)
    return args


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    if not argv:
        # The README's first command: the built-in synthetic ablation (issue 4), owned by synthetic_ablation.py.
        import synthetic_ablation

        synthetic_ablation.main()
        return
    args = parse_args(argv)
    if not (args.train_file or args.dataset_name):
        raise SystemExit(
            "No training data: pass --train_file or --dataset_name (see --help). For the built-in synthetic "
            "demo run `python examples/train.py` without arguments, or examples/synthetic_ablation.py --help."
        )
    result = train_on_real_data(args)
    logger.info("Finished %d steps; model in %s; log in %s", result.global_step, result.final_model_dir,
                result.results_file)


if __name__ == "__main__":
    main()
