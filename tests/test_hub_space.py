"""The Gradio Space demo, used as a person would: exported, launched on 127.0.0.1, driven with gradio_client and
a headless Chromium.

One module-scoped fixture builds a tiny synthetic-world model, saves it as a remote-code folder, writes the
Space for that folder and runs its app.py in a subprocess in which this project's packages cannot be
imported (so the app can only use the model folder's remote code). HfApi is patched: nothing leaves the machine.
"""

import ast
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import torch
from huggingface_hub import HfApi, SpaceCard
from PIL import Image

from modeling_structure_clip import StructureCLIPModel
from processing.pipeline_structure_clip import make_structure_clip_pipeline, save_with_structure_clip_pipeline
from structure_clip.hub import export as export_to_hub
from structure_clip.hub.folder_files import list_files
from structure_clip.hub.model_card import build_model_card
from structure_clip.hub.space import GRADIO_VERSION, push_space, render_app, space_readme, write_space
from structure_clip.synthetic.world import build_synthetic_processor, tiny_synthetic_model_config
from tests.launch_support import free_port


gradio_client = pytest.importorskip("gradio_client", reason="the Space tests need the `space` extra (gradio)")

SPACE_FILES = [
    "README.md",
    "app.py",
    "examples/examples.json",
    "examples/scene_0.png",
    "examples/scene_1.png",
    "examples/scene_2.png",
    "requirements.txt",
]
APP_IMPORTS = {"gradio", "json", "os", "pathlib", "torch", "transformers"}
STARTUP_TIMEOUT_S = 180
# Runs app.py with this project's packages unimportable: everything must come from the model folder.
LAUNCHER = """
import runpy, sys

class BlockProjectPackages:
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in ("modeling_structure_clip", "processing", "structure_clip"):
            raise ModuleNotFoundError(f"{fullname} is blocked: the Space may use the model repository only", name=fullname)
        return None

sys.meta_path.insert(0, BlockProjectPackages())
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def _tiny_synthetic_model_folder(folder: Path):
    processor = build_synthetic_processor()
    torch.manual_seed(0)
    model = StructureCLIPModel(tiny_synthetic_model_config(width=32, num_hidden_layers=1, knowledge_layers=1)).eval()
    with torch.no_grad():  # noise on every weight, so that no score is trivially tied
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.05)
    save_with_structure_clip_pipeline(model, processor, folder)
    return model, processor


def _launch(app: Path, root: Path) -> tuple[subprocess.Popen, str, Path]:
    port, log = free_port(), root / "app.log"
    environment = dict(
        os.environ,
        HF_HUB_OFFLINE="1",
        HF_HOME=str(root / "hf_home"),
        GRADIO_ANALYTICS_ENABLED="False",
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    (root / "run").mkdir()  # gradio's working files land here, not in the Space folder
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", LAUNCHER, str(app)],
            cwd=root / "run",
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}/", log


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"app.py did not serve {url} within {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub_space")
    model, processor = _tiny_synthetic_model_folder(root / "model")
    files = write_space(root / "space", root / "model", model_id=str(root / "model"))
    process, url, log = _launch(root / "space" / "app.py", root)
    try:
        _wait_until_serving(process, url, log)
        client = gradio_client.Client(url, verbose=False)
        examples = json.loads((root / "space" / "examples" / "examples.json").read_text())
        yield SimpleNamespace(
            root=root,
            folder=root / "space",
            files=files,
            url=url,
            client=client,
            model=model,
            processor=processor,
            examples=examples,
            log=log,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _example_image(space, index: int = 0) -> Path:
    return space.folder / "examples" / space.examples["classification"][index][0]


def _app_constant(name: str):
    tree = ast.parse((Path(__file__).resolve().parents[1] / "structure_clip/hub/space_template/app.py").read_text())
    assignments = [node for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple)]
    for node in assignments:
        for target, value in zip(node.targets[0].elts, node.value.elts, strict=True):
            if target.id == name:
                return ast.literal_eval(value)
    raise KeyError(name)


def _in_process_scores(space, image_path: Path, captions: list[str]):
    """(fused logits, plain CLIP cosines) of one image and the captions, computed here, not by the app."""
    image = Image.open(image_path).convert("RGB")
    inputs = space.processor(text=captions, images=[image])
    with torch.no_grad():
        output = space.model(**inputs)
    plain = output.image_embeds @ output.plain_text_embeds.T
    return output.logits_per_image[0].tolist(), plain[0].tolist()


# ------------------------------------------------------------------------------------------------ the folder


def test_space_folder_has_the_app_requirements_card_and_examples(space):
    assert space.files == list_files(space.folder) == SPACE_FILES
    card = SpaceCard.load(space.folder / "README.md")
    assert card.data.sdk == "gradio" and card.data.app_file == "app.py"
    # The card names the version these tests run with.
    assert card.data.sdk_version == GRADIO_VERSION == importlib.metadata.version("gradio")
    assert card.data.models is None  # a local folder is no Hub repository
    requirements = [
        line.split("#")[0].strip() for line in (space.folder / "requirements.txt").read_text().splitlines()
    ]
    assert "torch>=2.3" in requirements and "torchvision" in requirements  # resolved together: a matching pair
    image_size = space.model.config.vision_config.image_size
    assert Image.open(_example_image(space)).size == (image_size, image_size)  # rendered at the model's resolution


def test_space_card_names_a_hub_model():
    card = SpaceCard(space_readme("someone/structure-clip"))
    assert card.data.models == ["someone/structure-clip"] and card.data.sdk_version == GRADIO_VERSION
    assert "https://huggingface.co/someone/structure-clip" in card.text


def test_app_imports_nothing_of_this_project_and_takes_its_defaults_from_the_export(space):
    source = (space.folder / "app.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported == APP_IMPORTS
    assert f"DEFAULT_MODEL_ID = {str(space.root / 'model')!r}" in source
    rendered = render_app("someone/structure-clip", revision="0123abc")
    assert "DEFAULT_MODEL_ID = 'someone/structure-clip'" in rendered and "DEFAULT_REVISION = '0123abc'" in rendered
    assert 'os.environ.get("MODEL_ID", DEFAULT_MODEL_ID)' in rendered
    compile(rendered, "app.py", "exec")


def test_comparison_examples_use_the_apps_choices(space):
    choices = _app_constant("AUTO_NEGATIVE"), _app_constant("SECOND_CAPTION")
    modes = [row[2] for row in space.examples["comparison"]]
    assert set(modes) == set(choices)


# ------------------------------------------------------------------------------------------------ the running app


def test_classification_tab_scores_and_parses_every_label(space):
    image = _example_image(space)
    labels = space.examples["classification"][0][1].split(", ") + ["a circle"]
    result, triples_table = space.client.predict(
        gradio_client.handle_file(str(image)), ", ".join(labels), api_name="/classify"
    )
    scores = {row["label"]: row["confidence"] for row in result["confidences"]}
    expected = make_structure_clip_pipeline(space.model, space.processor)(
        Image.open(image).convert("RGB"), candidate_labels=labels, hypothesis_template="{}"
    )
    assert set(scores) == set(labels)
    for prediction in expected:
        assert scores[prediction["label"]] == pytest.approx(prediction["score"], abs=1e-5)
    assert result["label"] == expected[0]["label"]
    for graph in space.processor.parse(labels[:3]):
        assert graph.triples(), graph.caption  # the world's captions all parse
        assert (
            f"| {graph.caption} | " + "<br>".join(f"({h}, {r}, {t})" for h, r, t in graph.triples()) in triples_table
        )
    assert "| a circle | _no triples" in triples_table


def test_comparison_tab_with_the_automatic_negative(space):
    image, caption = _example_image(space), space.examples["comparison"][0][1]
    verdict, details = space.client.predict(
        gradio_client.handle_file(str(image)), caption, _app_constant("AUTO_NEGATIVE"), "", api_name="/compare"
    )
    negative = space.processor.build_negatives(text=[caption]).outcomes[0].negative
    assert details["captions"] == [caption, negative.caption]
    assert details["second_caption_origin"] == f"automatic {negative.kind.replace('_', ' ')}"
    fused, plain = _in_process_scores(space, image, details["captions"])
    assert details["structure_clip_scores"] == pytest.approx(fused, abs=1e-5)
    assert details["plain_clip_scores"] == pytest.approx(plain, abs=1e-5)
    assert details["triples"] == [[list(t) for t in g.triples()] for g in space.processor.parse(details["captions"])]
    assert f"**Structure-CLIP picks caption {'A' if fused[0] > fused[1] else 'B'}**" in verdict
    assert f"plain CLIP text tower picks {'A' if plain[0] > plain[1] else 'B'}" in verdict


def test_comparison_tab_with_a_second_caption(space):
    image_name, caption, mode, second = space.examples["comparison"][1]
    assert mode == _app_constant("SECOND_CAPTION")
    verdict, details = space.client.predict(
        gradio_client.handle_file(str(space.folder / "examples" / image_name)),
        caption,
        mode,
        second,
        api_name="/compare",
    )
    assert details["captions"] == [caption, second] and details["second_caption_origin"] == "your second caption"
    fused, _ = _in_process_scores(space, space.folder / "examples" / image_name, [caption, second])
    assert details["structure_clip_scores"] == pytest.approx(fused, abs=1e-5)
    assert f"| {second} |" in verdict


@pytest.mark.parametrize(
    "api_name, inputs, message",
    [
        ("/classify", (None, "a red circle"), "Upload an image first"),
        ("/classify", ("IMAGE", " , ,"), "Enter at least one label"),
        ("/compare", (None, "a red circle", "AUTO", ""), "Upload an image first"),
        ("/compare", ("IMAGE", "  ", "AUTO", ""), "Enter a caption"),
        ("/compare", ("IMAGE", "a circle", "AUTO", ""), "No automatic negative for 'a circle'"),
        ("/compare", ("IMAGE", "a red circle", "SECOND", ""), "Enter the second caption"),
    ],
)
def test_clear_messages_for_missing_or_unusable_input(space, api_name, inputs, message):
    replacements = {
        "IMAGE": gradio_client.handle_file(str(_example_image(space))),
        "AUTO": _app_constant("AUTO_NEGATIVE"),
        "SECOND": _app_constant("SECOND_CAPTION"),
    }
    inputs = [replacements.get(value, value) if isinstance(value, str) else value for value in inputs]
    with pytest.raises(gradio_client.exceptions.AppError, match=message):
        space.client.predict(*inputs, api_name=api_name)


def test_a_caption_without_triples_is_scored_and_says_so(space):
    verdict, details = space.client.predict(
        gradio_client.handle_file(str(_example_image(space))),
        "a circle",
        _app_constant("SECOND_CAPTION"),
        "a red circle",
        api_name="/compare",
    )
    assert details["triples"] == [[], [["circle", "is", "red"]]]
    assert "| A | a circle | _no triples" in verdict


@pytest.fixture(scope="module")  # module scope like `space`, so that it is set up first (pytest: higher scopes first)
def chromium():
    """(browser, driver) paths; requested before `space`, so that a machine without them skips before the app starts."""
    pytest.importorskip("selenium.webdriver", reason="the browser test needs selenium (the `test` extra)")
    browser, driver_binary = shutil.which("chromium"), shutil.which("chromedriver")
    if browser is None or driver_binary is None:
        pytest.skip(
            "no chromium / chromedriver on PATH (Debian: apt-get install chromium chromium-driver; .ci/install)"
        )
    return browser, driver_binary


@pytest.mark.slow
def test_browser_classification_screenshot(chromium, space, tmp_path):
    """Headless Chromium: upload an image, type labels, click Classify, read the result, save a screenshot."""
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser, driver_binary = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    image, labels = _example_image(space), space.examples["classification"][0][1]
    driver = webdriver.Chrome(service=webdriver.ChromeService(driver_binary), options=options)
    try:
        driver.get(space.url)
        wait = WebDriverWait(driver, 60)
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "input[type=file]"))).send_keys(
            str(image)
        )
        driver.find_element(By.CSS_SELECTOR, "textarea").send_keys(labels)
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "img[src*='gradio_api']")))
        driver.find_element(By.XPATH, "//button[normalize-space()='Classify']").click()
        wait.until(expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "body"), "parsed triples"))
        page = driver.find_element(By.TAG_NAME, "body").text
        screenshot = tmp_path / "classification.png"
        assert driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    expected = make_structure_clip_pipeline(space.model, space.processor)(
        Image.open(image).convert("RGB"), candidate_labels=labels.split(", "), hypothesis_template="{}"
    )
    for prediction in expected:  # gr.Label shows each label with its rounded percentage
        assert f"{prediction['label']}\n{round(100 * prediction['score'])}%" in page
    assert Image.open(screenshot).size[0] >= 1000 and screenshot.stat().st_size > 10_000  # a page, not a blank


# ------------------------------------------------------------------------------------------------ push and CLI


def _patched_hub():
    commit_info = SimpleNamespace(oid="1" * 40, commit_url="https://huggingface.co/fake")
    return (
        mock.patch.object(HfApi, "create_repo", autospec=True),
        mock.patch.object(HfApi, "create_commit", autospec=True, return_value=commit_info),
    )


def test_push_space_creates_a_gradio_space_in_one_commit(space):
    patch_repo, patch_commit = _patched_hub()
    with patch_repo as create_repo, patch_commit as create_commit:
        commit = push_space(space.folder, "someone/structure-clip-demo")
    create_repo.assert_called_once()
    assert create_repo.call_args.args[1] == "someone/structure-clip-demo"
    assert {key: create_repo.call_args.kwargs[key] for key in ("repo_type", "space_sdk", "exist_ok")} == {
        "repo_type": "space",
        "space_sdk": "gradio",
        "exist_ok": True,
    }
    create_commit.assert_called_once()
    kwargs = create_commit.call_args.kwargs
    assert kwargs["repo_type"] == "space" and kwargs["repo_id"] == "someone/structure-clip-demo"
    assert sorted(operation.path_in_repo for operation in kwargs["operations"]) == SPACE_FILES
    assert commit.oid == "1" * 40


def test_push_space_refuses_a_folder_that_is_no_space(tmp_path):
    (tmp_path / "notes.txt").write_text("not a Space")
    with pytest.raises(FileNotFoundError, match="not a Space folder"):
        push_space(tmp_path, "someone/structure-clip-demo")


def test_cli_writes_the_space_for_the_pushed_model_and_pushes_it_after(space, tmp_path, monkeypatch):
    """--space/--push-space wiring; the model export itself (tested in test_hub_export.py) is replaced here."""
    calls = []

    def fake_export(model_path, output_dir, **kwargs):
        calls.append(kwargs)
        return SimpleNamespace(folder=str(output_dir), files=[], checks={}), SimpleNamespace(oid="2" * 40)

    monkeypatch.setattr(export_to_hub, "export", fake_export)
    patch_repo, patch_commit = _patched_hub()
    with patch_repo as create_repo, patch_commit as create_commit:
        export_to_hub.main(
            [
                "--model",
                str(space.root / "model"),
                "--output",
                str(space.root / "model"),
                "--push",
                "someone/structure-clip",
                "--space",
                str(tmp_path / "space"),
                "--push-space",
                "someone/structure-clip-demo",
            ]
        )
    assert calls[0]["space_id"] == "someone/structure-clip-demo" and calls[0]["push"] is True
    app = (tmp_path / "space" / "app.py").read_text()
    assert "DEFAULT_MODEL_ID = 'someone/structure-clip'" in app and f"DEFAULT_REVISION = '{'2' * 40}'" in app
    assert SpaceCard.load(tmp_path / "space" / "README.md").data.models == ["someone/structure-clip"]
    assert create_repo.call_args.kwargs["repo_type"] == "space"
    assert create_commit.call_args.kwargs["repo_id"] == "someone/structure-clip-demo"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--push-space", "someone/demo"], "--push-space needs --space"),
        (["--space", "SPACE", "--push-space", "someone/demo"], "--push-space needs the model's Hub repo id"),
    ],
)
def test_cli_refuses_an_incomplete_space_request(tmp_path, capsys, extra, message):
    extra = [str(tmp_path / "space") if value == "SPACE" else value for value in extra]
    with pytest.raises(SystemExit):
        export_to_hub.parse_args(["--model", "m", "--output", str(tmp_path / "out"), *extra])
    assert message in capsys.readouterr().err


def test_cli_refuses_a_space_folder_with_files_before_exporting(tmp_path):
    (tmp_path / "space").mkdir()
    (tmp_path / "space" / "app.py").write_text("# someone's app")
    with pytest.raises(FileExistsError, match="not an empty folder"):
        export_to_hub.main(
            [
                "--model",
                str(tmp_path / "no-model"),
                "--output",
                str(tmp_path / "out"),
                "--space",
                str(tmp_path / "space"),
            ]
        )
    assert not (tmp_path / "out").exists()


def test_help_documents_the_space_flags(capsys):
    with pytest.raises(SystemExit):
        export_to_hub.parse_args(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--space DIR" in help_text and "--push-space REPO_ID" in help_text
    assert "MODEL_ID" in help_text and "needs --space and --push or --repo-id" in help_text


def test_model_card_links_the_space_only_when_given(space):
    config = space.model.config.to_dict()
    linked = build_model_card(config, model_name="m", repo_id="someone/m", space_id="someone/m-demo").text
    assert "[someone/m-demo](https://huggingface.co/spaces/someone/m-demo) Space" in linked
    assert "huggingface.co/spaces" not in build_model_card(config, model_name="m", repo_id="someone/m").text
