"""Fine-tune Structure-CLIP with the stock HF `Trainer`: the same job, loss and defaults as train.py.

    python examples/finetune_with_trainer.py                     # the built-in synthetic world, a few minutes on CPU
    python examples/finetune_with_trainer.py --max_steps 60 --output_dir /tmp/trainer-demo
    python examples/finetune_with_trainer.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip-trainer --per_device_train_batch_size 64 --num_train_epochs 10 \\
        --eval_strategy steps --eval_steps 500 --save_steps 500 --load_best_model_at_end \\
        --metric_for_best_model pair_accuracy

Without --train_file / --dataset_name it trains the tiny model on the synthetic world with the synthetic
recipe (trainer_synthetic.py). With real data the defaults are train.py's, the original recipe
(docs/method.md §2): AdamW lr 5e-6, constant schedule, weight decay 0.1 on every parameter, biases and
LayerNorm included (the Trainer's default exempts them). Any option given on the command line wins.

What `StructureCLIPTrainer` adds to the stock `Trainer` (transformers 5):
- the loss of train.py: with several processes, embeddings are all-gathered with gradients so every
  contrastive term and hard negative spans the global batch (distributed_loss.py);
- evaluation from embeddings: `compute_metrics` reports pair accuracy, relation-/attribute-swap accuracy (synthetic
  world) and retrieval R@1, any of which `--metric_for_best_model` may name (trainer_metrics.py);
- training batches drop their last partial batch (contrastive losses need full batches, as in train.py);
  evaluation batches never do, and an evaluation that sees no batch says so;
- every save (checkpoints, the final model, push_to_hub) is a complete Hub folder: remote code, the
  scene-graph pipeline and `custom_pipelines`, the processor and a model card (trainer_hub.py).
Checkpoints are selected on the validation split, never on test sets.
Each `checkpoint-<N>` gets a `CHECKPOINT_COMPLETE` marker once fully written; `--resume_from_checkpoint latest`
resumes from the newest marked one and skips (with a warning) folders a killed process left half-written.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

import torch
from transformers import HfArgumentParser, Trainer, TrainingArguments
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

from structure_clip.loading import load_model_and_processor
from structure_clip.training.arguments import ModelArguments
from structure_clip.training.checkpoints import (
    COMPLETE_MARKER,
    latest_complete_checkpoint,
    require_complete_checkpoint,
)
from structure_clip.training.data import StructureCLIPCollator, load_datasets
from structure_clip.training.data_arguments import DataArguments
from structure_clip.training.distributed_loss import (
    evaluation_loss_of_global_batch,
    gathered_loss_inputs,
    gathered_loss_terms,
    is_structure_clip,
)
from structure_clip.training.image_checks import check_images
from structure_clip.training.output_paths import check_output_dir
from structure_clip.training.trainer_hub import (
    save_pipeline_code,
    structure_clip_custom_pipelines,
    training_notes,
    write_model_card,
)
from structure_clip.training.trainer_metrics import (
    SWAP_KIND_KEY,
    compute_structure_clip_metrics,
    embedding_predictions,
)
from structure_clip.training.trainer_synthetic import (
    SYNTHETIC_TRAINING_DEFAULTS,
    SyntheticWorldArguments,
    set_synthetic_threads,
    synthetic_trainer_parts,
)


logger = logging.getLogger(__name__)

# train.py's defaults for real data: the original recipe (docs/method.md §2).
REAL_DATA_TRAINING_DEFAULTS = {
    "output_dir": "outputs/structure-clip-trainer",
    "learning_rate": "5e-6",
    "lr_scheduler_type": "constant",
    "weight_decay": "0.1",
    "seed": "120",
}


def _world_size() -> int:
    distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
    return torch.distributed.get_world_size() if distributed else 1


class StructureCLIPTrainer(Trainer):
    """The stock `Trainer` with train.py's loss, embedding-based evaluation and complete Hub saves (module doc).

    `state.global_step` counts completed optimizer steps, as the Accelerate loop's counter does, so both paths
    warm up the original recipe's hinge over the same steps (`hinge_warmup_active`).
    """

    # ------------------------------------------------------------------------------------------ loss
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        inputs = {key: value for key, value in inputs.items() if key != SWAP_KIND_KEY}
        unwrapped = self.accelerator.unwrap_model(model)
        optimizer_step = self.state.global_step if model.training else None
        if _world_size() > 1 and is_structure_clip(unwrapped) and inputs.get("return_loss"):
            # The forward runs through the DDP wrapper (gradient sync); the loss sees every rank's rows.
            outputs = model(**gathered_loss_inputs(inputs, unwrapped.config))
            terms = gathered_loss_terms(unwrapped, outputs, inputs, optimizer_step)
            # Zero-weighted, so that `logit_scale` has a gradient under every recipe: DDP then finds every
            # parameter used (ddp_find_unused_parameters=False, set by build_trainer).
            loss = terms["loss"] + 0.0 * unwrapped.logit_scale
            return (loss, outputs) if return_outputs else loss
        if is_structure_clip(unwrapped) and model.training:
            inputs["optimizer_step"] = optimizer_step
        return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)

    def get_decay_parameter_names(self, model) -> list[str]:
        # The original recipe decays every parameter (docs/method.md §2), as train.py does.
        return [name for name, parameter in model.named_parameters() if parameter.requires_grad]

    # ------------------------------------------------------------------------------------------ evaluation
    @contextlib.contextmanager
    def _keep_last_batch(self):
        drop_last = self.args.dataloader_drop_last
        self.args.dataloader_drop_last = False
        try:
            yield
        finally:
            self.args.dataloader_drop_last = drop_last

    def get_eval_dataloader(self, eval_dataset=None):
        with self._keep_last_batch():  # drop_last is for training batches only
            return super().get_eval_dataloader(eval_dataset)

    def get_test_dataloader(self, test_dataset):
        with self._keep_last_batch():
            return super().get_test_dataloader(test_dataset)

    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        """(loss, embeddings, labels): embeddings can be concatenated across batches, logits cannot."""
        inputs = self._prepare_inputs(inputs)
        swap_kind = inputs.pop(SWAP_KIND_KEY, None)
        with torch.no_grad(), self.compute_loss_context_manager():
            outputs = model(**inputs)
            loss = self._evaluation_loss(model, inputs, outputs)
            if prediction_loss_only or outputs.image_embeds is None or outputs.text_embeds is None:
                return loss, None, None
            predictions, labels = embedding_predictions(
                self.accelerator.unwrap_model(model), outputs, inputs, swap_kind
            )
        return loss, predictions, labels

    def _evaluation_loss(self, model, inputs, outputs):
        """Several processes: the loss of the global batch without the rows `even_batches` repeats, as train.py's
        validation computes it; every rank returns it, so the Trainer's row-weighted mean is one process's."""
        if outputs.loss is None:
            return None
        unwrapped = self.accelerator.unwrap_model(model)
        if _world_size() > 1 and is_structure_clip(unwrapped):
            return evaluation_loss_of_global_batch(self.accelerator.gather_for_metrics, unwrapped, inputs, outputs)[0]
        return outputs.loss.detach().mean()

    def evaluation_loop(self, dataloader, description, *args, **kwargs):
        output = super().evaluation_loop(dataloader, description, *args, **kwargs)
        if not output.num_samples:
            logger.warning(
                "%s produced no batches: its metrics are empty. Check the eval dataset's size.", description
            )
        return output

    # ------------------------------------------------------------------------------------------ saving
    def _hub_ready_model(self):
        model = self.accelerator.unwrap_model(self.model, keep_torch_compile=False)
        has_processor = hasattr(self.processing_class, "triple_tokenizer")
        return model if is_structure_clip(model) and has_processor else None

    def _save(self, output_dir=None, state_dict=None):
        """Trainer's save (weights, config, remote code, processor) plus the pipeline and the model card."""
        output_dir = output_dir if output_dir is not None else self.args.output_dir
        model = self._hub_ready_model()
        if model is not None:
            model.config.custom_pipelines = structure_clip_custom_pipelines()
        super()._save(output_dir, state_dict)
        if model is not None and self.args.should_save:
            save_pipeline_code(output_dir)
            self._write_card(model, output_dir)

    def _write_card(self, model, output_dir) -> None:
        notes = training_notes(self.state.log_history, self.state.global_step)
        write_model_card(model, output_dir, self.args.hub_model_id, notes)

    def create_model_card(self, *args, **kwargs):
        """push_to_hub's README.md: our card, not the Trainer's generic one."""
        model = self._hub_ready_model()
        if model is None:
            return super().create_model_card(*args, **kwargs)
        if self.is_world_process_zero():
            self._write_card(model, self.args.output_dir)

    def _save_checkpoint(self, model, trial):
        # transformers 5.24 `Trainer._save_checkpoint` (src/transformers/trainer.py) writes weights, optimizer,
        # scheduler, RNG and trainer_state.json straight into `checkpoint-<step>`, and `get_last_checkpoint`
        # (trainer_utils.py) takes the highest-numbered folder whether its save finished or not. So the marker
        # is removed before the save and written after it; `resolve_resume_checkpoint` only trusts marked folders.
        folder = Path(self._get_output_dir(trial=trial)) / f"{PREFIX_CHECKPOINT_DIR}-{self.state.global_step}"
        if self.args.should_save:
            (folder / COMPLETE_MARKER).unlink(missing_ok=True)
        super()._save_checkpoint(model, trial)
        self.accelerator.wait_for_everyone()  # every rank's rng_state_<rank>.pth is written
        if self.args.should_save and folder.is_dir():
            (folder / COMPLETE_MARKER).write_text(f"step {self.state.global_step}\n")


