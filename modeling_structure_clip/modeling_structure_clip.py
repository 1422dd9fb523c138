"""PyTorch Structure-CLIP (Huang et al., AAAI 2024, arXiv 2305.06152) on top of transformers' CLIP (or SigLIP /
SigLIP 2) and BERT layers.

What is new relative to CLIP (docs/method.md §1), everything else is reused as is:
- phrase embedding: each head/relation/tail phrase (5 BERT tokens) goes through BERT's embedding layer only and
  is mean-pooled;
- triple composition ``e = h + r - t``;
- the Knowledge-Enhanced Encoder (KEE): BERT layers over the triple slots, pooled and projected to CLIP's space;
- fusion ``text = normalize(clip_text) + knowledge_weight * normalize(kee)``, not re-normalised.

Weight layout: ``text_model``, ``vision_model``, ``text_projection``, ``visual_projection`` and ``logit_scale``
have exactly the names of [`CLIPModel`], so a CLIPModel state dict loads as is; on SigLIP towers the names are
those of [`SiglipModel`] / [`Siglip2Model`] (``logit_bias`` added, the projections are the towers' heads; see
modeling_structure_clip_towers.py). The KEE is
``knowledge_model.embeddings.*`` / ``knowledge_model.encoder.layer.{i}.*`` (standard BERT keys) and
``knowledge_projection.{weight,bias}`` (the original's ``transformer.linear``).

This file is shipped to the Hub as remote code: flat, only relative sibling imports, no `@auto_docstring`.
"""

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PreTrainedModel
from transformers import initialization as init
from transformers.modeling_outputs import BaseModelOutputWithPooling
from transformers.processing_utils import Unpack
from transformers.utils import ModelOutput, TransformersKwargs, logging
from transformers.utils.generic import can_return_tuple

from .configuration_structure_clip import StructureCLIPConfig
from .losses_structure_clip import structure_clip_loss_terms
from .modeling_structure_clip_inputs import StructureCLIPInputChecks
from .modeling_structure_clip_knowledge import StructureCLIPKnowledgeModel, _uses_safe_init
from .modeling_structure_clip_pretrained import SUPPORTED_BACKBONE_MODEL_TYPES, load_from_backbone
from .modeling_structure_clip_towers import (
    TOWER_NO_SPLIT_MODULES,
    add_logit_parameters,
    add_projections,
    build_towers,
    project_image,
    project_text,
    vision_tower_inputs,
)


logger = logging.get_logger(__name__)


@dataclass
class StructureCLIPOutput(ModelOutput):
    r"""
    loss (`torch.Tensor` of shape `()`, *optional*, returned when `return_loss=True`):
        Sum of the loss terms of `config.loss_recipe` (see `hinge_loss`, `negative_loss`, `contrastive_loss`,
        `sigmoid_loss`).
    logits_per_image (`torch.Tensor` of shape `(image_batch_size, text_batch_size)`):
        `image_embeds @ text_embeds.T`, times `exp(logit_scale)` (plus `logit_bias` on SigLIP towers, whose
        probabilities are their sigmoid) when `config.scale_logits` (ranking unchanged).
    logits_per_text (`torch.Tensor` of shape `(text_batch_size, image_batch_size)`):
        Transpose of `logits_per_image`.
    text_embeds (`torch.Tensor` of shape `(text_batch_size, projection_dim)`):
        Fused text `normalize(clip_text) + knowledge_weight * knowledge_embeds`; not unit norm unless
        `config.renormalize_fused_text`. This is the vector the model scores with: do not re-normalise it.
    image_embeds (`torch.Tensor` of shape `(image_batch_size, projection_dim)`):
        L2-normalised projected image embedding.
    knowledge_embeds (`torch.Tensor` of shape `(text_batch_size, projection_dim)`):
        L2-normalised KEE output (zero for captions without triples when `empty_caption_knowledge="zero"`).
    plain_text_embeds (`torch.Tensor` of shape `(text_batch_size, projection_dim)`):
        L2-normalised plain CLIP text embedding, without knowledge.
    hinge_loss, negative_loss, contrastive_loss, sigmoid_loss (`torch.Tensor` of shape `()`, *optional*):
        The individual loss terms; `None` when the recipe has no such term or it could not be computed.
    text_model_output, vision_model_output (`BaseModelOutputWithPooling`):
        Outputs of the CLIP towers (their `pooler_output` is the unprojected pooled state, as in CLIPModel).
    knowledge_model_output (`BaseModelOutputWithPooling`, *optional*):
        Output of the KEE over the triple slots; `None` when it was not run.
    negative_text_embeds, negative_plain_text_embeds (`torch.Tensor` of shape `(text_batch_size, projection_dim)`):
        Fused and plain embeddings of the negative captions, when `negative_input_ids` are given (so a
        distributed loop can all-gather them and call the loss functions itself). With `return_loss=True` and
        `loss_recipe="original"` and `negative_margin_text="plain"` (the original's), which never use fused
        negatives, `negative_text_embeds` is `None` (no KEE pass).
    """

    loss: torch.Tensor | None = None
    logits_per_image: torch.Tensor | None = None
    logits_per_text: torch.Tensor | None = None
    text_embeds: torch.Tensor | None = None
    image_embeds: torch.Tensor | None = None
    knowledge_embeds: torch.Tensor | None = None
    plain_text_embeds: torch.Tensor | None = None
    hinge_loss: torch.Tensor | None = None
    negative_loss: torch.Tensor | None = None
    contrastive_loss: torch.Tensor | None = None
    sigmoid_loss: torch.Tensor | None = None
    text_model_output: BaseModelOutputWithPooling | None = None
    vision_model_output: BaseModelOutputWithPooling | None = None
    knowledge_model_output: BaseModelOutputWithPooling | None = None
    negative_text_embeds: torch.Tensor | None = None
    negative_plain_text_embeds: torch.Tensor | None = None

    def to_tuple(self) -> tuple[Any, ...]:
        return tuple(v.to_tuple() if isinstance(v, ModelOutput) else v for v in self.values())


