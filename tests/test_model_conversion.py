"""The original-checkpoint converter (docs/method.md §6) reproduces a model exactly, and fails loudly on bad input.

The test writes its own inverse mapping (transformers names -> OpenAI CLIP / original KEE names), independent
of the converter's tables, builds an original-format `{"clip", "transformer", "acc"}` checkpoint from a tiny
StructureCLIPModel whose every parameter has been randomised, converts it back and checks that weights and
outputs are identical.
"""

import re

import pytest
import torch

from modeling_structure_clip import StructureCLIPConfig, StructureCLIPModel
from modeling_structure_clip.convert_original_structure_clip import (
    check_state_dict_matches,
    convert_original_checkpoint,
    convert_state_dicts,
    infer_config,
    infer_config_dicts,
    load_original_checkpoint,
    main,
)
from tests.tiny_models import KNOWLEDGE_CLS_ID, KNOWLEDGE_SEP_ID, random_inputs, tiny_structure_clip_config


torch.set_num_threads(1)

# Output fields that the converted model must reproduce bit for bit.
COMPARED_OUTPUTS = ("logits_per_image", "text_embeds", "image_embeds", "knowledge_embeds", "plain_text_embeds")


# ------------------------------------------------------------------------------------ inverse mapping (HF -> original)


def _openai_resblocks(hf: dict, hf_tower: str, openai_prefix: str) -> dict:
    out = {}
    layer_ids = sorted({int(m.group(1)) for k in hf if (m := re.match(rf"{hf_tower}\.encoder\.layers\.(\d+)\.", k))})
    for i in layer_ids:
        src, dst = f"{hf_tower}.encoder.layers.{i}.", f"{openai_prefix}transformer.resblocks.{i}."
        for kind in ("weight", "bias"):
            # nn.MultiheadAttention keeps q, k, v stacked in one in_proj tensor.
            out[f"{dst}attn.in_proj_{kind}"] = torch.cat(
                [hf[f"{src}self_attn.{name}_proj.{kind}"] for name in ("q", "k", "v")], dim=0
            )
            out[f"{dst}attn.out_proj.{kind}"] = hf[f"{src}self_attn.out_proj.{kind}"]
            out[f"{dst}ln_1.{kind}"] = hf[f"{src}layer_norm1.{kind}"]
            out[f"{dst}ln_2.{kind}"] = hf[f"{src}layer_norm2.{kind}"]
            out[f"{dst}mlp.c_fc.{kind}"] = hf[f"{src}mlp.fc1.{kind}"]
            out[f"{dst}mlp.c_proj.{kind}"] = hf[f"{src}mlp.fc2.{kind}"]
    return out


def to_openai_clip_state_dict(hf: dict) -> dict:
    """transformers CLIP names -> OpenAI `clip/model.py` names (ViT)."""
    out = {
        "token_embedding.weight": hf["text_model.embeddings.token_embedding.weight"],
        "positional_embedding": hf["text_model.embeddings.position_embedding.weight"],
        "ln_final.weight": hf["text_model.final_layer_norm.weight"],
        "ln_final.bias": hf["text_model.final_layer_norm.bias"],
        "text_projection": hf["text_projection.weight"].t(),  # OpenAI: x @ P, P is [width, embed_dim]
        "logit_scale": hf["logit_scale"],
        "visual.class_embedding": hf["vision_model.embeddings.class_embedding"],
        "visual.positional_embedding": hf["vision_model.embeddings.position_embedding.weight"],
        "visual.conv1.weight": hf["vision_model.embeddings.patch_embedding.weight"],
        "visual.ln_pre.weight": hf["vision_model.pre_layrnorm.weight"],
        "visual.ln_pre.bias": hf["vision_model.pre_layrnorm.bias"],
        "visual.ln_post.weight": hf["vision_model.post_layernorm.weight"],
        "visual.ln_post.bias": hf["vision_model.post_layernorm.bias"],
        "visual.proj": hf["visual_projection.weight"].t(),
    }
    out.update(_openai_resblocks(hf, "text_model", ""))
    out.update(_openai_resblocks(hf, "vision_model", "visual."))
    return {key: value.clone().contiguous() for key, value in out.items()}


