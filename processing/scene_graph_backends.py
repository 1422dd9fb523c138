"""Choosing a scene-graph parser by one string: ``"rules"`` or a seq2seq checkpoint.

- ``"rules"`` (the default, offline): :class:`SceneGraphParser`, spaCy + FACTUAL-style rules;
- anything else: a local folder or Hub id of a FACTUAL-style seq2seq checkpoint, run by
  :class:`Seq2SeqSceneGraphParser` (e.g. ``lizhuang144/flan-t5-base-VG-factual-sg``).

The processor, the dataset cache and the parser benchmark all take this one string. Parsers are
built once per process and setting (:func:`cached_parser`): a spaCy pipeline or a model load costs
seconds, and the processor must not hold either (transformers 5 ``ProcessorMixin.to_dict`` deep-copies it on every save).
"""

from __future__ import annotations

from .scene_graph_parser import SceneGraphParser
from .scene_graph_seq2seq import Seq2SeqSceneGraphParser


RULES = "rules"

AnySceneGraphParser = SceneGraphParser | Seq2SeqSceneGraphParser

_PARSERS: dict[tuple[str, str | None], AnySceneGraphParser] = {}


def validate_parser_name(scene_graph_parser) -> str:
    """Boundary check: the parser setting is ``"rules"`` or a non-empty path / Hub id."""
    if not isinstance(scene_graph_parser, str) or not scene_graph_parser.strip():
        raise TypeError(
            f"scene_graph_parser must be {RULES!r} or a local folder / Hub id of a seq2seq checkpoint "
            f"(str), got {scene_graph_parser!r:.80}"
        )
    return scene_graph_parser


def load_scene_graph_parser(name_or_path: str = RULES, **options) -> AnySceneGraphParser:
    """A new parser: ``"rules"`` -> ``SceneGraphParser(**options)`` (option: ``spacy_model``); anything else
    -> ``Seq2SeqSceneGraphParser(name_or_path, **options)`` (options: ``device``, ``dtype``,
    ``max_input_tokens``, ``max_new_tokens``, ``num_beams``, ``batch_size``).

    A Hub id that is neither cached nor reachable raises OSError saying to download it once or to pass
    a local folder.
    """
    validate_parser_name(name_or_path)
    if name_or_path == RULES:
        return SceneGraphParser(**options)
    return Seq2SeqSceneGraphParser(name_or_path, **options)


def cached_parser(spacy_model: str | None = None, scene_graph_parser: str = RULES) -> AnySceneGraphParser:
    """One parser per (setting, spaCy model) and process, with default options. The spaCy model only
    matters for ``"rules"``; a seq2seq parser runs on CUDA when available, else the CPU."""
    key = (scene_graph_parser, spacy_model if scene_graph_parser == RULES else None)
    if key not in _PARSERS:
        options = {"spacy_model": spacy_model} if scene_graph_parser == RULES else {}
        _PARSERS[key] = load_scene_graph_parser(scene_graph_parser, **options)
    return _PARSERS[key]
