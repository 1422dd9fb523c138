"""How far apart are the fast (torchvision) and slow (PIL) CLIP image processors? Per image, the largest and the mean
absolute difference of their pixel_values through StructureCLIPProcessor at CLIP's 224 settings, in 8-bit levels
(one level = 1 / 255 / 0.26130258 = 0.0150 in normalised units, the smallest CLIP std).

Images: photo-like (smooth colour fields plus noise) at COCO and odd sizes in RGB, greyscale (L) and RGBA, then two
harder cases, uniform noise upscaled 48 -> 224 px and a one-pixel checkerboard. Needs a torchvision that works beside
the installed torch (README, "Fast image path"); tests/test_processing_fast_images.py asserts the tolerance.

    python benchmarks/image_processor_agreement.py [--json agreement.json]
"""

import argparse
import json
import sys

import numpy as np
from PIL import Image

from processing import StructureCLIPProcessor
from processing.image_backend import FAST, SLOW, clip_image_processor, torchvision_problem
from tests.tiny_processors import make_tiny_bert_tokenizer, make_tiny_clip_tokenizer


ONE_LEVEL = 1 / 255 / 0.26130258
PHOTO_SIZES = ((640, 480), (480, 640), (640, 427), (333, 517), (517, 333), (225, 224), (223, 223), (20, 300),
               (301, 19), (1000, 999))  # fmt: skip
MODES = ("RGB", "L", "RGBA")


def photo_like(width: int, height: int, mode: str) -> Image.Image:
    """Smooth colour fields plus noise, seeded by the size, so every run sees the same pixels."""
    rng = np.random.default_rng(width * height)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    field = np.stack([128 + 100 * np.sin(x / (40 + 15 * c) + y / (55 + 10 * c) + c) for c in range(4)], -1)
    rgba = Image.fromarray(np.clip(field + rng.normal(0, 12, field.shape), 0, 255).astype(np.uint8), "RGBA")
    return rgba if mode == "RGBA" else rgba.convert(mode)


def hard_inputs() -> dict:
    noise = np.random.default_rng(0).integers(0, 256, (48, 48, 3), dtype=np.uint8)
    checkerboard = (np.indices((479, 641)).sum(0) % 2 * 255).astype(np.uint8)
    return {
        "uniform noise 48x48 RGB (upscaled)": Image.fromarray(noise),
        "checkerboard 641x479 RGB": Image.fromarray(checkerboard).convert("RGB"),
    }


def processor_on(backend: str) -> StructureCLIPProcessor:
    return StructureCLIPProcessor(
        clip_image_processor(backend), make_tiny_clip_tokenizer(), make_tiny_bert_tokenizer()
    )


def difference_in_levels(image, fast: StructureCLIPProcessor, slow: StructureCLIPProcessor) -> dict:
    difference = (fast(images=image)["pixel_values"] - slow(images=image)["pixel_values"]).abs()
    return {
        "max_levels": difference.max().item() / ONE_LEVEL,
        "mean": difference.mean().item(),
        "fraction_differing": (difference > 1e-6).float().mean().item(),
    }


def run() -> dict:
    fast, slow = processor_on(FAST), processor_on(SLOW)
    images = {f"{w}x{h} {mode}": photo_like(w, h, mode) for w, h in PHOTO_SIZES for mode in MODES}
    return {name: difference_in_levels(image, fast, slow) for name, image in {**images, **hard_inputs()}.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args()
    problem = torchvision_problem()
    if problem is not None:
        sys.exit(f"the fast (torchvision) image processor cannot run here: {problem}")
    results = run()
    print(f"{'image':36s} {'max (levels)':>12s} {'mean':>9s} {'values differing':>17s}")
    for name, row in results.items():
        print(f"{name:36s} {row['max_levels']:12.3f} {row['mean']:9.6f} {row['fraction_differing']:17.4f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