def to_original_kee_state_dict(hf: dict, config) -> dict:
    """StructureCLIPModel KEE names -> the original triple_Transformer, dead weights included."""
    out = {}
    for key, value in hf.items():
        if key.startswith("knowledge_model."):
            out["model." + key[len("knowledge_model.") :]] = value
        elif key.startswith("knowledge_projection."):
            out["linear." + key[len("knowledge_projection.") :]] = value
    hidden = config.knowledge_config.hidden_size
    generator = torch.Generator().manual_seed(7)
    # Dead weights of the original (docs/method.md §6): BERT pooler and the unused Linear(3 * hidden, hidden).
    out["model.pooler.dense.weight"] = torch.randn(hidden, hidden, generator=generator)
    out["model.pooler.dense.bias"] = torch.randn(hidden, generator=generator)
    out["model.linear.weight"] = torch.randn(hidden, 3 * hidden, generator=generator)
    out["model.linear.bias"] = torch.randn(hidden, generator=generator)
    # transformers 4.19 saved BertEmbeddings.position_ids as a persistent buffer.
    out["model.embeddings.position_ids"] = torch.arange(config.knowledge_config.max_position_embeddings)[None]
    return {key: value.clone().contiguous() for key, value in out.items()}


# ------------------------------------------------------------------------------------ fixtures


def _randomised_tiny_model(config) -> StructureCLIPModel:
    """A tiny model where every tensor is distinct noise, so any swapped or transposed key changes the outputs."""
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.1)
    return model


def _save_original_checkpoint(model, path, extra_clip=None, drop=None, reshape=None) -> None:
    hf = model.state_dict()
    checkpoint = {
        "clip": to_openai_clip_state_dict(hf),
        "transformer": to_original_kee_state_dict(hf, model.config),
        "acc": 0.5,
    }
    checkpoint["clip"].update(extra_clip or {})
    for part, key in drop or ():
        del checkpoint[part][key]
    for part, key, shape in reshape or ():
        checkpoint[part][key] = torch.zeros(shape)
    torch.save(checkpoint, path)


def _assert_same_outputs(reference, converted, inputs) -> None:
    with torch.no_grad():
        expected, actual = reference(**inputs), converted(**inputs)
    for name in COMPARED_OUTPUTS:
        assert torch.equal(getattr(expected, name), getattr(actual, name)), f"{name} differs after conversion"


@pytest.fixture(scope="module")
def tiny_model():
    return _randomised_tiny_model(tiny_structure_clip_config())


# ------------------------------------------------------------------------------------ tests


def test_converted_model_reproduces_weights_and_outputs(tiny_model, tmp_path):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path)
    output_dir = tmp_path / "converted"
    convert_original_checkpoint(checkpoint_path, output_dir, config=tiny_model.config)
    converted = StructureCLIPModel.from_pretrained(output_dir).eval()

    expected_state, actual_state = tiny_model.state_dict(), converted.state_dict()
    assert set(expected_state) == set(actual_state)
    differing = [key for key in expected_state if not torch.equal(expected_state[key], actual_state[key])]
    assert not differing, f"tensors differ after conversion: {differing}"
    for with_triples in (True, False):
        _assert_same_outputs(tiny_model, converted, random_inputs(4, with_triples=with_triples, seed=3))


def test_dead_weights_and_jit_metadata_are_dropped(tiny_model, tmp_path):
    checkpoint_path = tmp_path / "original.pt"
    jit_metadata = {
        "input_resolution": torch.tensor(30), "context_length": torch.tensor(16), "vocab_size": torch.tensor(99)
    }  # fmt: skip
    _save_original_checkpoint(tiny_model, checkpoint_path, extra_clip=jit_metadata)
    original = load_original_checkpoint(checkpoint_path)
    assert "model.pooler.dense.weight" in original["transformer"] and "model.linear.weight" in original["transformer"]
    converted = convert_original_checkpoint(checkpoint_path, config=tiny_model.config)
    _assert_same_outputs(tiny_model, converted, random_inputs(3, seed=1))


