"""Fine-tune CLIP into Structure-CLIP with Accelerate. The project's main entry point.

    python examples/train.py                      # no arguments: the built-in synthetic ablation
                                                  # (delegates to synthetic_ablation.py)
    accelerate launch examples/train.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip --mixed_precision bf16 --checkpointing_steps 1000

The defaults are the original recipe (docs/method.md §2): AdamW lr 5e-6, weight decay 0.1 on everything,
constant lr, batch 64, 10 epochs, fp32, seed 120. Run `python examples/train.py --help` for all options.

Importable API (used by synthetic_ablation.py and the tests):

    args = StructureCLIPTrainArgs(output_dir=..., max_train_steps=..., ...)   # HfArgumentParser dataclass
    result = run_training(args, model, train_dataset, collate_fn,
                          processor=None, eval_dataset=None, eval_callback=None)

    - model: a `StructureCLIPModel` (or any model whose forward takes the collated batch with
      `return_loss=True` and returns an output with `.loss`). Trained in place; the trained weights
      are also saved with `save_pretrained` to `result.final_model_dir` (= args.output_dir).
    - train_dataset / eval_dataset: anything a `DataLoader` can index (e.g. a `datasets.Dataset` in
      the schema of structure_clip/training/data.py / structure_clip/synthetic/world.py); collate_fn turns a list of rows into the
      model's keyword arguments (training_data.StructureCLIPCollator). For --streaming, train_dataset is a
      `streaming.StreamingSource` instead: endless, so args.max_train_steps sizes the run.
    - eval_callback(model, step) -> dict[str, float]: called every `eval_steps` and at the end on the
      main process with the unwrapped model in eval mode; its metrics are logged and may name
      `metric_for_best_model`. Give it VALIDATION data only: the best checkpoint is chosen on it.
    - Returns `TrainingResult(history, final_model_dir, best_model_dir, best_metric, global_step,
      results_file)`. `history` holds every record also written to `<output_dir>/results.jsonl`:
      {"type": "train", "step", "epoch", "lr", "loss", <loss terms>}, {"type": "eval", "step", ...}.

Steps of a run: (1) Accelerator + seed, (2) dataloaders, (3) optimizer and schedule,
(4) prepare + register for checkpointing + maybe resume, (5) the loop with gathered-negative losses,
logging, checkpoints and validation, (6) save the final model and processor, (7) release the DDP wrapper,
then the trackers and the process group, in that order (structure_clip/training/teardown.py says why).

The pieces live in sibling modules: structure_clip/training/arguments.py (the options), structure_clip/training/checkpoints.py
(save/resume and RNG state), structure_clip/training/distributed_loss.py (the loss with gathered negatives),
structure_clip/training/validation.py (validation and best-model selection), structure_clip/training/outputs.py (saved models,
results.jsonl, `TrainingResult`) and structure_clip/loading.py (the real-data job's model).
"""

from __future__ import annotations

import datetime
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import torch
from accelerate import Accelerator, DataLoaderConfiguration, DistributedDataParallelKwargs, InitProcessGroupKwargs
from accelerate.state import AcceleratorState, GradientState
from accelerate.utils import gather_object, set_seed
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import get_scheduler

from structure_clip.loading import load_model_and_processor
from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.checkpoints import (
    TrainingProgress,
    clear_stale_checkpoints,
    find_checkpoint,
    preserved_rng_states,
    project_configuration,
    save_checkpoint,
    should_checkpoint,
)
from structure_clip.training.data import StructureCLIPCollator, load_datasets
from structure_clip.training.distributed_loss import TrainingLossModule
from structure_clip.training.image_checks import check_images
from structure_clip.training.outputs import ResultsLog, TrainingResult, save_model, train_record
from structure_clip.training.streaming import (
    StreamingSource,
    StreamLayout,
    StreamLoader,
    StreamPosition,
    TrainingStream,
)
from structure_clip.training.teardown import end_distributed_run
from structure_clip.training.tracking import log_with, start_tracking
from structure_clip.training.validation import validate_and_select


