"""Configuration of Structure-CLIP (Huang et al., AAAI 2024, arXiv 2305.06152).

The config tree mirrors the module tree: ``StructureCLIPConfig`` holds the two CLIP tower configs and the
Knowledge-Enhanced Encoder (KEE) config, plus the fusion and loss fields.

Every place where the original code (github zjukg/Structure-CLIP, commit 1383d68) differs from what one would
design from scratch is a field here, and its default is the original's behaviour (docs/method.md §1 and §2).
The alternative values are the "corrected" behaviour, offered as switches so they can be measured.

Both classes are ``@strict`` like transformers' own configs: field types are checked when set, and the
``validate_*`` methods run at construction and again at ``save_pretrained``, so a value changed after
construction cannot be saved unchecked (and the model never meets a choice it does not know).

This file is shipped to the Hub as remote code: it only imports from ``transformers`` and
``huggingface_hub`` (which transformers itself requires).
"""

from huggingface_hub.dataclasses import strict
from transformers import CLIPTextConfig, CLIPVisionConfig, PreTrainedConfig
from transformers.utils import logging


logger = logging.get_logger(__name__)

PHRASE_POOLINGS = ("mean_all_positions", "masked_mean")
KNOWLEDGE_POOLINGS = ("slot0", "masked_mean")
SLOT_MASKINGS = ("additive_10000", "dtype_min")
EMPTY_CAPTION_KNOWLEDGE = ("null_vector", "zero")
TRIPLE_COMPOSITIONS = ("h+r-t", "h+r+t")
LOSS_RECIPES = ("original", "infonce", "infonce+hinge")


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}, got {value!r}.")


@strict
class StructureCLIPKnowledgeConfig(PreTrainedConfig):
    r"""Config of the Knowledge-Enhanced Encoder: a BERT cut to a few layers that encodes scene-graph triples.

    The BERT fields have the names and meanings of [`BertConfig`], so transformers' own `BertEmbeddings` and
    `BertLayer` can be built from this config. The defaults are bert-base-uncased cut to 6 layers (docs/method.md §1).
    The last four fields select between the original's behaviour and corrected alternatives.
    """

    model_type = "structure_clip_knowledge"
    base_config_key = "knowledge_config"

    vocab_size: int = 30522  # BERT wordpiece vocabulary; bert-base-uncased = 30522
    hidden_size: int = 768  # KEE width; original 768 (bert-base)
    num_hidden_layers: int = 6  # encoder layers over the triple slots; original 6 (bert-base cut to 6)
    num_attention_heads: int = 12  # original 12
    intermediate_size: int = 3072  # feed-forward width; original 3072
    hidden_act: str = "gelu"  # original "gelu" (BERT)
    hidden_dropout_prob: float | int = 0.1  # original 0.1, also applied to the phrase embeddings
    attention_probs_dropout_prob: float | int = 0.1  # original 0.1
    max_position_embeddings: int = 512  # BERT position table; phrases use positions 0..phrase_length-1
    type_vocab_size: int = 2  # BERT token types; phrases always use type 0
    initializer_range: float | int = 0.02  # std of the normal init of fresh KEE weights
    layer_norm_eps: float | int = 1e-12  # BERT LayerNorm epsilon
    pad_token_id: int = 0  # BERT [PAD]; also used to recognise padding for "masked_mean" phrase pooling
    cls_token_id: int = 101  # BERT [CLS]; used to build empty phrases when a caption has no triples
    sep_token_id: int = 102  # BERT [SEP]; used to build empty phrases when a caption has no triples
    is_decoder: bool = False  # required by BertLayer; the KEE is a bidirectional encoder
    add_cross_attention: bool = False  # required by BertLayer; the KEE has no cross-attention

    # How a 5-token phrase becomes one vector. Original: mean over all 5 positions, [CLS]/[SEP]/[PAD] included
    # (original model/bert.py, `torch.mean(embedding_output, dim=1)`). "masked_mean" skips [PAD] positions.
    phrase_pooling: str = "mean_all_positions"
    # Which state of the encoder is the caption's knowledge vector. Original: the state of slot 0
    # (original model/model.py `text_emb[0][:, 0, :]`). "masked_mean" averages the real triple slots.
    knowledge_pooling: str = "slot0"
    # How empty slots are hidden from attention. Original: additive -10000 (transformers 4.19
    # `get_extended_attention_mask`). "dtype_min" uses the most negative float of the dtype.
    slot_masking: str = "additive_10000"
    # What a caption without any triple gets. Original: "null_vector", the encoder output over 6 equally masked
    # empty slots (in effect unmasked), a constant that is still added. "zero" adds nothing (plain CLIP text).
    empty_caption_knowledge: str = "null_vector"

    def validate_kee_shape(self):
        """Part of `@strict` validation (construction and save)."""
        if self.hidden_size % self.num_attention_heads != 0:
            raise ValueError(
                f"KEE hidden_size ({self.hidden_size}) must be a multiple of num_attention_heads "
                f"({self.num_attention_heads})."
            )
        for name in ("pad_token_id", "cls_token_id", "sep_token_id"):
            if not 0 <= getattr(self, name) < self.vocab_size:
                # A warning, as transformers' validate_token_ids: its common tests shrink vocab_size and keep
                # the default ids. Captions without triples need [CLS]/[SEP]/[PAD] ids inside the vocabulary.
                logger.warning_once(f"KEE {name} ({getattr(self, name)}) is not below vocab_size ({self.vocab_size}); "
                                    "captions without triples will fail to embed.")

    def validate_switches(self):
        """Part of `@strict` validation: the model has a code path for these values only."""
        _check_choice("phrase_pooling", self.phrase_pooling, PHRASE_POOLINGS)
        _check_choice("knowledge_pooling", self.knowledge_pooling, KNOWLEDGE_POOLINGS)
        _check_choice("slot_masking", self.slot_masking, SLOT_MASKINGS)
        _check_choice("empty_caption_knowledge", self.empty_caption_knowledge, EMPTY_CAPTION_KNOWLEDGE)


