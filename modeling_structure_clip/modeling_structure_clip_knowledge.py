"""The Knowledge-Enhanced Encoder (KEE) of Structure-CLIP, built from transformers' own BERT layers.

docs/method.md §1: each head/relation/tail phrase (5 BERT tokens) goes through BERT's embedding layer only and is
mean-pooled; a triple is `h + r - t`; the triple vectors of a caption (no position embedding, no CLS) run through
6 BERT layers under the slot mask; the caption's knowledge is the state of slot 0. The projection to CLIP's space
lives in `StructureCLIPModel` (`knowledge_projection`).

Weight keys are standard BERT ones: `embeddings.*` and `encoder.layer.{i}.*`.
Shipped to the Hub as remote code: flat, only relative sibling imports.
"""

import torch
from torch import nn
from transformers import PreTrainedModel
from transformers import initialization as init
from transformers.modeling_outputs import BaseModelOutputWithPooling
from transformers.models.bert.modeling_bert import BertEmbeddings, BertEncoder, BertLayer, BertSelfAttention
from transformers.utils.output_capturing import capture_outputs

from .configuration_structure_clip import StructureCLIPKnowledgeConfig


# transformers 4.19, which the original ran on, masked attention with an additive -10000
# (`ModuleUtilsMixin.get_extended_attention_mask`); docs/method.md §1.
ORIGINAL_MASK_VALUE = -10000.0


def _uses_safe_init(cls) -> bool:
    """`is_custom_code` override: the Structure-CLIP `_init_weights` methods only use `transformers.initialization`, which already
    skips loaded tensors. The remote-code guard (True) marks parameter-less modules such as `CLIPAttention` as done
    before CLIP's own `_init_weights` sees them, so fresh towers would differ between `__init__` and
    `from_pretrained`; with False they are initialised exactly as in `CLIPModel`."""
    return False


def _autocast_dtype(device: torch.device, default: torch.dtype) -> torch.dtype:
    """The dtype autocast computes in on `device`, or `default` when autocast is off there."""
    if torch.is_autocast_enabled(device.type):
        return torch.get_autocast_dtype(device.type)
    return default


