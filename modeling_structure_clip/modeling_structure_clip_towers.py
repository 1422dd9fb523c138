"""The text and vision towers of Structure-CLIP: CLIP's, SigLIP's or SigLIP 2's, as transformers builds them.

Each backbone keeps the attribute names of its stock dual encoder, so that model's state dict loads as is:
- CLIP ([`CLIPModel`]): `text_model`, `vision_model`, `text_projection`, `visual_projection`, scalar `logit_scale`;
- SigLIP / SigLIP 2 ([`SiglipModel`], [`Siglip2Model`]): `text_model` (whose `head` is the text projection),
  `vision_model` (whose attention-pooling `head` gives the image embedding), and `logit_scale`, `logit_bias` of
  shape [1] (transformers models/siglip/modeling_siglip.py, `SiglipModel.__init__`).

Shipped to the Hub as remote code beside modeling_structure_clip.py: flat, only relative sibling imports.
"""

import torch
from torch import nn
from transformers import (
    CLIPModel,
    CLIPTextModel,
    CLIPVisionModel,
    Siglip2Model,
    Siglip2TextModel,
    Siglip2VisionModel,
    SiglipModel,
    SiglipTextModel,
    SiglipVisionModel,
)


# (text tower, vision tower) classes and the stock dual encoder of each `config.backbone`.
TOWER_CLASSES = {
    "clip": (CLIPTextModel, CLIPVisionModel),
    "siglip": (SiglipTextModel, SiglipVisionModel),
    "siglip2": (Siglip2TextModel, Siglip2VisionModel),
}
STOCK_MODEL_CLASSES = {"clip": CLIPModel, "siglip": SiglipModel, "siglip2": Siglip2Model}

# Modules that must not be split across devices, for every backbone (transformers' `_no_split_modules` lists).
TOWER_NO_SPLIT_MODULES = [
    "CLIPTextEmbeddings",
    "CLIPEncoderLayer",
    "CLIPVisionEmbeddings",
    "SiglipTextEmbeddings",
    "SiglipVisionEmbeddings",
    "SiglipEncoderLayer",
    "SiglipMultiheadAttentionPoolingHead",
    "Siglip2TextEmbeddings",
    "Siglip2VisionEmbeddings",
    "Siglip2EncoderLayer",
    "Siglip2MultiheadAttentionPoolingHead",
]


def build_towers(config) -> tuple[nn.Module, nn.Module]:
    """(text tower, vision tower) of `config.backbone`, sharing the config's own sub-config objects."""
    text_class, vision_class = TOWER_CLASSES[config.backbone]
    return text_class._from_config(config.text_config), vision_class._from_config(config.vision_config)


def add_projections(model: nn.Module, config) -> None:
    """CLIP's bias-free projections to the shared space; SigLIP towers project inside (their `head`s)."""
    if config.backbone == "clip":
        model.visual_projection = nn.Linear(config.vision_config.hidden_size, config.projection_dim, bias=False)
        model.text_projection = nn.Linear(config.text_config.hidden_size, config.projection_dim, bias=False)


def add_logit_parameters(model: nn.Module, config) -> None:
    """CLIP: a scalar `logit_scale`. SigLIP: `logit_scale` and `logit_bias` of shape [1], as SiglipModel."""
    if config.uses_sigmoid_logits:
        model.logit_scale = nn.Parameter(torch.tensor([float(config.logit_scale_init_value)]))
        model.logit_bias = nn.Parameter(torch.tensor([float(config.logit_bias_init_value)]))
    else:
        model.logit_scale = nn.Parameter(torch.tensor(config.logit_scale_init_value))


def project_text(model: nn.Module, pooled: torch.Tensor) -> torch.Tensor:
    """The text tower's pooled state in the shared space (SigLIP's `text_model.head` already projected it)."""
    return model.text_projection(pooled) if hasattr(model, "text_projection") else pooled


def project_image(model: nn.Module, pooled: torch.Tensor) -> torch.Tensor:
    """The vision tower's pooled state in the shared space (SigLIP's attention-pooling head already did it)."""
    return model.visual_projection(pooled) if hasattr(model, "visual_projection") else pooled


def vision_tower_inputs(backbone: str, pixel_values, interpolate_pos_encoding, pixel_attention_mask, spatial_shapes):
    """Keyword arguments of the vision tower. SigLIP 2 (NaFlex) takes patch sequences with their mask and grid
    shapes (transformers `Siglip2VisionModel.forward`); CLIP and SigLIP take images and may interpolate."""
    if backbone == "siglip2":
        return {
            "pixel_values": pixel_values,
            "pixel_attention_mask": pixel_attention_mask,
            "spatial_shapes": spatial_shapes,
        }
    return {"pixel_values": pixel_values, "interpolate_pos_encoding": interpolate_pos_encoding}


__all__ = ["STOCK_MODEL_CLASSES", "TOWER_CLASSES"]
