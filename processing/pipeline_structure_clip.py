"""Zero-shot image classification that feeds each candidate label's scene graph to Structure-CLIP.

The stock ``ZeroShotImageClassificationPipeline`` only tokenises the labels, so Structure-CLIP's
Knowledge-Enhanced Encoder sees *no triples* and adds the same constant "null knowledge" vector to
every label (docs/method.md §1, "No triples"): the ranking is then essentially the CLIP text tower's. This
subclass keeps everything the stock pipeline does (template, tokenisation, image processing,
softmax) and adds the triple tensors (``head_ids``, ``relation_ids``, ``tail_ids``,
``triple_mask``) that the model's ``forward`` accepts.

Which text is parsed: the **candidate label itself**, not the label filled into
``hypothesis_template``. Parsing "This is a photo of a dog chasing a cat." would add triples about
"photo" that no training caption had; the template only shapes the CLIP text input, as in the
stock pipeline.

On SigLIP towers it also does what transformers' pipeline does for SigLIP models (whose ``model_type`` it
recognises by name, so never ours): labels padded to the processor's fixed caption length, and each score the
sigmoid of its logit (an independent probability) instead of a softmax over the labels.

Parsing goes through the ``StructureCLIPProcessor`` that ``pipeline(...)`` loads next to the model
(``_load_processor = True``), so this file needs nothing but transformers: it is shipped flat to
the Hub as remote code and registered via ``custom_pipelines`` in config.json (transformers'
custom-pipeline mechanism). Loading it::

    pipeline("zero-shot-image-classification", model=repo, trust_remote_code=True, revision=sha)
"""

import contextlib

from transformers import AutoModelForZeroShotImageClassification, ZeroShotImageClassificationPipeline
from transformers.pipelines import PIPELINE_REGISTRY


TASK = "zero-shot-image-classification"


class StructureCLIPZeroShotImageClassificationPipeline(ZeroShotImageClassificationPipeline):
    """``ZeroShotImageClassificationPipeline`` + scene-graph triples of every candidate label.

    Extra call argument: ``candidate_triples`` (one list of ``(head, relation, tail)`` per label)
    replaces parsing, e.g. for labels the parser gets wrong or when spaCy is not installed.
    """

    _load_processor = True  # the StructureCLIPProcessor: it owns the parser and the phrase tokenizer

    def _sanitize_parameters(self, tokenizer_kwargs=None, candidate_triples=None, **kwargs):
        preprocess_params, forward_params, postprocess_params = super()._sanitize_parameters(**kwargs)
        if tokenizer_kwargs is not None:
            preprocess_params["tokenizer_kwargs"] = tokenizer_kwargs
        if candidate_triples is not None:
            preprocess_params["candidate_triples"] = candidate_triples
        return preprocess_params, forward_params, postprocess_params

    def preprocess(
        self,
        image,
        candidate_labels=None,
        hypothesis_template="This is a photo of {}.",
        timeout=None,
        tokenizer_kwargs=None,
        candidate_triples=None,
    ):
        # Truncate by default: a label longer than the text tower's positions would otherwise crash
        # the forward (the stock pipeline only truncates for SigLIP). CLIP's tokenizer keeps EOS.
        tokenizer_kwargs = {"truncation": True, **self._fixed_caption_padding(), **(tokenizer_kwargs or {})}
        if candidate_labels is not None and not isinstance(candidate_labels, (str, list, tuple)):
            candidate_labels = list(candidate_labels)  # a generator: both the parent and the triples read it
        inputs = super().preprocess(
            image,
            candidate_labels=candidate_labels,
            hypothesis_template=hypothesis_template,
            timeout=timeout,
            tokenizer_kwargs=tokenizer_kwargs,
        )
        # The stock pipeline wraps the text batch in a one-element list so that the pipeline's
        # batching never pads it together with other images' labels; the triples ride along in it.
        inputs["text_inputs"][0].update(self.label_triple_inputs(candidate_labels, candidate_triples))
        return inputs

    def _uses_sigmoid(self) -> bool:
        # Duck-typed: the remote-code config class is another class object than the package's.
        return bool(getattr(self.model.config, "uses_sigmoid_logits", False))

    def _fixed_caption_padding(self) -> dict:
        """SigLIP towers pool the last position: labels are padded like every training caption."""
        length = getattr(self.processor, "pad_captions_to", None)
        return {"padding": "max_length", "max_length": length} if self._uses_sigmoid() and length else {}

    def postprocess(self, model_outputs):
        if not self._uses_sigmoid():
            return super().postprocess(model_outputs)
        # transformers' SigLIP branch of this pipeline: sigmoid probabilities, highest first.
        scores = model_outputs["logits"][0].sigmoid().tolist()
        labels = model_outputs["candidate_labels"]
        ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
        return [{"score": score, "label": label} for score, label in ranked]

    def label_triple_inputs(self, candidate_labels, candidate_triples=None):
        """``head_ids``/``relation_ids``/``tail_ids``/``triple_mask`` of the labels (one row each)."""
        if self.processor is None or not hasattr(self.processor, "encode_triples"):
            raise ValueError(
                "This pipeline needs the StructureCLIPProcessor: build it with "
                "pipeline('zero-shot-image-classification', model=..., trust_remote_code=True), or pass "
                "processor=StructureCLIPProcessor.from_pretrained(...)."
            )
        if candidate_triples is not None:
            if len(candidate_triples) != len(candidate_labels):
                raise ValueError(
                    f"candidate_triples has {len(candidate_triples)} entries for "
                    f"{len(candidate_labels)} candidate_labels; give one list of triples per label."
                )
            # The processor validates each entry (None, strings, wrong arity) with a clear message.
            encoded = self.processor.encode_triples(list(candidate_triples))
        else:
            # The processor parses each label and encodes its triples exactly as in training.
            encoded = self.processor(text=list(candidate_labels), return_tensors="pt")
        return {name: encoded[name] for name in self.processor.triple_input_names}


