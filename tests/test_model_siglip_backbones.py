"""Structure-CLIP on SigLIP and SigLIP 2 towers: weights load from the stock models as they are, and with the KEE
switched off (knowledge_weight 0, no negatives) the model is exactly `SiglipModel` / `Siglip2Model`.

Tiny stock checkpoints are saved locally with every tensor randomised (so a re-initialised tensor never matches by
accident); `from_backbone_pretrained` must copy each one bit-exactly and add only the KEE.
"""

import pytest
import torch
from huggingface_hub.errors import StrictDataclassError
from transformers import BertConfig, BertModel, Siglip2Config, Siglip2Model, SiglipConfig, SiglipModel

from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
from tests.tiny_models import (
    KNOWLEDGE_CLS_ID,
    KNOWLEDGE_PAD_ID,
    KNOWLEDGE_SEP_ID,
    SIGLIP_WIDTH,
    random_captions,
    random_patch_inputs,
    random_pixel_values,
    random_triples,
    tiny_siglip_text_config,
    tiny_siglip_vision_config,
    tiny_structure_siglip_config,
)


torch.set_num_threads(1)

BACKBONES = ("siglip", "siglip2")
STOCK = {"siglip": (SiglipConfig, SiglipModel), "siglip2": (Siglip2Config, Siglip2Model)}
KEE_OVERRIDES = {"num_hidden_layers": 2, "cls_token_id": KNOWLEDGE_CLS_ID, "sep_token_id": KNOWLEDGE_SEP_ID}


def _randomise(model: torch.nn.Module) -> None:
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.1)


def _image_inputs(backbone: str, batch_size: int, generator) -> dict:
    if backbone == "siglip2":
        return random_patch_inputs(batch_size, generator)
    return {"pixel_values": random_pixel_values(batch_size, generator)}


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """{backbone: (stock model, its folder)} and the BERT folder."""
    root = tmp_path_factory.mktemp("from_backbone")
    torch.manual_seed(0)
    stock = {}
    for backbone in BACKBONES:
        config_class, model_class = STOCK[backbone]
        model = model_class(
            config_class(text_config=tiny_siglip_text_config(), vision_config=tiny_siglip_vision_config(backbone))
        )
        _randomise(model)
        model.save_pretrained(root / backbone)
        stock[backbone] = (model.eval(), root / backbone)
    bert = BertModel(
        BertConfig(vocab_size=50, hidden_size=24, num_hidden_layers=3, num_attention_heads=4, intermediate_size=37,
                   max_position_embeddings=16, pad_token_id=KNOWLEDGE_PAD_ID)
    )  # fmt: skip
    bert.save_pretrained(root / "bert")
    return stock, root / "bert"


@pytest.mark.parametrize("backbone", BACKBONES)
def test_stock_weights_are_copied_exactly(checkpoints, backbone):
    stock_models, bert_dir = checkpoints
    stock, folder = stock_models[backbone]
    model = StructureCLIPModel.from_backbone_pretrained(folder, kee_init=bert_dir, knowledge_config=KEE_OVERRIDES)
    assert model.config.backbone == backbone
    stock_state, state = stock.state_dict(), model.state_dict()
    assert set(stock_state) <= set(state), sorted(set(stock_state) - set(state))
    differing = [key for key, value in stock_state.items() if not torch.equal(value, state[key])]
    assert not differing, f"re-randomised {backbone} tensors: {differing}"
    new = {key.split(".")[0] for key in set(state) - set(stock_state)}
    assert new == {"knowledge_model", "knowledge_projection"}, new


@pytest.mark.parametrize("backbone", BACKBONES)
def test_without_knowledge_the_model_is_the_stock_model(checkpoints, backbone):
    """knowledge_weight 0, no negatives: embeddings and sigmoid logits are SiglipModel's / Siglip2Model's."""
    stock, folder = checkpoints[0][backbone]
    model = StructureCLIPModel.from_backbone_pretrained(folder, knowledge_weight=0.0, knowledge_config=KEE_OVERRIDES)
    generator = torch.Generator().manual_seed(3)
    text = random_captions(4, seq_length=9, generator=generator)
    images = _image_inputs(backbone, 4, generator)
    triples = random_triples(4, generator=generator)
    with torch.no_grad():
        expected = stock(**text, **images)
        actual = model(**text, **images, **triples)
    for name in ("image_embeds", "text_embeds", "logits_per_image", "logits_per_text"):
        torch.testing.assert_close(getattr(actual, name), getattr(expected, name), atol=1e-6, rtol=0, msg=name)
    # The KEE did run (the fusion is there, weighted 0), so this is not a model without a KEE.
    assert actual.knowledge_embeds is not None and actual.knowledge_embeds.abs().sum() > 0


