"""How much does the Knowledge-Enhanced Encoder cost? One training step (forward + backward) of Structure-CLIP
versus plain CLIPModel, at the real size: ViT-B/32 (openai/clip-vit-base-patch32 shapes) + a 6-layer bert-base KEE,
random init, CPU. Goal: Structure-CLIP step <= 1.15 x CLIP step. `--backbone siglip` compares Structure-SigLIP with
SiglipModel instead, at transformers' default SiglipConfig (google/siglip-base-patch16-224 shapes, 64 text tokens).

The two models run interleaved (alternating which goes first) on identical inputs, so a busy shared machine
slows both alike; the ratio of the medians is the number to read.

    python benchmarks/kee_overhead.py                     # batch 8, 77 text tokens, 1 thread
    python benchmarks/kee_overhead.py --with-negatives    # + one negative caption per row (original recipe);
                                                          # CLIP still runs without: the ratio then includes
                                                          # the negatives' extra text-tower pass, not only the KEE
    python benchmarks/kee_overhead.py --json kee_overhead.json
    python benchmarks/kee_overhead.py --backbone siglip   # Structure-SigLIP against SiglipModel
"""

import argparse
import json
import os
import platform
import statistics
import time

import torch
from transformers import CLIPConfig, CLIPModel, SiglipConfig, SiglipModel

from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel


CLIP_BOS, CLIP_EOS = 49406, 49407
SIGLIP_EOS = 1  # google/siglip-base-patch16-224's tokenizer: </s> = 1, no BOS; SigLIP pools the last position
BERT_PAD, BERT_CLS, BERT_SEP = 0, 101, 102
# backbone -> (baseline model, Structure-CLIP config, caption tokens by default)
BACKBONES = {
    "clip": (lambda: CLIPModel(CLIPConfig()), lambda: StructureCLIPConfig(), 77),
    "siglip": (lambda: SiglipModel(SiglipConfig()), lambda: StructureCLIPConfig(backbone="siglip"), 64),
}


def make_inputs(
    batch_size: int, text_length: int, with_negatives: bool, generator, backbone: str = "clip"
) -> dict[str, torch.Tensor]:
    def captions():
        ids = torch.randint(1000, 30000, (batch_size, text_length), generator=generator)  # in both vocabularies
        if backbone == "clip":
            ids[:, 0], ids[:, -1] = CLIP_BOS, CLIP_EOS
        else:
            ids[:, -1] = SIGLIP_EOS
        return ids

    def triples(prefix: str) -> dict[str, torch.Tensor]:
        counts = torch.randint(1, 7, (batch_size,), generator=generator)
        mask = (torch.arange(6)[None, :] < counts[:, None]).long()
        out = {f"{prefix}triple_mask": mask}
        for name in ("head_ids", "relation_ids", "tail_ids"):
            phrases = torch.full((batch_size, 6, 5), BERT_PAD, dtype=torch.long)
            phrases[..., 0], phrases[..., 1:4], phrases[..., 4] = BERT_CLS, 2000, BERT_SEP
            phrases[..., 1:4] = torch.randint(1000, 30000, (batch_size, 6, 3), generator=generator)
            out[prefix + name] = phrases
        return out

    inputs = {"input_ids": captions(), "pixel_values": torch.randn(batch_size, 3, 224, 224, generator=generator)}
    inputs.update(triples(""))
    if with_negatives:
        inputs["negative_input_ids"] = captions()
        inputs.update(triples("negative_"))
    return inputs


def timed(step_fn) -> dict[str, float]:
    """Wall time and this process's CPU time. On a shared machine the CPU time is the steadier number: with one
    thread it counts only the cycles this step got, not the time spent waiting for a core."""
    wall, cpu = time.perf_counter(), time.process_time()
    step_fn()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def training_step(model, inputs) -> None:
    model.zero_grad(set_to_none=True)
    model(**inputs, return_loss=True).loss.backward()


def kee_step(model: StructureCLIPModel, inputs) -> None:
    """The KEE alone (phrase embedding, encoder, projection), forward + backward, for the breakdown."""
    model.zero_grad(set_to_none=True)
    knowledge, _ = model.encode_knowledge(
        inputs["head_ids"], inputs["relation_ids"], inputs["tail_ids"], inputs["triple_mask"]
    )
    knowledge.sum().backward()


