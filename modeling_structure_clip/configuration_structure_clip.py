"""Configuration of Structure-CLIP (Huang et al., AAAI 2024, arXiv 2305.06152).

The config tree mirrors the module tree: ``StructureCLIPConfig`` holds the two tower configs and the
Knowledge-Enhanced Encoder (KEE) config, plus the fusion and loss fields. The towers are CLIP's (the paper's), or
SigLIP's / SigLIP 2's (``backbone``): transformers' own text and vision configs of that family.

Every place where the original code (github zjukg/Structure-CLIP, commit 1383d68) differs from what one would
design from scratch is a field here, and its default is the original's behaviour (docs/method.md §1 and §2).
The alternative values are the "corrected" behaviour, offered as switches so they can be measured.

Both classes are ``@strict`` like transformers' own configs: field types are checked when set, and the
``validate_*`` methods run at construction and again at ``save_pretrained``, so a value changed after
construction cannot be saved unchecked (and the model never meets a choice it does not know).

Numbers are checked twice: each float field carries a validator that runs on every assignment (so a NaN never
gets in, also not through ``from_pretrained(..., knowledge_weight=...)``), and ``validate_number_ranges`` checks
them all again at construction and save.

This file is shipped to the Hub as remote code: it only imports from ``transformers``, ``huggingface_hub``
(which transformers itself requires) and the standard library.
"""

import dataclasses
import difflib
import math
import re

import transformers


# Older 5.x releases fail deep inside transformers or huggingface_hub instead: up to 5.3 PreTrainedConfig is not
# a dataclass ("must be a dataclass before applying @strict"); from 5.4 to 5.20.2 the nested sub-configs fail
# (5.4.0: a sub-config stays a dict; 5.20.2: no `create_subconfig`). Measured by installing 5.0.0 ... 5.24.0 into
# a clean venv and running the model and processor tests (.ci/min_versions in the repository). Keep in step with
# pyproject.toml.
MIN_TRANSFORMERS_VERSION = "5.21.0"


def _release(version_string: str) -> tuple:
    """(major, minor, patch) of a version string; a dev/rc build counts as its release. Parsed here because
    remote code may import only transformers, torch, huggingface_hub and the standard library."""
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version_string)
    return tuple(int(part or 0) for part in match.groups()) if match else (0, 0, 0)


if _release(transformers.__version__) < _release(MIN_TRANSFORMERS_VERSION):
    raise ImportError(
        f"Structure-CLIP needs transformers>={MIN_TRANSFORMERS_VERSION}, found {transformers.__version__}: "
        f'run `pip install "transformers>={MIN_TRANSFORMERS_VERSION}"`.'
    )

from huggingface_hub.dataclasses import strict, validated_field  # noqa: E402 (after the version check above)
from transformers import AutoConfig, PreTrainedConfig  # noqa: E402
from transformers.configuration_utils import SubConfigSpec  # noqa: E402
from transformers.utils import logging  # noqa: E402


logger = logging.get_logger(__name__)

PHRASE_POOLINGS = ("mean_all_positions", "masked_mean")
KNOWLEDGE_POOLINGS = ("slot0", "masked_mean")
SLOT_MASKINGS = ("additive_10000", "dtype_min")
EMPTY_CAPTION_KNOWLEDGE = ("null_vector", "zero")
TRIPLE_COMPOSITIONS = ("h+r-t", "h+r+t")
LOSS_RECIPES = ("original", "infonce", "infonce+hinge", "sigmoid")
NEGATIVE_MARGIN_TEXTS = ("plain", "fused")
# model_type of the (text, vision) tower configs of each supported backbone, as transformers names them
# (transformers models/clip, models/siglip, models/siglip2 configuration files).
TOWER_MODEL_TYPES = {
    "clip": ("clip_text_model", "clip_vision_model"),
    "siglip": ("siglip_text_model", "siglip_vision_model"),
    "siglip2": ("siglip2_text_model", "siglip2_vision_model"),
}
BACKBONES = tuple(TOWER_MODEL_TYPES)


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}, got {value!r}.")


