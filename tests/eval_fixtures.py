"""Builders shared by the evaluation tests: tiny images, a tiny offline CLIP, and fixture files in the real formats.

No tests live here; test_eval_*.py import these functions (tests/ is on sys.path via conftest.py).
"""

from __future__ import annotations

import json
import string
from pathlib import Path

from PIL import Image


COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255), (255, 0, 255), (128, 128, 128)]


def image_colour(colour_index: int, right_half: bool = False) -> int:
    """Index in COLOURS of the colour make_image paints in the left (or right) half."""
    return (colour_index + 3 * right_half) % len(COLOURS)


def make_image(path: Path, colour_index: int = 0, size=(40, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, COLOURS[colour_index % len(COLOURS)])
    # A second colour in the right half, so crops of different boxes give different pixels.
    image.paste(COLOURS[(colour_index + 3) % len(COLOURS)], (size[0] // 2, 0, size[0], size[1]))
    image.save(path)
    return path


def tiny_clip_tokenizer():
    """Character-level CLIP BPE built offline (no merges): every character is one token."""
    from transformers import CLIPTokenizer

    characters = string.ascii_lowercase + string.digits + "'.,!?-"
    vocab = {}
    for character in characters:
        vocab.setdefault(character, len(vocab))
        vocab.setdefault(character + "</w>", len(vocab))
    # EOS gets the largest id so CLIP's pooling lands on it (transformers PR #24773).
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)


def tiny_clip_processor():
    from transformers import CLIPProcessor

    from processing import clip_image_processor

    image_processor = clip_image_processor(size={"shortest_edge": 30}, crop_size={"height": 30, "width": 30})
    return CLIPProcessor(image_processor=image_processor, tokenizer=tiny_clip_tokenizer())


def tiny_clip_model(tokenizer, seed: int = 0):
    import torch
    from transformers import CLIPConfig, CLIPModel

    torch.manual_seed(seed)
    config = CLIPConfig(
        text_config=dict(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=37,
            num_hidden_layers=2,
            num_attention_heads=4,
            max_position_embeddings=77,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        vision_config=dict(
            hidden_size=32,
            intermediate_size=37,
            num_hidden_layers=2,
            num_attention_heads=4,
            image_size=30,
            patch_size=15,
        ),
        projection_dim=16,
    )
    return CLIPModel(config).eval()


def save_tiny_clip(directory: Path) -> Path:
    processor = tiny_clip_processor()
    tiny_clip_model(processor.tokenizer).save_pretrained(directory)
    processor.save_pretrained(directory)
    return directory


# ---------------------------------------------------------------------------------------------
# Fixture files in the benchmarks' real formats
# ---------------------------------------------------------------------------------------------


def write_aro(root: Path) -> Path:
    """ARO's root_dir layout: visual_genome_{relation,attribution}.json + images/."""
    for index in range(3):
        make_image(root / "images" / f"{100 + index}.jpg", index)
    relation = [
        {
            "image_id": "100",
            "relation_name": "on",
            "image_path": "100.jpg",
            "bbox_x": 0,
            "bbox_y": 0,
            "bbox_w": 20,
            "bbox_h": 30,
            "true_caption": "the cup is on the table",
            "false_caption": "the table is on the cup",
        },
        {
            "image_id": "101",
            "relation_name": "on",
            "image_path": "101.jpg",
            "bbox_x": 24,
            "bbox_y": 5,
            "bbox_w": 16,
            "bbox_h": 20,
            "true_caption": "the cat is on the mat",
            "false_caption": "the mat is on the cat",
        },
        {
            "image_id": "102",
            "relation_name": "adjusting",
            "image_path": "102.jpg",
            "bbox_x": 0,
            "bbox_y": 0,
            "bbox_w": 40,
            "bbox_h": 30,
            "true_caption": "the man is adjusting the tie",
            "false_caption": "the tie is adjusting the man",
        },
    ]
    attribution = [
        {
            "image_id": "100",
            "attributes": ["red", "small"],
            "image_path": "100.jpg",
            "bbox_x": 0,
            "bbox_y": 0,
            "bbox_w": 40,
            "bbox_h": 30,
            "true_caption": "the red cup and the small table",
            "false_caption": "the small cup and the red table",
        },
        {
            "image_id": "101",
            "attributes": ["white", "black"],
            "image_path": "101.jpg",
            "bbox_x": 2,
            "bbox_y": 2,
            "bbox_w": 30,
            "bbox_h": 20,
            "true_caption": "the white cat and the black mat",
            "false_caption": "the black cat and the white mat",
        },
    ]
    (root / "visual_genome_relation.json").write_text(json.dumps(relation))
    (root / "visual_genome_attribution.json").write_text(json.dumps(attribution))
    return root


def write_karpathy_blip_json(root: Path, num_images: int = 3) -> Path:
    """BLIP/ALBEF coco_karpathy_test.json: [{"image": "val2014/...jpg", "caption": [5 captions]}]."""
    records = []
    nouns = ["dog", "cat", "horse", "bird", "car", "boat"]
    for index in range(num_images):
        relative = f"val2014/COCO_val2014_{index:012d}.jpg"
        make_image(root / relative, index)
        noun, other = nouns[index % 6], nouns[(index + 1) % 6]
        captions = [f"A brown {noun} sitting next to a small {other}." for _ in range(2)]
        captions += [f"The {noun} runs on green grass near a {other}", f"a {noun} and a {other} play in the park"]
        records.append({"image": relative, "caption": captions})
    path = root / "coco_karpathy_test.json"
    path.write_text(json.dumps(records))
    return path


def write_sugarcrepe(root: Path, image_dir: Path) -> Path:
    """<subset>.json: {"<idx>": {"filename", "caption", "negative_caption"}} for all 7 subsets."""
    from structure_clip.evaluation.benchmarks import SUGARCREPE_SUBSETS

    for index in range(2):
        make_image(image_dir / f"{index:012d}.jpg", index)
    for subset_index, subset in enumerate(SUGARCREPE_SUBSETS):
        records = {
            str(i): {
                "filename": f"{i % 2:012d}.jpg",
                "caption": f"a dog on a sofa {subset}",
                "negative_caption": f"a sofa on a dog {subset}",
            }
            for i in range(subset_index + 1)  # sizes 1..7, so weighted and unweighted group means differ
        }
        root.mkdir(parents=True, exist_ok=True)
        (root / f"{subset}.json").write_text(json.dumps(records))
    return root


def write_winoground_release(root: Path, num_items: int = 2) -> Path:
    """Release layout: examples.jsonl + images/<image_0>.png."""
    lines = []
    for index in range(num_items):
        for slot in range(2):
            make_image(root / "images" / f"ex_{index}_img_{slot}.png", 2 * index + slot)
        lines.append(
            json.dumps(
                {
                    "id": index,
                    "caption_0": "a mug in some grass",
                    "caption_1": "some grass in a mug",
                    "tag": "Object",
                    "image_0": f"ex_{index}_img_0",
                    "image_1": f"ex_{index}_img_1",
                }
            )
        )
    (root / "examples.jsonl").write_text("\n".join(lines) + "\n")
    return root


# ---------------------------------------------------------------------------------------------
# A scorer whose answers are known, to test the benchmark wiring independently of any model
# ---------------------------------------------------------------------------------------------


class OracleScorer:
    """Images -> one-hot of their top-left pixel's colour (+ a constant 1); texts -> vectors from a table.

    Give a text `"any"` to score 1 with every image, a colour index to score 1 only with images of that
    colour (which checks crops and image order), or leave it out to score 0. Calls are recorded.
    """

    kind = "oracle"
    dim = len(COLOURS) + 1

    def __init__(self, text_table: dict):
        self.text_table = text_table
        self.text_calls = []

    def encode_images(self, images):
        import torch

        embeds = torch.zeros(len(images), self.dim)
        for row in range(len(images)):
            pixel = images[row].convert("RGB").getpixel((0, 0))
            nearest = min(
                range(len(COLOURS)), key=lambda i: sum((a - b) ** 2 for a, b in zip(COLOURS[i], pixel, strict=False))
            )
            embeds[row, nearest] = 1.0  # nearest, not exact: fixture images are real (lossy) JPEGs
            embeds[row, -1] = 1.0
        return embeds

    def encode_texts(self, texts, triples=None):
        import torch

        self.text_calls.append((list(texts), None if triples is None else list(triples)))
        embeds = torch.zeros(len(texts), self.dim)
        for row, text in enumerate(texts):
            target = self.text_table.get(text)
            if target == "any":
                embeds[row, -1] = 1.0
            elif target is not None:
                embeds[row, target] = 1.0
        return embeds

    @staticmethod
    def pair_scores(image_embeds, text_embeds):
        return (image_embeds * text_embeds).sum(-1)