@dataclass
class StructureCLIPTextFeaturesOutput(ModelOutput):
    r"""
    Returned by [`StructureCLIPModel.get_text_features`].

    pooler_output (`torch.Tensor` of shape `(batch_size, projection_dim)`):
        The fused text embedding the model scores with (same as `StructureCLIPOutput.text_embeds`). Score a
        caption against an image as `pooler_output @ image_features.pooler_output.T`, without re-normalising.
    last_hidden_state, hidden_states, attentions:
        From the CLIP text tower.
    plain_text_embeds, knowledge_embeds (`torch.Tensor` of shape `(batch_size, projection_dim)`):
        The two normalised parts of the fusion.
    """

    last_hidden_state: torch.Tensor | None = None
    pooler_output: torch.Tensor | None = None
    hidden_states: tuple[torch.Tensor, ...] | None = None
    attentions: tuple[torch.Tensor, ...] | None = None
    plain_text_embeds: torch.Tensor | None = None
    knowledge_embeds: torch.Tensor | None = None


class StructureCLIPPreTrainedModel(PreTrainedModel):
    config_class = StructureCLIPConfig
    base_model_prefix = "structure_clip"
    input_modalities = ("image", "text")
    supports_gradient_checkpointing = True
    # The towers are CLIP's and the KEE's layers are BERT's: both route attention through ALL_ATTENTION_FUNCTIONS
    # and declare these backends (transformers 5 modeling_clip.py, modeling_bert.py).
    _supports_sdpa = True
    _supports_flash_attn = True
    _supports_flex_attn = True
    _supports_attention_backend = True
    _no_split_modules = [*TOWER_NO_SPLIT_MODULES, "BertEmbeddings", "BertLayer"]
    is_custom_code = classmethod(_uses_safe_init)

    def _init_weights(self, module):
        super()._init_weights(module)
        factor = self.config.initializer_factor
        if isinstance(module, StructureCLIPModel):
            if hasattr(module, "text_projection"):  # CLIP towers; SigLIP's heads are initialised by SigLIP
                init.normal_(module.text_projection.weight, std=module.text_embed_dim**-0.5 * factor)
                init.normal_(module.visual_projection.weight, std=module.vision_embed_dim**-0.5 * factor)
            init.normal_(module.knowledge_projection.weight, std=module.knowledge_embed_dim**-0.5 * factor)
            init.zeros_(module.knowledge_projection.bias)
            init.constant_(module.logit_scale, self.config.logit_scale_init_value)
            if hasattr(module, "logit_bias"):
                init.constant_(module.logit_bias, self.config.logit_bias_init_value)