def _number_problem(value, minimum: float, maximum: float, minimum_excluded: bool):
    """Why `value` is not a finite number in [minimum, maximum] (or (minimum, maximum]), else None.
    NaN passes every `<` test, so finiteness is checked first."""
    above_minimum = minimum < value if minimum_excluded else minimum <= value
    if math.isfinite(value) and above_minimum and value <= maximum:
        return None
    interval = f"{'(' if minimum_excluded else '['}{minimum}, {maximum}]"
    return f"must be a finite number in {interval}, got {value!r}"


def number_field(default, minimum=-math.inf, maximum=math.inf, minimum_excluded=False):
    """A dataclass field for a float setting: checked on every assignment and by `validate_number_ranges`."""
    rule = (minimum, maximum, minimum_excluded)

    def check(value):
        problem = _number_problem(value, *rule)
        if problem:
            raise ValueError(problem)

    return validated_field(check, default=default, metadata={"number_range": rule})


def _check_number_fields(config) -> None:
    for config_field in dataclasses.fields(config):
        rule, name = config_field.metadata.get("number_range"), config_field.name
        problem = rule and _number_problem(getattr(config, name), *rule)
        if problem:
            raise ValueError(f"`{config_field.name}` {problem}.")


# Keys a saved config.json holds besides the fields: written by save_pretrained, register_for_auto_class,
# pipeline.save_pretrained and from_pretrained itself (transformers configuration_utils.py).
_BOOKKEEPING_KEYS = {
    "auto_map",
    "custom_pipelines",
    "_commit_hash",
    "transformers_version",
    "model_type",
    "architectures",
    "_name_or_path",
    "torch_dtype",
    "dtype",
    "attn_implementation",
}


def _known_keys(config_class) -> set:
    keys = set(_BOOKKEEPING_KEYS) | set(getattr(config_class, "attribute_map", {}))
    keys.update(config_class().to_dict())
    return keys


def _warn_unknown_keys(config_class, config_dict: dict, where: str = "") -> None:
    """A misspelt key (`knowledge_weigth`) would otherwise become an unused attribute and the field keep its
    default without a word."""
    known = _known_keys(config_class)
    for key in config_dict:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            logger.warning(f"Unknown {config_class.__name__} key `{where}{key}` is ignored{hint}")
    for name, spec in getattr(config_class, "sub_configs_defaults", {}).items():
        sub_dict = config_dict.get(name)
        if isinstance(sub_dict, dict):
            sub_class = spec.config_class
            if sub_class is AutoConfig:  # a tower: its class follows the model_type it records
                sub_class = spec.get_config_class(sub_dict.get("model_type", spec.model_type))
            _warn_unknown_keys(sub_class, sub_dict, where=f"{where}{name}.")


class _ConfigLoadChecks:
    """Clear messages when a config.json is not what our configs can hold."""

    @classmethod
    def _dict_from_json_file(cls, json_file):
        config_dict = super()._dict_from_json_file(json_file)
        if not isinstance(config_dict, dict):
            raise TypeError(
                f'{json_file} must hold a JSON object of config fields ({{"model_type": ...}}), '
                f"but it holds a {type(config_dict).__name__}."
            )
        return config_dict

    @classmethod
    def from_dict(cls, config_dict, **kwargs):
        if not isinstance(config_dict, dict):
            raise TypeError(
                f"{cls.__name__}.from_dict needs a dict of config fields, got {type(config_dict).__name__}."
            )
        _warn_unknown_keys(cls, config_dict)
        return super().from_dict(config_dict, **kwargs)


