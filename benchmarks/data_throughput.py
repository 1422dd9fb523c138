"""Can the data path feed the model? Samples/s of the full collate path (JPEG decode, resize + crop + normalise,
tokenise, scene-graph parse when the triples are not cached, hard negatives) through a DataLoader with 0, 1, 2 and
N workers, beside the forward+backward samples/s of ViT-B/32 Structure-CLIP (random init, a 6-layer bert-base KEE,
one hard negative per row) at one thread. Every loader row runs with the slow (PIL) CLIP image processor and, when
torchvision works beside the installed torch, with the fast (torchvision) one too; the run ends with fast / slow for
the image processor alone and for each row. Without a working torchvision it prints why the fast rows are missing.

The images are generated JPEGs at COCO sizes (640x480, 480x640, 640x427; smooth colour fields plus noise, quality
90, so they decode like photos rather than like flat colour). The tokenizers are the offline ones of
tests/tiny_processors.py (the Hub is not needed); the image processor has CLIP's 224 settings.

    python benchmarks/data_throughput.py                  # 192 samples per measurement, batch 8
    python benchmarks/data_throughput.py --quick          # tiny images and model, a few samples (the test)
    python benchmarks/data_throughput.py --json data_throughput.json

Read `loader_over_model`: above 1, that many-worker loader outruns one training process at one thread.
"""

import os


os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: one BLAS thread in every process

import argparse
import importlib.metadata
import json
import platform
import random
import statistics
import tempfile
import time

import numpy as np
import torch
import transformers
from PIL import Image
from torch.utils.data import DataLoader

from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
from processing import StructureCLIPProcessor
from processing.image_backend import FAST, SLOW, clip_image_processor, torchvision_problem
from structure_clip.training.data import StructureCLIPCollator
from tests.tiny_processors import make_tiny_bert_tokenizer, make_tiny_clip_tokenizer


COCO_SIZES = ((640, 480), (480, 640), (640, 427))
COLOURS = ("red", "blue", "green", "white", "black", "yellow", "brown", "small", "large", "old", "young", "tall")
THINGS = ("man", "woman", "dog", "cat", "horse", "car", "bus", "table", "chair", "kite", "tree", "sign", "bike")
RELATIONS = ("riding", "next to", "holding", "behind", "near", "under", "above", "chasing", "carrying", "on")


def caption_row(index: int, image_path: str) -> dict:
    """A distinct caption per index (so a parse cache never hits), its triples and its relation-swap negative."""
    rng = random.Random(index)
    colour_a, colour_b = rng.sample(COLOURS, 2)
    thing_a, thing_b = rng.sample(THINGS, 2)
    relation = RELATIONS[index % len(RELATIONS)]
    return {
        "image": image_path,
        "caption": f"a {colour_a} {thing_a} {relation} a {colour_b} {thing_b} number {index}",
        "triples": [[thing_a, relation, thing_b], [thing_a, "is", colour_a], [thing_b, "is", colour_b]],
        "negative_caption": f"a {colour_a} {thing_b} {relation} a {colour_b} {thing_a} number {index}",
        "negative_triples": [[thing_b, relation, thing_a], [thing_b, "is", colour_a], [thing_a, "is", colour_b]],
        "bbox": None,
    }


def write_jpegs(folder: str, count: int, sizes) -> list[str]:
    paths = []
    rng = np.random.default_rng(0)
    for index in range(count):
        width, height = sizes[index % len(sizes)]
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        phase = rng.uniform(0, 6.3, size=3)
        field = np.stack([128 + 100 * np.sin(x / (40 + 15 * c) + y / (55 + 10 * c) + phase[c]) for c in range(3)], -1)
        pixels = np.clip(field + rng.normal(0, 12, field.shape), 0, 255).astype(np.uint8)
        path = os.path.join(folder, f"image_{index:05d}.jpg")
        Image.fromarray(pixels).save(path, quality=90)
        paths.append(path)
    return paths


def image_processors(size: int) -> dict:
    """{'slow': the PIL backend, 'fast': the torchvision backend when it works here} at `size` pixels."""
    settings = {"size": {"shortest_edge": size}, "crop_size": {"height": size, "width": size}}
    processors = {"slow": clip_image_processor(SLOW, **settings)}
    if torchvision_problem() is None:
        processors["fast"] = clip_image_processor(FAST, **settings)
    return processors


def make_processor(image_processor) -> StructureCLIPProcessor:
    return StructureCLIPProcessor(image_processor, make_tiny_clip_tokenizer(), make_tiny_bert_tokenizer())


