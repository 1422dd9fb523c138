"""Where the original recipe's margins sit for a CLIP pre-trained with InfoNCE: the scale of its cosine scores.

The original hinge wants each true pair's cosine 0.2 above the hardest in-batch wrong one, and the margin-ranking
term wants it 0.1 above its hard negative (docs/method.md §2); neither sees CLIP's temperature. A CLIP trained with
InfoNCE only needs cosine gaps of about 1 / exp(logit_scale) to rank well, so its gaps may be far below those margins
and the hinge then pushes on every row. This prints, for a saved model on the synthetic world's validation split
(in batches like training's): exp(logit_scale), the mean true-pair cosine, the mean hardest in-batch wrong cosine
per image, the share of rows the hinge (margin 0.2) and the margin term (0.1) would push on, and the mean cosine
gap to the relation-swap and attribute-swap negatives, and the cosine between a caption's text embedding
and its relation swap's.

    python benchmarks/margin_vs_logit_scale.py --model <folder of a StructureCLIPModel>
    # the fine-tuning regime's stage-1 model: <structure_clip cache>/synthetic_pretrained/clip-<fingerprint>
"""

import argparse
import json

import torch

from modeling_structure_clip import StructureCLIPModel
from structure_clip.synthetic.ablation import embed_split, encoded_world_split
from structure_clip.synthetic.arguments import AblationArguments
from structure_clip.synthetic.world import build_synthetic_processor


def batch_statistics(embeds: dict[str, torch.Tensor], batch_size: int, relation_swap: torch.Tensor) -> dict:
    positive = (embeds["image"] * embeds["text"]).sum(-1)
    negative_gap = positive - (embeds["image"] * embeds["negative"]).sum(-1)
    text_cosine = (embeds["text"] * embeds["negative"]).sum(-1)
    hardest = []
    for start in range(0, len(positive) - batch_size + 1, batch_size):
        scores = embeds["image"][start : start + batch_size] @ embeds["text"][start : start + batch_size].t()
        hardest.append((scores - 10.0 * torch.eye(batch_size)).max(dim=1).values)
    hardest = torch.cat(hardest)
    rows = positive[: len(hardest)]
    return {
        "true_pair_cosine": rows.mean().item(),
        "hardest_in_batch_wrong_cosine": hardest.mean().item(),
        "rows_hinge_pushes_at_margin_0.2": (hardest + 0.2 > rows).float().mean().item(),
        "rows_margin_term_pushes_at_0.1": (negative_gap < 0.1).float().mean().item(),
        "relation_swap_cosine_gap": negative_gap[relation_swap].mean().item(),
        "attribute_swap_cosine_gap": negative_gap[~relation_swap].mean().item(),
        # How alike the text tower finds a caption and its relation swap (1.0 = a bag of words).
        "caption_vs_relation_swap_text_cosine": text_cosine[relation_swap].mean().item(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="Folder of a saved StructureCLIPModel (plain CLIP variant).")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the synthetic world.")
    parser.add_argument("--batch_size", type=int, default=64, help="In-batch size for the hardest wrong caption.")
    cli = parser.parse_args()
    torch.set_num_threads(1)
    model = StructureCLIPModel.from_pretrained(cli.model).eval()
    args = AblationArguments(seed=cli.seed)
    validation = encoded_world_split(args, build_synthetic_processor(), "validation", args.num_validation_examples)
    stats = batch_statistics(embed_split(model, validation, "clip"), cli.batch_size, validation.relation_swap)
    stats = {"exp_logit_scale": model.logit_scale.exp().item(), **stats}
    print(json.dumps({key: round(value, 4) for key, value in stats.items()}, indent=2))


if __name__ == "__main__":
    main()
