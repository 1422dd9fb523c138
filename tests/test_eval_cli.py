"""evaluate_structure_clip.py end to end on tiny offline models, and the scorers against the models' own forward pass."""

import json
import logging

import pytest
import torch
from PIL import Image

from structure_clip.evaluation import runner as evaluate
from structure_clip.evaluation.scorers import (
    CLIPEmbeddingScorer,
    StructureCLIPEmbeddingScorer,
    load_scorer,
    scorer_for_model,
)
from tests.eval_fixtures import (
    make_image,
    save_tiny_clip,
    write_aro,
    write_karpathy_blip_json,
    write_sugarcrepe,
    write_winoground_release,
)


SYNTHETIC_SIZE = "4"


@pytest.fixture(scope="module")
def fixture_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval_data")
    write_aro(root / "aro")
    annotations = write_karpathy_blip_json(root / "coco", num_images=3)
    write_sugarcrepe(root / "sugarcrepe", root / "val2017")
    write_winoground_release(root / "winoground")
    # A stand-in for shared/data/aro/vg_relation_dropped_157.json, so the CLI tests run without shared/
    # (test_eval_benchmarks checks the real list where it exists). "adjusting" is one of the 157.
    (root / "dropped.json").write_text(json.dumps(["adjusting", "covering"]))
    return {
        "--aro_dir": root / "aro",
        "--aro_dropped_relations": root / "dropped.json",
        "--coco_annotations": annotations,
        "--coco_image_dir": root / "coco",
        "--flickr_annotations": annotations,  # same Karpathy format; exercises the flickr_* options
        "--flickr_image_dir": root / "coco",
        "--sugarcrepe_dir": root / "sugarcrepe",
        "--coco_val2017_dir": root / "val2017",
        "--winoground_dir": root / "winoground",
    }


@pytest.fixture(scope="module")
def tiny_clip_dir(tmp_path_factory):
    return save_tiny_clip(tmp_path_factory.mktemp("tiny_clip"))


@pytest.fixture(scope="module")
def tiny_structure_clip_dir(tmp_path_factory):
    from modeling_structure_clip import StructureCLIPModel
    from tests.tiny_models import tiny_structure_clip_config
    from tests.tiny_processors import CLIP_SPECIAL_IDS, make_tiny_processor, tiny_vocab_sizes

    directory = tmp_path_factory.mktemp("tiny_structure_clip")
    sizes = tiny_vocab_sizes()
    config = tiny_structure_clip_config(
        text_config=dict(vocab_size=sizes["text"], **CLIP_SPECIAL_IDS),
        knowledge_config=dict(vocab_size=sizes["knowledge"]),
    )
    torch.manual_seed(0)
    StructureCLIPModel(config).save_pretrained(directory)
    make_tiny_processor(directory)
    return directory


def _cli_args(model_dir, output_dir, data, tasks):
    args = [
        "--model_name_or_path",
        str(model_dir),
        "--output_dir",
        str(output_dir),
        "--device",
        "cpu",
        "--batch_size",
        "4",
        "--synthetic_test_size",
        SYNTHETIC_SIZE,
        "--tasks",
        *tasks,
    ]
    for option, path in data.items():
        args += [option, str(path)]
    return args


def test_evaluate_cli_all_tasks_on_tiny_clip(tiny_clip_dir, fixture_data, tmp_path):
    results = evaluate.main(_cli_args(tiny_clip_dir, tmp_path, fixture_data, ["all"]))
    expected = {
        "vg_relation",
        "vg_attribution",
        "coco_order",
        "flickr_order",
        "sugarcrepe",
        "winoground",
        "coco_retrieval",
        "flickr_retrieval",
        "synthetic_relation_swap",
        "synthetic_attribute_swap",
        "synthetic_retrieval",
    }
    assert set(results) == expected
    for dataset in expected:
        record = json.loads((tmp_path / f"{dataset}.json").read_text())  # strict JSON: NaN written as null
        assert set(record) == {"dataset", "model", "pretrained", "task", "metrics", "language", "max_items"}
        assert record["max_items"] is None  # a full run
        assert record["dataset"] == dataset and record["model"] == "clip" and record["language"] == "en"
        assert record["pretrained"] == str(tiny_clip_dir)
    assert results["vg_relation"]["metrics"]["num_items"] == 2  # "adjusting" is one of the 157 dropped names
    assert json.loads((tmp_path / "vg_relation.json").read_text())["metrics"]["macro_accuracy_min25"] is None
    assert results["coco_order"]["metrics"]["num_items"] == 12
    assert results["coco_retrieval"]["task"] == "zeroshot_retrieval"
    assert results["synthetic_relation_swap"]["metrics"]["num_items"] == int(SYNTHETIC_SIZE)
    for name in ("vg_relation", "vg_attribution"):
        assert (tmp_path / f"{name}_per_group.csv").read_text().startswith("group,accuracy,count,in_min25_macro")
    table = (tmp_path / "results.md").read_text()
    assert "| sugarcrepe | SWAP_accuracy |" in table and "| winoground | group_score |" in table


