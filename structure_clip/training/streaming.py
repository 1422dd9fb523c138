"""Endless, resumable training batches from a `datasets.IterableDataset` (`examples/train.py --streaming`).

How the stream is cut. Every (process, DataLoader worker) pair reads its own sub-stream: with P processes and
W workers there are P x W sub-streams, and sub-stream `rank + P * worker` takes shards `rank + P * worker`,
`+ P * W`, ... (`IterableDataset.shard(P * W, index, contiguous=False)`). That is the split `datasets` itself
makes (`split_dataset_by_node` deals shards to processes round robin, then a process's DataLoader deals them
to its workers round robin), done in one step so that this module, not the DataLoader, decides which worker
reads what. With fewer shards than sub-streams, every sub-stream reads everything and keeps 1 row in P x W
(`split_dataset_by_node`'s example split: correct, but each file is read P x W times).

A sub-stream shuffles with a buffer (`IterableDataset.shuffle(seed, buffer_size)`, which also shuffles the
shard order), parses captions and builds negatives batch by batch, collates, and starts over with the next
pass (`set_epoch`) when its data runs out, so every process can take exactly --max_train_steps steps.

Exact resume. A DataLoader over an IterableDataset takes batch i from worker i mod W. The only position a
checkpoint needs is the number of batches the process consumed, B (`StreamPosition`): sub-stream w has then
given `batches_taken(B, w, W)` batches, which a resumed run skips row by row without decoding images or
parsing captions, and physical worker j plays sub-stream (j + B) mod W, so that batch B comes from the
sub-stream whose turn it was. Resuming needs the same processes, workers, batch size, seed and shuffle
buffer; `StreamPosition` refuses a checkpoint cut another way. The cost: a resumed run re-reads (without
decoding) everything its sub-streams consumed, since `IterableDataset.state_dict()` would lose the rows in
the shuffle buffer (its documented limitation) and so would not resume exactly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import NamedTuple

import datasets
import torch
from datasets.distributed import split_dataset_by_node

from structure_clip.training.streaming_bad_images import BadImageFilter


logger = logging.getLogger(__name__)

READ_BATCH_ROWS = 256  # records fetched per `IterableDataset.iter` call; any size gives the same rows in order


@dataclass
class StreamingSource:
    """What `run_training` takes as `train_dataset` for a streamed run (built by streaming_data.py).

    dataset: the raw records, images undecoded; to_rows: one record -> its schema rows; add_scene_graphs:
    a list of rows -> the same rows with triples and negatives (run per batch, in the DataLoader workers).
    """

    dataset: datasets.IterableDataset
    to_rows: Callable[[dict], list[dict]]
    add_scene_graphs: Callable[[list[dict]], list[dict]]
    shuffle_buffer_size: int = 1000
    seed: int = 0
    # --skip_bad_images: rows whose image cannot be decoded are dropped as they stream (streaming_bad_images.py)
    # and a batch is filled up from the rows after them; None = a bad image stops training at its batch.
    bad_images: BadImageFilter | None = None


@dataclass
class StreamLayout:
    """How a stream is cut and batched; a resumed run must match it to continue exactly."""

    num_processes: int
    num_workers: int  # DataLoader workers per process (0 = read in the main process)
    batch_size: int
    seed: int
    shuffle_buffer_size: int

    @property
    def streams_per_process(self) -> int:
        return max(1, self.num_workers)


def batches_taken(batches_consumed: int, stream: int, streams_per_process: int) -> int:
    """How many of a process's first `batches_consumed` batches came from its sub-stream `stream` (round robin)."""
    return batches_consumed // streams_per_process + (1 if stream < batches_consumed % streams_per_process else 0)


class StreamBatch(NamedTuple):
    """A collated batch with where it came from: its sub-stream (of this process) and the rows it used up.

    rows_read is the batch size, or more when unreadable images were dropped (--skip_bad_images).
    """

    batch: dict
    stream: int
    rows_read: int