# (part of the original checkpoint, original key dropped, transformers key the message must name)
MISSING_KEY_CASES = [
    ("clip", "visual.transformer.resblocks.1.mlp.c_fc.weight", "vision_model.encoder.layers.1.mlp.fc1.weight"),
    ("clip", "logit_scale", "logit_scale"),
    ("transformer", "model.encoder.layer.0.output.dense.bias", "knowledge_model.encoder.layer.0.output.dense.bias"),
    ("transformer", "linear.weight", "knowledge_projection.weight"),
]


@pytest.mark.parametrize("part, key, hf_key", MISSING_KEY_CASES)
def test_missing_key_is_named(tiny_model, tmp_path, part, key, hf_key):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path, drop=[(part, key)])
    with pytest.raises(ValueError, match="missing from the checkpoint") as error:
        convert_original_checkpoint(checkpoint_path, config=tiny_model.config)
    assert hf_key in str(error.value)


def test_wrong_shape_is_named_with_both_shapes(tiny_model, tmp_path):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path, reshape=[("transformer", "linear.weight", (7, 24))])
    with pytest.raises(ValueError, match="shape mismatches") as error:
        convert_original_checkpoint(checkpoint_path, config=tiny_model.config)
    message = str(error.value)
    assert "knowledge_projection.weight" in message and "(7, 24)" in message and "(16, 24)" in message


def test_unknown_key_is_named(tiny_model, tmp_path):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(
        tiny_model, checkpoint_path, extra_clip={"visual.attnpool.k_proj.weight": torch.zeros(2)}
    )
    with pytest.raises(ValueError, match="unexpected in the checkpoint") as error:
        convert_original_checkpoint(checkpoint_path, config=tiny_model.config)
    assert "clip.visual.attnpool.k_proj.weight" in str(error.value)


def test_not_a_structure_clip_checkpoint(tmp_path):
    checkpoint_path = tmp_path / "plain_state_dict.pt"
    torch.save({"weight": torch.zeros(2)}, checkpoint_path)
    with pytest.raises(ValueError, match="not an original Structure-CLIP checkpoint"):
        load_original_checkpoint(checkpoint_path)


def test_refuses_pickled_objects(tmp_path):
    checkpoint_path = tmp_path / "pickled.pt"
    torch.save({"clip": {}, "transformer": {}, "acc": object()}, checkpoint_path)
    with pytest.raises(Exception, match="[Ww]eights only load failed|Unsupported global"):
        load_original_checkpoint(checkpoint_path)


def test_missing_key_without_a_config_is_a_clear_error(tiny_model, tmp_path):
    # Without --config the sizes are inferred first; a missing size-bearing key must not be a bare KeyError.
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path, drop=[("clip", "ln_final.weight")])
    with pytest.raises(ValueError, match="cannot read the model sizes.*ln_final.weight"):
        convert_original_checkpoint(checkpoint_path)


def test_data_parallel_prefix_is_stripped(tiny_model, tmp_path):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path)
    checkpoint = torch.load(checkpoint_path, weights_only=True)
    checkpoint = {
        key: ({f"module.{name}": value for name, value in part.items()} if isinstance(part, dict) else part)
        for key, part in checkpoint.items()
    }
    torch.save(checkpoint, checkpoint_path)
    converted = convert_original_checkpoint(checkpoint_path, config=tiny_model.config)
    _assert_same_outputs(tiny_model, converted, random_inputs(2, seed=2))


@pytest.mark.parametrize("content", [b"not a checkpoint at all\n", b""])
def test_a_file_that_is_no_torch_checkpoint(tmp_path, content):
    checkpoint_path = tmp_path / "text.pt"
    checkpoint_path.write_bytes(content)
    with pytest.raises(ValueError, match="not a torch checkpoint"):
        load_original_checkpoint(checkpoint_path)


def test_sizes_are_inferred_from_shapes(tiny_model):
    hf = tiny_model.state_dict()
    inferred = infer_config_dicts(to_openai_clip_state_dict(hf), to_original_kee_state_dict(hf, tiny_model.config))
    config = tiny_model.config
    assert inferred["projection_dim"] == config.projection_dim
    for name in ("text_config", "vision_config", "knowledge_config"):
        sub_config = getattr(config, name)
        for field, value in inferred[name].items():
            if field != "num_attention_heads":  # not stored in a state dict; checked in the next test
                assert getattr(sub_config, field) == value, f"{name}.{field}"


