"""Caption -> SceneGraph with a seq2seq checkpoint that writes FACTUAL's scene-graph text (docs/method.md §3).

FACTUAL's Flan-T5 parsers (github zhuang-li/FactualSceneGraph, README "Scene Graph Parsing Models")
reach 81.37 (base) / 78.18 (small) exact set match on FACTUAL's random test split, against 19.30 for
the SPICE/Stanford parser (numbers quoted from that README; the Hub is unreachable from this project's
machines, so they are not measured here). Hub ids: ``lizhuang144/flan-t5-{small,base,large}-VG-factual-sg``.

    parser = Seq2SeqSceneGraphParser("lizhuang144/flan-t5-base-VG-factual-sg")  # or a local folder
    graphs = parser.parse_batch(captions, batch_size=64)

The input is FACTUAL's prompt :data:`PROMPT_PREFIX` + caption (FactualSceneGraph
``src/factual_scene_graph/parser/scene_graph_parser.py``); the output is parsed by
:mod:`scene_graph_factual_format`, which also locates each name in the caption for the negatives.
Nodes keep the model's wording (FACTUAL's gold keeps plurals, "( pigs , is , 2 )"), predicates come
lemmatised from the model.

Not needed here: spaCy. Needed: torch and transformers (hard dependencies), and for a checkpoint that
ships only ``spiece.model`` also sentencepiece + protobuf (transformers converts it to a fast tokenizer).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable

import torch
from transformers.utils.logging import tqdm  # honours transformers' disable_progress_bar()

from .scene_graph import HTML_TAG_PATTERN, SceneGraph
from .scene_graph_factual_format import scene_graph_from_factual_text
from .scene_graph_parser import require_int


logger = logging.getLogger(__name__)

SEQ2SEQ_PARSER_VERSION = "1.0"  # bump when prompting or output parsing changes: dataset caches fingerprint on it
PROMPT_PREFIX = "Generate Scene Graph: "
# FACTUAL's test-split evaluation example uses 256 input and 256 output tokens (README, "Testing Scene
# Graph Parsing on the Test Set of FACTUAL Random Split"); its parser's own defaults (64 / 128) are
# meant for short region captions.
DEFAULT_MAX_INPUT_TOKENS = 256
DEFAULT_MAX_NEW_TOKENS = 256
DEFAULT_BATCH_SIZE = 32
# Generation costs far more per caption than the rules (about 2,000 captions per CPU-second, README):
# even a random 2-layer, d_model-32 T5 ran 13-31 captions/s on 2 CPU cores when generating 256 tokens
# (`benchmarks/parser_quality.py --parser <that folder>`), so the bar appears much earlier.
PROGRESS_BAR_MIN_CAPTIONS = 256
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
_MARKUP_OR_CONTROL = re.compile(HTML_TAG_PATTERN + r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def resolve_device(device: str | torch.device | None) -> torch.device:
    """None -> the first CUDA device when there is one, else the CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"device must be a torch device or a name like 'cpu' / 'cuda:0', got {device!r}") from error


def resolve_dtype(dtype: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """None -> bfloat16 on a GPU that supports it, float32 elsewhere. T5 was trained with bfloat16
    activations (google-research/text-to-text-transfer-transformer issue 539) and overflows in
    float16 (huggingface/transformers issue 9295)."""
    if dtype is None:
        on_bf16_gpu = device.type == "cuda" and torch.cuda.is_bf16_supported()
        return torch.bfloat16 if on_bf16_gpu else torch.float32
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) and dtype.removeprefix("torch.") in DTYPES:
        return DTYPES[dtype.removeprefix("torch.")]
    raise ValueError(f"dtype must be a torch.dtype or one of {sorted(DTYPES)}, got {dtype!r}")


def generation_settings_of(
    device=None,
    dtype=None,
    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS,
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    num_beams: int = 1,
) -> dict:
    """The settings a parser built with these arguments generates with, without loading a model."""
    dtype = resolve_dtype(dtype, resolve_device(device))
    return {
        "prompt": PROMPT_PREFIX,
        "max_input_tokens": max_input_tokens,
        "max_new_tokens": max_new_tokens,
        "num_beams": num_beams,
        "dtype": str(dtype).removeprefix("torch."),
        "version": SEQ2SEQ_PARSER_VERSION,
    }


def load_seq2seq_checkpoint(name_or_path: str, device: torch.device, dtype: torch.dtype):
    """(tokenizer, model in eval mode on ``device``) from a local folder or a Hub id.

    The local copy (a folder, or the Hugging Face cache) is tried first, so a downloaded checkpoint
    loads without a network round trip; the Hub is asked only when that fails and it is not offline.
    """
    from huggingface_hub import is_offline_mode

    name_or_path = os.path.expanduser(name_or_path)
    try:
        return _load_checkpoint(name_or_path, device, dtype, local_files_only=True)
    except (OSError, ValueError) as local_error:
        if os.path.isdir(name_or_path) or _looks_like_a_path(name_or_path):
            raise OSError(_not_loadable_message(name_or_path, local_error)) from local_error
        if is_offline_mode():
            raise OSError(_unreachable_message(name_or_path)) from local_error
    try:
        return _load_checkpoint(name_or_path, device, dtype, local_files_only=False)
    except (OSError, ValueError) as error:
        raise OSError(_unreachable_message(name_or_path) + f" ({type(error).__name__}: {error})") from error


