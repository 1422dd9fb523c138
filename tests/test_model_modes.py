"""Every behaviour switch: never NaN for captions without triples; eager == SDPA; checkpointing == plain."""

import copy
import itertools

import pytest
import torch

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import KNOWLEDGE_PAD_ID, random_inputs, tiny_structure_clip_config


KEE_MODES = list(
    itertools.product(
        ("mean_all_positions", "masked_mean"),  # phrase_pooling
        ("slot0", "masked_mean"),  # knowledge_pooling
        ("additive_10000", "dtype_min"),  # slot_masking
        ("null_vector", "zero"),  # empty_caption_knowledge
    )
)
RECIPES = ("original", "infonce", "infonce+hinge")


def degenerate_batch(config):
    """Row 0: no triples; row 1: six real triples; row 2: a real slot whose phrases are all [PAD]."""
    batch = random_inputs(4, with_negatives=True, seed=1, config=config)
    batch["triple_mask"][0] = 0
    batch["triple_mask"][1] = 1
    for name in ("head_ids", "relation_ids", "tail_ids"):
        batch[name][2, 0] = KNOWLEDGE_PAD_ID
    batch["triple_mask"][2, 0] = 1
    batch["negative_triple_mask"][:] = 0  # negatives without any triple
    return batch


@pytest.mark.parametrize("phrase_pooling,knowledge_pooling,slot_masking,empty", KEE_MODES)
def test_no_nan_in_any_mode(phrase_pooling, knowledge_pooling, slot_masking, empty):
    recipe = RECIPES[KEE_MODES.index((phrase_pooling, knowledge_pooling, slot_masking, empty)) % len(RECIPES)]
    config = tiny_structure_clip_config(
        knowledge_config=dict(
            phrase_pooling=phrase_pooling,
            knowledge_pooling=knowledge_pooling,
            slot_masking=slot_masking,
            empty_caption_knowledge=empty,
        ),
        loss_recipe=recipe,
        renormalize_fused_text=slot_masking == "dtype_min",
    )
    torch.manual_seed(0)
    model = StructureCLIPModel(config).train()
    batch = degenerate_batch(config)
    out = model(**batch, return_loss=True)
    out.loss.backward()
    for name in ("text_embeds", "knowledge_embeds", "image_embeds", "logits_per_image", "loss"):
        assert torch.isfinite(getattr(out, name)).all(), f"{name} not finite ({recipe})"
    for name, parameter in model.named_parameters():
        assert parameter.grad is None or torch.isfinite(parameter.grad).all(), f"NaN gradient in {name}"
    # Absent triples (the zero-shot pipeline's call) must be finite too.
    model.eval()
    with torch.no_grad():
        bare = model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], pixel_values=batch["pixel_values"]
        )
    assert torch.isfinite(bare.text_embeds).all()
    if empty == "zero":
        assert torch.count_nonzero(bare.knowledge_embeds) == 0
        torch.testing.assert_close(bare.text_embeds, bare.plain_text_embeds)
    else:
        assert torch.allclose(bare.knowledge_embeds.norm(dim=-1), torch.ones(4))


@pytest.mark.parametrize("recipe", RECIPES)
def test_each_recipe_has_its_terms(recipe):
    config = tiny_structure_clip_config(loss_recipe=recipe)
    model = StructureCLIPModel(config).eval()
    out = model(**random_inputs(4, with_negatives=True, config=config), return_loss=True)
    assert (out.hinge_loss is not None) == (recipe != "infonce")
    assert (out.negative_loss is not None) == (recipe == "original")
    assert (out.contrastive_loss is not None) == (recipe != "original")
    terms = [t for t in (out.hinge_loss, out.negative_loss, out.contrastive_loss) if t is not None]
    torch.testing.assert_close(out.loss, sum(terms))


def test_loss_is_off_unless_asked():
    config = tiny_structure_clip_config()
    model = StructureCLIPModel(config).eval()
    out = model(**random_inputs(3, with_negatives=True, config=config))
    assert out.loss is None and out.hinge_loss is None


def _build(config, attn_implementation):
    torch.manual_seed(0)
    return StructureCLIPModel._from_config(copy.deepcopy(config), attn_implementation=attn_implementation).eval()


