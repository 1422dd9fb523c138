"""to_rgb: high-bit-depth images are scaled to 8 bits, not clipped to white; bad images get clear errors."""

import numpy as np
import pytest
import torch
from PIL import Image

from processing.image_loading import to_rgb


def pil_image(mode: str, values: list) -> Image.Image:
    image = Image.new(mode, (len(values), 1))
    for x, value in enumerate(values):
        image.putpixel((x, 0), value)
    return image


def gray_values(image) -> list:
    array = np.asarray(image)
    assert image.mode == "RGB" and (array == array[..., :1]).all()  # gray stays gray in all three channels
    return array[0, :, 0].tolist()


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I;16L"])
def test_16_bit_images_are_divided_by_257(mode):
    assert gray_values(to_rgb(pil_image(mode, [0, 1000, 25700, 65535]))) == [0, 4, 100, 255]


def test_dark_16_bit_image_is_not_white_through_the_old_path():
    image = pil_image("I;16", [1000, 2000])
    assert np.asarray(image.convert("RGB")).min() == 255  # what plain PIL gives: the bug being fixed
    assert gray_values(to_rgb(image)) == [4, 8]


@pytest.mark.parametrize(
    "values, expected",
    [
        ([0, 25700, 65535], [0, 100, 255]),  # within 16 bits: a 16-bit file read as "I"
        ([0, 100, 255], [0, 100, 255]),  # within 8 bits
        ([-1000, 0, 100_000], [0, 3, 255]),  # outside both: stretched over its own range
    ],
)
def test_32_bit_integer_images(values, expected):
    assert gray_values(to_rgb(pil_image("I", values))) == expected


@pytest.mark.parametrize(
    "values, expected",
    [([0.0, 0.5, 1.0], [0, 128, 255]), ([0.0, 100.0, 255.0], [0, 100, 255]), ([-1.0, 0.0, 3.0], [0, 64, 255])],
)
def test_float_images(values, expected):
    assert gray_values(to_rgb(pil_image("F", values))) == expected


def test_non_finite_float_pixels_are_an_error():
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_rgb(pil_image("F", [0.5, float("nan"), 1.0]))


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "CMYK", "1"])
def test_8_bit_modes_convert_as_pil_does(mode):
    image = Image.new(mode, (5, 4), 1 if mode in ("1", "L", "P") else (10, 20, 30, 40)[: len(mode)])
    assert np.array_equal(np.asarray(to_rgb(image)), np.asarray(image.convert("RGB")))


def test_rgb_images_are_returned_unchanged():
    image = Image.new("RGB", (3, 2), (1, 2, 3))
    assert to_rgb(image) is image


@pytest.mark.parametrize(
    "array, expected",
    [
        (np.array([[0, 100, 255]], dtype=np.uint8), [0, 100, 255]),
        (np.array([[0, 25700, 65535]], dtype=np.uint16), [0, 100, 255]),
        (np.array([[0, 25700, 65535]], dtype=">u2"), [0, 100, 255]),  # big-endian 16-bit data
        (np.array([[0, 100, 255]]), [0, 100, 255]),  # int64 from a plain list
        (np.array([[0.0, 0.5, 1.0]], dtype=np.float32), [0, 128, 255]),
        (np.array([[True, False, True]]), [255, 0, 255]),
        (torch.tensor([[0, 25700, 65535]], dtype=torch.int32), [0, 100, 255]),
    ],
)
def test_2d_arrays_are_grayscale(array, expected):
    assert gray_values(to_rgb(array)) == expected


def test_3d_arrays_channels_last_and_first():
    hwc = np.arange(2 * 5 * 3, dtype=np.uint8).reshape(2, 5, 3)
    assert np.array_equal(np.asarray(to_rgb(hwc)), hwc)
    assert np.array_equal(np.asarray(to_rgb(torch.from_numpy(hwc).permute(2, 0, 1))), hwc)
    rgba = np.concatenate([hwc, np.full((2, 5, 1), 7, np.uint8)], axis=-1)
    assert np.array_equal(np.asarray(to_rgb(rgba)), hwc)  # alpha dropped, as convert("RGB") does


@pytest.mark.parametrize(
    "image", [Image.new("RGB", (0, 0)), Image.new("I;16", (5, 0)), np.zeros((0, 4)), np.zeros((3, 0, 4), np.uint8)]
)
def test_empty_images_are_an_error(image):
    with pytest.raises(ValueError, match="at least one pixel"):
        to_rgb(image)


@pytest.mark.parametrize("array", [np.zeros(5), np.zeros((2, 2, 2, 3)), np.zeros((5, 6, 7))])
def test_arrays_of_unsupported_shape_are_an_error(array):
    with pytest.raises(ValueError, match="shape"):
        to_rgb(array)


def test_other_types_are_a_type_error():
    with pytest.raises(TypeError, match="PIL image, a numpy array or a torch tensor"):
        to_rgb("photo.jpg")
