"""Training throughput on one GPU: images/s of forward + backward + AdamW step, bf16 autocast, SDPA attention, for
`CLIPModel` and `StructureCLIPModel` (one hard negative caption + triples per row) at ViT-B/32 and ViT-L/14 sizes
(random init); peak GPU memory; optionally `torch.compile`; and the wall time of the synthetic ablation (the
project's main CPU demo, `structure_clip.synthetic.ablation.run_ablation`) on the GPU. Goal: Structure-CLIP at
>= 0.9x CLIPModel's images/s.

Batch 256 per step, halved on out-of-memory until it fits. Written to run in a few minutes on one large GPU:

    python benchmarks/gpu_training_throughput.py --json gpu_throughput.json
    python benchmarks/gpu_training_throughput.py --compile --sizes b32 --json gpu_throughput_compiled.json
    python benchmarks/gpu_training_throughput.py --tiny      # tiny models on CPU (what the test runs; automatic
                                                             # when no CUDA device is present)
"""

import argparse
import gc
import json
import os
import platform
import statistics
import tempfile
import time
import traceback

import torch
from transformers import CLIPConfig, CLIPModel

from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
from structure_clip.tiny_configs import knowledge_encoder_config, text_tower_config, vision_tower_config


# Tower shapes of openai/clip-vit-base-patch32 (CLIPConfig's defaults) and openai/clip-vit-large-patch14
# (its config.json: text 768 wide, 12 layers, 12 heads; vision 1024 wide, 24 layers, 16 heads, patch 14; projection
# 768). The KEE is bert-base cut to 6 layers in both (StructureCLIPKnowledgeConfig's default), as in the paper.
SIZES = {
    "b32": {"text_config": {}, "vision_config": {}, "projection_dim": 512},
    "l14": {
        "text_config": {
            "hidden_size": 768,
            "intermediate_size": 3072,
            "num_attention_heads": 12,
            "num_hidden_layers": 12,
            "projection_dim": 768,
        },
        "vision_config": {
            "hidden_size": 1024,
            "intermediate_size": 4096,
            "num_attention_heads": 16,
            "num_hidden_layers": 24,
            "patch_size": 14,
            "image_size": 224,
            "projection_dim": 768,
        },
        "projection_dim": 768,
    },
    "tiny": {
        "text_config": text_tower_config(
            vocab_size=1000,
            bos_token_id=998,
            eos_token_id=999,
            pad_token_id=999,
            width=32,
            intermediate_size=64,
            num_hidden_layers=2,
            max_position_embeddings=16,
        ),
        "vision_config": vision_tower_config(
            width=32, intermediate_size=64, num_hidden_layers=2, image_size=30, patch_size=10
        ),
        "knowledge_config": knowledge_encoder_config(
            vocab_size=200,
            pad_token_id=0,
            cls_token_id=2,
            sep_token_id=3,
            width=32,
            intermediate_size=64,
            num_hidden_layers=2,
        ),
        "projection_dim": 32,
    },
}
TEXT_LENGTH = {"b32": 77, "l14": 77, "tiny": 16}  # OpenAI CLIP pads captions to 77 tokens


def structure_clip_config(size: str, loss_recipe: str) -> StructureCLIPConfig:
    return StructureCLIPConfig(loss_recipe=loss_recipe, **SIZES[size])


def clip_config(size: str) -> CLIPConfig:
    fields = SIZES[size]
    return CLIPConfig(
        text_config=fields["text_config"],
        vision_config=fields["vision_config"],
        projection_dim=fields["projection_dim"],
    )


