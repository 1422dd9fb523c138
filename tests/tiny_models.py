"""Tiny Structure-CLIP configs and random inputs for fast tests (hidden 32, 2 layers, image 30).

Token-id conventions of the tiny configs:
- CLIP text: vocab 99, pad 1, bos 97, eos 98 (the largest id, so pooling at the first EOS and the legacy
  argmax both land on EOS; transformers PR #24773).
- KEE: vocab 50, [PAD] 0, [CLS] 1, [SEP] 2; phrases are "[CLS] w w w [SEP]" padded to phrase_length.
"""

import torch

from modeling_structure_clip import StructureCLIPConfig
from structure_clip.tiny_configs import (
    knowledge_encoder_config,
    siglip_text_tower_config,
    siglip_vision_tower_config,
    structure_clip_config,
    text_tower_config,
    vision_tower_config,
)


TEXT_VOCAB_SIZE = 99
TEXT_PAD_ID, TEXT_BOS_ID, TEXT_EOS_ID = 1, 97, 98
KNOWLEDGE_VOCAB_SIZE = 50
KNOWLEDGE_PAD_ID, KNOWLEDGE_CLS_ID, KNOWLEDGE_SEP_ID = 0, 1, 2
IMAGE_SIZE, PATCH_SIZE = 30, 6


def tiny_text_config(**overrides) -> dict:
    fields = dict(vocab_size=TEXT_VOCAB_SIZE, bos_token_id=TEXT_BOS_ID, eos_token_id=TEXT_EOS_ID,
                  pad_token_id=TEXT_PAD_ID, width=32, intermediate_size=37, num_hidden_layers=2,
                  max_position_embeddings=16, projection_dim=16)  # fmt: skip
    return text_tower_config(**{**fields, **overrides})


def tiny_vision_config(**overrides) -> dict:
    fields = dict(width=32, intermediate_size=37, num_hidden_layers=2, image_size=IMAGE_SIZE, patch_size=PATCH_SIZE,
                  num_channels=3, projection_dim=16)  # fmt: skip
    return vision_tower_config(**{**fields, **overrides})


def tiny_knowledge_config(**overrides) -> dict:
    fields = dict(vocab_size=KNOWLEDGE_VOCAB_SIZE, pad_token_id=KNOWLEDGE_PAD_ID, cls_token_id=KNOWLEDGE_CLS_ID,
                  sep_token_id=KNOWLEDGE_SEP_ID, width=24, intermediate_size=37, num_hidden_layers=2)  # fmt: skip
    return knowledge_encoder_config(**{**fields, **overrides})


def tiny_structure_clip_config(**overrides) -> StructureCLIPConfig:
    """A tiny StructureCLIPConfig. `text_config` / `vision_config` / `knowledge_config` overrides are dicts
    merged into the tiny sub-configs; every other keyword goes to StructureCLIPConfig."""
    text = tiny_text_config(**overrides.pop("text_config", {}))
    vision = tiny_vision_config(**overrides.pop("vision_config", {}))
    knowledge = tiny_knowledge_config(**overrides.pop("knowledge_config", {}))
    return structure_clip_config(
        text, vision, knowledge, **{"projection_dim": 16, "max_triples": 6, "phrase_length": 5, **overrides}
    )


SIGLIP_WIDTH = 32  # SigLIP towers share one width: text head, vision width and projection_dim


def tiny_siglip_text_config(**overrides) -> dict:
    """SigLIP / SigLIP 2 text tower with the tiny CLIP vocabulary and special ids (pooling is at the last position,
    whatever the ids)."""
    fields = dict(vocab_size=TEXT_VOCAB_SIZE, bos_token_id=TEXT_BOS_ID, eos_token_id=TEXT_EOS_ID,
                  pad_token_id=TEXT_PAD_ID, width=SIGLIP_WIDTH, intermediate_size=37, num_hidden_layers=2,
                  max_position_embeddings=16)  # fmt: skip
    return siglip_text_tower_config(**{**fields, **overrides})


def tiny_siglip_vision_config(backbone: str = "siglip", **overrides) -> dict:
    fields = dict(width=SIGLIP_WIDTH, intermediate_size=37, num_hidden_layers=2, image_size=IMAGE_SIZE,
                  patch_size=PATCH_SIZE, num_channels=3)  # fmt: skip
    return siglip_vision_tower_config(backbone=backbone, **{**fields, **overrides})


def tiny_structure_siglip_config(backbone: str = "siglip", **overrides) -> StructureCLIPConfig:
    """`tiny_structure_clip_config` on SigLIP (or SigLIP 2) towers, with the same KEE."""
    text = tiny_siglip_text_config(**overrides.pop("text_config", {}))
    text["model_type"] = f"{backbone}_text_model"
    vision = tiny_siglip_vision_config(backbone, **overrides.pop("vision_config", {}))
    vision["model_type"] = f"{backbone}_vision_model"
    knowledge = tiny_knowledge_config(**overrides.pop("knowledge_config", {}))
    fields = {"projection_dim": SIGLIP_WIDTH, "max_triples": 6, "phrase_length": 5, **overrides}
    return structure_clip_config(text, vision, knowledge, **fields)