@strict
class StructureCLIPKnowledgeConfig(_ConfigLoadChecks, PreTrainedConfig):
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
    hidden_dropout_prob: float | int = number_field(0.1, 0, 1)  # original 0.1, also applied to the phrase embeddings
    attention_probs_dropout_prob: float | int = number_field(0.1, 0, 1)  # original 0.1
    max_position_embeddings: int = 512  # BERT position table; phrases use positions 0..phrase_length-1
    type_vocab_size: int = 2  # BERT token types; phrases always use type 0
    initializer_range: float | int = number_field(0.02, 0)  # std of the normal init of fresh KEE weights
    # BERT LayerNorm epsilon; 0 would divide by zero on a constant hidden state
    layer_norm_eps: float | int = number_field(1e-12, 0, minimum_excluded=True)
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
        for name in (
            "vocab_size",
            "hidden_size",
            "num_attention_heads",
            "intermediate_size",
            "max_position_embeddings",
            "type_vocab_size",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"KEE `{name}` must be >= 1, got {getattr(self, name)}.")
        if self.num_hidden_layers < 0:
            raise ValueError(f"KEE `num_hidden_layers` must be >= 0, got {self.num_hidden_layers}.")
        if self.hidden_size % self.num_attention_heads != 0:
            raise ValueError(
                f"KEE hidden_size ({self.hidden_size}) must be a multiple of num_attention_heads "
                f"({self.num_attention_heads})."
            )
        for name in ("pad_token_id", "cls_token_id", "sep_token_id"):
            if not 0 <= getattr(self, name) < self.vocab_size:
                # A warning, as transformers' validate_token_ids: its common tests shrink vocab_size and keep
                # the default ids. Captions without triples need [CLS]/[SEP]/[PAD] ids inside the vocabulary.
                logger.warning_once(
                    f"KEE {name} ({getattr(self, name)}) is not below vocab_size ({self.vocab_size}); "
                    "captions without triples will fail to embed."
                )

    def validate_number_ranges(self):
        """Part of `@strict` validation (construction and save); assignments are checked by the fields."""
        _check_number_fields(self)

    def validate_switches(self):
        """Part of `@strict` validation: the model has a code path for these values only."""
        _check_choice("phrase_pooling", self.phrase_pooling, PHRASE_POOLINGS)
        _check_choice("knowledge_pooling", self.knowledge_pooling, KNOWLEDGE_POOLINGS)
        _check_choice("slot_masking", self.slot_masking, SLOT_MASKINGS)
        _check_choice("empty_caption_knowledge", self.empty_caption_knowledge, EMPTY_CAPTION_KNOWLEDGE)


