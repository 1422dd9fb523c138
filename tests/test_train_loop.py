"""The Accelerate training loop (examples/train.py): a few steps, exact resume, logging, selection.

All runs are in-process on the tiny model and tiny processor, on 30 px images the tests write.
"""

import json
import logging
import os

import pytest
import torch
from accelerate import Accelerator

from structure_clip.training import loop as train
from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.checkpoints import COMPLETE_MARKER
from structure_clip.training.data import StructureCLIPCollator
from tests.tiny_processors import make_tiny_processor
from tests.train_tiny_setup import make_tiny_model, tiny_dataset, write_tiny_images


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_world")
    names = write_tiny_images(folder / "images", count=10)
    paths = [str(folder / "images" / name) for name in names]
    processor = make_tiny_processor()
    return {"train": tiny_dataset(paths), "validation": tiny_dataset(paths[:4]), "processor": processor}


def _args(output_dir, **overrides):
    fields = dict(
        output_dir=str(output_dir),
        per_device_train_batch_size=2,
        per_device_eval_batch_size=2,
        learning_rate=1e-3,
        max_train_steps=7,  # 10 rows / batch 2 = 5 steps per epoch: the run crosses an epoch boundary
        seed=3,
        disable_tqdm=True,
    )
    fields.update(overrides)
    return StructureCLIPTrainArgs(**fields)


def _run(world, output_dir, model_seed=0, eval_dataset=None, **overrides):
    # hinge_warmup_steps=3: an interruption at step 2 falls inside the original's mean-column warm-up, so the
    # resumed step count (the warm-up's clock) must be restored too. The KEE keeps its 0.1 dropout: RNG state matters.
    model = make_tiny_model(seed=model_seed, hinge_warmup_steps=3)
    collate_fn = StructureCLIPCollator(world["processor"])
    result = train.run_training(
        _args(output_dir, **overrides),
        model,
        world["train"],
        collate_fn,
        world["processor"],
        eval_dataset=eval_dataset,
    )
    return model, result


def _assert_same_weights(model_a, model_b):
    state_a, state_b = model_a.state_dict(), model_b.state_dict()
    assert state_a.keys() == state_b.keys()
    different = [name for name in state_a if not torch.equal(state_a[name], state_b[name])]
    assert not different, f"weights differ after resume: {different[:5]}"


def test_few_steps_write_results_and_model(tiny_world, tmp_path):
    model, result = _run(
        tiny_world,
        tmp_path,
        max_train_steps=3,
        eval_dataset=tiny_world["validation"],
        eval_steps=2,
        metric_for_best_model="validation_pair_accuracy",
    )
    records = [json.loads(line) for line in open(tmp_path / "results.jsonl")]
    assert records == result.history
    train_records = [r for r in records if r["type"] == "train"]
    assert [r["step"] for r in train_records] == [1, 2, 3]
    for record in train_records:
        # The original recipe's two named terms are logged and sum to the loss.
        assert record["loss"] == pytest.approx(record["hinge_loss"] + record["negative_loss"], rel=1e-5)
        assert record["loss_path"] == "local"
    evals = [r for r in records if r["type"] == "eval"]
    assert [r["step"] for r in evals] == [2, 3]
    assert all(0.0 <= r["validation_pair_accuracy"] <= 1.0 and r["validation_loss"] > 0 for r in evals)
    assert result.final_model_dir == str(tmp_path) and result.global_step == 3
    assert (tmp_path / "model.safetensors").is_file() and (tmp_path / "processor_config.json").is_file()
    selection = json.loads((tmp_path / "best_model" / "selection.json").read_text())
    assert selection["selected_on"] == "validation split" and selection["step"] in (2, 3)
    # The saved model is the trained one.
    reloaded = type(model).from_pretrained(tmp_path)
    assert torch.equal(reloaded.text_projection.weight, model.text_projection.weight)
    # Saved through the custom pipeline, so pipeline(model=folder) feeds label triples.
    for folder in (tmp_path, tmp_path / "best_model"):
        custom = json.loads((folder / "config.json").read_text())["custom_pipelines"]
        assert custom["zero-shot-image-classification"]["impl"].endswith(
            "StructureCLIPZeroShotImageClassificationPipeline"
        )
        assert (folder / "pipeline_structure_clip.py").is_file()


