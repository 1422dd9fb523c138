"""This checkout's rule parser against another version's, timed in one process on the same COCO captions.

    git worktree add /tmp/parser-2.10 <commit-of-the-older-version>
    python benchmarks/parser_speed_against.py --baseline_checkout /tmp/parser-2.10

Two checkouts timed one after the other drift with this shared machine's load by up to 30%; here both versions'
`processing/` packages are loaded side by side (the baseline's under another package name), and passes of the two
alternate, so load changes hit both. Two measures, each the fastest of `--repeats` passes, CPU seconds via
`time.process_time`, Python's garbage collector paused during a pass as the parser does:
- `rules`: `build_scene_graph` over the same spaCy docs (parsed once), the rules' cost alone;
- `full_parser`: `SceneGraphParser.parse_batch`, spaCy included.
Printed as microseconds per caption and as this checkout's time over the baseline's (below 1: faster).
"""

from __future__ import annotations

import os


for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import gc
import importlib
import json
import logging
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path

from parser_quality import add_timing_arguments, timed_coco_captions  # sibling script: shared COCO reading


REPO_ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("this_checkout", "baseline")

logger = logging.getLogger("parser_speed_against")


def load_side_by_side(checkouts: dict[str, Path], workdir: Path) -> dict[str, dict]:
    """Each checkout's `processing/` copied under its own package name and imported: the parser module, the
    rules module and the text cleaner of each version."""
    modules = {}
    for name, checkout in checkouts.items():
        package = f"processing_{name}"
        shutil.copytree(checkout / "processing", workdir / package)
        # A bare package object over the copied folder: its submodules import relative to it, and its __init__
        # (which registers the processor with the Auto classes) never runs, nor is anything put on the import path.
        bare_package = types.ModuleType(package)
        bare_package.__path__ = [str(workdir / package)]
        sys.modules[package] = bare_package
        modules[name] = {
            part: importlib.import_module(f"{package}.scene_graph_{part}") for part in ("parser", "rules", "text")
        }
    return modules


def alternate_best(runs: dict, repeats: int) -> dict[str, float]:
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            gc.disable()
            try:
                start = time.process_time()
                run()
                best[name] = min(best[name], time.process_time() - start)
            finally:
                gc.enable()
            gc.collect()
    return best


def compare(captions: list[str], modules: dict[str, dict], repeats: int) -> dict:
    parsers = {name: parts["parser"].SceneGraphParser() for name, parts in modules.items()}
    reference = parsers["this_checkout"]
    disable = [pipe for pipe in modules["this_checkout"]["parser"].UNUSED_PIPES if pipe in reference.nlp.pipe_names]
    for parser in parsers.values():
        parser.parse_batch(captions[:200])  # warm-up: model load, caches

    def rules_pass(name):
        cleaned = [modules[name]["text"].clean_caption(caption) for caption in captions]
        docs = list(reference.nlp.pipe([clean.text for clean in cleaned], batch_size=256, disable=disable))
        build, lemmatizer = modules[name]["rules"].build_scene_graph, parsers[name].lemmatizer
        return lambda: [build(doc, lemmatizer, clean.quoted_text) for doc, clean in zip(docs, cleaned, strict=True)]

    rules = alternate_best({name: rules_pass(name) for name in modules}, repeats)
    full = alternate_best(
        {
            name: (lambda parser=parser: parser.parse_batch(captions, show_progress=False))
            for name, parser in parsers.items()
        },
        repeats,
    )
    result = {"captions": len(captions), "repeats": repeats}
    for measure, seconds in (("rules", rules), ("full_parser", full)):
        result[measure] = {
            "microseconds_per_caption": {name: 1e6 * value / len(captions) for name, value in seconds.items()},
            "time_ratio_this_over_baseline": seconds["this_checkout"] / seconds["baseline"],
        }
    result["full_parser"]["captions_per_cpu_second"] = {name: len(captions) / value for name, value in full.items()}
    result["parser_versions"] = {name: parts["parser"].PARSER_VERSION for name, parts in modules.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline_checkout", type=Path, required=True, help="repo root of the other version")
    add_timing_arguments(parser, repeats_help="alternating passes; the fastest of each counts")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.baseline_checkout / "processing" / "scene_graph_rules.py").exists():
        parser.error(f"{args.baseline_checkout} holds no processing/scene_graph_rules.py: pass a checkout's root")
    captions = timed_coco_captions(parser, args)
    with tempfile.TemporaryDirectory() as workdir:
        modules = load_side_by_side({"this_checkout": REPO_ROOT, "baseline": args.baseline_checkout}, Path(workdir))
        result = compare(captions, modules, args.repeats)
    versions = result["parser_versions"]
    logger.info("parser %s against %s, %d captions:", versions["this_checkout"], versions["baseline"], len(captions))
    for measure in ("rules", "full_parser"):
        micros = result[measure]["microseconds_per_caption"]
        logger.info(
            "%-12s %7.1f us per caption against %7.1f: time ratio %.3f",
            measure,
            micros["this_checkout"],
            micros["baseline"],
            result[measure]["time_ratio_this_over_baseline"],
        )
    speed = result["full_parser"]["captions_per_cpu_second"]
    logger.info("full parser %.0f captions per CPU-second against %.0f", speed["this_checkout"], speed["baseline"])
    if args.output_json is not None:
        args.output_json.parent.mkdir(parents=True, exist_ok=True)
        args.output_json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
