"""The command lines: examples/train.py on real-format files (1 process and 2-process DDP on CPU via
torchrun, with contrastive negatives gathered across ranks) and examples/finetune_with_trainer.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from modeling_structure_clip import StructureCLIPModel
from structure_clip.loading import load_model_and_processor, parse_config_overrides
from structure_clip.training import cli as train_cli
from structure_clip.training import trainer as finetune_with_trainer
from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.checkpoints import COMPLETE_MARKER
from tests.launch_support import torchrun_two_ranks
from tests.train_tiny_setup import (
    original_json_args,
    write_coco_records_json,
    write_original_json,
    write_tiny_images,
    write_tiny_model_folder,
)


EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
NO_DROPOUT = {"knowledge_config": {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("entry_points")
    names = write_tiny_images(folder / "images", count=8)
    return {
        "folder": folder,
        "images": str(folder / "images"),
        # Dropout off so that a 2-process run can be compared number for number with a 1-process run.
        "model": write_tiny_model_folder(folder / "model", **NO_DROPOUT),
        "original": write_original_json(folder / "original.json", names),
        "coco": write_coco_records_json(folder / "coco.json", names),
    }


def _original_data(files):
    return original_json_args(files["model"], files["original"], files["images"])


def _records(output_dir):
    with open(os.path.join(output_dir, "results.jsonl")) as handle:
        return [json.loads(line) for line in handle]


def _environment():
    return dict(os.environ, OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false", HF_HUB_OFFLINE="1")


def _common_args(files, output_dir, batch_size):
    return [
        *_original_data(files),
        "--output_dir",
        str(output_dir),
        "--max_train_steps",
        "2",
        "--per_device_train_batch_size",
        str(batch_size),
        "--learning_rate",
        "1e-3",
        "--seed",
        "5",
        "--disable_tqdm",
        "true",
    ]


def test_train_script_on_coco_captions_with_parsed_negatives(files, tmp_path):
    """The real entry point, in a fresh process: parse captions, build negatives, train, save, reload."""
    command = [
        sys.executable,
        str(EXAMPLES_DIR / "train.py"),
        "--model",
        files["model"],
        "--train_file",
        files["coco"],
        "--image_root",
        files["images"],
        "--output_dir",
        str(tmp_path / "out"),
        "--max_train_steps",
        "2",
        "--per_device_train_batch_size",
        "4",
        "--validation_split_percentage",
        "25",
        "--data_cache_dir",
        str(tmp_path / "cache"),
        "--eval_steps",
        "1",
        "--disable_tqdm",
        "true",
    ]
    completed = subprocess.run(command, env=_environment(), capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    records = _records(tmp_path / "out")
    train_records = [r for r in records if r["type"] == "train"]
    assert [r["step"] for r in train_records] == [1, 2]
    # Semantic negatives were built by the parser, so the margin-ranking term is present and finite.
    assert all(torch.isfinite(torch.tensor(r["negative_loss"])) for r in train_records)
    assert [r["step"] for r in records if r["type"] == "eval"] == [1, 2]
    assert list((tmp_path / "cache").glob("*.arrow"))
    reloaded = StructureCLIPModel.from_pretrained(tmp_path / "out")
    assert reloaded.config.model_type == "structure_clip"


def _validation_args(files, batch_size):
    # 5 rows: the last global batch is partial, so with 2 ranks `even_batches` pads it with repeated rows.
    return ["--validation_file", files["original"], "--max_eval_samples", "5", "--eval_steps", "1",
            "--per_device_eval_batch_size", str(batch_size)]  # fmt: skip


@pytest.mark.slow
def test_two_process_data_parallel_gathers_negatives_across_ranks(files, tmp_path):
    """Real DDP on CPU (gloo): 2 ranks x batch 2 with gathered embeddings = 1 process x batch 4, in training and
    in validation; the 2-process run also checkpoints through Accelerate's rotation."""
    command = [
        *torchrun_two_ranks(str(EXAMPLES_DIR / "train.py")),
        *_common_args(files, tmp_path / "ddp", batch_size=2),
        *_validation_args(files, batch_size=2),
        *["--checkpointing_steps", "1", "--checkpoints_total_limit", "1"],
    ]
    env = _environment()
    env["ACCELERATE_USE_CPU"] = "1"
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    records = _records(tmp_path / "ddp")
    end = records[-1]
    assert end["type"] == "end" and end["world_size"] == 2 and end["steps_per_rank"] == [2, 2]
    train_records = [r for r in records if r["type"] == "train"]
    assert [r["loss_path"] for r in train_records] == ["gathered", "gathered"]
    assert [r["global_batch_size"] for r in train_records] == [4, 4]

    # The same two steps on one process with the global batch: the losses and the weights agree, which
    # only holds if every rank's loss saw the other rank's images and captions as negatives.
    train_cli.train_main([*_common_args(files, tmp_path / "single", batch_size=4), *_validation_args(files, 4)])
    single = [r for r in _records(tmp_path / "single") if r["type"] == "train"]
    for ddp_record, single_record in zip(train_records, single, strict=False):
        assert ddp_record["loss"] == pytest.approx(single_record["loss"], abs=1e-5)
        assert ddp_record["hinge_loss"] == pytest.approx(single_record["hinge_loss"], abs=1e-5)
    # Validation drops the rows `even_batches` repeats and scores each global batch as one process does.
    ddp_evals = [r for r in records if r["type"] == "eval"]
    single_evals = [r for r in _records(tmp_path / "single") if r["type"] == "eval"]
    assert [r["step"] for r in ddp_evals] == [r["step"] for r in single_evals] == [1, 2]
    for ddp_record, single_record in zip(ddp_evals, single_evals, strict=True):
        assert ddp_record["validation_loss"] == pytest.approx(single_record["validation_loss"], abs=1e-5)
        assert ddp_record["validation_pair_accuracy"] == single_record["validation_pair_accuracy"]
    checkpoint = tmp_path / "ddp" / "checkpoints" / "checkpoint_2"
    assert os.listdir(checkpoint.parent) == ["checkpoint_2"]  # rotated by Accelerate's total_limit
    assert (checkpoint / COMPLETE_MARKER).is_file() and (checkpoint / "random_states_1.pkl").is_file()
    ddp_state = StructureCLIPModel.from_pretrained(tmp_path / "ddp").state_dict()
    single_state = StructureCLIPModel.from_pretrained(tmp_path / "single").state_dict()
    # Attention key biases get a gradient that is zero in exact arithmetic (softmax ignores a constant shift),
    # so AdamW turns their float noise into +-lr steps of random sign: they are not comparable.
    compared = [name for name in single_state if not name.endswith("k_proj.bias")]
    differences = {name: (ddp_state[name] - single_state[name]).abs().max().item() for name in compared}
    assert max(differences.values()) < 1e-5, sorted(differences.items(), key=lambda item: -item[1])[:5]
    moved = StructureCLIPModel.from_pretrained(files["model"]).state_dict()
    assert any(not torch.equal(moved[name], single_state[name]) for name in compared)