def test_evaluate_cli_max_items(tiny_clip_dir, fixture_data, tmp_path, capsys, caplog):
    with caplog.at_level(logging.INFO):
        results = evaluate.main(
            _cli_args(tiny_clip_dir, tmp_path, fixture_data, ["coco_retrieval", "sugarcrepe"]) + ["--max_items", "2"]
        )
    assert results["coco_retrieval"]["metrics"]["num_images"] == 2
    assert results["sugarcrepe"]["metrics"]["add_att_num_items"] == 2
    assert json.loads((tmp_path / "coco_retrieval.json").read_text())["max_items"] == 2  # export_to_hub refuses it
    # The table is printed once (stdout), not logged as well.
    assert capsys.readouterr().out.count("| coco_retrieval | image_to_text_R@1 |") == 1
    assert "| dataset | metric | value |" not in caplog.text


def test_evaluate_cli_missing_data_exits_with_a_clear_message(tiny_clip_dir, tmp_path, caplog):
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exit_info:
        evaluate.main(
            ["--model_name_or_path", str(tiny_clip_dir), "--output_dir", str(tmp_path), "--tasks", "winoground"]
        )
    assert exit_info.value.code == 2
    assert "Winoground folder not found" in caplog.text and "--winoground_dir" in caplog.text


def test_evaluate_cli_rejects_unknown_task(tiny_clip_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown task"):
        evaluate.main(
            ["--model_name_or_path", str(tiny_clip_dir), "--output_dir", str(tmp_path), "--tasks", "imagenet"]
        )


def test_clip_scorer_matches_clip_forward(tiny_clip_dir, tmp_path):
    scorer = load_scorer(str(tiny_clip_dir), batch_size=2, show_progress=False)
    assert isinstance(scorer, CLIPEmbeddingScorer) and scorer.kind == "clip"
    images = [Image.open(make_image(tmp_path / f"{i}.png", i)) for i in range(3)]
    texts = ["a red dog", "a blue cat on a mat", "two birds"]
    image_embeds, text_embeds = scorer.encode_images(images), scorer.encode_texts(texts)
    assert torch.allclose(image_embeds.norm(dim=-1), torch.ones(3)) and image_embeds.shape == (3, 16)
    inputs = scorer.processor(text=texts, images=images, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = scorer.model(**inputs).logits_per_image / scorer.model.logit_scale.exp()
    assert torch.allclose(scorer.score_matrix(image_embeds, text_embeds), logits, atol=1e-5)


def test_scorer_keeps_a_training_model_in_training_mode():
    from tests.eval_fixtures import tiny_clip_model, tiny_clip_processor

    processor = tiny_clip_processor()
    model = tiny_clip_model(processor.tokenizer).train()
    scorer = scorer_for_model(model, processor, show_progress=False)  # device=None: left where it is
    assert type(scorer) is CLIPEmbeddingScorer
    embeds = scorer.encode_texts(["a dog", "a cat"])
    assert model.training and not embeds.requires_grad


def test_structure_clip_scorer_uses_triples_and_fused_text(tiny_structure_clip_dir, tmp_path):
    scorer = load_scorer(str(tiny_structure_clip_dir), batch_size=2, show_progress=False)
    assert isinstance(scorer, StructureCLIPEmbeddingScorer) and scorer.kind == "structure_clip"
    texts = ["a man on a horse", "a dog near a tree", "a cat"]
    triples = [[("man", "on", "horse")], [("dog", "near", "tree")], []]
    with_triples = scorer.encode_texts(texts, triples=triples)
    swapped = scorer.encode_texts(texts, triples=[[("horse", "on", "man")], [("tree", "near", "dog")], []])
    assert not torch.allclose(with_triples[:2], swapped[:2])  # the KEE sees each caption's own triples
    assert torch.allclose(with_triples[2], swapped[2])  # same (empty) triples, same embedding
    # Fused text = normalize(clip) + 0.2 * normalize(kee), not re-normalised (docs/method.md §1).
    assert not torch.allclose(with_triples.norm(dim=-1), torch.ones(3), atol=1e-3)
    inputs = scorer.processor(
        text=texts, triples=[[tuple(t) for t in ts] for ts in triples], padding=True, return_tensors="pt"
    )
    with torch.no_grad():
        expected = scorer.model.get_text_features(
            **{k: v for k, v in inputs.items() if k != "pixel_values"}
        ).pooler_output
    assert torch.allclose(with_triples, expected, atol=1e-5)
    parsed = scorer.encode_texts(texts)  # no triples given: the processor parses the captions
    assert parsed.shape == with_triples.shape


def test_evaluate_cli_on_tiny_structure_clip(tiny_structure_clip_dir, fixture_data, tmp_path):
    results = evaluate.main(_cli_args(tiny_structure_clip_dir, tmp_path, fixture_data, ["synthetic", "vg_relation"]))
    assert results["synthetic_relation_swap"]["model"] == "structure_clip"
    assert set(results) == {
        "synthetic_relation_swap",
        "synthetic_attribute_swap",
        "synthetic_retrieval",
        "vg_relation",
    }
    for record in results.values():
        for name, value in record["metrics"].items():
            if name.endswith(("accuracy", "R@1")) and value == value:  # skip NaN (no group with 25 items)
                assert 0.0 <= value <= 1.0


def _evaluate_without_a_model(tmp_path, *options):
    """The CLI on a model path that does not exist: for options it must refuse before loading anything."""
    return evaluate.main(["--model_name_or_path", str(tmp_path / "no_model"), "--output_dir", str(tmp_path), *options])


@pytest.mark.parametrize(
    "bad",
    [
        ["--max_items", "-1"],
        ["--max_items", "0"],
        ["--batch_size", "0"],
        ["--batch_size", "-2"],
        ["--synthetic_test_size", "0"],
    ],
)
def test_evaluate_cli_rejects_counts_below_one(tmp_path, bad):
    # Validated before the model loads, so the model path need not exist.
    with pytest.raises(ValueError, match=f"--{bad[0][2:]} must be at least 1, got {bad[1]}"):
        _evaluate_without_a_model(tmp_path, "--tasks", "synthetic", *bad)


def test_evaluate_cli_rejects_unknown_task_next_to_all(tmp_path):
    with pytest.raises(ValueError, match=r"unknown task\(s\) \['foo'\]"):
        _evaluate_without_a_model(tmp_path, "--tasks", "all", "foo")


def test_a_task_left_without_items_is_an_error():
    args = evaluate.EvaluationArguments(model_name_or_path="unused", max_items=2)
    assert evaluate._first([1, 2, 3], args, "coco_retrieval") == [1, 2]
    with pytest.raises(ValueError, match="coco_retrieval: no items to evaluate"):
        evaluate._first([], args, "coco_retrieval")


def test_evaluate_warns_when_output_dir_holds_another_models_results(tiny_clip_dir, fixture_data, tmp_path, caplog):
    (tmp_path / "winoground.json").write_text(
        json.dumps({"dataset": "winoground", "pretrained": "someone/other-clip"})
    )
    (tmp_path / "coco_retrieval.json").write_text(
        json.dumps({"dataset": "coco_retrieval", "pretrained": str(tiny_clip_dir)})
    )
    with caplog.at_level(logging.WARNING):
        evaluate.main(_cli_args(tiny_clip_dir, tmp_path, fixture_data, ["coco_retrieval"]))
    assert "already holds results of another model: winoground.json (someone/other-clip)" in caplog.text
    assert "coco_retrieval.json (" not in caplog.text  # this model's own earlier result is not foreign


def test_evaluate_cli_processor_option_for_a_folder_without_processor(
    tiny_structure_clip_dir, fixture_data, tmp_path, caplog
):
    model_only = tmp_path / "converted"  # what the converter writes: config + weights, no processor
    model_only.mkdir()
    for name in ("config.json", "model.safetensors"):
        (model_only / name).write_bytes((tiny_structure_clip_dir / name).read_bytes())
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exit_info:
        evaluate.main(_cli_args(model_only, tmp_path / "eval", fixture_data, ["vg_relation"]))
    assert exit_info.value.code == 2 and "--processor" in caplog.text
    args = _cli_args(model_only, tmp_path / "eval", fixture_data, ["vg_relation"])
    results = evaluate.main(args + ["--processor", str(tiny_structure_clip_dir)])
    assert results["vg_relation"]["model"] == "structure_clip" and results["vg_relation"]["pretrained"] == str(
        model_only
    )
