"""The synthetic ablation on SigLIP towers (`--backbone siglip`): its processor, models and a few-step run."""

import json

import pytest
import torch

from structure_clip.synthetic.ablation import AblationArguments, build_variant_model
from structure_clip.synthetic.arguments import VARIANTS
from structure_clip.synthetic.world import build_synthetic_processor, world_words
from structure_clip.synthetic.world_siglip import WORLD_CAPTION_LENGTH
from tests.test_synthetic_ablation import TINY_RUN


@pytest.fixture(scope="module")
def processor():
    return build_synthetic_processor(backbone="siglip")


def test_the_main_job_keeps_its_defaults_and_siglip_gets_its_own_loss():
    assert (AblationArguments().backbone, AblationArguments().loss_recipe) == ("clip", "infonce")
    assert AblationArguments(backbone="siglip").loss_recipe == "sigmoid"
    assert AblationArguments(backbone="siglip", loss_recipe="infonce").loss_recipe == "infonce"
    with pytest.raises(ValueError, match="--backbone"):
        AblationArguments(backbone="siglip3")


def test_world_captions_are_sentencepiece_pieces_padded_to_one_length(processor):
    tokenizer = processor.tokenizer
    assert type(tokenizer).__name__ == "SiglipTokenizer" and processor.pad_captions_to == WORLD_CAPTION_LENGTH
    ids = tokenizer(" ".join(world_words()))["input_ids"]
    assert tokenizer.unk_token_id not in ids  # every word of the world is known
    batch = processor(text=["a small red circle left of a large blue square", "a large green diamond above"],
                      triples=[[], []])  # fmt: skip
    assert batch["input_ids"].shape == (2, WORLD_CAPTION_LENGTH)
    assert (batch["input_ids"][:, -1] == tokenizer.pad_token_id).all()


def test_siglip_variants_start_from_identical_towers(processor):
    tokenizers = (processor.tokenizer, processor.triple_tokenizer)
    args = AblationArguments(backbone="siglip")
    models = {variant: build_variant_model(variant, args, tokenizers) for variant in VARIANTS}
    reference = models["clip"]
    assert reference.config.backbone == "siglip" and reference.config.loss_recipe == "sigmoid"
    assert type(reference.text_model).__name__ == "SiglipTextModel"
    assert reference.logit_bias.item() == pytest.approx(-10.0)
    assert reference.logit_scale.exp().item() == pytest.approx(10.0)
    state = reference.state_dict()
    for variant in ("clip+negatives", "structure-clip"):
        other = models[variant].state_dict()
        for key in (k for k in state if k.startswith(("text_model", "vision_model", "logit_"))):
            assert torch.equal(state[key], other[key]), (variant, key)


@pytest.mark.timeout(300)
def test_entry_point_runs_siglip_and_prints_the_same_table(tmp_path, capsys):
    from structure_clip.synthetic.cli import main

    report = main(TINY_RUN + ["--backbone", "siglip", "--output_dir", str(tmp_path)])
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["arguments"]["backbone"] == "siglip" and saved["arguments"]["loss_recipe"] == "sigmoid"
    assert set(report["variants"]) == set(VARIANTS)
    assert json.loads((tmp_path / "structure-clip" / "config.json").read_text())["backbone"] == "siglip"
    printed = capsys.readouterr().out
    assert "| structure-clip" in printed and "relation swap" in printed


def test_the_finetune_regime_refuses_siglip_towers():
    import pytest

    from structure_clip.synthetic.arguments import AblationArguments

    with pytest.raises(ValueError, match="CLIP towers only"):
        AblationArguments(regime="finetune", backbone="siglip")
    assert AblationArguments(regime="finetune").backbone == "clip"
