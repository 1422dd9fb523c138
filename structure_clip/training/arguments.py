"""The command-line options of examples/train.py, as `HfArgumentParser` dataclasses.

`ModelArguments` (which model and processor to start from) is shared with finetune_with_trainer.py;
`StructureCLIPTrainArgs` adds the data options (structure_clip.training.data_arguments.DataArguments) and every optimisation,
logging, checkpoint and selection option of `train.run_training`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from structure_clip.training.data_arguments import DataArguments
from structure_clip.training.output_paths import check_output_dir
from structure_clip.training.tracking import log_with


@dataclass
class ModelArguments:
    """Which model and processor to start from (shared with finetune_with_trainer.py)."""

    model_name_or_path: str = field(
        default="openai/clip-vit-base-patch32",
        metadata={
            "aliases": ["--model"],
            "help": "A CLIP or Structure-CLIP checkpoint (hub id or local folder); "
            "a CLIP one is turned into Structure-CLIP with a fresh KEE (detected from config.model_type).",
        },
    )
    processor_name_or_path: str | None = field(
        default=None,
        metadata={
            "help": "Processor to use; default: the model folder if it has one, else built from "
            "the CLIP checkpoint's tokenizer/image processor plus --triple_tokenizer."
        },
    )
    triple_tokenizer: str = field(
        default="bert-base-uncased", metadata={"help": "BERT tokenizer for triple phrases when starting from CLIP."}
    )
    kee_init: str | None = field(
        default=None,
        metadata={
            "help": "BERT checkpoint to initialise the KEE from when starting from CLIP "
            "(the original uses bert-base-uncased); default: random init."
        },
    )
    config_overrides: str | None = field(
        default=None,
        metadata={
            "help": "Config overrides: 'loss_recipe=infonce,knowledge_weight=0.2', or a JSON object for nested fields."
        },
    )


@dataclass
class StructureCLIPTrainArgs(ModelArguments, DataArguments):
    """Every option of a training run. Model/data fields are used by `main()` only; the rest by `run_training`."""

    # -- optimisation --------------------------------------------------------------------------
    output_dir: str = field(
        default="outputs/train", metadata={"help": "Where checkpoints, results.jsonl and the model go."}
    )
    seed: int = field(default=120, metadata={"help": "Seed for init, shuffling and dropout; original 120."})
    per_device_train_batch_size: int = field(default=64, metadata={"help": "Batch per process; original 64."})
    per_device_eval_batch_size: int = field(default=64, metadata={"help": "Validation batch per process."})
    learning_rate: float = field(default=5e-6, metadata={"help": "Peak AdamW learning rate; original 5e-6."})
    # Newly added heads are commonly trained at a higher rate than the pre-trained body they sit on; the original
    # trains the KEE at the towers' rate (docs/method.md §2), hence None.
    knowledge_learning_rate: float | None = field(
        default=None,
        metadata={
            "help": "Peak AdamW learning rate of the KEE and its projection (their own parameter group, same "
            "schedule); default: --learning_rate, as the original."
        },
    )
    weight_decay: float = field(default=0.1, metadata={"help": "AdamW weight decay on every parameter; original 0.1."})
    adam_beta1: float = field(default=0.9, metadata={"help": "AdamW beta1."})
    adam_beta2: float = field(default=0.999, metadata={"help": "AdamW beta2."})
    adam_epsilon: float = field(default=1e-8, metadata={"help": "AdamW epsilon."})
    num_train_epochs: float = field(
        default=10, metadata={"help": "Epochs; original 10. Ignored if max_train_steps is set."}
    )
    max_train_steps: int | None = field(default=None, metadata={"help": "Total optimizer steps (overrides epochs)."})
    gradient_accumulation_steps: int = field(default=1, metadata={"help": "Micro-batches per optimizer step."})
    lr_scheduler_type: str = field(
        default="constant",
        metadata={"help": "transformers scheduler name (constant, cosine, linear, ...); original constant."},
    )
    num_warmup_steps: int = field(default=0, metadata={"help": "Linear warm-up steps of the LR schedule."})
    max_grad_norm: float = field(
        default=0.0, metadata={"help": "Clip the gradient norm to this (0 = off; the original does not clip)."}
    )
    mixed_precision: str | None = field(
        default=None,
        metadata={
            "help": "'no', 'fp16' or 'bf16' (Accelerate autocast; the original trains in fp32). "
            "Default: the `accelerate launch` / accelerate config setting, else 'no'."
        },
    )
    gather_negatives_across_ranks: bool = field(
        default=True,
        metadata={
            "help": "With several processes, all_gather the embeddings (with gradients) so "
            "every contrastive term sees the global batch as negatives."
        },
    )
    dataloader_num_workers: int = field(default=0, metadata={"help": "DataLoader worker processes."})
    # -- streaming -----------------------------------------------------------------------------
    streaming: bool = field(
        default=False,
        metadata={
            "help": "Train from a stream (datasets.IterableDataset) instead of a parsed, cached dataset: "
            "--dataset_name in streaming mode, or --train_file naming JSON Lines files or WebDataset .tar "
            "shards (one file, a folder or a glob). Captions are parsed and negatives built on the fly in "
            "the DataLoader workers; shards are split across processes and workers. Needs --max_train_steps; "
            "validation comes from --validation_file or --validation_split (default: at the end only, or "
            "every --eval_steps)."
        },
    )
    shuffle_buffer_size: int = field(
        default=1000,
        metadata={
            "help": "--streaming: rows each (process, worker) sub-stream holds to shuffle from "
            "(datasets IterableDataset.shuffle, which also shuffles the shard order); 0 = read in order."
        },
    )
    # -- logging, checkpoints, selection -------------------------------------------------------
    logging_steps: int = field(default=1, metadata={"help": "Write a train record to results.jsonl every N steps."})
    eval_steps: int | None = field(
        default=None, metadata={"help": "Validate every N steps (default: once per epoch); also at the end."}
    )
    metric_for_best_model: str = field(
        default="validation_loss",
        metadata={
            "help": "Validation metric that picks the best checkpoint, e.g. "
            "validation_loss, validation_pair_accuracy or an eval_callback key."
        },
    )
    greater_is_better: bool | None = field(
        default=None, metadata={"help": "Direction of the metric; default: False for names containing 'loss'."}
    )
    checkpointing_steps: str | None = field(
        default=None, metadata={"help": "Save the full training state every N steps, or 'epoch'."}
    )
    checkpoints_total_limit: int | None = field(default=None, metadata={"help": "Keep only the newest N checkpoints."})
    resume_from_checkpoint: str | None = field(
        default=None,
        metadata={
            "help": "A checkpoint folder, or 'latest' (newest complete one in "
            "<output_dir>/checkpoints; folders a killed run left half-written are skipped with a "
            "warning). Continues exactly: weights, optimizer, scheduler, RNG and data position."
        },
    )
    overwrite_output_dir: bool = field(
        default=False,
        metadata={
            "help": "Delete the checkpoints and results.jsonl an earlier run left in --output_dir "
            "before a fresh run (other files are kept). Without it a fresh run refuses to start "
            "over old checkpoints, which a later --resume_from_checkpoint latest would pick up."
        },
    )
    stop_after_steps: int | None = field(
        default=None,
        metadata={
            "help": "Stop (without final save) after this many steps, as if the job were killed; "
            "for testing --resume_from_checkpoint."
        },
    )
    disable_tqdm: bool = field(default=False, metadata={"help": "Hide progress bars."})
    ddp_timeout: int = field(
        default=7200,
        metadata={
            "help": "Seconds the processes wait for each other (process-group timeout): long "
            "enough for rank 0 to parse a large dataset before the others read its cache."
        },
    )
    report_to: str = field(
        default="none",
        metadata={
            "help": "Experiment trackers for the training curves: none, tensorboard, wandb or "
            "all (Accelerate trackers; `pip install structure-clip[tracking]` for TensorBoard)."
        },
    )

    def __post_init__(self):
        super().__post_init__()
        # A zero or negative count would otherwise train the default length, save an untrained model, or fail
        # only after the first step (e.g. `step % 0`); so every count is checked before anything is loaded.
        for name in (
            "per_device_train_batch_size",
            "per_device_eval_batch_size",
            "gradient_accumulation_steps",
            "logging_steps",
        ):
            _require_at_least_one(name, getattr(self, name))
        for name in ("max_train_steps", "eval_steps", "checkpoints_total_limit", "stop_after_steps"):
            if getattr(self, name) is not None:
                _require_at_least_one(name, getattr(self, name), " (or leave it unset)")
        if not self.num_train_epochs > 0:
            raise ValueError(
                f"--num_train_epochs must be > 0, got {self.num_train_epochs}; "
                "use --max_train_steps for a run shorter than one epoch."
            )
        self.checkpointing_steps = _checked_checkpointing_steps(self.checkpointing_steps)
        if self.streaming:
            _check_streaming_options(self)
        check_output_dir(self.output_dir)
        log_with(self.report_to)  # an unknown --report_to fails here, before anything is loaded
        if self.overwrite_output_dir and self.resume_from_checkpoint is not None:
            raise ValueError(
                "--overwrite_output_dir deletes the checkpoints that --resume_from_checkpoint would "
                "continue from; pass only one of them."
            )


def _check_streaming_options(args) -> None:
    """A stream has no length: the options that need one are refused before anything is loaded."""
    if args.max_train_steps is None:
        raise ValueError("--streaming needs --max_train_steps: a stream has no length, so epochs cannot size the run.")
    refused = {
        "checkpointing_steps": ("epoch", "a stream has no epochs; pass a step count"),
        "validation_split_percentage": (None, "a stream cannot be split by image; pass --validation_file"),
        "max_train_samples": (None, "--max_train_steps bounds a streamed run"),
        "verify_images": (
            None,
            "a stream cannot be decoded up front; --skip_bad_images drops unreadable images as they stream",
        ),
    }
    for name, (bad_value, why) in refused.items():
        value = getattr(args, name)
        if (value == bad_value) if bad_value is not None else value:
            raise ValueError(f"--{name} {value} does not work with --streaming: {why}.")
    if args.shuffle_buffer_size < 0:
        raise ValueError(f"--shuffle_buffer_size must be >= 0 (0 = no shuffling), got {args.shuffle_buffer_size}.")


def _require_at_least_one(name: str, value, hint: str = "") -> None:
    if value < 1:
        raise ValueError(f"--{name} must be an integer >= 1{hint}, got {value}.")


def _checked_checkpointing_steps(value) -> str | None:
    """None, 'epoch' or a positive step count (kept as a string, as the command line gives it)."""
    if value is None or value == "epoch":
        return value
    if not str(value).isdigit() or int(value) < 1:
        raise ValueError(
            f"--checkpointing_steps must be 'epoch' or an integer >= 1 (or unset for no checkpoints), got {value!r}."
        )
    return str(value)
