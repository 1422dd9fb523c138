"""The demo's saved processor takes images of any size, as CLIP's does: directly, through the zero-shot
pipeline, and from an exported Hub folder. The world's own images encode exactly as before (normalisation only)."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image
from transformers import CLIPImageProcessorPil, pipeline

from modeling_structure_clip import StructureCLIPModel
from processing.pipeline_structure_clip import save_with_structure_clip_pipeline
from structure_clip.hub import export as export_to_hub
from structure_clip.synthetic.world import (
    build_synthetic_processor,
    generate_split,
    tiny_synthetic_model_config,
)


torch.set_num_threads(1)

LABELS = ["a small red circle left of a large blue square", "a large blue square left of a small red circle"]


def odd_sized_images() -> dict[str, Image.Image]:
    """A landscape photo-sized image and a thin tall strip, both with content (not a flat colour)."""
    rng = np.random.default_rng(0)
    return {
        size: Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
        for size, (width, height) in {"640x480": (640, 480), "20x300": (20, 300)}.items()
    }


@pytest.fixture(scope="module")
def demo_model_folder(tmp_path_factory):
    """An untrained tiny synthetic-world model saved with its processor and the custom pipeline."""
    processor = build_synthetic_processor()
    config = tiny_synthetic_model_config(
        processor.tokenizer, processor.triple_tokenizer, width=32, num_hidden_layers=1, knowledge_layers=1
    )
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    folder = tmp_path_factory.mktemp("demo_model")
    save_with_structure_clip_pipeline(model, processor, folder)
    return SimpleNamespace(folder=folder, model=model, processor=processor, size=config.vision_config.image_size)


def test_world_images_encode_exactly_as_with_normalisation_alone():
    processor = build_synthetic_processor()
    normalise_only = CLIPImageProcessorPil(do_resize=False, do_center_crop=False)
    images = [record["image"] for record in generate_split("test_retrieval", 64, seed=3)]
    assert {image.size for image in images} == {(48, 48)}
    got = processor.image_processor(images=images, return_tensors="pt")["pixel_values"]
    expected = normalise_only(images=images, return_tensors="pt")["pixel_values"]
    assert torch.equal(got, expected)


@pytest.mark.parametrize("size", ["640x480", "20x300"])
def test_demo_processor_resizes_and_crops_any_image_to_the_model_size(demo_model_folder, size):
    image = odd_sized_images()[size]
    pixel_values = demo_model_folder.processor(images=image, return_tensors="pt")["pixel_values"]
    assert pixel_values.shape == (1, 3, demo_model_folder.size, demo_model_folder.size)
    with torch.no_grad():
        features = demo_model_folder.model.get_image_features(pixel_values=pixel_values).pooler_output
    assert torch.isfinite(features).all()


def _classify(folder, image):
    classifier = pipeline("zero-shot-image-classification", model=str(folder), trust_remote_code=True, device="cpu")
    return classifier(image, candidate_labels=LABELS, hypothesis_template="{}")


@pytest.mark.parametrize("size", ["640x480", "20x300"])
def test_zero_shot_pipeline_on_a_saved_demo_model_takes_any_image(demo_model_folder, size):
    predictions = _classify(demo_model_folder.folder, odd_sized_images()[size])
    assert sorted(prediction["label"] for prediction in predictions) == sorted(LABELS)
    assert sum(prediction["score"] for prediction in predictions) == pytest.approx(1.0, abs=1e-5)


def test_exported_demo_model_takes_any_image(demo_model_folder, tmp_path):
    output = tmp_path / "exported"
    export_to_hub.export(demo_model_folder.folder, output, metadata_overrides={"datasets": []})
    for image in odd_sized_images().values():
        predictions = _classify(output, image)
        assert sorted(prediction["label"] for prediction in predictions) == sorted(LABELS)


def test_wrong_image_size_error_says_what_size_the_model_takes(demo_model_folder):
    with pytest.raises(ValueError, match=r"takes 48x48 images.*size.*crop_size.*interpolate_pos_encoding"):
        demo_model_folder.model.get_image_features(pixel_values=torch.zeros(1, 3, 224, 224))
