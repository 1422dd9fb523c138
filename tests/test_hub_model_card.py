"""model_card.md -> README.md: metadata, model-index from evaluation JSON (never invented), round trip."""

import json

import pytest
import yaml
from huggingface_hub import ModelCard

from structure_clip.hub.model_card import DEFAULT_TEMPLATE, build_model_card, check_results_belong_to, read_results


CONFIG = {
    "model_type": "structure_clip",
    "projection_dim": 512,
    "knowledge_weight": 0.2,
    "max_triples": 6,
    "phrase_length": 5,
    "triple_composition": "h+r-t",
    "loss_recipe": "original",
    "knowledge_config": {"num_hidden_layers": 6},
}

# Records exactly as examples/evaluate_structure_clip.py writes them (CLIP_benchmark schema, one file per dataset).
# The values are arbitrary test data, chosen with many digits so that any rounding would show.
RECORDS = {
    "vg_relation": {
        "task": "structured_pairwise",
        "metrics": {
            "accuracy": 0.6123456789,
            "macro_accuracy_no_count_filter": 0.5987654321,
            "macro_accuracy_min25": 0.6011111111,
            "num_items": 23937,
            "num_groups": 48,
        },
    },
    "sugarcrepe": {
        "task": "structured_pairwise",
        "metrics": {
            "swap_att_accuracy": 0.7012345678,
            "swap_att_num_items": 666,
            "REPLACE_accuracy": 0.8123,
            "per_subset": {"swap_att": 0.7012345678},
        },
    },
    "coco_retrieval": {
        "task": "zeroshot_retrieval",
        "metrics": {"text_to_image_R@1": 0.4012, "image_to_text_R@1": 0.5487, "num_images": 5000},
    },
}
EXPECTED_ENTRIES = {  # (Hub dataset id, metric type, results key) -> value: what model-index must contain, nothing else
    ("gowitheflow/ARO-Visual-Relation", "accuracy", "accuracy"): 0.6123456789,
    ("gowitheflow/ARO-Visual-Relation", "accuracy", "macro_accuracy_no_count_filter"): 0.5987654321,
    ("gowitheflow/ARO-Visual-Relation", "accuracy", "macro_accuracy_min25"): 0.6011111111,
    ("yjkimstats/SUGARCREPE_fmt", "accuracy", "swap_att_accuracy"): 0.7012345678,
    ("yjkimstats/SUGARCREPE_fmt", "accuracy", "REPLACE_accuracy"): 0.8123,
    ("nlphuji/mscoco_2014_5k_test_image_text_retrieval", "recall", "text_to_image_R@1"): 0.4012,
    ("nlphuji/mscoco_2014_5k_test_image_text_retrieval", "recall", "image_to_text_R@1"): 0.5487,
}


def _write_records(folder):
    folder.mkdir()
    for dataset, record in RECORDS.items():
        payload = {
            "dataset": dataset,
            "model": "structure_clip",
            "pretrained": "outputs/sc",
            "language": "en",
            **record,
        }
        (folder / f"{dataset}.json").write_text(json.dumps(payload))
    (folder / "results.md").write_text("| not json |")  # evaluate_structure_clip.py writes this too; must be ignored
    return folder


def _card(results=None, **kwargs):
    return build_model_card(
        CONFIG, results, model_name="structure-clip-test", repo_id="someone/structure-clip-test", **kwargs
    )


def _round_trip(card, tmp_path):
    path = tmp_path / "README.md"
    card.save(path)
    loaded = ModelCard.load(path)
    assert str(loaded) == str(card)
    assert loaded.data.to_dict() == card.data.to_dict()
    return loaded, yaml.safe_load(path.read_text().split("---")[1])


