"""Config values that would break the model are refused at construction, assignment, load and save; misspelt
keys in a config.json are named; a config.json that is not a JSON object gets an error naming the file."""

import json
import logging
import math

import pytest
from huggingface_hub.errors import StrictDataclassError

from modeling_structure_clip import (
    StructureCLIPConfig,
    StructureCLIPKnowledgeConfig,
    StructureCLIPModel,
)
from tests.tiny_models import tiny_structure_clip_config


NAN, INF = math.nan, math.inf

# (field, bad value): every float field of both configs, with a non-finite and an out-of-range value.
TOP_LEVEL_BAD_VALUES = [
    ("knowledge_weight", NAN),
    ("knowledge_weight", INF),
    ("knowledge_weight", -0.1),
    ("hinge_margin", NAN),
    ("hinge_margin", -0.2),
    ("negative_margin", NAN),
    ("negative_margin", -0.1),
    ("negative_loss_weight", NAN),
    ("negative_loss_weight", -5.0),
    ("max_logit_scale", NAN),
    ("max_logit_scale", INF),
    ("max_logit_scale", -1.0),
    ("max_logit_scale", 0.0),
    ("logit_scale_init_value", NAN),
    ("logit_scale_init_value", -INF),
    ("logit_scale_init_value", 100.0),
    ("initializer_factor", NAN),
    ("initializer_factor", -1.0),
]
KNOWLEDGE_BAD_VALUES = [
    ("hidden_dropout_prob", NAN),
    ("hidden_dropout_prob", 1.5),
    ("hidden_dropout_prob", -0.1),
    ("attention_probs_dropout_prob", NAN),
    ("attention_probs_dropout_prob", 2.0),
    ("initializer_range", NAN),
    ("initializer_range", -0.02),
    ("layer_norm_eps", NAN),
    ("layer_norm_eps", 0.0),
    ("layer_norm_eps", -1e-12),
]


@pytest.mark.parametrize("field, value", TOP_LEVEL_BAD_VALUES)
def test_bad_numbers_are_refused_at_construction_and_assignment(field, value):
    with pytest.raises(StrictDataclassError, match=field):
        tiny_structure_clip_config(**{field: value})
    config = tiny_structure_clip_config()
    with pytest.raises(StrictDataclassError, match=field):
        setattr(config, field, value)


@pytest.mark.parametrize("field, value", KNOWLEDGE_BAD_VALUES)
def test_bad_knowledge_numbers_are_refused(field, value):
    with pytest.raises(StrictDataclassError, match=field):
        StructureCLIPKnowledgeConfig(**{field: value})
    with pytest.raises(StrictDataclassError, match=field):
        tiny_structure_clip_config(knowledge_config={field: value})


def test_knowledge_sizes_of_zero_are_value_errors_not_zero_division():
    with pytest.raises(StrictDataclassError, match="num_attention_heads"):
        StructureCLIPKnowledgeConfig(num_attention_heads=0)


def test_non_finite_floats_in_the_clip_sub_configs_are_refused():
    with pytest.raises(StrictDataclassError, match="vision_config.layer_norm_eps"):
        tiny_structure_clip_config(vision_config={"layer_norm_eps": NAN})


def test_boundary_values_are_accepted():
    config = tiny_structure_clip_config(
        knowledge_weight=0.0,
        hinge_margin=0.0,
        negative_loss_weight=0.0,
        logit_scale_init_value=-3.0,
        knowledge_config={"hidden_dropout_prob": 1.0},
    )
    assert config.knowledge_weight == 0.0 and config.knowledge_config.hidden_dropout_prob == 1.0


def _write_config(folder, **changes) -> None:
    config = tiny_structure_clip_config().to_dict()
    knowledge_changes = changes.pop("knowledge_config", {})
    config.update(changes)
    config["knowledge_config"].update(knowledge_changes)
    # allow_nan: Python's json writes NaN / Infinity, and transformers' own reader accepts them.
    (folder / "config.json").write_text(json.dumps(config, allow_nan=True))


@pytest.mark.parametrize(
    "changes, field",
    [
        (dict(knowledge_weight=NAN), "knowledge_weight"),
        (dict(hinge_margin={"__float__": "NaN"}), "hinge_margin"),  # transformers' encoding of special floats
        (dict(max_logit_scale=-1), "max_logit_scale"),
        (dict(knowledge_config={"layer_norm_eps": INF}), "layer_norm_eps"),
    ],
)
def test_bad_numbers_are_refused_at_load(tmp_path, changes, field):
    _write_config(tmp_path, **changes)
    with pytest.raises(StrictDataclassError, match=field):
        StructureCLIPConfig.from_pretrained(tmp_path)


def test_bad_numbers_passed_to_from_pretrained_are_refused(tmp_path):
    tiny_structure_clip_config().save_pretrained(tmp_path)
    with pytest.raises(StrictDataclassError, match="negative_loss_weight"):
        StructureCLIPConfig.from_pretrained(tmp_path, negative_loss_weight=-1.0)


def test_a_number_smuggled_past_assignment_is_caught_at_save_and_by_the_model(tmp_path):
    config = tiny_structure_clip_config()
    config.__dict__["knowledge_weight"] = NAN  # bypasses the field check, as a buggy caller could
    with pytest.raises(StrictDataclassError, match="knowledge_weight"):
        config.save_pretrained(tmp_path)
    with pytest.raises(StrictDataclassError, match="knowledge_weight"):
        StructureCLIPModel(config)


def test_misspelt_keys_are_named_with_the_closest_field(tmp_path, caplog):
    config = tiny_structure_clip_config().to_dict()
    config["knowledge_weigth"] = 0.5
    config["knowledge_config"]["hiden_dropout_prob"] = 0.3
    (tmp_path / "config.json").write_text(json.dumps(config))
    with caplog.at_level(logging.WARNING):
        loaded = StructureCLIPConfig.from_pretrained(tmp_path)
    messages = caplog.text
    assert "`knowledge_weigth`" in messages and "`knowledge_weight`" in messages
    assert "`knowledge_config.hiden_dropout_prob`" in messages and "`hidden_dropout_prob`" in messages
    assert loaded.knowledge_weight == 0.2  # the misspelt value was not used: that is what the warning is for


def test_a_saved_config_loads_without_unknown_key_warnings(tmp_path, caplog):
    tiny_structure_clip_config().save_pretrained(tmp_path)
    with caplog.at_level(logging.WARNING):
        StructureCLIPConfig.from_pretrained(tmp_path)
    assert "Unknown" not in caplog.text


@pytest.mark.parametrize("content", ["[1, 2]", '"a string"', "3"])
def test_a_config_file_that_is_not_an_object_names_the_file(tmp_path, content):
    (tmp_path / "config.json").write_text(content)
    with pytest.raises(TypeError, match=r"config\.json must hold a JSON object"):
        StructureCLIPConfig.from_pretrained(tmp_path)
    with pytest.raises(TypeError, match="dict of config fields"):
        StructureCLIPConfig.from_dict(json.loads(content))
