"""The scale benchmarks run end to end in their small modes (benchmarks/data_throughput.py --quick,
benchmarks/gpu_training_throughput.py --tiny). Fast against slow pixel values: tests/test_processing_fast_images.py."""

import argparse
import importlib.util
from pathlib import Path

import pytest
import torch


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_data_throughput_quick_measures_every_loader_and_the_model():
    benchmark = load_benchmark("data_throughput")
    args = argparse.Namespace(quick=True, samples=8, batch_size=4, workers=[0, 1], model_steps=1)
    result = benchmark.run(args)
    processors = {"slow"} | ({"fast"} if benchmark.torchvision_problem() is None else set())
    measured = {(record["mode"], record["image_processor"], record["workers"]) for record in result["loader"]}
    assert measured == {
        (mode, processor, workers)
        for mode in ("cached triples", "parse captions + negatives")
        for processor in processors
        for workers in (0, 1)
    }
    assert all(record["samples_per_second"] > 0 and record["loader_over_model"] > 0 for record in result["loader"])
    assert result["model_forward_backward"]["samples_per_second"] > 0
    in_process = [record for record in result["loader"] if record["workers"] == 0]
    assert all(record["loader_over_model_cpu"] > 0 for record in in_process)
    fast_slow = result["image_processor_fast_against_slow"]
    if "fast" not in processors:
        assert fast_slow["fast_over_slow"] is None and "torchvision" in fast_slow["fast_unavailable_because"]
    else:
        alone = fast_slow["image_processor_alone_images_per_cpu_second"]
        assert fast_slow["fast_over_slow"] == pytest.approx(alone["fast"] / alone["slow"])
        assert len(fast_slow["collate_path_fast_over_slow"]) == 4
        assert all(row["fast_over_slow"] > 0 for row in fast_slow["collate_path_fast_over_slow"])


def test_data_throughput_rows_are_distinct_and_carry_negatives():
    benchmark = load_benchmark("data_throughput")
    rows = [benchmark.caption_row(index, f"{index}.jpg") for index in range(50)]
    assert len({row["caption"] for row in rows}) == 50  # a parse cache can never hit
    assert all(row["negative_caption"] != row["caption"] and len(row["negative_triples"]) == 3 for row in rows)


def test_gpu_training_throughput_tiny_runs_on_cpu():
    benchmark = load_benchmark("gpu_training_throughput")
    args = argparse.Namespace(
        sizes=["tiny"],
        batch_size=4,
        warmup=0,
        steps=1,
        compile=False,
        loss_recipe="original",
        skip_ablation=True,
        tiny=True,
        json=None,
    )
    result = benchmark.run(args)
    tiny = result["models"]["tiny"]
    for kind in ("clip", "structure_clip"):
        assert tiny[kind]["batch_size"] == 4 and tiny[kind]["images_per_second"] > 0
        assert tiny[kind]["attention"] == "sdpa"
    assert tiny["structure_clip_over_clip"] == pytest.approx(
        tiny["structure_clip"]["images_per_second"] / tiny["clip"]["images_per_second"]
    )
    assert "synthetic_ablation" not in result


def test_synthetic_ablation_timing_passes_tiny_settings_and_reports_failures(monkeypatch):
    """The ablation itself is covered by tests/test_synthetic_ablation.py; here only the benchmark's wrapper."""
    from structure_clip.synthetic import ablation

    benchmark = load_benchmark("gpu_training_throughput")
    seen = []
    metrics = {"relation_swap_acc": 0.5, "attribute_swap_acc": 0.5, "retrieval_r1": 0.1, "train_seconds": 1.0}
    monkeypatch.setattr(ablation, "run_ablation", lambda args: seen.append(args) or {"variants": {"clip": metrics}})
    result = benchmark.synthetic_ablation_wall_time(argparse.Namespace(tiny=True), torch.device("cpu"))
    assert seen[0].max_train_steps == 4 and result["variants"] == {"clip": metrics} and result["wall_seconds"] >= 0

    def failing(args):
        raise RuntimeError("Expected all tensors to be on the same device")

    monkeypatch.setattr(ablation, "run_ablation", failing)
    result = benchmark.synthetic_ablation_wall_time(argparse.Namespace(tiny=True), torch.device("cpu"))
    assert result["error"] == "RuntimeError: Expected all tensors to be on the same device"


def test_gpu_benchmark_sizes_match_the_clip_checkpoints():
    benchmark = load_benchmark("gpu_training_throughput")
    large = benchmark.structure_clip_config("l14", "original")
    assert (
        large.vision_config.hidden_size,
        large.vision_config.num_hidden_layers,
        large.vision_config.patch_size,
    ) == (1024, 24, 14)
    assert (large.text_config.hidden_size, large.projection_dim) == (768, 768)
    base = benchmark.clip_config("b32")
    assert (base.vision_config.patch_size, base.vision_config.hidden_size, base.projection_dim) == (32, 768, 512)


def test_halving_on_out_of_memory(monkeypatch):
    benchmark = load_benchmark("gpu_training_throughput")
    tried = []

    def fake_measure(kind, size, batch_size, args, device):
        tried.append(batch_size)
        if batch_size > 64:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return {"batch_size": batch_size}

    monkeypatch.setattr(benchmark, "measure", fake_measure)
    result = benchmark.measure_largest_batch("clip", "b32", argparse.Namespace(batch_size=256), torch.device("cpu"))
    assert tried == [256, 128, 64] and result == {"batch_size": 64, "out_of_memory_at": [256, 128]}
