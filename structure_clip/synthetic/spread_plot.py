"""The multi-seed plot: test accuracy per cell with error bars (std over seeds), and the validation relation-swap
accuracy against training steps per cell (mean over seeds, shaded +- std)."""

from __future__ import annotations


BAR_METRICS = (("relation_swap_acc", "relation swap"), ("attribute_swap_acc", "attribute swap"),
               ("retrieval_r1", "retrieval R@1"))  # fmt: skip


def cell_colours(cells) -> dict[str, str]:
    """One colour per variant (a cell label's first part, "variant / recipe / lr"); recipes differ by hatch/dash."""
    variants = list(dict.fromkeys(cell.split(" / ")[0] for cell in cells))
    return {cell: f"C{variants.index(cell.split(' / ')[0]) % 10}" for cell in cells}


def plot_spread_bars(axis, summary: dict[str, dict]) -> None:
    """One group per metric, one bar per cell, error bars = std over seeds; the legend sits below the axis."""
    width, colours = 0.8 / max(1, len(summary)), cell_colours(summary)
    for index, (cell, metrics) in enumerate(summary.items()):
        positions = [m + index * width for m in range(len(BAR_METRICS))]
        means = [metrics[key]["mean"] for key, _ in BAR_METRICS]
        errors = [metrics[key]["std"] for key, _ in BAR_METRICS]
        axis.bar(positions, means, width, yerr=errors, capsize=2, label=cell, color=colours[cell],
                 hatch="//" if "original" in cell else None)  # fmt: skip
    axis.set_xticks([m + width * (len(summary) - 1) / 2 for m in range(len(BAR_METRICS))])
    axis.set_xticklabels([title for _, title in BAR_METRICS])
    axis.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    axis.set_ylim(0, 1.05)
    axis.set_title("test accuracy (mean ± std over seeds)")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=7, frameon=False)


def plot_curves(axis, curves: dict[str, dict], title: str) -> None:
    colours = cell_colours(curves)
    for cell, curve in curves.items():
        low = [m - s for m, s in zip(curve["mean"], curve["std"], strict=True)]
        high = [m + s for m, s in zip(curve["mean"], curve["std"], strict=True)]
        style = "--" if "original" in cell else "-"
        axis.plot(curve["steps"], curve["mean"], style, color=colours[cell], marker="o", markersize=3, label=cell)
        axis.fill_between(curve["steps"], low, high, color=colours[cell], alpha=0.15)
    axis.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    axis.set_ylim(0.3, 1.02)
    axis.set_xlabel("step")
    axis.set_title(title)


def save_spread_plot(path: str, summary: dict[str, dict], curves: dict[str, dict], curve_title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (bars, lines) = plt.subplots(1, 2, figsize=(15, 6.4))
    plot_spread_bars(bars, summary)
    plot_curves(lines, curves, curve_title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
