"""Inference Endpoints handler: Structure-CLIP zero-shot image classification with scene graphs.

Request:  {"inputs": "<base64-encoded image>",
           "parameters": {"candidate_labels": ["a dog chasing a cat", "a cat chasing a dog"],
                          "hypothesis_template": "{}"}}
Response: [{"label": ..., "score": ...}, ...] best first.

The model, processor and pipeline are this repository's own remote-code files.
"""

from transformers import pipeline


ALLOWED_PARAMETERS = ("candidate_labels", "hypothesis_template", "candidate_triples")


class EndpointHandler:
    def __init__(self, path=""):
        self.classifier = pipeline("zero-shot-image-classification", model=path, trust_remote_code=True)

    def __call__(self, data):
        image = data.get("inputs")
        parameters = dict(data.get("parameters") or {})
        unknown = sorted(set(parameters) - set(ALLOWED_PARAMETERS))
        if unknown:
            raise ValueError(f"unknown parameters {unknown}; allowed: {list(ALLOWED_PARAMETERS)}")
        if isinstance(image, str) and image.startswith(("http://", "https://")):
            # The endpoint never downloads: a URL would make it fetch arbitrary addresses.
            raise ValueError("send the image itself (base64-encoded), not a URL")
        labels = parameters.pop("candidate_labels", None)
        if isinstance(labels, str):
            labels = [label.strip() for label in labels.split(",") if label.strip()]
        if not labels:
            raise ValueError("parameters.candidate_labels must name at least one label")
        return self.classifier(image, candidate_labels=labels, **parameters)