@pytest.mark.parametrize("backbone", BACKBONES)
def test_knowledge_changes_the_text_embedding(checkpoints, backbone):
    _, folder = checkpoints[0][backbone]
    model = StructureCLIPModel.from_backbone_pretrained(folder, knowledge_weight=0.2, knowledge_config=KEE_OVERRIDES)
    generator = torch.Generator().manual_seed(4)
    text, triples = random_captions(3, generator=generator), random_triples(3, counts=[1, 2, 3], generator=generator)
    with torch.no_grad():
        fused = model.get_text_features(**text, **triples)
    expected = fused.plain_text_embeds + 0.2 * fused.knowledge_embeds
    torch.testing.assert_close(fused.pooler_output, expected)
    assert not torch.allclose(fused.pooler_output, fused.plain_text_embeds)


@pytest.mark.parametrize("backbone", BACKBONES)
def test_save_and_reload_keeps_the_backbone(tmp_path, backbone):
    torch.manual_seed(0)
    model = StructureCLIPModel(tiny_structure_siglip_config(backbone)).eval()
    model.save_pretrained(tmp_path)
    reloaded = StructureCLIPModel.from_pretrained(tmp_path).eval()
    assert reloaded.config.backbone == backbone
    assert type(reloaded.vision_model) is type(model.vision_model)
    generator = torch.Generator().manual_seed(5)
    inputs = {**random_captions(2, generator=generator), **_image_inputs(backbone, 2, generator)}
    with torch.no_grad():
        torch.testing.assert_close(reloaded(**inputs).logits_per_image, model(**inputs).logits_per_image)


def test_fresh_siglip_logit_parameters_follow_the_config():
    model = StructureCLIPModel(tiny_structure_siglip_config(logit_scale_init_value=2.3, logit_bias_init_value=-7.0))
    assert model.logit_scale.shape == (1,) and model.logit_bias.shape == (1,)
    assert model.logit_scale.item() == pytest.approx(2.3) and model.logit_bias.item() == pytest.approx(-7.0)
    assert not hasattr(model, "text_projection") and not hasattr(model, "visual_projection")


def test_other_model_types_are_refused(checkpoints):
    stock_models, bert_dir = checkpoints
    with pytest.raises(ValueError, match="model_type 'bert'"):
        StructureCLIPModel.from_backbone_pretrained(bert_dir)
    with pytest.raises(ValueError, match="not a CLIPModel checkpoint"):
        StructureCLIPModel.from_clip_pretrained(stock_models["siglip"][1])
    with pytest.raises(TypeError, match="backbone"):
        StructureCLIPModel.from_backbone_pretrained(stock_models["siglip"][1], backbone="clip")


def test_projection_dim_left_unset_follows_the_towers():
    assert StructureCLIPConfig(backbone="siglip").projection_dim == 768  # google/siglip-base-patch16-224's width
    assert StructureCLIPConfig().projection_dim == 512  # ViT-B/32's
    assert tiny_structure_siglip_config(projection_dim=None).projection_dim == SIGLIP_WIDTH


def test_config_refuses_mixed_or_mismatched_towers():
    text = {**tiny_siglip_text_config(), "model_type": "siglip_text_model"}
    vision = {**tiny_siglip_vision_config("siglip2"), "model_type": "siglip2_vision_model"}
    with pytest.raises(ValueError, match="one supported family"):
        StructureCLIPConfig(text_config=text, vision_config=vision, projection_dim=32)
    with pytest.raises(StrictDataclassError, match="widths must be equal"):
        tiny_structure_siglip_config(projection_dim=16)
    with pytest.raises(ValueError, match="siglip"):
        StructureCLIPConfig(backbone="siglip2", text_config=text, projection_dim=32)


def test_image_inputs_of_the_wrong_backbone_are_clear_errors():
    generator = torch.Generator().manual_seed(6)
    text = random_captions(2, generator=generator)
    siglip2 = StructureCLIPModel(tiny_structure_siglip_config("siglip2"))
    patches = random_patch_inputs(2, generator)
    with pytest.raises(ValueError, match="spatial_shapes"):
        siglip2(**text, pixel_values=patches["pixel_values"])
    with pytest.raises(ValueError, match=r"\[batch, patches, 108\]"):
        siglip2(**text, pixel_values=random_pixel_values(2, generator), spatial_shapes=patches["spatial_shapes"])
    siglip = StructureCLIPModel(tiny_structure_siglip_config("siglip"))
    with pytest.raises(ValueError, match="SigLIP 2 inputs"):
        siglip(**text, pixel_values=random_pixel_values(2, generator), spatial_shapes=patches["spatial_shapes"])
    with pytest.raises(ValueError, match="without `pixel_values`"):
        siglip2(**text, spatial_shapes=patches["spatial_shapes"])
