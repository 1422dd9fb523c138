"""The export's security scan on its own: Python probes that must be refused, the real shipped sources that
must pass, the package-source hash check and folders holding symlinks or other non-regular files.

The end-to-end side (the real exported folder passes; a folder with a pickle does not) is in test_hub_export.py.
"""

import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
import torch
from huggingface_hub import HfApi
from safetensors.torch import save_file

from structure_clip.hub.export import push_folder
from structure_clip.hub.folder_files import NotARegularFileError, folder_digest, list_files
from structure_clip.hub.python_allow_list import ALLOWED_MODULES, allow_list_entries_used
from structure_clip.hub.security_scan import package_sources, scan_folder, scan_python_source
from structure_clip.hub.verification import VerificationReport
from tests.test_hub_export import REMOTE_CODE_ENTRY_POINTS, _relative_import_closure


REPO_ROOT = Path(__file__).resolve().parents[1]
SIBLINGS = {"scene_graph"}

# Each snippet does something shipped remote code must never do: run code or processes, import outside
# the allow-list, reach a module object dynamically, read or write files, or download.
REFUSED_SOURCES = {
    "os.system": "import os\nos.system('id')\n",
    "from os import system": "from os import system\nsystem('id')\n",
    "os alias popen": "import os as o\no.popen('id')\n",
    "from os import *": "from os import *\n",
    "from torch import *": "from torch import *\n",
    "os.posix_spawn": "import os\nos.posix_spawn('/bin/sh', ['sh'], {})\n",
    "os.execv": "import os\nos.execv('/bin/sh', ['sh'])\n",
    "os.open for writing": "import os\nhandle = os.open('x', os.O_WRONLY)\n",
    "os.environ": "import os\ntoken = os.environ['HF_TOKEN']\n",
    "module as a value": "import os\nalias = os\nalias.system('id')\n",
    "append to ~/.bashrc": "import os\nopen(os.path.expanduser('~/.bashrc'), 'a').write('curl x | sh')\n",
    "open the password file": "text = open('/etc/passwd').read()\n",
    "io.open": "import io\nio.open('x', 'w')\n",
    "pathlib write": "import pathlib\npathlib.Path.home().joinpath('.bashrc').write_text('x')\n",
    "shutil": "import shutil\nshutil.rmtree('/tmp/x')\n",
    "builtins alias exec": "import builtins as b\nb.exec('x = 1')\n",
    "getattr builtins string-built": "import builtins\ngetattr(builtins, 'ev' + 'al')('1')\n",
    "getattr __builtins__": "getattr(__builtins__, 'exec')('x = 1')\n",
    "__builtins__ subscript": "__builtins__['eval']('1')\n",
    "globals()": "globals()['__builtins__']\n",
    "vars()": "vars()['__builtins__']\n",
    "module-level locals()": "locals()['__builtins__']\n",
    "function __globals__": "escape = (lambda: 0).__globals__\n",
    "getattr __globals__": "escape = getattr(len, '__globals__')\n",
    "string-built getattr name": "def f(obj):\n    return getattr(obj, '__glo' + 'bals__')\n",
    "subclasses walk": "classes = ().__class__.__base__.__subclasses__()\n",
    "eval": "x = eval('1')\n",
    "exec": "exec('x = 1')\n",
    "exec(compile())": "exec(compile('x = 1', 'f', 'exec'))\n",
    "__import__": "__import__('os').system('id')\n",
    "__loader__": "__loader__.load_module('os')\n",
    "breakpoint": "breakpoint()\n",
    "importlib.import_module": "import importlib\nimportlib.import_module('subprocess')\n",
    "from importlib import import_module": "from importlib import import_module\nimport_module('socket')\n",
    "spec_from_file_location": "import importlib.util\nspec = importlib.util.spec_from_file_location('m', '/tmp/m.py')\n",
    "importlib.__import__": "import importlib.util\nimportlib.__import__('os')\n",
    "runpy": "import runpy\nrunpy.run_path('/tmp/x.py')\n",
    "_socket": "import _socket\n",
    "socket": "import socket\n",
    "from socket import": "from socket import create_connection\n",
    "subprocess": "import subprocess\nsubprocess.run(['id'])\n",
    "multiprocessing": "import multiprocessing\n",
    "urllib": "import urllib.request\n",
    "from urllib.request": "from urllib.request import urlopen\n",
    "http.client": "import http.client\n",
    "requests": "import requests\n",
    "ctypes": "import ctypes\n",
    "pickle": "import pickle\n",
    "marshal": "import marshal\n",
    "sys.modules": "import sys\nsys.modules['os'].system('id')\n",
    "numpy": "import numpy\n",
    "torch.load": "import torch\nstate = torch.load('w.pt')\n",
    "torch.save": "import torch\ntorch.save({}, '/tmp/w.pt')\n",
    "getattr torch string-built": "import torch\nload = getattr(torch, 'lo' + 'ad')\n",
    "torch.hub.download_url_to_file": "import torch\ntorch.hub.download_url_to_file('https://x', '/tmp/x')\n",
    "torch.hub.load": "import torch\nmodel = torch.hub.load('someone/repo', 'model')\n",
    "from torch.hub import": "from torch.hub import download_url_to_file\n",
    "import torch.hub as": "import torch.hub as hub\n",
    "unlisted parent package": "import collections.abc\ncollections.OrderedDict()\n",
    "torch.ops.load_library": "import torch\ntorch.ops.load_library('x.so')\n",
    "torch cpp_extension": "from torch.utils import cpp_extension\n",
    "hf_hub_download": "from huggingface_hub import hf_hub_download\nhf_hub_download('someone/repo', 'x.py')\n",
    "huggingface_hub.hf_hub_download": "import huggingface_hub\nhuggingface_hub.hf_hub_download('someone/repo', 'x')\n",
    "snapshot_download online": "from huggingface_hub import snapshot_download\nsnapshot_download('someone/repo')\n",
    "snapshot_download passed on": "from huggingface_hub import snapshot_download\ndownload = snapshot_download\n",
    "transformers cached_file": "from transformers.utils import cached_file\n",
    "transformers dynamic modules": "from transformers.dynamic_module_utils import get_class_from_dynamic_module\n",
    "setattr on a module": "import os\nsetattr(os, 'sep', '/')\n",
    "spacy at module level": "import spacy\n",
    "relative import not shipped": "from .not_shipped import X\n",
    "relative import two levels": "from ..package import X\n",
    "relative import star": "from .scene_graph import *\n",
}


