"""Scene-graph parser benchmark: FACTUAL gold quality, ARO relation templates and speed (issue 3).

Compares processing.SceneGraphParser with SceneGraphParser 0.1.0 (PyPI `SceneGraphParser`, the
parser behind the original Structure-CLIP data, docs/method.md §3) in the same run.

    python benchmarks/parser_quality.py                      # everything
    python benchmarks/parser_quality.py --skip_speed --skip_baseline
    python benchmarks/parser_quality.py --parser PATH_OR_ID --skip_speed --skip_baseline
    python benchmarks/parser_quality.py --train_sample 2000 --train_sample_min_words 8 --skip_speed --skip_aro

`--train_sample N` also scores N captions drawn from FACTUAL's train split (seeded): a second dev measure,
so that a rule is not tuned to the few hundred long_dev captions. The mined conventions
(processing/scene_graph_conventions.py) come from that split, so its numbers flatter them.

`--parser` picks the backend measured as "ours": `rules` (default) or the local folder / Hub id of a
FACTUAL-style seq2seq checkpoint (processing/scene_graph_seq2seq.py). FACTUAL's own Flan-T5 parsers
(lizhuang144/flan-t5-{small,base}-VG-factual-sg) cannot be downloaded on this project's machines, so
their quality is quoted from FACTUAL's README (exact set match on its random *test* split: base 81.37,
small 78.18, SPICE/Stanford parser 19.30), not measured here; run this script with `--parser` where the
checkpoint is cached or saved locally to measure them on the dev splits below.

A second table splits each split's scores by caption length (1-5, 6-7, 8-9, 10-11, 12-14, 15+ words): the
splits mix lengths in different proportions, and quality falls with length on every one of them.

Speed: the 25,010 COCO Karpathy test captions, batched, in captions per CPU-second; for the rule parser also
spaCy's tagger and parser alone on the same captions (the floor the rules add to) and the share of CPU time left to
cleaning and rules. `benchmarks/parser_stage_speed.py` splits that time by stage and
`benchmarks/parser_speed_against.py` times this checkout against another version in one process.

Matching (issue 3): lower-case; number words one..ten -> digits; every token lemmatised through
spaCy's context-free English lookup table (spacy-lookups-data `lemma_lookup`), identically on gold
and prediction; exact set match per caption, micro-averaged P/R/F1.
"""

from __future__ import annotations

import os


# Tiny matrices: multi-threaded BLAS only burns CPU-seconds spinning (set before numpy loads).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import csv
import json
import logging
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path


logger = logging.getLogger("parser_quality")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
NUMBER_WORDS = {w: str(i) for i, w in enumerate("one two three four five six seven eight nine ten".split(), 1)}
ARTICLES = {"the", "a", "an"}
ARO_EXTRA_RELATIONS = {
    "left": "to the left of",
    "right": "to the right of",
    "above": "above",
    "below": "below",
    "on": "on",
    "in": "in",
    "under": "under",
}
ARO_NOUN_PAIRS = [("man", "horse"), ("dog", "table"), ("woman", "bench"), ("cup", "plate")]


# ------------------------------------------------------------------ normalisation and gold
class Normaliser:
    def __init__(self):
        from spacy.lookups import load_lookups

        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")

    def __call__(self, phrase: str) -> str:
        tokens = [NUMBER_WORDS.get(tok, tok) for tok in phrase.lower().split()]
        return " ".join(self.table.get(tok, tok) for tok in tokens)


@dataclass
class GraphSets:
    relations: set = field(default_factory=set)
    attributes: set = field(default_factory=set)
    objects: set = field(default_factory=set)


def normalised_sets(objects, attributes, relations, norm: Normaliser) -> GraphSets:
    sets = GraphSets()
    sets.relations = {(norm(s), norm(p), norm(o)) for s, p, o in relations}
    sets.attributes = {(norm(o), norm(a)) for o, a in attributes}
    nodes = list(objects) + [o for o, _ in attributes] + [x for s, _, o in relations for x in (s, o)]
    sets.objects = {norm(node) for node in nodes}
    return sets


def parse_gold_graph(text: str):
    objects, attributes, relations = [], [], []
    for group in re.findall(r"\(([^()]*)\)", text):
        parts = [part.strip() for part in group.split(",")]
        if len(parts) == 1 and parts[0]:
            objects.append(parts[0])
        elif len(parts) == 3 and parts[1] == "is":
            attributes.append((parts[0], parts[2]))
        elif len(parts) == 3:
            relations.append(tuple(parts))
    return objects, attributes, relations


def read_factual(path: Path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["caption"] for row in rows], [parse_gold_graph(row["scene_graph"]) for row in rows]


