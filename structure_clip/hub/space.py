"""Export a Gradio Space that demonstrates a Structure-CLIP model, and push it to the Hub.

The Hub's serverless widgets do not run custom-code repositories; a Space does. ``write_space`` writes:

- ``app.py``: ``space_template/app.py`` with the model id (and revision) it defaults to. It loads the model
  repository through the zero-shot pipeline with ``trust_remote_code=True`` and imports nothing of this
  project, so the Space runs wherever transformers can reach the model repository;
- ``requirements.txt``: what the model's remote code needs (gradio comes with the Space's ``sdk_version``);
- ``README.md``: the Space metadata (``sdk: gradio``, ``sdk_version``, ``models``) and a short description;
- ``examples/``: scenes rendered by ``structure_clip/synthetic/world.py`` with their captions, their relation
  swaps and attribute swaps, as the example inputs of both tabs.

``push_space`` creates (or updates) the Space repository in one commit, like ``export.push_folder`` does for
the model.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
from huggingface_hub import SpaceCardData

from structure_clip.hub.folder_files import list_files


logger = logging.getLogger(__name__)

GRADIO_VERSION = (
    "6.31.0"  # the version the Space tests run with (tests/test_hub_space.py); pinned in the `space` extra
)
TEMPLATE_APP = Path(__file__).with_name("space_template") / "app.py"
SPACE_REQUIREMENTS = """\
# The model repository's remote code needs these (gradio comes with the Space's sdk_version).
torch>=2.3
torchvision  # the fast CLIP image processor; resolved with torch, so the two match
transformers>={transformers_floor},<6
{spacy_requirements}
threadpoolctl>=3
en_core_web_sm @ https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
pillow>=10
"""
# A seq2seq scene-graph parser's T5 tokenizer needs these (processing/scene_graph_seq2seq.py).
SEQ2SEQ_PARSER_REQUIREMENTS = "sentencepiece>=0.2\nprotobuf>=4\n"
HUB_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SPACE_DESCRIPTION = """
# Structure-CLIP demo