@pytest.mark.parametrize("source", REFUSED_SOURCES.values(), ids=REFUSED_SOURCES.keys())
def test_python_scan_refuses(source):
    problems = scan_python_source(source, "probe.py", siblings=SIBLINGS)
    assert problems, f"accepted:\n{source}"
    assert all(problem.startswith("probe.py:") for problem in problems), problems


@pytest.mark.parametrize(
    "source",
    [
        "def load():\n    import spacy\n    return spacy.load('x')\n",
        "try:\n    import spacy\nexcept ImportError:\n    spacy = None\n",
        "import torch\nfrom transformers import AutoTokenizer\nfrom .scene_graph import SceneGraph\nimport re, random\n",
        "model = object()\nmodel.eval()\n",
        "def ready():\n    from huggingface_hub import snapshot_download\n    return snapshot_download('x', local_files_only=True)\n",
        "import importlib.util\nfound = importlib.util.find_spec('spacy') is not None\n",
        "def forward(self, x):\n    return check(locals())\n",
        "def value(config, name):\n    return getattr(config, name)\n",
    ],
    ids=[
        "lazy spacy",
        "spacy in try/except ImportError",
        "allowed imports",
        "model.eval()",
        "local snapshot",
        "find_spec",
        "locals() in a function",
        "getattr with a variable name",
    ],
)
def test_python_scan_accepts(source):
    assert scan_python_source(source, "file.py", siblings=SIBLINGS) == []


def _shipped_files() -> dict[str, Path]:
    """Shipped name -> the package file it is copied from (export.py's handler copy + remote-code files)."""
    return {name: paths[0] for name, paths in package_sources().items()}


def _shipped_names() -> set[str]:
    """The files the export ships: the relative-import closure of the remote-code entry points, and the handler."""
    return _relative_import_closure(REMOTE_CODE_ENTRY_POINTS) | {"handler.py"}


def test_every_remote_code_source_of_the_packages_passes_the_python_scan():
    sources = _shipped_files()
    shipped = _shipped_names()
    assert {"modeling_structure_clip.py", "pipeline_structure_clip.py", "scene_graph_seq2seq.py"} <= shipped
    siblings = {Path(name).stem for name in shipped}
    for name in sorted(shipped):
        assert scan_python_source(sources[name].read_text(encoding="utf-8"), name, siblings) == [], name
    # A package file that is a tool, not remote code, is refused by the allow-list even though its hash matches.
    converter = sources["convert_original_structure_clip.py"].read_text(encoding="utf-8")
    assert scan_python_source(converter, "convert_original_structure_clip.py", siblings)