def test_eager_and_sdpa_agree():
    config = tiny_structure_clip_config()
    eager, sdpa = _build(config, "eager"), _build(config, "sdpa")
    assert sdpa.knowledge_model.config._attn_implementation == "sdpa"
    assert eager.knowledge_model.config._attn_implementation == "eager"
    sdpa.load_state_dict(eager.state_dict())
    batch = random_inputs(4, with_negatives=True, config=config)
    with torch.no_grad():
        a, b = eager(**batch, return_loss=True), sdpa(**batch, return_loss=True)
    for name in ("text_embeds", "knowledge_embeds", "image_embeds", "loss"):
        torch.testing.assert_close(getattr(a, name), getattr(b, name), atol=1e-5, rtol=1e-5)


def test_gradient_checkpointing_gives_the_same_gradients():
    config = tiny_structure_clip_config(
        knowledge_config={"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
    )
    batch = random_inputs(4, with_negatives=True, config=config)
    gradients = []
    for checkpointing in (False, True):
        torch.manual_seed(0)
        model = StructureCLIPModel(config).train()
        if checkpointing:
            model.activation_checkpointing_enable()
            flags = [m.gradient_checkpointing for m in model.knowledge_model.encoder.layer]
            assert all(flags), "KEE layers must be checkpointed too"
        model(**batch, return_loss=True).loss.backward()
        gradients.append({n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None})
    assert gradients[0].keys() == gradients[1].keys()
    for name in gradients[0]:
        torch.testing.assert_close(gradients[0][name], gradients[1][name], atol=1e-6, rtol=1e-5, msg=name)


def test_output_attentions_and_hidden_states_reach_every_tower():
    config = tiny_structure_clip_config()
    model = _build(config, "eager")
    out = model(**random_inputs(2, config=config), output_attentions=True, output_hidden_states=True)
    assert len(out.knowledge_model_output.attentions) == config.knowledge_config.num_hidden_layers
    assert out.knowledge_model_output.attentions[0].shape[-1] == config.max_triples
    assert len(out.text_model_output.attentions) == config.text_config.num_hidden_layers
    assert len(out.vision_model_output.hidden_states) == config.vision_config.num_hidden_layers + 1


def test_tuple_output_starts_with_logits_when_no_loss():
    config = tiny_structure_clip_config()
    model = _build(config, "eager")
    batch = random_inputs(2, config=config)
    as_tuple = model(**batch, return_dict=False)
    torch.testing.assert_close(as_tuple[0], model(**batch).logits_per_image)


def test_from_pretrained_on_a_clip_folder_keeps_clip_weights(tmp_path):
    """transformers 5 trap: only the missing KEE weights may be initialised; loaded CLIP weights must stay as saved."""
    from transformers import CLIPConfig, CLIPModel

    config = tiny_structure_clip_config()
    clip = CLIPModel(
        CLIPConfig(
            text_config=config.text_config.to_dict(),
            vision_config=config.vision_config.to_dict(),
            projection_dim=config.projection_dim,
            logit_scale_init_value=3.0,
        )
    )
    clip.save_pretrained(tmp_path)
    model = StructureCLIPModel.from_pretrained(tmp_path, config=config)
    for name, tensor in clip.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], tensor, rtol=0, atol=0, msg=name)
    assert model.knowledge_projection.weight.std() > 0
    assert torch.isfinite(model(**random_inputs(2, config=config)).text_embeds).all()


@pytest.mark.parametrize("autocast_dtype", [torch.bfloat16, torch.float16])
def test_dtype_min_slot_masking_stays_finite_under_autocast(autocast_dtype):
    """float32's minimum is -inf once cast to bfloat16/float16; the mask must use the autocast dtype's minimum."""
    model = StructureCLIPModel(tiny_structure_clip_config(knowledge_config={"slot_masking": "dtype_min"})).eval()
    mask = torch.tensor([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    with torch.autocast("cpu", dtype=autocast_dtype):
        additive = model.knowledge_model.slot_attention_mask(mask, torch.float32)
        assert torch.isfinite(additive.to(autocast_dtype)).all()
        inputs = random_inputs(batch_size=2)
        inputs["triple_mask"] = mask  # the second caption has every slot masked
        outputs = model(**inputs)
    assert torch.isfinite(outputs.text_embeds).all()