def random_batch(config: StructureCLIPConfig, batch_size: int, text_length: int, device) -> dict[str, torch.Tensor]:
    """Captions ending in EOS, 1-6 triples of [CLS] w w w [SEP] phrases per caption, images, one negative each."""
    generator = torch.Generator().manual_seed(0)
    text, knowledge, vision = config.text_config, config.knowledge_config, config.vision_config

    def captions():
        ids = torch.randint(3, text.vocab_size - 2, (batch_size, text_length), generator=generator)
        ids[:, 0], ids[:, -1] = text.bos_token_id, text.eos_token_id
        return ids

    def triples(prefix: str) -> dict[str, torch.Tensor]:
        counts = torch.randint(1, config.max_triples + 1, (batch_size,), generator=generator)
        out = {f"{prefix}triple_mask": (torch.arange(config.max_triples)[None] < counts[:, None]).long()}
        for name in ("head_ids", "relation_ids", "tail_ids"):
            phrases = torch.randint(5, knowledge.vocab_size, (batch_size, config.max_triples, config.phrase_length),
                                    generator=generator)  # fmt: skip
            phrases[..., 0], phrases[..., -1] = knowledge.cls_token_id, knowledge.sep_token_id
            out[prefix + name] = phrases
        return out

    pixels = torch.randn(batch_size, 3, vision.image_size, vision.image_size, generator=generator)
    batch = {
        "input_ids": captions(),
        "pixel_values": pixels,
        "negative_input_ids": captions(),
        **triples(""),
        **triples("negative_"),
    }
    return {name: value.to(device) for name, value in batch.items()}


def training_step(model, optimizer, inputs, device_type: str) -> None:
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type=device_type, dtype=torch.bfloat16):
        loss = model(**inputs, return_loss=True).loss
    loss.backward()
    optimizer.step()


def synchronize(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_steps(model, inputs, device, warmup: int, steps: int) -> list[float]:
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, **({"fused": True} if device.type == "cuda" else {}))
    seconds = []
    for step in range(warmup + steps):
        synchronize(device)
        start = time.perf_counter()
        training_step(model, optimizer, inputs, device.type)
        synchronize(device)
        if step >= warmup:
            seconds.append(time.perf_counter() - start)
    return seconds


def measure(kind: str, size: str, batch_size: int, args, device) -> dict:
    """One model at one batch size; raises torch.cuda.OutOfMemoryError when it does not fit."""
    config = structure_clip_config(size, args.loss_recipe)
    torch.manual_seed(0)
    if kind == "clip":
        model = CLIPModel._from_config(clip_config(size), attn_implementation="sdpa")
    else:
        model = StructureCLIPModel._from_config(config, attn_implementation="sdpa")
    model = model.to(device).train()
    inputs = random_batch(config, batch_size, TEXT_LENGTH[size], device)
    if kind == "clip":
        inputs = {"input_ids": inputs["input_ids"], "pixel_values": inputs["pixel_values"]}
    runner = torch.compile(model) if args.compile else model
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    seconds = time_steps(runner, inputs, device, args.warmup, args.steps)
    median = statistics.median(seconds)
    result = {
        "batch_size": batch_size,
        "median_step_seconds": median,
        "images_per_second": batch_size / median,
        "step_seconds": seconds,
        "parameters_millions": sum(p.numel() for p in model.parameters()) / 1e6,
        "attention": model.config._attn_implementation,
    }
    if device.type == "cuda":
        result["peak_memory_gib"] = torch.cuda.max_memory_allocated(device) / 2**30
    return result


def free_memory(device) -> None:
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def measure_largest_batch(kind: str, size: str, args, device) -> dict:
    """`args.batch_size`, halved on out-of-memory until it fits (or 1 fails)."""
    batch_size, refused = args.batch_size, []
    while batch_size >= 1:
        try:
            result = measure(kind, size, batch_size, args, device)
            return {**result, "out_of_memory_at": refused}
        except torch.cuda.OutOfMemoryError:
            refused.append(batch_size)
            batch_size //= 2
        finally:
            free_memory(device)
    return {"error": "out of memory at every batch size", "out_of_memory_at": refused}


def synthetic_ablation_wall_time(args, device) -> dict:
    """The synthetic ablation as `examples/synthetic_ablation.py` runs it (tiny: a few steps), on `device`."""
    from structure_clip.synthetic.ablation import AblationArguments, run_ablation

    overrides = {} if not args.tiny else dict(
        num_train_examples=64, num_validation_examples=16, num_test_examples=16, num_retrieval_examples=16,
        num_curriculum_examples=32, max_train_steps=4, curriculum_steps=2, eval_steps=2, variants="structure-clip",
        per_device_train_batch_size=8, num_warmup_steps=1)  # fmt: skip
    with tempfile.TemporaryDirectory() as output_dir:
        ablation_args = AblationArguments(output_dir=output_dir, disable_tqdm=True, **overrides)
        started = time.perf_counter()
        try:
            report = run_ablation(ablation_args)
        except Exception as error:  # a device bug must not hide the throughput numbers above it
            return {
                "error": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc(limit=6),
                "seconds_before_failure": time.perf_counter() - started,
            }
    return {
        "wall_seconds": time.perf_counter() - started,
        "device": str(device),
        "max_train_steps_per_variant": ablation_args.max_train_steps,
        "variants": {
            name: {
                key: metrics[key]
                for key in ("relation_swap_acc", "attribute_swap_acc", "retrieval_r1", "train_seconds")
            }
            for name, metrics in report["variants"].items()
        },
    }


