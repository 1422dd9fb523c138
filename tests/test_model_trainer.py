"""A tiny Structure-CLIP fine-tunes with the stock HF Trainer (remove_unused_columns=False, return_loss=True)."""

import torch
from transformers import Trainer, TrainingArguments

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import random_inputs, tiny_structure_clip_config


class ListDataset(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


def rows_from_batch(batch):
    size = batch["input_ids"].shape[0]
    return [{name: value[index] for name, value in batch.items()} for index in range(size)]


def collate_with_loss(rows):
    batch = {name: torch.stack([row[name] for row in rows]) for name in rows[0]}
    batch["return_loss"] = True
    return batch


def test_trainer_fine_tunes_and_the_loss_decreases(tmp_path):
    torch.manual_seed(0)
    config = tiny_structure_clip_config(hinge_warmup_steps=0)
    model = StructureCLIPModel(config)
    batch = random_inputs(8, with_negatives=True, seed=5, config=config)
    model.eval()
    with torch.no_grad():
        loss_before = model(**batch, return_loss=True).loss.item()

    args = TrainingArguments(
        output_dir=str(tmp_path),
        per_device_train_batch_size=8,
        max_steps=15,
        learning_rate=2e-3,
        weight_decay=0.1,
        lr_scheduler_type="constant",
        remove_unused_columns=False,
        use_cpu=True,
        report_to="none",
        save_strategy="no",
        logging_steps=5,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=model, args=args, train_dataset=ListDataset(rows_from_batch(batch)), data_collator=collate_with_loss
    )
    result = trainer.train()

    model.eval()
    with torch.no_grad():
        loss_after = model(**batch, return_loss=True).loss.item()
    assert result.global_step == 15
    logged = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(logged) == 3
    assert loss_after < 0.8 * loss_before, (loss_before, loss_after, logged)
