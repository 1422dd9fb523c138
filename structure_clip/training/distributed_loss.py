"""The training loss of examples/train.py, with negatives gathered across processes.

`TrainingLossModule` is what Accelerate prepares (and DDP wraps): the model plus its loss. With several
processes it all-gathers the embeddings with gradients, so every contrastive term sees the global batch.
"""

from __future__ import annotations

import warnings

import torch

from processing.processing_structure_clip import TEXT_KEYS, TRIPLE_KEYS


LOSS_TERM_NAMES = ("hinge_loss", "negative_loss", "contrastive_loss", "sigmoid_loss")


def gather_with_grad(tensor: torch.Tensor) -> torch.Tensor:
    """Concatenate a tensor over all ranks, keeping the autograd graph (identity on one process).

    Every rank then computes the loss over the global batch. The backward of all_gather sums each rank's
    gradient into the local slice, and DDP averages over ranks, so parameters get exactly the gradient
    of the global-batch loss.
    """
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return tensor
    if torch.distributed.get_world_size() == 1:
        return tensor
    import torch.distributed.nn.functional as distributed_functional

    with warnings.catch_warnings():
        # torch 2.13 marks it deprecated in favour of private functional collectives; it is still the
        # documented autograd-aware all_gather (backward = reduce-scatter of the gradients).
        warnings.simplefilter("ignore", FutureWarning)
        return torch.cat(distributed_functional.all_gather(tensor.contiguous()), dim=0)


def gather_without_grad(tensor: torch.Tensor) -> torch.Tensor:
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return tensor
    parts = [torch.empty_like(tensor) for _ in range(torch.distributed.get_world_size())]
    torch.distributed.all_gather(parts, tensor.contiguous())
    return torch.cat(parts, dim=0)


def is_structure_clip(model) -> bool:
    return getattr(getattr(model, "config", None), "model_type", None) == "structure_clip"


def _pad_to(tensor: torch.Tensor, length: int, value: int) -> torch.Tensor:
    return torch.nn.functional.pad(tensor, (0, length - tensor.shape[-1]), value=value)


def texts_with_negatives(batch: dict, pad_token_id: int) -> dict:
    """True and negative captions as one text batch of 2N rows (one tower call, one DDP forward).

    Padding the shorter side is harmless for CLIP (it pools at EOS) but would move SigLIP's pooled last position;
    SigLIP captions are padded to one `max_length` by the processor, so there both sides already agree."""
    length = max(batch["input_ids"].shape[-1], batch["negative_input_ids"].shape[-1])
    inputs = {
        "input_ids": torch.cat(
            [
                _pad_to(batch["input_ids"], length, pad_token_id),
                _pad_to(batch["negative_input_ids"], length, pad_token_id),
            ]
        ),
        "attention_mask": torch.cat(
            [_pad_to(batch["attention_mask"], length, 0), _pad_to(batch["negative_attention_mask"], length, 0)]
        ),
    }
    for name in TRIPLE_KEYS:
        positive, negative = batch.get(name), batch.get(f"negative_{name}")
        if (positive is None) != (negative is None):
            # One text batch cannot mix "has triples" and "no triples" rows; the processor emits both.
            raise ValueError(f"gathered loss: `{name}` and `negative_{name}` must be given together")
        if positive is not None:
            inputs[name] = torch.cat([positive, negative])
    return inputs


class TrainingLossModule(torch.nn.Module):
    """What Accelerate prepares (and DDP wraps): the model plus the loss, so one forward yields the loss.

    Single process, or `gather=False`: the model's own loss, `model(**batch).loss`. Several processes with a
    Structure-CLIP model: embeddings of the local batch are all-gathered with gradients and the pure loss
    functions of `losses_structure_clip` run on the global batch, so every caption and image of every rank
    is a negative. Returning only the loss keeps DDP's used-parameter search exact (`logit_scale` is unused
    by the original recipe).
    """

    def __init__(self, model: torch.nn.Module, gather: bool = True):
        super().__init__()
        self.model = model
        self.gather = gather
        self.last_loss_path = None

    def forward(self, optimizer_step: int | None = None, **batch) -> dict:
        """`optimizer_step`: optimizer steps completed so far (the hinge warm-up's clock, see `hinge_warmup_active`)."""
        distributed = torch.distributed.is_available() and torch.distributed.is_initialized()
        if self.gather and distributed and torch.distributed.get_world_size() > 1 and is_structure_clip(self.model):
            self.last_loss_path = "gathered"
            return self.gathered_loss(batch, optimizer_step)
        self.last_loss_path = "local"
        if is_structure_clip(self.model):
            batch = {**batch, "optimizer_step": optimizer_step}
        outputs = self.model(**batch)
        terms = {name: getattr(outputs, name) for name in LOSS_TERM_NAMES if getattr(outputs, name, None) is not None}
        return {"loss": outputs.loss, **terms}

    def gathered_loss(self, batch: dict, optimizer_step: int | None = None) -> dict:
        outputs = self.model(**gathered_loss_inputs(batch, self.model.config))
        return gathered_loss_terms(self.model, outputs, batch, optimizer_step if self.training else None)


