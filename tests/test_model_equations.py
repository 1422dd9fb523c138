"""Re-derive Structure-CLIP's equations (docs/method.md §1 and 2) in plain torch and match the model to 1e-6.

The reference reads the model's weights but none of its code: phrase mean over all 5 positions, h + r - t,
BERT layers written out with the additive -10000 slot mask, slot 0, Linear, fusion without re-normalisation,
the original's WinoLoss hinge and 5 x MarginRankingLoss. The CLIP towers are compared against a stock
`CLIPModel` carrying the same weights.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from transformers import CLIPConfig, CLIPModel

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import random_inputs, tiny_structure_clip_config


ATOL = 1e-6


def reference_phrase_vectors(weights, prefix, phrase_ids, eps, masked_mean=False):
    """BERT embedding layer only (word + position 0..4 + token type 0, LayerNorm), mean over ALL positions
    (or, for the corrected mode, over the non-[PAD] positions)."""
    positions = torch.arange(phrase_ids.shape[-1])
    states = (
        weights[f"{prefix}word_embeddings.weight"][phrase_ids]
        + weights[f"{prefix}position_embeddings.weight"][positions]
        + weights[f"{prefix}token_type_embeddings.weight"][0]
    )
    states = F.layer_norm(
        states, states.shape[-1:], weights[f"{prefix}LayerNorm.weight"], weights[f"{prefix}LayerNorm.bias"], eps
    )
    if masked_mean:
        keep = (phrase_ids != 0).float().unsqueeze(-1)
        return (states * keep).sum(-2) / keep.sum(-2)
    return states.mean(dim=-2)


def reference_bert_layer(weights, prefix, hidden, additive_mask, num_heads, eps):
    def linear(name, x):
        return x @ weights[f"{prefix}{name}.weight"].t() + weights[f"{prefix}{name}.bias"]

    batch, slots, width = hidden.shape
    head_dim = width // num_heads

    def split(x):
        return x.view(batch, slots, num_heads, head_dim).transpose(1, 2)

    query = split(linear("attention.self.query", hidden))
    key = split(linear("attention.self.key", hidden))
    value = split(linear("attention.self.value", hidden))
    scores = query @ key.transpose(-1, -2) / math.sqrt(head_dim) + additive_mask
    context = (scores.softmax(dim=-1) @ value).transpose(1, 2).reshape(batch, slots, width)
    attention = F.layer_norm(
        linear("attention.output.dense", context) + hidden,
        (width,),
        weights[f"{prefix}attention.output.LayerNorm.weight"],
        weights[f"{prefix}attention.output.LayerNorm.bias"],
        eps,
    )
    feed_forward = linear("output.dense", F.gelu(linear("intermediate.dense", attention)))
    return F.layer_norm(
        feed_forward + attention,
        (width,),
        weights[f"{prefix}output.LayerNorm.weight"],
        weights[f"{prefix}output.LayerNorm.bias"],
        eps,
    )


def reference_knowledge(model, head_ids, relation_ids, tail_ids, triple_mask, corrected=False):
    """The original KEE; `corrected=True`: masked phrase mean, min-float slot mask, mean of real slots, and a
    zero vector for captions without triples."""
    weights = model.state_dict()
    kc = model.config.knowledge_config

    def phrase(ids):
        return reference_phrase_vectors(weights, "knowledge_model.embeddings.", ids, kc.layer_norm_eps, corrected)

    hidden = phrase(head_ids) + phrase(relation_ids) - phrase(tail_ids)
    mask_value = torch.finfo(torch.float32).min if corrected else -10000.0
    additive_mask = (1.0 - triple_mask.float())[:, None, None, :] * mask_value
    for index in range(kc.num_hidden_layers):
        prefix = f"knowledge_model.encoder.layer.{index}."
        hidden = reference_bert_layer(
            weights, prefix, hidden, additive_mask, kc.num_attention_heads, kc.layer_norm_eps
        )
    if corrected:
        real = triple_mask.float().unsqueeze(-1)
        pooled = (hidden * real).sum(1) / real.sum(1).clamp(min=1.0)
    else:
        pooled = hidden[:, 0]
    knowledge = pooled @ weights["knowledge_projection.weight"].t() + weights["knowledge_projection.bias"]
    if corrected:  # captions without triples pool to 0 here; they get a zero vector anyway
        has_triples = triple_mask.sum(-1, keepdim=True) > 0
        return torch.where(has_triples, knowledge / knowledge.norm(dim=-1, keepdim=True), torch.zeros_like(knowledge))
    return knowledge / knowledge.norm(dim=-1, keepdim=True)


def plain_clip_from(model):
    config = model.config
    clip = CLIPModel(
        CLIPConfig(
            text_config=config.text_config.to_dict(),
            vision_config=config.vision_config.to_dict(),
            projection_dim=config.projection_dim,
        )
    )
    clip.load_state_dict(
        {
            k: v
            for k, v in model.state_dict().items()
            if not k.startswith(("knowledge_model.", "knowledge_projection."))
        }
    )
    return clip.eval()


def reference_wino_hinge(image, text, margin=0.2, mean_text_to_image=False):
    """model/utils.py WinoLoss.forward, transcribed."""
    batch = image.shape[0]
    cos = image @ text.t()
    pos = cos.diag()
    img_neg = (cos - 10 * torch.eye(batch)).max(dim=-1)[0]
    text_neg = cos.t().mean(dim=-1) if mean_text_to_image else (cos.t() - 10 * torch.eye(batch)).max(dim=-1)[0]
    return (F.relu(img_neg + margin - pos) + F.relu(text_neg + margin - pos)).mean()


@pytest.fixture
def model_and_inputs():
    torch.manual_seed(0)
    config = tiny_structure_clip_config(
        knowledge_config={"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}, hinge_warmup_steps=1
    )
    model = StructureCLIPModel(config).eval()
    inputs = random_inputs(5, with_negatives=True, seed=3, config=config)
    assert inputs["triple_mask"][0].sum() == 0, "row 0 must be an all-empty caption"
    assert inputs["triple_mask"].sum() > 0
    return model, inputs


def test_embeddings_match_the_equations(model_and_inputs):
    model, inputs = model_and_inputs
    clip = plain_clip_from(model)
    with torch.no_grad():
        out = model(**inputs)
        plain_text = clip.get_text_features(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        plain_text = F.normalize(plain_text.pooler_output, dim=-1)
        image = F.normalize(clip.get_image_features(pixel_values=inputs["pixel_values"]).pooler_output, dim=-1)
        knowledge = reference_knowledge(
            model, inputs["head_ids"], inputs["relation_ids"], inputs["tail_ids"], inputs["triple_mask"]
        )
    fused = plain_text + 0.2 * knowledge  # no re-normalisation
    torch.testing.assert_close(out.plain_text_embeds, plain_text, atol=ATOL, rtol=0)
    torch.testing.assert_close(out.image_embeds, image, atol=ATOL, rtol=0)
    torch.testing.assert_close(out.knowledge_embeds, knowledge, atol=ATOL, rtol=0)
    torch.testing.assert_close(out.text_embeds, fused, atol=ATOL, rtol=0)
    scale = model.logit_scale.exp()
    torch.testing.assert_close(out.logits_per_image, scale * image @ fused.t(), atol=1e-4, rtol=0)
    assert not torch.allclose(out.text_embeds.norm(dim=-1), torch.ones(5)), "fused text must not be re-normalised"


def test_all_empty_caption_gets_the_constant_null_vector(model_and_inputs):
    model, inputs = model_and_inputs
    batch = inputs["input_ids"].shape[0]
    no_triples = {k: v for k, v in inputs.items() if not k.endswith(("_ids", "triple_mask")) or "input" in k}
    with torch.no_grad():
        out_without = model(**no_triples)
        empty = {name: inputs[name][:1].expand(batch, -1, -1) for name in ("head_ids", "relation_ids", "tail_ids")}
        reference = reference_knowledge(model, **empty, triple_mask=torch.zeros(batch, 6, dtype=torch.long))
        out_with = model(**inputs)
    # Absent triples = every caption empty = the same constant vector, which the reference re-derives.
    torch.testing.assert_close(out_without.knowledge_embeds, reference, atol=ATOL, rtol=0)
    torch.testing.assert_close(out_without.knowledge_embeds[0], out_with.knowledge_embeds[0], atol=ATOL, rtol=0)
    assert torch.allclose(out_without.knowledge_embeds, out_without.knowledge_embeds[:1].expand(batch, -1))


def test_losses_match_the_original(model_and_inputs):
    model, inputs = model_and_inputs
    clip = plain_clip_from(model)
    # The 1-step warm-up: optimizer step 0 averages the text->image direction, step 1 no longer does.
    outputs = [model(**inputs, return_loss=True, optimizer_step=step) for step in range(2)]
    with torch.no_grad():
        negative_text = clip.get_text_features(
            input_ids=inputs["negative_input_ids"], attention_mask=inputs["negative_attention_mask"]
        )
        negative_text = F.normalize(negative_text.pooler_output, dim=-1)
    for step, out in enumerate(outputs):
        image, fused, plain = out.image_embeds.detach(), out.text_embeds.detach(), out.plain_text_embeds.detach()
        hinge = reference_wino_hinge(image, fused, mean_text_to_image=(step == 0))
        keep = inputs["negative_mask"].bool()
        ranking = torch.nn.MarginRankingLoss(margin=0.1)(
            (image * plain).sum(-1)[keep], (image * negative_text).sum(-1)[keep], torch.ones(int(keep.sum()))
        )
        torch.testing.assert_close(out.hinge_loss, hinge, atol=ATOL, rtol=0)
        torch.testing.assert_close(out.negative_loss, 5 * ranking, atol=ATOL, rtol=0)
        torch.testing.assert_close(out.loss, hinge + 5 * ranking, atol=ATOL, rtol=0)
        assert out.contrastive_loss is None
    assert not torch.allclose(outputs[0].hinge_loss, outputs[1].hinge_loss), "warm-up must change the hinge"


def test_swapping_head_and_tail_changes_the_knowledge(model_and_inputs):
    model, inputs = model_and_inputs
    swapped = dict(inputs, head_ids=inputs["tail_ids"], tail_ids=inputs["head_ids"])
    with torch.no_grad():
        original, reversed_ = model(**inputs).knowledge_embeds, model(**swapped).knowledge_embeds
    has_triples = inputs["triple_mask"].sum(-1) > 0
    assert not torch.allclose(original[has_triples], reversed_[has_triples], atol=1e-4)
    torch.testing.assert_close(original[~has_triples], reversed_[~has_triples])


def test_corrected_modes_match_their_equations():
    torch.manual_seed(0)
    corrected = {
        "phrase_pooling": "masked_mean",
        "knowledge_pooling": "masked_mean",
        "slot_masking": "dtype_min",
        "empty_caption_knowledge": "zero",
    }
    config = tiny_structure_clip_config(knowledge_config=corrected, renormalize_fused_text=True)
    model = StructureCLIPModel(config).eval()
    inputs = random_inputs(5, seed=3, config=config)
    with torch.no_grad():
        out = model(**inputs)
        knowledge = reference_knowledge(
            model, inputs["head_ids"], inputs["relation_ids"], inputs["tail_ids"], inputs["triple_mask"], True
        )
    torch.testing.assert_close(out.knowledge_embeds, knowledge, atol=ATOL, rtol=0)
    assert torch.count_nonzero(out.knowledge_embeds[0]) == 0, "a caption without triples gets no knowledge"
    torch.testing.assert_close(out.text_embeds, F.normalize(out.plain_text_embeds + 0.2 * knowledge, dim=-1))


def test_triple_mask_is_derived_from_the_phrases_when_absent(model_and_inputs):
    model, inputs = model_and_inputs
    without_mask = {k: v for k, v in inputs.items() if k != "triple_mask"}
    with torch.no_grad():
        torch.testing.assert_close(model(**without_mask).knowledge_embeds, model(**inputs).knowledge_embeds)
