"""The demo's fine-tuning regime: stage-1 cache by fingerprint, towers carried into stage 2, a tiny end-to-end run."""

import json

import pytest
import torch

from structure_clip.synthetic.ablation import AblationArguments, variant_keys
from structure_clip.synthetic.pretrained_cache import load_or_pretrain, pretrain_settings, settings_fingerprint
from tests.train_tiny_setup import TINY_SYNTHETIC_WORLD


TINY_FINETUNE = [
    "--regime", "finetune",
    "--pretrain_steps", "2",
    "--finetune_steps", "3",
    "--finetune_eval_steps", "1",
    "--finetune_warmup_steps", "1",
    *TINY_SYNTHETIC_WORLD,
]  # fmt: skip


def test_kee_only_sees_triples_but_no_negatives():
    keys = set(variant_keys("kee-only"))
    assert {"head_ids", "relation_ids", "tail_ids", "triple_mask"} <= keys
    assert not any(key.startswith("negative_") for key in keys)


def test_the_fingerprint_follows_every_stage_one_setting():
    base = pretrain_settings(AblationArguments(), "processor-a")
    assert settings_fingerprint(base) == settings_fingerprint(pretrain_settings(AblationArguments(), "processor-a"))
    changed = [
        pretrain_settings(AblationArguments(seed=1), "processor-a"),
        pretrain_settings(AblationArguments(pretrain_steps=7), "processor-a"),
        pretrain_settings(AblationArguments(learning_rate=5e-4), "processor-a"),
        pretrain_settings(AblationArguments(model_width=32), "processor-a"),
        pretrain_settings(AblationArguments(), "processor-b"),
    ]
    assert len({settings_fingerprint(s) for s in changed} | {settings_fingerprint(base)}) == len(changed) + 1
    # Stage-2 options do not shape stage 1: the cached model is shared by every fine-tuning setting.
    stage_two = AblationArguments(finetune_steps=9, lr_multipliers=[0.5], finetune_recipes="infonce")
    assert settings_fingerprint(pretrain_settings(stage_two, "processor-a")) == settings_fingerprint(base)


def test_the_cache_is_reused_when_the_fingerprint_matches_and_rebuilt_when_not(tmp_path):
    calls = []

    def pretrain(folder):
        calls.append(folder)
        with open(f"{folder}/weights.txt", "w") as handle:
            handle.write(str(len(calls)))

    first, reused_first = load_or_pretrain({"seed": 0}, pretrain, tmp_path / "cache", str(tmp_path / "unused"))
    second, reused_second = load_or_pretrain({"seed": 0}, pretrain, tmp_path / "cache", str(tmp_path / "unused"))
    other, reused_other = load_or_pretrain({"seed": 1}, pretrain, tmp_path / "cache", str(tmp_path / "unused"))
    assert (reused_first, reused_second, reused_other) == (False, True, False)
    assert first == second != other and len(calls) == 2
    assert open(f"{second}/weights.txt").read() == "1" and open(f"{other}/weights.txt").read() == "2"
    assert json.loads(open(f"{first}/settings.json").read()) == {"seed": 0}
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_no_cache_pretrains_into_the_run_folder(tmp_path):
    calls = []
    folder, reused = load_or_pretrain({"seed": 0}, calls.append, None, str(tmp_path / "pretrained"))
    assert (folder, reused, calls) == (str(tmp_path / "pretrained"), False, [str(tmp_path / "pretrained")])