def gathered_loss_inputs(batch: dict, config) -> dict:
    """The forward inputs of the gathered loss: images, and true + negative captions as one text batch."""
    if batch.get("negative_input_ids") is not None:
        text_inputs = texts_with_negatives(batch, config.text_config.pad_token_id or 0)
    else:
        text_inputs = {name: batch[name] for name in TEXT_KEYS + TRIPLE_KEYS if batch.get(name) is not None}
    return {"pixel_values": batch["pixel_values"], **text_inputs}


def gathered_loss_terms(model, outputs, batch: dict, optimizer_step: int | None = None) -> dict:
    """The loss of the global batch from one rank's forward `outputs` of `gathered_loss_inputs(batch)`.

    `model` is the unwrapped model (its config and `logit_scale`); `optimizer_step` is None outside training.
    Only the embeddings the recipe reads are all-gathered (`embeddings_used_by_recipe`).
    """
    from modeling_structure_clip.losses_structure_clip import embeddings_used_by_recipe, structure_clip_loss_terms

    size = batch["input_ids"].shape[0]
    has_negatives = batch.get("negative_input_ids") is not None
    local = local_loss_embeddings(outputs, size, has_negatives)
    names = embeddings_used_by_recipe(model.config.loss_recipe, has_negatives, model.config.negative_margin_text)
    negative_mask = None
    if has_negatives:
        negative_mask = batch.get("negative_mask")
        if negative_mask is None:
            negative_mask = torch.ones(size, dtype=torch.long, device=batch["input_ids"].device)
        negative_mask = gather_without_grad(negative_mask)
    with torch.autocast(device_type=batch["input_ids"].device.type, enabled=False):
        gathered = {name: gather_with_grad(local[name].float()) for name in names}
        terms = structure_clip_loss_terms(
            model.config,
            logit_scale_parameter=model.logit_scale.float(),
            logit_bias_parameter=getattr(model, "logit_bias", None),
            negative_mask=negative_mask,
            optimizer_step=optimizer_step,
            **{"plain_text_embeds": None, **gathered},
        )
    return {"loss": sum(terms.values()), **terms, "global_batch_size": gathered["image_embeds"].shape[0]}


def local_loss_embeddings(outputs, size: int, has_negatives: bool) -> dict:
    """This rank's embeddings by loss-argument name; the text batch holds the true captions, then the negatives."""
    embeds = {
        "image_embeds": outputs.image_embeds,
        "text_embeds": outputs.text_embeds[:size],
        "plain_text_embeds": outputs.plain_text_embeds[:size],
    }
    if has_negatives:
        embeds["negative_text_embeds"] = outputs.text_embeds[size:]
        embeds["negative_plain_text_embeds"] = outputs.plain_text_embeds[size:]
    return embeds


def evaluation_loss_of_global_batch(gather_for_metrics, model, batch: dict, outputs) -> tuple[torch.Tensor, int]:
    """(loss, rows) of the global batch of one evaluation step, from each rank's `model(**batch)` `outputs`.

    `gather_for_metrics` (Accelerate's) concatenates the ranks' embeddings and drops the rows that `even_batches`
    repeats to fill the last global batch, so the loss is the one a single process computes on a batch of
    `num_processes x per-device batch` rows. A rank's own `outputs.loss` would instead see only its local rows
    and count the repeated ones as in-batch negatives, so it would change with the number of processes.
    """
    from modeling_structure_clip.losses_structure_clip import embeddings_used_by_recipe, structure_clip_loss_terms

    has_negatives = batch.get("negative_input_ids") is not None
    names = embeddings_used_by_recipe(model.config.loss_recipe, has_negatives, model.config.negative_margin_text)
    gathered = {name: gather_for_metrics(getattr(outputs, name).float()) for name in names}
    negative_mask = None
    if has_negatives:
        negative_mask = batch.get("negative_mask")
        if negative_mask is None:
            negative_mask = torch.ones(batch["input_ids"].shape[0], dtype=torch.long, device=batch["input_ids"].device)
        negative_mask = gather_for_metrics(negative_mask)
    terms = structure_clip_loss_terms(
        model.config,
        logit_scale_parameter=model.logit_scale,
        logit_bias_parameter=getattr(model, "logit_bias", None),
        negative_mask=negative_mask,
        **{"plain_text_embeds": None, **gathered},
    )
    return sum(terms.values()).float(), gathered["image_embeds"].shape[0]
