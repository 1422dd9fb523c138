"""The custom zero-shot pipeline (labels' scene graphs -> KEE) and the stock one on the same tiny model."""

import ast
from pathlib import Path

import pytest
import torch
from transformers import ZeroShotImageClassificationPipeline
from transformers.pipelines import PIPELINE_REGISTRY

from processing import pipeline_structure_clip
from processing.pipeline_structure_clip import (
    TASK,
    StructureCLIPZeroShotImageClassificationPipeline,
    structure_clip_pipeline_registered,
)
from tests.hub_support import LABELS, sample_images, tiny_model_and_processor


torch.set_num_threads(1)


@pytest.fixture(scope="module")
def model_and_processor():
    return tiny_model_and_processor()


def _pipelines(model, processor):
    common = dict(
        model=model, tokenizer=processor.tokenizer, image_processor=processor.image_processor, task=TASK, device="cpu"
    )
    custom = StructureCLIPZeroShotImageClassificationPipeline(processor=processor, **common)
    stock = ZeroShotImageClassificationPipeline(**common)
    return custom, stock


def _expected_probabilities(model, processor, image, labels, template, with_triples):
    """The model called by hand: template text through the CLIP tokenizer (truncated to its 16 tokens,
    as the custom pipeline does by default), triples parsed from the label."""
    texts = [template.format(label) for label in labels]
    text_inputs = processor.tokenizer(texts, padding=True, truncation=with_triples, return_tensors="pt")
    pixel_values = processor.image_processor(images=[image], return_tensors="pt")["pixel_values"]
    triples = {}
    if with_triples:
        graphs = processor.parse(labels)
        triples = dict(processor.encode_triples([graph.triples() for graph in graphs]))
    with torch.no_grad():
        logits = model(**text_inputs, pixel_values=pixel_values, **triples).logits_per_image[0]
    return dict(zip(labels, logits.softmax(-1).tolist(), strict=False))


def _by_label(predictions):
    return {prediction["label"]: prediction["score"] for prediction in predictions}


@pytest.mark.parametrize("template", ["{}", "This is a photo of {}."])
def test_custom_pipeline_feeds_the_labels_triples(model_and_processor, template):
    model, processor = model_and_processor
    custom, _ = _pipelines(model, processor)
    image = sample_images()[0]
    got = _by_label(custom(image, candidate_labels=LABELS, hypothesis_template=template))
    expected = _expected_probabilities(model, processor, image, LABELS, template, with_triples=True)
    assert got.keys() == expected.keys()
    for label in LABELS:
        assert got[label] == pytest.approx(expected[label], abs=1e-6)
    assert sum(got.values()) == pytest.approx(1.0, abs=1e-5)


def test_stock_pipeline_works_and_means_no_triples(model_and_processor):
    model, processor = model_and_processor
    custom, stock = _pipelines(model, processor)
    image = sample_images()[1]
    stock_scores = _by_label(stock(image, candidate_labels=LABELS, hypothesis_template="{}"))
    expected = _expected_probabilities(model, processor, image, LABELS, "{}", with_triples=False)
    for label in LABELS:
        assert stock_scores[label] == pytest.approx(expected[label], abs=1e-6)
    # The KEE has weight here: feeding the scene graphs must change the scores.
    custom_scores = _by_label(custom(image, candidate_labels=LABELS, hypothesis_template="{}"))
    assert max(abs(custom_scores[label] - stock_scores[label]) for label in LABELS) > 1e-4


def test_triples_come_from_the_label_not_the_template(model_and_processor):
    model, processor = model_and_processor
    custom, _ = _pipelines(model, processor)
    inputs = custom.preprocess(
        sample_images()[0], candidate_labels=LABELS, hypothesis_template="This is a photo of {}."
    )
    text_inputs = inputs["text_inputs"][0]
    from_labels = processor(text=LABELS, return_tensors="pt")
    for name in ("head_ids", "relation_ids", "tail_ids", "triple_mask"):
        assert torch.equal(text_inputs[name], from_labels[name]), name
    # ... while the CLIP text is the filled-in template.
    templated = processor.tokenizer(
        [f"This is a photo of {label}." for label in LABELS], padding=True, truncation=True, return_tensors="pt"
    )
    assert torch.equal(text_inputs["input_ids"], templated["input_ids"])
    # Truncated to the tokenizer's 16 tokens, still ending in EOS (the token CLIP pools).
    assert text_inputs["input_ids"].shape[1] == processor.tokenizer.model_max_length
    assert (text_inputs["input_ids"][:, -1] == processor.tokenizer.eos_token_id).all()
    # "a man riding a horse" really has a relation triple, "a dog" none.
    assert text_inputs["triple_mask"][0].sum() >= 1 and text_inputs["triple_mask"][3].sum() == 0


