"""The synthetic world (structure_clip/synthetic/world.py) as a benchmark for evaluate_structure_clip.py: relation-swap and
attribute-swap pair accuracy and image-text retrieval, with any scorer of structure_clip/evaluation/scorers.py.

The ablation (synthetic_ablation.py) scores the same splits on pre-encoded tensors while it trains;
`synthetic_summary` gives these results under the ablation's results.json names, and a test checks
that the two paths agree.
"""

from __future__ import annotations

import torch

from structure_clip.evaluation.benchmarks import (
    PairItem,
    RetrievalSet,
    evaluate_retrieval,
    require_path,
    score_pair_items,
)
from structure_clip.evaluation.metrics import pairwise_accuracy


SYNTHETIC_PAIR_SPLITS = {"relation_swap": "test_relation_swap", "attribute_swap": "test_attribute_swap"}


def load_synthetic_world(path=None, seed: int = 0, split_sizes: dict | None = None, cache_dir=None):
    """A saved DatasetDict (`save_to_disk`) or, with no path, the world built from `seed` (deterministic).

    A built world's splits come from the world cache when the demo (or an earlier evaluation) rendered them with
    the same settings (structure_clip/synthetic/world_cache.py; `cache_dir` overrides its folder).
    """
    if path is not None:
        import datasets

        require_path(
            path, "synthetic world DatasetDict", "run synthetic_world.build_synthetic_dataset(...).save_to_disk(path)"
        )
        return datasets.load_from_disk(str(path))
    import datasets

    from structure_clip.synthetic.world import build_synthetic_dataset
    from structure_clip.synthetic.world_cache import world_cache_folder

    world = build_synthetic_dataset(seed=seed, split_sizes=split_sizes, cache_dir=world_cache_folder(cache_dir),
                                    progress=True)  # fmt: skip
    # Splits sized 0 (e.g. train, when only evaluating) cannot be saved or scored; leave them out.
    return datasets.DatasetDict({name: split for name, split in world.items() if len(split)})


def synthetic_pair_items(split) -> list[PairItem]:
    return [
        PairItem(row["image"], row["caption"], row["negative_caption"], None, row["triples"], row["negative_triples"])
        for row in split
    ]


def synthetic_retrieval_set(split) -> RetrievalSet:
    """test_retrieval: one caption per image (one scene per distinct caption meaning)."""
    images, texts, triples = split["image"], split["caption"], split["triples"]
    return RetrievalSet(list(images), list(texts), torch.arange(len(texts)), list(triples))


def evaluate_synthetic(scorer, world) -> dict[str, dict[str, float]]:
    """Metrics per synthetic test split; keys match the ablation's results.json names."""
    results = {}
    for name, split in SYNTHETIC_PAIR_SPLITS.items():
        if split in world:
            positive, negative = score_pair_items(scorer, synthetic_pair_items(world[split]))
            results[f"synthetic_{name}"] = {
                "accuracy": pairwise_accuracy(positive, negative),
                "num_items": len(world[split]),
            }
    if "test_retrieval" in world:
        results["synthetic_retrieval"] = evaluate_retrieval(scorer, synthetic_retrieval_set(world["test_retrieval"]))
    return results


def synthetic_summary(results: dict) -> dict[str, float]:
    """evaluate_synthetic's results under the names of the ablation's results.json.

    retrieval_r1 is the mean of the two directions' R@1; both directions are kept as well.
    """
    summary = {}
    if "synthetic_relation_swap" in results:
        summary["relation_swap_acc"] = results["synthetic_relation_swap"]["accuracy"]
    if "synthetic_attribute_swap" in results:
        summary["attribute_swap_acc"] = results["synthetic_attribute_swap"]["accuracy"]
    if "synthetic_retrieval" in results:
        retrieval = results["synthetic_retrieval"]
        summary["retrieval_r1_text_to_image"] = retrieval["text_to_image_R@1"]
        summary["retrieval_r1_image_to_text"] = retrieval["image_to_text_R@1"]
        summary["retrieval_r1"] = (retrieval["text_to_image_R@1"] + retrieval["image_to_text_R@1"]) / 2
    return summary