def test_cli_with_inferred_config(tmp_path):
    """64-wide heads (the OpenAI / BERT convention) so the whole config can be inferred, then the CLI."""
    config = tiny_structure_clip_config(
        text_config={"hidden_size": 64, "num_attention_heads": 1},
        vision_config={"hidden_size": 64, "num_attention_heads": 1},
        knowledge_config={"hidden_size": 64, "num_attention_heads": 1},
    )
    model = _randomised_tiny_model(config)
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(model, checkpoint_path)
    original = load_original_checkpoint(checkpoint_path)
    inferred = infer_config(original["clip"], original["transformer"])
    for name in ("text_config", "vision_config", "knowledge_config"):
        assert getattr(inferred, name).num_attention_heads == 1

    # The tiny KEE vocabulary has its own [CLS]/[SEP] ids, which no state dict records: pass them via --config.
    config_dir = tmp_path / "config"
    special_ids = {"cls_token_id": KNOWLEDGE_CLS_ID, "sep_token_id": KNOWLEDGE_SEP_ID}
    infer_config(original["clip"], original["transformer"], knowledge_config=special_ids).save_pretrained(config_dir)
    main(["--checkpoint", str(checkpoint_path), "--output-dir", str(tmp_path / "out"), "--config", str(config_dir)])
    converted = StructureCLIPModel.from_pretrained(tmp_path / "out").eval()
    _assert_same_outputs(model, converted, random_inputs(3, with_triples=False, seed=2))
    _assert_same_outputs(model, converted, random_inputs(3, seed=4))


def test_real_size_checkpoint_gives_the_paper_config():
    """A ViT-B/32 + BERT-6 checkpoint (shapes only, on the meta device) infers the default config exactly."""
    default = StructureCLIPConfig()
    with torch.device("meta"):
        model = StructureCLIPModel(default)
    hf = model.state_dict()
    clip_state, kee_state = to_openai_clip_state_dict(hf), to_original_kee_state_dict(hf, default)
    inferred = infer_config(clip_state, kee_state)
    for name in ("text_config", "vision_config", "knowledge_config"):
        expected, actual = getattr(default, name).to_dict(), getattr(inferred, name).to_dict()
        differing = {key: (expected[key], actual.get(key)) for key in expected if expected[key] != actual.get(key)}
        assert not differing, f"{name}: {differing}"
    assert inferred.projection_dim == default.projection_dim == 512
    converted, unrecognised = convert_state_dicts(clip_state, kee_state)
    check_state_dict_matches(hf, converted, unrecognised)


@pytest.mark.parametrize(
    "part, key, shape, layout, config_given",
    [
        ("clip", "visual.conv1.weight", (5, 5), "[width, 3, patch, patch]", False),
        ("transformer", "model.embeddings.word_embeddings.weight", (7,), "[vocab, hidden]", False),
        ("clip", "text_projection", (2, 2, 2), "[width, embed_dim]", True),
    ],
)
def test_a_tensor_of_the_wrong_rank_is_named_with_its_expected_layout(
    tiny_model, tmp_path, part, key, shape, layout, config_given
):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path, reshape=[(part, key, shape)])
    config = tiny_model.config if config_given else None
    with pytest.raises(ValueError, match="expected a") as error:
        convert_original_checkpoint(checkpoint_path, config=config)
    assert f"{part}.{key}" in str(error.value) and layout in str(error.value)
    assert str(list(shape)) in str(error.value)


def test_an_output_dir_that_is_a_file_is_refused_before_converting(tiny_model, tmp_path, capsys):
    checkpoint_path = tmp_path / "original.pt"
    _save_original_checkpoint(tiny_model, checkpoint_path)
    occupied = tmp_path / "occupied"
    occupied.write_text("not a folder")
    # save_pretrained alone would log an error, return, and leave the conversion looking successful.
    with pytest.raises(SystemExit) as exit_info:
        main(["--checkpoint", str(checkpoint_path), "--output-dir", str(occupied)])
    assert exit_info.value.code != 0 and "is an existing file" in capsys.readouterr().err
    with pytest.raises(ValueError, match="is an existing file"):
        convert_original_checkpoint(checkpoint_path, occupied, config=tiny_model.config)
    assert occupied.read_text() == "not a folder"
