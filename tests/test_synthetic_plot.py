"""The demo's ablation.png: value labels on the bars, and a legend that covers none of them."""

import matplotlib


matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

from structure_clip.synthetic.ablation import plot_test_bars, save_plot  # noqa: E402


VARIANTS = {  # test data: a variant at 100% everywhere is the case a legend inside the axis would cover
    "clip": {"relation_swap_acc": 0.5, "attribute_swap_acc": 0.62, "retrieval_r1": 0.31},
    "clip+negatives": {"relation_swap_acc": 1.0, "attribute_swap_acc": 1.0, "retrieval_r1": 0.93},
    "structure-clip": {"relation_swap_acc": 1.0, "attribute_swap_acc": 0.99, "retrieval_r1": 1.0},
}


def _history(offset):
    train = [{"type": "train", "step": s, "loss": 4 - s / 100 + offset, "stage": "train"} for s in range(0, 300, 10)]
    evals = [
        {
            "type": "eval",
            "step": s,
            "validation_relation_swap_acc": 0.5 + s / 700,
            "validation_attribute_swap_acc": 0.5 + s / 800,
        }
        for s in (0, 150, 300)
    ]
    return train + evals


def test_bars_carry_their_values_and_the_legend_covers_no_bar():
    figure, axis = plt.subplots(figsize=(6, 4.8))
    plot_test_bars(axis, VARIANTS)
    figure.canvas.draw()
    labels = sorted(text.get_text() for text in axis.texts)
    assert labels.count("100%") == 4 and "99%" in labels and "50%" in labels and "93%" in labels and len(labels) == 9
    renderer = figure.canvas.get_renderer()
    legend_box = axis.get_legend().get_window_extent(renderer)
    for patch in axis.patches:
        assert not legend_box.overlaps(patch.get_window_extent(renderer))
    for text in axis.texts:  # the value labels stay inside the figure
        assert figure.bbox.contains(*text.get_window_extent(renderer).p1)
    plt.close(figure)


def test_save_plot_writes_a_png(tmp_path):
    path = tmp_path / "ablation.png"
    save_plot(str(path), VARIANTS, {name: _history(i / 10) for i, name in enumerate(VARIANTS)})
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
