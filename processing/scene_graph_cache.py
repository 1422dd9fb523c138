"""Parse a whole `datasets.Dataset` once: scene-graph triples (and semantic negatives), Arrow-cached.

``datasets`` fingerprints a ``map`` by hashing the function, which cannot see what changes the result
here: the parser rules, the spaCy model and its version, or a seq2seq checkpoint's weights. So the
fingerprint is explicit (:func:`scene_graph_fingerprint`): input fingerprint + every option + for
``scene_graph_parser="rules"`` the parser version and the spaCy model name and version, for a seq2seq
checkpoint the SHA-256 of its files and its generation settings (:func:`seq2seq_parser_identity`).
A second run with the same inputs loads the Arrow cache instead of parsing again; bump
``PARSER_VERSION`` (scene_graph_parser.py) when the rules change, ``SEQ2SEQ_PARSER_VERSION``
(scene_graph_seq2seq.py) when prompting or output parsing does.

With a seq2seq parser on a GPU, keep ``num_proc=None``: each worker process would load its own copy of
the model.

Columns written (rows that already have a value keep it, e.g. the original JSON's triples):

- ``triples``: list of ``[head, relation, tail]`` (relations first, docs/method.md §1);
- with ``build_negatives=True``: ``negative_caption`` (str or None), ``negative_triples``,
  ``negative_kind`` ("relation_swap" / "attribute_swap" / "none" / "given") and ``negative_reason``
  (why none, see semantic_negatives.NO_NEGATIVE_REASONS). :func:`negative_counts` sums them.

Not Hub code (it needs ``datasets``); the processor does not import it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os

import datasets

from .scene_graph_backends import RULES, cached_parser, validate_parser_name
from .scene_graph_parser import PARSER_VERSION, default_spacy_model_name, load_spacy_pipeline
from .scene_graph_seq2seq import generation_settings_of, local_checkpoint_folder
from .semantic_negatives import NO_NEGATIVE, STRATEGIES, negative_for_graph


logger = logging.getLogger(__name__)

NEGATIVES_VERSION = "1.0"  # bump when semantic_negatives.py changes what it builds
GIVEN_NEGATIVE = "given"  # negative_kind of a row whose negative came with the data


def spacy_model_version(name: str) -> str:
    """The installed model's version, read from package metadata (cheap) or the loaded pipeline."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return str(load_spacy_pipeline(name).meta.get("version", "unknown"))


def scene_graph_fingerprint(
    dataset: datasets.Dataset, spacy_model: str | None, options: dict, scene_graph_parser: str = RULES
) -> str:
    """Input fingerprint + options + the parser's identity (rules: version + spaCy model/version;
    seq2seq: checkpoint files + generation settings) -> a new fingerprint."""
    parts = {
        "input": dataset._fingerprint,
        "negatives_version": NEGATIVES_VERSION if options.get("build_negatives") else None,
        "options": options,
    }
    if scene_graph_parser == RULES:  # the same parts as before seq2seq parsers existed: old caches stay valid
        parts.update(
            {
                "parser_version": PARSER_VERSION,
                "spacy_model": spacy_model,
                "spacy_model_version": spacy_model_version(spacy_model),
            }
        )
    else:
        parts["seq2seq_parser"] = seq2seq_parser_identity(scene_graph_parser)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def seq2seq_parser_identity(name_or_path: str) -> dict:
    """What decides a seq2seq parser's graphs: the checkpoint's file contents (not its name: a folder can
    be overwritten, a Hub id re-pointed) and the settings the cached parser generates with."""
    folder = local_checkpoint_folder(name_or_path)
    return {"checkpoint_sha256": folder_sha256(folder), "generation": generation_settings_of()}


_FOLDER_HASHES: dict[tuple, str] = {}