def resolve_resume_checkpoint(resume_from_checkpoint: str | None, output_dir: str) -> str | None:
    """--resume_from_checkpoint as the Trainer takes it: 'latest' (or 'true') is the newest complete checkpoint."""
    if resume_from_checkpoint is None:
        return None
    if resume_from_checkpoint.lower() in ("latest", "true"):
        latest = latest_complete_checkpoint(Path(output_dir), prefix=f"{PREFIX_CHECKPOINT_DIR}-")
        if latest is None:
            logger.warning("--resume_from_checkpoint latest: no complete checkpoint in %s, starting from scratch",
                           output_dir)  # fmt: skip
        return None if latest is None else str(latest)
    return str(require_complete_checkpoint(Path(resume_from_checkpoint), prefix=f"{PREFIX_CHECKPOINT_DIR}-"))


def build_trainer(model_args, data_args, training_args, world_args=None) -> StructureCLIPTrainer:
    # 1. Model, processor and data: the synthetic world unless a dataset is given
    if data_args.train_file is None and data_args.dataset_name is None:
        world_args = world_args or SyntheticWorldArguments()
        with training_args.main_process_first(desc="synthetic world"):
            model, processor, train_dataset, eval_dataset, collator = synthetic_trainer_parts(
                world_args, training_args.seed
            )
    else:
        model, processor = load_model_and_processor(model_args, data_args.spacy_model)
        processor.scene_graph_parser = data_args.scene_graph_parser
        with training_args.main_process_first(desc="scene graphs"):
            train_dataset, eval_dataset = load_datasets(data_args, training_args.seed)
        checked = check_images(data_args, {"train": train_dataset, "validation": eval_dataset}, training_args.output_dir,
                               show_progress=not training_args.disable_tqdm and training_args.local_process_index == 0,
                               is_main_process=training_args.process_index == 0)  # fmt: skip
        train_dataset, eval_dataset = checked["train"], checked["validation"]
        collator = StructureCLIPCollator(processor, use_negatives=data_args.negatives != "none")
    # 2. The Trainer, configured for a model whose inputs are not dataset columns
    training_args.remove_unused_columns = False
    if training_args.ddp_find_unused_parameters is None:
        training_args.ddp_find_unused_parameters = False  # every parameter is used, see compute_loss
    return StructureCLIPTrainer(
        model=model,
        args=training_args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        data_collator=collator,
        processing_class=processor,
        compute_metrics=compute_structure_clip_metrics,
    )


