"""Convert an original Structure-CLIP checkpoint into a `save_pretrained` folder of StructureCLIPModel.

The original training script saves a plain `torch.save` dict (docs/method.md §6):

    {"clip": <OpenAI CLIP state dict>, "transformer": <KEE state dict>, "acc": float}

- `clip` uses OpenAI's key layout (`visual.transformer.resblocks.N.attn.in_proj_weight`, ...). It is
  mapped to transformers' CLIP names exactly as transformers' `convert_clip_original_pytorch_to_hf`
  does: fused `in_proj` split into q/k/v, `ln_1/ln_2` -> `layer_norm1/2`, `c_fc/c_proj` -> `fc1/fc2`,
  and the two projection matrices transposed (OpenAI multiplies `x @ proj`, nn.Linear computes
  `x @ W.T`).
- `transformer` is the original `triple_Transformer` (model/model.py): `model.*` is a BertModel
  (model/bert.py, transformers 4.19 key names) of which only the embeddings and the 6 encoder layers
  are used; `linear.*` is the Linear(768, 512) KEE projection. `model.pooler.*` and `model.linear.*`
  (Linear(2304, 768)) never take part in the forward pass and are dropped.

Usage:

    python -m modeling_structure_clip.convert_original_structure_clip \
        --checkpoint structure_clip_best.pt --output-dir structure-clip-vit-b32

The config is inferred from tensor shapes (head counts use the OpenAI/BERT convention of 64-wide
heads), or given explicitly with --config (a config.json of StructureCLIPConfig).

This file is a flat sibling of the remote-code files (relative imports only); the Hub never runs it.
"""

from __future__ import annotations

import argparse
import logging
import pickle  # only for its UnpicklingError: torch.load(weights_only=True) raises it on foreign files
import re
from pathlib import Path

import torch

from .configuration_structure_clip import StructureCLIPConfig
from .modeling_structure_clip import StructureCLIPModel


logger = logging.getLogger(__name__)

CHECKPOINT_KEYS = ("clip", "transformer")
# Written by `torch.jit` CLIP models as plain ints; OpenAI's own `build_model` deletes them (clip/model.py).
OPENAI_CLIP_METADATA_KEYS = ("input_resolution", "context_length", "vocab_size")
# Keys of the original KEE that never take part in the forward pass (docs/method.md §6): BERT's pooler, the
# Linear(2304, 768) that the modified model/bert.py creates but does not use, and the position_ids
# buffer (always arange; our BERT embeddings rebuild it).
KEE_DEAD_KEY_PATTERN = re.compile(r"^model\.(pooler\..*|linear\.(weight|bias)|embeddings\.position_ids)$")
# Width of one attention head in every OpenAI CLIP and BERT checkpoint; head counts are not stored
# in a state dict, so they are inferred as width // 64 unless a config is given.
CONVENTIONAL_HEAD_DIM = 64

# HF-side prefixes inside StructureCLIPModel for the KEE (see modeling_structure_clip.py).
KEE_BERT_PREFIX = "knowledge_model."
KEE_PROJECTION_PREFIX = "knowledge_projection."


# ----------------------------------------------------------------------------------------------------
# 1. OpenAI CLIP -> transformers CLIP names
# ----------------------------------------------------------------------------------------------------

_RESBLOCK_RENAMES = {
    "attn.out_proj.": "self_attn.out_proj.",
    "ln_1.": "layer_norm1.",
    "ln_2.": "layer_norm2.",
    "mlp.c_fc.": "mlp.fc1.",
    "mlp.c_proj.": "mlp.fc2.",
}

_TOP_LEVEL_RENAMES = {
    "token_embedding.weight": "text_model.embeddings.token_embedding.weight",
    "positional_embedding": "text_model.embeddings.position_embedding.weight",
    "ln_final.weight": "text_model.final_layer_norm.weight",
    "ln_final.bias": "text_model.final_layer_norm.bias",
    "logit_scale": "logit_scale",
    "visual.class_embedding": "vision_model.embeddings.class_embedding",
    "visual.positional_embedding": "vision_model.embeddings.position_embedding.weight",
    "visual.conv1.weight": "vision_model.embeddings.patch_embedding.weight",
    "visual.ln_pre.weight": "vision_model.pre_layrnorm.weight",  # sic: transformers' CLIP spelling
    "visual.ln_pre.bias": "vision_model.pre_layrnorm.bias",
    "visual.ln_post.weight": "vision_model.post_layernorm.weight",
    "visual.ln_post.bias": "vision_model.post_layernorm.bias",
}

_RESBLOCK_KEY = re.compile(r"^(visual\.)?transformer\.resblocks\.(\d+)\.(.+)$")