Try [`{model_id}`]({model_link}), a [Structure-CLIP](https://arxiv.org/abs/2305.06152) model, in the browser:

* **Zero-shot classification**: an image against comma-separated labels, with each label's parsed
  scene-graph triples `(head, relation, tail)`.
* **Which caption fits?**: an image, a caption and either its automatic semantic negative (a relation or
  attribute swap) or a second caption; both captions' scene graphs, their Structure-CLIP scores and the
  plain CLIP text tower's scores side by side.

Set the `MODEL_ID` variable (and `MODEL_REVISION`) of the Space to run another Structure-CLIP repository.
The example images are generated scenes of coloured shapes, not photos.
"""


def is_hub_repo_id(model_id: str) -> bool:
    """``owner/name`` that is not an existing local folder."""
    return bool(HUB_REPO_ID.match(model_id)) and not Path(model_id).exists()


def check_space_folder(space_dir: str | Path) -> Path:
    """--space must be a new or empty folder, so that the Space holds exactly the files written here."""
    space_dir = Path(space_dir)
    if space_dir.exists() and (not space_dir.is_dir() or any(space_dir.iterdir())):
        raise FileExistsError(
            f"--space {space_dir} exists and is not an empty folder; give a new folder for the Space"
        )
    return space_dir


def write_space(
    space_dir: str | Path,
    model_folder: str | Path,
    model_id: str,
    *,
    revision: str | None = None,
    num_examples: int = 3,
    seed: int = 0,
) -> list[str]:
    """Write the Space for the model saved in ``model_folder``, whose app loads ``model_id`` by default.

    ``model_folder`` (a ``save_pretrained`` folder with config.json and processor_config.json) sizes the
    example images and the requirements; ``model_id`` is a Hub repo id or a local folder path.
    """
    space_dir = check_space_folder(space_dir)
    model_folder = Path(model_folder)
    config = json.loads((model_folder / "config.json").read_text(encoding="utf-8"))
    processor_config = json.loads((model_folder / "processor_config.json").read_text(encoding="utf-8"))
    space_dir.mkdir(parents=True, exist_ok=True)
    (space_dir / "app.py").write_text(render_app(model_id, revision), encoding="utf-8")
    (space_dir / "requirements.txt").write_text(
        space_requirements(processor_config.get("scene_graph_parser", "rules")), encoding="utf-8"
    )
    (space_dir / "README.md").write_text(space_readme(model_id), encoding="utf-8")
    write_examples(space_dir / "examples", config["vision_config"], num_examples, seed)
    files = list_files(space_dir)
    logger.info("wrote the Space for %s in %s: %s", model_id, space_dir, files)
    return files


def render_app(model_id: str, revision: str | None = None) -> str:
    """The template app with the exporter's defaults; the environment can still override both."""
    source = TEMPLATE_APP.read_text(encoding="utf-8")
    for name, value in (("DEFAULT_MODEL_ID", model_id), ("DEFAULT_REVISION", revision)):
        source, count = re.subn(
            rf"^{name} = [^#\n]*", lambda _, n=name, v=value: f"{n} = {v!r}  ", source, count=1, flags=re.MULTILINE
        )
        if count != 1:
            raise RuntimeError(f"{TEMPLATE_APP} has no '{name} = ...' line to fill in")
    return source


def space_requirements(scene_graph_parser: str) -> str:
    import transformers

    major, minor = transformers.__version__.split(".")[:2]
    from processing.spacy_cpu_speed import SPACY_REQUIREMENTS  # lazy: `processing` imports torch

    requirements = SPACE_REQUIREMENTS.format(
        transformers_floor=f"{major}.{minor}", spacy_requirements="\n".join(SPACY_REQUIREMENTS)
    )
    return requirements + ("" if scene_graph_parser == "rules" else SEQ2SEQ_PARSER_REQUIREMENTS)


def space_readme(model_id: str) -> str:
    """Space metadata (https://huggingface.co/docs/hub/spaces-config-reference) and a short description."""
    on_hub = is_hub_repo_id(model_id)
    metadata = SpaceCardData(
        title="Structure-CLIP demo",
        emoji="🧩",
        colorFrom="indigo",
        colorTo="green",
        sdk="gradio",
        sdk_version=GRADIO_VERSION,
        app_file="app.py",
        pinned=False,
        license="apache-2.0",
        models=[model_id] if on_hub else None,  # `models` must name Hub repositories, never local folders
        short_description="Scene-graph-aware CLIP: classify and compare captions",
    )
    model_link = f"https://huggingface.co/{model_id}" if on_hub else model_id
    return f"---\n{metadata.to_yaml()}\n---\n" + SPACE_DESCRIPTION.format(model_id=model_id, model_link=model_link)


def example_layout(vision_config: dict) -> tuple[int, int]:
    """(grid_size, cell_px) of the example scenes.

    A model with a few large patches per side is a synthetic-world model: its scenes put one object in one
    patch (structure_clip/synthetic/world.py), so the examples must too. Any other model gets 3 x 3 cells
    spanning its input resolution; its image processor resizes them as it would a photo.
    """
    image_size, patch_size = vision_config["image_size"], vision_config["patch_size"]
    patches_per_side = image_size // patch_size
    if patches_per_side <= 4:
        return patches_per_side, patch_size
    return 3, image_size // 3


def write_examples(examples_dir: Path, vision_config: dict, num_examples: int, seed: int) -> None:
    """Rendered scenes + ``examples.json``: rows of the classification and the comparison tab's inputs."""
    from structure_clip.synthetic.world import attribute_swap, relation_swap, render_scene, sample_scene

    grid_size, cell_px = example_layout(vision_config)
    rng = np.random.default_rng(seed)
    examples_dir.mkdir()
    rows = {"classification": [], "comparison": []}
    for index in range(num_examples):
        scene = sample_scene(rng, grid_size)
        name = f"scene_{index}.png"
        render_scene(scene, grid_size, cell_px).save(examples_dir / name)
        swapped_relation, swapped_attribute = relation_swap(scene).caption(), attribute_swap(scene, rng).caption()
        rows["classification"].append([name, ", ".join([scene.caption(), swapped_relation, swapped_attribute])])
        # The first row shows the automatic negative, the others a caption the user typed.
        mode, second = (
            ("its automatic semantic negative", "") if index == 0 else ("my second caption", swapped_relation)
        )
        rows["comparison"].append([name, scene.caption(), mode, second])
    (examples_dir / "examples.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


def push_space(
    space_dir: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    token: str | None = None,
    commit_message: str | None = None,
):
    """Create (or reuse) the Gradio Space ``repo_id`` and upload every file of ``space_dir`` in one commit."""
    from huggingface_hub import CommitOperationAdd, HfApi

    space_dir = Path(space_dir)
    files = list_files(space_dir)
    if "app.py" not in files or "README.md" not in files:
        raise FileNotFoundError(
            f"{space_dir} is not a Space folder (no app.py / README.md); write it with --space first"
        )
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
    operations = [CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(space_dir / name)) for name in files]
    return api.create_commit(
        repo_id=repo_id,
        repo_type="space",
        operations=operations,
        commit_message=commit_message or "Structure-CLIP demo Space (app, requirements, examples)",
    )
