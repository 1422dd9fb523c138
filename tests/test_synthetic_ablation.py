"""The demo entry point (synthetic ablation): variants see the right inputs, and a few-step run writes its report."""

import json

import pytest
import torch

from structure_clip.synthetic import ablation as synthetic_ablation
from structure_clip.synthetic.ablation import AblationArguments, build_variant_model, variant_keys
from structure_clip.synthetic.arguments import VARIANTS
from structure_clip.synthetic.world import build_synthetic_tokenizers
from tests.train_tiny_setup import TINY_SYNTHETIC_WORLD


TINY_RUN = [
    "--max_train_steps", "3",
    "--curriculum_steps", "1",
    "--num_curriculum_examples", "16",
    "--eval_steps", "1",
    *TINY_SYNTHETIC_WORLD,
]  # fmt: skip


def test_variants_differ_only_in_what_they_see():
    assert "negative_input_ids" not in variant_keys("clip")
    assert "head_ids" not in variant_keys("clip+negatives") and "negative_input_ids" in variant_keys("clip+negatives")
    assert {"head_ids", "negative_head_ids", "negative_mask"} <= set(variant_keys("structure-clip"))


def test_variants_start_from_identical_clip_towers():
    tokenizers = build_synthetic_tokenizers()
    args = AblationArguments(vision_position_std=0.5)
    models = {variant: build_variant_model(variant, args, tokenizers) for variant in VARIANTS}
    reference = models["clip"].state_dict()
    for variant in ("clip+negatives", "structure-clip"):
        state = models[variant].state_dict()
        for name in ("text_model", "vision_model", "visual_projection", "text_projection"):
            for key in (k for k in reference if k.startswith(name)):
                assert torch.equal(reference[key], state[key]), (variant, key)
    assert models["clip"].config.knowledge_weight == 0.0
    assert models["structure-clip"].config.knowledge_weight == args.knowledge_weight > 0


def test_plain_clip_variant_ignores_the_knowledge_encoder():
    tokenizers = build_synthetic_tokenizers()
    model = build_variant_model("clip", AblationArguments(), tokenizers).eval()
    ids = tokenizers[0](["a small red circle left of a large blue square"], return_tensors="pt")
    before = model.get_text_features(**ids).pooler_output
    with torch.no_grad():
        for parameter in model.knowledge_model.parameters():
            parameter.add_(1.0)
    assert torch.equal(before, model.get_text_features(**ids).pooler_output)


@pytest.mark.timeout(300)
def test_entry_point_runs_a_few_steps_and_writes_the_report(tmp_path, capsys):
    from structure_clip.synthetic.cli import main

    report = main(TINY_RUN + ["--output_dir", str(tmp_path)])
    saved = json.loads((tmp_path / "results.json").read_text())
    assert set(saved["variants"]) == set(VARIANTS)
    for metrics in saved["variants"].values():
        for key in ("relation_swap_acc", "attribute_swap_acc", "retrieval_r1"):
            assert 0.0 <= metrics[key] <= 1.0
        assert metrics["steps"] == 3
    assert saved["variants"] == json.loads(json.dumps(report["variants"]))
    assert (tmp_path / "ablation.png").stat().st_size > 1000
    history = [json.loads(line) for line in (tmp_path / "structure-clip" / "results.jsonl").read_text().splitlines()]
    assert any("validation_relation_swap_acc" in record for record in history)
    assert (tmp_path / "structure-clip" / "curriculum" / "results.jsonl").is_file()
    printed = capsys.readouterr().out
    assert "| structure-clip" in printed and "relation swap" in printed


def test_ablation_scores_equal_the_evaluate_py_scorer_path():
    # The ablation scores pre-encoded tensors; evaluate_structure_clip.py --tasks synthetic goes through the processor
    # and embedding_scorers. Both must give the same numbers on the same world and model.
    from structure_clip.evaluation.scorers import scorer_for_model
    from structure_clip.synthetic.benchmark import evaluate_synthetic, synthetic_summary
    from structure_clip.synthetic.world import build_synthetic_dataset, build_synthetic_processor

    processor = build_synthetic_processor()
    sizes = {"train": 0, "validation": 0, "test_relation_swap": 40, "test_attribute_swap": 40, "test_retrieval": 30}
    world = build_synthetic_dataset(seed=0, split_sizes=sizes)
    world = {name: split for name, split in world.items() if len(split)}
    encoded = {name: synthetic_ablation.encode_split(processor, split) for name, split in world.items()}
    tokenizers = (processor.tokenizer, processor.triple_tokenizer)
    model = build_variant_model("structure-clip", AblationArguments(vision_position_std=0.5), tokenizers).eval()
    ablation = synthetic_ablation.evaluate_variant(model, encoded, "structure-clip")
    scorer_path = synthetic_summary(evaluate_synthetic(scorer_for_model(model, processor), world))
    for key in ("relation_swap_acc", "attribute_swap_acc", "retrieval_r1"):
        assert ablation[key] == pytest.approx(scorer_path[key], abs=1e-9), key
    assert 0.0 < ablation["relation_swap_acc"] < 1.0  # an untrained model: the numbers are not degenerate


def test_default_threads_follow_the_idle_cores(monkeypatch):
    from structure_clip.synthetic import ablation
    from structure_clip.synthetic.arguments import AblationArguments

    assert AblationArguments().num_threads == 0  # auto
    monkeypatch.setattr(ablation.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(ablation.os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    assert ablation.idle_core_count() == 2
    monkeypatch.setattr(ablation.os, "getloadavg", lambda: (1.3, 0.0, 0.0))
    assert ablation.idle_core_count() == 1
    monkeypatch.setattr(ablation.os, "getloadavg", lambda: (9.0, 0.0, 0.0))
    assert ablation.idle_core_count() == 1


def test_max_train_steps_caps_the_curriculum(caplog):
    """--max_train_steps counts the curriculum: a smoke run of 20 steps must not train the default 500 curriculum
    steps (it did: the main stage's 20 - 500 steps were skipped and the curriculum ran in full)."""
    with caplog.at_level("WARNING", logger="structure_clip.synthetic.ablation"):
        assert synthetic_ablation.stage_steps(AblationArguments(output_dir="unused", max_train_steps=20)) == (6, 14)
    assert "--curriculum_steps 500 leaves no main-stage step of --max_train_steps 20" in caplog.text
    assert synthetic_ablation.stage_steps(AblationArguments(output_dir="unused", max_train_steps=1)) == (0, 1)
    assert synthetic_ablation.stage_steps(AblationArguments(output_dir="unused")) == (500, 1000)
    with pytest.raises(ValueError, match="--max_train_steps must be >= 1"):
        AblationArguments(output_dir="unused", max_train_steps=0)