def test_card_without_results_has_no_model_index(tmp_path):
    loaded, metadata = _round_trip(_card(), tmp_path)
    assert "model-index" not in metadata and not loaded.data.eval_results
    assert metadata["library_name"] == "transformers"
    assert metadata["pipeline_tag"] == "zero-shot-image-classification"
    for key in ("base_model", "datasets", "tags", "license", "widget"):
        assert metadata[key], key
    text = loaded.text
    assert "No evaluation results were supplied" in text
    assert "trust_remote_code=True" in text and "revision=" in text
    assert "2305.06152" in text and "Structure-CLIP" in text
    assert "{{" not in text and "{#" not in text  # every placeholder rendered, template comment dropped
    assert "knowledge_weight = 0.2" in text


def test_model_index_holds_exactly_the_evaluated_numbers(tmp_path):
    results = read_results([_write_records(tmp_path / "eval")])
    loaded, metadata = _round_trip(_card(results), tmp_path)
    entries = {(r.dataset_type, r.metric_type, r.metric_config): r.metric_value for r in loaded.data.eval_results}
    assert entries == EXPECTED_ENTRIES  # verbatim values; counts and nested breakdowns left out
    names = {r.dataset_type: r.dataset_name for r in loaded.data.eval_results}
    assert names == {
        "gowitheflow/ARO-Visual-Relation": "ARO VG-Relation",
        "yjkimstats/SUGARCREPE_fmt": "SugarCrepe",
        "nlphuji/mscoco_2014_5k_test_image_text_retrieval": "COCO retrieval (5k test)",
    }
    assert {r.task_type for r in loaded.data.eval_results} == {"zero-shot-image-classification"}
    assert {r.task_name for r in loaded.data.eval_results} == {
        "Compositional image-text matching",
        "Image-text retrieval",
    }
    display = {r.metric_config: r.metric_name for r in loaded.data.eval_results}
    assert display["text_to_image_R@1"] == "Recall@1 (text → image)"
    assert display["macro_accuracy_min25"] == "Macro accuracy min25"
    assert metadata["base_model_relation"] == "finetune"
    assert metadata["model-index"][0]["name"] == "structure-clip-test"
    assert "| ARO VG-Relation | structured_pairwise | macro_accuracy_min25 | 0.6011 |" in loaded.text
    assert "`outputs/sc`" in loaded.text


def test_synthetic_ablation_goes_to_model_index_only_for_the_named_variant(tmp_path):
    path = tmp_path / "results.json"
    variants = {
        "clip_finetune": {"relation_swap": 0.51, "retrieval": {"R@1": 0.25}, "train_seconds": 12.5},
        "structure_clip": {"relation_swap": 0.93, "retrieval": {"R@1": 0.5}, "steps": 200},
    }
    path.write_text(json.dumps({"variants": variants, "seed": 0}))
    results = read_results([path])

    loaded, metadata = _round_trip(_card(results), tmp_path)
    assert "model-index" not in metadata  # which variant is this checkpoint? not said -> no claim
    assert "| clip_finetune | 0.51 | 0.25 |" in loaded.text and "Synthetic ablation" in loaded.text

    loaded, _ = _round_trip(_card(results, variant="structure_clip"), tmp_path)
    entries = {r.metric_config: r.metric_value for r in loaded.data.eval_results}
    assert entries == {"relation_swap": 0.93, "retrieval/R@1": 0.5}
    assert "**structure_clip** (this checkpoint)" in loaded.text

    with pytest.raises(ValueError, match="known variants"):
        _card(results, variant="no_such_variant")


def test_unrecognised_results_file_is_rejected(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"accuracy": 0.9}))
    with pytest.raises(ValueError, match="not a results file"):
        read_results([path])
    with pytest.raises(FileNotFoundError):
        read_results([tmp_path / "missing.json"])


def test_card_source_itself_is_valid_metadata():
    """model_card.md keeps real YAML (not a placeholder) so the Hub metadata can be reviewed in the repo."""
    source = ModelCard.load(DEFAULT_TEMPLATE)
    assert source.data.library_name == "transformers"
    assert source.data.pipeline_tag == "zero-shot-image-classification"
    assert not source.data.eval_results  # numbers only ever come from evaluation files