@strict
class StructureCLIPConfig(PreTrainedConfig):
    r"""Config of [`StructureCLIPModel`]: CLIP text and vision towers, the KEE, fusion and training objective.

    The defaults build the paper's model: OpenAI CLIP ViT-B/32 (`openai/clip-vit-base-patch32`) plus a 6-layer
    bert-base KEE, fused with weight 0.2, trained with the original hinge + 5 x margin-ranking objective.

    Example:

    ```python
    >>> from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
    >>> config = StructureCLIPConfig(loss_recipe="infonce")
    >>> model = StructureCLIPModel(config)
    ```
    """

    model_type = "structure_clip"
    sub_configs_defaults = {
        "text_config": CLIPTextConfig,
        "vision_config": CLIPVisionConfig,
        "knowledge_config": StructureCLIPKnowledgeConfig,
    }

    text_config: dict | CLIPTextConfig | None = None  # CLIP text tower; default = ViT-B/32's (width 512, 12 layers)
    vision_config: dict | CLIPVisionConfig | None = None  # CLIP vision tower; default = ViT-B/32's (768 wide)
    knowledge_config: dict | StructureCLIPKnowledgeConfig | None = None  # the KEE; default = bert-base cut to 6 layers
    projection_dim: int = 512  # shared embedding size of text, image and knowledge; ViT-B/32 = 512
    logit_scale_init_value: float | int = 2.6592  # log(1/0.07), CLIP's init; scales `logits_*` and the InfoNCE loss only
    initializer_factor: float | int = 1.0  # CLIP's init scale factor for fresh projection weights

    knowledge_weight: float | int = 0.2  # lambda in text = norm(clip_text) + lambda * norm(kee); original 0.2
    max_triples: int = 6  # triple slots per caption the processor fills; original 6 (the KEE accepts any count)
    phrase_length: int = 5  # BERT tokens per head/relation/tail phrase; original 5: [CLS] <=3 wordpieces [SEP] pad
    triple_composition: str = "h+r-t"  # triple vector from phrase vectors; original "h+r-t" (order-sensitive)
    renormalize_fused_text: bool = False  # L2-normalise the fused text again; original False (norm can exceed 1)
    scale_logits: bool = True  # multiply `logits_*` by exp(logit_scale) like CLIPModel; the original scores are the
    #                            unscaled dot products, which rank identically; losses never depend on this field

    loss_recipe: str = "original"  # "original" (hinge + margin ranking), "infonce" (NegCLIP), "infonce+hinge"
    hinge_margin: float | int = 0.2  # margin of the max-violation (VSE++) hinge on image x fused-text scores; original 0.2
    hinge_warmup_steps: int = 100  # first N training forwards use the column mean for text->image; original 100
    negative_margin: float | int = 0.1  # MarginRankingLoss margin, true vs negative caption (plain CLIP text); original 0.1
    negative_loss_weight: float | int = 5.0  # weight of that margin-ranking term; original 5
    max_logit_scale: float | int = 100.0  # clamp of exp(logit_scale) in the InfoNCE loss, as in CLIP training

    def validate_switches(self):
        """Part of `@strict` validation (construction and save)."""
        _check_choice("triple_composition", self.triple_composition, TRIPLE_COMPOSITIONS)
        _check_choice("loss_recipe", self.loss_recipe, LOSS_RECIPES)

    def validate_sizes(self):
        """Part of `@strict` validation: sizes the modules and the processor layout need."""
        for name, minimum in (("projection_dim", 1), ("max_triples", 1), ("phrase_length", 2),
                              ("hinge_warmup_steps", 0)):
            if getattr(self, name) < minimum:
                raise ValueError(f"`{name}` must be >= {minimum}, got {getattr(self, name)}.")
        if self.knowledge_weight < 0:
            raise ValueError(f"`knowledge_weight` (lambda) must be >= 0, got {self.knowledge_weight}.")
        max_positions = getattr(self.knowledge_config, "max_position_embeddings", None)
        if max_positions is not None and self.phrase_length > max_positions:
            raise ValueError(
                f"phrase_length ({self.phrase_length}) exceeds the KEE's max_position_embeddings ({max_positions})."
            )


__all__ = ["StructureCLIPConfig", "StructureCLIPKnowledgeConfig"]