@pytest.mark.timeout(300)
def test_finetune_regime_end_to_end_reuses_stage_one(tmp_path, capsys):
    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.cli import main
    from structure_clip.synthetic.finetune import load_pretrained_towers
    from structure_clip.synthetic.world import build_synthetic_processor

    cache = ["--pretrained_cache_dir", str(tmp_path / "pretrained"), "--world_cache_dir", str(tmp_path / "world")]
    report = main(TINY_FINETUNE + cache + ["--output_dir", str(tmp_path / "run")])
    saved = json.loads((tmp_path / "run" / "results.json").read_text())
    assert len(saved["variants"]) == 8 and "structure-clip / original / lr x0.1" in saved["variants"]
    for metrics in saved["variants"].values():
        assert metrics["steps"] == 3 and 0.0 <= metrics["validation_relation_swap_acc"] <= 1.0
        assert metrics["learning_rate"] == pytest.approx(1e-4)
    assert saved["pretrained"]["reused"] is False
    assert (tmp_path / "run" / "finetune.png").stat().st_size > 1000
    curve = report["histories"]["kee-only / infonce / lr x0.1"]
    assert [r["step"] for r in curve if r.get("type") == "eval"] == [1, 2, 3]
    assert "stage 1 (plain CLIP" in capsys.readouterr().out

    # Stage 2 starts from stage 1's towers, and its KEE trains (stage 1 never ran one). Same stage-1 settings: the cached model is reused.
    again = main(TINY_FINETUNE + cache + ["--output_dir", str(tmp_path / "again"), "--finetune_variants", "kee-only",
                                          "--finetune_recipes", "infonce", "--finetune_steps", "2"])  # fmt: skip
    assert again["pretrained"]["reused"] is True and again["pretrained"]["folder"] == report["pretrained"]["folder"]
    pretrained = StructureCLIPModel.from_pretrained(report["pretrained"]["folder"]).state_dict()
    assert again["pretrained"]["metrics"] == report["pretrained"]["metrics"]
    model = load_pretrained_towers("structure-clip", AblationArguments(), build_synthetic_processor(),
                                   report["pretrained"]["folder"]).state_dict()  # fmt: skip
    for key in (k for k in pretrained if k.startswith(("text_model.", "vision_model.", "logit_scale"))):
        assert torch.equal(model[key], pretrained[key]), key
    tuned = StructureCLIPModel.from_pretrained(tmp_path / "again" / "kee-only-infonce-lr_x0.1").state_dict()
    assert not torch.equal(tuned["knowledge_projection.weight"], pretrained["knowledge_projection.weight"])
    changed = main(TINY_FINETUNE + cache + ["--output_dir", str(tmp_path / "changed"), "--pretrain_steps", "1",
                                            "--finetune_variants", "clip", "--finetune_recipes", "infonce",
                                            "--finetune_curriculum_steps", "1"])  # fmt: skip
    assert (
        changed["pretrained"]["reused"] is False and changed["pretrained"]["folder"] != report["pretrained"]["folder"]
    )
    # A stage-2 curriculum: its first step on canonical wording, then the rest; one curve over both.
    stages = [(r["step"], r["stage"]) for r in changed["histories"]["clip / infonce / lr x0.1"] if r["type"] == "eval"]
    assert stages == [(1, "train_curriculum"), (2, "train"), (3, "train")]
    assert (tmp_path / "changed" / "clip-infonce-lr_x0.1" / "curriculum" / "results.jsonl").is_file()


def test_unknown_finetune_choices_are_named():
    from structure_clip.synthetic.finetune import parse_choices

    with pytest.raises(ValueError, match="--finetune_recipes.*'hinge'"):
        parse_choices("infonce,hinge", ("original", "infonce"), "--finetune_recipes")


def test_an_image_source_changes_the_fingerprint_and_its_own_settings_count_only_then():
    plain = settings_fingerprint(pretrain_settings(AblationArguments(), "p"))
    # Without an image source the scratch regime's options do not shape stage 1 (old cache entries stay valid).
    assert settings_fingerprint(pretrain_settings(AblationArguments(max_train_steps=7), "p")) == plain
    sourced = AblationArguments(pretrain_image_tower="clip+negatives")
    assert settings_fingerprint(pretrain_settings(sourced, "p")) != plain
    longer_source = AblationArguments(pretrain_image_tower="clip+negatives", max_train_steps=7)
    assert settings_fingerprint(pretrain_settings(longer_source, "p")) != settings_fingerprint(
        pretrain_settings(sourced, "p")
    )
    with pytest.raises(ValueError, match="--pretrain_image_tower"):
        AblationArguments(pretrain_image_tower="siglip")


@pytest.mark.timeout(300)
def test_stage_one_takes_a_fixed_image_tower_from_clip_negatives_and_stage_two_can_keep_it(tmp_path):
    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.cli import main

    cache = ["--pretrained_cache_dir", str(tmp_path / "pretrained"), "--world_cache_dir", str(tmp_path / "world")]
    source_steps = ["--pretrain_image_tower", "clip+negatives", "--max_train_steps", "3", "--curriculum_steps", "1"]
    report = main(TINY_FINETUNE + cache + source_steps + [
        "--output_dir", str(tmp_path / "run"), "--finetune_variants", "structure-clip", "--finetune_recipes",
        "infonce", "--finetune_freeze_image_tower", "true",
    ])  # fmt: skip
    folder = report["pretrained"]["folder"]
    source = StructureCLIPModel.from_pretrained(f"{folder}/image_source/clip+negatives").state_dict()
    after_curriculum = StructureCLIPModel.from_pretrained(
        f"{folder}/image_source/clip+negatives/curriculum"
    ).state_dict()
    pretrained = StructureCLIPModel.from_pretrained(folder).state_dict()
    tuned = StructureCLIPModel.from_pretrained(tmp_path / "run" / "structure-clip-infonce-lr_x0.1").state_dict()
    image_keys = [k for k in source if k.startswith(("vision_model.", "visual_projection."))]
    text_keys = [k for k in source if k.startswith(("text_model.", "text_projection."))]
    assert image_keys and text_keys
    # The source trained past its curriculum checkpoint, stage 1 kept its image tower, stage 2 too.
    assert any(not torch.equal(source[k], after_curriculum[k]) for k in image_keys)
    for key in image_keys:
        assert torch.equal(pretrained[key], source[key]) and torch.equal(tuned[key], source[key]), key
    # Stage 1's text tower is its own (fresh, then trained), and stage 2 moved it.
    assert any(not torch.equal(pretrained[k], source[k]) for k in text_keys)
    assert any(not torch.equal(tuned[k], pretrained[k]) for k in text_keys)


