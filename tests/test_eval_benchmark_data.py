"""Benchmark files the package provides itself: the shipped ARO list and the SugarCrepe download (no network here)."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from structure_clip.evaluation import benchmark_data
from structure_clip.evaluation.benchmarks import MissingBenchmarkDataError, load_dropped_relations


REPO_ROOT = Path(__file__).resolve().parents[1]


def test_the_dropped_relation_list_ships_with_the_package():
    dropped = load_dropped_relations()
    assert len(dropped) == 157 and {"adjusting", "attached to", "between"} <= dropped
    assert "on" not in dropped  # a kept relation


def test_sugarcrepe_offline_without_cache_names_the_flag_and_the_url(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(MissingBenchmarkDataError) as error:
        benchmark_data.sugarcrepe_annotation_dir(tmp_path)
    message = str(error.value)
    assert "--sugarcrepe_dir" in message and benchmark_data.SUGARCREPE_ANNOTATIONS_URL in message


def test_sugarcrepe_download_failure_names_the_flag(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)

    def unreachable(url, target):
        raise ConnectionError("no route to host")

    monkeypatch.setattr(benchmark_data, "_download", unreachable)
    with pytest.raises(MissingBenchmarkDataError, match="--sugarcrepe_dir.*") as error:
        benchmark_data.sugarcrepe_annotation_dir(tmp_path)
    assert "no route to host" in str(error.value)


def test_sugarcrepe_downloads_missing_files_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    fetched = []

    def fake_download(url, target):
        fetched.append(url.rsplit("/", 1)[-1])
        target.write_text(json.dumps({"0": {"filename": "x.jpg", "caption": "a", "negative_caption": "b"}}))

    monkeypatch.setattr(benchmark_data, "_download", fake_download)
    folder = benchmark_data.sugarcrepe_annotation_dir(tmp_path)
    assert sorted(fetched) == sorted(f"{name}.json" for name in benchmark_data.SUGARCREPE_FILE_SUBSETS)
    assert folder.is_relative_to(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # cached now: no download needed, offline is fine
    assert benchmark_data.sugarcrepe_annotation_dir(tmp_path) == folder and len(fetched) == 7


@pytest.mark.slow
def test_the_wheel_carries_the_dropped_relation_list(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the checkout
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(REPO_ROOT / name, source / name)
    for package in ("modeling_structure_clip", "processing", "structure_clip"):
        shutil.copytree(REPO_ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(source)], capture_output=True, text=True,
    )  # fmt: skip
    if build.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {build.stderr[-300:]}")
    (wheel,) = tmp_path.glob("*.whl")
    assert "structure_clip/evaluation/data/vg_relation_dropped_157.json" in zipfile.ZipFile(wheel).namelist()