def _convert_resblock_key(key: str, value: torch.Tensor) -> dict[str, torch.Tensor]:
    match = _RESBLOCK_KEY.match(key)
    tower = "vision_model" if match.group(1) else "text_model"
    prefix = f"{tower}.encoder.layers.{match.group(2)}."
    rest = match.group(3)
    if rest in ("attn.in_proj_weight", "attn.in_proj_bias"):
        # nn.MultiheadAttention stores q, k and v stacked along dim 0: [3 * width, ...].
        suffix = "weight" if rest.endswith("weight") else "bias"
        query, key_, value_ = value.chunk(3, dim=0)
        return {
            f"{prefix}self_attn.q_proj.{suffix}": query,
            f"{prefix}self_attn.k_proj.{suffix}": key_,
            f"{prefix}self_attn.v_proj.{suffix}": value_,
        }
    for old, new in _RESBLOCK_RENAMES.items():
        if rest.startswith(old):
            return {prefix + new + rest[len(old) :]: value}
    raise KeyError(key)


def convert_openai_clip_state_dict(clip_state_dict: dict[str, torch.Tensor]) -> tuple[dict, list[str]]:
    """Map an OpenAI CLIP (ViT) state dict to transformers CLIPModel names.

    Returns (converted, unrecognised_keys); metadata ints of jit checkpoints are ignored.
    """
    converted, unrecognised = {}, []
    for key, value in clip_state_dict.items():
        if key in OPENAI_CLIP_METADATA_KEYS:
            continue
        if key in _TOP_LEVEL_RENAMES:
            converted[_TOP_LEVEL_RENAMES[key]] = value
        elif key == "text_projection":
            # OpenAI: text_features = x @ text_projection, shape [width, embed_dim];
            # nn.Linear computes x @ W.T, so W = text_projection.T ([embed_dim, width]).
            _shape(clip_state_dict, key, "width, embed_dim", "clip")
            converted["text_projection.weight"] = value.t()
        elif key == "visual.proj":
            # Same reason as text_projection: OpenAI computes x @ proj with proj [width, embed_dim].
            _shape(clip_state_dict, key, "width, embed_dim", "clip")
            converted["visual_projection.weight"] = value.t()
        elif _RESBLOCK_KEY.match(key):
            try:
                converted.update(_convert_resblock_key(key, value))
            except KeyError:
                unrecognised.append(key)
        else:
            unrecognised.append(key)
    return converted, unrecognised


# ----------------------------------------------------------------------------------------------------
# 2. Original KEE (triple_Transformer) -> StructureCLIPModel names
# ----------------------------------------------------------------------------------------------------


def convert_kee_state_dict(kee_state_dict: dict[str, torch.Tensor]) -> tuple[dict, list[str]]:
    """Map the original KEE state dict; returns (converted, unrecognised_keys). Dead weights are dropped."""
    converted, unrecognised = {}, []
    for key, value in kee_state_dict.items():
        if KEE_DEAD_KEY_PATTERN.match(key):
            continue
        if key.startswith(("model.embeddings.", "model.encoder.layer.")):
            # Same BERT key names in transformers 4.19 and 5.x, only the prefix changes.
            converted[KEE_BERT_PREFIX + key[len("model.") :]] = value
        elif key in ("linear.weight", "linear.bias"):
            converted[KEE_PROJECTION_PREFIX + key[len("linear.") :]] = value
        else:
            unrecognised.append(key)
    return converted, unrecognised


# ----------------------------------------------------------------------------------------------------
# 3. Config inferred from shapes
# ----------------------------------------------------------------------------------------------------


def _shape(state_dict: dict, key: str, layout: str, part: str) -> tuple[int, ...]:
    """The shape of `state_dict[key]`, or a ValueError naming the key and the layout it must have.

    `layout` names the dimensions, e.g. "width, 3, patch, patch"; a tensor of another rank would otherwise fail
    as a bare "not enough values to unpack" or "tuple index out of range".
    """
    shape = tuple(state_dict[key].shape)
    rank = layout.count(",") + 1
    if len(shape) != rank:
        raise ValueError(
            f"{part}.{key} has shape {list(shape)}, expected a {rank}-D tensor [{layout}]; the "
            "checkpoint is damaged or not an original Structure-CLIP one."
        )
    return shape


def _count_layers(state_dict: dict, pattern: str) -> int:
    regex = re.compile(pattern)
    indices = {int(m.group(1)) for key in state_dict if (m := regex.match(key))}
    return max(indices) + 1 if indices else 0


