"""forward() is CLIP-shaped (CLIPModel.forward's shared arguments first, in its order; position_ids; **kwargs), and
eager, SDPA and flex attention give the same outputs on a tiny model."""

import inspect

import pytest
import torch
from transformers import CLIPModel
from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import random_inputs, tiny_structure_clip_config


def _parameter_names(function) -> list[str]:
    return [name for name, p in inspect.signature(function).parameters.items() if p.kind != p.VAR_KEYWORD][1:]


def test_shared_arguments_come_first_in_clip_order():
    clip_names = _parameter_names(CLIPModel.forward)
    ours = _parameter_names(StructureCLIPModel.forward)
    assert ours[: len(clip_names)] == clip_names
    assert ours[len(clip_names) : len(clip_names) + 4] == ["head_ids", "relation_ids", "tail_ids", "triple_mask"]
    kinds = {p.kind for p in inspect.signature(StructureCLIPModel.forward).parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD in kinds


def test_positional_call_like_clip_and_position_ids_reach_the_text_tower():
    torch.manual_seed(0)
    config = tiny_structure_clip_config()
    model = StructureCLIPModel(config).eval()
    batch = random_inputs(3, seed=2, config=config)
    ids, pixels, mask = batch["input_ids"], batch["pixel_values"], batch["attention_mask"]
    with torch.no_grad():
        by_keyword = model(input_ids=ids, pixel_values=pixels, attention_mask=mask)
        by_position = model(ids, pixels, mask)
        default_positions = torch.arange(ids.shape[1]).expand_as(ids)
        explicit = model(ids, pixels, mask, default_positions)
        shifted = model(ids, pixels, mask, default_positions.flip(-1))
    torch.testing.assert_close(by_position.logits_per_image, by_keyword.logits_per_image)
    torch.testing.assert_close(explicit.text_embeds, by_keyword.text_embeds)
    assert not torch.allclose(shifted.text_embeds, by_keyword.text_embeds, atol=1e-4)


def _outputs(implementation: str, batch_seed: int = 1, slot_masking: str = "additive_10000"):
    torch.manual_seed(0)
    config = tiny_structure_clip_config(knowledge_config={"slot_masking": slot_masking})
    model = StructureCLIPModel._from_config(config, attn_implementation=implementation).eval()
    assert model.text_model.config._attn_implementation == implementation
    assert model.knowledge_model.config._attn_implementation == implementation
    batch = random_inputs(4, with_negatives=True, seed=batch_seed, config=config)
    batch["triple_mask"][0] = 0  # a caption without triples: the KEE's fully masked row
    batch["triple_mask"][1, 2:] = 0  # a partly masked one
    batch["triple_mask"][2] = 1  # and one with every slot real
    with torch.no_grad():
        return model(**batch, return_loss=True)


class _AttentionCalls:
    """Wraps one ALL_ATTENTION_FUNCTIONS entry and records which kind of module called it."""

    def __init__(self, function):
        self.function, self.callers = function, []

    def __call__(self, module, *args, **kwargs):
        self.callers.append(type(module).__name__)
        return self.function(module, *args, **kwargs)


@pytest.mark.parametrize("slot_masking", ["additive_10000", "dtype_min"])
@pytest.mark.parametrize("implementation", ["sdpa", "flex_attention"])
def test_attention_backends_agree_with_eager(implementation, slot_masking, monkeypatch):
    eager = _outputs("eager", slot_masking=slot_masking)
    calls = _AttentionCalls(ALL_ATTENTION_FUNCTIONS[implementation])
    monkeypatch.setitem(ALL_ATTENTION_FUNCTIONS._global_mapping, implementation, calls)
    other = _outputs(implementation, slot_masking=slot_masking)
    # Both towers and the KEE's BERT layers ran the requested backend (the KEE once for captions, once for negatives).
    assert {"CLIPAttention", "BertSelfAttention"} <= set(calls.callers), set(calls.callers)
    for name in ("logits_per_image", "text_embeds", "image_embeds", "knowledge_embeds", "negative_text_embeds"):
        torch.testing.assert_close(getattr(other, name), getattr(eager, name), atol=1e-5, rtol=1e-5)
    for name in ("last_hidden_state", "pooler_output"):  # every slot of the KEE, masked rows included
        torch.testing.assert_close(
            getattr(other.knowledge_model_output, name),
            getattr(eager.knowledge_model_output, name),
            atol=1e-5,
            rtol=1e-5,
        )
    torch.testing.assert_close(other.loss, eager.loss, atol=1e-5, rtol=1e-5)


def test_flex_attention_loads_from_pretrained(tmp_path):
    torch.manual_seed(0)
    StructureCLIPModel(tiny_structure_clip_config()).save_pretrained(tmp_path)
    model = StructureCLIPModel.from_pretrained(tmp_path, attn_implementation="flex_attention")
    assert model.vision_model.config._attn_implementation == "flex_attention"
    assert model.knowledge_model.config._attn_implementation == "flex_attention"