def local_checkpoint_folder(name_or_path: str) -> str:
    """The folder holding the checkpoint's files: the path itself, or its snapshot in the Hugging Face
    cache (never downloads); OSError with the download hint when there is none."""
    name_or_path = os.path.expanduser(name_or_path)
    if os.path.isdir(name_or_path):
        return name_or_path
    from huggingface_hub import snapshot_download

    try:
        return snapshot_download(name_or_path, local_files_only=True)
    except (OSError, ValueError) as error:
        raise OSError(_unreachable_message(name_or_path)) from error


def _load_checkpoint(name_or_path: str, device: torch.device, dtype: torch.dtype, local_files_only: bool):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(name_or_path, local_files_only=local_files_only)
    model = AutoModelForSeq2SeqLM.from_pretrained(name_or_path, dtype=dtype, local_files_only=local_files_only)
    return tokenizer, model.to(device).eval()


def _looks_like_a_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or os.sep != "/" and os.sep in name


def _not_loadable_message(name: str, error: Exception) -> str:
    where = "the folder" if os.path.isdir(name) else "no folder at"
    return (
        f"Could not load a seq2seq scene-graph parser from {where} {name!r}: {error}. Pass a folder holding "
        "config.json, the weights and the tokenizer files of an encoder-decoder model (e.g. one saved with "
        "save_pretrained), a Hub id such as 'lizhuang144/flan-t5-base-VG-factual-sg', or 'rules'."
    )


def _unreachable_message(name: str) -> str:
    return (
        f"The scene-graph parser checkpoint {name!r} is not a local folder, is not in the Hugging Face cache, "
        "and the Hub cannot be reached (offline, or no such repository). Download it once on a machine with "
        f"Hub access (`hf download {name}`, or AutoModelForSeq2SeqLM/AutoTokenizer.from_pretrained), then "
        "use the same id with that cache, or save it with save_pretrained and pass the local folder instead."
    )


def _plain_text(caption: str) -> str:
    """The caption with HTML tags and control characters as spaces (as the rule parser sees it)."""
    return " ".join(_MARKUP_OR_CONTROL.sub(" ", caption).split())