def test_training_changes_weights_and_lowers_loss_on_repeated_batch(tiny_world, tmp_path):
    model, result = _run(tiny_world, tmp_path, max_train_steps=10, learning_rate=3e-3)
    before = make_tiny_model(seed=0, hinge_warmup_steps=3)
    assert not torch.equal(before.text_projection.weight, model.text_projection.weight)
    losses = [r["loss"] for r in result.history if r["type"] == "train"]
    assert sum(losses[-3:]) < sum(losses[:3])


@pytest.mark.parametrize("accumulation, stop_at", [(1, 2), (2, 2), (1, 5)])
def test_resume_gives_exactly_the_uninterrupted_weights(tiny_world, tmp_path, accumulation, stop_at):
    common = dict(
        gradient_accumulation_steps=accumulation,
        checkpointing_steps="1",
        max_train_steps=7 if accumulation == 1 else 5,
    )
    # Only the uninterrupted run validates (every 2 steps): validation must not disturb the dropout RNG.
    uninterrupted, _ = _run(
        tiny_world, tmp_path / "full", eval_dataset=tiny_world["validation"], eval_steps=2, **common
    )
    _, killed = _run(tiny_world, tmp_path / "killed", stop_after_steps=stop_at, **common)
    assert killed.final_model_dir is None and killed.global_step == stop_at
    assert (tmp_path / "killed" / "checkpoints" / f"checkpoint_{stop_at}").is_dir()

    # A fresh process would build a fresh model: a different init seed proves the checkpoint wins.
    resumed, result = _run(tiny_world, tmp_path / "killed", model_seed=1, resume_from_checkpoint="latest", **common)
    assert result.global_step == common["max_train_steps"]
    _assert_same_weights(uninterrupted, resumed)
    steps = [r["step"] for r in result.history if r["type"] == "train"]
    assert steps == list(range(stop_at + 1, common["max_train_steps"] + 1))


def test_resume_from_epoch_checkpoint(tiny_world, tmp_path):
    uninterrupted, _ = _run(tiny_world, tmp_path / "full", checkpointing_steps="epoch")
    _run(tiny_world, tmp_path / "killed", checkpointing_steps="epoch", stop_after_steps=6)
    assert sorted(os.listdir(tmp_path / "killed" / "checkpoints")) == ["checkpoint_5"]
    resumed, _ = _run(
        tiny_world,
        tmp_path / "resumed",
        model_seed=1,
        resume_from_checkpoint=str(tmp_path / "killed" / "checkpoints" / "checkpoint_5"),
    )
    _assert_same_weights(uninterrupted, resumed)


def test_a_different_seed_gives_different_weights(tiny_world, tmp_path):
    # Control for the resume test: the comparison is sensitive to the data order / dropout stream.
    first, _ = _run(tiny_world, tmp_path / "a", max_train_steps=3)
    second, _ = _run(tiny_world, tmp_path / "b", max_train_steps=3, seed=4)
    assert not torch.equal(first.text_projection.weight, second.text_projection.weight)


def _checkpoint_listing(output_dir):
    """Folder names under checkpoints/, each with whether it carries the completeness marker."""
    root = output_dir / "checkpoints"
    return {name: (root / name / COMPLETE_MARKER).is_file() for name in sorted(os.listdir(root))}


def test_checkpoints_total_limit_keeps_newest(tiny_world, tmp_path):
    _run(tiny_world, tmp_path, max_train_steps=5, checkpointing_steps="1", checkpoints_total_limit=2)
    assert _checkpoint_listing(tmp_path) == {"checkpoint_4": True, "checkpoint_5": True}


def test_rotation_is_accelerates_total_limit(tiny_world, tmp_path, monkeypatch):
    limits = []
    original_save_state = Accelerator.save_state

    def save_state(self, *args, **kwargs):
        limits.append((self.project_configuration.automatic_checkpoint_naming, self.project_configuration.total_limit))
        return original_save_state(self, *args, **kwargs)

    monkeypatch.setattr(Accelerator, "save_state", save_state)
    _run(tiny_world, tmp_path, max_train_steps=3, checkpointing_steps="1", checkpoints_total_limit=2)
    assert limits == [(True, 2)] * 3
    assert _checkpoint_listing(tmp_path) == {"checkpoint_2": True, "checkpoint_3": True}


