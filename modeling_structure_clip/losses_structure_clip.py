"""Structure-CLIP training objectives as small pure functions on embeddings.

Each function returns a dict of named ``*_loss`` terms; the total loss is the sum of the values, so every term can
be logged. They take embeddings, not the model, so a distributed training loop can all-gather the embeddings across
ranks first (with `torch.distributed.nn.functional.all_gather`, to keep gradients) and then call them.

Shapes: ``image_embeds`` [N, D] (L2-normalised), ``text_embeds`` [N, D] (row i is the caption of image i).

Recipes (docs/method.md §2):
- "original": max-violation hinge on image x fused-text scores + 5 x margin ranking of true vs negative caption
  on plain CLIP text (original model/utils.py `WinoLoss` and `MarginLoss`, model/train.py).
- "infonce": CLIP's symmetric InfoNCE where the negative captions are extra text columns (NegCLIP).
- "infonce+hinge": both of the above minus the margin-ranking term.
- "sigmoid": SigLIP's pairwise sigmoid loss (Zhai et al. 2023, arXiv 2303.15343, §3.1) where the negative captions
  are extra text columns, labelled negative for every image (the sigmoid analogue of NegCLIP's extra columns).

On SigLIP towers the hinge and margin terms ("original", "infonce+hinge") score with the cosine inside the sigmoid
logits `exp(logit_scale) * cos + logit_bias`, which ranks exactly as the logits do; the margins keep the original's
cosine units.
"""

import torch
import torch.nn.functional as F


# The original hides the positive pair from the hardest-negative search by subtracting 10 on the diagonal
# (model/utils.py, `WinoLoss.forward`); with scores bounded by |1 + knowledge_weight| this equals masking.
DIAGONAL_PENALTY = 10.0


def max_violation_hinge_loss(
    image_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    margin: float = 0.2,
    text_to_image_mean: bool = False,
) -> dict[str, torch.Tensor]:
    """VSE++ max-violation hinge in both directions on S = image_embeds @ text_embeds.T (no logit scale).

    image->text: for each image, the hardest wrong caption; text->image: for each caption, the hardest wrong
    image, or (``text_to_image_mean=True``, the original's first 100 steps) the mean over all images, positive
    included. Returns ``{"hinge_loss": mean_i(relu(i2t_i) + relu(t2i_i))}``.
    """
    scores = image_embeds @ text_embeds.t()
    positive = scores.diagonal()
    penalty = DIAGONAL_PENALTY * torch.eye(scores.shape[0], device=scores.device, dtype=scores.dtype)
    hardest_text = (scores - penalty).max(dim=1).values
    scores_per_text = scores.t()
    if text_to_image_mean:
        hardest_image = scores_per_text.mean(dim=1)
    else:
        hardest_image = (scores_per_text - penalty).max(dim=1).values
    violations = F.relu(hardest_text + margin - positive) + F.relu(hardest_image + margin - positive)
    return {"hinge_loss": violations.mean()}


