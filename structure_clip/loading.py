"""The one place where a Structure-CLIP model and its processor are loaded, always checked to belong together.

- `load_structure_clip(model_path, processor_path)`: a saved Structure-CLIP folder (evaluation, export);
- `load_model_and_processor(args)`: what a training run starts from. A Structure-CLIP checkpoint loads as is; a
  CLIP, SigLIP or SigLIP 2 one becomes Structure-CLIP with a fresh KEE, and gets a processor built from its
  tokenizer and image processor plus the triple tokenizer (SigLIP captions padded to 64 tokens).
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager

import torch

from structure_clip.training.arguments import ModelArguments


logger = logging.getLogger(__name__)

# model_type of the stock dual encoders a training run can start from (StructureCLIPModel.from_backbone_pretrained).
BACKBONE_MODEL_TYPES = ("clip", "siglip", "siglip2")


def parse_config_overrides(text: str | None) -> dict:
    """'loss_recipe=infonce,knowledge_weight=0.2' -> {'loss_recipe': 'infonce', 'knowledge_weight': 0.2}.

    A JSON object is accepted too, for nested fields: '{"knowledge_config": {"num_hidden_layers": 2}}'.
    """
    if text and text.lstrip().startswith("{"):
        return json.loads(text)
    overrides = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        if "=" not in item:
            raise ValueError(f"--config_overrides item {item!r} is not key=value")
        key, value = (part.strip() for part in item.split("=", 1))
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


class ModelNotAvailableError(OSError):
    """A Hub id that is neither a local folder nor in the Hugging Face cache, and could not be downloaded."""


@contextmanager
def explain_unavailable_model(name_or_path: str, flag: str):
    """Turn transformers' generic connection / not-cached error for `name_or_path` into one that says what to do.

    Offline (HF_HUB_OFFLINE=1, or no network) a Hub id loads only from the cache, so the fix is to download it
    once or to pass a local folder.
    """
    try:
        yield
    except OSError as error:
        if isinstance(error, (ModelNotAvailableError, MissingProcessorError)) or os.path.isdir(str(name_or_path)):
            raise
        raise ModelNotAvailableError(
            f"could not load {name_or_path!r} ({flag}): it is not a local folder, and it is not in the Hugging Face "
            f"cache and could not be downloaded. Download it once where the Hub is reachable (`hf download "
            f"{name_or_path}`; offline runs then find it in the cache), or pass a local folder that holds it as "
            f"{flag}. The loader said: {str(error).splitlines()[0]}"
        ) from error


class MissingProcessorError(FileNotFoundError):
    """A model folder without a saved StructureCLIPProcessor (e.g. the original-checkpoint converter's output)."""


def check_processor_matches_model(processor, config) -> None:
    """Raise when the processor's triple layout or vocabularies do not fit the model's config."""
    problems = []
    for name in ("max_triples", "phrase_length"):
        if getattr(processor, name) != getattr(config, name):
            problems.append(f"{name}: processor {getattr(processor, name)} vs model {getattr(config, name)}")
    if len(processor.tokenizer) > config.text_config.vocab_size:
        problems.append(
            f"CLIP tokenizer has {len(processor.tokenizer)} tokens, model vocab {config.text_config.vocab_size}"
        )
    if getattr(config, "uses_sigmoid_logits", False) and processor.pad_captions_to is None:
        problems.append(
            "the model's SigLIP text tower pools the last position, so its processor must pad every caption to one "
            "length: set processor.pad_captions_to (SigLIP: 64)"
        )
    if len(processor.triple_tokenizer) > config.knowledge_config.vocab_size:
        problems.append(
            f"phrase tokenizer has {len(processor.triple_tokenizer)} tokens, KEE vocab {config.knowledge_config.vocab_size}"
        )
    if problems:
        raise ValueError("processor and model do not belong together: " + "; ".join(problems))


def load_structure_clip(model_path, processor_path=None, dtype=None, spacy_model: str | None = None):
    """A saved Structure-CLIP model (this package's classes, never remote code) and its checked processor."""
    from pathlib import Path

    from modeling_structure_clip import StructureCLIPModel
    from processing import StructureCLIPProcessor

    model = StructureCLIPModel.from_pretrained(model_path, **({"dtype": dtype} if dtype is not None else {})).eval()
    processor_path = processor_path or model_path
    hint = (
        "A folder written by the original-checkpoint converter holds only the model: pass --processor with a "
        "saved StructureCLIPProcessor (CLIP tokenizer + image processor + BERT phrase tokenizer)."
    )
    if Path(str(processor_path)).is_dir() and not (Path(processor_path) / "processor_config.json").is_file():
        raise MissingProcessorError(
            f"no StructureCLIPProcessor in {processor_path} (processor_config.json missing). " + hint
        )
    try:
        processor = StructureCLIPProcessor.from_pretrained(processor_path)
    except OSError as error:
        raise MissingProcessorError(
            f"could not load a StructureCLIPProcessor from {processor_path} ({error}). " + hint
        ) from error
    if spacy_model:
        processor.spacy_model = spacy_model
    check_processor_matches_model(processor, model.config)
    return model, processor


def load_model_and_processor(args: ModelArguments, spacy_model: str | None = None):
    """A Structure-CLIP checkpoint loads as is; a CLIP one gets a fresh KEE (docs/method.md §1), detected from model_type."""
    from transformers import AutoConfig

    from modeling_structure_clip import StructureCLIPModel

    overrides = parse_config_overrides(args.config_overrides)
    with explain_unavailable_model(args.model_name_or_path, "--model_name_or_path"):
        model_type = AutoConfig.from_pretrained(args.model_name_or_path, trust_remote_code=True).model_type
    if model_type == "structure_clip":
        model = StructureCLIPModel.from_pretrained(args.model_name_or_path, dtype=torch.float32, **overrides)
    elif model_type in BACKBONE_MODEL_TYPES:
        with explain_unavailable_model(args.kee_init or args.model_name_or_path, "--kee_init"):
            model = StructureCLIPModel.from_backbone_pretrained(args.model_name_or_path, kee_init=args.kee_init,
                                                                **overrides)  # fmt: skip
    else:
        raise ValueError(
            f"{args.model_name_or_path} is a {model_type!r} checkpoint; expected 'structure_clip' or one of "
            f"{BACKBONE_MODEL_TYPES}."
        )
    processor = load_processor(args, model.config, model_type == "structure_clip", spacy_model)
    check_processor_matches_model(processor, model.config)
    return model, processor


def load_processor(args: ModelArguments, config, from_structure_clip: bool, spacy_model: str | None = None):
    """The checkpoint's own StructureCLIPProcessor, or one built from a CLIP / SigLIP checkpoint + --triple_tokenizer."""
    from transformers import AutoImageProcessor, AutoTokenizer

    from processing import SIGLIP_CAPTION_LENGTH, StructureCLIPProcessor, choose_image_backend

    # transformers' loaders take the fast (torchvision) image processor whenever torchvision is installed; this
    # only says once, at info level, when the slow one is in use and which torchvision to install.
    choose_image_backend()
    source = args.processor_name_or_path or args.model_name_or_path
    if from_structure_clip or args.processor_name_or_path:
        try:
            processor = StructureCLIPProcessor.from_pretrained(source)
            processor.spacy_model = spacy_model or processor.spacy_model
            return processor
        except (OSError, ValueError, TypeError) as error:
            logger.info("%s holds no Structure-CLIP processor (%s); building one from its parts", source, error)
    with explain_unavailable_model(source, "--processor_name_or_path"):
        image_processor, tokenizer = AutoImageProcessor.from_pretrained(source), AutoTokenizer.from_pretrained(source)
    with explain_unavailable_model(args.triple_tokenizer, "--triple_tokenizer"):
        triple_tokenizer = AutoTokenizer.from_pretrained(args.triple_tokenizer)
    return StructureCLIPProcessor(
        image_processor,
        tokenizer,
        triple_tokenizer,
        spacy_model=spacy_model,
        max_triples=config.max_triples,
        phrase_length=config.phrase_length,
        pad_captions_to=SIGLIP_CAPTION_LENGTH if config.uses_sigmoid_logits else None,
    )