def test_an_incomplete_checkpoint_is_not_resumed_and_does_not_count_towards_the_limit(tiny_world, tmp_path):
    _run(tiny_world, tmp_path, max_train_steps=2, checkpointing_steps="1", checkpoints_total_limit=2)
    # As left by a run killed while saving step 7 (and later resumed from an earlier step): no marker.
    (tmp_path / "checkpoints" / "checkpoint_7").mkdir()
    (tmp_path / "checkpoints" / "checkpoint_7" / "model.safetensors").write_bytes(b"torn")
    _, result = _run(tiny_world, tmp_path, max_train_steps=4, checkpointing_steps="1", checkpoints_total_limit=2,
                     resume_from_checkpoint="latest")  # fmt: skip
    assert [r["step"] for r in result.history if r["type"] == "train"] == [3, 4]  # resumed from checkpoint_2
    # Had checkpoint_7 been counted, Accelerate would have rotated out checkpoint_3 and kept the torn folder.
    assert _checkpoint_listing(tmp_path) == {"checkpoint_3": True, "checkpoint_4": True}


def test_a_checkpoints_folder_with_foreign_entries_is_refused_before_training(tiny_world, tmp_path):
    (tmp_path / "checkpoints" / "step_3").mkdir(parents=True)  # e.g. an older naming scheme
    with pytest.raises(ValueError, match=r"\['step_3'\].*not checkpoint_<N>.*rotation"):
        _run(tiny_world, tmp_path, max_train_steps=1, checkpointing_steps="1", checkpoints_total_limit=2)


def test_a_limit_of_one_warns_that_a_kill_during_a_save_leaves_no_checkpoint(tiny_world, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="structure_clip.training.checkpoints"):
        _run(tiny_world, tmp_path, max_train_steps=2, checkpointing_steps="1", checkpoints_total_limit=1)
    assert "--checkpoints_total_limit 1" in caplog.text and "leaves no checkpoint" in caplog.text
    assert _checkpoint_listing(tmp_path) == {"checkpoint_2": True}


def test_warmup_schedule_and_eval_callback(tiny_world, tmp_path):
    seen = []

    def callback(model, step):
        seen.append((step, model.training))
        return {"validation_custom": float(step)}

    model = make_tiny_model(hinge_warmup_steps=3)
    args = _args(
        tmp_path,
        max_train_steps=4,
        lr_scheduler_type="linear",
        num_warmup_steps=2,
        eval_steps=2,
        metric_for_best_model="validation_custom",
        greater_is_better=True,
    )
    result = train.run_training(
        args, model, tiny_world["train"], StructureCLIPCollator(tiny_world["processor"]), eval_callback=callback
    )
    # The lr logged at step k is the one the scheduler set for step k + 1.
    lrs = [r["lr"] for r in result.history if r["type"] == "train"]
    assert lrs == pytest.approx([5e-4, 1e-3, 5e-4, 0.0])
    assert seen == [(2, False), (4, False)]
    assert result.best_metric == 4.0 and result.best_model_dir == str(tmp_path / "best_model")