def test_finetune_with_trainer_few_steps(files, tmp_path):
    output_dir = tmp_path / "trainer"
    finetune_with_trainer.main(
        [
            *_original_data(files),
            "--validation_file",
            files["original"],
            "--output_dir",
            str(output_dir),
            "--max_steps",
            "3",
            "--per_device_train_batch_size",
            "4",
            "--learning_rate",
            "1e-3",
            "--use_cpu",
            "--report_to",
            "none",
            "--eval_strategy",
            "steps",
            "--eval_steps",
            "2",
            "--save_steps",
            "2",
            "--logging_steps",
            "1",
            "--disable_tqdm",
            "true",
            "--load_best_model_at_end",
            "--metric_for_best_model",
            "eval_loss",
        ]
    )
    state = json.loads((output_dir / "trainer_state.json").read_text())
    assert state["global_step"] == 3
    losses = [entry["loss"] for entry in state["log_history"] if "loss" in entry]
    assert len(losses) == 3 and all(loss > 0 for loss in losses)
    assert (output_dir / "processor_config.json").is_file()  # processing_class=processor
    assert state["best_model_checkpoint"].endswith(("checkpoint-2", "checkpoint-3"))
    initial = StructureCLIPModel.from_pretrained(files["model"])
    trained = StructureCLIPModel.from_pretrained(output_dir)
    assert not torch.equal(initial.text_projection.weight, trained.text_projection.weight)


def test_trainer_passes_its_optimizer_step_to_the_loss(files, tmp_path, monkeypatch):
    """Trainer and Accelerate loop share one warm-up clock: completed optimizer steps (here with accumulation 4)."""
    from modeling_structure_clip import losses_structure_clip

    flags = []
    original = losses_structure_clip.structure_clip_losses

    def recording(*args, **kwargs):
        flags.append(kwargs["hinge_text_to_image_mean"])
        return original(*args, **kwargs)

    monkeypatch.setattr(losses_structure_clip, "structure_clip_losses", recording)
    model_dir = write_tiny_model_folder(tmp_path / "model", hinge_warmup_steps=1, loss_recipe="original")
    finetune_with_trainer.main(
        [
            *original_json_args(model_dir, files["original"], files["images"]),
            "--output_dir",
            str(tmp_path / "out"),
            "--use_cpu",
            "--max_steps",
            "2",
            "--per_device_train_batch_size",
            "2",
            "--gradient_accumulation_steps",
            "4",
            "--report_to",
            "none",
            "--disable_tqdm",
            "true",
            "--save_strategy",
            "no",
        ]
    )
    assert flags == [True] * 4 + [False] * 4


