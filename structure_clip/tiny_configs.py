"""The one factory of small Structure-CLIP configs: the synthetic world's CPU model and the test suite's tiny one.

Each function returns the sub-config as a dict, so callers can merge overrides before `StructureCLIPConfig` is
built. Sizes are arguments; the special-token ids must match the tokenizer that feeds the model (CLIP pools at the
first `eos_token_id` unless it is 2, transformers PR #24773).
"""

from __future__ import annotations


def text_tower_config(*, vocab_size: int, bos_token_id: int, eos_token_id: int, pad_token_id: int, width: int,
                      intermediate_size: int, num_hidden_layers: int, max_position_embeddings: int,
                      num_attention_heads: int = 4, **overrides) -> dict:  # fmt: skip
    """A `CLIPTextConfig` dict."""
    return {
        "vocab_size": vocab_size,
        "hidden_size": width,
        "intermediate_size": intermediate_size,
        "num_hidden_layers": num_hidden_layers,
        "num_attention_heads": num_attention_heads,
        "max_position_embeddings": max_position_embeddings,
        "bos_token_id": bos_token_id,
        "eos_token_id": eos_token_id,
        "pad_token_id": pad_token_id,
        **overrides,
    }


def vision_tower_config(*, width: int, intermediate_size: int, num_hidden_layers: int, image_size: int,
                        patch_size: int, num_attention_heads: int = 4, **overrides) -> dict:  # fmt: skip
    """A `CLIPVisionConfig` dict."""
    return {
        "hidden_size": width,
        "intermediate_size": intermediate_size,
        "num_hidden_layers": num_hidden_layers,
        "num_attention_heads": num_attention_heads,
        "image_size": image_size,
        "patch_size": patch_size,
        **overrides,
    }


def knowledge_encoder_config(*, vocab_size: int, pad_token_id: int, cls_token_id: int, sep_token_id: int,
                             width: int, intermediate_size: int, num_hidden_layers: int,
                             max_position_embeddings: int = 16, num_attention_heads: int = 4,
                             **overrides) -> dict:  # fmt: skip
    """A `StructureCLIPKnowledgeConfig` dict (the original KEE is bert-base cut to 6 layers)."""
    return {
        "vocab_size": vocab_size,
        "hidden_size": width,
        "intermediate_size": intermediate_size,
        "num_hidden_layers": num_hidden_layers,
        "num_attention_heads": num_attention_heads,
        "max_position_embeddings": max_position_embeddings,
        "pad_token_id": pad_token_id,
        "cls_token_id": cls_token_id,
        "sep_token_id": sep_token_id,
        **overrides,
    }


def structure_clip_config(text_config: dict, vision_config: dict, knowledge_config: dict, **fields):
    """`StructureCLIPConfig` from the three sub-config dicts; `fields` set top-level values (projection_dim, ...)."""
    from modeling_structure_clip import StructureCLIPConfig

    return StructureCLIPConfig(
        text_config=text_config, vision_config=vision_config, knowledge_config=knowledge_config, **fields
    )


def siglip_text_tower_config(*, width: int, **fields) -> dict:
    """A `SiglipTextConfig` / `Siglip2TextConfig` dict: the CLIP text fields, and the text head's `projection_size`
    equal to the width (SigLIP's towers share one width; the head is the text projection)."""
    return {**text_tower_config(width=width, **fields), "projection_size": width}


def siglip_vision_tower_config(*, backbone: str, image_size: int, patch_size: int, **fields) -> dict:
    """A `SiglipVisionConfig` dict, or for SigLIP 2 a `Siglip2VisionConfig` one, whose NaFlex tower takes up to
    `(image_size // patch_size) ** 2` patches instead of a fixed image size."""
    config = vision_tower_config(image_size=image_size, patch_size=patch_size, **fields)
    if backbone == "siglip2":
        config["num_patches"] = (config.pop("image_size") // patch_size) ** 2
    return config