class StructureCLIPKnowledgeModel(PreTrainedModel):
    """The Knowledge-Enhanced Encoder without its projection: BERT embeddings + BERT layers over triple slots.

    Input: head/relation/tail phrase token ids [batch, slots, phrase_length] and a slot mask [batch, slots].
    Output: `last_hidden_state` [batch, slots, hidden] and `pooler_output` [batch, hidden] (the pooled slot state).
    """

    config_class = StructureCLIPKnowledgeConfig
    base_model_prefix = "knowledge_model"
    main_input_name = "head_ids"
    supports_gradient_checkpointing = True
    # BERT's layers dispatch through ALL_ATTENTION_FUNCTIONS (transformers 5 modeling_bert.py); `attention_arguments`
    # hands the slot mask to each backend in the form it reads correctly.
    _supports_sdpa = True
    _supports_flex_attn = True
    _supports_attention_backend = True
    _no_split_modules = ["BertEmbeddings", "BertLayer"]
    _can_record_outputs = {"hidden_states": BertLayer, "attentions": BertSelfAttention}
    is_custom_code = classmethod(_uses_safe_init)

    def __init__(self, config: StructureCLIPKnowledgeConfig):
        config.validate()  # choices changed after construction are checked here (see StructureCLIPModel)
        super().__init__(config)
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.post_init()

    def _init_weights(self, module):
        super()._init_weights(module)
        # Non-persistent buffers are not in checkpoints; they must be (re)built here, as BertPreTrainedModel does.
        if isinstance(module, BertEmbeddings):
            init.copy_(module.position_ids, torch.arange(module.position_ids.shape[-1]).expand((1, -1)))
            init.zeros_(module.token_type_ids)

    def get_input_embeddings(self) -> nn.Module:
        return self.embeddings.word_embeddings

    def set_input_embeddings(self, value: nn.Module):
        self.embeddings.word_embeddings = value

    def embed_phrases(self, phrase_ids: torch.LongTensor) -> torch.Tensor:
        """[..., phrase_length] token ids -> [..., hidden]: BERT embedding layer only, then pooled over tokens.

        Original model/bert.py: word + position (0..4) + token type 0, LayerNorm, dropout, then
        `torch.mean(embedding_output, dim=1)` over all positions, specials and padding included.
        """
        leading_shape, phrase_length = phrase_ids.shape[:-1], phrase_ids.shape[-1]
        flat_ids = phrase_ids.reshape(-1, phrase_length)
        token_states = self.embeddings(input_ids=flat_ids)
        if self.config.phrase_pooling == "mean_all_positions":
            pooled = token_states.mean(dim=1)
        else:
            keep = (flat_ids != self.config.pad_token_id).to(token_states.dtype).unsqueeze(-1)
            pooled = (token_states * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
        return pooled.reshape(*leading_shape, -1)

    def slot_attention_mask(self, triple_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """[batch, slots] (1 = real triple) -> additive mask [batch, 1, 1, slots] for eager and SDPA attention.

        A caption with no triple masks every slot alike, which (softmax being shift-invariant) leaves attention in
        effect unmasked: never NaN, unlike a boolean / -inf mask. (In float32, scores shifted by -10000 keep only
        about 3 decimals; the original shares that rounding, and the equations test reproduces it.)
        """
        if self.config.slot_masking == "additive_10000":
            mask_value = ORIGINAL_MASK_VALUE
        else:
            # Under autocast the scores are computed in the autocast dtype: float32's minimum would round to -inf
            # there (float16 always, bfloat16 too), and a fully masked row would then give NaN.
            mask_value = max(torch.finfo(dtype).min, torch.finfo(_autocast_dtype(triple_mask.device, dtype)).min)
        return (1.0 - triple_mask.to(dtype))[:, None, None, :] * mask_value

    def attention_arguments(self, slot_mask: torch.Tensor) -> dict:
        """The additive slot mask as the encoder's keyword arguments for `config._attn_implementation`.

        Eager and SDPA add a float `attention_mask` to the scores. transformers 5.24's `flex_attention_forward`
        (src/transformers/integrations/flex_attention.py) adds it as `score_mask[batch_idx][0][q_idx][kv_idx]`:
        a [batch, 1, 1, slots] mask has no query axis to index (inductor: "index out of bounds"), and even a
        [batch, 1, slots, slots] one, compiled for CPU by torch 2.13, gives wrong scores and then aborts with
        "double free or corruption". Its `position_bias`, added as `position_bias[b, h, q, kv]`, is the same
        additive term without that chained indexing and matches eager (`pytest tests/test_model_forward_signature.py`,
        masked and unmasked slots), so under flex attention the mask travels as that.
        """
        if self.config._attn_implementation != "flex_attention":
            return {"attention_mask": slot_mask}
        batch_size, slots = slot_mask.shape[0], slot_mask.shape[-1]
        bias = slot_mask.expand(batch_size, self.config.num_attention_heads, slots, slots)
        return {"attention_mask": None, "position_bias": bias}

    @capture_outputs
    def forward(
        self,
        head_ids: torch.LongTensor,
        relation_ids: torch.LongTensor,
        tail_ids: torch.LongTensor,
        triple_mask: torch.Tensor,
        triple_composition: str = "h+r-t",
        **kwargs,
    ) -> BaseModelOutputWithPooling:
        # One embedding call for all three phrase kinds: identical per-token arithmetic, a third of the calls.
        phrases = torch.stack([head_ids, relation_ids, tail_ids], dim=0)
        head, relation, tail = self.embed_phrases(phrases).unbind(dim=0)
        # Original model/bert.py: `head_embedding + rel_embedding - tail_embedding` (order-sensitive).
        triples = head + relation - tail if triple_composition == "h+r-t" else head + relation + tail
        attention = self.attention_arguments(self.slot_attention_mask(triple_mask, triples.dtype))
        hidden = self.encoder(triples, **attention, **kwargs).last_hidden_state
        return BaseModelOutputWithPooling(last_hidden_state=hidden, pooler_output=self.pool_slots(hidden, triple_mask))

    def pool_slots(self, hidden: torch.Tensor, triple_mask: torch.Tensor) -> torch.Tensor:
        """Original: the state of slot 0 (model/model.py `text_emb[0][:, 0, :]`); or the mean of real slots."""
        if self.config.knowledge_pooling == "slot0":
            return hidden[:, 0]
        weights = triple_mask.to(hidden.dtype)
        # A caption with no triple averages all slots, the same "in effect unmasked" view as its attention.
        weights = torch.where(weights.sum(dim=1, keepdim=True) > 0, weights, torch.ones_like(weights))
        return (hidden * weights.unsqueeze(-1)).sum(dim=1) / weights.sum(dim=1, keepdim=True)


__all__ = ["StructureCLIPKnowledgeModel"]
