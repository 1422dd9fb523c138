"""The fast (torchvision) CLIP image processor gives the slow (PIL) one's pixel values, and the choice between them.

Tolerance, in CLIP-normalised units: one 8-bit level is 1 / 255 / 0.26130258 = 0.0150 (the smallest CLIP std).
Measured by ``benchmarks/image_processor_agreement.py`` (the same images as here) with torch 2.14.1 + torchvision
0.29.1 and transformers 5.24.0, through StructureCLIPProcessor at CLIP's 224 settings: every photo-like image, at
COCO and odd sizes in RGB, L and RGBA, differs by one level at most, with a mean of at most 0.000074 (0.2-0.5% of the
values are one level off; 225x224 is bit-identical). Both resample bicubic with antialiasing and round to 8 bits
before normalising, so they part only at rounding ties. Uniform noise upscaled from 48 px differs by up to 1.95
levels (bicubic overshoot clipped differently), and a one-pixel checkerboard by one level at 30% of its values.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import processing.image_backend as image_backend_module
from processing import choose_image_backend
from processing.image_backend import (
    FAST,
    SLOW,
    clip_image_processor,
    matching_torchvision_command,
    torchvision_problem,
)
from tests.test_benchmarks_scale import load_benchmark


ONE_LEVEL = 1 / 255 / 0.26130258  # benchmarks/image_processor_agreement.py's unit
MAX_ABS_DIFFERENCE = ONE_LEVEL + 1e-6  # plus float32 rounding of each normalised value (about 2e-7 near 2)
MEAN_ABS_DIFFERENCE = 0.001  # about 14x the largest mean measured on these images
REPO_ROOT = Path(__file__).resolve().parents[1]


AGREEMENT = load_benchmark("image_processor_agreement")


@pytest.fixture(scope="module")
def fast_and_slow():
    if choose_image_backend() != FAST:
        pytest.skip(f"the fast (torchvision) image processor cannot run here: {torchvision_problem()}")
    return AGREEMENT.processor_on(FAST), AGREEMENT.processor_on(SLOW)


@pytest.mark.parametrize("mode", AGREEMENT.MODES)
@pytest.mark.parametrize("size", AGREEMENT.PHOTO_SIZES)
def test_fast_and_slow_image_processors_give_the_same_pixels(fast_and_slow, size, mode):
    fast, slow = (processor(images=AGREEMENT.photo_like(*size, mode))["pixel_values"] for processor in fast_and_slow)
    assert fast.shape == slow.shape == (1, 3, 224, 224) and fast.dtype == slow.dtype
    difference = (fast - slow).abs()
    assert difference.max().item() <= MAX_ABS_DIFFERENCE, f"max {difference.max().item() / ONE_LEVEL:.2f} levels"
    assert difference.mean().item() <= MEAN_ABS_DIFFERENCE


def test_hard_inputs_stay_within_two_levels(fast_and_slow):
    for name, image in AGREEMENT.hard_inputs().items():
        measured = AGREEMENT.difference_in_levels(image, *fast_and_slow)
        assert measured["max_levels"] <= 2 and measured["mean"] <= 0.01, (name, measured)


def test_the_backend_matches_what_works_here():
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    built = clip_image_processor(size={"shortest_edge": 30}, crop_size={"height": 30, "width": 30})
    if torchvision_problem() is None:
        assert choose_image_backend() == FAST and not isinstance(built, CLIPImageProcessorPil)
    else:
        assert choose_image_backend() == SLOW and type(built) is CLIPImageProcessorPil
    assert built.crop_size == {"height": 30, "width": 30}


def test_without_torchvision_the_slow_processor_is_announced_once(monkeypatch, caplog):
    module = image_backend_module
    real_find_spec = module.importlib.util.find_spec
    monkeypatch.setattr(
        module.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "torchvision" else real_find_spec(name, *a),
    )
    module.torchvision_problem.cache_clear()
    module.choose_image_backend.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="processing.image_backend"):
            assert [module.choose_image_backend() for _ in range(3)] == [SLOW] * 3
    finally:
        module.torchvision_problem.cache_clear()
        module.choose_image_backend.cache_clear()
    messages = [record for record in caplog.records if record.name == "processing.image_backend"]
    assert len(messages) == 1 and messages[0].levelno == logging.INFO
    assert "torchvision is not installed" in messages[0].getMessage()
    assert "torchvision==0." in messages[0].getMessage()


@pytest.mark.parametrize(
    "torch_version, cpu_build, expected",
    [
        (
            "2.13.0+cpu",
            True,
            'pip install "torch==2.13.0" "torchvision==0.28.*" --index-url https://download.pytorch.org/whl/cpu',
        ),
        ("2.14.1+cu130", False, 'pip install "torch==2.14.1" "torchvision==0.29.*"'),
        ("2.0.1", False, 'pip install "torch==2.0.1" "torchvision==0.15.*"'),  # 0.15.2 is 2.0.1's: the patch floats
    ],
)
def test_the_install_command_keeps_the_installed_torch(torch_version, cpu_build, expected):
    assert matching_torchvision_command(torch_version, cpu_build) == expected


def test_an_unknown_torch_gets_a_pointer_not_a_guess():
    assert "torchvision==" not in matching_torchvision_command("1.13.1", True)


def test_building_the_tiny_processor_prints_no_fallback_warning():
    """``from transformers import CLIPImageProcessor`` without torchvision warns "falling back to ...Pil"."""
    code = "from tests.tiny_processors import make_tiny_processor; make_tiny_processor()"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "falling back" not in result.stderr + result.stdout


def test_a_torchvision_that_fails_to_load_gets_an_error_with_the_fix(tmp_path):
    """PyPI's torchvision next to a CPU torch fails at import (a compiled operator is missing); transformers
    imports it with its image code, so ``import processing`` must say what to install instead."""
    (tmp_path / "torchvision").mkdir()
    (tmp_path / "torchvision" / "__init__.py").write_text(
        'raise RuntimeError("operator torchvision::nms does not exist")\n'
    )
    (tmp_path / "torchvision-0.28.0.dist-info").mkdir()
    (tmp_path / "torchvision-0.28.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: torchvision\nVersion: 0.28.0\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import processing"],
        cwd=REPO_ROOT,
        env=_env(prepend=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError: transformers cannot load its image processors")
    assert "operator torchvision::nms does not exist" in last_line and '"torchvision==0.' in last_line


def _env(prepend: str | None = None) -> dict:
    paths = [path for path in (prepend, str(REPO_ROOT), os.environ.get("PYTHONPATH")) if path]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
