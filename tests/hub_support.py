"""Shared helpers of the test_hub_* files: a tiny model whose vocabularies match the tiny processor.

(No tests here; the name only keeps the file in the Hub tests' namespace.)
"""

import torch
from PIL import Image

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import tiny_structure_clip_config
from tests.tiny_processors import CLIP_SPECIAL_IDS, make_tiny_processor, tiny_vocab_sizes


# Labels built from the tiny tokenizers' whole words; their scene graphs differ only in structure.
LABELS = ["a man riding a horse", "a horse riding a man", "a red car next to a blue bus", "a dog"]


def tiny_config_for_processor(processor, **overrides):
    """Tiny config sized for `processor`'s tokenizers. The text positions (64) exceed the tokenizer's
    16 so that the stock pipeline's "This is a photo of {}." (padded, not truncated) still fits."""
    sizes, phrase_tokenizer = tiny_vocab_sizes(), processor.triple_tokenizer
    return tiny_structure_clip_config(
        text_config=dict(vocab_size=sizes["text"], max_position_embeddings=64, **CLIP_SPECIAL_IDS),
        knowledge_config=dict(
            vocab_size=sizes["knowledge"],
            pad_token_id=phrase_tokenizer.pad_token_id,
            cls_token_id=phrase_tokenizer.cls_token_id,
            sep_token_id=phrase_tokenizer.sep_token_id,
        ),
        **overrides,
    )


def tiny_model_and_processor(seed: int = 0, knowledge_weight: float = 1.0):
    """A randomly initialised tiny model (noise added to every weight so that nothing is trivially
    zero) and its processor. knowledge_weight 1.0 makes the KEE's effect on scores easy to see."""
    processor = make_tiny_processor()
    config = tiny_config_for_processor(processor, knowledge_weight=knowledge_weight)
    torch.manual_seed(seed)
    model = StructureCLIPModel(config).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.05)
    return model, processor


def sample_images() -> list:
    """Two real PIL images of different sizes and content (the processor resizes and crops them)."""
    striped = Image.new("RGB", (44, 36), (200, 40, 30))
    for x in range(0, 44, 3):
        for y in range(36):
            striped.putpixel((x, y), (20, (7 * y) % 256, 230))
    gradient = Image.new("RGB", (32, 50))
    gradient.putdata([((5 * x) % 256, (3 * y) % 256, 120) for y in range(50) for x in range(32)])
    return [striped, gradient]