logger = logging.getLogger(__name__)


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
        # The first Accelerator creates the process group: its timeout must cover rank 0 parsing a large
        # dataset inside main_process_first() (COCO takes minutes; Accelerate's NCCL default is 10 minutes).
        kwargs_handlers=[
            DistributedDataParallelKwargs(find_unused_parameters=True),
            InitProcessGroupKwargs(timeout=datetime.timedelta(seconds=args.ddp_timeout)),
        ],
        log_with=log_with(args.report_to),
        project_config=project_configuration(args),  # checkpoint naming and --checkpoints_total_limit rotation
    )


def get_dataloaders(accelerator, args, train_dataset, eval_dataset, collate_fn):
    if isinstance(train_dataset, StreamingSource):
        train_dataloader = stream_loader(accelerator, args, train_dataset, collate_fn)
        return train_dataloader, eval_dataloader_for(args, eval_dataset, collate_fn)
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
    return train_dataloader, eval_dataloader_for(args, eval_dataset, collate_fn)


def eval_dataloader_for(args, eval_dataset, collate_fn) -> DataLoader | None:
    if eval_dataset is None:
        return None
    return DataLoader(
        eval_dataset,
        batch_size=args.per_device_eval_batch_size,
        shuffle=False,
        collate_fn=collate_fn,
        num_workers=args.dataloader_num_workers,
    )


def stream_loader(accelerator, args, source: StreamingSource, collate_fn) -> StreamLoader:
    """This process's batches of a streamed run (structure_clip/training/streaming.py), not yet positioned."""
    layout = StreamLayout(accelerator.num_processes, args.dataloader_num_workers, args.per_device_train_batch_size,
                          source.seed, source.shuffle_buffer_size)  # fmt: skip
    stream = TrainingStream(source, collate_fn, layout, rank=accelerator.process_index)
    if accelerator.is_main_process:
        logger.info("Streaming: %s", stream.describe_split())
    return StreamLoader(
        stream,
        StreamPosition(layout, rank=accelerator.process_index),
        accelerator.device,
        accelerator.device.type == "cuda",
    )


KNOWLEDGE_PARAMETER_PREFIXES = ("knowledge_model.", "knowledge_projection.")


def optimizer_parameter_groups(args, model) -> list[dict]:
    """One group of every trainable parameter, or, with `args.knowledge_learning_rate`, the towers' group and the
    KEE's (knowledge encoder and projection) at that rate. The schedule scales each group's own peak rate."""
    trainable = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    rate = getattr(args, "knowledge_learning_rate", None)
    if rate is None:
        return [{"params": [p for _, p in trainable]}]
    is_knowledge = [name.startswith(KNOWLEDGE_PARAMETER_PREFIXES) for name, _ in trainable]
    towers = {"params": [p for (_, p), knowledge in zip(trainable, is_knowledge, strict=True) if not knowledge]}
    knowledge = {"params": [p for (_, p), kee in zip(trainable, is_knowledge, strict=True) if kee], "lr": rate}
    return [group for group in (towers, knowledge) if group["params"]]


