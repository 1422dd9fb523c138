"""The Accelerate configs in examples/accelerate_configs/: each one parses, turns into the launcher's environment, and
builds its plugin; the FSDP layer classes resolve on the real model; FSDP trains a few steps on 2 CPU processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.launch_support import pythonpath_with_repo_root, torchrun_two_ranks


ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "examples" / "accelerate_configs"
CONFIGS = {
    "multi_gpu_ddp.yaml": ("MULTI_GPU", 1),
    "multi_node_2_machines.yaml": ("MULTI_GPU", 2),
    "fsdp_full_shard.yaml": ("FSDP", 1),
    "deepspeed_zero2.yaml": ("DEEPSPEED", 1),
}


def launcher_args(config_name: str):
    """What `accelerate launch --config_file CONFIG script.py` resolves its arguments to, without launching."""
    from accelerate.commands.launch import _validate_launch_command, launch_command_parser

    parsed = launch_command_parser().parse_args(["--config_file", str(CONFIG_DIR / config_name), "script.py"])
    args, defaults, _ = _validate_launch_command(parsed)
    return args, defaults


def test_every_config_file_is_tested():
    assert sorted(path.name for path in CONFIG_DIR.glob("*.yaml")) == sorted(CONFIGS)


@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_config_parses_with_accelerate(config_name):
    from accelerate.commands.config.config_args import ClusterConfig

    config = ClusterConfig.from_yaml_file(CONFIG_DIR / config_name)
    expected_type, machines = CONFIGS[config_name]
    assert config.distributed_type.value == expected_type
    assert config.num_machines == machines
    assert config.num_processes % machines == 0 and config.num_processes >= 2
    assert config.mixed_precision == "bf16" and not config.use_cpu
    if machines > 1:
        assert config.main_process_ip and config.main_process_port and config.machine_rank == 0


def fsdp_environment(monkeypatch) -> None:
    from accelerate.commands.launch import prepare_multi_gpu_env

    args, _ = launcher_args("fsdp_full_shard.yaml")
    for name, value in prepare_multi_gpu_env(args).items():
        if name.startswith(("FSDP_", "ACCELERATE_")):
            monkeypatch.setenv(name, value)
    # Broadcasting rank 0's weights needs an accelerator device (accelerate's FullyShardedDataParallelPlugin
    # raises "There are currently no available devices found" on CPU); everything else is as on GPUs.
    monkeypatch.setenv("FSDP_SYNC_MODULE_STATES", "false")
    monkeypatch.setenv("FSDP_CPU_RAM_EFFICIENT_LOADING", "false")


def test_fsdp_plugin_wraps_the_clip_and_kee_layer_classes(monkeypatch):
    from accelerate.utils import FullyShardedDataParallelPlugin
    from transformers.models.bert.modeling_bert import BertLayer
    from transformers.models.clip.modeling_clip import CLIPEncoderLayer

    from tests.train_tiny_setup import make_tiny_model

    fsdp_environment(monkeypatch)
    plugin = FullyShardedDataParallelPlugin()
    assert plugin.fsdp_version == 2 and plugin.reshard_after_forward is True
    model = make_tiny_model()
    plugin.set_auto_wrap_policy(model)  # raises when a class name is not found in the model
    assert plugin.auto_wrap_policy.keywords["transformer_layer_cls"] == {CLIPEncoderLayer, BertLayer}
    layers = [module for module in model.modules() if isinstance(module, (CLIPEncoderLayer, BertLayer))]
    expected = (
        model.config.text_config.num_hidden_layers
        + model.config.vision_config.num_hidden_layers
        + model.config.knowledge_config.num_hidden_layers
    )
    assert len(layers) == expected


def test_fsdp_layer_class_names_exist_in_the_model_files():
    """The names in the YAML are the classes the towers and the KEE are built from (not only the tiny model's)."""
    from accelerate.commands.config.config_args import ClusterConfig

    from modeling_structure_clip import StructureCLIPModel

    names = (
        ClusterConfig.from_yaml_file(CONFIG_DIR / "fsdp_full_shard.yaml")
        .fsdp_config["fsdp_transformer_layer_cls_to_wrap"]
        .split(",")
    )
    assert set(names) <= set(StructureCLIPModel._no_split_modules)


def test_deepspeed_zero2_config_reaches_the_plugin(monkeypatch):
    from accelerate.commands.launch import prepare_deepspeed_cmd_env

    args, defaults = launcher_args("deepspeed_zero2.yaml")
    assert defaults.deepspeed_config["zero_stage"] == 2
    args.deepspeed_fields_from_accelerate_config = ",".join(defaults.deepspeed_config)  # as `launch_command` sets it
    _, environment = prepare_deepspeed_cmd_env(args)
    assert environment["ACCELERATE_DEEPSPEED_ZERO_STAGE"] == "2"
    assert environment["ACCELERATE_GRADIENT_CLIPPING"] == "0.0"  # = --max_grad_norm's default (no clipping)
    pytest.importorskip("deepspeed", reason="deepspeed is not installed: the plugin itself is not built here")
    from accelerate.utils import DeepSpeedPlugin

    for name, value in environment.items():
        if name.startswith("ACCELERATE_"):
            monkeypatch.setenv(name, value)
    plugin = DeepSpeedPlugin()
    assert plugin.zero_stage == 2


def run_fsdp_worker(output_dir, *extra) -> subprocess.CompletedProcess:
    command = torchrun_two_ranks("-m", "tests.fsdp_cpu_worker", str(output_dir), *extra)
    environment = {
        **os.environ,
        "PYTHONPATH": pythonpath_with_repo_root(),
        "OMP_NUM_THREADS": "1",
        "CUDA_VISIBLE_DEVICES": "",
    }
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_fsdp_trains_on_two_cpu_processes_with_gathered_negatives(tmp_path):
    finished = run_fsdp_worker(tmp_path)
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = json.loads((tmp_path / "fsdp_report.json").read_text())
    assert report["sharded_classes"] == ["FSDPBertLayer", "FSDPCLIPEncoderLayer", "FSDPTrainingLossModule"]
    assert report["loss_path"] == "gathered"
    # 2 ranks x 2 rows with gathered negatives = one process on the 4 rows (measured: equal to the last bit).
    assert report["fsdp_loss"] == pytest.approx(report["reference_loss"], rel=1e-5)
    assert len(report["train_losses"]) == 3 and all(torch.isfinite(torch.tensor(report["train_losses"])))
    assert not report["missing_from_full_state"]
    assert any(name.startswith("knowledge_model.encoder.layer.") for name in report["moved_parameters"])
    assert any(name.startswith("vision_model.encoder.layers.") for name in report["moved_parameters"])


@pytest.mark.slow
def test_fsdp_refuses_the_scalar_logit_scale(tmp_path):
    """FSDP needs >= 1-D parameters; `logit_scale` is 0-D (as in CLIPModel), so it must be reshaped before sharding."""
    finished = run_fsdp_worker(tmp_path, "--keep-scalar-logit-scale")
    assert finished.returncode != 0
    assert "doesn't support scalar parameters" in finished.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
