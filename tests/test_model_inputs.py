"""Bad inputs fail at the boundary with a message that names the argument, not deep inside torch."""

import pytest
import torch
from huggingface_hub.errors import StrictDataclassError

from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
from tests.tiny_models import random_inputs, tiny_structure_clip_config


@pytest.fixture(scope="module")
def model():
    return StructureCLIPModel(tiny_structure_clip_config()).eval()


@pytest.fixture
def batch(model):
    return random_inputs(4, with_negatives=True, config=model.config)


def test_triples_with_another_batch_size(model, batch):
    for name in ("head_ids", "relation_ids", "tail_ids", "triple_mask"):
        batch[name] = batch[name][:3]
    with pytest.raises(ValueError, match="batch size 3 .* have 4"):
        model(**batch)


def test_triple_tensor_of_wrong_rank(model, batch):
    batch["relation_ids"] = batch["relation_ids"][:, 0]
    with pytest.raises(ValueError, match="relation_ids.*rank 3.*got rank 2"):
        model(**batch)


@pytest.mark.parametrize("dropped", ["negative_input_ids", "input_ids"])
def test_inputs_whose_captions_are_missing_are_not_silently_ignored(model, batch, dropped):
    batch.pop(dropped)
    if dropped == "input_ids":
        for name in [key for key in batch if key.startswith("negative_")]:
            batch.pop(name)
    with pytest.raises(ValueError, match=f"given without `{dropped}`"):
        model(**batch)


def test_phrases_of_another_length_than_the_config_are_rejected(model, batch):
    for name in ("head_ids", "relation_ids", "tail_ids"):
        batch[name] = torch.nn.functional.pad(batch[name], (0, 2))  # 7 tokens on a phrase_length-5 model
    with pytest.raises(ValueError, match="config.phrase_length"):
        model(**batch)


def test_triple_mask_of_wrong_shape(model, batch):
    batch["triple_mask"] = batch["triple_mask"][:, :4]
    with pytest.raises(ValueError, match="triple_mask"):
        model(**batch)


def test_only_some_phrase_tensors(model, batch):
    del batch["tail_ids"]
    with pytest.raises(ValueError, match="missing \\['tail_ids'\\]"):
        model(**batch)


@pytest.mark.parametrize("shape", [(4, 3, 31, 31), (4, 1, 30, 30), (3, 30, 30)])
def test_pixel_values_of_wrong_shape(model, batch, shape):
    batch["pixel_values"] = torch.randn(*shape)
    with pytest.raises(ValueError, match="pixel_values.*must have shape \\[batch, 3, 30, 30\\]"):
        model(**batch)


def test_pixel_values_of_wrong_shape_in_get_image_features(model):
    with pytest.raises(ValueError, match="pixel_values"):
        model.get_image_features(pixel_values=torch.randn(2, 3, 32, 32))


def test_negatives_with_another_batch_size(model, batch):
    batch["negative_input_ids"] = batch["negative_input_ids"][:2]
    batch["negative_attention_mask"] = batch["negative_attention_mask"][:2]
    with pytest.raises(ValueError, match="one negative caption per caption"):
        model(**batch)


def test_loss_needs_one_image_per_caption(model, batch):
    batch["pixel_values"] = batch["pixel_values"][:2]
    model(**batch)  # scoring 2 images against 4 captions is fine
    with pytest.raises(ValueError, match="one image per caption"):
        model(**batch, return_loss=True)


def test_text_of_wrong_rank(model, batch):
    batch["input_ids"] = batch["input_ids"][0]
    batch["attention_mask"] = batch["attention_mask"][0]
    with pytest.raises(ValueError, match="input_ids.*\\[batch, sequence_length\\]"):
        model(**batch)


def test_nothing_to_encode(model):
    with pytest.raises(ValueError, match="input_ids.*pixel_values"):
        model()


def test_unknown_mode_names_are_rejected():
    # @strict configs raise huggingface_hub's validation errors, as transformers' own configs do.
    with pytest.raises(StrictDataclassError, match="loss_recipe"):
        StructureCLIPConfig(loss_recipe="infonce+margin")
    with pytest.raises(StrictDataclassError, match="phrase_pooling"):
        StructureCLIPConfig(knowledge_config={"phrase_pooling": "max"})


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(scale_logits="False"), "scale_logits"),  # a truthy string would have meant True
        (dict(knowledge_weight="0.2"), "knowledge_weight"),
        (dict(max_triples="6"), "max_triples"),
        (dict(knowledge_config={"hidden_size": "24"}), "hidden_size"),
        (dict(phrase_length=1), "phrase_length"),
        (dict(max_triples=0), "max_triples"),
        (dict(knowledge_weight=-1.0), "knowledge_weight"),
        (dict(projection_dim=0), "projection_dim"),
    ],
)
def test_wrong_types_and_ranges_are_rejected(overrides, field):
    with pytest.raises(StrictDataclassError, match=field):
        StructureCLIPConfig(**overrides)