def sample_factual(path: Path, size: int, seed: int, min_words: int = 0):
    """`size` (caption, gold) pairs of at least `min_words` words, in a seeded random order."""
    captions, golds = read_factual(path)
    order = list(range(len(captions)))
    random.Random(seed).shuffle(order)
    chosen = [i for i in order if len(captions[i].split()) >= min_words][:size]
    return [captions[i] for i in chosen], [golds[i] for i in chosen]


# ------------------------------------------------------------------------ the two parsers
def ours_parse_batch(captions, parser: str = "rules"):
    from processing.scene_graph_backends import cached_parser

    graphs = cached_parser(None, parser).parse_batch(captions)
    return [(g.objects, g.attributes, g.relations) for g in graphs]


class BaselineParser:
    """SceneGraphParser 0.1.0 unchanged. Its default model name 'en_core_web_sm' may not be installed;
    then it gets whichever English pipeline is (adapting only the model name, not the logic)."""

    def __init__(self):
        import sng_parser

        from processing.scene_graph_parser import default_spacy_model_name

        self.parser = sng_parser.Parser("spacy", model=default_spacy_model_name())

    def parse(self, caption: str):
        graph = self.parser.parse(caption)
        entities = graph["entities"]
        objects = [entity["lemma_head"] for entity in entities]
        # As the original Structure-CLIP data used it (docs/method.md §3): amod modifiers, no numerals.
        attributes = [
            (entity["lemma_head"], modifier["lemma_span"])
            for entity in entities
            for modifier in entity["modifiers"]
            if modifier["dep"] == "amod"
        ]
        relations = [
            (entities[rel["subject"]]["lemma_head"], rel["relation"], entities[rel["object"]]["lemma_head"])
            for rel in graph["relations"]
        ]
        return objects, attributes, relations

    def parse_batch(self, captions):
        return [self.parse(caption) for caption in captions]


# ----------------------------------------------------------------------------- quality
def prf(true_positive: int, predicted: int, gold: int) -> dict:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": 100 * precision, "recall": 100 * recall, "f1": 100 * f1}


def score(predictions, golds, norm: Normaliser) -> dict:
    counts = {kind: [0, 0, 0] for kind in ("relations", "attributes", "objects")}
    exact = 0
    for prediction, gold in zip(predictions, golds, strict=False):
        predicted_sets, gold_sets = normalised_sets(*prediction, norm), normalised_sets(*gold, norm)
        for kind, tally in counts.items():
            p, g = getattr(predicted_sets, kind), getattr(gold_sets, kind)
            tally[0] += len(p & g)
            tally[1] += len(p)
            tally[2] += len(g)
        exact += predicted_sets == gold_sets
    result = {kind: prf(*tally) for kind, tally in counts.items()}
    result["graph_exact_match"] = 100 * exact / max(len(golds), 1)
    return result


# Word-count bands of the by-length report: the dev splits' short captions, train's longest (8-9 words; it has
# almost none of 10+) and long_dev's three thirds or so (10-11, 12-14, 15+ words).
LENGTH_BANDS = ((1, 5), (6, 7), (8, 9), (10, 11), (12, 14), (15, None))