@strict
class StructureCLIPConfig(_ConfigLoadChecks, PreTrainedConfig):
    r"""Config of [`StructureCLIPModel`]: text and vision towers, the KEE, fusion and training objective.

    The defaults build the paper's model: OpenAI CLIP ViT-B/32 (`openai/clip-vit-base-patch32`) plus a 6-layer
    bert-base KEE, fused with weight 0.2, trained with the original hinge + 5 x margin-ranking objective.

    The towers may also be SigLIP's or SigLIP 2's: pass their `text_config` / `vision_config` (config objects, or
    dicts that carry their `model_type`), or `backbone="siglip"` for that family's default towers. `backbone` is
    then recorded from the towers' `model_type`. SigLIP towers end in their own heads, so `projection_dim` must
    equal the text head's `projection_size` and the vision width (the model has no separate projections); left
    unset, it is taken from the text head.

    Example:

    ```python
    >>> from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
    >>> config = StructureCLIPConfig(loss_recipe="infonce")
    >>> model = StructureCLIPModel(config)
    ```
    """

    model_type = "structure_clip"
    # The towers resolve by the model_type they record (AutoConfig), so CLIP, SigLIP and SigLIP 2 configs all fit.
    sub_configs_defaults = {
        "text_config": SubConfigSpec(config_class=AutoConfig, model_type=TOWER_MODEL_TYPES["clip"][0]),
        "vision_config": SubConfigSpec(config_class=AutoConfig, model_type=TOWER_MODEL_TYPES["clip"][1]),
        "knowledge_config": StructureCLIPKnowledgeConfig,
    }

    # "clip" (the paper's), "siglip" or "siglip2": which tower family; recorded from the towers' model_type
    backbone: str = "clip"
    text_config: dict | PreTrainedConfig | None = None  # text tower; default = the backbone's (CLIP: ViT-B/32's)
    vision_config: dict | PreTrainedConfig | None = None  # vision tower; default = the backbone's (CLIP: ViT-B/32's)
    knowledge_config: dict | StructureCLIPKnowledgeConfig | None = None  # the KEE; default = bert-base cut to 6 layers
    # shared embedding size of text, image and knowledge; unset = 512 (ViT-B/32's) with CLIP towers, the text
    # head's projection_size with SigLIP ones (their heads fix it)
    projection_dim: int | None = None
    # log(1/0.07), CLIP's init; scales `logits_*` and the InfoNCE loss only. At most 88: exp(88.73) overflows
    # float32 (`math.log(torch.finfo(torch.float32).max)` = 88.72), which would make every scaled logit inf.
    logit_scale_init_value: float | int = number_field(2.6592, maximum=88.0)
    # SigLIP's learnable logit bias, init -10 (Zhai et al. 2023, arXiv 2303.15343, §3.2); unused by CLIP towers
    logit_bias_init_value: float | int = number_field(-10.0)
    initializer_factor: float | int = number_field(1.0, 0)  # CLIP's init scale factor for fresh projection weights

    knowledge_weight: float | int = number_field(
        0.2, 0
    )  # lambda: text = norm(clip_text) + lambda * norm(kee); orig. 0.2
    max_triples: int = 6  # triple slots per caption the processor fills; original 6 (the KEE accepts any count)
    phrase_length: int = 5  # BERT tokens per head/relation/tail phrase; original 5: [CLS] <=3 wordpieces [SEP] pad
    triple_composition: str = "h+r-t"  # triple vector from phrase vectors; original "h+r-t" (order-sensitive)
    renormalize_fused_text: bool = False  # L2-normalise the fused text again; original False (norm can exceed 1)
    scale_logits: bool = True  # multiply `logits_*` by exp(logit_scale) like CLIPModel; the original scores are the
    #                            unscaled dot products, which rank identically; losses never depend on this field

    # "original" (hinge + margin ranking), "infonce" (NegCLIP), "infonce+hinge", "sigmoid" (SigLIP towers only)
    loss_recipe: str = "original"
    # margin of the max-violation (VSE++) hinge on image x fused-text scores; original 0.2
    hinge_margin: float | int = number_field(0.2, 0)
    hinge_warmup_steps: int = 100  # first N training forwards use the column mean for text->image; original 100
    # MarginRankingLoss margin, true vs negative caption (plain CLIP text); original 0.1
    negative_margin: float | int = number_field(0.1, 0)
    negative_loss_weight: float | int = number_field(5.0, 0)  # weight of that margin-ranking term; original 5
    # Which text that margin-ranking term scores: "plain" CLIP text (original, so the KEE never meets a negative in
    # the original recipe) or "fused" (CLIP + KEE, each negative with its own triples, as evaluation scores it)
    negative_margin_text: str = "plain"
    # clamp of exp(logit_scale) in the InfoNCE loss, as in CLIP training; exp(logit_scale) is always > 0
    max_logit_scale: float | int = number_field(100.0, 0, minimum_excluded=True)

    def __post_init__(self, **kwargs):
        self.backbone = _backbone_of_towers(self.backbone, self.text_config, self.vision_config)
        text_type, vision_type = TOWER_MODEL_TYPES[self.backbone]
        self.text_config = _with_model_type(self.text_config, text_type)
        self.vision_config = _with_model_type(self.vision_config, vision_type)
        super().__post_init__(**kwargs)
        if self.projection_dim is None:
            self.projection_dim = self.text_config.projection_size if self.uses_sigmoid_logits else 512

    @property
    def uses_sigmoid_logits(self) -> bool:
        """SigLIP and SigLIP 2 score with `exp(logit_scale) * cos + logit_bias`, read through a sigmoid."""
        return self.backbone != "clip"

    def validate_backbone(self):
        """Part of `@strict` validation: both towers belong to `backbone`, so the model builds matching modules."""
        _check_choice("backbone", self.backbone, BACKBONES)
        expected = TOWER_MODEL_TYPES[self.backbone]
        found = (self.text_config.model_type, self.vision_config.model_type)
        if found != expected:
            raise ValueError(
                f"backbone {self.backbone!r} needs towers of model_type {expected}, got {found}: pass text and "
                "vision configs of one family (CLIP, SigLIP or SigLIP 2)."
            )
        if self.loss_recipe == "sigmoid" and not self.uses_sigmoid_logits:
            raise ValueError(
                "loss_recipe 'sigmoid' needs SigLIP towers (a learnt logit bias); CLIP towers train with "
                "'original', 'infonce' or 'infonce+hinge'."
            )
        if self.uses_sigmoid_logits:
            widths = {
                "projection_dim": self.projection_dim,
                "text_config.projection_size": self.text_config.projection_size,
                "vision_config.hidden_size": self.vision_config.hidden_size,
            }
            if len(set(widths.values())) != 1:
                raise ValueError(
                    f"SigLIP towers end in their own heads, so these widths must be equal: {widths}. "
                    "Set projection_dim to the text head's projection_size and the vision hidden_size."
                )

    def validate_number_ranges(self):
        """Part of `@strict` validation (construction and save); assignments are checked by the fields. The tower
        sub-configs are transformers' own, without such fields: any non-finite float in them is refused here."""
        _check_number_fields(self)
        for name in ("text_config", "vision_config"):
            for key, value in getattr(self, name).to_dict().items():
                if isinstance(value, float) and not math.isfinite(value):
                    raise ValueError(f"`{name}.{key}` must be a finite number, got {value!r}.")

    def validate_switches(self):
        """Part of `@strict` validation (construction and save)."""
        _check_choice("triple_composition", self.triple_composition, TRIPLE_COMPOSITIONS)
        _check_choice("loss_recipe", self.loss_recipe, LOSS_RECIPES)
        _check_choice("negative_margin_text", self.negative_margin_text, NEGATIVE_MARGIN_TEXTS)

    def validate_sizes(self):
        """Part of `@strict` validation: sizes the modules and the processor layout need."""
        for name, minimum in (
            ("projection_dim", 1),
            ("max_triples", 1),
            ("phrase_length", 2),
            ("hinge_warmup_steps", 0),
        ):
            if getattr(self, name) < minimum:
                raise ValueError(f"`{name}` must be >= {minimum}, got {getattr(self, name)}.")
        if self.knowledge_weight < 0:
            raise ValueError(f"`knowledge_weight` (lambda) must be >= 0, got {self.knowledge_weight}.")
        max_positions = getattr(self.knowledge_config, "max_position_embeddings", None)
        if max_positions is not None and self.phrase_length > max_positions:
            raise ValueError(
                f"phrase_length ({self.phrase_length}) exceeds the KEE's max_position_embeddings ({max_positions})."
            )