def test_start_from_a_clip_checkpoint_gets_a_fresh_kee(tmp_path):
    """--model pointing at a plain CLIP folder: Structure-CLIP with CLIP's weights, processor built from parts."""
    from transformers import CLIPConfig, CLIPModel

    from tests.tiny_models import tiny_text_config, tiny_vision_config
    from tests.tiny_processors import (
        CLIP_SPECIAL_IDS,
        make_tiny_bert_tokenizer,
        make_tiny_clip_tokenizer,
        make_tiny_image_processor,
        tiny_vocab_sizes,
    )

    text = tiny_text_config(vocab_size=tiny_vocab_sizes()["text"], **CLIP_SPECIAL_IDS)
    torch.manual_seed(0)
    clip = CLIPModel(CLIPConfig(text_config=text, vision_config=tiny_vision_config(), projection_dim=16))
    clip.save_pretrained(tmp_path / "clip")
    make_tiny_clip_tokenizer().save_pretrained(tmp_path / "clip")
    make_tiny_image_processor().save_pretrained(tmp_path / "clip")
    make_tiny_bert_tokenizer().save_pretrained(tmp_path / "bert")
    bert = make_tiny_bert_tokenizer()
    knowledge = {
        "vocab_size": tiny_vocab_sizes()["knowledge"],
        "hidden_size": 24,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 37,
        "pad_token_id": bert.pad_token_id,
        "cls_token_id": bert.cls_token_id,
        "sep_token_id": bert.sep_token_id,
    }
    args = StructureCLIPTrainArgs(
        model_name_or_path=str(tmp_path / "clip"),
        triple_tokenizer=str(tmp_path / "bert"),
        config_overrides=json.dumps({"knowledge_config": knowledge, "loss_recipe": "infonce"}),
    )
    model, processor = load_model_and_processor(args)
    assert model.config.model_type == "structure_clip" and model.config.loss_recipe == "infonce"
    assert torch.equal(model.text_projection.weight, clip.text_projection.weight)
    assert model.config.knowledge_config.num_hidden_layers == 2
    batch = processor(text=["a dog on a table"], images=[torch.zeros(3, 30, 30)], triples=[[("dog", "on", "table")]])
    assert int(batch["triple_mask"].sum()) == 1 and batch["pixel_values"].shape == (1, 3, 30, 30)


def test_config_overrides_parsing():
    assert parse_config_overrides("loss_recipe=infonce, knowledge_weight=0.3,renormalize_fused_text=true") == {
        "loss_recipe": "infonce",
        "knowledge_weight": 0.3,
        "renormalize_fused_text": True,
    }
    assert parse_config_overrides('{"knowledge_config": {"num_hidden_layers": 2}}') == {
        "knowledge_config": {"num_hidden_layers": 2}
    }
    with pytest.raises(ValueError, match="key=value"):
        parse_config_overrides("loss_recipe")


def test_without_training_data_train_py_runs_the_synthetic_demo_with_its_options(monkeypatch):
    from structure_clip.synthetic import cli as synthetic_cli

    calls = []
    monkeypatch.setattr(synthetic_cli, "main", lambda *args: calls.append(args))
    train_cli.train_main([])
    train_cli.train_main(["--num_threads", "1", "--output_dir", "unused"])
    assert calls == [([],), (["--num_threads", "1", "--output_dir", "unused"],)]
    with pytest.raises(SystemExit, match="No training data.*--mixed_precision bf16.*--train_file"):
        train_cli.train_main(["--mixed_precision", "bf16"])


