"""Where the rule parser's CPU time goes, stage by stage, on COCO captions parsed beforehand.

    python benchmarks/parser_stage_speed.py                 # 4,000 COCO Karpathy test captions, best of 5
    python benchmarks/parser_stage_speed.py --captions 25010 --repeats 3

Stages, each timed alone over the same captions (best of `--repeats` passes, CPU seconds via
`time.process_time`, so a busy machine changes the numbers less than wall time would):
- `clean`: `clean_caption` (markup, entities, control characters);
- `spacy`: spaCy's tagger and dependency parser (`nlp.pipe`, the parser's pipes and CPU settings);
- `token_table`: copying the parse into the rules' plain Python tables (`scene_graph_tokens.TokenTable`);
- `rules`: `build_scene_graph` on the parsed doc (includes its own token table).
The full parser (`SceneGraphParser.parse_batch`) is timed the same way; each stage is printed as microseconds
per caption and as a share of the full parser's time, measured in the same run. This shared machine's speed
drifts with load by up to 30% between runs: compare two checkouts in alternating runs, not across days.
"""

from __future__ import annotations

import os


for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import json
import logging
import time

from parser_quality import add_timing_arguments, timed_coco_captions  # sibling script: shared COCO reading


logger = logging.getLogger("parser_stage_speed")


def best_cpu_seconds(run, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _build_token_tables(table_class, docs) -> None:
    """Tables built and dropped one by one, as the parser does: keeping thousands alive would time the
    garbage collector's scans of them instead."""
    for doc in docs:
        table_class(doc)


def stage_seconds(captions: list[str], repeats: int) -> dict[str, float]:
    from processing.deferred_gc import deferred_full_collections
    from processing.scene_graph_parser import UNUSED_PIPES, SceneGraphParser
    from processing.scene_graph_rules import build_scene_graph
    from processing.scene_graph_text import clean_caption
    from processing.scene_graph_tokens import TokenTable
    from processing.spacy_cpu_speed import single_blas_thread

    parser = SceneGraphParser()
    parser.parse_batch(captions[:200])  # warm-up: model load, caches
    disable = [pipe for pipe in UNUSED_PIPES if pipe in parser.nlp.pipe_names]
    cleaned = [clean_caption(caption) for caption in captions]
    texts = [clean.text for clean in cleaned]

    def run_spacy():
        with single_blas_thread():
            return list(parser.nlp.pipe(texts, batch_size=256, disable=disable))

    docs = run_spacy()
    with deferred_full_collections():
        return {
            "clean": best_cpu_seconds(lambda: [clean_caption(caption) for caption in captions], repeats),
            "spacy": best_cpu_seconds(run_spacy, repeats),
            "token_table": best_cpu_seconds(lambda: _build_token_tables(TokenTable, docs), repeats),
            "rules": best_cpu_seconds(
                lambda: [
                    build_scene_graph(doc, parser.lemmatizer, clean.quoted_text)
                    for doc, clean in zip(docs, cleaned, strict=True)
                ],
                repeats,
            ),
            "full_parser": best_cpu_seconds(lambda: parser.parse_batch(captions, show_progress=False), repeats),
        }


def report(seconds: dict[str, float], captions: int) -> dict:
    import spacy

    full = seconds["full_parser"]
    return {
        "captions": captions,
        "spacy_version": spacy.__version__,  # 3.8.7+ builds parse slower (processing/spacy_cpu_speed.py)
        "microseconds_per_caption": {stage: 1e6 * value / captions for stage, value in seconds.items()},
        "share_of_full_parser": {stage: value / full for stage, value in seconds.items()},
        "full_parser_captions_per_cpu_second": captions / full,
        "spacy_alone_captions_per_cpu_second": captions / seconds["spacy"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_timing_arguments(parser, repeats_help="passes per stage; the fastest counts")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    captions = timed_coco_captions(parser, args)
    result = report(stage_seconds(captions, args.repeats), len(captions))
    for stage, micros in result["microseconds_per_caption"].items():
        share = result["share_of_full_parser"][stage]
        logger.info("%-12s %8.1f us per caption  %5.2f of the full parser", stage, micros, share)
    logger.info(
        "full parser %.0f captions per CPU-second; spaCy alone %.0f",
        result["full_parser_captions_per_cpu_second"],
        result["spacy_alone_captions_per_cpu_second"],
    )
    if args.output_json is not None:
        args.output_json.parent.mkdir(parents=True, exist_ok=True)
        args.output_json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
