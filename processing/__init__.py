"""Text and images -> tensors for Structure-CLIP: scene graphs, semantic negatives, the processor.

Importing this package does not import spaCy (the parser loads it on first use) and never imports
``modeling_structure_clip`` (the two packages do not depend on each other: both ship to the Hub as flat remote code).
"""

from .image_backend import choose_image_backend, clip_image_processor, explain_torchvision_import_failure


try:
    from transformers import AutoProcessor
except (ImportError, RuntimeError) as error:  # transformers imports an installed torchvision with its image code
    explain_torchvision_import_failure(error)
    raise

from .processing_structure_clip import MODEL_INPUT_NAMES, SIGLIP_CAPTION_LENGTH, StructureCLIPProcessor
from .scene_graph import SceneGraph
from .scene_graph_backends import RULES, load_scene_graph_parser
from .scene_graph_factual_format import parse_factual_text, scene_graph_from_factual_text
from .scene_graph_parser import PARSER_VERSION, SceneGraphParser, load_spacy_pipeline
from .scene_graph_seq2seq import SEQ2SEQ_PARSER_VERSION, Seq2SeqSceneGraphParser
from .semantic_negatives import (
    ATTRIBUTE_SWAP,
    NO_NEGATIVE,
    NO_NEGATIVE_REASONS,
    RELATION_SWAP,
    NegativeBatch,
    NegativeOutcome,
    SemanticNegative,
    attribute_swap_negative,
    build_negatives,
    negative_for_graph,
    relation_swap_negative,
)


# The installed package answers AutoProcessor.from_pretrained(folder) with this class even without
# trust_remote_code (in transformers 5 a locally registered class wins over Hub code). The key
# is the model_type string, so this file needs no import of the model's config class.
AutoProcessor.register("structure_clip", StructureCLIPProcessor, exist_ok=True)

__all__ = [
    "ATTRIBUTE_SWAP",
    "MODEL_INPUT_NAMES",
    "SIGLIP_CAPTION_LENGTH",
    "NO_NEGATIVE",
    "NO_NEGATIVE_REASONS",
    "PARSER_VERSION",
    "RELATION_SWAP",
    "RULES",
    "SEQ2SEQ_PARSER_VERSION",
    "NegativeBatch",
    "NegativeOutcome",
    "SceneGraph",
    "SceneGraphParser",
    "SemanticNegative",
    "Seq2SeqSceneGraphParser",
    "StructureCLIPProcessor",
    "attribute_swap_negative",
    "build_negatives",
    "clip_image_processor",
    "load_scene_graph_parser",
    "load_spacy_pipeline",
    "choose_image_backend",
    "negative_for_graph",
    "parse_factual_text",
    "relation_swap_negative",
    "scene_graph_from_factual_text",
]
