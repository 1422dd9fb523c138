"""--validation_split_percentage holds out whole images: no image has captions on both sides."""

import io

import datasets
import pytest
from PIL import Image

from structure_clip.training.data import split_validation_by_image


def _captions_per_image(num_images: int, captions: int = 5) -> datasets.Dataset:
    rows = [
        {"image": f"val2014/{index:04d}.jpg", "caption": f"caption {c} of image {index}"}
        for index in range(num_images)
        for c in range(captions)
    ]
    return datasets.Dataset.from_list(rows)


def test_every_image_lands_on_one_side_only():
    train, validation = split_validation_by_image(_captions_per_image(40), 10, seed=120)
    train_images, validation_images = set(train["image"]), set(validation["image"])
    assert not train_images & validation_images
    assert len(validation_images) == 4 and len(validation) == 20  # 10% of 40 images, all 5 captions each
    assert len(train) + len(validation) == 200
    again, _ = split_validation_by_image(_captions_per_image(40), 10, seed=120)
    assert again["caption"] == train["caption"]  # seeded
    other, _ = split_validation_by_image(_captions_per_image(40), 10, seed=121)
    assert set(other["image"]) != train_images


def test_image_feature_columns_are_grouped_by_their_bytes_without_decoding():
    def png(colour):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
        return {"bytes": buffer.getvalue(), "path": None}

    colours = [(index * 20, 0, 0) for index in range(10)]
    rows = {"image": [png(c) for c in colours for _ in range(3)], "caption": [f"c{i}" for i in range(30)]}
    dataset = datasets.Dataset.from_dict(
        rows, features=datasets.Features({"image": datasets.Image(), "caption": datasets.Value("string")})
    )
    train, validation = split_validation_by_image(dataset, 20, seed=0)
    pixels = lambda split: {image.getpixel((0, 0)) for image in split["image"]}
    assert len(validation) == 6 and not pixels(train) & pixels(validation)


def test_a_percentage_that_leaves_no_training_image_is_an_error():
    with pytest.raises(ValueError, match="leaves no training image"):
        split_validation_by_image(_captions_per_image(1), 50, seed=0)
