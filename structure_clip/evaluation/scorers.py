"""One scoring interface for Structure-CLIP and plain CLIP, so both are measured by the same code (docs/method.md §4).

A scorer turns images and captions into embeddings; a score is their dot product.
- `CLIPEmbeddingScorer`: any HF `CLIPModel`; embeddings are L2-normalised projections.
- `StructureCLIPEmbeddingScorer`: `StructureCLIPModel`; images are the normalised CLIP image embedding,
  captions the *fused* text `normalize(clip_text) + lambda * normalize(kee)`, not re-normalised unless the
  model's config says so (docs/method.md §1 "Fusion and scores"). Each caption is encoded with its own triples; when
  none are given the processor parses the caption with the scene-graph parser.

`load_scorer(path)` (a checkpoint) and `scorer_for_model(model, processor)` (a model in memory, e.g. validation
during training; the model's train/eval mode is restored after each call) pick the right one from
`config.model_type`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from processing.processing_structure_clip import TEXT_KEYS, TRIPLE_KEYS
from structure_clip.loading import MissingProcessorError, load_structure_clip


logger = logging.getLogger(__name__)

Triples = Sequence[Sequence[str]]


def _pooled(features) -> torch.Tensor:
    """`get_*_features` return a tensor or (transformers 5) an output whose `.pooler_output` is the embedding."""
    if isinstance(features, torch.Tensor):
        return features
    pooled = getattr(features, "pooler_output", None)
    if pooled is None:
        raise TypeError(f"expected a tensor or an output with .pooler_output, got {type(features).__name__}")
    return pooled


def _batches(count: int, batch_size: int, description: str, show_progress: bool):
    starts = range(0, count, batch_size)
    return tqdm(starts, desc=description, disable=not show_progress or count <= batch_size, leave=False)


class CLIPEmbeddingScorer:
    """Plain CLIP: normalised image and text projections; score = cosine similarity."""

    kind = "clip"

    def __init__(self, model, processor, batch_size: int = 64, device=None, show_progress: bool = True):
        """`device=None` keeps the model where it is (e.g. mid-training validation); otherwise it is moved."""
        self.model = model if device is None else model.to(device)
        self.processor = processor
        self.batch_size = batch_size
        self.device = next(model.parameters()).device if device is None else torch.device(device)
        self.show_progress = show_progress

    @contextlib.contextmanager
    def _eval_mode(self):
        # Scoring must not leave a model that is being trained in eval mode (dropout off) afterwards.
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                yield
        finally:
            self.model.train(was_training)

    def encode_images(self, images: Sequence) -> torch.Tensor:
        """[len(images), dim] float32 on CPU. `images` may be a lazy sequence: only one batch is loaded at a time."""
        chunks = []
        with self._eval_mode():
            for start in _batches(len(images), self.batch_size, "images", self.show_progress):
                batch = [images[i] for i in range(start, min(start + self.batch_size, len(images)))]
                pixel_values = self.processor(images=batch, return_tensors="pt")["pixel_values"].to(self.device)
                chunks.append(self._image_embeds(pixel_values).float().cpu())
        return torch.cat(chunks)

    def encode_texts(self, texts: Sequence[str], triples: Sequence[Triples | None] | None = None) -> torch.Tensor:
        """[len(texts), dim] float32 on CPU; `triples` (one list per caption) is used by Structure-CLIP only."""
        if triples is not None and len(triples) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(triples)} triple lists.")
        chunks = []
        with self._eval_mode():
            for start in _batches(len(texts), self.batch_size, "texts", self.show_progress):
                end = min(start + self.batch_size, len(texts))
                batch_triples = None if triples is None else list(triples[start:end])
                chunks.append(self._text_embeds(list(texts[start:end]), batch_triples).float().cpu())
        return torch.cat(chunks)

    def _image_embeds(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return F.normalize(_pooled(self.model.get_image_features(pixel_values=pixel_values)), dim=-1)

    def _text_embeds(self, texts: list[str], triples) -> torch.Tensor:
        tokenizer = getattr(self.processor, "tokenizer", self.processor)
        inputs = tokenizer(texts, padding=True, truncation=True, return_tensors="pt").to(self.device)
        features = self.model.get_text_features(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        return F.normalize(_pooled(features), dim=-1)

    @staticmethod
    def pair_scores(image_embeds: torch.Tensor, text_embeds: torch.Tensor) -> torch.Tensor:
        """Row-wise scores of aligned (image, text) pairs."""
        return (image_embeds * text_embeds).sum(-1)

    @staticmethod
    def score_matrix(image_embeds: torch.Tensor, text_embeds: torch.Tensor) -> torch.Tensor:
        """[images, texts] scores."""
        return image_embeds @ text_embeds.T


class StructureCLIPEmbeddingScorer(CLIPEmbeddingScorer):
    """Structure-CLIP: fused (CLIP text + KEE) caption embeddings; images as in CLIP (docs/method.md §1)."""

    kind = "structure_clip"

    def _text_embeds(self, texts: list[str], triples) -> torch.Tensor:
        if triples is not None:
            triples = [[tuple(triple) for triple in caption_triples or []] for caption_triples in triples]
        inputs = self.processor(text=texts, triples=triples, padding=True, truncation=True, return_tensors="pt")
        kwargs = {key: inputs[key].to(self.device) for key in TEXT_KEYS + TRIPLE_KEYS if key in inputs}
        # The fused embedding is already what the model scores with; re-normalising here would change the
        # original's scores (docs/method.md §1), so it is returned as the model computes it.
        return _pooled(self.model.get_text_features(**kwargs))


def _load_processor(processor_class, processor_name_or_path: str, model_name_or_path: str):
    try:
        return processor_class.from_pretrained(processor_name_or_path)
    except OSError as error:
        raise MissingProcessorError(
            f"could not load a {processor_class.__name__} from {processor_name_or_path} ({error}). A model folder "
            "written by convert_original_structure_clip.py holds no processor: pass evaluate_structure_clip.py --processor <a saved "
            f"processor folder or Hub id> for {model_name_or_path}."
        ) from error


def scorer_for_model(model, processor, **kwargs):
    """The scorer matching an in-memory model (e.g. for validation during training), by config.model_type."""
    if getattr(model.config, "model_type", None) == "structure_clip":
        return StructureCLIPEmbeddingScorer(model, processor, **kwargs)
    return CLIPEmbeddingScorer(model, processor, **kwargs)


def load_scorer(
    model_name_or_path: str,
    device: str | torch.device | None = "cpu",
    batch_size: int = 64,
    show_progress: bool = True,
    dtype: torch.dtype = torch.float32,
    processor_name_or_path: str | None = None,
):
    """Load a local folder or Hub id and wrap it in the matching scorer (chosen by `config.model_type`).

    The processor comes from `processor_name_or_path`, or from the model's folder when that is None."""
    from transformers import AutoConfig

    processor_name_or_path = processor_name_or_path or model_name_or_path
    config = AutoConfig.from_pretrained(model_name_or_path, trust_remote_code=True)
    if config.model_type == "structure_clip":
        model, processor = load_structure_clip(model_name_or_path, processor_name_or_path, dtype=dtype)
    elif config.model_type == "clip":
        from transformers import CLIPModel, CLIPProcessor

        model = CLIPModel.from_pretrained(model_name_or_path, dtype=dtype)
        processor = _load_processor(CLIPProcessor, processor_name_or_path, model_name_or_path)
    else:
        raise ValueError(
            f"{model_name_or_path} has model_type {config.model_type!r}; evaluate_structure_clip.py scores 'clip' and "
            "'structure_clip' checkpoints."
        )
    scorer = scorer_for_model(model, processor, batch_size=batch_size, device=device, show_progress=show_progress)
    logger.info("Loaded %s as %s", model_name_or_path, type(scorer).__name__)
    return scorer
