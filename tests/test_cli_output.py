"""What the command lines print: no shard bars around saves, no Accelerate chatter, no pin_memory warning."""

import logging

import torch
from transformers import CLIPTextConfig, CLIPTextModel
from transformers.utils import logging as hf_logging

from structure_clip.cli_logging import configure_cli_logging
from structure_clip.training import trainer as finetune_with_trainer
from structure_clip.training.quiet_saving import without_shard_progress_bar


def _tiny_text_model():
    config = CLIPTextConfig(
        vocab_size=20,
        hidden_size=8,
        intermediate_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        max_position_embeddings=8,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
    )
    return CLIPTextModel(config)


def test_saving_inside_the_helper_draws_no_shard_bar_and_restores_the_bars(tmp_path, capfd):
    model = _tiny_text_model()
    hf_logging.enable_progress_bar()
    model.save_pretrained(tmp_path / "loud")
    assert "Writing model shards" in capfd.readouterr().err  # the bar this helper exists to hide
    with without_shard_progress_bar():
        model.save_pretrained(tmp_path / "quiet")
    assert "Writing model shards" not in capfd.readouterr().err
    assert hf_logging.is_progress_bar_enabled()
    reloaded = CLIPTextModel.from_pretrained(tmp_path / "quiet")
    assert torch.equal(reloaded.get_input_embeddings().weight, model.get_input_embeddings().weight)


def test_cli_logging_keeps_accelerate_to_warnings():
    configure_cli_logging()
    assert logging.getLogger("accelerate").getEffectiveLevel() == logging.WARNING


def test_trainer_path_turns_pin_memory_off_without_an_accelerator(tmp_path):
    common = ["--output_dir", str(tmp_path), "--report_to", "none"]  # (--use_cpu alone already turns it off)
    *_, training_args = finetune_with_trainer.parse_args(common)
    assert training_args.dataloader_pin_memory is torch.accelerator.is_available()
    *_, training_args = finetune_with_trainer.parse_args(common + ["--dataloader_pin_memory", "true"])
    assert training_args.dataloader_pin_memory is True
