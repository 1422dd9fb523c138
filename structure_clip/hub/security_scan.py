"""Security scan of an exported Hub folder: what may be published, checked file by file.

A folder passes when:
- it holds only folders and regular files: no symlink (its target would be uploaded), fifo, socket or device;
- every file has an expected type (json, safetensors, py, md, txt, and a SigLIP tokenizer's ``spiece.model``,
  a sentencepiece protobuf that must parse as one), weights are safetensors with a valid header, and no file is
  a pickle or a torch zip archive;
- every ``.py`` file sits at the top of the folder and is byte-identical (sha256) to the package source it is
  copied from: ``modeling_structure_clip/<name>`` or ``processing/<name>`` of the installed packages (the
  remote-code files that ``save_pretrained`` copies), or ``structure_clip/hub/endpoint_handler.py`` for
  ``handler.py``;
- every ``.py`` file stays within the allow-list of ``python_allow_list.py``: imports of listed modules and
  names only (transformers, huggingface_hub, torch and the standard-library modules the shipped code uses;
  spaCy, thinc and threadpoolctl lazily; flat shipped siblings), listed attributes of those modules only, no
  dynamic import (``__import__``, ``importlib`` beyond ``find_spec``), no ``eval``/``exec``/``compile``/
  ``open``/``globals``/``vars``, no module object handed to ``getattr``/``setattr`` or passed around, and
  downloads only as cache look-ups (``snapshot_download(..., local_files_only=True)``).

``examples/export_to_hub.py`` refuses to verify or push a folder with any problem.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from structure_clip.hub.folder_files import irregular_entries, list_files
from structure_clip.hub.python_allow_list import scan_python_source


WEIGHT_SUFFIXES = (".safetensors",)
ALLOWED_SUFFIXES = {".json", ".safetensors", ".py", ".md", ".txt"}
# Files allowed by name: the sentencepiece model of a SigLIP tokenizer (transformers' SiglipTokenizer vocab_file).
SENTENCEPIECE_MODEL_NAME = "spiece.model"
FORBIDDEN_WEIGHT_SUFFIXES = {
    ".bin",
    ".pt",
    ".pth",
    ".pkl",
    ".pickle",
    ".ckpt",
    ".h5",
    ".msgpack",
    ".npy",
    ".npz",
    ".joblib",
    ".onnx",
    ".zip",
}
PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05", b"PK\x03\x04")
# The packages whose module files transformers' custom_object_save copies flat into the folder.
SHIPPED_PACKAGES = ("modeling_structure_clip", "processing")

__all__ = ["package_sources", "scan_folder", "scan_python_source"]


def scan_folder(folder: str | Path) -> list[str]:
    """Problems that forbid publishing the folder (empty list = clean)."""
    folder = Path(folder)
    irregular = irregular_entries(folder)
    if irregular:
        return irregular  # nothing else is read: a link may point anywhere
    names = list_files(folder)
    problems = [] if any(name.endswith(WEIGHT_SUFFIXES) for name in names) else ["no .safetensors weights"]
    python_names = [name for name in names if name.lower().endswith(".py")]
    sources = package_sources() if python_names else {}
    siblings = {Path(name).stem for name in python_names if "/" not in name}
    for name in names:
        problems.extend(_file_type_problems(folder / name, name))
    for name in python_names:
        problems.extend(_shipped_python_problems(folder / name, name, sources, siblings))
    return problems


def package_sources() -> dict[str, list[Path]]:
    """Shipped file name -> the installed package file(s) it may be a copy of."""
    from structure_clip.hub.export import ENDPOINT_HANDLER_SOURCE  # the file assemble_folder copies as handler.py

    sources = {"handler.py": [ENDPOINT_HANDLER_SOURCE.resolve()]}
    for package in SHIPPED_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError(
                f"the scan compares shipped files with the {package} package, which is not "
                "installed here; install this project (pip install -e .)"
            )
        for directory in spec.submodule_search_locations:
            for path in sorted(Path(directory).glob("*.py")):
                if path.name != "__init__.py":
                    sources.setdefault(path.name, []).append(path.resolve())
    return sources


def _file_type_problems(path: Path, name: str) -> list[str]:
    suffix = path.suffix.lower()
    problems = []
    if suffix in FORBIDDEN_WEIGHT_SUFFIXES:
        problems.append(f"{name}: {suffix} files may hold pickles; ship safetensors only")
    elif path.name == SENTENCEPIECE_MODEL_NAME:
        problems.extend(_check_sentencepiece(path, name))
    elif suffix not in ALLOWED_SUFFIXES:
        problems.append(f"{name}: unexpected file type")
    with path.open("rb") as handle:
        head = handle.read(4)
    if suffix != ".safetensors" and head.startswith(PICKLE_MAGIC):
        problems.append(f"{name}: looks like a pickle / torch zip archive")
    if suffix == ".safetensors":
        problems.extend(_check_safetensors(path, name))
    return problems


def _check_sentencepiece(path: Path, name: str) -> list[str]:
    """A sentencepiece model is a protobuf that sentencepiece parses without running anything."""
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor()
    try:
        processor.LoadFromSerializedProto(path.read_bytes())
    except Exception as error:  # any parse failure means this is not a sentencepiece model
        return [f"{name}: not a valid sentencepiece model ({error})"]
    return []


def _check_safetensors(path: Path, name: str) -> list[str]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            handle.keys()
    except Exception as error:  # any parse failure means this is not a valid safetensors file
        return [f"{name}: not a valid safetensors file ({error})"]
    return []


def _shipped_python_problems(path: Path, name: str, sources: dict[str, list[Path]], siblings: set[str]) -> list[str]:
    """The file must be an unchanged package source, and its text must stay within the allow-list."""
    content = path.read_bytes()
    candidates = [] if "/" in name else sources.get(name, [])
    problems = []
    if not candidates:
        problems.append(
            f"{name}: not a remote-code file of modeling_structure_clip/ or processing/ (nor handler.py); "
            "only unchanged copies of those may ship, at the top of the folder"
        )
    elif _sha256(content) not in {_sha256(source.read_bytes()) for source in candidates}:
        problems.append(
            f"{name}: differs from the package source {candidates[0]} (sha256 {_sha256(content)[:12]}); "
            "export again instead of editing the exported folder"
        )
    try:
        problems.extend(scan_python_source(content.decode("utf-8"), name, siblings))
    except (UnicodeDecodeError, SyntaxError) as error:
        problems.append(f"{name}: not readable Python source ({error})")
    return problems


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
