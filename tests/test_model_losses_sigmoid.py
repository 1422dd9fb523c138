"""The sigmoid loss of Structure-CLIP on SigLIP towers: SigLIP's pairwise loss with the semantic negatives as
extra text columns, labelled negative, and the same loss gathered over 2 CPU processes."""

import json
import os
import subprocess

import pytest
import torch
import torch.nn.functional as F
from huggingface_hub.errors import StrictDataclassError
from transformers import SiglipConfig, SiglipModel

from modeling_structure_clip import StructureCLIPModel, sigmoid_with_hard_negatives_loss
from tests.launch_support import torchrun_two_ranks
from tests.tiny_models import (
    random_inputs,
    tiny_siglip_text_config,
    tiny_siglip_vision_config,
    tiny_structure_clip_config,
    tiny_structure_siglip_config,
)


torch.set_num_threads(1)


def _embeddings(rows: int, seed: int = 0) -> torch.Tensor:
    return F.normalize(torch.randn(rows, 8, generator=torch.Generator().manual_seed(seed)), dim=-1)


def _pairwise_reference(images, texts, negatives, keep, scale, bias) -> float:
    """The loss written out pair by pair: each image against every caption (+1 its own) and every kept negative."""
    total = 0.0
    for i, image in enumerate(images):
        for j, text in enumerate(texts):
            label = 1.0 if i == j else -1.0
            total -= F.logsigmoid(torch.tensor(label * (scale * float(image @ text) + bias))).item()
        for negative, kept in zip(negatives, keep, strict=True):
            if kept:
                total -= F.logsigmoid(torch.tensor(-(scale * float(image @ negative) + bias))).item()
    return total / len(images)


def test_negatives_are_extra_columns_labelled_negative():
    images, texts, negatives = _embeddings(4, 0), _embeddings(4, 1), _embeddings(4, 2)
    keep = torch.tensor([1, 1, 0, 1])
    scale, bias = torch.tensor([9.0]), torch.tensor([-4.0])
    loss = sigmoid_with_hard_negatives_loss(images, texts, scale, bias, negatives, keep)["sigmoid_loss"]
    assert loss.item() == pytest.approx(_pairwise_reference(images, texts, negatives, keep, 9.0, -4.0), rel=1e-5)
    # A masked negative is no column at all; a kept one makes the loss larger (it only adds positive terms).
    without = sigmoid_with_hard_negatives_loss(images, texts, scale, bias, negatives[[0, 1, 3]])["sigmoid_loss"]
    torch.testing.assert_close(loss, without)
    assert loss > sigmoid_with_hard_negatives_loss(images, texts, scale, bias)["sigmoid_loss"]


def test_a_negative_scoring_high_costs_more():
    images, texts = _embeddings(3, 0), _embeddings(3, 1)
    scale, bias = torch.tensor([10.0]), torch.tensor([-5.0])
    like_its_image = images.clone()  # each negative equal to its own image: the hardest possible negative
    far = -images
    hard = sigmoid_with_hard_negatives_loss(images, texts, scale, bias, like_its_image)["sigmoid_loss"]
    easy = sigmoid_with_hard_negatives_loss(images, texts, scale, bias, far)["sigmoid_loss"]
    assert hard > easy + 1.0


def test_without_knowledge_or_negatives_the_loss_is_siglips(tmp_path):
    torch.manual_seed(0)
    stock = SiglipModel(SiglipConfig(text_config=tiny_siglip_text_config(), vision_config=tiny_siglip_vision_config()))
    with torch.no_grad():
        stock.logit_scale.fill_(2.0)
        stock.logit_bias.fill_(-3.0)
    stock.save_pretrained(tmp_path)
    model = StructureCLIPModel.from_backbone_pretrained(
        tmp_path, knowledge_weight=0.0, loss_recipe="sigmoid", knowledge_config={"num_hidden_layers": 1}
    )
    inputs = random_inputs(4, with_triples=True, seed=1)
    text_and_images = {name: inputs[name] for name in ("input_ids", "attention_mask", "pixel_values")}
    with torch.no_grad():
        expected = stock(**text_and_images, return_loss=True).loss
        actual = model(**inputs, return_loss=True)
    torch.testing.assert_close(actual.loss, expected, atol=1e-6, rtol=0)
    assert torch.equal(actual.sigmoid_loss, actual.loss)