def _tower_model_type(tower):
    if isinstance(tower, PreTrainedConfig):
        return tower.model_type
    return tower.get("model_type") if isinstance(tower, dict) else None


def _backbone_of_towers(backbone: str, text_config, vision_config) -> str:
    """The backbone the tower configs name; `backbone` when they name none. A tower of another family than an
    explicitly chosen `backbone` is refused, so a SigLIP config is never silently built as CLIP."""
    named = {_tower_model_type(text_config), _tower_model_type(vision_config)} - {None}
    families = {family for family, types in TOWER_MODEL_TYPES.items() if named & set(types)}
    unknown = named - {name for types in TOWER_MODEL_TYPES.values() for name in types}
    if unknown or len(families) > 1:
        raise ValueError(
            f"Tower configs of model_type {sorted(named)} are not one supported family; supported: "
            f"{ {family: types for family, types in TOWER_MODEL_TYPES.items()} }."
        )
    if not families:
        return backbone
    (family,) = families
    if backbone not in ("clip", family):
        raise ValueError(f"backbone={backbone!r} but the tower configs are {family!r} ones ({sorted(named)}).")
    return family


def _with_model_type(tower, model_type: str):
    """A tower dict without `model_type` (or None) belongs to the config's backbone."""
    if tower is None:
        return {"model_type": model_type}
    if isinstance(tower, dict) and "model_type" not in tower:
        return {**tower, "model_type": model_type}
    return tower


__all__ = ["BACKBONES", "MIN_TRANSFORMERS_VERSION", "StructureCLIPConfig", "StructureCLIPKnowledgeConfig"]
