"""StructureCLIPModel.from_clip_pretrained: start from a CLIP checkpoint (+ a BERT for the KEE), as the original
started from openai ViT-B/32 and bert-base-uncased cut to 6 layers (docs/method.md §1).

Tiny CLIPModel / BertModel checkpoints are saved locally with every tensor randomised (so a re-initialised
tensor can never match by accident); the test then checks that every copied tensor is bit-identical and that
only the KEE projection is new.
"""

import pytest
import torch
from transformers import BertConfig, BertModel, CLIPConfig, CLIPModel

from modeling_structure_clip import StructureCLIPModel
from tests.tiny_models import (
    KNOWLEDGE_CLS_ID,
    KNOWLEDGE_PAD_ID,
    KNOWLEDGE_SEP_ID,
    random_inputs,
    tiny_text_config,
    tiny_vision_config,
)


torch.set_num_threads(1)

BERT_LAYERS = 4  # the checkpoint is deeper than the KEE, as bert-base (12) is deeper than the original KEE (6)
KEE_LAYERS = 2
# The tiny BERT vocabulary has its own special ids (a BertConfig does not record [CLS]/[SEP]).
KEE_OVERRIDES = {"num_hidden_layers": KEE_LAYERS, "cls_token_id": KNOWLEDGE_CLS_ID, "sep_token_id": KNOWLEDGE_SEP_ID}


def _randomise(model: torch.nn.Module) -> None:
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.1)


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    root = tmp_path_factory.mktemp("from_clip")
    torch.manual_seed(0)
    clip = CLIPModel(CLIPConfig(text_config=tiny_text_config(), vision_config=tiny_vision_config(), projection_dim=16))
    bert = BertModel(
        BertConfig(vocab_size=50, hidden_size=24, num_hidden_layers=BERT_LAYERS, num_attention_heads=4,
                   intermediate_size=37, max_position_embeddings=16, pad_token_id=KNOWLEDGE_PAD_ID)
    )  # fmt: skip
    _randomise(clip)
    _randomise(bert)
    clip.save_pretrained(root / "clip")
    bert.save_pretrained(root / "bert")
    return clip.eval(), bert.eval(), root / "clip", root / "bert"


@pytest.fixture(scope="module")
def structure_clip(checkpoints):
    _, _, clip_dir, bert_dir = checkpoints
    torch.manual_seed(1)
    return StructureCLIPModel.from_clip_pretrained(clip_dir, kee_init=bert_dir, knowledge_config=KEE_OVERRIDES)


def _differing(expected: dict, actual: dict, rename=lambda key: key) -> list[str]:
    return [key for key, value in expected.items() if not torch.equal(value, actual[rename(key)])]


def test_clip_weights_are_copied_exactly(checkpoints, structure_clip):
    clip = checkpoints[0]
    clip_state, state = clip.state_dict(), structure_clip.state_dict()
    assert set(clip_state) <= set(state), f"CLIP keys missing: {sorted(set(clip_state) - set(state))}"
    assert not _differing(clip_state, state), f"re-randomised CLIP tensors: {_differing(clip_state, state)}"
    assert torch.equal(structure_clip.logit_scale, clip.logit_scale)


def test_bert_embeddings_and_first_layers_are_copied_exactly(checkpoints, structure_clip):
    bert = checkpoints[1]
    state = structure_clip.state_dict()
    first_layers = tuple(f"encoder.layer.{index}." for index in range(KEE_LAYERS))
    kept = {key: value for key, value in bert.state_dict().items() if key.startswith(("embeddings.", *first_layers))}
    assert any(key.startswith(f"encoder.layer.{KEE_LAYERS - 1}.") for key in kept)
    differing = _differing(kept, state, rename=lambda key: "knowledge_model." + key)
    assert not differing, f"re-randomised BERT tensors: {differing}"
    # Nothing beyond the cut was taken.
    assert len(structure_clip.knowledge_model.encoder.layer) == KEE_LAYERS
    assert not [key for key in state if key.startswith(f"knowledge_model.encoder.layer.{KEE_LAYERS}.")]


def test_every_weight_is_accounted_for(checkpoints, structure_clip):
    """Each tensor of the new model came from CLIP, from BERT, or is the fresh KEE projection."""
    clip, bert = checkpoints[0], checkpoints[1]
    sources = set(clip.state_dict()) | {"knowledge_model." + key for key in bert.state_dict()}
    new = set(structure_clip.state_dict()) - sources
    assert new == {"knowledge_projection.weight", "knowledge_projection.bias"}, sorted(new)