def machine(device) -> dict:
    info = {
        "device": str(device),
        "torch": torch.__version__,
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
        info["gpu_memory_gib"] = torch.cuda.get_device_properties(device).total_memory / 2**30
    return info


def run(args) -> dict:
    device = torch.device("cuda" if torch.cuda.is_available() and not args.tiny else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    started = time.perf_counter()
    results = {"machine": machine(device), "settings": vars(args).copy(), "models": {}}
    for size in args.sizes:
        per_kind = {kind: measure_largest_batch(kind, size, args, device) for kind in ("clip", "structure_clip")}
        clip_rate = per_kind["clip"].get("images_per_second")
        structure_rate = per_kind["structure_clip"].get("images_per_second")
        per_kind["structure_clip_over_clip"] = structure_rate / clip_rate if clip_rate and structure_rate else None
        per_kind["goal_structure_clip_over_clip"] = 0.9
        results["models"][size] = per_kind
    if not args.skip_ablation:
        results["synthetic_ablation"] = synthetic_ablation_wall_time(args, device)
    results["total_wall_seconds"] = time.perf_counter() - started
    return results


def print_table(results: dict) -> None:
    print(f"{results['machine']['device']} ({results['machine'].get('gpu', results['machine']['processor'])}), "
          f"bf16 autocast, sdpa, compile={results['settings']['compile']}")  # fmt: skip
    print(f"  {'size':5s} {'model':16s} {'batch':>5s} {'images/s':>10s} {'s/step':>8s} {'peak GiB':>9s}")
    for size, per_kind in results["models"].items():
        for kind in ("clip", "structure_clip"):
            row = per_kind[kind]
            if "error" in row:
                print(f"  {size:5s} {kind:16s} {row['error']}")
                continue
            peak = f"{row['peak_memory_gib']:9.1f}" if "peak_memory_gib" in row else f"{'-':>9s}"
            print(f"  {size:5s} {kind:16s} {row['batch_size']:5d} {row['images_per_second']:10.1f} "
                  f"{row['median_step_seconds']:8.3f} {peak}")  # fmt: skip
        ratio = per_kind["structure_clip_over_clip"]
        print(f"  {size:5s} Structure-CLIP / CLIP images/s: " + (f"{ratio:.3f}x (goal >= 0.9x)" if ratio else "n/a"))
    ablation = results.get("synthetic_ablation")
    if ablation:
        print(
            "synthetic ablation: "
            + (
                f"{ablation['wall_seconds']:.1f} s wall on {ablation['device']}"
                if "wall_seconds" in ablation
                else f"FAILED: {ablation['error']}"
            )
        )
    print(f"total {results['total_wall_seconds']:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", choices=["b32", "l14"], default=["b32", "l14"], help="model sizes")
    parser.add_argument("--batch-size", type=int, default=None, help="images per step, halved on OOM (default 256)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps per model")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per model")
    parser.add_argument("--compile", action="store_true", help="torch.compile both models")
    parser.add_argument(
        "--loss-recipe", default="original", help="Structure-CLIP loss recipe (original, infonce, ...)"
    )
    parser.add_argument("--skip-ablation", action="store_true", help="skip the synthetic ablation's wall time")
    parser.add_argument("--tiny", action="store_true", help="tiny models on CPU (automatic without CUDA)")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args()
    args.tiny = args.tiny or not torch.cuda.is_available()
    if args.tiny:
        args.sizes, args.warmup, args.steps = ["tiny"], 1, 2
    args.batch_size = args.batch_size or (8 if args.tiny else 256)
    results = run(args)
    print_table(results)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