def test_train_py_help_lists_the_demo_options_too(capsys):
    with pytest.raises(SystemExit) as exit_info:
        train_cli.train_main(["--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "--train_file" in help_text and "--mixed_precision" in help_text  # the real-data job
    assert "synthetic demo" in help_text and "--num_threads" in help_text and "--variants" in help_text


def test_an_unknown_option_with_real_data_is_a_usage_error_naming_it(capsys):
    with pytest.raises(SystemExit) as exit_info:
        train_cli.train_main(["--train_file", "a.jsonl", "--output_dir", "unused", "--num_threads", "1", "--nope"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "unrecognized arguments: --num_threads 1 --nope" in error
    assert "--num_threads is an option of the built-in synthetic demo" in error and "--nope is" not in error


def test_training_data_flags_are_recognised_in_both_spellings():
    assert train_cli.names_training_data(["--train_file", "a.json"])
    assert train_cli.names_training_data(["--dataset_name=coco"])
    assert not train_cli.names_training_data(["--num_threads", "1", "--output_dir", "--train_file_x"])


def test_trainer_path_drops_partial_contrastive_batches_by_default(tmp_path):
    common = ["--output_dir", str(tmp_path), "--use_cpu", "--report_to", "none"]
    *_, training_args = finetune_with_trainer.parse_args(common)
    assert training_args.dataloader_drop_last is True
    *_, training_args = finetune_with_trainer.parse_args(common + ["--dataloader_drop_last", "false"])
    assert training_args.dataloader_drop_last is False


def test_trainer_defaults_follow_the_data(tmp_path):
    """Real data: train.py's original recipe; no data: the synthetic recipe. Given options always win."""
    real = ["--train_file", "captions.json", "--output_dir", str(tmp_path), "--report_to", "none"]
    *_, training_args = finetune_with_trainer.parse_args(real)
    assert (training_args.learning_rate, training_args.weight_decay) == (5e-6, 0.1)
    assert training_args.lr_scheduler_type == "constant"
    *_, training_args = finetune_with_trainer.parse_args(real + ["--learning_rate", "1e-4"])
    assert training_args.learning_rate == 1e-4
    _, _, world_args, training_args = finetune_with_trainer.parse_args(["--report_to", "none"])
    assert training_args.learning_rate == 1e-3 and training_args.lr_scheduler_type == "cosine"
    assert training_args.metric_for_best_model == "relation_swap_accuracy" and training_args.greater_is_better
    assert world_args.synthetic_train_examples > 0
    *_, training_args = finetune_with_trainer.parse_args(["--max_steps", "60"])
    assert (training_args.eval_steps, training_args.save_steps) == (15, 15)


def _trainer_losses(output_dir, key="loss"):
    state = json.loads((Path(output_dir) / "trainer_state.json").read_text())
    return [entry[key] for entry in state["log_history"] if key in entry]


@pytest.mark.slow
def test_trainer_two_processes_gather_negatives_like_one_process_on_the_global_batch(files, tmp_path):
    """StructureCLIPTrainer under torchrun (2 CPU ranks x batch 2) = 1 process x batch 4, step for step, in training
    and in evaluation.

    The training set is exactly one global batch (4 rows), so both runs see the same rows at every step
    whatever the samplers' orders; the losses agree only if each rank's loss saw the other rank's rows."""

    def command(output_dir, batch_size):
        return [
            *_original_data(files),
            "--max_train_samples",
            "4",
            "--output_dir",
            str(output_dir),
            "--max_steps",
            "2",
            "--per_device_train_batch_size",
            str(batch_size),
            "--learning_rate",
            "1e-3",
            "--use_cpu",
            "--report_to",
            "none",
            *["--validation_file", files["original"], "--max_eval_samples", "5"],
            *["--eval_strategy", "steps", "--eval_steps", "1", "--per_device_eval_batch_size", str(batch_size)],
            "--save_strategy",
            "no",
            "--logging_steps",
            "1",
            "--disable_tqdm",
            "true",
            "--dataloader_pin_memory",
            "false",
        ]

    env = _environment()
    env["ACCELERATE_USE_CPU"] = "1"
    torchrun = torchrun_two_ranks(str(EXAMPLES_DIR / "finetune_with_trainer.py"))
    completed = subprocess.run(
        torchrun + command(tmp_path / "ddp", 2), env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    finetune_with_trainer.main(command(tmp_path / "single", 4))
    ddp_losses, single_losses = _trainer_losses(tmp_path / "ddp"), _trainer_losses(tmp_path / "single")
    assert len(ddp_losses) == len(single_losses) == 2
    assert ddp_losses == pytest.approx(single_losses, abs=1e-4)
    # Evaluation on 5 rows (the last global batch padded by `even_batches` on 2 ranks) agrees too.
    ddp_evals, single_evals = (
        _trainer_losses(tmp_path / "ddp", "eval_loss"),
        _trainer_losses(tmp_path / "single", "eval_loss"),
    )
    assert len(ddp_evals) == len(single_evals) == 3  # steps 1 and 2, and the final evaluation
    assert ddp_evals == pytest.approx(single_evals, abs=1e-4)
    # The loss depends on the batch: 2 rows alone give another value, so the equality above is informative.
    finetune_with_trainer.main(command(tmp_path / "half", 2) + ["--max_train_samples", "2"])
    assert _trainer_losses(tmp_path / "half")[0] != pytest.approx(single_losses[0], abs=1e-3)