def test_every_allow_list_entry_is_used_by_the_shipped_files():
    """The allow-list is what the shipped files need, no wider: a name left over after a code change shows here."""
    sources, shipped = _shipped_files(), _shipped_names()
    siblings = {Path(name).stem for name in shipped}
    used = set()
    for name in shipped:
        used |= allow_list_entries_used(sources[name].read_text(encoding="utf-8"), name, siblings)
    for module, rule in ALLOWED_MODULES.items():
        assert module in used, f"{module} is allowed but no shipped file imports it"
        unused = {attribute for attribute in rule.attributes or () if f"{module}.{attribute}" not in used}
        assert not unused, f"{module}: {sorted(unused)} allowed but unused"


def test_package_sources_name_the_installed_package_files():
    sources = package_sources()
    assert sources["handler.py"] == [REPO_ROOT / "structure_clip" / "hub" / "endpoint_handler.py"]
    assert sources["scene_graph.py"] == [REPO_ROOT / "processing" / "scene_graph.py"]
    assert "__init__.py" not in sources


def _tiny_folder(tmp_path: Path) -> Path:
    """Weights + two shipped files, copied as the export copies them."""
    folder = tmp_path / "folder"
    folder.mkdir()
    save_file({"weight": torch.zeros(2)}, folder / "model.safetensors")
    (folder / "config.json").write_text("{}")
    sources = _shipped_files()
    shutil.copyfile(sources["handler.py"], folder / "handler.py")
    shutil.copyfile(sources["scene_graph.py"], folder / "scene_graph.py")
    return folder


def test_scan_accepts_unchanged_package_files(tmp_path):
    assert scan_folder(_tiny_folder(tmp_path)) == []


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("handler.py", "from transformers import pipeline\n", "differs from the package source"),
        ("scene_graph.py", None, "differs from the package source"),  # None: the real file plus a harmless comment
        ("helpers.py", "import json\n", "not a remote-code file"),
        ("triple_tokenizer/scene_graph.py", None, "not a remote-code file"),
    ],
)
def test_scan_refuses_python_that_is_not_the_package_source(tmp_path, name, content, problem):
    folder = _tiny_folder(tmp_path)
    if content is None:
        content = _shipped_files()["scene_graph.py"].read_text(encoding="utf-8") + "# edited\n"
    (folder / name).parent.mkdir(exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")
    problems = scan_folder(folder)
    assert any(message.startswith(name) and problem in message for message in problems), problems


# ------------------------------------------------------------------------------------------------ symlinks


def _folder_with_link(tmp_path: Path, target: str = "/etc/passwd") -> Path:
    folder = _tiny_folder(tmp_path)
    (folder / "notes.txt").symlink_to(target)
    return folder


def test_list_files_refuses_a_symlink_naming_it(tmp_path):
    folder = _folder_with_link(tmp_path)
    with pytest.raises(NotARegularFileError, match=r"notes\.txt.*symlink.*/etc/passwd"):
        list_files(folder)
    with pytest.raises(NotARegularFileError, match=r"notes\.txt"):
        folder_digest(folder)


def test_list_files_refuses_a_linked_folder_and_a_fifo(tmp_path):
    folder = _tiny_folder(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (folder / "triple_tokenizer").symlink_to(outside, target_is_directory=True)
    with pytest.raises(NotARegularFileError, match="triple_tokenizer"):
        list_files(folder)
    (folder / "triple_tokenizer").unlink()
    os.mkfifo(folder / "pipe.txt")
    with pytest.raises(NotARegularFileError, match=r"pipe\.txt.*not a regular file"):
        list_files(folder)


def test_scan_reports_a_symlink_naming_it(tmp_path):
    problems = scan_folder(_folder_with_link(tmp_path))
    assert any(message.startswith("notes.txt") and "symlink" in message for message in problems), problems


def test_push_refuses_a_symlink_added_after_verification(tmp_path):
    folder = _tiny_folder(tmp_path)
    report = VerificationReport(str(folder), folder_digest(folder), list_files(folder))
    (folder / "notes.txt").symlink_to("/etc/passwd")
    with (
        mock.patch.object(HfApi, "create_repo", autospec=True) as create_repo,
        mock.patch.object(HfApi, "create_commit", autospec=True) as create_commit,
    ):
        with pytest.raises(NotARegularFileError, match=r"notes\.txt"):
            push_folder(folder, "someone/repo", report)
    create_repo.assert_not_called()
    create_commit.assert_not_called()


def test_folder_digest_still_covers_every_regular_file(tmp_path):
    folder = _tiny_folder(tmp_path)
    before = folder_digest(folder)
    (folder / "config.json").write_text('{"a": 1}')
    assert folder_digest(folder) != before
