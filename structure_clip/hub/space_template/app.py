"""A Gradio demo of a Structure-CLIP model: zero-shot classification and "which caption fits?".

Everything Structure-CLIP specific (model, processor, scene-graph parser, semantic negatives, zero-shot
pipeline) is the model repository's own remote code, loaded with ``trust_remote_code=True``.

    MODEL_ID=user/structure-clip MODEL_REVISION=<commit> python app.py

MODEL_ID is a Hub repo id or a local folder (default: the model this Space was exported with);
MODEL_REVISION pins a commit of it.
"""

import json
import os
from pathlib import Path

import gradio as gr
import torch
from transformers import pipeline


DEFAULT_MODEL_ID = "your-username/structure-clip"  # written by the exporter (structure_clip/hub/space.py)
DEFAULT_REVISION = None  # written by the exporter: the model commit this Space was made for, if known
MODEL_ID = os.environ.get("MODEL_ID", DEFAULT_MODEL_ID)
MODEL_REVISION = os.environ.get("MODEL_REVISION") or DEFAULT_REVISION
EXAMPLES_DIR = Path(__file__).parent / "examples"
AUTO_NEGATIVE, SECOND_CAPTION = "its automatic semantic negative", "my second caption"

# The custom pipeline of the repository (config.json `custom_pipelines`) parses every label into
# scene-graph triples; its model and processor serve the caption comparison too.
classifier = pipeline(
    "zero-shot-image-classification", model=MODEL_ID, revision=MODEL_REVISION, trust_remote_code=True
)
model, processor = classifier.model.eval(), classifier.processor


def cell(text: str) -> str:
    """User text inside a Markdown table cell: a "|" would end the cell."""
    return text.replace("|", "\\|")


def triples_text(graph) -> str:
    triples = graph.triples()
    if not triples:
        return "_no triples: the knowledge encoder adds the same constant vector as for any caption without structure_"
    return "<br>".join(cell(f"({head}, {relation}, {tail})") for head, relation, tail in triples)


def classify(image, labels_text):
    if image is None:
        raise gr.Error("Upload an image first.")
    labels = [label.strip() for label in (labels_text or "").split(",") if label.strip()]
    if not labels:
        raise gr.Error("Enter at least one label; separate several labels with commas.")
    # Structure-CLIP was trained on plain captions, so the label itself is the text (no "a photo of").
    predictions = classifier(image, candidate_labels=labels, hypothesis_template="{}")
    rows = [f"| {cell(graph.caption)} | {triples_text(graph)} |" for graph in processor.parse(labels)]
    table = "| label | parsed triples |\n|---|---|\n" + "\n".join(rows)
    return {p["label"]: p["score"] for p in predictions}, table


def second_caption_for(caption, mode, second):
    if mode == SECOND_CAPTION:
        if not (second or "").strip():
            raise gr.Error("Enter the second caption, or choose the automatic semantic negative.")
        return second.strip(), "your second caption"
    outcome = processor.build_negatives(text=[caption]).outcomes[0]
    if outcome.negative is None:
        reason = (outcome.reason or "none found").replace("_", " ")
        raise gr.Error(
            f"No automatic negative for {caption!r} ({reason}): there is no relation or attribute to "
            "swap in its scene graph. Choose 'my second caption' and enter one."
        )
    return outcome.negative.caption, f"automatic {outcome.negative.kind.replace('_', ' ')}"


def compare(image, caption, mode, second):
    if image is None:
        raise gr.Error("Upload an image first.")
    if not (caption or "").strip():
        raise gr.Error("Enter a caption.")
    captions = [caption.strip(), None]
    captions[1], origin = second_caption_for(captions[0], mode, second)
    graphs = processor.parse(captions)
    inputs = processor(text=captions, images=[image], triples=graphs)
    with torch.no_grad():
        output = model(**inputs)
    # Fused (CLIP text + knowledge) scores, and the CLIP text tower's alone: the difference is the KEE's.
    scores = output.logits_per_image[0].tolist()
    plain = (output.image_embeds @ output.plain_text_embeds.T)[0].tolist()
    return comparison_markdown(captions, graphs, scores, plain, origin), {
        "captions": captions,
        "second_caption_origin": origin,
        "triples": [[list(t) for t in g.triples()] for g in graphs],
        "structure_clip_scores": scores,
        "plain_clip_scores": plain,
    }