def make_optimizer(args, model) -> torch.optim.Optimizer:
    # The original decays every parameter (docs/method.md §2), so there are no no-decay groups.
    return torch.optim.AdamW(
        optimizer_parameter_groups(args, model),
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
# The training function
# ---------------------------------------------------------------------------------------------


@dataclass
class StepPlan:
    """How long a run is, in optimizer steps (one step = `gradient_accumulation_steps` batches)."""

    steps_per_epoch: int
    max_train_steps: int
    num_epochs: int
    eval_steps: int  # validate every this many steps (default: once per epoch)


def plan_stream_steps(args: StructureCLIPTrainArgs) -> StepPlan:
    """A stream has no epochs: one nominal epoch of --max_train_steps, validated every --eval_steps or at the end."""
    if args.max_train_steps is None:
        raise ValueError("A streamed run needs max_train_steps: a stream has no length.")
    return StepPlan(args.max_train_steps, args.max_train_steps, 1, args.eval_steps or args.max_train_steps)


def plan_steps(args: StructureCLIPTrainArgs, batches_per_epoch: int) -> StepPlan:
    steps_per_epoch = max(1, math.ceil(batches_per_epoch / args.gradient_accumulation_steps))
    if args.max_train_steps is not None:
        max_train_steps = args.max_train_steps
    else:
        max_train_steps = math.ceil(args.num_train_epochs * steps_per_epoch)
    return StepPlan(steps_per_epoch, max_train_steps, math.ceil(max_train_steps / steps_per_epoch),
                    args.eval_steps or steps_per_epoch)  # fmt: skip


@dataclass
class TrainingRun:
    """Everything the loop touches, built by `prepare_training_run` (steps 1-4)."""

    args: StructureCLIPTrainArgs
    accelerator: Accelerator
    model: torch.nn.Module  # unwrapped: validation and saving use it
    loss_module: torch.nn.Module  # prepared (DDP-wrapped on several processes)
    optimizer: torch.optim.Optimizer
    lr_scheduler: object
    train_dataloader: DataLoader
    eval_dataloader: DataLoader | None
    plan: StepPlan
    progress: TrainingProgress
    log: ResultsLog
    processor: object = None
    eval_callback: Callable[[torch.nn.Module, int], dict] | None = None

    @property
    def best_model_dir(self) -> str:
        return os.path.join(self.args.output_dir, "best_model")

    @property
    def can_validate(self) -> bool:
        return self.eval_dataloader is not None or self.eval_callback is not None


def prepare_training_run(
    args, model, train_dataset, collate_fn, processor, eval_dataset, eval_callback
) -> TrainingRun:
    # 1. Accelerator and seed
    accelerator = make_accelerator(args)
    set_seed(args.seed)
    os.makedirs(args.output_dir, exist_ok=True)
    checkpoint = find_checkpoint(args)
    if args.resume_from_checkpoint is None:
        clear_stale_checkpoints(accelerator, args)
    log = start_tracking(accelerator, args, ResultsLog(accelerator, args.output_dir, append=checkpoint is not None))

    # 2. Dataloaders
    train_dataloader, eval_dataloader = get_dataloaders(accelerator, args, train_dataset, eval_dataset, collate_fn)

    # 3. Optimizer; the schedule is sized once the dataloader is sharded
    optimizer = make_optimizer(args, model)
    loss_module = TrainingLossModule(model, gather=args.gather_negatives_across_ranks)

    # 4. Prepare, register the extra state, maybe resume
    if isinstance(train_dataloader, StreamLoader):  # each process reads its own sub-streams: not prepared
        loss_module, optimizer = accelerator.prepare(loss_module, optimizer)
        plan = plan_stream_steps(args)
    else:
        loss_module, optimizer, train_dataloader = accelerator.prepare(loss_module, optimizer, train_dataloader)
        plan = plan_steps(args, batches_per_epoch(accelerator, args, train_dataloader, train_dataset))
    if eval_dataloader is not None:
        eval_dataloader = accelerator.prepare(eval_dataloader)
    lr_scheduler = make_scheduler(args, optimizer.optimizer, plan.max_train_steps)
    progress = TrainingProgress()
    accelerator.register_for_checkpointing(lr_scheduler, progress)
    if isinstance(train_dataloader, StreamLoader):
        accelerator.register_for_checkpointing(train_dataloader.position)
    if checkpoint is not None:
        logger.info("Resuming from %s", checkpoint)
        accelerator.load_state(str(checkpoint))
        log.drop_records_after(progress.completed_steps)
    return TrainingRun(args, accelerator, model, loss_module, optimizer, lr_scheduler, train_dataloader,
                       eval_dataloader, plan, progress, log, processor, eval_callback)  # fmt: skip


def batches_per_epoch(accelerator, args, train_dataloader, train_dataset) -> int:
    if len(train_dataloader) == 0:
        raise ValueError(
            f"{len(train_dataset)} training rows make no full batch of {args.per_device_train_batch_size} "
            f"per process x {accelerator.num_processes} processes; lower the batch size."
        )
    return len(train_dataloader)


def run_training(
    args: StructureCLIPTrainArgs,
    model: torch.nn.Module,
    train_dataset,
    collate_fn: Callable,
    processor=None,
    eval_dataset=None,
    eval_callback: Callable[[torch.nn.Module, int], dict] | None = None,
) -> TrainingResult:
    """Train `model` in place on `train_dataset`; see the module docstring for the contract."""
    run = prepare_training_run(args, model, train_dataset, collate_fn, processor, eval_dataset, eval_callback)
    plan, progress = run.plan, run.progress
    logger.info(
        "Training %d steps (%d epochs of %d steps): %d processes x batch %d x accumulation %d",
        plan.max_train_steps, plan.num_epochs, plan.steps_per_epoch, run.accelerator.num_processes,
        args.per_device_train_batch_size, args.gradient_accumulation_steps,
    )  # fmt: skip
    bar = tqdm(
        total=plan.max_train_steps,
        initial=progress.completed_steps,
        desc="training",
        disable=args.disable_tqdm or not run.accelerator.is_local_main_process,
    )

    try:
        stopped_early = train_epochs(run, bar)
        bar.close()
        result = finish_training(run, stopped_early)
        run.accelerator.wait_for_everyone()  # no rank tears down while another is still in a collective
    finally:
        end_distributed_run(run)  # also after an error, so that the process group does not outlive the run
    return result


def train_epochs(run: TrainingRun, bar) -> bool:
    """5. The loop, from where a resumed run left off. Returns True when `stop_after_steps` hit."""
    progress, plan = run.progress, run.plan
    run.loss_module.train()
    for epoch in range(progress.epoch, plan.num_epochs):
        stopped_early = train_epoch(run, epoch, bar)
        if stopped_early or progress.completed_steps >= plan.max_train_steps:
            return stopped_early
        progress.epoch, progress.batches_done_in_epoch = epoch + 1, 0
        if should_checkpoint(run.args, progress.completed_steps, end_of_epoch=True):
            save_checkpoint(run.accelerator, run.args, progress.completed_steps)
    return False


def train_epoch(run: TrainingRun, epoch: int, bar) -> bool:
    """One epoch, or what is left of it after a resume. Returns True when `stop_after_steps` hit."""
    accelerator, progress = run.accelerator, run.progress
    batches = epoch_batches(run, epoch)
    step_losses = []
    for batch in batches:
        with accelerator.accumulate(run.loss_module):
            # The hinge warm-up counts optimizer steps, so all micro-batches of one step share the count.
            outputs = run.loss_module(**batch, optimizer_step=progress.completed_steps)
            accelerator.backward(outputs["loss"])
            if accelerator.sync_gradients and run.args.max_grad_norm > 0:
                accelerator.clip_grad_norm_(run.loss_module.parameters(), run.args.max_grad_norm)
            run.optimizer.step()
            run.optimizer.zero_grad()
        progress.batches_done_in_epoch += 1
        step_losses.append(
            {key: value.detach() if torch.is_tensor(value) else value for key, value in outputs.items()}
        )
        if not accelerator.sync_gradients:
            continue
        after_optimizer_step(run, step_losses, epoch, bar)
        step_losses = []
        step = progress.completed_steps
        stopped_early = run.args.stop_after_steps is not None and step >= run.args.stop_after_steps
        if stopped_early or step >= run.plan.max_train_steps:
            return stopped_early
    return False


def epoch_batches(run: TrainingRun, epoch: int):
    """The batches of `epoch` still to train on: after a resume, the ones the checkpoint had not consumed."""
    if isinstance(run.train_dataloader, StreamLoader):
        return run.train_dataloader  # endless; starts at its checkpointed StreamPosition
    # The seedable sampler's order depends on (seed, epoch) only; a resumed epoch skips what it saw.
    run.train_dataloader.set_epoch(epoch)
    skip = run.progress.batches_done_in_epoch
    return run.accelerator.skip_first_batches(run.train_dataloader, skip) if skip else run.train_dataloader


def after_optimizer_step(run: TrainingRun, step_losses: list, epoch: int, bar) -> None:
    """Schedule, progress, logging, validation and checkpoints after one optimizer step."""
    args, accelerator = run.args, run.accelerator
    run.lr_scheduler.step()
    run.progress.completed_steps += 1
    step = run.progress.completed_steps
    bar.update(1)
    is_last = step == run.plan.max_train_steps
    if step % args.logging_steps == 0 or is_last:
        record = train_record(accelerator, step_losses, step, epoch, run.lr_scheduler)
        record["loss_path"] = accelerator.unwrap_model(run.loss_module).last_loss_path
        run.log.write(record)
        bar.set_postfix(loss=f"{record['loss']:.4f}")
    if run.can_validate and (step % run.plan.eval_steps == 0 or is_last):
        # Validation must not move the RNG that dropout uses, or a resumed run would diverge.
        with preserved_rng_states(accelerator):
            validate_and_select(accelerator, args, run.model, run.processor, run.eval_dataloader, run.eval_callback,
                                step, run.progress, run.log, run.best_model_dir)  # fmt: skip
    if should_checkpoint(args, step, end_of_epoch=False):
        save_checkpoint(accelerator, args, step)


def finish_training(run: TrainingRun, stopped_early: bool) -> TrainingResult:
    # 6. Final model and processor
    progress = run.progress
    steps_per_rank = gather_object([progress.completed_steps])
    run.log.write(
        {
            "type": "end",
            "step": progress.completed_steps,
            "world_size": run.accelerator.num_processes,
            "steps_per_rank": steps_per_rank,
            "stopped_early": stopped_early,
        }
    )
    final_model_dir = None
    if not stopped_early:
        save_model(run.accelerator, run.model, run.processor, run.args.output_dir)
        final_model_dir = run.args.output_dir
    has_best = progress.best_metric is not None and os.path.isdir(run.best_model_dir)
    return TrainingResult(
        history=run.log.history,
        final_model_dir=final_model_dir,
        best_model_dir=run.best_model_dir if has_best else None,
        best_metric=progress.best_metric,
        global_step=progress.completed_steps,
        results_file=run.log.path,
    )


# ---------------------------------------------------------------------------------------------
# The real-data job: model, processor and datasets from the command line
# ---------------------------------------------------------------------------------------------


def train_on_real_data(args: StructureCLIPTrainArgs) -> TrainingResult:
    set_seed(args.seed)
    model, processor = load_model_and_processor(args, args.spacy_model)
    processor.scene_graph_parser = args.scene_graph_parser  # parses negatives on the fly, and is saved with the model
    # Parse once on the main process; the other ranks then read the `datasets` cache. (The Accelerator,
    # not a bare PartialState, so that `ACCELERATE_USE_CPU` and launcher settings are honoured.)
    accelerator = make_accelerator(args)
    collate_fn = StructureCLIPCollator(processor, use_negatives=args.negatives != "none")
    if args.streaming:
        from structure_clip.training.streaming_data import load_streaming_datasets

        with accelerator.main_process_first():  # the validation rows are parsed once and cached
            train_source, eval_dataset = load_streaming_datasets(args, args.seed)
        eval_dataset = check_images(args, {"validation": eval_dataset}, args.output_dir,  # training: on the fly
                                    show_progress=not args.disable_tqdm and accelerator.is_local_main_process,
                                    is_main_process=accelerator.is_main_process)["validation"]  # fmt: skip
        return run_training(args, model, train_source, collate_fn, processor, eval_dataset)
    with accelerator.main_process_first():
        train_dataset, eval_dataset = load_datasets(args, args.seed)
    checked = check_images(args, {"train": train_dataset, "validation": eval_dataset}, args.output_dir,
                           show_progress=not args.disable_tqdm and accelerator.is_local_main_process,
                           is_main_process=accelerator.is_main_process)  # fmt: skip
    train_dataset, eval_dataset = checked["train"], checked["validation"]
    return run_training(args, model, train_dataset, collate_fn, processor, eval_dataset)
