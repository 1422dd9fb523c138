"""Fine-tune CLIP into Structure-CLIP with the stock HF `Trainer`: the same job as train.py.

    python examples/finetune_with_trainer.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip-trainer --learning_rate 5e-6 --weight_decay 0.1 \\
        --per_device_train_batch_size 64 --num_train_epochs 10 --eval_strategy steps --eval_steps 500 \\
        --save_steps 500 --load_best_model_at_end --metric_for_best_model eval_loss

Model and data options are train.py's (`ModelArguments`, `DataArguments`); the rest are transformers'
`TrainingArguments`. What the Trainer needs for this model (transformers 5 Trainer):
- `remove_unused_columns=False`: the collator's keys are forward()'s arguments, not dataset columns;
- the collator sets `return_loss=True` (the model never defaults to it);
- `processing_class=processor`, so checkpoints carry the processor;
- `prediction_loss_only=True`: the outputs hold batch x batch logit matrices that cannot be concatenated;
- `dataloader_drop_last=True` unless given: contrastive losses need full batches, as in train.py.
The Trainer computes the model's own loss per process; for negatives gathered across processes use
train.py. Checkpoints are selected on the validation split (`eval_loss`), never on test sets.
"""

from __future__ import annotations

import logging
import sys

from transformers import HfArgumentParser, Trainer, TrainingArguments

from structure_clip.loading import load_model_and_processor
from structure_clip.training.arguments import ModelArguments
from structure_clip.training.data import DataArguments, StructureCLIPCollator, load_datasets


logger = logging.getLogger(__name__)


class StructureCLIPTrainer(Trainer):
    """The stock `Trainer`, plus the optimizer-step clock of the original recipe's hinge warm-up.

    `state.global_step` counts completed optimizer steps, as the Accelerate loop's counter does, so both paths
    warm up over the same steps (`modeling_structure_clip.hinge_warmup_active`), with or without gradient
    accumulation, and a resumed run counts like an uninterrupted one.
    """

    def compute_loss(self, model, inputs, *args, **kwargs):
        if model.training:
            inputs = {**inputs, "optimizer_step": self.state.global_step}
        return super().compute_loss(model, inputs, *args, **kwargs)


def build_trainer(model_args: ModelArguments, data_args: DataArguments, training_args: TrainingArguments):
    # 1. Model and processor (a CLIP checkpoint gets a fresh KEE; a Structure-CLIP one loads as is)
    model, processor = load_model_and_processor(model_args, data_args.spacy_model)
    # 2. Data: parsed and cached once, on the main process first
    with training_args.main_process_first(desc="scene graphs"):
        train_dataset, eval_dataset = load_datasets(data_args, training_args.seed)
    # 3. The Trainer, configured for a model whose inputs are not dataset columns
    training_args.remove_unused_columns = False
    training_args.prediction_loss_only = True
    collator = StructureCLIPCollator(processor, use_negatives=data_args.negatives != "none")
    return StructureCLIPTrainer(
        model=model,
        args=training_args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        data_collator=collator,
        processing_class=processor,
    )


def parse_args(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = HfArgumentParser((ModelArguments, DataArguments, TrainingArguments))
    model_args, data_args, training_args = parser.parse_args_into_dataclasses(args=argv)
    # Contrastive losses need full batches (a 1-row batch has no in-batch negatives; train.py uses
    # drop_last=True too), so the last partial batch is dropped unless --dataloader_drop_last is given.
    if not any(arg.split("=")[0] == "--dataloader_drop_last" for arg in argv):
        training_args.dataloader_drop_last = True
    return model_args, data_args, training_args


def main(argv=None) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    model_args, data_args, training_args = parse_args(argv)
    trainer = build_trainer(model_args, data_args, training_args)
    # 4. Train (optionally resuming), then save the model and processor
    result = trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    trainer.save_model()
    trainer.log_metrics("train", result.metrics)
    trainer.save_metrics("train", result.metrics)
    trainer.save_state()
    if trainer.eval_dataset is not None:
        metrics = trainer.evaluate()
        trainer.log_metrics("eval", metrics)
        trainer.save_metrics("eval", metrics)
