"""The world cache: a split is rendered (and encoded) once per settings; other settings build afresh; the
evaluation CLI reuses the demo's test splits."""

import pytest
import torch

from structure_clip.synthetic import ablation, world
from structure_clip.synthetic.arguments import AblationArguments
from structure_clip.synthetic.benchmark import load_synthetic_world
from structure_clip.synthetic.world import build_synthetic_dataset, build_synthetic_processor
from structure_clip.synthetic.world_cache import processor_fingerprint


ONLY_TESTS = {"train": 0, "validation": 0, "test_relation_swap": 6, "test_attribute_swap": 6, "test_retrieval": 5}


@pytest.fixture
def count_renders(monkeypatch):
    calls = []
    real = world.render_split

    def counting(split, *args, **kwargs):
        calls.append(split)
        return real(split, *args, **kwargs)

    monkeypatch.setattr(world, "render_split", counting)
    return calls


def test_second_build_reads_the_cache_and_equals_the_first(tmp_path, count_renders):
    first = build_synthetic_dataset(seed=4, split_sizes=ONLY_TESTS, cache_dir=tmp_path)
    assert sorted(count_renders) == ["test_attribute_swap", "test_relation_swap", "test_retrieval"]
    second = build_synthetic_dataset(seed=4, split_sizes=ONLY_TESTS, cache_dir=tmp_path)
    assert len(count_renders) == 3  # nothing rendered again
    uncached = build_synthetic_dataset(seed=4, split_sizes=ONLY_TESTS)
    for split in ONLY_TESTS:
        if ONLY_TESTS[split]:
            assert second[split]["caption"] == first[split]["caption"] == uncached[split]["caption"]
            assert [image.tobytes() for image in second[split]["image"]] == [
                image.tobytes() for image in uncached[split]["image"]
            ]


def test_changed_settings_build_afresh(tmp_path, count_renders):
    build_synthetic_dataset(seed=4, split_sizes=ONLY_TESTS, cache_dir=tmp_path)
    build_synthetic_dataset(seed=5, split_sizes=ONLY_TESTS, cache_dir=tmp_path)  # another seed: all three again
    assert len(count_renders) == 6
    build_synthetic_dataset(seed=4, split_sizes={**ONLY_TESTS, "test_retrieval": 7}, cache_dir=tmp_path)
    assert count_renders[6:] == ["test_retrieval"]  # only the resized split


def _tiny_demo_args(cache_dir=None):
    return AblationArguments(
        num_train_examples=8,
        num_validation_examples=4,
        num_test_examples=6,
        num_retrieval_examples=5,
        curriculum_steps=0,
        disable_tqdm=True,
        world_cache_dir=cache_dir,
    )


def test_demo_reuses_encoded_splits_and_evaluation_reuses_its_world(tmp_path, monkeypatch, count_renders):
    monkeypatch.setenv("STRUCTURE_CLIP_CACHE", str(tmp_path))  # the default folder, as a user's run has it
    processor = build_synthetic_processor()
    first = ablation.build_data(_tiny_demo_args(), processor)
    assert len(list((tmp_path / "synthetic_world").glob("encoded-*.pt"))) == 5
    renders = len(count_renders)
    assert renders == 5

    def no_encoding(*args, **kwargs):
        raise AssertionError("encoded again despite the cache")

    monkeypatch.setattr(ablation, "encode_split", no_encoding)
    second = ablation.build_data(_tiny_demo_args(), processor)
    for split, encoded in first.items():
        assert encoded.tensors.keys() == second[split].tensors.keys()
        assert all(torch.equal(encoded.tensors[key], second[split].tensors[key]) for key in encoded.tensors)
        assert torch.equal(encoded.relation_swap, second[split].relation_swap)
    # evaluate_structure_clip.py --tasks synthetic with the same seed and sizes renders nothing
    evaluation_world = load_synthetic_world(seed=0, split_sizes=ONLY_TESTS)
    assert len(count_renders) == renders and len(evaluation_world["test_relation_swap"]) == 6


def test_world_cache_dir_none_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("STRUCTURE_CLIP_CACHE", str(tmp_path))
    ablation.build_data(_tiny_demo_args("none"), build_synthetic_processor())
    assert not any(tmp_path.iterdir())


def test_processor_settings_are_part_of_the_encoded_fingerprint():
    processor = build_synthetic_processor()
    before = processor_fingerprint(processor)
    assert processor_fingerprint(build_synthetic_processor()) == before
    processor.image_processor.crop_size = {"height": 32, "width": 32}
    assert processor_fingerprint(processor) != before