def infer_config_dicts(clip_state_dict: dict, kee_state_dict: dict) -> dict:
    """Keyword arguments for StructureCLIPConfig read off tensor shapes (OpenAI's build_model does the same)."""

    def clip(key, layout):
        return _shape(clip_state_dict, key, layout, "clip")

    def kee(key, layout):
        return _shape(kee_state_dict, key, layout, "transformer")

    vision_width, _, patch_size, _ = clip("visual.conv1.weight", "width, 3, patch, patch")
    grid_size = round((clip("visual.positional_embedding", "grid * grid + 1, width")[0] - 1) ** 0.5)
    (text_width,) = clip("ln_final.weight", "width")
    vocab_size = clip("token_embedding.weight", "vocab, width")[0]
    text_config = {
        "vocab_size": vocab_size,
        "hidden_size": text_width,
        "intermediate_size": clip("transformer.resblocks.0.mlp.c_fc.weight", "intermediate, width")[0],
        "num_hidden_layers": _count_layers(clip_state_dict, r"^transformer\.resblocks\.(\d+)\."),
        "num_attention_heads": text_width // CONVENTIONAL_HEAD_DIM,
        "max_position_embeddings": clip("positional_embedding", "positions, width")[0],
        # OpenAI's BPE puts <|startoftext|> and <|endoftext|> last; pooling needs EOS = largest id.
        "bos_token_id": vocab_size - 2,
        "eos_token_id": vocab_size - 1,
    }
    vision_config = {
        "hidden_size": vision_width,
        "intermediate_size": clip("visual.transformer.resblocks.0.mlp.c_fc.weight", "intermediate, width")[0],
        "num_hidden_layers": _count_layers(clip_state_dict, r"^visual\.transformer\.resblocks\.(\d+)\."),
        "num_attention_heads": vision_width // CONVENTIONAL_HEAD_DIM,
        "image_size": grid_size * patch_size,
        "patch_size": patch_size,
    }
    word_vocab, word_width = kee("model.embeddings.word_embeddings.weight", "vocab, hidden")
    knowledge_config = {
        "vocab_size": word_vocab,
        "hidden_size": word_width,
        "num_hidden_layers": _count_layers(kee_state_dict, r"^model\.encoder\.layer\.(\d+)\."),
        "num_attention_heads": word_width // CONVENTIONAL_HEAD_DIM,
        "intermediate_size": kee("model.encoder.layer.0.intermediate.dense.weight", "intermediate, hidden")[0],
        "max_position_embeddings": kee("model.embeddings.position_embeddings.weight", "positions, hidden")[0],
        "type_vocab_size": kee("model.embeddings.token_type_embeddings.weight", "types, hidden")[0],
    }
    return {
        "text_config": text_config,
        "vision_config": vision_config,
        "knowledge_config": knowledge_config,
        "projection_dim": clip("text_projection", "width, embed_dim")[1],
    }


def infer_config(clip_state_dict: dict, kee_state_dict: dict, **overrides) -> StructureCLIPConfig:
    """StructureCLIPConfig with the original's defaults and every size read off the checkpoint.

    `overrides` go to StructureCLIPConfig; dict overrides of `text_config` / `vision_config` /
    `knowledge_config` are merged into the inferred sub-config (e.g. `knowledge_config={"num_attention_heads": 8}`).
    """
    kwargs = infer_config_dicts(clip_state_dict, kee_state_dict)
    for name, value in overrides.items():
        if name in ("text_config", "vision_config", "knowledge_config") and isinstance(value, dict):
            kwargs[name] = {**kwargs[name], **value}
        else:
            kwargs[name] = value
    return StructureCLIPConfig(**kwargs)


# ----------------------------------------------------------------------------------------------------
# 4. Loading, strict checking, saving
# ----------------------------------------------------------------------------------------------------


def load_original_checkpoint(path: str | Path) -> dict:
    """torch.load with weights_only=True (never unpickle arbitrary objects, docs/method.md §6) + format check."""
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, KeyError, EOFError, ValueError) as error:
        raise ValueError(
            f"{path} is not a torch checkpoint that loads with weights_only=True ({error!r:.200})."
        ) from error
    if not isinstance(checkpoint, dict) or any(key not in checkpoint for key in CHECKPOINT_KEYS):
        found = sorted(checkpoint) if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise ValueError(
            f"{path} is not an original Structure-CLIP checkpoint: expected a dict with keys "
            f"{list(CHECKPOINT_KEYS)} (+ 'acc'), found {found}."
        )
    for key in CHECKPOINT_KEYS:
        state = checkpoint[key]
        if not isinstance(state, dict) or not all(torch.is_tensor(value) for value in state.values()):
            raise ValueError(
                f"{path}: checkpoint[{key!r}] must be a state dict (name -> tensor), got {type(state).__name__}."
            )
        checkpoint[key] = _without_data_parallel_prefix(state)
    return checkpoint


def _without_data_parallel_prefix(state: dict) -> dict:
    """A model saved while wrapped in nn.DataParallel has every key under "module."; the weights are the same."""
    if state and all(key.startswith("module.") for key in state):
        return {key[len("module.") :]: value for key, value in state.items()}
    return state


