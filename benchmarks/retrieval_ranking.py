"""How long ranking COCO-5k-sized retrieval takes: vectorised recall vs a per-query Python loop.

docs/method.md §4: the original Structure-CLIP ranks with Python loops (about 2 minutes per evaluation); ours must
rank 25k captions x 5k images (R@1/5/10 both ways) in about a second on CPU.

Embeddings are random, L2-normalised, `--dim`-d; each caption is its image's embedding plus noise, so the
recalls are neither 0 nor 1 and the two implementations can be compared on them.

- vectorised: `structured_metrics.retrieval_recall_at_k` on all queries, timed end to end (best of
  `--repeats`).
- baseline: the loop style of the original (model/eval.py `eval_coco_large`): the full score matrix
  once, then per query a `torch.sort` of its row and a Python walk to the first correct item (the
  original sorts over 25k duplicated image rows for text queries; here over the 5k unique images, so the
  baseline is, if anything, faster than the original). It is
  timed on `--baseline_queries` random queries per direction and **extrapolated** linearly to all
  queries (the score-matrix time is measured, not extrapolated). All times are CPU time of this process
  (`time.process_time`), so other jobs on a shared machine do not inflate them; wall time of the
  vectorised path is printed too. Its ranks on those queries are checked
  against `structured_metrics.retrieval_ranks` (printed as a disagreement count; should be 0).

    python benchmarks/retrieval_ranking.py                       # 25,000 x 5,000 x 512, default threads
    python benchmarks/retrieval_ranking.py --threads 1 --output_json outputs/retrieval_ranking.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from structure_clip.evaluation.metrics import retrieval_ranks, retrieval_recall_at_k


KS = (1, 5, 10)


def random_retrieval_embeddings(num_images: int, captions_per_image: int, dim: int, noise: float, seed: int):
    generator = torch.Generator().manual_seed(seed)
    images = torch.nn.functional.normalize(torch.randn(num_images, dim, generator=generator), dim=-1)
    text_to_image = torch.arange(num_images).repeat_interleave(captions_per_image)
    texts = images[text_to_image] + noise * torch.randn(len(text_to_image), dim, generator=generator) / dim**0.5
    return images, torch.nn.functional.normalize(texts, dim=-1), text_to_image


def time_vectorised(images, texts, text_to_image, repeats: int):
    """Best (wall seconds, CPU seconds) over `repeats` runs, and the metrics."""
    best_wall, best_cpu, metrics = float("inf"), float("inf"), None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        metrics = retrieval_recall_at_k(images, texts, text_to_image, ks=KS)
        best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, metrics


def loop_rank(score_row: torch.Tensor, correct: set[int]) -> int:
    """Per-query loop in the original's style (model/eval.py, eval_coco_large): sort the row, then walk
    the sorted indices in Python until the first correct item."""
    _, order = torch.sort(score_row, descending=True)
    for rank, candidate in enumerate(order.tolist()):
        if candidate in correct:
            return rank
    raise ValueError("query without a correct item")


def time_loop_baseline(images, texts, text_to_image, num_queries: int, seed: int):
    """Returns (matrix seconds, per-query seconds per direction, {direction: (sampled queries, their ranks)})."""
    start = time.process_time()
    scores = images @ texts.T  # [images, texts], computed once as the original does
    matrix_seconds = time.process_time() - start
    rng = np.random.default_rng(seed)
    index = text_to_image.tolist()
    captions_of = {}
    for text_id, image_id in enumerate(index):
        captions_of.setdefault(int(image_id), set()).add(text_id)
    per_query, sampled_ranks = {}, {}
    directions = {
        "image_to_text": (scores, lambda query: captions_of[query]),
        "text_to_image": (scores.T, lambda query: {index[query]}),
    }
    for direction, (matrix, correct_of) in directions.items():
        queries = rng.choice(matrix.shape[0], size=min(num_queries, matrix.shape[0]), replace=False)
        start = time.process_time()
        ranks = np.array([loop_rank(matrix[query], correct_of(int(query))) for query in queries])
        per_query[direction] = (time.process_time() - start) / len(queries)
        sampled_ranks[direction] = (queries, ranks)
    return matrix_seconds, per_query, sampled_ranks


def rank_disagreements(images, texts, text_to_image, sampled_ranks) -> dict[str, int]:
    """How many sampled queries the loop and the vectorised ranks disagree on (image ranks capped at max k)."""
    image_ranks, text_ranks = retrieval_ranks(images, texts, text_to_image, max_rank=max(KS))
    vectorised = {"image_to_text": image_ranks.numpy(), "text_to_image": np.minimum(text_ranks.numpy(), max(KS))}
    return {
        direction: int((np.minimum(ranks, max(KS)) != vectorised[direction][queries]).sum())
        for direction, (queries, ranks) in sampled_ranks.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--num_images", type=int, default=5000, help="Images (COCO 5k test: 5,000).")
    parser.add_argument(
        "--captions_per_image", type=int, default=5, help="Captions per image (COCO: 5, so 25k texts)."
    )
    parser.add_argument("--dim", type=int, default=512, help="Embedding dimension (ViT-B/32: 512).")
    parser.add_argument("--noise", type=float, default=6.0, help="Caption noise scale; sets how hard retrieval is.")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's default).")
    parser.add_argument("--repeats", type=int, default=3, help="Vectorised runs; the best time is reported.")
    parser.add_argument(
        "--baseline_queries", type=int, default=300, help="Queries per direction timed for the loop baseline."
    )
    parser.add_argument("--seed", type=int, default=0, help="Seed of the embeddings and of the query subsample.")
    parser.add_argument("--output_json", default=None, help="Optional path for the measurements as JSON.")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    images, texts, text_to_image = random_retrieval_embeddings(
        args.num_images, args.captions_per_image, args.dim, args.noise, args.seed
    )
    vectorised_wall, vectorised_seconds, metrics = time_vectorised(images, texts, text_to_image, args.repeats)
    matrix_seconds, per_query, sampled = time_loop_baseline(
        images, texts, text_to_image, args.baseline_queries, args.seed
    )
    disagreements = rank_disagreements(images, texts, text_to_image, sampled)
    num_queries = {"image_to_text": len(images), "text_to_image": len(texts)}
    loop_seconds = {direction: per_query[direction] * num_queries[direction] for direction in per_query}
    baseline_seconds = matrix_seconds + sum(loop_seconds.values())

    print(f"texts x images: {len(texts):,} x {len(images):,}, dim {args.dim}, torch threads {torch.get_num_threads()}")
    print("times are CPU seconds of this process (robust to other load on the machine; with --threads 1 they")
    print("approximate wall time on an idle core)")
    print(
        f"vectorised retrieval_recall_at_k (R@1/5/10 both ways): {vectorised_seconds:.2f} s CPU, "
        f"{vectorised_wall:.2f} s wall (best of {args.repeats})"
    )
    print(
        f"loop baseline: score matrix {matrix_seconds:.2f} s + per-query loops "
        + ", ".join(f"{d} {loop_seconds[d]:.1f} s ({per_query[d] * 1e3:.2f} ms/query)" for d in loop_seconds)
        + f" = {baseline_seconds:.1f} s"
    )
    print(f"  (loops timed on {args.baseline_queries} random queries per direction and EXTRAPOLATED to all queries)")
    print(
        f"speed-up: {baseline_seconds / vectorised_seconds:.0f}x end to end; ranking beyond the score matrix "
        f"(same matmul in both): {max(vectorised_seconds - matrix_seconds, 0):.2f} s vs {sum(loop_seconds.values()):.1f} s"
    )
    print("recalls (vectorised, all queries): " + ", ".join(f"{name} {value:.4f}" for name, value in metrics.items()))
    print(
        "loop vs vectorised rank disagreements on the timed queries: "
        + ", ".join(f"{direction} {count}/{args.baseline_queries}" for direction, count in disagreements.items())
    )
    record = {
        "num_texts": len(texts),
        "num_images": len(images),
        "dim": args.dim,
        "threads": torch.get_num_threads(),
        "vectorised_cpu_seconds": vectorised_seconds,
        "vectorised_wall_seconds": vectorised_wall,
        "baseline_matrix_seconds": matrix_seconds,
        "baseline_loop_seconds_extrapolated": loop_seconds,
        "baseline_total_seconds_extrapolated": baseline_seconds,
        "baseline_queries_timed_per_direction": args.baseline_queries,
        "speedup": baseline_seconds / vectorised_seconds,
        "vectorised_metrics": metrics,
        "rank_disagreements_on_timed_queries": disagreements,
    }
    if args.output_json:
        Path(args.output_json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output_json).write_text(json.dumps(record, indent=2))
    return record


if __name__ == "__main__":
    main()
