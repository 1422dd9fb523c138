"""The loss functions on their own: NegCLIP InfoNCE, negative_mask semantics, and the all-gather workflow."""

import pytest
import torch
import torch.nn.functional as F

from modeling_structure_clip import (
    StructureCLIPModel,
    infonce_with_hard_negatives_loss,
    max_violation_hinge_loss,
    negative_margin_ranking_loss,
    structure_clip_losses,
)
from tests.tiny_models import random_inputs, tiny_structure_clip_config


def unit(*shape, seed=0):
    return F.normalize(torch.randn(*shape, generator=torch.Generator().manual_seed(seed)), dim=-1)


def test_infonce_with_negative_columns_matches_a_loop():
    image, text, negative = unit(4, 8, seed=1), unit(4, 8, seed=2), unit(4, 8, seed=3)
    scale = torch.tensor(10.0)
    negative_mask = torch.tensor([1, 0, 1, 1])
    got = infonce_with_hard_negatives_loss(image, text, scale, negative, negative_mask)["contrastive_loss"]
    image_to_text, text_to_image = [], []
    for i in range(4):
        candidates = [text[j] for j in range(4)] + [negative[j] for j in range(4) if negative_mask[j]]
        logits = scale * torch.stack([image[i] @ c for c in candidates])
        image_to_text.append(-logits.log_softmax(0)[i])
        logits_t = scale * torch.stack([text[i] @ image[j] for j in range(4)])
        text_to_image.append(-logits_t.log_softmax(0)[i])
    expected = (torch.stack(image_to_text).mean() + torch.stack(text_to_image).mean()) / 2
    torch.testing.assert_close(got, expected)


def test_infonce_without_negatives_is_clip_loss():
    image, text = unit(5, 8, seed=4), unit(5, 8, seed=5)
    logits = 3.0 * text @ image.t()
    clip = (F.cross_entropy(logits, torch.arange(5)) + F.cross_entropy(logits.t(), torch.arange(5))) / 2
    got = infonce_with_hard_negatives_loss(image, text, torch.tensor(3.0))["contrastive_loss"]
    torch.testing.assert_close(got, clip)


def test_negative_mask_drops_rows_and_all_masked_is_zero():
    image, text, negative = unit(3, 8, seed=6), unit(3, 8, seed=7), unit(3, 8, seed=8)
    per_row = F.relu(0.1 - ((image * text).sum(-1) - (image * negative).sum(-1)))
    masked = negative_margin_ranking_loss(image, text, negative, 0.1, 5.0, torch.tensor([1, 0, 1]))
    torch.testing.assert_close(masked["negative_loss"], 5.0 * per_row[[0, 2]].mean())
    nothing = negative_margin_ranking_loss(image, text, negative, 0.1, 5.0, torch.zeros(3))
    assert nothing["negative_loss"].item() == 0.0


def test_hinge_of_a_perfect_batch_is_zero():
    image = torch.eye(4)
    assert max_violation_hinge_loss(image, image, margin=0.2)["hinge_loss"].item() == 0.0
    # captions paired with the wrong images: both directions violate by 1 + margin
    swapped = image[[1, 0, 3, 2]]
    torch.testing.assert_close(max_violation_hinge_loss(image, swapped)["hinge_loss"], torch.tensor(2 * 1.2))


def test_unknown_recipe_is_an_error():
    image = unit(2, 4)
    with pytest.raises(ValueError, match="loss recipe"):
        structure_clip_losses("contrastive", image, image)


@pytest.mark.parametrize("recipe", ["original", "infonce", "infonce+hinge"])
def test_losses_from_returned_embeddings_equal_the_model_loss(recipe):
    """What a distributed loop does: take the embeddings (all-gathered) and call the pure functions."""
    config = tiny_structure_clip_config(loss_recipe=recipe, hinge_warmup_steps=0)
    model = StructureCLIPModel(config).eval()
    batch = random_inputs(4, with_negatives=True, config=config)
    out = model(**batch, return_loss=True)
    terms = structure_clip_losses(
        recipe,
        out.image_embeds,
        out.text_embeds,
        plain_text_embeds=out.plain_text_embeds,
        negative_text_embeds=out.negative_text_embeds,
        negative_plain_text_embeds=out.negative_plain_text_embeds,
        negative_mask=batch["negative_mask"],
        logit_scale=model.logit_scale.exp(),
    )
    torch.testing.assert_close(sum(terms.values()), out.loss)


def test_loss_is_float32_under_autocast_on_every_path():
    """One process computes the loss from bf16 embeddings under autocast; it must be float32 like the gathered path."""
    from modeling_structure_clip import StructureCLIPModel, structure_clip_loss_terms

    for recipe in ("original", "infonce"):
        model = StructureCLIPModel(tiny_structure_clip_config(loss_recipe=recipe)).eval()
        inputs = random_inputs(batch_size=4, with_negatives=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            outputs = model(**inputs, return_loss=True)
        assert outputs.text_embeds.dtype == torch.bfloat16  # the towers did run in bf16
        assert outputs.loss.dtype == torch.float32, recipe
        expected = structure_clip_loss_terms(
            model.config, outputs.image_embeds.float(), outputs.text_embeds.float(), outputs.plain_text_embeds.float(),
            model.logit_scale, outputs.negative_text_embeds.float() if outputs.negative_text_embeds is not None else None,
            outputs.negative_plain_text_embeds.float(), inputs["negative_mask"],
        )  # fmt: skip
        torch.testing.assert_close(outputs.loss, sum(expected.values()))