def _format_keys(keys, limit: int = 20) -> str:
    keys = sorted(keys)
    shown = ", ".join(keys[:limit])
    return shown + (f", ... ({len(keys) - limit} more)" if len(keys) > limit else "")


def check_state_dict_matches(
    expected: dict[str, torch.Tensor], converted: dict[str, torch.Tensor], unrecognised: list[str]
) -> None:
    """Raise ValueError naming every missing / unexpected key and every shape mismatch."""
    missing = set(expected) - set(converted)
    unexpected = set(converted) - set(expected)
    mismatched = [
        f"{key}: checkpoint {tuple(converted[key].shape)} vs model {tuple(expected[key].shape)}"
        for key in sorted(set(expected) & set(converted))
        if converted[key].shape != expected[key].shape
    ]
    problems = []
    if missing:
        problems.append(f"missing from the checkpoint ({len(missing)}): {_format_keys(missing)}")
    if unexpected or unrecognised:
        extra = sorted(unexpected) + [f"<original> {key}" for key in unrecognised]
        problems.append(f"unexpected in the checkpoint ({len(extra)}): {_format_keys(extra)}")
    if mismatched:
        problems.append(f"shape mismatches ({len(mismatched)}): " + "; ".join(mismatched[:20]))
    if problems:
        raise ValueError(
            "The original checkpoint does not match StructureCLIPModel:\n  - "
            + "\n  - ".join(problems)
            + "\nIf the sizes are right but head counts differ from width // 64, pass an explicit config."
        )


def check_output_dir(output_dir: str | Path) -> None:
    """Refuse an output folder that cannot be one, before any work.

    `save_pretrained` on an existing file only logs an error and returns (transformers 5.24,
    `PreTrainedModel.save_pretrained`), so the conversion would look successful with nothing written.
    """
    path = Path(output_dir)
    blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise ValueError(
            f"--output-dir {path} cannot be a folder: {blocking} is an existing file. "
            "Pass a folder path (it is created if missing)."
        )


def convert_state_dicts(clip_state_dict: dict, kee_state_dict: dict) -> tuple[dict, list[str]]:
    clip_converted, clip_unrecognised = convert_openai_clip_state_dict(clip_state_dict)
    kee_converted, kee_unrecognised = convert_kee_state_dict(kee_state_dict)
    unrecognised = [f"clip.{k}" for k in clip_unrecognised] + [f"transformer.{k}" for k in kee_unrecognised]
    return {**clip_converted, **kee_converted}, unrecognised


def convert_original_checkpoint(
    checkpoint_path: str | Path, output_dir: str | Path | None = None, config: StructureCLIPConfig | None = None
) -> StructureCLIPModel:
    """Build StructureCLIPModel from an original checkpoint; save it to `output_dir` when given."""
    if output_dir is not None:
        check_output_dir(output_dir)
    checkpoint = load_original_checkpoint(checkpoint_path)
    clip_state_dict, kee_state_dict = checkpoint["clip"], checkpoint["transformer"]
    if config is None:
        try:
            config = infer_config(clip_state_dict, kee_state_dict)
        except KeyError as error:
            raise ValueError(
                f"{checkpoint_path}: cannot read the model sizes, the checkpoint lacks {error}. It is not a complete "
                "original Structure-CLIP checkpoint; pass --config to see every missing and unexpected key."
            ) from error
    model = StructureCLIPModel(config).eval()
    converted, unrecognised = convert_state_dicts(clip_state_dict, kee_state_dict)
    check_state_dict_matches(model.state_dict(), converted, unrecognised)
    # strict=True is now a formality: the check above already proved both key sets equal.
    model.load_state_dict({key: value.float().contiguous() for key, value in converted.items()}, strict=True)
    logger.info("converted %d tensors (original validation acc: %s)", len(converted), checkpoint.get("acc"))
    if output_dir is not None:
        model.save_pretrained(output_dir)
        logger.info("saved StructureCLIPModel to %s", output_dir)
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Convert an original Structure-CLIP checkpoint to transformers.")
    parser.add_argument("--checkpoint", required=True, help="original {'clip', 'transformer', 'acc'} .pt file")
    parser.add_argument("--output-dir", required=True, help="folder for save_pretrained")
    parser.add_argument("--config", default=None, help="optional StructureCLIPConfig config.json (else inferred)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        check_output_dir(args.output_dir)
    except ValueError as error:
        parser.error(str(error))  # exit status 2, before the checkpoint is read
    config = StructureCLIPConfig.from_pretrained(args.config) if args.config else None
    convert_original_checkpoint(args.checkpoint, args.output_dir, config=config)


if __name__ == "__main__":
    main()