def test_a_choice_changed_after_construction_is_caught_before_use(tmp_path):
    config = tiny_structure_clip_config()
    config.triple_composition = "h-r-t"
    with pytest.raises(StrictDataclassError, match="triple_composition"):
        config.save_pretrained(tmp_path)
    with pytest.raises(StrictDataclassError, match="triple_composition"):
        StructureCLIPModel(config)


def test_text_only_and_image_only_calls(model, batch):
    with torch.no_grad():
        text_only = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        image_only = model(pixel_values=batch["pixel_values"])
        features = model.get_text_features(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        images = model.get_image_features(pixel_values=batch["pixel_values"])
    assert text_only.logits_per_image is None and image_only.text_embeds is None
    torch.testing.assert_close(features.pooler_output, text_only.text_embeds)
    torch.testing.assert_close(images.pooler_output, image_only.image_embeds)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int64, torch.bool])
def test_pixel_values_that_are_not_floats_are_refused(model, batch, dtype):
    # Raw 0..255 images must go through the image processor (rescale + normalise); the model does not guess.
    batch["pixel_values"] = (batch["pixel_values"].abs() * 100).to(dtype)
    with pytest.raises(TypeError, match="pixel_values.*floating.*image processor"):
        model(**batch)
    with pytest.raises(TypeError, match="pixel_values"):
        model.get_image_features(pixel_values=batch["pixel_values"])


@pytest.mark.parametrize(
    "name, bad_id, vocabulary",
    [
        ("input_ids", 99, "text vocabulary of size 99"),
        ("input_ids", -1, "text vocabulary of size 99"),
        ("negative_input_ids", 500, "text vocabulary of size 99"),
        ("head_ids", 50, "KEE vocabulary of size 50"),
        ("relation_ids", -3, "KEE vocabulary of size 50"),
        ("tail_ids", 10_000, "KEE vocabulary of size 50"),
        ("negative_tail_ids", 50, "KEE vocabulary of size 50"),
    ],
)
def test_ids_outside_the_vocabulary_are_named(model, batch, name, bad_id, vocabulary):
    batch[name] = batch[name].clone()
    batch[name].view(-1)[1] = bad_id
    with pytest.raises(ValueError, match=f"`{name}`.*{bad_id}.*{vocabulary}"):
        model(**batch)


def test_ids_outside_the_vocabulary_in_get_text_features(model, batch):
    batch["head_ids"] = batch["head_ids"].clone()
    batch["head_ids"][0, 0, 0] = 50
    inputs = {
        name: batch[name]
        for name in ("input_ids", "attention_mask", "head_ids", "relation_ids", "tail_ids", "triple_mask")
    }
    with pytest.raises(ValueError, match="`head_ids`.*KEE vocabulary of size 50"):
        model.get_text_features(**inputs)


def test_float_ids_are_refused(model, batch):
    batch["input_ids"] = batch["input_ids"].float()
    with pytest.raises(TypeError, match="`input_ids` must hold integer token ids"):
        model(**batch)


@pytest.mark.parametrize("empty", ["captions", "images"])
def test_a_batch_of_zero_is_refused(model, batch, empty):
    if empty == "captions":
        inputs = {"input_ids": batch["input_ids"][:0], "attention_mask": batch["attention_mask"][:0]}
        name = "input_ids"
    else:
        inputs, name = {"pixel_values": batch["pixel_values"][:0]}, "pixel_values"
    with pytest.raises(ValueError, match=f"`{name}` has batch size 0"):
        model(**inputs)


@pytest.mark.parametrize(
    "name", ["triple_mask", "attention_mask", "negative_attention_mask", "negative_triple_mask", "negative_mask"]
)
def test_masks_must_be_zero_or_one(model, batch, name):
    batch[name] = batch[name].clone()
    batch[name].view(-1)[0] = 2
    with pytest.raises(ValueError, match=f"`{name}` must hold only 0 and 1"):
        model(**batch)


def test_boolean_masks_are_accepted(model, batch):
    for name in ("triple_mask", "attention_mask", "negative_mask"):
        batch[name] = batch[name].bool()
    with torch.no_grad():
        model(**batch)