def test_gathered_loss_module_matches_model_loss_on_one_process(tiny_world):
    """The multi-process loss path (one text batch of true + negative captions, pure loss functions) gives the
    model's own loss; on one process it is called directly since there is nothing to gather."""
    model = make_tiny_model(
        hinge_warmup_steps=1, knowledge_config={"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
    )
    batch = StructureCLIPCollator(tiny_world["processor"])([tiny_world["train"][i] for i in range(4)])
    module = train.TrainingLossModule(model)
    module.train()
    for optimizer_step in range(2):  # first call inside the hinge warm-up, second after it
        expected = model(**batch, optimizer_step=optimizer_step)
        gathered = module.gathered_loss(batch, optimizer_step)
        assert gathered["global_batch_size"] == 4
        for name in ("loss", "hinge_loss", "negative_loss"):
            torch.testing.assert_close(gathered[name], getattr(expected, name), rtol=1e-6, atol=1e-6)


GATHERED_PER_RECIPE = {
    # recipe: (embeddings gathered with negatives in the batch, without)
    "original": ({"image_embeds", "text_embeds", "plain_text_embeds", "negative_plain_text_embeds"},
                 {"image_embeds", "text_embeds"}),
    "infonce": ({"image_embeds", "text_embeds", "negative_text_embeds"}, {"image_embeds", "text_embeds"}),
    "infonce+hinge": ({"image_embeds", "text_embeds", "negative_text_embeds"}, {"image_embeds", "text_embeds"}),
}  # fmt: skip


@pytest.mark.parametrize("recipe", sorted(GATHERED_PER_RECIPE))
@pytest.mark.parametrize("use_negatives", [True, False])
def test_the_gathered_loss_all_gathers_only_what_the_recipe_reads(tiny_world, monkeypatch, recipe, use_negatives):
    from modeling_structure_clip import losses_structure_clip
    from structure_clip.training import distributed_loss

    gathered_calls, loss_arguments = [], []
    monkeypatch.setattr(distributed_loss, "gather_with_grad", lambda tensor: gathered_calls.append(1) or tensor)
    original_terms = losses_structure_clip.structure_clip_loss_terms

    def recording_terms(config, **kwargs):
        loss_arguments.append(
            {name for name, value in kwargs.items() if name.endswith("_embeds") and value is not None}
        )
        return original_terms(config, **kwargs)

    monkeypatch.setattr(losses_structure_clip, "structure_clip_loss_terms", recording_terms)
    no_dropout = {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
    model = make_tiny_model(loss_recipe=recipe, knowledge_config=no_dropout).eval()
    collate = StructureCLIPCollator(tiny_world["processor"], use_negatives=use_negatives)
    batch = collate([tiny_world["train"][i] for i in range(4)])
    gathered = train.TrainingLossModule(model).eval().gathered_loss(batch)
    expected_names = GATHERED_PER_RECIPE[recipe][0 if use_negatives else 1]
    assert loss_arguments == [expected_names] and len(gathered_calls) == len(expected_names)
    torch.testing.assert_close(gathered["loss"], model(**batch).loss, rtol=1e-5, atol=1e-5)


def test_bf16_mixed_precision_runs_and_keeps_fp32_master_weights(tiny_world, tmp_path):
    model, result = _run(tiny_world, tmp_path, max_train_steps=2, mixed_precision="bf16")
    losses = [r["loss"] for r in result.history if r["type"] == "train"]
    assert len(losses) == 2 and all(torch.isfinite(torch.tensor(losses)))
    assert all(parameter.dtype == torch.float32 for parameter in model.parameters())


def test_a_fresh_run_refuses_old_checkpoints_unless_told_to_overwrite(tiny_world, tmp_path):
    _run(tiny_world, tmp_path, max_train_steps=2, checkpointing_steps="1")
    (tmp_path / "notes.txt").write_text("user file")
    with pytest.raises(FileExistsError, match="--resume_from_checkpoint latest.*--overwrite_output_dir"):
        _run(tiny_world, tmp_path, max_train_steps=1)
    _run(tiny_world, tmp_path, max_train_steps=1, overwrite_output_dir=True)
    # The old run's checkpoint_2 is gone, so `latest` cannot resume it; other files are kept.
    assert not (tmp_path / "checkpoints" / "checkpoint_2").exists() and (tmp_path / "notes.txt").is_file()
    assert [r["step"] for r in _records(tmp_path) if r["type"] == "train"] == [1]


def _records(output_dir):
    return [json.loads(line) for line in open(output_dir / "results.jsonl")]


def test_resume_from_a_model_folder_says_it_is_not_a_training_checkpoint(tiny_world, tmp_path):
    _run(tiny_world, tmp_path / "done", max_train_steps=1)  # a saved model folder, not a save_state one
    with pytest.raises(ValueError, match="not a training checkpoint.*--model"):
        _run(tiny_world, tmp_path / "next", resume_from_checkpoint=str(tmp_path / "done"))


@pytest.mark.parametrize(
    "field, value",
    [
        ("max_train_steps", 0),
        ("max_train_steps", -1),
        ("num_train_epochs", 0),
        ("logging_steps", 0),
        ("checkpointing_steps", "0"),
        ("checkpointing_steps", "foo"),
        ("checkpoints_total_limit", 0),
        ("checkpoints_total_limit", -1),
        ("eval_steps", 0),
        ("max_train_samples", 0),
        ("validation_split_percentage", -1),
        ("validation_split_percentage", 100),
        ("per_device_train_batch_size", 0),
        ("per_device_eval_batch_size", 0),
    ],
)
def test_bad_counts_are_rejected_before_training(tmp_path, field, value):
    fields = {"max_train_steps": None, field: value}
    with pytest.raises(ValueError, match=f"--{field} must"):
        _args(tmp_path, **fields)


def test_valid_counts_are_accepted(tmp_path):
    args = _args(tmp_path, checkpointing_steps="epoch", validation_split_percentage=0, num_train_epochs=0.5)
    assert args.checkpointing_steps == "epoch"
    assert _args(tmp_path, checkpointing_steps="3").checkpointing_steps == "3"


def test_hinge_warmup_counts_optimizer_steps_under_gradient_accumulation(tiny_world, tmp_path, monkeypatch):
    """The original warms up over its first optimizer steps; with accumulation 4 that is 4 micro-batches each."""
    from modeling_structure_clip import losses_structure_clip

    flags = []
    original = losses_structure_clip.structure_clip_losses

    def recording(*args, **kwargs):
        flags.append(kwargs["hinge_text_to_image_mean"])
        return original(*args, **kwargs)

    monkeypatch.setattr(losses_structure_clip, "structure_clip_losses", recording)
    model = make_tiny_model(hinge_warmup_steps=2)
    args = _args(tmp_path, gradient_accumulation_steps=4, per_device_train_batch_size=1, max_train_steps=3)
    train.run_training(args, model, tiny_world["train"], StructureCLIPCollator(tiny_world["processor"]))
    # 10 rows / batch 1 = 10 micro-batches: optimizer steps of 4, 4 and (the epoch's end) 2 micro-batches.
    assert flags == [True] * 8 + [False] * 2


def test_process_group_timeout_covers_parsing_on_rank_0(tmp_path):
    """The first Accelerator creates the process group; its timeout comes from --ddp_timeout (default 2 h)."""
    from accelerate.utils import InitProcessGroupKwargs

    accelerator = train.make_accelerator(_args(tmp_path, ddp_timeout=1234))
    handlers = [
        h
        for h in accelerator.init_handler and [accelerator.init_handler] or []
        if isinstance(h, InitProcessGroupKwargs)
    ]
    assert handlers and handlers[0].timeout.total_seconds() == 1234
    assert StructureCLIPTrainArgs(output_dir=str(tmp_path)).ddp_timeout == 7200


def test_embed_split_feeds_the_model_on_its_own_device():
    """The encoded split is on the CPU; a model on a GPU must get its tensors on its device (checked with `meta`)."""
    from types import SimpleNamespace

    from structure_clip.synthetic import ablation
    from tests.tiny_models import random_inputs

    seen = []

    def encoder(**inputs):
        seen.extend(value.device.type for value in inputs.values())
        return SimpleNamespace(pooler_output=torch.zeros(next(iter(inputs.values())).shape[0], 4))

    model = SimpleNamespace(
        parameters=lambda: iter([torch.empty(0, device="meta")]), get_image_features=encoder, get_text_features=encoder
    )
    inputs = random_inputs(batch_size=3, with_negatives=True)
    split = ablation.EncodedSplit(
        {k: v for k, v in inputs.items() if k != "negative_mask"}, torch.ones(3, dtype=torch.bool)
    )
    embeds = ablation.embed_split(model, split, "structure-clip", batch_size=2)
    assert seen and set(seen) == {"meta"}
    assert embeds["image"].device.type == "cpu" and embeds["text"].shape == (3, 4)