def run(args) -> dict:
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    make_baseline, make_config, default_length = BACKBONES[args.backbone]
    text_length = args.text_length or default_length
    clip = make_baseline().train()
    structure_clip = StructureCLIPModel(make_config()).train()
    generator = torch.Generator().manual_seed(0)
    inputs = make_inputs(args.batch_size, text_length, args.with_negatives, generator, args.backbone)
    clip_inputs = {"input_ids": inputs["input_ids"], "pixel_values": inputs["pixel_values"]}

    times = {clock: {"clip": [], "structure_clip": [], "kee_only": []} for clock in ("wall", "cpu")}
    for step in range(args.warmup + args.steps):
        order = [("clip", clip, clip_inputs), ("structure_clip", structure_clip, inputs)]
        if step % 2:
            order.reverse()
        measured = {
            name: timed(lambda model=model, batch=batch: training_step(model, batch)) for name, model, batch in order
        }
        measured["kee_only"] = timed(lambda: kee_step(structure_clip, inputs))
        if step >= args.warmup:
            for name, seconds in measured.items():
                for clock in ("wall", "cpu"):
                    times[clock][name].append(seconds[clock])

    medians = {
        clock: {name: statistics.median(values) for name, values in per_model.items()}
        for clock, per_model in times.items()
    }
    return {
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_1min_at_end": os.getloadavg()[0],
            "torch": torch.__version__,
        },
        "backbone": args.backbone,
        "batch_size": args.batch_size,
        "text_length": text_length,
        "with_negatives": args.with_negatives,
        "threads": args.threads,
        "steps": args.steps,
        "median_seconds": medians,
        "all_seconds": times,
        "ratio_structure_clip_over_clip": {clock: m["structure_clip"] / m["clip"] for clock, m in medians.items()},
        "kee_share_of_structure_clip_step": {
            clock: m["kee_only"] / m["structure_clip"] for clock, m in medians.items()
        },
        "parameters_millions": {
            "clip": sum(p.numel() for p in clip.parameters()) / 1e6,
            "structure_clip": sum(p.numel() for p in structure_clip.parameters()) / 1e6,
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=8, help="pairs per step")
    parser.add_argument("--backbone", choices=sorted(BACKBONES), default="clip", help="towers and baseline model")
    parser.add_argument(
        "--text-length",
        type=int,
        default=None,
        help="caption tokens (default: 77 for CLIP, as OpenAI pads; 64 SigLIP)",
    )
    parser.add_argument("--with-negatives", action="store_true", help="add one negative caption + triples per row")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per model")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per model")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 = least disturbed on a shared box)")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args()
    result = run(args)
    cpu, wall = result["median_seconds"]["cpu"], result["median_seconds"]["wall"]
    params = result["parameters_millions"]
    baseline, ours = (
        ("CLIPModel", "StructureCLIPModel") if args.backbone == "clip" else ("SiglipModel", "Structure-SigLIP")
    )
    print(f"{args.backbone}: batch {args.batch_size}, text length {result['text_length']}, negatives {args.with_negatives}, "
          f"threads {args.threads}, median of {args.steps} timed steps; seconds per forward+backward step")  # fmt: skip
    print(f"  {'':20s} {'CPU time':>9s} {'wall time':>10s}")
    print(f"  {baseline:20s} {cpu['clip']:9.3f} {wall['clip']:10.3f}   ({params['clip']:.1f} M params)")
    print(f"  {ours:20s} {cpu['structure_clip']:9.3f} {wall['structure_clip']:10.3f}   "
          f"({params['structure_clip']:.1f} M params)")  # fmt: skip
    print(f"  {'KEE alone':20s} {cpu['kee_only']:9.3f} {wall['kee_only']:10.3f}")
    ratio = result["ratio_structure_clip_over_clip"]
    print(f"  {'ratio':20s} {ratio['cpu']:8.3f}x {ratio['wall']:9.3f}x   (goal <= 1.15x)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
