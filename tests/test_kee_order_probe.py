"""benchmarks/kee_order_probe.py: one text side trains alone against a frozen image side, and is scored alone."""

import argparse
import importlib.util
from pathlib import Path

import pytest
import torch


def load_probe():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "kee_order_probe.py"
    spec = importlib.util.spec_from_file_location("kee_order_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("side", ["kee", "text"])
def test_only_the_chosen_side_trains_and_the_curve_is_scored(tmp_path, side):
    from modeling_structure_clip import StructureCLIPModel
    from structure_clip.synthetic.ablation import build_data, build_variant_model
    from structure_clip.synthetic.arguments import AblationArguments
    from structure_clip.synthetic.world import build_synthetic_processor

    probe = load_probe()
    processor = build_synthetic_processor()
    world = AblationArguments(num_train_examples=32, num_validation_examples=4, num_test_examples=8,
                              num_retrieval_examples=4, curriculum_steps=0, world_cache_dir="none")  # fmt: skip
    data = build_data(world, processor)
    build_variant_model("clip", world, (processor.tokenizer, processor.triple_tokenizer)).save_pretrained(tmp_path)
    args = argparse.Namespace(model=str(tmp_path), steps=2, eval_every=1, batch_size=4, seed=0,
                              phrase_pooling="mean_all_positions")  # fmt: skip
    before = StructureCLIPModel.from_pretrained(tmp_path).state_dict()

    side_model = probe.fresh_side(args, side, processor)
    curve = probe.train_side(args, side_model, 1e-2, data)
    after = side_model.model.state_dict()

    assert [record["step"] for record in curve] == [0, 1, 2] and "cpu_seconds" in curve[-1]
    assert all(0.0 <= r["relation_swap_acc"] <= 1.0 and -1.0 <= r["caption_swap_cosine"] <= 1.0 for r in curve)
    moved = {key for key in before if not torch.equal(before[key], after[key])}
    trained_prefixes = (
        ("knowledge_model.", "knowledge_projection.") if side == "kee" else ("text_model.", "text_projection.")
    )
    assert moved and all(key.startswith(trained_prefixes) for key in moved), sorted(moved)[:5]