def _given(argv: list[str], name: str) -> bool:
    return any(arg.split("=")[0] == f"--{name}" for arg in argv)


def parse_args(argv=None):
    """(model, data, synthetic world, training) arguments; defaults per mode go in only where not given."""
    argv = list(sys.argv[1:] if argv is None else argv)
    synthetic = not any(_given(argv, name) for name in ("train_file", "dataset_name"))
    defaults = dict(SYNTHETIC_TRAINING_DEFAULTS if synthetic else REAL_DATA_TRAINING_DEFAULTS)
    # Contrastive losses need full training batches (a 1-row batch has no in-batch negatives; train.py
    # drops the last partial batch too). Evaluation keeps every row (StructureCLIPTrainer).
    defaults["dataloader_drop_last"] = "true"
    # Pinned memory only helps copies to an accelerator; without one, torch's DataLoader warns about it once
    # per loader (3 times per run), so it is off unless asked for.
    if not _has_accelerator():
        defaults["dataloader_pin_memory"] = "false"
    if _given(argv, "max_steps") and synthetic:
        # A shorter run still evaluates (and can keep its best checkpoint) four times.
        for name in ("eval_steps", "save_steps"):
            defaults[name] = str(max(1, int(_value(argv, "max_steps")) // 4))
    prefix = [token for name, value in defaults.items() if not _given(argv, name) for token in (f"--{name}", value)]
    parser = HfArgumentParser((ModelArguments, DataArguments, SyntheticWorldArguments, TrainingArguments))
    parsed = parser.parse_args_into_dataclasses(args=prefix + argv)
    check_output_dir(parsed[-1].output_dir)  # before the model and data are loaded
    return parsed


def _has_accelerator() -> bool:
    import torch

    return torch.accelerator.is_available()


def _value(argv: list[str], name: str) -> str:
    for index, arg in enumerate(argv):
        if arg == f"--{name}":
            return argv[index + 1]
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
    raise KeyError(name)


def main(argv=None) -> StructureCLIPTrainer:
    from structure_clip.cli_logging import configure_cli_logging

    configure_cli_logging()
    model_args, data_args, world_args, training_args = parse_args(argv)
    if data_args.train_file is None and data_args.dataset_name is None and not _has_accelerator():
        set_synthetic_threads(world_args)
    checkpoint = resolve_resume_checkpoint(training_args.resume_from_checkpoint, training_args.output_dir)
    trainer = build_trainer(model_args, data_args, training_args, world_args)
    # 3. Train (optionally resuming), then save the complete Hub folder
    result = trainer.train(resume_from_checkpoint=checkpoint)
    trainer.log_metrics("train", result.metrics)
    trainer.save_metrics("train", result.metrics)
    if trainer.eval_dataset is not None:
        metrics = trainer.evaluate()
        trainer.log_metrics("eval", metrics)
        trainer.save_metrics("eval", metrics)
    trainer.save_model()  # after the final evaluation, so that the card reports it
    trainer.save_state()
    if training_args.push_to_hub:
        trainer.push_to_hub()
    return trainer