def _band_name(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def length_band(caption: str) -> str:
    words = len(caption.split())
    return next(_band_name(low, high) for low, high in LENGTH_BANDS if high is None or words <= high)


def score_by_length(captions, predictions, golds, norm: Normaliser) -> dict:
    """`score` per word-count band (bands without captions left out), so that quality can be read against
    caption length: a split's average mixes lengths in its own proportions."""
    bands: dict[str, list[int]] = {_band_name(low, high): [] for low, high in LENGTH_BANDS}  # in band order
    for index, caption in enumerate(captions):
        bands[length_band(caption)].append(index)
    result = {}
    for name, indices in bands.items():
        if indices:
            result[name] = score([predictions[i] for i in indices], [golds[i] for i in indices], norm)
            result[name]["captions"] = len(indices)
    return result


def aro_templates(parse_batch, norm: Normaliser, data_dir: Path) -> dict:
    names = json.loads((data_dir / "aro" / "vg_relation_dropped_157.json").read_text())
    relations = list(dict.fromkeys(names + list(ARO_EXTRA_RELATIONS.values())))
    cases = [(s, rel, o) for rel in relations for s, o in ARO_NOUN_PAIRS]
    predictions = parse_batch([f"the {s} is {rel} the {o}" for s, rel, o in cases])
    strict = loose = 0
    failures = []
    for (s, rel, o), (_, _, predicted) in zip(cases, predictions, strict=False):
        want = (norm(s), norm(rel), norm(o))
        got = {(norm(ps), norm(pp), norm(po)) for ps, pp, po in predicted}
        strict += want in got
        # FACTUAL drops articles inside complex prepositions ("on side of"); count those separately.
        drop = lambda triple: (triple[0], " ".join(w for w in triple[1].split() if w not in ARTICLES), triple[2])
        hit = drop(want) in {drop(triple) for triple in got}
        loose += hit
        if not hit:
            failures.append({"caption": f"the {s} is {rel} the {o}", "predicted": sorted(got)})
    total = len(cases)
    return {
        "cases": total,
        "relations": len(relations),
        "exact_percent": 100 * strict / total,
        "article_insensitive_percent": 100 * loose / total,
        "failures_sample": failures[:20],
    }


# ------------------------------------------------------------------------------- speed
def read_coco_captions(data_dir: Path) -> list[str]:
    path = data_dir / "coco_captions" / "coco_karpathy_test_captions.tsv"
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t")[2] for line in handle if line.count("\t") >= 2]


def add_timing_arguments(parser: argparse.ArgumentParser, repeats_help: str) -> None:
    """The arguments of the speed scripts that time the parser on the first COCO captions (parser_stage_speed.py,
    parser_speed_against.py)."""
    parser.add_argument("--data_dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument("--captions", type=int, default=4000, help="how many COCO captions (from the start)")
    parser.add_argument("--repeats", type=int, default=5, help=repeats_help)
    parser.add_argument("--output_json", type=Path, default=None, help="also write the report here")


def timed_coco_captions(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The first `--captions` COCO captions, after checking the arguments of `add_timing_arguments`."""
    if args.captions < 1 or args.repeats < 1:
        parser.error("--captions and --repeats must be at least 1")
    coco = args.data_dir / "coco_captions" / "coco_karpathy_test_captions.tsv"
    if not coco.exists():
        parser.error(f"{coco} not found: pass --data_dir, the folder holding coco_captions/")
    return read_coco_captions(args.data_dir)[: args.captions]


def speed(captions, baseline_sample: int, skip_baseline: bool, parser_name: str = "rules") -> dict:
    from processing.scene_graph_backends import cached_parser

    parser = cached_parser(None, parser_name)
    parser.parse_batch(captions[:200])  # warm-up: model load, caches
    start = time.process_time()
    parser.parse_batch(captions, batch_size=256)
    ours_seconds = time.process_time() - start
    result = {
        "captions": len(captions),
        "ours_cpu_seconds": ours_seconds,
        "ours_captions_per_cpu_second": len(captions) / ours_seconds,
    }
    if hasattr(parser, "nlp"):
        result.update(spacy_alone(parser, captions, ours_seconds))
    if not skip_baseline:
        baseline = BaselineParser()
        sample = random.Random(0).sample(captions, min(baseline_sample, len(captions)))
        baseline.parse_batch(sample[:50])
        start = time.process_time()
        baseline.parse_batch(sample)
        seconds = time.process_time() - start
        result.update(
            {
                "baseline_sample": len(sample),
                "baseline_cpu_seconds": seconds,
                "baseline_captions_per_cpu_second": len(sample) / seconds,
                "baseline_extrapolated_cpu_seconds_all": seconds * len(captions) / len(sample),
            }
        )
        result["speedup"] = result["ours_captions_per_cpu_second"] / result["baseline_captions_per_cpu_second"]
    return result


def spacy_alone(parser, captions, parser_seconds: float) -> dict:
    """The rule parser's floor: spaCy's tagger and dependency parser over the same cleaned captions, with the
    parser's pipes and CPU settings, and no rules. What is left of the parser's time is cleaning and rules."""
    from processing.deferred_gc import deferred_full_collections
    from processing.scene_graph_parser import UNUSED_PIPES
    from processing.scene_graph_text import clean_caption
    from processing.spacy_cpu_speed import single_blas_thread

    disable = [pipe for pipe in UNUSED_PIPES if pipe in parser.nlp.pipe_names]
    texts = [clean_caption(caption).text for caption in captions]
    with single_blas_thread(), deferred_full_collections():
        start = time.process_time()
        for _ in parser.nlp.pipe(texts, batch_size=256, disable=disable):
            pass
        seconds = time.process_time() - start
    import spacy

    return {
        "spacy_version": spacy.__version__,  # 3.8.7+ builds parse slower (processing/spacy_cpu_speed.py)
        "spacy_alone_cpu_seconds": seconds,
        "spacy_alone_captions_per_cpu_second": len(captions) / seconds,
        "cleaning_and_rules_share_percent": 100 * max(parser_seconds - seconds, 0.0) / parser_seconds,
    }


# ---------------------------------------------------------------------------- reporting
def quality_table(results: dict) -> str:
    lines = [
        "| split | parser | rel P | rel R | rel F1 | attr P | attr R | attr F1 | obj P | obj R | obj F1 | exact % |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for split, by_parser in results.items():
        for name, r in by_parser.items():
            cells = [
                f"{r[k][m]:.1f}" for k in ("relations", "attributes", "objects") for m in ("precision", "recall", "f1")
            ]
            lines.append(f"| {split} | {name} | " + " | ".join(cells) + f" | {r['graph_exact_match']:.1f} |")
    return "\n".join(lines)


def length_table(results: dict) -> str:
    lines = [
        "| split | parser | words | captions | rel F1 | attr F1 | obj F1 | exact % |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for split, by_parser in results.items():
        for name, bands in by_parser.items():
            for band, r in bands.items():
                cells = [f"{r[k]['f1']:.1f}" for k in ("relations", "attributes", "objects")]
                lines.append(
                    f"| {split} | {name} | {band} | {r['captions']} | "
                    + " | ".join(cells)
                    + f" | {r['graph_exact_match']:.1f} |"
                )
    return "\n".join(lines)


def score_split(parsers: dict, captions, golds, norm: Normaliser) -> tuple[dict, dict]:
    """Each parser's scores on a split, overall and by caption length (one parse per caption)."""
    overall, by_length = {}, {}
    for name, parse_batch in parsers.items():
        predictions = parse_batch(captions)
        overall[name] = score(predictions, golds, norm)
        by_length[name] = score_by_length(captions, predictions, golds, norm)
    return overall, by_length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data_dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared data folder")
    parser.add_argument(
        "--splits", nargs="*", default=["random_dev", "length_dev", "long_dev"], help="FACTUAL csv names"
    )
    parser.add_argument("--parser", default="rules", help="'rules' or a seq2seq checkpoint folder / Hub id")
    parser.add_argument("--train_sample", type=int, default=0, help="also score this many train.csv captions")
    parser.add_argument("--train_sample_min_words", type=int, default=0, help="only train captions this long")
    parser.add_argument("--train_sample_seed", type=int, default=13, help="seed of the train sample")
    parser.add_argument("--skip_baseline", action="store_true", help="only run our parser")
    parser.add_argument("--skip_speed", action="store_true", help="skip the COCO speed measurement")
    parser.add_argument("--skip_aro", action="store_true", help="skip the ARO relation templates")
    parser.add_argument("--baseline_speed_sample", type=int, default=2500, help="captions timed for the baseline")
    parser.add_argument(
        "--output_json", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "parser_quality.json"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    norm = Normaliser()
    ours_name = "ours" if args.parser == "rules" else args.parser
    parsers = {ours_name: lambda captions: ours_parse_batch(captions, args.parser)}
    if not args.skip_baseline:
        parsers["SceneGraphParser 0.1.0"] = BaselineParser().parse_batch
    report: dict = {"quality": {}, "quality_by_length": {}}
    for split in args.splits:
        captions, golds = read_factual(args.data_dir / "factual" / f"{split}.csv")
        report["quality"][split], report["quality_by_length"][split] = score_split(parsers, captions, golds, norm)
    if args.train_sample:
        train = args.data_dir / "factual" / "train.csv"
        captions, golds = sample_factual(train, args.train_sample, args.train_sample_seed, args.train_sample_min_words)
        sample_name = f"train sample ({len(captions)}, {args.train_sample_min_words}+ words)"
        report["quality"][sample_name], report["quality_by_length"][sample_name] = score_split(
            parsers, captions, golds, norm
        )
    logger.info("FACTUAL quality (lemmatised exact set match, micro P/R/F1):\n%s", quality_table(report["quality"]))
    logger.info("By caption length (words split on spaces):\n%s", length_table(report["quality_by_length"]))
    if not args.skip_aro:
        report["aro_templates"] = {name: aro_templates(fn, norm, args.data_dir) for name, fn in parsers.items()}
        for name, r in report["aro_templates"].items():
            logger.info(
                "ARO templates %s: %d cases, exact %.1f%%, article-insensitive %.1f%%",
                name,
                r["cases"],
                r["exact_percent"],
                r["article_insensitive_percent"],
            )
    if not args.skip_speed:
        report["speed"] = speed(
            read_coco_captions(args.data_dir), args.baseline_speed_sample, args.skip_baseline, args.parser
        )
        logger.info("Speed (CPU seconds via time.process_time): %s", json.dumps(report["speed"], indent=1))
    args.output_json.parent.mkdir(parents=True, exist_ok=True)
    args.output_json.write_text(json.dumps(report, indent=1))
    logger.info("wrote %s", args.output_json)


if __name__ == "__main__":
    main()
