"""Hub export of a Structure-CLIP on SigLIP towers: the folder (with its sentencepiece tokenizer) loads in a fresh
process without this package through AutoModel, AutoProcessor and the pipeline, and the pipeline gives sigmoid
probabilities as transformers' pipeline does for SigLIP."""

import json
from types import SimpleNamespace

import pytest
import torch
from huggingface_hub import ModelCard

from modeling_structure_clip import StructureCLIPModel
from processing import SIGLIP_CAPTION_LENGTH
from processing.pipeline_structure_clip import make_structure_clip_pipeline
from structure_clip.hub import export as export_to_hub
from structure_clip.hub import verification
from structure_clip.hub.security_scan import scan_folder
from tests.hub_support import LABELS, sample_images
from tests.tiny_models import tiny_knowledge_config, tiny_structure_siglip_config
from tests.tiny_processors import make_tiny_siglip_processor


torch.set_num_threads(1)


def tiny_siglip_model_and_processor(directory, backbone: str = "siglip"):
    """A random tiny Structure-SigLIP sized for the tiny sentencepiece and BERT tokenizers, noise on every weight."""
    processor = make_tiny_siglip_processor(directory, backbone)
    tokenizer, bert = processor.tokenizer, processor.triple_tokenizer
    config = tiny_structure_siglip_config(
        backbone,
        knowledge_weight=1.0,
        text_config=dict(vocab_size=len(tokenizer), max_position_embeddings=SIGLIP_CAPTION_LENGTH,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, bos_token_id=None),
        knowledge_config=tiny_knowledge_config(vocab_size=len(bert), pad_token_id=bert.pad_token_id,
                                               cls_token_id=bert.cls_token_id, sep_token_id=bert.sep_token_id),
    )  # fmt: skip
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.05)
    return model, processor


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub_siglip")
    model, processor = tiny_siglip_model_and_processor(root / "tokenizer")
    model.save_pretrained(root / "model")
    processor.save_pretrained(root / "model")
    report, _ = export_to_hub.export(
        root / "model", root / "exported", repo_id="someone/structure-siglip-tiny", metadata_overrides={"datasets": []}
    )
    return SimpleNamespace(folder=root / "exported", report=report, model=model, processor=processor)


def test_fresh_process_loads_the_siglip_folder_as_remote_code(exported):
    differences = exported.report.checks["max_abs_difference"]
    for key in ("logits_per_image", "zero_shot_logits_per_image", "text_embeds", "image_embeds", "custom_pipeline",
                "stock_pipeline", "inputs.input_ids", "inputs.head_ids"):  # fmt: skip
        assert differences[key] <= verification.VERIFY_TOLERANCE, key
    environment = exported.report.checks["fresh_process"]
    assert environment["blocked_packages_importable"] == [] and environment["our_modules_loaded"] == []
    classes = environment["classes"]
    assert classes["AutoModel"].startswith("transformers_modules.")
    assert classes["AutoProcessor"].endswith("processing_structure_clip.StructureCLIPProcessor")
    assert classes["pipeline"].endswith("pipeline_structure_clip.StructureCLIPZeroShotImageClassificationPipeline")


def test_the_folder_ships_the_backbone_and_its_sentencepiece_tokenizer(exported):
    config = json.loads((exported.folder / "config.json").read_text())
    assert config["backbone"] == "siglip" and config["text_config"]["model_type"] == "siglip_text_model"
    assert (exported.folder / "spiece.model").is_file()
    assert json.loads((exported.folder / "processor_config.json").read_text())["pad_captions_to"] == 64
    assert "sentencepiece" in (exported.folder / "requirements.txt").read_text()
    assert scan_folder(exported.folder) == []
    (exported.folder.parent / "broken").mkdir()
    (exported.folder.parent / "broken" / "spiece.model").write_bytes(b"not a sentencepiece model")
    assert any(
        "not a valid sentencepiece model" in problem for problem in scan_folder(exported.folder.parent / "broken")
    )


def test_the_card_names_the_backbone(exported):
    card = ModelCard.load(exported.folder / "README.md")
    assert "**SigLIP** towers (`backbone = siglip`)" in card.text
    assert "sigmoid of each label" in card.text and "softmax over the candidate labels" not in card.text
    assert "siglip" in card.data.tags
    assert "openai/clip-vit-base-patch32" not in (card.data.base_model or [])


def test_pipeline_gives_sigmoid_probabilities_of_the_padded_labels(exported):
    model, processor = exported.model, exported.processor
    image = sample_images()[0]
    scores = {p["label"]: p["score"] for p in make_structure_clip_pipeline(model, processor)(
        image, candidate_labels=LABELS, hypothesis_template="{}")}  # fmt: skip
    inputs = processor(text=LABELS, images=[image], return_tensors="pt")
    assert inputs["input_ids"].shape[1] == SIGLIP_CAPTION_LENGTH
    with torch.no_grad():
        expected = model(**inputs).logits_per_image[0].sigmoid()
    for label, probability in zip(LABELS, expected.tolist(), strict=True):
        assert scores[label] == pytest.approx(probability, abs=1e-5), label
    assert abs(sum(scores.values()) - 1.0) > 1e-3  # independent probabilities, not a softmax


def test_siglip2_folder_exports_and_verifies(tmp_path):
    model, processor = tiny_siglip_model_and_processor(tmp_path / "tokenizer", backbone="siglip2")
    model.save_pretrained(tmp_path / "model")
    processor.save_pretrained(tmp_path / "model")
    report, _ = export_to_hub.export(tmp_path / "model", tmp_path / "exported", metadata_overrides={"datasets": []})
    differences = report.checks["max_abs_difference"]
    assert differences["custom_pipeline"] <= verification.VERIFY_TOLERANCE
    assert differences["inputs.spatial_shapes"] == 0 and differences["inputs.pixel_attention_mask"] == 0