class Seq2SeqSceneGraphParser:
    """Scene graphs from a FACTUAL-style seq2seq checkpoint; same ``parse``/``parse_batch`` as
    :class:`SceneGraphParser`.

    Args:
        name_or_path: local folder or Hub id of an encoder-decoder checkpoint (AutoModelForSeq2SeqLM).
        device: None = CUDA when available, else CPU.
        dtype: None = bfloat16 on a bfloat16 GPU, else float32 (see :func:`resolve_dtype`).
        max_input_tokens: prompt tokens kept (longer captions are cut, with a warning).
        max_new_tokens: generated tokens per caption; a graph cut there loses its unfinished last fact.
        num_beams: 1 = greedy, as in FACTUAL's evaluation example; more beams cost proportionally more.
        batch_size: captions per ``generate`` call when ``parse_batch`` is not given one.
    """

    def __init__(
        self,
        name_or_path: str,
        device=None,
        dtype=None,
        max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
        num_beams: int = 1,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ):
        if not isinstance(name_or_path, str) or not name_or_path.strip():
            raise TypeError(f"name_or_path must be a non-empty str (local folder or Hub id), got {name_or_path!r}")
        for name, value, minimum in (
            ("max_input_tokens", max_input_tokens, 2),
            ("max_new_tokens", max_new_tokens, 1),
            ("num_beams", num_beams, 1),
            ("batch_size", batch_size, 1),
        ):
            require_int(name, value, minimum)
        self.name_or_path = name_or_path
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.max_input_tokens, self.max_new_tokens, self.num_beams = max_input_tokens, max_new_tokens, num_beams
        self.batch_size = batch_size
        self.tokenizer, self.model = load_seq2seq_checkpoint(name_or_path, self.device, self.dtype)
        if self.tokenizer.pad_token_id is None or self.tokenizer.eos_token_id is None:
            raise ValueError(f"the tokenizer of {name_or_path!r} needs a pad and an eos token (T5's have both).")

    @property
    def generation_settings(self) -> dict:
        """Everything besides the weights that changes the graphs (part of dataset-cache fingerprints)."""
        return generation_settings_of(
            self.device, self.dtype, self.max_input_tokens, self.max_new_tokens, self.num_beams
        )

    def parse(self, caption: str) -> SceneGraph:
        return self.parse_batch([caption])[0]

    def parse_batch(
        self, captions: Iterable[str], batch_size: int | None = None, show_progress: bool | None = None
    ) -> list[SceneGraph]:
        """One graph per caption, in order. Captions without a letter or digit get an empty graph
        without running the model. Malformed generations keep their well-formed facts; one warning
        per call counts them. `show_progress`: default only from PROGRESS_BAR_MIN_CAPTIONS on."""
        captions = _validate_captions(captions)
        texts = self.generate_texts(captions, batch_size=batch_size, show_progress=show_progress)
        graphs, malformed = [], []
        for caption, text in zip(captions, texts, strict=True):
            if text is None:
                graphs.append(SceneGraph(caption=caption, attribute_spans=[], relation_spans=[]))
                continue
            graph, problems = scene_graph_from_factual_text(caption, text)
            graphs.append(graph)
            if problems:
                malformed.append((caption, problems))
        if malformed:
            caption, problems = malformed[0]
            logger.warning(
                "%d of %d generated scene graphs were malformed; their well-formed facts were kept. "
                "First: caption %r: %s",
                len(malformed),
                len(captions),
                caption[:80],
                "; ".join(problems),
            )
        return graphs

    def generate_texts(
        self, captions: Iterable[str], batch_size: int | None = None, show_progress: bool | None = None
    ) -> list[str | None]:
        """FACTUAL text generated for each caption (None for captions without a letter or digit
        outside HTML tags: those are not sent to the model)."""
        captions = _validate_captions(captions)
        batch_size = self.batch_size if batch_size is None else batch_size
        require_int("batch_size", batch_size, minimum=1)
        plain = [_plain_text(caption) for caption in captions]
        to_parse = [i for i, text in enumerate(plain) if any(ch.isalnum() for ch in text)]
        # Longest first: batches of similar length pad less, and a too-large batch fails at once.
        to_parse.sort(key=lambda i: len(plain[i]), reverse=True)
        if show_progress is None:
            show_progress = len(to_parse) >= PROGRESS_BAR_MIN_CAPTIONS
        texts: list[str | None] = [None] * len(captions)
        counts = {"truncated_inputs": 0, "unfinished_outputs": 0}
        with tqdm(total=len(to_parse), desc="parsing captions", unit="caption", disable=not show_progress) as bar:
            for start in range(0, len(to_parse), batch_size):
                rows = to_parse[start : start + batch_size]
                prompts = [PROMPT_PREFIX + plain[i] for i in rows]
                for i, text in zip(rows, self._generate(prompts, counts), strict=True):
                    texts[i] = text
                bar.update(len(rows))
        self._warn_about_limits(counts)
        return texts

    @torch.inference_mode()
    def _generate(self, prompts: list[str], counts: dict) -> list[str]:
        lengths = self.tokenizer(prompts)["input_ids"]
        counts["truncated_inputs"] += sum(len(ids) > self.max_input_tokens for ids in lengths)
        encoded = self.tokenizer(
            prompts, max_length=self.max_input_tokens, truncation=True, padding=True, return_tensors="pt"
        ).to(self.device)
        generated = self.model.generate(
            **encoded,
            max_new_tokens=self.max_new_tokens,
            num_beams=self.num_beams,
            do_sample=False,
            decoder_start_token_id=self._decoder_start_token_id(),
            pad_token_id=self.tokenizer.pad_token_id,
            eos_token_id=self.tokenizer.eos_token_id,
        )
        # The first position is the decoder start token; an output without eos after it was cut.
        counts["unfinished_outputs"] += int((generated[:, 1:] != self.tokenizer.eos_token_id).all(dim=1).sum())
        return self.tokenizer.batch_decode(generated, skip_special_tokens=True)

    def _decoder_start_token_id(self) -> int:
        configured = getattr(self.model.generation_config, "decoder_start_token_id", None)
        if configured is None:
            configured = getattr(self.model.config, "decoder_start_token_id", None)
        return self.tokenizer.pad_token_id if configured is None else configured  # T5 starts from pad

    def _warn_about_limits(self, counts: dict) -> None:
        if counts["truncated_inputs"]:
            logger.warning(
                "%d caption(s) longer than max_input_tokens=%d were cut; their graphs cover the kept part only.",
                counts["truncated_inputs"],
                self.max_input_tokens,
            )
        if counts["unfinished_outputs"]:
            logger.warning(
                "%d generation(s) reached max_new_tokens=%d before finishing; their last, unfinished "
                "fact was dropped. Raise max_new_tokens for long captions.",
                counts["unfinished_outputs"],
                self.max_new_tokens,
            )


def _validate_captions(captions) -> list[str]:
    if isinstance(captions, str):
        raise TypeError("parse_batch expects a list of captions; use parse() for a single string")
    captions = list(captions)
    for index, caption in enumerate(captions):
        if not isinstance(caption, str):
            raise TypeError(f"captions[{index}] must be str, got {type(caption).__name__}: {caption!r:.80}")
    return captions
