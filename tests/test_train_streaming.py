"""examples/train.py --streaming: shards split across processes and workers, on-the-fly parsing, exact resume.

The data is a few hundred synthetic samples written as WebDataset-style .tar shards and JSON Lines files
(tests/streaming_shards.py); every caption ends in its sample's number, so a test can tell what was read.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest
import torch
from PIL import Image

from modeling_structure_clip import StructureCLIPModel
from structure_clip.training import cli as train_cli
from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.streaming import (
    StreamingSource,
    StreamLayout,
    StreamLoader,
    StreamPosition,
    TrainingStream,
    batches_taken,
)
from structure_clip.training.streaming_data import SceneGraphsOnTheFly, load_streaming_datasets, open_training_stream
from tests.launch_support import pythonpath_with_repo_root, torchrun_two_ranks
from tests.streaming_shards import sample_number, write_jsonl_shards, write_tar_shards
from tests.train_tiny_setup import write_tiny_model_folder


NUM_SAMPLES = 240  # 4 tar shards x 60


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    folder = tmp_path_factory.mktemp("streaming")
    write_tar_shards(folder / "tar", num_shards=4, per_shard=60)
    write_jsonl_shards(folder / "jsonl", num_shards=1, per_shard=40)
    write_jsonl_shards(folder / "validation", num_shards=1, per_shard=6, start=1000)
    return {
        "folder": folder,
        "tar": str(folder / "tar"),
        "jsonl": str(folder / "jsonl"),
        "validation": str(folder / "validation" / "part-00000.jsonl"),
        "model": write_tiny_model_folder(folder / "model"),
    }


def _args(**overrides) -> StructureCLIPTrainArgs:
    fields = dict(streaming=True, max_train_steps=4, output_dir="unused", shuffle_buffer_size=16, seed=7)
    return StructureCLIPTrainArgs(**{**fields, **overrides})


def _numbers(rows):
    return [sample_number(row["caption"]) for row in rows]


def _unparsed_source(train_file, **overrides) -> StreamingSource:
    """The real stream, with the collator and parser replaced by "which samples": fast, and testable exactly."""
    source = open_training_stream(_args(train_file=train_file, **overrides))
    source.add_scene_graphs = _as_is
    return source


def _as_is(rows):
    return rows


@pytest.mark.parametrize("kind, total", [("tar", NUM_SAMPLES), ("jsonl", 40)])
def test_sub_streams_split_the_data_disjointly_and_cover_it(shards, kind, total):
    """2 processes x 2 workers: 4 tar shards go one per sub-stream; the one JSON Lines file is split by example."""
    layout = StreamLayout(num_processes=2, num_workers=2, batch_size=4, seed=7, shuffle_buffer_size=16)
    stream = TrainingStream(_unparsed_source(shards[kind]), _numbers, layout, rank=0)
    seen = [_numbers(stream.rows_of_pass(index, epoch=0)) for index in range(stream.num_sub_streams)]
    assert all(seen), "a sub-stream read nothing"
    flat = [number for numbers in seen for number in numbers]
    assert len(flat) == len(set(flat)) == total  # disjoint, and together every sample once
    # The next pass is shuffled afresh (`set_epoch`).
    assert _numbers(stream.rows_of_pass(0, epoch=1)) != seen[0]


def test_batches_taken_follows_the_dataloader_round_robin():
    # Batches 0..4 of 2 workers come from workers 0,1,0,1,0.
    assert [batches_taken(5, worker, 2) for worker in (0, 1)] == [3, 2]
    assert [batches_taken(4, worker, 3) for worker in (0, 1, 2)] == [2, 1, 1]
    assert batches_taken(9, 0, 1) == 9


@pytest.mark.parametrize("num_workers", [0, 2])
def test_a_positioned_loader_continues_the_uninterrupted_sequence(shards, num_workers):
    """Batches B, B+1, ... of a loader resumed at B are those of a loader that never stopped (odd B included)."""
    layout = StreamLayout(1, num_workers, batch_size=8, seed=7, shuffle_buffer_size=16)
    source = _unparsed_source(shards["tar"])

    def batches(start: int, count: int) -> list:
        position = StreamPosition(layout, batches_consumed=start)
        loader = StreamLoader(TrainingStream(source, _numbers, layout, rank=0), position, torch.device("cpu"))
        taken = [batch for _, batch in zip(range(count), loader, strict=False)]
        assert position.batches_consumed == start + count
        return taken

    straight = batches(0, 36)  # 288 rows: past the end of the 240-sample first pass
    first_pass = [number for batch in straight[:30] for number in batch]
    assert sorted(first_pass) == list(range(NUM_SAMPLES))
    for start in (3, 5, 31):
        assert batches(start, 4) == straight[start : start + 4], f"resumed at batch {start}"


def test_stream_position_refuses_a_checkpoint_cut_another_way():
    saved = StreamPosition(StreamLayout(1, 2, 8, 7, 16), batches_consumed=5).state_dict()
    assert saved["samples_consumed_per_process"] == 40
    resumed = StreamPosition(StreamLayout(1, 2, 8, 7, 16))
    resumed.load_state_dict(saved)
    assert resumed.batches_consumed == 5
    with pytest.raises(ValueError, match="--dataloader_num_workers"):
        StreamPosition(StreamLayout(1, 4, 8, 7, 16)).load_state_dict(saved)


def test_on_the_fly_parsing_fills_triples_and_negatives_and_keeps_given_ones(shards):
    rows = list(_unparsed_source(shards["jsonl"], shuffle_buffer_size=0).dataset.take(4))
    reader = open_training_stream(_args(train_file=shards["jsonl"])).to_rows
    rows = [row for record in rows for row in reader(record)]
    parsed = SceneGraphsOnTheFly(negatives="auto", seed=7)(rows)
    assert [row["caption"] for row in parsed] == [row["caption"] for row in rows]
    assert all(row["triples"] for row in parsed)
    assert parsed[1]["negative_caption"] == rows[1]["negative_caption"]  # odd samples come with theirs
    assert parsed[0]["negative_caption"] and parsed[0]["negative_caption"] != parsed[0]["caption"]
    assert os.path.isfile(rows[0]["image"])  # relative paths start from the shard's folder


def test_dataset_name_streams_a_local_dataset_folder(shards):
    """--dataset_name in streaming mode: `load_dataset(folder, streaming=True)`; it has no validation split."""
    args = _args(dataset_name=shards["jsonl"], image_root=shards["jsonl"], negatives="given")
    source, validation = load_streaming_datasets(args, seed=7)
    rows = [row for record in source.dataset.take(3) for row in source.to_rows(record)]
    assert _numbers(rows) == [0, 1, 2] and all(os.path.isfile(row["image"]) for row in rows)
    assert validation is None


@pytest.mark.parametrize("kind", ["validation", "tar"])
def test_validation_is_read_in_full_and_parsed_once(shards, kind):
    """A .jsonl file goes through the map-style readers; shards are streamed to their end and kept in memory."""
    args = _args(train_file=shards["tar"], validation_file=shards[kind], negatives="given", max_eval_samples=10)
    _, validation = load_streaming_datasets(args, seed=7)
    expected = list(range(1000, 1006)) if kind == "validation" else list(range(10))
    assert sorted(_numbers(validation)) == expected
    assert all(triples for triples in validation["triples"])  # parsed once, like the map-style path
    assert validation[0]["image"] is not None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"max_train_steps": None}, "--streaming needs --max_train_steps"),
        ({"checkpointing_steps": "epoch"}, "a stream has no epochs"),
        ({"validation_split_percentage": 5}, "--validation_file"),
        ({"max_train_samples": 10}, "--max_train_steps bounds"),
        ({"verify_images": True}, "cannot be decoded up front"),
        ({"shuffle_buffer_size": -1}, "--shuffle_buffer_size must be >= 0"),
    ],
)
def test_options_a_stream_cannot_honour_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        _args(**overrides)


def _train(shards, output_dir, *extra, tar_folder=None):
    train_cli.train_main(
        ["--model", shards["model"], "--streaming", "--train_file", os.path.join(tar_folder or shards["tar"], "*.tar"),
         "--output_dir", str(output_dir), "--max_train_steps", "6", "--per_device_train_batch_size", "4",
         "--dataloader_num_workers", "2", "--shuffle_buffer_size", "16", "--learning_rate", "1e-3",
         "--seed", "11", "--disable_tqdm", "true", *extra]
    )  # fmt: skip
    with open(output_dir / "results.jsonl") as handle:
        return [record for record in map(json.loads, handle) if record["type"] == "train"]


@pytest.mark.slow
def test_a_streamed_run_resumes_exactly(shards, tmp_path):
    """6 steps straight = 3 steps, a kill, and a resume to 6: the same per-step losses and the same weights.

    2 DataLoader workers and a kill after an odd number of batches, so the resumed loader must start at the
    second worker's sub-stream; the tiny KEE keeps its dropout, so the RNG state must be restored too. Even
    samples carry no triples: they are parsed (and given a negative) in the workers.
    """
    straight = _train(shards, tmp_path / "straight")
    killed = _train(shards, tmp_path / "resumed", "--checkpointing_steps", "3", "--stop_after_steps", "3")
    assert [record["step"] for record in killed] == [1, 2, 3]
    resumed = _train(shards, tmp_path / "resumed", "--resume_from_checkpoint", "latest")
    assert [record["step"] for record in resumed] == [1, 2, 3, 4, 5, 6]
    assert [record["loss"] for record in resumed] == [record["loss"] for record in straight]
    assert len({record["loss"] for record in straight}) == 6  # every step saw other samples
    state = StructureCLIPModel.from_pretrained(tmp_path / "straight").state_dict()
    state_resumed = StructureCLIPModel.from_pretrained(tmp_path / "resumed").state_dict()
    assert [name for name in state if not torch.equal(state[name], state_resumed[name])] == []
    position = torch.load(tmp_path / "resumed" / "checkpoints" / "checkpoint_3" / "custom_checkpoint_2.pkl",
                          weights_only=False)  # fmt: skip
    assert position["batches_consumed"] == 3 and position["samples_consumed_per_process"] == 12


@pytest.mark.slow
def test_two_processes_read_disjoint_samples(shards, tmp_path):
    """torchrun, 2 CPU ranks x 2 DataLoader workers each: the ranks' batches never share a sample."""
    worker = Path(__file__).resolve().parent / "streaming_rank_worker.py"
    command = torchrun_two_ranks(str(worker), shards["tar"], str(tmp_path))
    env = dict(os.environ, OMP_NUM_THREADS="1", ACCELERATE_USE_CPU="1", HF_HUB_OFFLINE="1",
               PYTHONPATH=pythonpath_with_repo_root())  # fmt: skip
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    seen = [json.loads((tmp_path / f"rank_{rank}.json").read_text()) for rank in (0, 1)]
    assert [len(numbers) for numbers in seen] == [60 * 2, 60 * 2]  # 2 x 2 sub-streams of one 60-sample shard
    assert not set(seen[0]) & set(seen[1])
    assert sorted(seen[0] + seen[1]) == list(range(NUM_SAMPLES))
    position = json.loads((tmp_path / "position.json").read_text())
    assert position["rows_consumed_per_process"] == [[60, 60], [60, 60]]  # both ranks' rows, per sub-stream


