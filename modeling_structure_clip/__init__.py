"""Structure-CLIP for Hugging Face Transformers: config, model and losses.

Importing the package registers the classes with the Auto API (`AutoConfig`, `AutoModel`,
`AutoModelForZeroShotImageClassification`) and marks them for remote code, so `save_pretrained` writes the
`.py` files and an `auto_map` that loads with `trust_remote_code=True` where this package is not installed.
"""

from transformers import AutoConfig, AutoModel, AutoModelForZeroShotImageClassification

from .configuration_structure_clip import (
    MIN_TRANSFORMERS_VERSION,
    StructureCLIPConfig,
    StructureCLIPKnowledgeConfig,
)
from .losses_structure_clip import (
    hinge_warmup_active,
    infonce_with_hard_negatives_loss,
    max_violation_hinge_loss,
    negative_margin_ranking_loss,
    sigmoid_with_hard_negatives_loss,
    structure_clip_loss_terms,
    structure_clip_losses,
)
from .modeling_structure_clip import (
    StructureCLIPModel,
    StructureCLIPOutput,
    StructureCLIPPreTrainedModel,
    StructureCLIPTextFeaturesOutput,
)
from .modeling_structure_clip_knowledge import StructureCLIPKnowledgeModel


AutoConfig.register(StructureCLIPConfig.model_type, StructureCLIPConfig, exist_ok=True)
AutoConfig.register(StructureCLIPKnowledgeConfig.model_type, StructureCLIPKnowledgeConfig, exist_ok=True)
AutoModel.register(StructureCLIPConfig, StructureCLIPModel, exist_ok=True)
AutoModelForZeroShotImageClassification.register(StructureCLIPConfig, StructureCLIPModel, exist_ok=True)
StructureCLIPConfig.register_for_auto_class()
StructureCLIPModel.register_for_auto_class("AutoModel")

__all__ = [
    "MIN_TRANSFORMERS_VERSION",
    "StructureCLIPConfig",
    "StructureCLIPKnowledgeConfig",
    "StructureCLIPKnowledgeModel",
    "StructureCLIPModel",
    "StructureCLIPOutput",
    "StructureCLIPPreTrainedModel",
    "StructureCLIPTextFeaturesOutput",
    "hinge_warmup_active",
    "infonce_with_hard_negatives_loss",
    "max_violation_hinge_loss",
    "negative_margin_ranking_loss",
    "sigmoid_with_hard_negatives_loss",
    "structure_clip_loss_terms",
    "structure_clip_losses",
]
