"""Two CPU settings that halve spaCy's inference cost without changing its output, and the spaCy builds to prefer.

Why (measured on the 25,010 COCO captions of benchmarks/parser_quality.py, AMD EPYC, tagger+parser):
- thinc's `NumpyOps` multiplies matrices with cython-blis by default. For the tok2vec shapes
  (about 2,800 x 288 x 288 per batch of 256 captions) its kernel took 11.4 ms where numpy's OpenBLAS
  took 3.7 ms. thinc's own `NumpyOps(use_blis=False)` switch hands `gemm` to numpy instead. The
  parser's per-state steps still call blis from Cython; only the Python-level layers move.
- OpenBLAS's extra threads buy nothing on matrices this small and spin while they wait: with two
  threads the parse took the same wall time (8.4 s) but twice the CPU time (16.4 s vs 8.0 s).
Tags, heads and dependency labels were identical on all 25,010 captions with and without them.

Which spaCy build matters as much. The wheels from 3.8.7 on are compiled with Cython 3 (3.8.6's with Cython 0.29.37;
the version tag is in `spacy/ml/parser_model*.so`), and in them the dependency parser's inner loop takes and
releases the GIL around each call of thinc's `Vec.arg_max`, once per hidden unit per state per transition: a gdb
breakpoint on `PyGILState_Ensure` is hit 705,734 times while 3.8.18 parses 200 twelve-word captions, 17,410 times with
3.8.6. On the 25,010 COCO captions (`benchmarks/parser_stage_speed.py --captions 25010`, both builds in alternating
runs) spaCy took 380 and 366 us per caption with 3.8.6 against 542 and 562 with 3.8.18, with identical tags, heads
and labels and identical scene graphs. 3.8.6 has wheels for Python 3.9 to 3.12, so the project asks for it there.
"""

from __future__ import annotations

import contextlib
import logging
import re


logger = logging.getLogger(__name__)

# pyproject.toml's spaCy requirement (also written into the Hub Space's and endpoint's requirements.txt).
SPACY_REQUIREMENTS = (
    "spacy>=3.7,<3.8.7; python_version < '3.13'",
    "spacy>=3.8.7,<4; python_version >= '3.13'",
)
FIRST_CYTHON3_SPACY = (3, 8, 7)

# The parser's components; the other pipes are disabled while parsing (scene_graph_parser.UNUSED_PIPES).
MATMUL_PIPES = ("tok2vec", "tagger", "parser")

try:  # optional: without it, parsing is just slower (BLAS keeps its own thread count)
    from threadpoolctl import ThreadpoolController
except ImportError:
    ThreadpoolController = None

_CONTROLLER = None


def use_numpy_matmul(nlp) -> int:
    """Switch the CPU layers of `nlp`'s tok2vec/tagger/parser models from blis to numpy's BLAS.
    Layers on another backend (a GPU after `spacy.require_gpu()`) are left alone. Returns how many
    layers were switched."""
    from thinc.api import NumpyOps

    numpy_ops = NumpyOps(use_blis=False)
    switched = 0
    for name in MATMUL_PIPES:
        if name not in nlp.pipe_names or not hasattr(nlp.get_pipe(name), "model"):
            continue
        for layer in nlp.get_pipe(name).model.walk():
            if type(layer.ops) is NumpyOps and layer.ops.use_blis:
                layer.ops = numpy_ops
                switched += 1
    return switched


def parser_loop_takes_the_gil(spacy_version: str) -> bool:
    """Whether this spaCy release's wheels take the GIL inside the parser's loop (3.8.7 and later, see above)."""
    release = tuple(int(part) for part in re.findall(r"\d+", spacy_version)[:3])
    return release >= FIRST_CYTHON3_SPACY


def single_blas_thread():
    """Context manager: one BLAS thread while spaCy runs, the caller's setting restored afterwards."""
    global _CONTROLLER
    if ThreadpoolController is None:
        logger.debug("threadpoolctl is not installed; BLAS keeps its thread count while parsing")
        return contextlib.nullcontext()
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()  # scans the loaded libraries once (~1 ms)
    return _CONTROLLER.limit(limits=1, user_api="blas")