# --skip_bad_images: unreadable images are dropped as they stream, and resume still continues exactly.

BROKEN = frozenset({3, 4, 5, 50, 61, 130, 131, 200})


@pytest.fixture(scope="module")
def broken_tar(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken_stream") / "tar"
    write_tar_shards(folder, num_shards=4, per_shard=60, broken=BROKEN)
    return str(folder)


def _decoded_numbers(rows):
    assert all(isinstance(row["image"], Image.Image) for row in rows)  # decoded once, by the filter
    return _numbers(rows)


@pytest.mark.parametrize("num_workers", [0, 2])
def test_unreadable_images_are_dropped_and_a_resumed_stream_continues_exactly(broken_tar, tmp_path, num_workers):
    layout = StreamLayout(1, num_workers, batch_size=8, seed=7, shuffle_buffer_size=16)
    source = _unparsed_source(broken_tar, skip_bad_images=True, output_dir=str(tmp_path))

    def batches(state, count):
        position = StreamPosition(layout)
        if state is not None:
            position.load_state_dict(state)
        loader = StreamLoader(TrainingStream(source, _decoded_numbers, layout, rank=0), position, torch.device("cpu"))
        return [batch for _, batch in zip(range(count), loader, strict=False)], position.state_dict()

    straight, _ = batches(None, 36)
    assert all(len(batch) == 8 for batch in straight)
    # 288 rows: more than one pass over the 232 readable samples, and never a broken one.
    assert {number for batch in straight for number in batch} == set(range(NUM_SAMPLES)) - BROKEN
    with open(tmp_path / "bad_images.jsonl") as handle:
        reported = [json.loads(line) for line in handle]
    assert {sample_number(record["caption"]) for record in reported} == BROKEN
    assert all(record["error"] for record in reported)
    assert all(record["image"].endswith(".tar)") and "train-0000" in record["image"] for record in reported)

    by_batch_count = []
    for start in (3, 5, 31):
        _, state = batches(None, start)
        assert sum(state["rows_consumed_per_process"][0]) > start * 8  # bad rows were used up too
        assert batches(state, 4)[0] == straight[start : start + 4], f"resumed at batch {start}"
        # Without the row counts (an earlier checkpoint's state), batches x size rows would be skipped: wrong here.
        state = {key: value for key, value in state.items() if key != "rows_consumed_per_process"}
        by_batch_count.append(batches(state, 4)[0] == straight[start : start + 4])
    assert not all(by_batch_count)


def test_a_streamed_run_skips_bad_images_and_lists_them(shards, broken_tar, tmp_path):
    with pytest.raises(OSError, match="--skip_bad_images"):
        _train(shards, tmp_path / "stops", "--shuffle_buffer_size", "0", tar_folder=broken_tar)
    records = _train(shards, tmp_path / "skips", "--skip_bad_images", "true", tar_folder=broken_tar)
    assert [record["step"] for record in records] == [1, 2, 3, 4, 5, 6]
    with open(tmp_path / "skips" / "bad_images.jsonl") as handle:
        assert {sample_number(json.loads(line)["caption"]) for line in handle} <= BROKEN