def test_kee_projection_is_freshly_initialised(checkpoints, structure_clip):
    _, _, clip_dir, bert_dir = checkpoints
    weight, bias = structure_clip.knowledge_projection.weight, structure_clip.knowledge_projection.bias
    assert torch.isfinite(weight).all() and torch.isfinite(bias).all()
    # StructureCLIPPreTrainedModel._init_weights: normal with std hidden**-0.5 * initializer_factor (CLIP's projection init), zero bias.
    expected_std = structure_clip.config.knowledge_config.hidden_size**-0.5 * structure_clip.config.initializer_factor
    assert 0.5 * expected_std < weight.std().item() < 1.5 * expected_std
    assert torch.equal(bias, torch.zeros_like(bias))
    # Random, not a constant: another seed gives another projection, and the copied weights do not change.
    torch.manual_seed(2)
    other = StructureCLIPModel.from_clip_pretrained(clip_dir, kee_init=bert_dir, knowledge_config=KEE_OVERRIDES)
    assert not torch.equal(other.knowledge_projection.weight, weight)
    assert torch.equal(other.text_projection.weight, structure_clip.text_projection.weight)


def test_config_follows_the_checkpoints(checkpoints, structure_clip):
    clip, bert = checkpoints[0], checkpoints[1]
    config = structure_clip.config
    for name in ("hidden_size", "num_hidden_layers", "vocab_size", "eos_token_id"):
        assert getattr(config.text_config, name) == getattr(clip.config.text_config, name), name
    for name in ("hidden_size", "image_size", "patch_size"):
        assert getattr(config.vision_config, name) == getattr(clip.config.vision_config, name), name
    assert config.projection_dim == clip.config.projection_dim
    for name in ("vocab_size", "hidden_size", "num_attention_heads", "intermediate_size", "max_position_embeddings"):
        assert getattr(config.knowledge_config, name) == getattr(bert.config, name), name
    assert config.knowledge_config.num_hidden_layers == KEE_LAYERS


def test_model_runs_and_plain_text_equals_clip(checkpoints, structure_clip):
    """The plain text / image embeddings are CLIP's own (normalised) projections."""
    clip = checkpoints[0]
    inputs = random_inputs(3, seed=0)
    with torch.no_grad():
        outputs = structure_clip(**inputs)
        clip_text = clip.get_text_features(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        clip_image = clip.get_image_features(pixel_values=inputs["pixel_values"])
    normalize = torch.nn.functional.normalize
    torch.testing.assert_close(outputs.plain_text_embeds, normalize(clip_text.pooler_output, dim=-1))
    torch.testing.assert_close(outputs.image_embeds, normalize(clip_image.pooler_output, dim=-1))
    assert torch.isfinite(outputs.text_embeds).all()


def test_without_kee_init_only_clip_is_copied(checkpoints):
    clip, _, clip_dir, _ = checkpoints
    model = StructureCLIPModel.from_clip_pretrained(clip_dir, knowledge_config={"num_hidden_layers": KEE_LAYERS})
    assert not _differing(clip.state_dict(), model.state_dict())
    assert all(torch.isfinite(value).all() for key, value in model.state_dict().items() if key.startswith("knowledge"))


def test_too_shallow_bert_is_a_clear_error(checkpoints):
    _, _, clip_dir, bert_dir = checkpoints
    with pytest.raises(ValueError, match="layers"):
        StructureCLIPModel.from_clip_pretrained(
            clip_dir, kee_init=bert_dir, knowledge_config={**KEE_OVERRIDES, "num_hidden_layers": BERT_LAYERS + 1}
        )


def test_checkpoints_of_the_wrong_kind_are_errors_not_random_models(checkpoints):
    # transformers only warns when a BERT folder is loaded as CLIPModel (or the reverse) and returns
    # random weights; from_clip_pretrained must refuse instead.
    _, _, clip_dir, bert_dir = checkpoints
    with pytest.raises(ValueError, match="not a CLIPModel checkpoint"):
        StructureCLIPModel.from_clip_pretrained(bert_dir)
    with pytest.raises(ValueError, match="not a BERT checkpoint"):
        StructureCLIPModel.from_clip_pretrained(clip_dir, kee_init=clip_dir, knowledge_config=KEE_OVERRIDES)


def test_fields_that_come_from_the_clip_checkpoint_cannot_be_overridden(checkpoints):
    _, _, clip_dir, _ = checkpoints
    with pytest.raises(TypeError, match="projection_dim"):
        StructureCLIPModel.from_clip_pretrained(clip_dir, projection_dim=8)