def negative_margin_ranking_loss(
    image_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    negative_text_embeds: torch.Tensor,
    margin: float = 0.1,
    weight: float = 5.0,
    negative_mask: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """``weight * MarginRankingLoss(margin)(diag(I T+^T), diag(I T-^T), y=1)`` over rows that have a negative.

    In the original recipe ``text_embeds`` / ``negative_text_embeds`` are the normalised *plain* CLIP text of the
    true / negative captions (the KEE takes no part). ``negative_mask`` [N] (1 = row has a real negative) drops
    rows for which no negative could be built; with no such row at all the term is 0 (still in the graph).
    """
    positive = (image_embeds * text_embeds).sum(dim=-1)
    negative = (image_embeds * negative_text_embeds).sum(dim=-1)
    per_row = F.relu(margin - (positive - negative))
    if negative_mask is None:
        return {"negative_loss": weight * per_row.mean()}
    keep = negative_mask.to(per_row.dtype)
    return {"negative_loss": weight * (per_row * keep).sum() / keep.sum().clamp(min=1.0)}


def infonce_with_hard_negatives_loss(
    image_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    logit_scale: torch.Tensor,
    negative_text_embeds: torch.Tensor | None = None,
    negative_mask: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """Symmetric CLIP InfoNCE; negative captions are extra columns of the image->text softmax (NegCLIP).

    ``logit_scale`` is the already exponentiated temperature. Negative columns whose ``negative_mask`` is 0 are
    removed from every softmax. The text->image direction uses only the true captions, as in NegCLIP.
    Returns ``{"contrastive_loss": (CE(image->text) + CE(text->image)) / 2}``.
    """
    labels = torch.arange(image_embeds.shape[0], device=image_embeds.device)
    logits_per_text = logit_scale * text_embeds @ image_embeds.t()
    candidate_texts = text_embeds
    if negative_text_embeds is not None:
        candidate_texts = torch.cat([text_embeds, negative_text_embeds], dim=0)
    logits_per_image = logit_scale * image_embeds @ candidate_texts.t()
    if negative_text_embeds is not None and negative_mask is not None:
        keep_column = torch.cat([torch.ones_like(negative_mask, dtype=torch.bool), negative_mask.bool()])
        logits_per_image = logits_per_image.masked_fill(~keep_column[None, :], torch.finfo(logits_per_image.dtype).min)
    loss = (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2
    return {"contrastive_loss": loss}


def sigmoid_with_hard_negatives_loss(
    image_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    logit_scale: torch.Tensor,
    logit_bias: torch.Tensor,
    negative_text_embeds: torch.Tensor | None = None,
    negative_mask: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """SigLIP's pairwise sigmoid loss; negative captions are extra text columns, negative for every image.

    ``logit_scale`` is the already exponentiated temperature, ``logit_bias`` the learnt bias. Each image row sums
    ``-log sigmoid(z * (logit_scale * cos + logit_bias))`` over its columns (z = +1 on its own caption, -1
    elsewhere) and the rows are averaged, as `SiglipModel.forward` and big_vision's siglip.py do; negative columns
    whose ``negative_mask`` is 0 are left out. Returns ``{"sigmoid_loss": ...}``.
    """
    candidate_texts, keep_column = text_embeds, None
    if negative_text_embeds is not None:
        candidate_texts = torch.cat([text_embeds, negative_text_embeds], dim=0)
        if negative_mask is not None:
            keep_column = torch.cat([torch.ones_like(negative_mask, dtype=torch.bool), negative_mask.bool()])
    logits = logit_scale * image_embeds @ candidate_texts.t() + logit_bias
    labels = -torch.ones_like(logits)
    labels[:, : image_embeds.shape[0]] += 2 * torch.eye(image_embeds.shape[0], device=logits.device)
    pair_losses = -F.logsigmoid(labels * logits)
    if keep_column is not None:
        pair_losses = pair_losses * keep_column.to(pair_losses.dtype)[None, :]
    return {"sigmoid_loss": pair_losses.sum(dim=1).mean()}


def structure_clip_losses(
    recipe: str,
    image_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    plain_text_embeds: torch.Tensor | None = None,
    negative_text_embeds: torch.Tensor | None = None,
    negative_plain_text_embeds: torch.Tensor | None = None,
    negative_mask: torch.Tensor | None = None,
    logit_scale: torch.Tensor | None = None,
    logit_bias: torch.Tensor | None = None,
    hinge_margin: float = 0.2,
    hinge_text_to_image_mean: bool = False,
    negative_margin: float = 0.1,
    negative_loss_weight: float = 5.0,
    negative_margin_text: str = "plain",
) -> dict[str, torch.Tensor]:
    """All terms of one recipe; ``sum(terms.values())`` is the training loss.

    ``text_embeds`` / ``negative_text_embeds`` are fused (CLIP + KEE) texts, ``*plain_text_embeds`` plain CLIP
    text, all as the model scores them. Terms that need negatives are left out when no negatives are given.
    ``negative_margin_text`` picks the texts of the original recipe's margin-ranking term: "plain" (the original's)
    or "fused" (the true and negative captions as evaluation scores them, each with its own triples).
    """
    terms: dict[str, torch.Tensor] = {}
    if recipe in ("original", "infonce+hinge"):
        terms.update(max_violation_hinge_loss(image_embeds, text_embeds, hinge_margin, hinge_text_to_image_mean))
    fused = negative_margin_text == "fused"
    ranked_negatives = negative_text_embeds if fused else negative_plain_text_embeds
    if recipe == "original" and ranked_negatives is not None:
        terms.update(
            negative_margin_ranking_loss(
                image_embeds,
                text_embeds if fused else plain_text_embeds,
                ranked_negatives,
                negative_margin,
                negative_loss_weight,
                negative_mask,
            )
        )
    if recipe in ("infonce", "infonce+hinge"):
        if logit_scale is None:
            raise ValueError(f"loss recipe {recipe!r} needs `logit_scale` (the exponentiated CLIP temperature).")
        terms.update(
            infonce_with_hard_negatives_loss(
                image_embeds, text_embeds, logit_scale, negative_text_embeds, negative_mask
            )
        )
    if recipe == "sigmoid":
        if logit_scale is None or logit_bias is None:
            raise ValueError("loss recipe 'sigmoid' needs `logit_scale` and `logit_bias` (a SigLIP backbone's).")
        terms.update(
            sigmoid_with_hard_negatives_loss(
                image_embeds, text_embeds, logit_scale, logit_bias, negative_text_embeds, negative_mask
            )
        )
    if not terms:
        raise ValueError(
            f"Unknown loss recipe {recipe!r}; expected 'original', 'infonce', 'infonce+hinge' or 'sigmoid'."
        )
    return terms


def embeddings_used_by_recipe(
    recipe: str, has_negatives: bool, negative_margin_text: str = "plain"
) -> tuple[str, ...]:
    """Names of the `structure_clip_losses` embedding arguments that `recipe` reads, so that a distributed loop
    all-gathers only those. Mirrors the branches of `structure_clip_losses`."""
    names = ("image_embeds", "text_embeds")
    if not has_negatives:
        return names
    if recipe == "original" and negative_margin_text == "plain":  # the margin-ranking term compares plain CLIP texts
        return (*names, "plain_text_embeds", "negative_plain_text_embeds")
    return (*names, "negative_text_embeds")  # NegCLIP columns are fused texts


def hinge_warmup_active(config, optimizer_step: int | None) -> bool:
    """The original averages the hinge's text->image direction over its first 100 optimizer steps of epoch 0
    (zjukg/Structure-CLIP model/train.py, `epoch == 0 and i < 100`; docs/method.md §2). `optimizer_step` counts
    completed optimizer steps, so every micro-batch of one gradient-accumulation window shares it; None (no
    training loop, e.g. evaluation or a pipeline) means no warm-up."""
    return optimizer_step is not None and optimizer_step < config.hinge_warmup_steps


def structure_clip_loss_terms(
    config,
    image_embeds: torch.Tensor,
    text_embeds: torch.Tensor,
    plain_text_embeds: torch.Tensor | None,
    logit_scale_parameter: torch.Tensor,
    negative_text_embeds: torch.Tensor | None = None,
    negative_plain_text_embeds: torch.Tensor | None = None,
    negative_mask: torch.Tensor | None = None,
    optimizer_step: int | None = None,
    logit_bias_parameter: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """The one loss entry point: `config`'s recipe and hyper-parameters on (possibly all-gathered) embeddings.

    `StructureCLIPModel.forward(return_loss=True)`, the multi-process training loss and the Trainer all call this,
    so the recipe, the logit-scale clamp and the warm-up rule exist once. `logit_scale_parameter` is the model's
    log-scale parameter (exponentiated here; clamped as CLIP does, but not for the sigmoid loss, which SigLIP
    trains unclamped) and `logit_bias_parameter` a SigLIP backbone's bias (None for CLIP). The terms are computed in float32 with
    autocast off, whatever the caller's precision, so one process and several (which all-gather float32
    embeddings) train the same loss."""

    def as_float(tensor):
        return tensor.float() if tensor is not None else None

    with torch.autocast(device_type=image_embeds.device.type, enabled=False):
        return structure_clip_losses(
            config.loss_recipe,
            as_float(image_embeds),
            as_float(text_embeds),
            plain_text_embeds=as_float(plain_text_embeds),
            negative_text_embeds=as_float(negative_text_embeds),
            negative_plain_text_embeds=as_float(negative_plain_text_embeds),
            negative_mask=negative_mask,
            logit_scale=_exponentiated_scale(config, logit_scale_parameter),
            logit_bias=as_float(logit_bias_parameter),
            hinge_margin=config.hinge_margin,
            hinge_text_to_image_mean=hinge_warmup_active(config, optimizer_step),
            negative_margin=config.negative_margin,
            negative_loss_weight=config.negative_loss_weight,
            negative_margin_text=config.negative_margin_text,
        )


def _exponentiated_scale(config, logit_scale_parameter: torch.Tensor) -> torch.Tensor:
    """exp(logit_scale): clamped at `max_logit_scale` for InfoNCE (CLIP's training rule); left as it is for the
    sigmoid loss (big_vision's siglip.py does not clamp, and trained SigLIP scales exceed CLIP's clamp of 100)."""
    scale = logit_scale_parameter.float().exp()
    return scale if config.loss_recipe == "sigmoid" else scale.clamp(max=config.max_logit_scale)


__all__ = [
    "embeddings_used_by_recipe",
    "hinge_warmup_active",
    "infonce_with_hard_negatives_loss",
    "max_violation_hinge_loss",
    "negative_margin_ranking_loss",
    "sigmoid_with_hard_negatives_loss",
    "structure_clip_loss_terms",
    "structure_clip_losses",
]
