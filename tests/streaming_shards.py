"""Synthetic training shards for the streaming tests: WebDataset-style .tar files and JSON Lines files.

Every sample has a distinct caption ("... number 17"), so a test can tell which samples a process read.
Odd samples carry the original's triples and negative; even ones carry only a caption, which the stream
parses (and builds a negative for) on the fly.
"""

from __future__ import annotations

import io
import json
import os
import tarfile

from PIL import Image

from tests.train_tiny_setup import CAPTIONS, COLOURS


def sample_image(index: int) -> Image.Image:
    image = Image.new("RGB", (30, 30), (128, 128, 128))
    offset = (index * 5) % 18
    image.paste(list(COLOURS.values())[index % len(COLOURS)], (offset, offset, offset + 12, offset + 12))
    return image


def sample_record(index: int) -> dict:
    caption, triples, negative, negative_triples = CAPTIONS[index % len(CAPTIONS)]
    record = {"caption": f"{caption} number {index}"}
    if index % 2:
        record.update(
            triples=triples, negative_caption=f"{negative} number {index}", negative_triples=negative_triples
        )
    return record


def _png(index: int) -> bytes:
    buffer = io.BytesIO()
    sample_image(index).save(buffer, format="PNG")
    return buffer.getvalue()


def _add_member(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def write_tar_shards(folder, num_shards: int = 4, per_shard: int = 60, broken: frozenset = frozenset()) -> list[str]:
    """`num_shards` tar files of `per_shard` samples, each `<key>.png` + `<key>.json` (webdataset's layout).

    The samples numbered in `broken` get a `.png` member that is not an image.
    """
    os.makedirs(folder, exist_ok=True)
    paths = []
    for shard in range(num_shards):
        path = os.path.join(folder, f"train-{shard:05d}.tar")
        with tarfile.open(path, "w") as tar:
            for offset in range(per_shard):
                index = shard * per_shard + offset
                _add_member(tar, f"{index:06d}.png", b"not an image" if index in broken else _png(index))
                _add_member(tar, f"{index:06d}.json", json.dumps(sample_record(index)).encode())
        paths.append(path)
    return paths


def write_jsonl_shards(folder, num_shards: int = 2, per_shard: int = 30, start: int = 0) -> list[str]:
    """JSON Lines files of `{image, caption, ...}` records; their PNGs go to the sibling `<folder>_images`, named
    relative to the shard (so `folder` holds only JSON Lines, as a `--dataset_name` folder must)."""
    folder = str(folder)
    images = folder + "_images"
    os.makedirs(folder, exist_ok=True)
    os.makedirs(images, exist_ok=True)
    paths = []
    for shard in range(num_shards):
        path = os.path.join(folder, f"part-{shard:05d}.jsonl")
        with open(path, "w") as handle:
            for offset in range(per_shard):
                index = start + shard * per_shard + offset
                image = os.path.join(images, f"{index}.png")
                sample_image(index).save(image)
                record = {"image": os.path.relpath(image, folder), **sample_record(index)}
                handle.write(json.dumps(record) + "\n")
        paths.append(path)
    return paths


def sample_number(caption: str) -> int:
    return int(caption.rsplit(" ", 1)[1])
