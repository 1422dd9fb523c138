"""Security scan of an exported Hub folder: what may be published, checked with ``ast`` and file headers.

A folder passes when:
- weights are safetensors only (valid headers), and no file is a pickle or a torch zip archive;
- every file has an expected type (json, safetensors, py, md, txt);
- the shipped Python imports only transformers, torch, huggingface_hub, the standard library, flat siblings that are
  shipped too, and spaCy, thinc, threadpoolctl *lazily* (inside a function or a
  ``try/except ImportError``), and never calls eval/exec/compile/__import__,
  importlib.import_module, os.system/popen or torch.load, and never imports network, process or
  pickle modules.

``examples/export_to_hub.py`` refuses to verify or push a folder with any problem.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from structure_clip.hub.folder_files import list_files


WEIGHT_SUFFIXES = (".safetensors",)
ALLOWED_SUFFIXES = {".json", ".safetensors", ".py", ".md", ".txt"}
FORBIDDEN_WEIGHT_SUFFIXES = {".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".h5", ".msgpack", ".npy",
                             ".npz", ".joblib", ".onnx", ".zip"}
PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05", b"PK\x03\x04")
ALLOWED_THIRD_PARTY = {"transformers", "torch", "huggingface_hub"}  # huggingface_hub: a dependency of transformers
LAZY_ONLY_IMPORTS = {"spacy", "thinc", "threadpoolctl"}  # thinc comes with spaCy; threadpoolctl is optional
NETWORK_AND_PROCESS_MODULES = {
    "socket", "ssl", "urllib", "http", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc",
    "webbrowser", "asyncio", "subprocess", "multiprocessing", "pickle", "marshal", "shelve", "ctypes",
}
FORBIDDEN_BUILTIN_CALLS = {"eval", "exec", "compile", "__import__"}
# Attribute calls that run code or processes: importlib.import_module, os.system / os.popen,
# builtins.eval. (``model.eval()`` is the train/eval switch, so only *bare* eval() is a builtin.)
FORBIDDEN_ATTRIBUTE_CALLS = {"import_module", "system", "popen", "spawnv", "execv", "execve"}


def scan_folder(folder: str | Path) -> list[str]:
    """Problems that forbid publishing the folder (empty list = clean)."""
    folder = Path(folder)
    problems = []
    names = list_files(folder)
    if not any(name.endswith(WEIGHT_SUFFIXES) for name in names):
        problems.append("no .safetensors weights")
    for name in names:
        path = folder / name
        suffix = path.suffix.lower()
        if suffix in FORBIDDEN_WEIGHT_SUFFIXES:
            problems.append(f"{name}: {suffix} files may hold pickles; ship safetensors only")
        elif suffix not in ALLOWED_SUFFIXES:
            problems.append(f"{name}: unexpected file type")
        with path.open("rb") as handle:
            head = handle.read(4)
        if suffix != ".safetensors" and head.startswith(PICKLE_MAGIC):
            problems.append(f"{name}: looks like a pickle / torch zip archive")
        if suffix == ".safetensors":
            problems.extend(_check_safetensors(path, name))
        if suffix == ".py":
            problems.extend(scan_python_source(path.read_text(encoding="utf-8"), name, _sibling_modules(folder)))
    return problems


def _check_safetensors(path: Path, name: str) -> list[str]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            handle.keys()
    except Exception as error:  # any parse failure means this is not a valid safetensors file
        return [f"{name}: not a valid safetensors file ({error})"]
    return []


def _sibling_modules(folder: Path) -> set[str]:
    return {path.stem for path in folder.glob("*.py")}


def scan_python_source(source: str, name: str, siblings: set[str]) -> list[str]:
    """Imports limited to transformers/torch/stdlib/siblings (spaCy, thinc, threadpoolctl lazily); no eval/exec/network."""
    tree = ast.parse(source, filename=name)
    problems = []
    for node, lazy in _walk_with_laziness(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                problems.extend(_import_problems(alias.name, lazy, name, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: must be a flat sibling shipped in the same folder
                module = node.module or ""
                if not module or "." in module or module not in siblings:
                    problems.append(f"{name}:{node.lineno}: relative import {'.' * node.level}{module} is not a flat sibling")
            else:
                problems.extend(_import_problems(node.module or "", lazy, name, node.lineno))
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_BUILTIN_CALLS:
                problems.append(f"{name}:{node.lineno}: call to {node.func.id}()")
            called = getattr(node.func, "attr", None)
            if called in FORBIDDEN_ATTRIBUTE_CALLS or (
                    called in FORBIDDEN_BUILTIN_CALLS and _attribute_owner(node.func) == "builtins"):
                problems.append(f"{name}:{node.lineno}: call to {_attribute_owner(node.func)}.{called}()")
            if called == "load" and _attribute_owner(node.func) in {"torch", "pickle"}:
                problems.append(f"{name}:{node.lineno}: {_attribute_owner(node.func)}.load unpickles")
    return problems


def _attribute_owner(func: ast.AST) -> str | None:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return None


def _walk_with_laziness(tree: ast.AST):
    """Yield (node, lazy): lazy = inside a function body or a ``try`` that handles ImportError."""

    def visit(node, lazy):
        for child in ast.iter_child_nodes(node):
            child_lazy = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(node, ast.Try) and child in node.body and _handles_import_error(node):
                child_lazy = True
            yield child, child_lazy
            yield from visit(child, child_lazy)

    yield from visit(tree, False)


def _handles_import_error(node: ast.Try) -> bool:
    names = set()
    for handler in node.handlers:
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names.update(getattr(t, "id", None) for t in types)
    return bool(names & {"ImportError", "ModuleNotFoundError"})


def _import_problems(module: str, lazy: bool, name: str, lineno: int) -> list[str]:
    top = module.split(".")[0]
    if top in NETWORK_AND_PROCESS_MODULES:
        return [f"{name}:{lineno}: imports {module} (network / process / pickle access)"]
    if top in ALLOWED_THIRD_PARTY or top == "__future__":
        return []
    if top in LAZY_ONLY_IMPORTS:
        return [] if lazy else [f"{name}:{lineno}: {module} must be imported lazily (function body or try/except ImportError)"]
    if top in sys.stdlib_module_names:
        return []
    return [f"{name}:{lineno}: imports {module}, outside transformers / torch / stdlib / lazy spaCy"]