def winner(scores) -> str:
    return "A" if scores[0] > scores[1] else "B" if scores[1] > scores[0] else "neither (a tie)"


def comparison_markdown(captions, graphs, scores, plain, origin) -> str:
    rows = [
        f"| {name} | {cell(c)} | {triples_text(g)} | {s:.4f} | {p:.4f} |"
        for name, c, g, s, p in zip(("A", f"B ({origin})"), captions, graphs, scores, plain, strict=True)
    ]
    verdict = (
        f"**Structure-CLIP picks caption {winner(scores)}** (margin {abs(scores[0] - scores[1]):.4f}); "
        f"the plain CLIP text tower picks {winner(plain)} (margin {abs(plain[0] - plain[1]):.4f})."
    )
    header = "| | caption | scene graph | Structure-CLIP score | plain CLIP score |\n|---|---|---|---|---|\n"
    note = (
        "Structure-CLIP score: the model's image-text logit (CLIP text + knowledge embedding). Plain CLIP score: "
        "the cosine of the image and the CLIP text tower's embedding alone. Compare the rankings, not the values."
    )
    return verdict + "\n\n" + header + "\n".join(rows) + "\n\n" + note


def load_examples() -> dict:
    path = EXAMPLES_DIR / "examples.json"
    examples = json.loads(path.read_text()) if path.exists() else {"classification": [], "comparison": []}
    for rows in examples.values():
        for row in rows:
            row[0] = str(EXAMPLES_DIR / row[0])
    return examples


# Scale small images (a synthetic-world scene is 48 px) up to the image box, with sharp pixels.
CSS = ".scene img { width: 100%; height: 100%; object-fit: contain; image-rendering: pixelated; }"

with gr.Blocks(title="Structure-CLIP") as demo:
    gr.Markdown(
        f"# Structure-CLIP\nModel: `{MODEL_ID}`. Captions are parsed into scene-graph triples "
        "(head, relation, tail) that Structure-CLIP's knowledge encoder adds to the CLIP text embedding."
    )
    examples = load_examples()
    with gr.Tab("Zero-shot classification"):
        with gr.Row():
            image = gr.Image(type="pil", label="Image", height=260, elem_classes="scene")
            with gr.Column():
                labels = gr.Textbox(
                    label="Labels (comma-separated)", placeholder="a dog chasing a cat, a cat chasing a dog"
                )
                classify_button = gr.Button("Classify", variant="primary")
        scores = gr.Label(label="Scores")
        label_triples = gr.Markdown()
        classify_button.click(classify, [image, labels], [scores, label_triples], api_name="classify")
        if examples["classification"]:
            gr.Examples(examples["classification"], [image, labels])
    with gr.Tab("Which caption fits?"):
        with gr.Row():
            compare_image = gr.Image(type="pil", label="Image", height=260, elem_classes="scene")
            with gr.Column():
                caption = gr.Textbox(label="Caption", placeholder="a dog chasing a cat")
                mode = gr.Radio([AUTO_NEGATIVE, SECOND_CAPTION], value=AUTO_NEGATIVE, label="Compare it with")
                second = gr.Textbox(label="Second caption (when comparing with my second caption)")
                compare_button = gr.Button("Compare", variant="primary")
        verdict = gr.Markdown()
        details = gr.JSON(label="Details")
        compare_button.click(compare, [compare_image, caption, mode, second], [verdict, details], api_name="compare")
        if examples["comparison"]:
            gr.Examples(examples["comparison"], [compare_image, caption, mode, second])

# One request at a time through the model; up to 16 more wait in line instead of overloading the CPU.
demo.queue(default_concurrency_limit=1, max_size=16)

if __name__ == "__main__":
    demo.launch(css=CSS)
