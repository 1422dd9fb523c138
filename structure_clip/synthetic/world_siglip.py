"""The synthetic world on SigLIP towers: a sentencepiece tokenizer of the world's captions, SigLIP's image
processor and a from-scratch tiny `StructureCLIPConfig` with SigLIP text and vision towers.

SigLIP's text tower pools the last position, so captions are always padded to one length
(`StructureCLIPProcessor.pad_captions_to`). Real SigLIP checkpoints use 64 tokens; the world's captions are at
most 12 pieces ("a small red circle left of a large blue square"), so here the fixed length is the world's
16, the same text length as its CLIP towers, and the two backbones cost about the same per step.
"""

from __future__ import annotations

import math
import tempfile

import numpy as np

from structure_clip.synthetic.world import sample_scene, world_words
from structure_clip.tiny_configs import siglip_text_tower_config, siglip_vision_tower_config


WORLD_CAPTION_LENGTH = 16  # the fixed caption length of the world's SigLIP processor (its CLIP tokenizer's too)
TOKENIZER_CAPTIONS = 400  # scenes whose captions train the sentencepiece model
# SigLIP's initial logit scale and bias: t' = log 10, b = -10 (Zhai et al. 2023, arXiv 2303.15343, §3.2).
SIGLIP_LOGIT_SCALE_INIT = math.log(10.0)
SIGLIP_LOGIT_BIAS_INIT = -10.0


def build_siglip_world_tokenizer(seed: int = 0):
    """A `SiglipTokenizer` trained on world captions (plus every world word once, so none is unknown)."""
    from structure_clip.sentencepiece_tokenizer import build_siglip_tokenizer

    rng = np.random.default_rng(seed)
    captions = [sample_scene(rng, grid_size=3).caption() for _ in range(TOKENIZER_CAPTIONS)]
    captions.append(" ".join(world_words()))
    # The tokenizer keeps the model in memory and writes it again on save, so its folder may go.
    with tempfile.TemporaryDirectory(prefix="structure_clip_world_spiece_") as directory:
        return build_siglip_tokenizer(captions, directory, vocab_size=64, model_max_length=WORLD_CAPTION_LENGTH)


def build_siglip_world_processor(bert_tokenizer, grid_size: int = 3, cell_px: int = 16):
    """StructureCLIPProcessor for the world on SigLIP towers: the sentencepiece tokenizer, SigLIP's image
    processing (resize to the model size, normalise to [-1, 1]) and the world's BERT phrase tokenizer."""
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    from processing import StructureCLIPProcessor

    image_size = grid_size * cell_px
    image_processor = SiglipImageProcessorPil(size={"height": image_size, "width": image_size}, resample=3)
    return StructureCLIPProcessor(
        image_processor, build_siglip_world_tokenizer(), bert_tokenizer, pad_captions_to=WORLD_CAPTION_LENGTH
    )


def siglip_world_tower_configs(tokenizer, grid_size: int, cell_px: int, width: int, num_hidden_layers: int) -> tuple:
    """(text, vision) SigLIP tower dicts for the world, sized like its CLIP towers."""
    sizes = {"width": width, "intermediate_size": 4 * width, "num_hidden_layers": num_hidden_layers}
    text = siglip_text_tower_config(
        vocab_size=len(tokenizer), bos_token_id=None, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, max_position_embeddings=WORLD_CAPTION_LENGTH, **sizes,
    )  # fmt: skip
    vision = siglip_vision_tower_config(backbone="siglip", image_size=grid_size * cell_px, patch_size=cell_px, **sizes)
    return {**text, "model_type": "siglip_text_model"}, {**vision, "model_type": "siglip_vision_model"}


def siglip_world_config_fields() -> dict:
    """Top-level StructureCLIPConfig fields of a from-scratch SigLIP: the paper's logit scale and bias."""
    return {"logit_scale_init_value": SIGLIP_LOGIT_SCALE_INIT, "logit_bias_init_value": SIGLIP_LOGIT_BIAS_INIT}


__all__ = ["build_siglip_world_processor", "siglip_world_config_fields", "siglip_world_tower_configs"]