@contextlib.contextmanager
def structure_clip_pipeline_registered():
    """Register the pipeline for the task while saving it, then restore the global registry.

    ``Pipeline.save_pretrained`` writes ``custom_pipelines`` into config.json only for a registered
    class. Registering overwrites the stock task for the whole process, so it is undone afterwards:
    other code in the process (CLIP evaluations) keeps the stock pipeline.
    """
    previous = PIPELINE_REGISTRY.supported_tasks.pop(TASK, None)  # popped: no "Overwriting" warning
    PIPELINE_REGISTRY.register_pipeline(
        TASK,
        pipeline_class=StructureCLIPZeroShotImageClassificationPipeline,
        pt_model=AutoModelForZeroShotImageClassification,
        type="multimodal",
    )
    try:
        yield StructureCLIPZeroShotImageClassificationPipeline
    finally:
        if previous is None:
            PIPELINE_REGISTRY.supported_tasks.pop(TASK, None)
        else:
            PIPELINE_REGISTRY.supported_tasks[TASK] = previous


def make_structure_clip_pipeline(model, processor, pipeline_class=None):
    """This pipeline (default) or any other zero-shot pipeline class, on a model and processor in hand."""
    pipeline_class = pipeline_class or StructureCLIPZeroShotImageClassificationPipeline
    return pipeline_class(
        model=model,
        tokenizer=processor.tokenizer,
        image_processor=processor.image_processor,
        processor=processor,
        task=TASK,
        device=model.device,
    )


def save_with_structure_clip_pipeline(model, processor, save_directory) -> None:
    """Save model and processor so that ``pipeline(TASK, model=save_directory, trust_remote_code=True)``
    builds *this* pipeline: ``config.json`` gets ``custom_pipelines`` and the folder this file.
    A plain ``model.save_pretrained`` gives the stock pipeline, which never passes triples."""
    pipe = make_structure_clip_pipeline(model, processor)
    with structure_clip_pipeline_registered():
        pipe.save_pretrained(save_directory)  # model (safetensors, remote code, auto_map), tokenizer, images
    processor.save_pretrained(save_directory)  # processor_config.json, triple_tokenizer/, processing code