class TrainingStream(torch.utils.data.IterableDataset):
    """Collated batches for one process: endless, and starting after `start_batch` batches (see the module doc)."""

    def __init__(self, source: StreamingSource, collate_fn: Callable, layout: StreamLayout, rank: int):
        if not hasattr(source.dataset, "shard"):
            raise ImportError(
                f"--streaming needs IterableDataset.shard and .num_shards (datasets 3.1 and later); this is datasets "
                f"{datasets.__version__}. Run: pip install -U datasets"
            )
        self.source, self.collate_fn, self.layout, self.rank = source, collate_fn, layout, rank
        self.start_batch = 0
        self.start_rows: list[int] | None = None  # rows used up per sub-stream; set with start_batch by StreamLoader

    def __iter__(self) -> Iterator[StreamBatch]:
        worker = torch.utils.data.get_worker_info()
        streams = self.layout.streams_per_process
        stream = ((worker.id if worker else 0) + self.start_batch) % streams
        rows = self.endless_rows(self.rank + self.layout.num_processes * stream)
        rows = islice(rows, self.rows_to_skip(stream), None)
        batch_size = self.layout.batch_size
        while True:
            if self.source.bad_images is None:
                batch, read = list(islice(rows, batch_size)), batch_size
            else:
                batch, read = self.source.bad_images.readable_rows(rows, batch_size, self.rank, stream)
            yield StreamBatch(self.collate_fn(self.source.add_scene_graphs(batch)), stream, read)

    def rows_to_skip(self, stream: int) -> int:
        """Rows sub-stream `stream` used up before `start_batch` (`StreamPosition.rows_per_stream`; none at first)."""
        return self.start_rows[stream] if self.start_rows is not None else 0

    @property
    def num_sub_streams(self) -> int:
        return self.layout.num_processes * self.layout.streams_per_process

    def sub_stream(self, index: int, epoch: int) -> datasets.IterableDataset:
        """Sub-stream `index` of all `num_sub_streams`, in pass `epoch` (shuffled per pass)."""
        shuffled = self.source.dataset
        if self.source.shuffle_buffer_size > 0:
            shuffled = shuffled.shuffle(seed=self.source.seed, buffer_size=self.source.shuffle_buffer_size)
        if shuffled.num_shards >= self.num_sub_streams:  # whole shards, round robin (as split_dataset_by_node)
            part = shuffled.shard(num_shards=self.num_sub_streams, index=index, contiguous=False)
        else:  # fewer shards than sub-streams: every sub-stream keeps 1 row in num_sub_streams
            part = split_dataset_by_node(shuffled, rank=index, world_size=self.num_sub_streams)
        part.set_epoch(epoch)
        return part

    def describe_split(self) -> str:
        shards, streams = self.source.dataset.num_shards, self.num_sub_streams
        if shards >= streams:
            return f"{shards} shards over {streams} sub-streams (processes x workers): whole shards each"
        return (
            f"{shards} shards for {streams} sub-streams (processes x workers): each sub-stream reads every shard "
            f"and keeps 1 row in {streams}; more shards than sub-streams would read each file once"
        )

    def rows_of_pass(self, index: int, epoch: int) -> Iterator[dict]:
        """Schema rows (not yet parsed) of sub-stream `index` in one pass over its data."""
        # `iter()`, not `for record in part`: inside a DataLoader worker `datasets` would split the
        # sub-stream again by the worker's id, while here the worker already chose its sub-stream.
        for records in self.sub_stream(index, epoch).iter(batch_size=READ_BATCH_ROWS):
            for position in range(len(next(iter(records.values())))):
                yield from self.source.to_rows({key: values[position] for key, values in records.items()})

    def endless_rows(self, index: int) -> Iterator[dict]:
        epoch = 0
        while True:
            count = 0
            for row in self.rows_of_pass(index, epoch):
                count += 1
                yield row
            if count == 0:
                raise ValueError(
                    f"training sub-stream {index} of {self.num_sub_streams} holds no row: the data has fewer "
                    f"usable rows than processes x DataLoader workers ({self.layout.num_processes} x "
                    f"{self.layout.streams_per_process}); use fewer workers or more data."
                )
            epoch += 1


