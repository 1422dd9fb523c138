"""The fast CLIP image processor when torchvision works, else the slow (PIL) one, chosen once per process.

transformers 5 calls the torchvision-backed class ``CLIPImageProcessor`` (the fast one) and the PIL one
``CLIPImageProcessorPil``. Its loaders (``AutoImageProcessor``, ``StructureCLIPProcessor.from_pretrained``) already
take torchvision whenever it is installed (``_resolve_backend`` in transformers'
``models/auto/image_processing_auto.py``). This module serves code that builds an image processor itself, and:

- imports the chosen class from its own module, so that no "falling back to CLIPImageProcessorPil" warning is
  printed (that warning comes from ``from transformers import CLIPImageProcessor`` without torchvision);
- says once, at info level, that the slow processor is in use and how to install the fast one;
- explains a torchvision that is installed but does not load (a build for another torch, e.g. PyPI's CUDA wheel
  next to a CPU torch: "operator torchvision::nms does not exist"). transformers imports torchvision as soon as it
  is installed, so its whole image stack fails then, and the only fix is a matching torchvision or none.

Not shipped to the Hub: the remote-code processor never imports it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging


logger = logging.getLogger(__name__)

NOT_INSTALLED = "torchvision is not installed"
FAST, SLOW = "torchvision", "pil"  # transformers' backend names (AutoImageProcessor.from_pretrained(backend=...))
PYTORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# torchvision's minor version is torch's + 15 from torch 2.0 / torchvision 0.15 on (PyTorch's "Domain Version
# Compatibility Matrix", pytorch/pytorch wiki "PyTorch-Versions"; e.g. 2.4.0 -> 0.19.0, 2.14.1 -> 0.29.1). Patch
# numbers do not always agree (2.0.1 -> 0.15.2), so the command pins torch as installed and lets pip pick the patch.
TORCHVISION_MINOR_OFFSET = 15


def matching_torchvision_command(torch_version: str, cpu_build: bool) -> str:
    """The pip command that installs the torchvision built for this torch and keeps this torch: pinning torch to
    the installed release makes pip fail rather than swap it (torchvision wheels require one torch release)."""
    release = torch_version.split("+")[0]
    major, minor, *_ = release.split(".") + [""]
    if major != "2" or not minor.isdigit():
        return "pip install torchvision  # the release made for your torch: pytorch/pytorch wiki 'PyTorch-Versions'"
    command = f'pip install "torch=={release}" "torchvision==0.{int(minor) + TORCHVISION_MINOR_OFFSET}.*"'
    # A CPU build of torch is only matched by PyTorch's CPU index: PyPI's torchvision is built against PyPI's torch.
    return f"{command} --index-url {PYTORCH_CPU_INDEX}" if cpu_build else command


def install_hint() -> str:
    import torch

    cpu_build = torch.version.cuda is None and getattr(torch.version, "hip", None) is None
    return matching_torchvision_command(torch.__version__, cpu_build)


@functools.cache
def torchvision_problem() -> str | None:
    """Why the fast image processor cannot run here (not installed, or installed but failing), or None."""
    if importlib.util.find_spec("torchvision") is None:
        return NOT_INSTALLED
    try:
        import torch

        functional = importlib.import_module("torchvision.transforms.v2.functional")
        functional.resize(torch.zeros(3, 4, 4, dtype=torch.uint8), [2, 2], antialias=True)  # runs a compiled op
    except Exception as error:  # RuntimeError for a build against another torch; ImportError for a partial install
        return f"torchvision is installed but fails: {type(error).__name__}: {error}"
    return None


@functools.cache
def choose_image_backend() -> str:
    """``"torchvision"`` when torchvision works here, else ``"pil"`` (logged once per process)."""
    problem = torchvision_problem()
    if problem is None:
        return FAST
    logger.info(
        "Using the slow (PIL) CLIP image processor: %s. For the fast one, install the torchvision that matches "
        "your torch: %s",
        problem,
        install_hint(),
    )
    return SLOW


def clip_image_processor_class(backend: str | None = None):
    """``CLIPImageProcessor`` (fast) or ``CLIPImageProcessorPil`` (slow); None = :func:`choose_image_backend`."""
    backend = backend or choose_image_backend()
    if backend == FAST:
        from transformers.models.clip.image_processing_clip import CLIPImageProcessor

        return CLIPImageProcessor
    if backend == SLOW:
        from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

        return CLIPImageProcessorPil
    raise ValueError(f"backend must be {FAST!r}, {SLOW!r} or None (choose here), got {backend!r}")


def clip_image_processor(backend: str | None = None, **settings):
    """A CLIP image processor with ``settings`` (size, crop_size, ...) on the fast backend when it works here."""
    return clip_image_processor_class(backend)(**settings)


def explain_torchvision_import_failure(error: BaseException) -> None:
    """Raise an ImportError that names the fix when ``error`` (from importing transformers' image code) comes from
    an installed torchvision that does not load; return quietly when torchvision is not the cause."""
    problem = torchvision_problem()
    if problem in (None, NOT_INSTALLED):
        return
    raise ImportError(
        f"transformers cannot load its image processors because {problem}. This happens when torchvision was "
        f"built for another torch (for example PyPI's torchvision next to a CPU build of torch). Install the "
        f"matching one: `{install_hint()}`, or uninstall torchvision to use the slow (PIL) image processor."
    ) from error