class StructureCLIPModel(StructureCLIPInputChecks, StructureCLIPPreTrainedModel):
    """Structure-CLIP: CLIP (or SigLIP / SigLIP 2) whose text embedding is enriched by a scene-graph
    Knowledge-Enhanced Encoder."""

    def __init__(self, config: StructureCLIPConfig):
        # @strict checks choices at construction and save only; a field changed in between must not
        # reach a module that would silently take its other branch.
        config.validate()
        super().__init__(config)
        self.text_embed_dim = config.text_config.hidden_size
        self.vision_embed_dim = config.vision_config.hidden_size
        self.knowledge_embed_dim = config.knowledge_config.hidden_size

        # Registration order fixes the initialisation order, hence the random weights a seed gives: CLIP's
        # order (towers, KEE, projections, logit scale) is kept.
        self.text_model, self.vision_model = build_towers(config)
        self.knowledge_model = StructureCLIPKnowledgeModel._from_config(config.knowledge_config)
        add_projections(self, config)
        # The original's `transformer.linear`, Linear(768, 512) with bias, to the towers' shared width.
        self.knowledge_projection = nn.Linear(self.knowledge_embed_dim, config.projection_dim)
        add_logit_parameters(self, config)
        self.post_init()

    # ----------------------------------------------------------------------------------------- encoders
    def _empty_triples(self, batch_size: int, device: torch.device) -> tuple[torch.Tensor, ...]:
        """No triples, as the original encodes them: every slot "[CLS] [SEP] [PAD]..." and an all-zero mask."""
        knowledge = self.config.knowledge_config
        phrase = torch.full((self.config.phrase_length,), knowledge.pad_token_id, dtype=torch.long, device=device)
        phrase[0], phrase[1] = knowledge.cls_token_id, knowledge.sep_token_id
        phrases = phrase.expand(batch_size, self.config.max_triples, -1)
        mask = torch.zeros(batch_size, self.config.max_triples, dtype=torch.long, device=device)
        return phrases, phrases, phrases, mask

    def _derive_triple_mask(self, head_ids, relation_ids, tail_ids) -> torch.Tensor:
        """A slot is real when any of its phrases holds a token other than [CLS]/[SEP]/[PAD]."""
        knowledge = self.config.knowledge_config
        specials = torch.tensor(
            [knowledge.pad_token_id, knowledge.cls_token_id, knowledge.sep_token_id], device=head_ids.device
        )
        phrases = torch.stack([head_ids, relation_ids, tail_ids], dim=0)
        return (~torch.isin(phrases, specials)).any(dim=-1).any(dim=0).long()

    def encode_knowledge(
        self, head_ids=None, relation_ids=None, tail_ids=None, triple_mask=None, batch_size=None, device=None, **kwargs
    ) -> tuple[torch.Tensor, BaseModelOutputWithPooling | None]:
        """Normalised KEE vectors [batch, projection_dim] and the KEE output (None when it was skipped)."""
        knowledge = self.config.knowledge_config
        if head_ids is None:
            if knowledge.empty_caption_knowledge == "zero":
                dtype = self.knowledge_projection.weight.dtype
                return torch.zeros(batch_size, self.config.projection_dim, device=device, dtype=dtype), None
            head_ids, relation_ids, tail_ids, triple_mask = self._empty_triples(batch_size, device)
        elif triple_mask is None:
            triple_mask = self._derive_triple_mask(head_ids, relation_ids, tail_ids)
        outputs = self.knowledge_model(
            head_ids, relation_ids, tail_ids, triple_mask, self.config.triple_composition, return_dict=True, **kwargs
        )
        knowledge_embeds = F.normalize(self.knowledge_projection(outputs.pooler_output), dim=-1)
        if knowledge.empty_caption_knowledge == "zero":
            has_triples = (triple_mask > 0).any(dim=-1, keepdim=True)
            knowledge_embeds = knowledge_embeds * has_triples.to(knowledge_embeds.dtype)
        return knowledge_embeds, outputs

    def _encode_text(
        self, input_ids, attention_mask, head_ids, relation_ids, tail_ids, triple_mask, with_knowledge=True,
        position_ids=None, **kwargs,
    ):  # fmt: skip
        text_outputs = self.text_model(
            input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, return_dict=True, **kwargs
        )
        plain_text_embeds = F.normalize(project_text(self, text_outputs.pooler_output), dim=-1)
        if not with_knowledge:
            return None, plain_text_embeds, None, text_outputs, None
        knowledge_embeds, knowledge_outputs = self.encode_knowledge(
            head_ids, relation_ids, tail_ids, triple_mask, input_ids.shape[0], input_ids.device, **kwargs
        )
        fused = plain_text_embeds + self.config.knowledge_weight * knowledge_embeds
        if self.config.renormalize_fused_text:
            fused = F.normalize(fused, dim=-1)
        return fused, plain_text_embeds, knowledge_embeds, text_outputs, knowledge_outputs

    def _encode_image(
        self, pixel_values, interpolate_pos_encoding=False, pixel_attention_mask=None, spatial_shapes=None, **kwargs
    ):
        tower_inputs = vision_tower_inputs(
            self.config.backbone, pixel_values, interpolate_pos_encoding, pixel_attention_mask, spatial_shapes
        )
        vision_outputs = self.vision_model(**tower_inputs, return_dict=True, **kwargs)
        image_embeds = F.normalize(project_image(self, vision_outputs.pooler_output), dim=-1)
        return image_embeds, vision_outputs

    @can_return_tuple
    def get_text_features(
        self,
        input_ids: torch.LongTensor,
        attention_mask: torch.Tensor | None = None,
        head_ids: torch.LongTensor | None = None,
        relation_ids: torch.LongTensor | None = None,
        tail_ids: torch.LongTensor | None = None,
        triple_mask: torch.Tensor | None = None,
        **kwargs,
    ) -> StructureCLIPTextFeaturesOutput:
        """Fused text embeddings, returned as `.pooler_output` (transformers 5 CLIPModel convention).

        Unlike CLIPModel, `.pooler_output` is already the final scoring vector
        `normalize(clip_text) + knowledge_weight * normalize(kee)`: score with a plain dot product against
        `get_image_features(...).pooler_output` and do not re-normalise it (the original does not).
        Caveat: generic CLIP code L2-normalises text features before scoring; on this fused vector that
        changes the ranking of captions (their norms differ with the angle between the CLIP and KEE parts), so
        such code scores a different model. Use `forward`'s logits or the plain dot product.
        Missing triples mean "this caption has no triples", exactly as in the original.
        """
        self._check_text_inputs("input_ids", input_ids, attention_mask)
        self._check_triples("", input_ids.shape[0], head_ids, relation_ids, tail_ids, triple_mask)
        fused, plain, knowledge, text_outputs, _ = self._encode_text(
            input_ids, attention_mask, head_ids, relation_ids, tail_ids, triple_mask, **kwargs
        )
        return StructureCLIPTextFeaturesOutput(
            last_hidden_state=text_outputs.last_hidden_state,
            pooler_output=fused,
            hidden_states=text_outputs.hidden_states,
            attentions=text_outputs.attentions,
            plain_text_embeds=plain,
            knowledge_embeds=knowledge,
        )

    @can_return_tuple
    def get_image_features(
        self,
        pixel_values: torch.Tensor,
        interpolate_pos_encoding: bool = False,
        pixel_attention_mask: torch.Tensor | None = None,
        spatial_shapes: torch.LongTensor | None = None,
        **kwargs,
    ) -> BaseModelOutputWithPooling:
        """Image embeddings as `.pooler_output`: projected and L2-normalised, the vector the model scores with.

        (CLIPModel returns the unnormalised projection; normalising it yourself gives the same vector. The text
        side is different: see the caveat in `get_text_features`.) SigLIP 2 towers take patch sequences with
        `pixel_attention_mask` and `spatial_shapes`, as its image processor makes them.
        """
        self._check_image_inputs(pixel_values, interpolate_pos_encoding, pixel_attention_mask, spatial_shapes)
        image_embeds, vision_outputs = self._encode_image(
            pixel_values, interpolate_pos_encoding, pixel_attention_mask, spatial_shapes, **kwargs
        )
        return BaseModelOutputWithPooling(
            last_hidden_state=vision_outputs.last_hidden_state,
            pooler_output=image_embeds,
            hidden_states=vision_outputs.hidden_states,
            attentions=vision_outputs.attentions,
        )

    # ----------------------------------------------------------------------------------------- forward
    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        pixel_values: torch.FloatTensor | None = None,
        attention_mask: torch.Tensor | None = None,
        position_ids: torch.LongTensor | None = None,
        return_loss: bool | None = None,
        interpolate_pos_encoding: bool = False,
        head_ids: torch.LongTensor | None = None,
        relation_ids: torch.LongTensor | None = None,
        tail_ids: torch.LongTensor | None = None,
        triple_mask: torch.Tensor | None = None,
        negative_input_ids: torch.LongTensor | None = None,
        negative_attention_mask: torch.Tensor | None = None,
        negative_head_ids: torch.LongTensor | None = None,
        negative_relation_ids: torch.LongTensor | None = None,
        negative_tail_ids: torch.LongTensor | None = None,
        negative_triple_mask: torch.Tensor | None = None,
        negative_mask: torch.Tensor | None = None,
        optimizer_step: int | None = None,
        pixel_attention_mask: torch.Tensor | None = None,
        spatial_shapes: torch.LongTensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs: Unpack[TransformersKwargs],
    ) -> StructureCLIPOutput | tuple:
        r"""
        The arguments shared with [`CLIPModel.forward`] come first, in its order (`input_ids, pixel_values,
        attention_mask, position_ids, return_loss, interpolate_pos_encoding`), then the Structure-CLIP inputs.

        Args:
            input_ids, attention_mask: CLIP-tokenised captions, [batch, sequence_length].
            pixel_values: images, [batch, channels, height, width] (as the CLIP image processor makes them).
            position_ids: positions of the caption tokens for the CLIP text tower (default: 0..length-1).
            head_ids, relation_ids, tail_ids: BERT-tokenised phrases, [batch, max_triples, phrase_length], each
                phrase "[CLS] <=3 wordpieces [SEP] [PAD]...". Optional: absent means no triples (the original's
                empty slots), so the stock zero-shot pipeline works.
            triple_mask: [batch, max_triples], 1 = real triple. Derived from the phrases when absent.
            negative_*: one hard-negative caption per caption, with its own triples (training only).
            negative_mask: [batch], 1 = the row has a real negative.
            return_loss: compute `config.loss_recipe`; needs as many images as captions. Never on by default.
            optimizer_step: optimizer steps completed so far by the training loop, for the original recipe's hinge
                warm-up (`config.hinge_warmup_steps`); None (the default) means no warm-up.
            pixel_attention_mask, spatial_shapes: SigLIP 2 towers only: which patches of `pixel_values`
                [batch, patches, channels * patch_size**2] are real, and each image's patch grid [batch, 2].
            kwargs: transformers' attention keyword arguments, passed to the towers as `CLIPModel` does.
        """
        return_dict = return_dict if return_dict is not None else self.config.return_dict
        tower_kwargs = {
            name: value
            for name, value in (
                ("output_attentions", output_attentions),
                ("output_hidden_states", output_hidden_states),
            )
            if value is not None
        }
        tower_kwargs.update(kwargs)
        self._validate_forward_inputs(locals())

        # 1. Towers, projections and the KEE fusion
        text_embeds, plain_text_embeds, knowledge_embeds, text_outputs, knowledge_outputs = (None,) * 5
        if input_ids is not None:
            text_embeds, plain_text_embeds, knowledge_embeds, text_outputs, knowledge_outputs = self._encode_text(
                input_ids, attention_mask, head_ids, relation_ids, tail_ids, triple_mask,
                position_ids=position_ids, **tower_kwargs,
            )  # fmt: skip
        image_embeds, vision_outputs = None, None
        if pixel_values is not None:
            image_embeds, vision_outputs = self._encode_image(
                pixel_values, interpolate_pos_encoding, pixel_attention_mask, spatial_shapes, **tower_kwargs
            )
        # 2. Logits
        logits_per_image, logits_per_text = self._logits(text_embeds, image_embeds)
        # 3. The hard negatives, then the optional loss
        negative_text_embeds = negative_plain_text_embeds = None
        if negative_input_ids is not None:
            # The original recipe ranks negatives by plain CLIP text only (docs/method.md §2): skip their KEE then.
            plain_ranking = self.config.loss_recipe == "original" and self.config.negative_margin_text == "plain"
            negatives_need_knowledge = not (return_loss and plain_ranking)
            negative_text_embeds, negative_plain_text_embeds, _, _, _ = self._encode_text(
                negative_input_ids, negative_attention_mask,
                negative_head_ids, negative_relation_ids, negative_tail_ids, negative_triple_mask,
                with_knowledge=negatives_need_knowledge,
            )  # fmt: skip
        terms = {}
        if return_loss:
            terms = structure_clip_loss_terms(
                self.config, image_embeds, text_embeds, plain_text_embeds, self.logit_scale,
                negative_text_embeds, negative_plain_text_embeds, negative_mask, optimizer_step,
                getattr(self, "logit_bias", None),
            )  # fmt: skip
        output = StructureCLIPOutput(
            loss=sum(terms.values()) if terms else None,
            logits_per_image=logits_per_image,
            logits_per_text=logits_per_text,
            text_embeds=text_embeds,
            image_embeds=image_embeds,
            knowledge_embeds=knowledge_embeds,
            plain_text_embeds=plain_text_embeds,
            hinge_loss=terms.get("hinge_loss"),
            negative_loss=terms.get("negative_loss"),
            contrastive_loss=terms.get("contrastive_loss"),
            sigmoid_loss=terms.get("sigmoid_loss"),
            text_model_output=text_outputs,
            vision_model_output=vision_outputs,
            knowledge_model_output=knowledge_outputs,
            negative_text_embeds=negative_text_embeds,
            negative_plain_text_embeds=negative_plain_text_embeds,
        )
        return output if return_dict else output.to_tuple()

    def _logits(self, text_embeds, image_embeds) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """(logits_per_image, logits_per_text): dot products, times exp(logit_scale) when `config.scale_logits`,
        plus `logit_bias` on SigLIP towers (SiglipModel.forward's logits, read through a sigmoid)."""
        if text_embeds is None or image_embeds is None:
            return None, None
        logits_per_text = text_embeds @ image_embeds.t().to(text_embeds.device)
        if self.config.scale_logits:
            logits_per_text = logits_per_text * self.logit_scale.exp()
            if self.config.uses_sigmoid_logits:
                logits_per_text = logits_per_text + self.logit_bias
        return logits_per_text.t(), logits_per_text

    # ----------------------------------------------------------------------------------------- saving / init
    def save_pretrained(self, save_directory, *args, **kwargs):
        # `_auto_class` holds one name; the zero-shot entry must be in `auto_map` before the config is written.
        if self._auto_class is not None:
            class_path = f"{type(self).__module__.split('.')[-1]}.{type(self).__name__}"
            auto_map = dict(getattr(self.config, "auto_map", None) or {})
            auto_map.setdefault("AutoModelForZeroShotImageClassification", class_path)
            self.config.auto_map = auto_map
        return super().save_pretrained(save_directory, *args, **kwargs)

    @classmethod
    def from_backbone_pretrained(cls, backbone_path, kee_init=None, **config_overrides) -> "StructureCLIPModel":
        """Structure-CLIP from a `CLIPModel`, `SiglipModel` or `Siglip2Model` checkpoint and, optionally, a BERT
        checkpoint for the KEE (docs/method.md §1: the original started from CLIP ViT-B/32 and bert-base).

        The towers' weights are copied as they are (same key names); with `kee_init`, the KEE gets that BERT's
        embeddings and its first `knowledge_config.num_hidden_layers` layers (6 by default, the original's cut), and
        its config takes the BERT's sizes. The KEE projection (and, without `kee_init`, the whole KEE) is freshly
        initialised. `config_overrides` go to `StructureCLIPConfig` (e.g. `knowledge_weight=0.1`,
        `knowledge_config={"cls_token_id": 2, ...}` for a BERT vocabulary with other special ids). A folder of any
        other model type is refused.
        """
        return load_from_backbone(cls, backbone_path, kee_init, config_overrides, SUPPORTED_BACKBONE_MODEL_TYPES)

    @classmethod
    def from_clip_pretrained(cls, clip_path, kee_init=None, **config_overrides) -> "StructureCLIPModel":
        """[`from_backbone_pretrained`] restricted to `CLIPModel` checkpoints (the paper's towers)."""
        return load_from_backbone(cls, clip_path, kee_init, config_overrides, ("clip",))


__all__ = [
    "StructureCLIPKnowledgeModel",
    "StructureCLIPModel",
    "StructureCLIPOutput",
    "StructureCLIPPreTrainedModel",
    "StructureCLIPTextFeaturesOutput",
]
