"""What the shipped Python may import and touch: an allow-list checked with ``ast``.

Shipped remote code runs on every machine that loads the repository with ``trust_remote_code=True``, so its
reach is listed here name by name, taken from what the shipped files use today (``modeling_structure_clip/``,
``processing/`` and ``structure_clip/hub/endpoint_handler.py``). A shipped file passes when:

- every import names a module of ``ALLOWED_MODULES`` and, for ``from m import x``, a name that module allows;
  ``from m import *`` never passes; relative imports are ``from .sibling import x`` of a file shipped beside it;
- spaCy, thinc and threadpoolctl are imported lazily (in a function, or in a ``try`` that handles ImportError);
- every attribute read from an imported module (``os.path.isdir``, ``torch.cuda.is_available``) is allowed
  for that module, and a module object is only ever the left side of such a read: never passed, assigned or
  handed to ``getattr``/``setattr``;
- it never names ``eval``, ``exec``, ``compile``, ``__import__``, ``open``, ``globals``, ``vars``,
  ``breakpoint``, ``input``, ``__builtins__``, ``__loader__`` or ``__spec__``; ``locals()`` only in a function;
- it reads no dunder attribute but ``__init__``, ``__post_init__`` (the dataclass hook transformers' configs
  extend), ``__name__`` and ``__module__`` (directly, through
  ``getattr`` or as a string), and ``getattr``/``setattr``/``delattr``/``hasattr`` get their attribute name
  as a string literal or a plain variable, never a computed one;
- ``huggingface_hub.snapshot_download`` is only called, and only with ``local_files_only=True``.

The rules are about names, not types: a method called on an object (``model.from_pretrained(...)``) is not
checked. That is why the folder scan also requires every shipped file to be byte-identical to the package
source it is copied from; these rules keep the package sources themselves within the list.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass


ANY = None  # a module whose every attribute is allowed: it only computes, never touches files, processes or network


@dataclass(frozen=True)
class ModuleRule:
    attributes: frozenset[str] | None  # names readable from the module (submodules are their own entries); ANY
    lazy_only: bool = False  # optional dependency: must not be imported when the file is imported


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


PATH_ONLY = frozenset()  # a package bound by ``import package.sub``: only its allowed submodules may be read

# Every entry and name is used by the shipped files, and nothing more is listed
# (tests/test_hub_security_scan.py::test_every_allow_list_entry_is_used_by_the_shipped_files checks both ways).
# Modules marked ANY only compute (regular expressions, abstract base classes, hashing, pseudo-random numbers);
# the others are listed name by name because they can also reach files, processes or the network
# (os, importlib, logging's file handlers, torch.load / torch.hub, huggingface_hub's downloads).
# sentencepiece is not listed: no shipped file imports it (the tokenizers ship as tokenizer.json).
ALLOWED_MODULES: dict[str, ModuleRule] = {
    "__future__": ModuleRule(_names("annotations")),
    "collections.abc": ModuleRule(ANY),
    "contextlib": ModuleRule(_names("contextmanager", "nullcontext")),  # not contextlib.chdir
    "dataclasses": ModuleRule(_names("dataclass", "field", "fields")),
    "difflib": ModuleRule(ANY),  # string similarity (the closest valid name for a misspelt config key)
    "functools": ModuleRule(ANY),
    # the collector's thresholds only (processing/deferred_gc.py defers full collections while parsing); no
    # get_objects / get_referrers, which would reach every object in the loading process
    "gc": ModuleRule(_names("get_threshold", "set_threshold")),
    "hashlib": ModuleRule(ANY),
    "html": ModuleRule(_names("unescape")),  # character references in captions; the html package's parser stays out
    "importlib": ModuleRule(PATH_ONLY),
    # find_spec only locates a module (is a spaCy model installed?); it neither imports nor runs it.
    "importlib.util": ModuleRule(_names("find_spec")),
    "logging": ModuleRule(_names("getLogger")),
    "math": ModuleRule(ANY),
    "os": ModuleRule(_names("sep")),
    "os.path": ModuleRule(_names("expanduser", "isdir")),  # string and stat helpers: no file is opened
    "random": ModuleRule(ANY),
    "re": ModuleRule(ANY),
    "typing": ModuleRule(_names("Any")),  # not get_type_hints: it evaluates strings
    "unicodedata": ModuleRule(_names("category")),  # format characters (category Cf) in captions
    "torch": ModuleRule(
        _names(
            "FloatTensor",
            "LongTensor",
            "Tensor",
            "arange",
            "as_tensor",
            "autocast",
            "bfloat16",
            "bool",
            "cat",
            "device",
            "dtype",
            "eye",
            "finfo",
            "float16",
            "float32",
            "float64",
            "frombuffer",
            "full",
            "get_autocast_dtype",
            "inference_mode",
            "int32",
            "is_autocast_enabled",
            "isfinite",
            "isin",
            "long",
            "ones_like",
            "stack",
            "tensor",
            "uint16",
            "uint8",
            "where",
            "zeros",
            "zeros_like",
        )
    ),  # tensor maths only: not torch.load / torch.save / torch.hub / torch.ops / torch.utils
    "torch.cuda": ModuleRule(_names("is_available", "is_bf16_supported")),
    "torch.nn": ModuleRule(ANY),  # layers and parameters
    "torch.nn.functional": ModuleRule(ANY),
    "transformers": ModuleRule(
        _names(
            "AutoConfig",
            "AutoModelForSeq2SeqLM",
            "AutoModelForZeroShotImageClassification",
            "AutoTokenizer",
            "BatchFeature",
            "BertModel",
            "CLIPModel",
            "CLIPTextModel",
            "CLIPVisionModel",
            "PreTrainedConfig",
            "PreTrainedModel",
            "Siglip2Model",
            "Siglip2TextModel",
            "Siglip2VisionModel",
            "SiglipModel",
            "SiglipTextModel",
            "SiglipVisionModel",
            "ZeroShotImageClassificationPipeline",
            "__version__",
            "pipeline",
        )
    ),
    "transformers.configuration_utils": ModuleRule(_names("SubConfigSpec")),  # sub-configs resolved by model_type
    "transformers.image_transforms": ModuleRule(_names("to_pil_image")),
    "transformers.initialization": ModuleRule(ANY),  # weight initialisers
    "transformers.modeling_outputs": ModuleRule(_names("BaseModelOutputWithPooling")),
    "transformers.models.bert.modeling_bert": ModuleRule(
        _names("BertEmbeddings", "BertEncoder", "BertLayer", "BertSelfAttention")
    ),
    "transformers.pipelines": ModuleRule(_names("PIPELINE_REGISTRY")),
    "transformers.processing_utils": ModuleRule(_names("ProcessorMixin", "Unpack")),
    "transformers.utils": ModuleRule(_names("ModelOutput", "TransformersKwargs", "logging")),
    "transformers.utils.generic": ModuleRule(_names("can_return_tuple")),
    "transformers.utils.logging": ModuleRule(_names("get_logger", "tqdm")),
    "transformers.utils.output_capturing": ModuleRule(_names("capture_outputs")),
    "huggingface_hub": ModuleRule(_names("is_offline_mode", "snapshot_download")),  # not hf_hub_download
    "huggingface_hub.dataclasses": ModuleRule(_names("strict", "validated_field")),
    "spacy": ModuleRule(_names("__version__", "load"), lazy_only=True),
    "thinc.api": ModuleRule(_names("NumpyOps"), lazy_only=True),  # comes with spaCy
    "threadpoolctl": ModuleRule(_names("ThreadpoolController"), lazy_only=True),  # optional speed-up
}

# Callables that can download: allowed only as a direct call with local_files_only=True (cache look-up).
LOCAL_ONLY_CALLABLES = {"huggingface_hub.snapshot_download"}
# Builtins that run code, open files, reach the interpreter's namespaces or wait for a person.
FORBIDDEN_NAMES = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "open",
    "globals",
    "vars",
    "breakpoint",
    "input",
    "__builtins__",
    "__loader__",
    "__spec__",
}
FUNCTION_ONLY_NAMES = {"locals"}  # a function's own variables; at module level it is globals()
# Others reach globals, code objects or all classes; __version__ is a plain string (the minimum-version check).
ALLOWED_DUNDERS = {"__init__", "__post_init__", "__name__", "__module__", "__version__"}
ATTRIBUTE_BUILTINS = {"getattr", "setattr", "delattr", "hasattr"}
DUNDER = re.compile(r"__\w+__")


def scan_python_source(source: str, name: str, siblings: set[str]) -> list[str]:
    """Problems of one shipped Python file against the allow-list (empty list = allowed)."""
    return _checked(source, name, siblings).problems


def allow_list_entries_used(source: str, name: str, siblings: set[str]) -> set[str]:
    """The dotted names (``os.path.isdir``, ``transformers.utils``) through which the file passed the allow-list."""
    return _checked(source, name, siblings).used


def _checked(source: str, name: str, siblings: set[str]) -> _AllowListChecker:
    tree = ast.parse(source, filename=name)
    checker = _AllowListChecker(name, siblings, _parents(tree))
    for node, context in _walk_with_context(tree):
        checker.check(node, context)
    return checker


@dataclass(frozen=True)
class _Context:
    lazy: bool  # inside a function body or a ``try`` that handles ImportError
    in_function: bool


class _AllowListChecker:
    def __init__(self, name: str, siblings: set[str], parents: dict[ast.AST, ast.AST]):
        self.name, self.siblings, self.parents = name, siblings, parents
        self.bindings: dict[str, str] = {}  # local name -> dotted name it was imported as (module or member)
        self.problems: list[str] = []
        self.used: set[str] = set()
        self._collect_bindings()

    def refuse(self, node: ast.AST, message: str) -> None:
        self.problems.append(f"{self.name}:{getattr(node, 'lineno', 0)}: {message}")

    def _collect_bindings(self) -> None:
        """Bindings of every import in the file, wherever it sits (lazy imports bind names too)."""
        for node in self.parents:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.bindings[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                for alias in node.names:
                    self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def check(self, node: ast.AST, context: _Context) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._check_module(node, alias.name, context)
                if not alias.asname and "." in alias.name:  # binds the top-level package, which must be listed too
                    self._check_module(node, alias.name.split(".")[0], context)
        elif isinstance(node, ast.ImportFrom):
            self._check_import_from(node, context)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            self._check_name(node, context)
        elif isinstance(node, ast.Attribute) and DUNDER.fullmatch(node.attr) and node.attr not in ALLOWED_DUNDERS:
            self.refuse(node, f"reads the attribute {node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if DUNDER.fullmatch(node.value) and node.value not in ALLOWED_DUNDERS:
                self.refuse(node, f"names {node.value!r} in a string")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_BUILTINS:
            self._check_attribute_builtin(node)

    def _check_module(self, node: ast.AST, module: str, context: _Context) -> bool:
        rule = ALLOWED_MODULES.get(module)
        if rule is None:
            self.refuse(
                node, f"imports {module}, which is not in the allow-list (structure_clip/hub/python_allow_list.py)"
            )
        elif rule.lazy_only and not context.lazy:
            self.refuse(node, f"{module} must be imported lazily (function body or try/except ImportError)")
        else:
            self.used.add(module)
        return rule is not None

    def _check_import_from(self, node: ast.ImportFrom, context: _Context) -> None:
        if any(alias.name == "*" for alias in node.names):
            self.refuse(node, f"from {'.' * node.level}{node.module or ''} import * (import names one by one)")
        elif node.level:
            if node.level != 1 or not node.module or node.module not in self.siblings:
                self.refuse(
                    node,
                    f"relative import {'.' * node.level}{node.module or ''} is not a shipped flat "
                    "sibling (write `from .sibling import name`)",
                )
        elif self._check_module(node, node.module, context):
            for alias in node.names:
                self._check_member(node, node.module, alias.name)

    def _check_member(self, node: ast.AST, module: str, attribute: str) -> str | None:
        """The dotted name ``module.attribute`` if allowed (a submodule or an allowed name), else refuse."""
        dotted = f"{module}.{attribute}"
        allowed = ALLOWED_MODULES[module].attributes
        if dotted in ALLOWED_MODULES or allowed is ANY or attribute in allowed:
            self.used.add(dotted)
            return dotted
        self.refuse(node, f"uses {dotted}, which is not in the allow-list of {module}")
        return None

    def _check_name(self, node: ast.Name, context: _Context) -> None:
        if node.id in FORBIDDEN_NAMES:
            self.refuse(node, f"uses {node.id}")
        elif node.id in FUNCTION_ONLY_NAMES and not context.in_function:
            self.refuse(node, f"uses {node.id}() outside a function (there it is globals())")
        elif node.id in self.bindings:
            self._check_imported_name(node, self.bindings[node.id])

    def _check_imported_name(self, node: ast.Name, dotted: str) -> None:
        """Follow ``name.attr.attr`` through the allow-list; where it ends must be allowed to be used there."""
        outer: ast.AST = node
        while isinstance(parent := self.parents.get(outer), ast.Attribute) and dotted in ALLOWED_MODULES:
            dotted = self._check_member(parent, dotted, parent.attr)
            if dotted is None:
                return
            outer = parent
        if dotted in ALLOWED_MODULES:
            self.refuse(node, f"uses the module object {dotted} as a value (only reading its allowed attributes is)")
        elif dotted in LOCAL_ONLY_CALLABLES and not _is_local_only_call(self.parents.get(outer), outer):
            self.refuse(node, f"{dotted} may only be called, with local_files_only=True (it can download)")

    def _check_attribute_builtin(self, node: ast.Call) -> None:
        if len(node.args) < 2:
            return
        attribute = node.args[1]
        if isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
            return  # a dunder literal is refused by the string rule
        if not isinstance(attribute, ast.Name):
            self.refuse(node, f"{node.func.id}() with a computed attribute name ({ast.unparse(attribute)})")


def _is_local_only_call(parent: ast.AST | None, func: ast.AST) -> bool:
    return (
        isinstance(parent, ast.Call)
        and parent.func is func
        and any(
            keyword.arg == "local_files_only"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in parent.keywords
        )
    )


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _walk_with_context(tree: ast.AST) -> Iterator[tuple[ast.AST, _Context]]:
    """Every node with its context: lazy = in a function body or a ``try`` that handles ImportError."""

    def visit(node: ast.AST, context: _Context):
        for child in ast.iter_child_nodes(node):
            function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            lazy = (
                context.lazy
                or function
                or (isinstance(node, ast.Try) and child in node.body and _handles_import_error(node))
            )
            child_context = _Context(lazy=lazy, in_function=context.in_function or function)
            yield child, child_context
            yield from visit(child, child_context)

    yield from visit(tree, _Context(lazy=False, in_function=False))


def _handles_import_error(node: ast.Try) -> bool:
    names = set()
    for handler in node.handlers:
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names.update(getattr(exception, "id", None) for exception in types)
    return bool(names & {"ImportError", "ModuleNotFoundError"})
