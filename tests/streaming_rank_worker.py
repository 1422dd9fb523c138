"""Run under torchrun by test_train_streaming.py: which samples does this rank's stream give it?

Reads the first pass of this rank's sub-streams (2 DataLoader workers) through the same `stream_loader` the
training loop uses, with batches reduced to their sample numbers, and writes them to <out>/rank_<rank>.json,
and the checkpointed stream position (gathered from both ranks) to <out>/position.json.
"""

import json
import sys
from pathlib import Path

from structure_clip.training.arguments import StructureCLIPTrainArgs
from structure_clip.training.loop import make_accelerator, stream_loader
from structure_clip.training.streaming_data import open_training_stream
from tests.streaming_shards import sample_number


def sample_numbers(rows):
    return [sample_number(row["caption"]) for row in rows]


def as_is(rows):
    return rows


def main(shard_folder: str, out: str) -> None:
    args = StructureCLIPTrainArgs(train_file=shard_folder, streaming=True, max_train_steps=1, output_dir=out,
                                  per_device_train_batch_size=4, dataloader_num_workers=2, shuffle_buffer_size=16)  # fmt: skip
    accelerator = make_accelerator(args)
    source = open_training_stream(args)
    source.add_scene_graphs = as_is
    loader = stream_loader(accelerator, args, source, sample_numbers)
    batches = [batch for _, batch in zip(range(30), loader, strict=False)]  # 120 rows: this rank's 2 shards
    numbers = [number for batch in batches for number in batch]
    Path(out, f"rank_{accelerator.process_index}.json").write_text(json.dumps(numbers))
    state = loader.position.state_dict()  # collective, as in `Accelerator.save_state`: every rank calls it
    if accelerator.is_main_process:
        Path(out, "position.json").write_text(json.dumps(state))


if __name__ == "__main__":
    main(*sys.argv[1:])
