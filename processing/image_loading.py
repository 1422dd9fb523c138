"""Any image -> an 8-bit RGB PIL image, with high-bit-depth images scaled instead of clipped.

``PIL.Image.convert("RGB")`` clips 16- and 32-bit pixel values at 255, so a 16-bit scan (mode ``I;16``, or ``I``
as some readers give it) comes out almost all white, and a float image (mode ``F``) in [0, 1] almost all black.
:func:`to_rgb` scales them first; the processor and the training image loader both call it, so an image looks the
same to the model in training and in inference.

Scaling (by what the pixel type says about its range, else by the values):

- 8-bit images (``L``, ``P``, ``RGB``, ``RGBA``, ... and uint8 arrays) convert as PIL does; ``1`` / bool -> 0 or 255.
- 16-bit (``I;16*`` and uint16 arrays): ``value / 257`` (65535 / 255 = 257), rounded.
- Wider integers (``I``, int32/int64 arrays), whose bit depth the type does not tell: values within 0..255 are
  taken as 8-bit, within 0..65535 as 16-bit (``/ 257``; 16-bit PNG and TIFF files are read as ``I`` by some
  readers), anything else (negative, or above 65535) is stretched from its own min..max to 0..255.
- Floats (``F``, float arrays): within [0, 1] -> ``* 255``; within [0, 255] -> as 8-bit values; anything else
  stretched from its own min..max. NaN or infinite pixels are an error. A constant image that falls outside all
  of these ranges becomes black (there is no range to stretch).

Arrays may be 2-D (grayscale, H x W) or 3-D with 1, 3 or 4 channels last or first (last wins when both axes
could be channels); a 4th (alpha) channel is dropped, as ``convert("RGB")`` does.

Shipped to the Hub beside processing_structure_clip.py: it imports only torch and transformers (which brings
its own PIL conversion), never numpy or PIL directly, so it passes the remote-code import rules.
"""

from __future__ import annotations

import torch
from transformers.image_transforms import to_pil_image


# PIL modes whose pixels are 8-bit (or 1-bit) per channel: PIL's own conversion is exact for them.
EIGHT_BIT_MODES = {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"}
SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N"}


def to_rgb(image):
    """An 8-bit RGB ``PIL.Image`` from a PIL image of any mode, or a 2-D / 3-D numpy array or torch tensor.

    Raises ValueError for an empty (0-pixel) image, non-finite float pixels or an unsupported array shape, and
    TypeError for anything that is neither a PIL image nor an array."""
    if _is_pil_image(image):
        return _pil_to_rgb(image)
    if hasattr(image, "shape") and hasattr(image, "dtype"):
        return _array_to_rgb(image)
    raise TypeError(
        f"Expected a PIL image, a numpy array or a torch tensor, got {type(image).__name__}. Open image files "
        "with PIL.Image.open(path) first."
    )


def _is_pil_image(image) -> bool:
    return all(hasattr(image, name) for name in ("mode", "size", "convert", "tobytes"))


def _pil_to_rgb(image):
    width, height = image.size
    if width == 0 or height == 0:
        raise ValueError(f"The image is empty ({width}x{height} pixels); every image needs at least one pixel.")
    if image.mode == "RGB":
        return image
    if image.mode in EIGHT_BIT_MODES:
        return image.convert("RGB")
    if image.mode in SIXTEEN_BIT_MODES or image.mode == "I":
        # convert("I") is exact for every 16-bit byte order; its raw bytes are native-endian int32.
        values = torch.frombuffer(bytearray(image.convert("I").tobytes()), dtype=torch.int32)
        gray = _scale_to_uint8(values, sixteen_bit=image.mode in SIXTEEN_BIT_MODES)
    elif image.mode == "F":
        gray = _scale_to_uint8(torch.frombuffer(bytearray(image.tobytes()), dtype=torch.float32), sixteen_bit=False)
    else:
        try:
            return image.convert("RGB")
        except ValueError as error:
            raise ValueError(f"Cannot convert a PIL image of mode {image.mode!r} to RGB: {error}") from error
    return _gray_to_rgb(gray.reshape(height, width))


def _array_to_rgb(array):
    if not isinstance(array, torch.Tensor):
        if getattr(array.dtype, "isnative", True) is False:  # big-endian numpy data: torch reads native only
            array = array.astype(array.dtype.newbyteorder("="))
        array = torch.as_tensor(array)
    array = array.detach().cpu()
    if array.dim() not in (2, 3) or 0 in array.shape:
        raise ValueError(
            f"An image array must be 2-D (grayscale H x W) or 3-D (H x W x C or C x H x W, C = 1, 3 or 4) with at "
            f"least one pixel; got shape {tuple(array.shape)}."
        )
    if array.dim() == 3:
        array = _channels_last(array)
    scaled = _scale_to_uint8(array, sixteen_bit=array.dtype == torch.uint16)
    if scaled.dim() == 2 or scaled.shape[-1] == 1:
        return _gray_to_rgb(scaled.reshape(scaled.shape[0], scaled.shape[1]))
    return to_pil_image(scaled[..., :3].contiguous().numpy(), input_data_format="channels_last")


def _channels_last(array: torch.Tensor) -> torch.Tensor:
    if array.shape[-1] in (1, 3, 4):
        return array
    if array.shape[0] in (1, 3, 4):
        return array.permute(1, 2, 0)
    raise ValueError(
        f"Cannot tell the channel axis of an image array of shape {tuple(array.shape)}: one of the "
        "first or last axis must have 1, 3 or 4 channels."
    )


def _gray_to_rgb(gray: torch.Tensor):
    return to_pil_image(gray[..., None].expand(*gray.shape, 3).contiguous().numpy(), input_data_format="channels_last")


def _scale_to_uint8(values: torch.Tensor, sixteen_bit: bool) -> torch.Tensor:
    """Pixel values -> uint8 by the rules in the module docstring."""
    if values.dtype == torch.uint8:
        return values
    if values.dtype == torch.bool:
        return values.to(torch.uint8) * 255
    is_float = values.is_floating_point()
    values = values.to(torch.float64)
    if is_float and not bool(torch.isfinite(values).all()):
        raise ValueError("The image has NaN or infinite pixel values; replace them before converting it.")
    scaled = _scale(values, float(values.min()), float(values.max()), is_float, sixteen_bit)
    return scaled.round().clamp(0, 255).to(torch.uint8)


def _scale(values: torch.Tensor, low: float, high: float, is_float: bool, sixteen_bit: bool) -> torch.Tensor:
    if sixteen_bit:
        return values / 257
    if low >= 0 and is_float and high <= 1:
        return values * 255
    if low >= 0 and high <= 255:
        return values
    if low >= 0 and not is_float and high <= 65535:
        return values / 257
    if high == low:  # a constant image outside every range above: nothing to stretch
        return torch.zeros_like(values)
    return (values - low) * (255 / (high - low))