def strip_triples(rows: list[dict]) -> list[dict]:
    return [{**row, "triples": None, "negative_triples": None} for row in rows]


def loader_samples_per_second(rows, collate_fn, batch_size: int, workers: int) -> dict:
    """Samples/s after the first batch arrives (worker start-up and spaCy loading excluded), by the wall clock and,
    with 0 workers, by this process's CPU time (steadier on a shared machine: waiting for a core is not counted)."""
    loader = DataLoader(rows, batch_size=batch_size, collate_fn=collate_fn, num_workers=workers,
                        persistent_workers=False, prefetch_factor=4 if workers else None)  # fmt: skip
    iterator = iter(loader)
    next(iterator)
    start, cpu_start, samples = time.perf_counter(), time.process_time(), 0
    for batch in iterator:
        samples += batch["pixel_values"].shape[0]
    rates = {"samples_per_second": samples / (time.perf_counter() - start)}
    if workers == 0:
        rates["samples_per_cpu_second"] = samples / (time.process_time() - cpu_start)
    return rates


def model_samples_per_second(model, batch, steps: int, warmup: int) -> dict:
    """Forward + backward (+ no optimizer) of `model` on one collated batch; median over `steps`."""
    batch = {key: value for key, value in batch.items()}
    seconds, cpu_seconds = [], []
    for step in range(warmup + steps):
        model.zero_grad(set_to_none=True)
        start, cpu_start = time.perf_counter(), time.process_time()
        model(**batch).loss.backward()
        if step >= warmup:
            seconds.append(time.perf_counter() - start)
            cpu_seconds.append(time.process_time() - cpu_start)
    size = batch["input_ids"].shape[0]
    return {
        "seconds_per_step": statistics.median(seconds),
        "samples_per_second": size / statistics.median(seconds),
        "cpu_seconds_per_step": statistics.median(cpu_seconds),
        "samples_per_cpu_second": size / statistics.median(cpu_seconds),
    }


def build_model(quick: bool) -> StructureCLIPModel:
    torch.manual_seed(0)
    if quick:
        from tests.train_tiny_setup import tiny_model_config

        return StructureCLIPModel(tiny_model_config()).train()
    clip_vocab, bert_vocab = len(make_tiny_clip_tokenizer()), len(make_tiny_bert_tokenizer())
    config = StructureCLIPConfig()  # ViT-B/32 towers (CLIPConfig defaults) + the 6-layer bert-base KEE
    assert clip_vocab <= config.text_config.vocab_size and bert_vocab <= config.knowledge_config.vocab_size
    return StructureCLIPModel(config).train()


def measure_loaders(args, rows, processors) -> list[dict]:
    """Every collate mode x worker count x image processor; the processors alternate, so a change in the load of a
    shared machine falls on both."""
    results = []
    variants = [("cached triples", rows), ("parse captions + negatives", strip_triples(rows))]
    for mode, mode_rows in variants:
        for workers in args.workers:
            for name, image_processor in processors.items():
                collate_fn = StructureCLIPCollator(make_processor(image_processor))
                rates = loader_samples_per_second(mode_rows, collate_fn, args.batch_size, workers)
                results.append({"mode": mode, "image_processor": name, "workers": workers, **rates})
    return results


def image_processor_images_per_cpu_second(image_processor, images, batch_size: int) -> float:
    """The image processor alone on decoded RGB images (no decode, tokenizer, parser or collator), one thread."""
    image_processor(images[:batch_size], return_tensors="pt")  # warm-up
    start = time.process_time()
    for first in range(0, len(images), batch_size):
        image_processor(images[first : first + batch_size], return_tensors="pt")
    return len(images) / (time.process_time() - start)


def fast_against_slow(loaders: list[dict], processors: dict, rows: list[dict], batch_size: int) -> dict:
    """fast / slow for the image processor alone (images per CPU-second) and for every collate-path row (samples per
    CPU-second with 0 workers, per wall second with workers); None with the reason when torchvision cannot run."""
    if "fast" not in processors:
        return {"fast_over_slow": None, "fast_unavailable_because": torchvision_problem()}
    images = [Image.open(row["image"]).convert("RGB") for row in rows]
    alone = {name: image_processor_images_per_cpu_second(p, images, batch_size) for name, p in processors.items()}
    by_row = {}
    for record in loaders:
        key = "samples_per_cpu_second" if record["workers"] == 0 else "samples_per_second"
        by_row.setdefault((record["mode"], record["workers"]), {})[record["image_processor"]] = record[key]
    return {
        "image_processor_alone_images_per_cpu_second": alone,
        "fast_over_slow": alone["fast"] / alone["slow"],
        "collate_path_fast_over_slow": [
            {"mode": mode, "workers": workers, "fast_over_slow": rates["fast"] / rates["slow"]}
            for (mode, workers), rates in by_row.items()
        ],
    }