def folder_sha256(folder: str) -> str:
    """SHA-256 over the relative paths and contents of every file under ``folder`` (hidden entries
    skipped), memoised per process on (path, size, mtime) so repeated calls do not re-read the weights."""
    files = _visible_files(folder)
    stats = tuple((name, os.stat(path).st_size, os.stat(path).st_mtime_ns) for name, path in files)
    key = (os.path.realpath(folder), stats)
    if key not in _FOLDER_HASHES:
        digest = hashlib.sha256()
        for name, path in files:
            digest.update(name.encode("utf-8") + b"\x00")
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        _FOLDER_HASHES[key] = digest.hexdigest()
    return _FOLDER_HASHES[key]


def _visible_files(folder: str) -> list[tuple[str, str]]:
    """(relative name, path) of every file under ``folder``, sorted; names starting with "." skipped."""
    found = []
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        found.extend(
            (os.path.relpath(os.path.join(root, name), folder), os.path.join(root, name))
            for name in names
            if not name.startswith(".")
        )
    return sorted(found)


def add_scene_graph_columns(
    dataset: datasets.Dataset,
    caption_column: str = "caption",
    build_negatives: bool = False,
    seed: int = 0,
    negative_strategy: str = "random",
    spacy_model: str | None = None,
    scene_graph_parser: str = RULES,
    batch_size: int = 256,
    num_proc: int | None = None,
    cache_dir: str | None = None,
    load_from_cache_file: bool = True,
) -> datasets.Dataset:
    """Add ``triples`` (and negatives) to every row via one cached ``datasets.map``.

    ``scene_graph_parser``: ``"rules"`` (spaCy rules, ``spacy_model``) or a seq2seq checkpoint's folder /
    Hub id (scene_graph_backends.py).

    ``cache_dir``: where the Arrow cache goes. Without it, a dataset loaded from files caches next
    to its own cache files; an in-memory dataset is not cached (datasets writes nothing for it).
    """
    if not isinstance(dataset, datasets.Dataset):
        raise TypeError(
            f"add_scene_graph_columns takes one datasets.Dataset, got {type(dataset).__name__}; "
            "for a DatasetDict, call it once per split."
        )
    if caption_column not in dataset.column_names:
        raise ValueError(f"column {caption_column!r} not in dataset columns {dataset.column_names}")
    if negative_strategy not in STRATEGIES:
        raise ValueError(f"negative_strategy must be one of {STRATEGIES}, got {negative_strategy!r}")
    validate_parser_name(scene_graph_parser)
    # A seq2seq parser needs no spaCy, and its cache must not depend on which spaCy model is installed.
    spacy_model = (spacy_model or default_spacy_model_name()) if scene_graph_parser == RULES else None
    options = {
        "caption_column": caption_column,
        "build_negatives": build_negatives,
        "seed": seed,
        "negative_strategy": negative_strategy,
    }
    fingerprint = scene_graph_fingerprint(dataset, spacy_model, options, scene_graph_parser)
    cache_file_name = None
    if cache_dir is not None:
        os.makedirs(cache_dir, exist_ok=True)
        cache_file_name = os.path.join(cache_dir, f"scene_graphs-{fingerprint}.arrow")
    elif not dataset.cache_files:
        logger.info("in-memory dataset and no cache_dir: scene graphs will not be cached on disk")
    features = _output_features(dataset, build_negatives)
    if len(dataset) == 0:
        # datasets.map returns an empty dataset unchanged (ignoring `features`); add the columns anyway.
        return datasets.Dataset.from_dict({name: [] for name in features}, features=features)
    return dataset.map(
        _add_columns,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        fn_kwargs={"spacy_model": spacy_model, "scene_graph_parser": scene_graph_parser, **options},
        features=features,
        new_fingerprint=fingerprint,
        cache_file_name=cache_file_name,
        load_from_cache_file=load_from_cache_file,
        desc="scene graphs" + (" + negatives" if build_negatives else ""),
    )