def test_training_results_jsonl_is_rejected_as_not_evaluation_json(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text('{"step": 1, "loss": 2.0}\n{"step": 2, "loss": 1.5}\n')
    with pytest.raises(ValueError, match="results.jsonl: not a JSON document.*examples/evaluate_structure_clip.py"):
        read_results([path])


def test_results_of_another_model_or_a_subset_are_refused(tmp_path):
    model = tmp_path / "sc"
    model.mkdir()
    folder = tmp_path / "eval"
    folder.mkdir()
    record = {"dataset": "winoground", "task": "winoground", "metrics": {"group_score": 0.1}}
    (folder / "winoground.json").write_text(json.dumps({**record, "pretrained": str(model), "max_items": None}))
    check_results_belong_to(read_results([folder]), model)  # a full run of this model: accepted
    check_results_belong_to(read_results([folder]), tmp_path / "eval" / ".." / "sc")  # same folder, another spelling
    (folder / "sugarcrepe.json").write_text(
        json.dumps({**record, "dataset": "sugarcrepe", "pretrained": "openai/clip"})
    )
    with pytest.raises(ValueError, match="sugarcrepe.json: results of openai/clip, not of the exported model"):
        check_results_belong_to(read_results([folder]), model)
    check_results_belong_to(read_results([folder]), model, also_accept=["openai/clip"])
    (folder / "winoground.json").write_text(json.dumps({**record, "pretrained": str(model), "max_items": 1}))
    with pytest.raises(ValueError, match="winoground.json: computed on the first 1 items only"):
        check_results_belong_to(read_results([folder]), model, also_accept=["openai/clip"])


@pytest.mark.parametrize(
    "vision, tower, keeps_reference_metadata",
    [
        ({"hidden_size": 768, "num_hidden_layers": 12, "patch_size": 32}, "ViT-B/32", True),
        (
            {"hidden_size": 64, "num_hidden_layers": 2, "patch_size": 16},
            "ViT (2 layers, width 64, 16-px patches)",
            False,
        ),
    ],
)
def test_card_describes_the_actual_vision_tower(vision, tower, keeps_reference_metadata):
    card = build_model_card({**CONFIG, "vision_config": vision}, model_name="m", repo_id="someone/m")
    assert f"still a {tower} CLIP" in card.text
    metadata = card.data.to_dict()
    assert ("base_model" in metadata and "datasets" in metadata) == keeps_reference_metadata
    overridden = build_model_card(
        {**CONFIG, "vision_config": vision},
        model_name="m",
        repo_id="someone/m",
        metadata_overrides={"base_model": ["someone/tiny-clip"]},
    )
    assert overridden.data.to_dict()["base_model"] == ["someone/tiny-clip"]


def test_model_index_passes_huggingface_hub_offline_validation(tmp_path):
    """huggingface_hub's own parser (no network) reads back every entry with its display names."""
    from huggingface_hub import ModelCardData
    from huggingface_hub.repocard_data import model_index_to_eval_results

    results = read_results([_write_records(tmp_path / "eval")])
    _, metadata = _round_trip(_card(results), tmp_path)
    name, parsed = model_index_to_eval_results(metadata["model-index"])
    assert name == "structure-clip-test" and len(parsed) == len(EXPECTED_ENTRIES)
    for entry in parsed:
        assert entry.task_type == "zero-shot-image-classification" and entry.task_name and entry.metric_name
        assert entry.dataset_name and "/" in entry.dataset_type  # a Hub dataset id for every real benchmark
    rebuilt = ModelCardData(
        **{key.replace("-", "_"): value for key, value in metadata.items() if key != "model-index"},
        model_name=name,
        eval_results=parsed,
    )
    assert rebuilt.to_dict()["model-index"] == metadata["model-index"]
