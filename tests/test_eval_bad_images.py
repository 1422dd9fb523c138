"""The evaluation CLI on broken inputs: malformed annotation JSON and unreadable images name their file and item."""

import json
import logging

import pytest

from structure_clip.evaluation import benchmarks as bench
from structure_clip.evaluation import runner as evaluate
from tests.eval_fixtures import save_tiny_clip, write_aro, write_sugarcrepe, write_winoground_release


@pytest.fixture(scope="module")
def tiny_clip_dir(tmp_path_factory):
    return save_tiny_clip(tmp_path_factory.mktemp("tiny_clip"))


def _cut_short(path):
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def test_a_malformed_aro_json_names_its_path_and_line(tmp_path):
    root = write_aro(tmp_path / "aro")
    annotation = root / "visual_genome_relation.json"
    annotation.write_text(json.dumps(json.loads(annotation.read_text()), indent=1))
    _cut_short(annotation)
    with pytest.raises(ValueError, match=r"visual_genome_relation.json: not valid JSON at line \d+, column \d+"):
        bench.read_aro(annotation, root / "images", "vg_relation")


def test_a_malformed_sugarcrepe_file_and_winoground_line_name_their_path_and_line(tmp_path):
    folder = write_sugarcrepe(tmp_path / "sugarcrepe", tmp_path / "val2017")
    _cut_short(folder / "swap_att.json")
    with pytest.raises(ValueError, match=r"swap_att.json: not valid JSON at line 1"):
        bench.read_sugarcrepe(folder, tmp_path / "val2017")
    winoground = write_winoground_release(tmp_path / "winoground", num_items=3)
    lines = (winoground / "examples.jsonl").read_text().splitlines()
    lines[1] = lines[1][:20]
    (winoground / "examples.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"examples.jsonl: not valid JSON at line 2,"):
        bench.read_winoground(winoground)


@pytest.fixture
def aro_with_a_broken_image(tmp_path):
    root = write_aro(tmp_path / "aro")
    _cut_short_bytes(root / "images" / "101.jpg")
    return root


def _cut_short_bytes(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_an_unreadable_benchmark_image_names_its_file_and_record(aro_with_a_broken_image):
    items = bench.read_aro(
        aro_with_a_broken_image / "visual_genome_relation.json", aro_with_a_broken_image / "images", "vg_relation"
    )
    with pytest.raises(OSError, match=r"101.jpg \(visual_genome_relation.json record 1\).*--skip_bad_images"):
        bench.LazyImages([item.image for item in items])[1]


def _cli(model_dir, aro_root, output_dir, *flags):
    return evaluate.main(
        [
            "--model_name_or_path",
            str(model_dir),
            "--output_dir",
            str(output_dir),
            "--device",
            "cpu",
            "--tasks",
            "vg_relation",
            "--aro_dir",
            str(aro_root),
            "--aro_dropped_relations",
            str(_dropped(aro_root)),
            *flags,
        ]
    )


def _dropped(root):
    path = root / "dropped.json"
    path.write_text(json.dumps(["covering"]))
    return path


def test_verify_images_stops_before_scoring_and_lists_the_file(
    tiny_clip_dir, aro_with_a_broken_image, tmp_path, caplog
):
    with pytest.raises(SystemExit) as exit_info:
        _cli(tiny_clip_dir, aro_with_a_broken_image, tmp_path / "out", "--verify_images", "true")
    assert exit_info.value.code == 2 and "1 vg_relation images cannot be read" in caplog.text
    listed = (tmp_path / "out" / "vg_relation_bad_images.txt").read_text()
    assert "101.jpg (visual_genome_relation.json record 1)" in listed
    assert not (tmp_path / "out" / "vg_relation.json").exists()


def test_skip_bad_images_leaves_out_the_items_and_says_so(tiny_clip_dir, aro_with_a_broken_image, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="structure_clip.evaluation.benchmarks"):
        results = _cli(tiny_clip_dir, aro_with_a_broken_image, tmp_path / "out", "--skip_bad_images", "true")
    assert "left out 1 of 3 items" in caplog.text
    assert (tmp_path / "out" / "vg_relation_bad_images.txt").is_file()
    assert results["vg_relation"]["metrics"]["num_items"] == 2
