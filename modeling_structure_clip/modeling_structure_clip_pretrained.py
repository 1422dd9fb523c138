"""Start Structure-CLIP from pretrained towers: a CLIP, SigLIP or SigLIP 2 checkpoint, and a BERT for the KEE.

docs/method.md §1: the original started from OpenAI CLIP ViT-B/32 and bert-base-uncased cut to 6 layers. The tower
weights keep their stock key names (modeling_structure_clip_towers.py), so they are copied with one strict
`load_state_dict`; only the KEE (and its projection) can be new.

Shipped to the Hub as remote code beside modeling_structure_clip.py: flat, only relative sibling imports.
"""

import torch
from transformers import BertModel, PreTrainedConfig

from .modeling_structure_clip_knowledge import StructureCLIPKnowledgeModel
from .modeling_structure_clip_towers import STOCK_MODEL_CLASSES


# model_type of a stock dual-encoder checkpoint -> the `backbone` it gives (transformers' names).
SUPPORTED_BACKBONE_MODEL_TYPES = ("clip", "siglip", "siglip2")
_STOCK_NAMES = {"clip": "CLIPModel", "siglip": "SiglipModel", "siglip2": "Siglip2Model"}
# Config fields that the tower checkpoint decides; overriding them would not fit the copied weights.
FIELDS_FROM_BACKBONE = (
    "backbone",
    "text_config",
    "vision_config",
    "projection_dim",
    "logit_scale_init_value",
    "logit_bias_init_value",
)


def load_from_backbone(model_class, path, kee_init, config_overrides: dict, allowed_model_types: tuple):
    """`model_class` built on the towers of the checkpoint at `path` (and the BERT at `kee_init`), in eval mode."""
    fixed = [name for name in FIELDS_FROM_BACKBONE if name in config_overrides]
    if fixed:
        raise TypeError(
            f"{fixed} come from the tower checkpoint and cannot be overridden here; "
            "change them on the model's config afterwards, or build the config yourself."
        )
    backbone = _checkpoint_backbone(path, allowed_model_types)
    stock = _load_complete(STOCK_MODEL_CLASSES[backbone], path, f"a {_STOCK_NAMES[backbone]} checkpoint")
    knowledge_overrides = dict(config_overrides.pop("knowledge_config", None) or {})
    bert = None
    if kee_init is not None:
        bert = _load_complete(
            BertModel, kee_init, "a BERT checkpoint (e.g. bert-base-uncased)", add_pooling_layer=False
        )
        knowledge_overrides = {**_knowledge_fields_from_bert(bert.config), **knowledge_overrides}
    config = model_class.config_class(
        **_tower_fields(backbone, stock), knowledge_config=knowledge_overrides, **config_overrides
    )
    model = model_class(config)
    _copy_tower_weights(model, stock)
    if bert is not None:
        _copy_bert_weights(model.knowledge_model, bert)
    return model.eval()


def _checkpoint_backbone(path, allowed_model_types: tuple) -> str:
    """The `model_type` of the checkpoint's config.json, refused unless it is one of `allowed_model_types`."""
    config_dict, _ = PreTrainedConfig.get_config_dict(path)
    model_type = config_dict.get("model_type")
    if model_type not in allowed_model_types:
        wanted = " or ".join(_STOCK_NAMES[name] for name in allowed_model_types)
        raise ValueError(
            f"{path} is not a {wanted} checkpoint: its config.json has model_type {model_type!r}. Pass the folder "
            f"(or Hub id) of a {wanted}, e.g. openai/clip-vit-base-patch32 or google/siglip-base-patch16-224."
        )
    return model_type


def _tower_fields(backbone: str, stock) -> dict:
    """The StructureCLIPConfig fields that describe the stock model's towers."""
    fields = {
        "text_config": stock.config.text_config.to_dict(),
        "vision_config": stock.config.vision_config.to_dict(),
    }
    if backbone == "clip":
        fields.update(
            projection_dim=stock.config.projection_dim, logit_scale_init_value=stock.config.logit_scale_init_value
        )
    else:
        # SiglipConfig records no init values; the checkpoint's own scale and bias are the starting point.
        fields.update(
            projection_dim=stock.config.text_config.projection_size,
            logit_scale_init_value=float(stock.logit_scale.detach()[0]),
            logit_bias_init_value=float(stock.logit_bias.detach()[0]),
        )
    return fields


def _load_complete(model_class, path, what: str, **kwargs):
    """`from_pretrained`, but a checkpoint of another kind is an error: transformers would only warn and
    return a randomly initialised model, which `_copy_tower_weights` could not tell from a real one."""
    model, info = model_class.from_pretrained(path, dtype=torch.float32, output_loading_info=True, **kwargs)
    missing = list(info.get("missing_keys") or [])
    if missing:
        raise ValueError(
            f"{path} is not {what}: {len(missing)} weights are missing from it "
            f"(e.g. {sorted(missing)[:3]}), so they would be random."
        )
    return model


def _knowledge_fields_from_bert(bert_config) -> dict:
    names = (
        "vocab_size", "hidden_size", "num_attention_heads", "intermediate_size", "hidden_act", "hidden_dropout_prob",
        "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size", "initializer_range",
        "layer_norm_eps", "pad_token_id",
    )  # fmt: skip
    return {name: getattr(bert_config, name) for name in names}


def _copy_tower_weights(model, stock) -> None:
    """Copy the stock model's state dict; key sets must match exactly apart from the new KEE weights."""
    result = model.load_state_dict(stock.state_dict(), strict=False)
    unexpected = list(result.unexpected_keys)
    missing = [key for key in result.missing_keys if not key.startswith(("knowledge_model.", "knowledge_projection."))]
    if unexpected or missing:
        raise ValueError(
            f"{type(stock).__name__} checkpoint does not fit Structure-CLIP: missing {missing}, unexpected {unexpected}."
        )


def _copy_bert_weights(knowledge_model: StructureCLIPKnowledgeModel, bert: BertModel) -> None:
    """BERT embeddings and its first N encoder layers into the KEE (the original cut bert-base to 6 layers)."""
    num_layers = len(knowledge_model.encoder.layer)
    if len(bert.encoder.layer) < num_layers:
        raise ValueError(f"The BERT checkpoint has {len(bert.encoder.layer)} layers; the KEE needs {num_layers}.")
    knowledge_model.embeddings.load_state_dict(bert.embeddings.state_dict(), strict=True)
    for kee_layer, bert_layer in zip(knowledge_model.encoder.layer, bert.encoder.layer, strict=False):
        kee_layer.load_state_dict(bert_layer.state_dict(), strict=True)


__all__ = ["FIELDS_FROM_BACKBONE", "SUPPORTED_BACKBONE_MODEL_TYPES", "load_from_backbone"]