@dataclass
class StreamPosition:
    """The checkpointed position of a streamed run (Accelerate `register_for_checkpointing`).

    Every process consumes the same number of batches, so one count places the DataLoader's round robin. The
    rows each sub-stream used up are recorded too, per process: with --skip_bad_images a batch may use up more
    rows than its size, and how many more differs from process to process.
    """

    layout: StreamLayout
    batches_consumed: int = 0
    rank: int = 0
    rows_consumed: list[int] | None = None  # per sub-stream of this process; None: batches x batch size
    resumed: bool = field(default=False, repr=False)

    def count(self, item: StreamBatch) -> None:
        rows = self.rows_per_stream()
        rows[item.stream] += item.rows_read
        self.rows_consumed = rows
        self.batches_consumed += 1

    def rows_per_stream(self) -> list[int]:
        if self.rows_consumed is not None:
            return list(self.rows_consumed)
        streams = self.layout.streams_per_process
        return [
            batches_taken(self.batches_consumed, stream, streams) * self.layout.batch_size for stream in range(streams)
        ]

    def state_dict(self) -> dict:
        # Called on every process by `Accelerator.save_state` (only the main process writes the file), so the
        # other processes' row counts are gathered here.
        return {
            "batches_consumed": self.batches_consumed,
            "samples_consumed_per_process": self.batches_consumed * self.layout.batch_size,
            "rows_consumed_per_process": _from_every_process(self.rows_per_stream()),
            "layout": asdict(self.layout),
        }

    def load_state_dict(self, state: dict) -> None:
        saved = state.get("layout")
        if saved != asdict(self.layout):
            raise ValueError(
                f"the checkpoint's stream was cut as {saved}, this run's as {asdict(self.layout)}: the data "
                "order would differ. Resume with the same number of processes, --dataloader_num_workers, "
                "--per_device_train_batch_size, --seed and --shuffle_buffer_size."
            )
        self.batches_consumed = int(state["batches_consumed"])
        per_process = state.get("rows_consumed_per_process")  # absent in checkpoints of earlier versions
        self.rows_consumed = [int(rows) for rows in per_process[self.rank]] if per_process else None
        self.resumed = True


def _from_every_process(value: list[int]) -> list[list[int]]:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        gathered: list = [None] * dist.get_world_size()
        dist.all_gather_object(gathered, value)
        return gathered
    return [value]


def _as_is(batch):
    return batch


class StreamLoader:
    """Batches of a `TrainingStream` on the training device, counted into a `StreamPosition` as they are consumed.

    Not passed through `accelerator.prepare`: each process already reads its own sub-streams, while
    Accelerate would dispatch one stream's batches from the main process or cut every batch by rank.
    """

    def __init__(self, stream: TrainingStream, position: StreamPosition, device, pin_memory: bool = False):
        self.stream, self.position, self.device, self.pin_memory = stream, position, device, pin_memory

    def __iter__(self) -> Iterator[dict]:
        from accelerate.utils import send_to_device

        self.stream.start_batch = self.position.batches_consumed
        self.stream.start_rows = self.position.rows_per_stream()
        loader = torch.utils.data.DataLoader(
            self.stream,
            batch_size=None,  # the stream yields collated batches
            collate_fn=_as_is,
            num_workers=self.stream.layout.num_workers,
            pin_memory=self.pin_memory,
            # Its own generator: creating the iterator must not draw on the global RNG that dropout uses, or a
            # resumed run (which creates it after restoring the RNG) would get other dropout masks.
            generator=torch.Generator().manual_seed(self.stream.layout.seed),
        )
        for item in loader:
            # Counted before the step runs: a checkpoint written during this step includes this batch.
            self.position.count(item)
            yield send_to_device(item.batch, self.device, non_blocking=self.pin_memory)