def scene_graph_columns_for_rows(
    rows: dict,
    build_negatives: bool = False,
    seed: int = 0,
    negative_strategy: str = "random",
    spacy_model: str | None = None,
    scene_graph_parser: str = RULES,
    caption_column: str = "caption",
) -> dict:
    """What :func:`add_scene_graph_columns` computes for one batch of rows (a dict of columns), uncached.

    For streamed data, which is parsed on the fly (in DataLoader workers) instead of once up front; the
    triples and negatives are the same as the cached path's for the same captions, seed and parser.
    """
    if negative_strategy not in STRATEGIES:
        raise ValueError(f"negative_strategy must be one of {STRATEGIES}, got {negative_strategy!r}")
    spacy_model = (spacy_model or default_spacy_model_name()) if scene_graph_parser == RULES else None
    return _add_columns(dict(rows), spacy_model, scene_graph_parser, caption_column, build_negatives, seed,
                        negative_strategy)  # fmt: skip


def negative_counts(dataset: datasets.Dataset) -> dict[str, int]:
    """How many rows got a relation swap / attribute swap / given negative / none."""
    counts: dict[str, int] = {}
    for kind in dataset["negative_kind"]:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def parse_captions(captions: list[str], spacy_model: str | None, scene_graph_parser: str = RULES) -> list:
    """One parser pass over a batch (a separate function so tests can count the calls)."""
    return cached_parser(spacy_model, scene_graph_parser).parse_batch(captions)


def _add_columns(
    batch: dict,
    spacy_model: str | None,
    scene_graph_parser: str,
    caption_column: str,
    build_negatives: bool,
    seed: int,
    negative_strategy: str,
) -> dict:
    captions = batch[caption_column]
    existing = batch.get("triples") or [None] * len(captions)
    given_negatives = batch.get("negative_caption") or [None] * len(captions)
    # Parse only rows that need a graph: no triples yet, or a negative still to build.
    needed = [
        i for i in range(len(captions)) if existing[i] is None or (build_negatives and given_negatives[i] is None)
    ]
    graphs: list = [None] * len(captions)
    parsed = parse_captions([captions[i] for i in needed], spacy_model, scene_graph_parser) if needed else []
    for index, graph in zip(needed, parsed, strict=False):
        graphs[index] = graph
    batch["triples"] = [
        triples if triples is not None else [list(t) for t in graph.triples()]
        for triples, graph in zip(existing, graphs, strict=False)
    ]
    if build_negatives:
        batch.update(_negative_columns(batch, graphs, seed, negative_strategy))
    return batch


def _negative_columns(batch: dict, graphs: list, seed: int, strategy: str) -> dict:
    size = len(graphs)
    given = batch.get("negative_caption") or [None] * size
    given_triples = batch.get("negative_triples") or [None] * size
    columns = {"negative_caption": [], "negative_triples": [], "negative_kind": [], "negative_reason": []}
    for graph, caption, triples in zip(graphs, given, given_triples, strict=False):
        if caption is not None:  # a negative that came with the data is never replaced
            row = (caption, triples, GIVEN_NEGATIVE, None)
        else:
            outcome = negative_for_graph(graph, seed, strategy)
            negative = outcome.negative
            row = (
                negative.caption if negative else None,
                [list(t) for t in negative.triples] if negative else None,
                outcome.kind if negative else NO_NEGATIVE,
                outcome.reason,
            )
        for key, value in zip(columns, row, strict=False):
            columns[key].append(value)
    return columns


def _output_features(dataset: datasets.Dataset, build_negatives: bool) -> datasets.Features:
    features = dict(dataset.features)
    triple_list = datasets.Sequence(datasets.Sequence(datasets.Value("string")))
    features["triples"] = triple_list
    if build_negatives:
        features["negative_caption"] = datasets.Value("string")
        features["negative_triples"] = triple_list
        features["negative_kind"] = datasets.Value("string")
        features["negative_reason"] = datasets.Value("string")
    return datasets.Features(features)
