"""Several seeds of one regime: mean +- standard deviation per cell and metric, its table, its validation curves.

The standard deviation is the sample one (n - 1 in the denominator); with one seed it is reported as 0.
"""

from __future__ import annotations

import statistics


TABLE_METRICS = (
    ("relation_swap_acc", "relation swap"),
    ("attribute_swap_acc", "attribute swap"),
    ("retrieval_r1", "retrieval R@1"),
    ("validation_relation_swap_acc", "val. relation swap"),
)


def mean_and_std(values: list[float]) -> dict:
    return {
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        "values": list(values),
    }


def aggregate_cells(reports: dict[int, dict]) -> dict[str, dict[str, dict]]:
    """{cell: {metric: {"mean", "std", "values"}}} over the seeds' reports (their "variants"); numeric metrics only.

    Every seed must hold the same cells: a cell missing from a seed is an error, not a smaller sample.
    """
    cells = [list(report["variants"]) for report in reports.values()]
    if any(names != cells[0] for names in cells):
        raise ValueError(f"seeds disagree on their cells: {dict(zip(reports, cells, strict=True))}")
    summary = {}
    for cell in cells[0]:
        per_seed = [report["variants"][cell] for report in reports.values()]
        metrics = [k for k, v in per_seed[0].items() if isinstance(v, int | float) and not isinstance(v, bool)]
        summary[cell] = {metric: mean_and_std([m[metric] for m in per_seed]) for metric in metrics}
    return summary


def aggregate_curves(reports: dict[int, dict], metric: str = "validation_relation_swap_acc") -> dict[str, dict]:
    """{cell: {"steps", "mean", "std"}} of `metric` over the eval records the seeds share (same steps)."""
    curves = {}
    for cell in next(iter(reports.values()))["variants"]:
        per_seed = []
        for report in reports.values():
            evals = [r for r in report["histories"][cell] if r.get("type") == "eval" and metric in r]
            per_seed.append({r["step"]: r[metric] for r in evals})
        steps = sorted(set.intersection(*(set(points) for points in per_seed)))
        spreads = [mean_and_std([points[step] for points in per_seed]) for step in steps]
        curves[cell] = {"steps": steps, "mean": [s["mean"] for s in spreads], "std": [s["std"] for s in spreads]}
    return curves


def spread_text(spread: dict, num_seeds: int) -> str:
    mean = f"{100 * spread['mean']:.1f}"
    return mean if num_seeds == 1 else f"{mean} ± {100 * spread['std']:.1f}"


def format_spread_table(summary: dict[str, dict[str, dict]], num_seeds: int) -> str:
    """Markdown table: one row per cell, "mean ± std" in points for every metric the cells have."""
    columns = [(key, title) for key, title in TABLE_METRICS if all(key in cell for cell in summary.values())]
    header = "| cell | " + " | ".join(title for _, title in columns) + " | train time |"
    caption = "(one seed, points)" if num_seeds == 1 else f"(mean ± std over {num_seeds} seeds, points)"
    lines = [caption, header,
             "|" + "---|" * (len(columns) + 2)]  # fmt: skip
    for cell, metrics in summary.items():
        values = [spread_text(metrics[key], num_seeds) for key, _ in columns]
        seconds = metrics.get("train_seconds", {}).get("mean", float("nan"))
        lines.append(f"| {cell} | " + " | ".join(values) + f" | {seconds:.0f} s |")
    return "\n".join(lines)
