"""Does a saved model's image tower encode which object comes first? A probe on frozen image features.

Relation-swap accuracy needs the image embedding to change when the two objects trade places; if it does not,
no text side (plain CLIP text or the KEE's `h + r - t`) can tell a caption from its swap. This fits a probe on
the frozen image features of the synthetic world's training scenes and scores it on the relation-swap test
scenes. The label is the scene's order: with the caption written canonically ("left of" / "above", so the
first-named object is the left or upper one), is the first object's shape earlier in the world's shape list?
A bag of objects (which shapes, colours and sizes, not where) carries no information about it: chance is 50%.

Features: the projected, normalised image embedding the scores use (`embedding`); the same copied into one
block per (shape pair, axis) (`embedding per pair`: a linear probe on it is one linear direction per pair and
axis, which is what a score `image . text` can use when the text names the shapes and the relation's axis); and
every token of the vision tower's last hidden state (`tokens`, flattened). Each is probed with logistic
regression and with a small MLP (one hidden layer of 256). A freshly initialised model with the same settings is the control row.

    python benchmarks/image_order_probe.py --model <folder of a StructureCLIPModel>
    # the fine-tuning regime's stage-1 model: <structure_clip cache>/synthetic_pretrained/clip-<fingerprint>
"""

import argparse
import json

import torch

from modeling_structure_clip import StructureCLIPModel
from structure_clip.synthetic.ablation import build_variant_model, encoded_world_split
from structure_clip.synthetic.arguments import AblationArguments
from structure_clip.synthetic.world import INVERSE_RELATION, SHAPES, SPLIT_SIZES, build_synthetic_dataset


def order_labels(triples: list) -> torch.Tensor:
    """1 where the canonically first object (left / upper) has the earlier shape in SHAPES; the relation triple
    comes first in each scene's triples (docs/method.md §1)."""
    labels = []
    for scene in triples:
        first, relation, second = scene[0]
        if relation in ("right of", "below"):
            first, second, relation = second, first, INVERSE_RELATION[relation]
        labels.append(SHAPES.index(first) < SHAPES.index(second))
    return torch.tensor(labels, dtype=torch.float32)


def pair_groups(triples: list) -> torch.Tensor:
    """One-hot of (unordered shape pair, axis): what a caption and its swap share, so a text side may condition
    on it. 6 pairs x 2 axes."""
    pairs = [(a, b) for i, a in enumerate(SHAPES) for b in SHAPES[i + 1 :]]
    index = []
    for scene in triples:
        first, relation, second = scene[0]
        pair = tuple(sorted((first, second), key=SHAPES.index))
        index.append(2 * pairs.index(pair) + (relation in ("above", "below")))
    return torch.nn.functional.one_hot(torch.tensor(index), 2 * len(pairs)).float()


def conditioned(features: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
    """Features copied into their group's block: a linear probe on this is one linear probe per group, as a
    dot product with a text embedding that knows the shapes and the axis is."""
    return (groups[:, :, None] * features[:, None, :]).flatten(1)


@torch.no_grad()
def image_features(model, pixel_values: torch.Tensor, batch_size: int = 500) -> dict[str, torch.Tensor]:
    model.eval()
    embeddings, tokens = [], []
    for start in range(0, pixel_values.shape[0], batch_size):
        pixels = pixel_values[start : start + batch_size]
        embeddings.append(model.get_image_features(pixel_values=pixels).pooler_output)
        tokens.append(model.vision_model(pixel_values=pixels).last_hidden_state.flatten(1))
    return {"embedding": torch.cat(embeddings), "tokens": torch.cat(tokens)}


def fit_probe(train_x, train_y, test_x, test_y, hidden: int, steps: int = 500, seed: int = 0) -> float:
    """Test accuracy of a full-batch Adam probe (logistic regression if hidden == 0) on standardised features."""
    torch.manual_seed(seed)
    mean, std = train_x.mean(0), train_x.std(0).clamp(min=1e-6)
    train_x, test_x = (train_x - mean) / std, (test_x - mean) / std
    width = train_x.shape[1]
    layers = [torch.nn.Linear(width, 1)] if hidden == 0 else [torch.nn.Linear(width, hidden), torch.nn.GELU(),
                                                                torch.nn.Linear(hidden, 1)]  # fmt: skip
    probe = torch.nn.Sequential(*layers)
    optimizer = torch.optim.AdamW(probe.parameters(), lr=1e-2 if hidden == 0 else 3e-3, weight_decay=1e-2)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(probe(train_x).squeeze(-1), train_y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return ((probe(test_x).squeeze(-1) > 0).float() == test_y).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="Folder of a saved StructureCLIPModel on the synthetic world.")
    parser.add_argument("--seed", type=int, default=0, help="The world's seed (the model's own, for stage 1).")
    parser.add_argument("--num_train_examples", type=int, default=10000)
    parser.add_argument("--num_threads", type=int, default=1)
    options = parser.parse_args()
    torch.set_num_threads(options.num_threads)

    from structure_clip.synthetic.world import build_synthetic_processor
    from structure_clip.synthetic.world_cache import world_cache_folder

    args = AblationArguments(seed=options.seed, num_train_examples=options.num_train_examples)
    processor = build_synthetic_processor()
    sizes = {"train": options.num_train_examples, "test_relation_swap": args.num_test_examples}
    world = build_synthetic_dataset(seed=options.seed, split_sizes={**dict.fromkeys(SPLIT_SIZES, 0), **sizes},
                                    cache_dir=world_cache_folder(None))  # fmt: skip
    pixels = {split: encoded_world_split(args, processor, split, size).tensors["pixel_values"]
              for split, size in sizes.items()}  # fmt: skip
    labels = {split: order_labels(world[split]["triples"]) for split in sizes}
    groups = {split: pair_groups(world[split]["triples"]) for split in sizes}
    models = {
        "saved model": StructureCLIPModel.from_pretrained(options.model),
        "fresh init (control)": build_variant_model("clip", args, (processor.tokenizer, processor.triple_tokenizer)),
    }
    results = {}
    for name, model in models.items():
        train, test = image_features(model, pixels["train"]), image_features(model, pixels["test_relation_swap"])
        train["embedding per pair"] = conditioned(train["embedding"], groups["train"])
        test["embedding per pair"] = conditioned(test["embedding"], groups["test_relation_swap"])
        for kind in ("embedding", "embedding per pair", "tokens"):
            for probe, hidden in (("linear", 0), ("mlp", 256)):
                accuracy = fit_probe(train[kind], labels["train"], test[kind], labels["test_relation_swap"], hidden)
                results[f"{name} / {kind} / {probe}"] = round(100 * accuracy, 1)
                print(f"{name:22s} {kind:18s} {probe:6s} order accuracy {100 * accuracy:5.1f}%", flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
