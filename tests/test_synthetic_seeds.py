"""Several seeds of the demo: mean ± std per cell, shared validation curves, the table, the plot, the entry point."""

import json

import matplotlib
import pytest


matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

from structure_clip.synthetic.seeds import (  # noqa: E402
    aggregate_cells,
    aggregate_curves,
    format_spread_table,
)
from structure_clip.synthetic.spread_plot import plot_spread_bars, save_spread_plot  # noqa: E402


def _report(relation, attribute, curve):
    metrics = {"relation_swap_acc": relation, "attribute_swap_acc": attribute, "retrieval_r1": 0.5,
               "validation_relation_swap_acc": relation, "train_seconds": 10.0, "note": "text is skipped"}  # fmt: skip
    history = [{"type": "train", "step": 1, "loss": 1.0}]
    history += [{"type": "eval", "step": step, "validation_relation_swap_acc": v} for step, v in curve.items()]
    return {"variants": {"clip": dict(metrics), "structure-clip": dict(metrics)},
            "histories": {"clip": history, "structure-clip": history}}  # fmt: skip


REPORTS = {0: _report(0.5, 0.9, {50: 0.5, 100: 0.6}), 1: _report(0.7, 0.9, {50: 0.7, 100: 0.8, 150: 0.9})}


def test_mean_and_sample_std_per_cell_and_metric():
    summary = aggregate_cells(REPORTS)
    relation = summary["structure-clip"]["relation_swap_acc"]
    assert relation["mean"] == pytest.approx(0.6) and relation["std"] == pytest.approx(0.1414213, abs=1e-6)
    assert relation["values"] == [0.5, 0.7]
    assert summary["clip"]["attribute_swap_acc"]["std"] == 0.0
    assert "note" not in summary["clip"]


def test_one_seed_has_zero_spread_and_seeds_must_agree_on_cells():
    assert aggregate_cells({3: REPORTS[0]})["clip"]["relation_swap_acc"] == {"mean": 0.5, "std": 0.0, "values": [0.5]}
    lopsided = {0: REPORTS[0], 1: {"variants": {"clip": REPORTS[1]["variants"]["clip"]}}}
    with pytest.raises(ValueError, match="seeds disagree"):
        aggregate_cells(lopsided)


def test_curves_keep_the_steps_every_seed_has():
    curve = aggregate_curves(REPORTS)["clip"]
    assert curve["steps"] == [50, 100]
    assert curve["mean"] == pytest.approx([0.6, 0.7]) and curve["std"] == pytest.approx([0.1414213] * 2, abs=1e-6)


def test_table_shows_mean_and_std_in_points():
    table = format_spread_table(aggregate_cells(REPORTS), 2)
    assert "mean ± std over 2 seeds" in table
    assert "| structure-clip | 60.0 ± 14.1 | 90.0 ± 0.0 | 50.0 ± 0.0 | 60.0 ± 14.1 | 10 s |" in table
    assert "± " not in format_spread_table(aggregate_cells({0: REPORTS[0]}), 1).splitlines()[-1]


def test_bars_carry_error_bars_and_the_plot_is_written(tmp_path):
    figure, axis = plt.subplots()
    plot_spread_bars(axis, aggregate_cells(REPORTS))
    error_bars = [c for c in axis.containers if c.__class__.__name__ == "ErrorbarContainer"]
    assert len(error_bars) == 2 and len(axis.patches) == 6
    plt.close(figure)
    path = tmp_path / "spread.png"
    save_spread_plot(str(path), aggregate_cells(REPORTS), aggregate_curves(REPORTS), "curves")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.timeout(300)
def test_scratch_regime_with_seeds_writes_the_spread_and_reuses_finished_seeds(tmp_path, capsys, monkeypatch):
    from structure_clip.synthetic.cli import main
    from tests.test_synthetic_ablation import TINY_RUN

    world = ["--world_cache_dir", str(tmp_path / "world"), "--variants", "clip,clip+negatives"]
    summary = main(TINY_RUN + world + ["--output_dir", str(tmp_path), "--seeds", "0", "1"])
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["seeds"] == [0, 1] and set(saved["cells"]) == {"clip", "clip+negatives"}
    for seed in (0, 1):
        per_seed = json.loads((tmp_path / f"seed_{seed}" / "results.json").read_text())
        assert per_seed["arguments"]["seed"] == seed
        assert (
            saved["cells"]["clip"]["relation_swap_acc"]["values"][seed]
            == per_seed["variants"]["clip"]["relation_swap_acc"]
        )
    assert saved["torch_threads"] == 1 and summary["cells"] == saved["cells"]
    assert (tmp_path / "scratch_seeds.png").stat().st_size > 1000
    assert "mean ± std over 2 seeds" in capsys.readouterr().out

    # A finished seed is read back, not rerun, when the settings match (seeds may run as parallel processes);
    # other settings run it again.
    from structure_clip.synthetic import experiment
    from structure_clip.synthetic.arguments import AblationArguments

    def must_not_run(args):
        raise AssertionError(f"seed {args.seed} was rerun")

    monkeypatch.setattr(experiment, "run_regime", must_not_run)
    args = AblationArguments(**{**saved["arguments"], "seeds": [1, 0], "disable_tqdm": False})
    again = experiment.run_experiment(args)
    assert (
        again["cells"]["clip"]["relation_swap_acc"]["values"]
        == saved["cells"]["clip"]["relation_swap_acc"]["values"][::-1]
    )
    with pytest.raises(AssertionError, match="seed 0 was rerun"):
        experiment.run_experiment(AblationArguments(**{**saved["arguments"], "seeds": [0], "learning_rate": 0.5}))
