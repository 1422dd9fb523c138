"""Can the text side learn the order when the image side has it? The KEE against the CLIP text tower, one at a time.

A saved model's towers are frozen; one text side trains alone (the KEE with its projection, freshly initialised
as in the fine-tuning regime, or the model's own CLIP text tower with its projection) to score each training
scene's image above its relation swap: cross-entropy over (caption, swap) with the image embedding fixed, the
model's logit scale, AdamW, batches of relation-swap scenes only. Each side is scored alone (`image . side`,
not fused) on the relation-swap test scenes every `--eval_every` steps, with the mean cosine between its
embedding of a caption and of the caption's swap (1.0: it cannot tell them apart).

Use it on a model whose image embedding exposes the order (benchmarks/image_order_probe.py), e.g. the
fine-tuning regime's stage 1 with `--pretrain_image_tower clip+negatives --pretrain_order_noise 0.5`:

    python benchmarks/kee_order_probe.py --model <structure_clip cache>/synthetic_pretrained/clip-<fingerprint>
"""

import argparse
import dataclasses
import json
import time

import torch
import torch.nn.functional as F

from structure_clip.synthetic.ablation import encoded_world_split
from structure_clip.synthetic.arguments import AblationArguments
from structure_clip.synthetic.finetune import load_pretrained_towers
from structure_clip.synthetic.world import build_synthetic_processor


SIDES = ("kee", "text")


def embedding(output) -> torch.Tensor:
    return F.normalize(output.pooler_output, dim=-1)


class TextSide:
    """One trainable text side of `model`; `embed(tensors, prefix, rows)` gives its normalised embeddings."""

    def __init__(self, model, side: str):
        self.model, self.side = model, side
        modules = (
            (model.knowledge_model, model.knowledge_projection)
            if side == "kee"
            else (model.text_model, model.text_projection)
        )
        model.requires_grad_(False)
        for module in modules:
            module.requires_grad_(True)
        self.parameters = [p for module in modules for p in module.parameters()]

    def embed(self, tensors: dict, prefix: str, rows: torch.Tensor) -> torch.Tensor:
        take = lambda key: tensors[prefix + key][rows]  # noqa: E731
        if self.side == "text":
            return embedding(
                self.model.get_text_features(input_ids=take("input_ids"), attention_mask=take("attention_mask"))
            )
        knowledge_embeds, _ = self.model.encode_knowledge(
            head_ids=take("head_ids"), relation_ids=take("relation_ids"), tail_ids=take("tail_ids"),
            triple_mask=take("triple_mask"),
        )  # fmt: skip
        return knowledge_embeds


@torch.no_grad()
def image_embeddings(model, pixel_values: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    parts = [embedding(model.get_image_features(pixel_values=pixel_values[i : i + batch_size]))
             for i in range(0, len(pixel_values), batch_size)]  # fmt: skip
    return torch.cat(parts)


@torch.no_grad()
def score(side: TextSide, tensors: dict, images: torch.Tensor) -> dict:
    side.model.eval()
    rows = torch.arange(len(images))
    caption, swap = side.embed(tensors, "", rows), side.embed(tensors, "negative_", rows)
    side.model.train()
    return {
        "relation_swap_acc": ((images * caption).sum(-1) > (images * swap).sum(-1)).float().mean().item(),
        "caption_swap_cosine": (caption * swap).sum(-1).mean().item(),
    }


def fresh_side(args, side_name: str, processor) -> TextSide:
    """The model of `--model` with a freshly initialised KEE (seeded), and `side_name` the only trainable part."""
    ablation_args = AblationArguments(phrase_pooling=args.phrase_pooling, seed=args.seed)
    return TextSide(load_pretrained_towers("structure-clip", ablation_args, processor, args.model), side_name)


def train_side(args, side: TextSide, learning_rate: float, data: dict) -> list[dict]:
    model = side.model
    optimizer = torch.optim.AdamW(side.parameters, lr=learning_rate, weight_decay=0.01)
    train, test = data["train"], data["test_relation_swap"]
    train_images = image_embeddings(model, train.tensors["pixel_values"])
    test_images = image_embeddings(model, test.tensors["pixel_values"])
    swap_rows = train.relation_swap.nonzero().squeeze(1)
    scale = model.logit_scale.exp().item()
    generator = torch.Generator().manual_seed(args.seed)
    curve = [{"step": 0, **score(side, test.tensors, test_images)}]
    started = time.process_time()
    for step in range(1, args.steps + 1):
        rows = swap_rows[torch.randint(len(swap_rows), (args.batch_size,), generator=generator)]
        caption, swap = side.embed(train.tensors, "", rows), side.embed(train.tensors, "negative_", rows)
        images = train_images[rows]
        logits = scale * torch.stack([(images * caption).sum(-1), (images * swap).sum(-1)], dim=1)
        loss = F.cross_entropy(logits, torch.zeros(len(rows), dtype=torch.long))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % args.eval_every == 0:
            curve.append({"step": step, "loss": loss.item(), **score(side, test.tensors, test_images)})
    curve[-1]["cpu_seconds"] = time.process_time() - started
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="Folder of a StructureCLIPModel on the synthetic world.")
    parser.add_argument("--sides", nargs="+", default=list(SIDES), choices=SIDES)
    parser.add_argument("--learning_rates", nargs="+", type=float, default=[1e-4, 1e-3])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--eval_every", type=int, default=100)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--phrase_pooling", default="mean_all_positions", help="The fresh KEE's phrase pooling.")
    parser.add_argument("--seed", type=int, default=0, help="World (its cached encoding is reused), init, batches.")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output_json", default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    processor = build_synthetic_processor()
    world = dataclasses.replace(AblationArguments(seed=args.seed), disable_tqdm=True)
    data = {split: encoded_world_split(world, processor, split, size)
            for split, size in (("train", world.num_train_examples), ("test_relation_swap", world.num_test_examples))}  # fmt: skip
    results = {}
    print("| text side trained alone | lr | " + " | ".join(f"step {s}" for s in range(0, args.steps + 1, args.eval_every))
          + " | caption-swap cosine (start → end) | CPU-s |")  # fmt: skip
    print("|---|---|" + "---|" * (args.steps // args.eval_every + 1) + "---|---|")
    for side_name in args.sides:
        for learning_rate in args.learning_rates:
            torch.manual_seed(args.seed)
            curve = train_side(args, fresh_side(args, side_name, processor), learning_rate, data)
            results[f"{side_name} lr {learning_rate:g}"] = curve
            accuracies = " | ".join(f"{100 * r['relation_swap_acc']:.1f}" for r in curve)
            cosine = f"{curve[0]['caption_swap_cosine']:.3f} → {curve[-1]['caption_swap_cosine']:.3f}"
            print(f"| {side_name} | {learning_rate:g} | {accuracies} | {cosine} | {curve[-1]['cpu_seconds']:.0f} |",
                  flush=True)  # fmt: skip
    if args.output_json:
        with open(args.output_json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