def random_patch_inputs(batch_size: int, generator=None) -> dict[str, torch.Tensor]:
    """SigLIP 2 (NaFlex) images as Siglip2ImageProcessor gives them: patch rows padded to the tower's
    `num_patches` (a 5x5 budget), a mask of the real ones and each image's patch grid. Row 0 is a 4x5 grid, so its
    last 5 rows are padding; the others fill the whole 5x5 grid."""
    grid = IMAGE_SIZE // PATCH_SIZE
    num_patches = grid * grid
    pixel_values = torch.randn(batch_size, num_patches, 3 * PATCH_SIZE**2, generator=generator)
    spatial_shapes = torch.tensor([[grid, grid]] * batch_size)
    spatial_shapes[0] = torch.tensor([grid - 1, grid])
    pixel_attention_mask = torch.ones(batch_size, num_patches, dtype=torch.long)
    pixel_attention_mask[0, (grid - 1) * grid :] = 0
    return {
        "pixel_values": pixel_values,
        "pixel_attention_mask": pixel_attention_mask,
        "spatial_shapes": spatial_shapes,
    }


def random_captions(batch_size: int, seq_length: int = 7, generator=None) -> dict[str, torch.Tensor]:
    """CLIP-style captions: BOS, random words, EOS, then padding (each caption a random length)."""
    input_ids = torch.full((batch_size, seq_length), TEXT_PAD_ID, dtype=torch.long)
    attention_mask = torch.zeros(batch_size, seq_length, dtype=torch.long)
    for row in range(batch_size):
        length = int(torch.randint(3, seq_length + 1, (1,), generator=generator))
        words = torch.randint(3, TEXT_BOS_ID, (length - 2,), generator=generator)
        input_ids[row, :length] = torch.cat([torch.tensor([TEXT_BOS_ID]), words, torch.tensor([TEXT_EOS_ID])])
        attention_mask[row, :length] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask}


def random_phrases(shape: tuple[int, int], phrase_length: int = 5, generator=None) -> torch.Tensor:
    """[batch, slots, phrase_length] phrases "[CLS] 1-3 words [SEP] [PAD]..."."""
    phrases = torch.full((*shape, phrase_length), KNOWLEDGE_PAD_ID, dtype=torch.long)
    max_words = phrase_length - 2
    for index in torch.cartesian_prod(torch.arange(shape[0]), torch.arange(shape[1])):
        b, s = index.tolist()
        length = int(torch.randint(1, max_words + 1, (1,), generator=generator))
        words = torch.randint(3, KNOWLEDGE_VOCAB_SIZE, (length,), generator=generator)
        phrases[b, s, : length + 2] = torch.cat(
            [torch.tensor([KNOWLEDGE_CLS_ID]), words, torch.tensor([KNOWLEDGE_SEP_ID])]
        )
    return phrases


def empty_phrases(shape: tuple[int, int], phrase_length: int = 5) -> torch.Tensor:
    phrases = torch.full((*shape, phrase_length), KNOWLEDGE_PAD_ID, dtype=torch.long)
    phrases[..., 0], phrases[..., 1] = KNOWLEDGE_CLS_ID, KNOWLEDGE_SEP_ID
    return phrases


def random_triples(
    batch_size: int, max_triples: int = 6, phrase_length: int = 5, counts=None, prefix: str = "", generator=None
) -> dict[str, torch.Tensor]:
    """Triples like the processor makes them: `counts[i]` real slots first, the rest empty phrases, and a mask.

    `counts` defaults to random counts in 0..max_triples with row 0 forced to 0 (an all-empty caption)."""
    if counts is None:
        counts = torch.randint(0, max_triples + 1, (batch_size,), generator=generator).tolist()
        counts[0] = 0
    triple_mask = (torch.arange(max_triples)[None, :] < torch.tensor(counts)[:, None]).long()
    batch = {"triple_mask": triple_mask}
    for name in ("head_ids", "relation_ids", "tail_ids"):
        phrases = random_phrases((batch_size, max_triples), phrase_length, generator)
        empty = empty_phrases((batch_size, max_triples), phrase_length)
        batch[name] = torch.where(triple_mask[..., None].bool(), phrases, empty)
    return {prefix + name: value for name, value in batch.items()}


def random_pixel_values(batch_size: int, generator=None) -> torch.Tensor:
    return torch.randn(batch_size, 3, IMAGE_SIZE, IMAGE_SIZE, generator=generator)


def random_inputs(
    batch_size: int = 4, with_triples: bool = True, with_negatives: bool = False, seed: int = 0, config=None
) -> dict[str, torch.Tensor]:
    """A full forward() batch: captions, images, optionally triples, negatives (+ their triples) and mask."""
    generator = torch.Generator().manual_seed(seed)
    max_triples = config.max_triples if config is not None else 6
    phrase_length = config.phrase_length if config is not None else 5
    batch = {
        **random_captions(batch_size, generator=generator),
        "pixel_values": random_pixel_values(batch_size, generator),
    }
    if with_triples:
        batch.update(random_triples(batch_size, max_triples, phrase_length, generator=generator))
    if with_negatives:
        negatives = random_captions(batch_size, generator=generator)
        batch["negative_input_ids"] = negatives["input_ids"]
        batch["negative_attention_mask"] = negatives["attention_mask"]
        if with_triples:
            batch.update(
                random_triples(batch_size, max_triples, phrase_length, prefix="negative_", generator=generator)
            )
        negative_mask = torch.ones(batch_size, dtype=torch.long)
        negative_mask[-1] = 0  # one row "could not build a negative"
        batch["negative_mask"] = negative_mask
    return batch