def test_candidate_triples_replace_parsing(model_and_processor):
    model, processor = model_and_processor
    custom, _ = _pipelines(model, processor)
    image = sample_images()[0]
    parsed = [graph.triples() for graph in processor.parse(LABELS)]
    assert parsed[0] and parsed[0] != parsed[1]  # the tiny parser run found the swapped relation
    given = custom(image, candidate_labels=LABELS, candidate_triples=parsed, hypothesis_template="{}")
    automatic = custom(image, candidate_labels=LABELS, hypothesis_template="{}")
    assert _by_label(given) == pytest.approx(_by_label(automatic), abs=1e-7)
    swapped = custom(
        image, candidate_labels=LABELS, candidate_triples=[parsed[1], parsed[0], *parsed[2:]], hypothesis_template="{}"
    )
    assert _by_label(swapped)[LABELS[0]] != pytest.approx(_by_label(automatic)[LABELS[0]], abs=1e-6)
    with pytest.raises(ValueError, match="one list of triples per label"):
        custom(image, candidate_labels=LABELS, candidate_triples=parsed[:2])


def test_several_images_in_one_call(model_and_processor):
    model, processor = model_and_processor
    custom, _ = _pipelines(model, processor)
    images = sample_images()
    batched = custom(images, candidate_labels=LABELS, hypothesis_template="{}")
    assert len(batched) == 2
    batched_forward = custom(images, candidate_labels=LABELS, hypothesis_template="{}", batch_size=2)
    for image, predictions, batched_predictions in zip(images, batched, batched_forward, strict=False):
        single = custom(image, candidate_labels=LABELS, hypothesis_template="{}")
        assert _by_label(predictions) == pytest.approx(_by_label(single), abs=1e-6)
        assert _by_label(batched_predictions) == pytest.approx(_by_label(single), abs=1e-5)


def test_missing_processor_is_a_clear_error(model_and_processor):
    model, processor = model_and_processor
    pipe = StructureCLIPZeroShotImageClassificationPipeline(
        model=model, tokenizer=processor.tokenizer, image_processor=processor.image_processor, task=TASK, device="cpu"
    )
    with pytest.raises(ValueError, match="StructureCLIPProcessor"):
        pipe(sample_images()[0], candidate_labels=LABELS)


def test_registration_is_undone_after_saving():
    stock_entry = PIPELINE_REGISTRY.supported_tasks[TASK]
    assert "ZeroShotImageClassificationPipeline" in str(stock_entry["impl"])
    with structure_clip_pipeline_registered() as pipeline_class:
        assert PIPELINE_REGISTRY.supported_tasks[TASK]["impl"] is pipeline_class
        assert pipeline_class._registered_impl[TASK]["impl"] is pipeline_class
    assert PIPELINE_REGISTRY.supported_tasks[TASK] is stock_entry


def test_pipeline_file_is_standalone_remote_code():
    """Imports nothing of ours (it ships alone to the Hub) and never the model package."""
    tree = ast.parse(Path(pipeline_structure_clip.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "the pipeline file must not import siblings: save_pretrained copies it alone"
            imported.add(node.module.split(".")[0])
    assert imported <= {"contextlib", "transformers"}, imported


def test_labels_from_a_generator_and_bad_candidate_triples(model_and_processor):
    custom, _ = _pipelines(*model_and_processor)
    image = sample_images()[0]
    from_list = _by_label(custom(image, candidate_labels=list(LABELS)))
    from_generator = _by_label(custom(image, candidate_labels=(label for label in LABELS)))
    assert from_generator == pytest.approx(from_list)
    triples = [[] for _ in LABELS]
    triples[0] = None
    with pytest.raises(TypeError, match=r"\[0\] must be a list of \(head, relation, tail\) triples"):
        custom(image, candidate_labels=list(LABELS), candidate_triples=triples)