def test_order_noise_swaps_the_two_object_phrases_as_the_world_does():
    from structure_clip.synthetic.ablation import build_data
    from structure_clip.synthetic.finetune import OrderNoiseCollator, relation_swapped_ids
    from structure_clip.synthetic.world import build_synthetic_processor

    tiny = AblationArguments(num_train_examples=64, num_validation_examples=2, num_test_examples=2,
                             num_retrieval_examples=2, curriculum_steps=0, world_cache_dir="none")  # fmt: skip
    split = build_data(tiny, build_synthetic_processor())["train"]
    ids, mask, is_relation_swap = split.tensors["input_ids"], split.tensors["attention_mask"], split.relation_swap
    swapped = relation_swapped_ids(ids, mask)
    # Where the world's own negative is the relation swap, the token-level swap gives exactly its ids.
    assert is_relation_swap.any() and torch.equal(
        swapped[is_relation_swap], split.tensors["negative_input_ids"][is_relation_swap]
    )
    assert (swapped != ids).any(dim=1).all() and torch.equal(relation_swapped_ids(swapped, mask), ids)

    always, never = OrderNoiseCollator(split, 1.0, seed=0), OrderNoiseCollator(split, 0.0, seed=0)
    assert torch.equal(always(list(range(64)))["input_ids"], swapped)
    assert torch.equal(never(list(range(64)))["input_ids"], ids)
    half = OrderNoiseCollator(split, 0.5, seed=0)
    draws = torch.stack([(half(list(range(64)))["input_ids"] != ids).any(dim=1) for _ in range(20)]).float()
    assert 0.35 < draws.mean() < 0.65 and draws.std(dim=0).min() > 0  # every caption is drawn both ways
    assert settings_fingerprint(pretrain_settings(AblationArguments(pretrain_order_noise=0.5), "p")) != (
        settings_fingerprint(pretrain_settings(AblationArguments(), "p"))
    )
    with pytest.raises(ValueError, match="--pretrain_order_noise"):
        AblationArguments(pretrain_order_noise=1.5)


def test_a_frozen_text_tower_can_keep_its_last_layers_trainable():
    from structure_clip.synthetic.ablation import build_variant_model
    from structure_clip.synthetic.finetune import freeze_text_tower
    from structure_clip.synthetic.world import build_synthetic_processor

    processor = build_synthetic_processor()
    model = build_variant_model("structure-clip", AblationArguments(model_layers=2),
                                (processor.tokenizer, processor.triple_tokenizer))  # fmt: skip
    freeze_text_tower(model, trainable_last_layers=1)
    trainable = {name.split(".")[1] + ("." + name.split(".")[3] if ".layers." in name else "")
                 for name, p in model.named_parameters() if p.requires_grad and name.startswith("text_")}  # fmt: skip
    assert trainable == {"encoder.1", "final_layer_norm", "weight"}  # last layer, final LayerNorm, text_projection
    assert all(p.requires_grad for p in model.knowledge_model.parameters())
    freeze_text_tower(model)
    assert not any(p.requires_grad for n, p in model.named_parameters() if n.startswith(("text_model.", "text_proj")))
    with pytest.raises(ValueError, match="has 2"):
        freeze_text_tower(model, trainable_last_layers=3)


def test_a_bad_option_value_is_a_usage_error_not_a_traceback(capsys):
    from structure_clip.synthetic.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--regime", "finetune", "--pretrain_order_noise", "2"])
    assert exit_info.value.code == 2
    assert "--pretrain_order_noise is a probability, got 2.0" in capsys.readouterr().err