def run(args) -> dict:
    torch.set_num_threads(1)
    sizes = ((64, 48), (48, 64)) if args.quick else COCO_SIZES
    with tempfile.TemporaryDirectory() as folder:
        rows = [caption_row(index, path) for index, path in enumerate(write_jpegs(folder, args.samples, sizes))]
        processors = image_processors(30 if args.quick else 224)
        loaders = measure_loaders(args, rows, processors)
        fast_slow = fast_against_slow(loaders, processors, rows, args.batch_size)
        batch = StructureCLIPCollator(make_processor(processors["slow"]))(rows[: args.batch_size])
    model = model_samples_per_second(build_model(args.quick), batch, args.model_steps, warmup=1)
    for record in loaders:
        record["loader_over_model"] = record["samples_per_second"] / model["samples_per_second"]
        if "samples_per_cpu_second" in record:  # one core of collating against one core of training
            record["loader_over_model_cpu"] = record["samples_per_cpu_second"] / model["samples_per_cpu_second"]
    return {
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_1min_at_end": os.getloadavg()[0],
            "torch": torch.__version__,
            "torchvision": importlib.metadata.version("torchvision") if "fast" in processors else None,
            "transformers": transformers.__version__,
        },
        "settings": {
            "quick": args.quick,
            "samples": args.samples,
            "batch_size": args.batch_size,
            "image_sizes": [list(size) for size in sizes],
            "model_threads": 1,
        },
        "loader": loaders,
        "model_forward_backward": model,
        "image_processor_fast_against_slow": fast_slow,
    }


def print_table(result: dict) -> None:
    model = result["model_forward_backward"]
    print(f"model forward+backward, 1 thread, batch {result['settings']['batch_size']}: "
          f"{model['samples_per_second']:.2f} samples/s wall ({model['seconds_per_step']:.3f} s/step), "
          f"{model['samples_per_cpu_second']:.2f} samples per CPU second")  # fmt: skip
    print(f"  {'collate path':28s} {'images':>6s} {'workers':>7s} {'samples/s':>10s} {'loader/model':>13s} "
          f"{'samples/CPU-s':>14s} {'loader/model (CPU)':>19s}")  # fmt: skip
    for record in result["loader"]:
        cpu = (
            f"{record['samples_per_cpu_second']:14.1f} {record['loader_over_model_cpu']:18.1f}x"
            if "samples_per_cpu_second" in record
            else ""
        )
        print(f"  {record['mode']:28s} {record['image_processor']:>6s} {record['workers']:7d} "
              f"{record['samples_per_second']:10.1f} {record['loader_over_model']:12.1f}x {cpu}")  # fmt: skip
    print_fast_against_slow(result["image_processor_fast_against_slow"])


def print_fast_against_slow(fast_slow: dict) -> None:
    if fast_slow["fast_over_slow"] is None:
        print(f"fast (torchvision) image processor: n/a ({fast_slow['fast_unavailable_because']})")
        return
    alone = fast_slow["image_processor_alone_images_per_cpu_second"]
    print(f"image processor alone, decoded images, 1 thread: slow {alone['slow']:.1f}, fast {alone['fast']:.1f} "
          f"images/CPU-s; fast/slow = {fast_slow['fast_over_slow']:.2f}x")  # fmt: skip
    for row in fast_slow["collate_path_fast_over_slow"]:
        unit = "CPU-s" if row["workers"] == 0 else "wall s"
        print(f"  collate path fast/slow, {row['mode']}, {row['workers']} workers ({unit}): "
              f"{row['fast_over_slow']:.2f}x")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny images and model, few samples (for tests)")
    parser.add_argument("--samples", type=int, default=None, help="rows per measurement (default 192; quick 16)")
    parser.add_argument("--batch-size", type=int, default=8, help="rows per collated batch and model step")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=None,
        help="DataLoader worker counts (default: 0 1 2 and the CPU count; quick: 0 1)",
    )
    parser.add_argument("--model-steps", type=int, default=None, help="timed model steps (default 3; quick 1)")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args()
    args.samples = args.samples or (16 if args.quick else 192)
    args.workers = args.workers or ([0, 1] if args.quick else sorted({0, 1, 2, os.cpu_count() or 2}))
    args.model_steps = args.model_steps or (1 if args.quick else 3)
    result = run(args)
    print_table(result)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
