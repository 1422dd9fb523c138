"""benchmarks/retrieval_ranking.py runs on a small size, and its loop baseline agrees with the vectorised ranks."""

import importlib.util
from pathlib import Path


BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "retrieval_ranking.py"


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("retrieval_ranking", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_retrieval_benchmark_small_run(tmp_path, capsys):
    record = _load_benchmark().main(
        [
            "--num_images",
            "200",
            "--captions_per_image",
            "3",
            "--dim",
            "32",
            "--noise",
            "1.5",
            "--repeats",
            "1",
            "--baseline_queries",
            "50",
            "--threads",
            "1",
            "--output_json",
            str(tmp_path / "ranking.json"),
        ]
    )
    assert record["num_texts"] == 600 and record["num_images"] == 200
    assert record["rank_disagreements_on_timed_queries"] == {"image_to_text": 0, "text_to_image": 0}
    assert 0.0 < record["vectorised_metrics"]["text_to_image_R@1"] < 1.0  # a non-trivial ranking was checked
    assert (tmp_path / "ranking.json").exists()
    assert "EXTRAPOLATED" in capsys.readouterr().out