@pytest.mark.parametrize("backbone", ["siglip", "siglip2"])
def test_each_term_is_named_and_trains_the_logit_bias(backbone):
    from tests.test_model_siglip_backbones import _image_inputs

    torch.manual_seed(0)
    model = StructureCLIPModel(tiny_structure_siglip_config(backbone, loss_recipe="sigmoid"))
    inputs = random_inputs(4, with_negatives=True, seed=2)
    inputs.update(_image_inputs(backbone, 4, torch.Generator().manual_seed(3)))
    outputs = model(**inputs, return_loss=True)
    assert outputs.hinge_loss is None and outputs.contrastive_loss is None and outputs.negative_loss is None
    torch.testing.assert_close(outputs.loss, outputs.sigmoid_loss)
    outputs.loss.backward()
    assert model.logit_bias.grad.abs().item() > 0 and model.logit_scale.grad.abs().item() > 0
    assert model.knowledge_projection.weight.grad.abs().sum() > 0  # the fused captions are trained


def test_the_original_recipe_runs_on_siglip_towers():
    """Hinge + margin ranking on the cosines inside the sigmoid logits (docs: losses_structure_clip.py)."""
    model = StructureCLIPModel(tiny_structure_siglip_config(loss_recipe="original"))
    outputs = model(**random_inputs(4, with_negatives=True, seed=4), return_loss=True)
    assert outputs.sigmoid_loss is None
    torch.testing.assert_close(outputs.loss, outputs.hinge_loss + outputs.negative_loss)


def test_sigmoid_recipe_needs_siglip_towers():
    with pytest.raises(StrictDataclassError, match="needs SigLIP towers"):
        tiny_structure_clip_config(loss_recipe="sigmoid")


@pytest.mark.slow
@pytest.mark.parametrize("recipe", ["sigmoid", "original"])
def test_two_processes_gather_the_loss_of_the_global_batch(tmp_path, recipe):
    """2 CPU ranks x 3 rows, embeddings all-gathered = 1 process x 6 rows: same terms, same (averaged) gradients."""
    command = torchrun_two_ranks("-m", "tests.sigmoid_loss_ddp_worker", str(tmp_path), recipe)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, ACCELERATE_USE_CPU="1", OMP_NUM_THREADS="1", PYTHONPATH=root)
    completed = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["gathered"]) == set(report["single"])
    expected_terms = {"sigmoid": {"loss", "sigmoid_loss"}, "original": {"loss", "hinge_loss", "negative_loss"}}
    assert set(report["single"]) == expected_terms[recipe]
    for name, value in report["single"].items():
        assert report["gathered"][name] == pytest.approx(value, abs=1e-5), name
    assert report["gradient_names"]
    assert report["max_gradient_difference"] <= 1e-4 * max(1.0, report["largest_gradient"])
    assert report["trained_logit_bias"] == (recipe == "sigmoid")


def test_the_evaluation_loss_of_the_global_batch_uses_the_logit_bias():
    """One process: the validation/Trainer evaluation loss equals the model's own sigmoid loss (bias included)."""
    from structure_clip.training.distributed_loss import evaluation_loss_of_global_batch

    torch.manual_seed(0)
    model = StructureCLIPModel(tiny_structure_siglip_config(loss_recipe="sigmoid")).eval()
    with torch.no_grad():
        model.logit_bias.fill_(-2.0)
        batch = random_inputs(4, with_negatives=True, seed=5)
        outputs = model(**batch, return_loss=True)
        loss, rows = evaluation_loss_of_global_batch(lambda tensor: tensor, model, batch, outputs)
    assert rows == 4
    torch.testing.assert_close(loss, outputs.loss)
