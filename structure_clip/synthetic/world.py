"""A procedurally rendered world of coloured shapes in spatial relations, for the built-in demo.

Every scene holds two objects, each with a shape, a colour and a size, in one spatial relation
("left of", "right of", "above", "below"). The caption names both objects and the relation, e.g.
"a small red circle left of a large blue square", and the ground-truth scene graph comes with it,
so no parser is involved. Its triples follow docs/method.md §1: relation triples first, then one
(object, "is", attribute) triple per attribute.

Design choices that matter for the demo (each measured with examples/synthetic_ablation.py):
- Objects sit on a grid whose cells are exactly the ViT's patches, so a single patch token carries one
  whole object and its position embedding says where the object is. This is the "patch layout that
  binds identity to position" that lets a tiny ViT learn relations on CPU within minutes.
- The two objects of a scene always have different shapes (so the triples, which name objects by
  their shape as the original parser names them by head noun, are unambiguous) and different colours
  (so an attribute swap always exists and always changes the picture it describes).
- Everything is drawn from `numpy.random.default_rng` seeded per split, so a seed gives the same
  dataset byte for byte.

Public entry points: `build_synthetic_dataset`, `build_synthetic_tokenizers`,
`tiny_synthetic_model_config`, `render_scene`, `relation_swap`, `attribute_swap`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageDraw

from structure_clip.tiny_configs import (
    knowledge_encoder_config,
    structure_clip_config,
    text_tower_config,
    vision_tower_config,
)


logger = logging.getLogger(__name__)

SHAPES = ("circle", "square", "triangle", "diamond")
COLOURS = {
    "red": (230, 40, 40),
    "green": (40, 190, 60),
    "blue": (50, 100, 240),
    "yellow": (235, 215, 40),
    "purple": (160, 60, 210),
    "white": (245, 245, 245),
}
SIZES = ("small", "large")
# Each relation with the grid axis it lives on and its inverse (used when the caption names the
# other object first, and to check that a swapped caption is really false).
RELATIONS = {"left of": ("x", -1), "right of": ("x", 1), "above": ("y", -1), "below": ("y", 1)}
INVERSE_RELATION = {"left of": "right of", "right of": "left of", "above": "below", "below": "above"}
# Fraction of a cell an object's bounding box fills.
SIZE_FRACTION = {"small": 0.5, "large": 0.95}
BACKGROUND = (0, 0, 0)

SPLIT_SIZES = {
    "train": 20000,
    "validation": 512,
    "test_relation_swap": 1000,
    "test_attribute_swap": 1000,
    "test_retrieval": 500,
}
# Offsets added to the user's seed, so that the splits are independent draws.
SPLIT_SEED_OFFSETS = {
    "train": 0,
    "train_curriculum": 5_000_003,
    "validation": 1_000_003,
    "test_relation_swap": 2_000_003,
    "test_attribute_swap": 3_000_003,
    "test_retrieval": 4_000_003,
}


@dataclasses.dataclass(frozen=True)
class SceneObject:
    shape: str
    colour: str
    size: str
    row: int
    column: int
    # Offset of a small object inside its cell, as fractions of the free space (0..1).
    jitter: tuple[float, float] = (0.5, 0.5)

    def phrase(self) -> str:
        return f"a {self.size} {self.colour} {self.shape}"


@dataclasses.dataclass(frozen=True)
class Scene:
    """Two objects; the caption reads "<subject> <relation> <object>"."""

    subject: SceneObject
    object: SceneObject
    relation: str

    def caption(self) -> str:
        return f"{self.subject.phrase()} {self.relation} {self.object.phrase()}"

    def triples(self) -> list[tuple[str, str, str]]:
        """Relations first, then (object, "is", attribute), as docs/method.md §1 and SceneGraph.triples()."""
        triples = [(self.subject.shape, self.relation, self.object.shape)]
        for scene_object in (self.subject, self.object):
            triples.append((scene_object.shape, "is", scene_object.size))
            triples.append((scene_object.shape, "is", scene_object.colour))
        return triples

    def canonical_key(self) -> tuple:
        """Identical for scenes that one caption describes equally well (used to de-duplicate)."""
        first, second, relation = self.subject, self.object, self.relation
        if relation in ("right of", "below"):
            first, second, relation = second, first, INVERSE_RELATION[relation]
        describe = lambda o: (o.shape, o.colour, o.size)
        return (describe(first), relation, describe(second))


def relation_holds(subject: SceneObject, relation: str, other: SceneObject) -> bool:
    axis, sign = RELATIONS[relation]
    delta = (subject.column - other.column) if axis == "x" else (subject.row - other.row)
    return delta * sign > 0


def sample_scene(rng: np.random.Generator, grid_size: int, canonical: bool = False) -> Scene:
    """A random scene; `canonical` names the left / upper object first, so only "left of" and "above" occur."""
    shapes = rng.choice(len(SHAPES), size=2, replace=False)
    colours = rng.choice(len(COLOURS), size=2, replace=False)
    sizes = rng.integers(0, len(SIZES), size=2)
    # Objects share a row (horizontal relation) or a column (vertical), so exactly one relation
    # from RELATIONS holds in each direction and the caption is never ambiguous.
    horizontal = bool(rng.integers(0, 2))
    line = int(rng.integers(0, grid_size))
    first_cell, second_cell = (int(c) for c in rng.choice(grid_size, size=2, replace=False))
    jitters = rng.random((2, 2))
    objects = []
    for index, cell in enumerate((first_cell, second_cell)):
        row, column = (line, cell) if horizontal else (cell, line)
        objects.append(
            SceneObject(
                shape=SHAPES[shapes[index]],
                colour=list(COLOURS)[colours[index]],
                size=SIZES[sizes[index]],
                row=row,
                column=column,
                jitter=(float(jitters[index, 0]), float(jitters[index, 1])),
            )
        )
    subject, other = objects
    relation = next(r for r in RELATIONS if relation_holds(subject, r, other))
    if canonical and relation in ("right of", "below"):
        subject, other, relation = other, subject, INVERSE_RELATION[relation]
    return Scene(subject=subject, object=other, relation=relation)


def _draw_object(draw: ImageDraw.ImageDraw, scene_object: SceneObject, cell_px: int) -> None:
    extent = SIZE_FRACTION[scene_object.size] * cell_px
    free = cell_px - extent
    left = scene_object.column * cell_px + free * scene_object.jitter[0]
    top = scene_object.row * cell_px + free * scene_object.jitter[1]
    right, bottom = left + extent, top + extent
    colour = COLOURS[scene_object.colour]
    if scene_object.shape == "circle":
        draw.ellipse((left, top, right, bottom), fill=colour)
    elif scene_object.shape == "square":
        inset = extent * 0.1  # a square filling its box would dwarf the other shapes
        draw.rectangle((left + inset, top + inset, right - inset, bottom - inset), fill=colour)
    elif scene_object.shape == "triangle":
        draw.polygon(((left + right) / 2, top, right, bottom, left, bottom), fill=colour)
    elif scene_object.shape == "diamond":
        mid_x, mid_y = (left + right) / 2, (top + bottom) / 2
        draw.polygon((mid_x, top, right, mid_y, mid_x, bottom, left, mid_y), fill=colour)
    else:  # pragma: no cover - SHAPES is closed
        raise ValueError(f"unknown shape {scene_object.shape!r}")


def render_scene(scene: Scene, grid_size: int = 3, cell_px: int = 16) -> Image.Image:
    """RGB image of `grid_size` x `grid_size` cells of `cell_px` pixels (one cell = one ViT patch)."""
    image = Image.new("RGB", (grid_size * cell_px, grid_size * cell_px), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for scene_object in (scene.subject, scene.object):
        _draw_object(draw, scene_object, cell_px)
    return image


def relation_swap(scene: Scene) -> Scene:
    """Subject and object exchanged, relation kept: "a blue square left of a red circle" (false)."""
    return dataclasses.replace(scene, subject=scene.object, object=scene.subject)


def attribute_swap(scene: Scene, rng: np.random.Generator) -> Scene:
    """Exchange one attribute kind between the two objects (colour always differs; size may not)."""
    kinds = ["colour"] + (["size"] if scene.subject.size != scene.object.size else [])
    kind = kinds[int(rng.integers(0, len(kinds)))]
    subject = dataclasses.replace(scene.subject, **{kind: getattr(scene.object, kind)})
    other = dataclasses.replace(scene.object, **{kind: getattr(scene.subject, kind)})
    return dataclasses.replace(scene, subject=subject, object=other)


def _record(scene: Scene, negative: Scene, grid_size: int, cell_px: int) -> dict:
    return {
        "image": render_scene(scene, grid_size, cell_px),
        "caption": scene.caption(),
        "triples": [list(t) for t in scene.triples()],
        "negative_caption": negative.caption(),
        "negative_triples": [list(t) for t in negative.triples()],
    }


def generate_split(split: str, num_examples: int, seed: int, grid_size: int = 3, cell_px: int = 16) -> Iterator[dict]:
    """Yield the records of one split; deterministic given (split, seed, sizes).

    train / validation mix relation and attribute swaps half and half as the hard negative; the
    test_* splits use the swap kind they are named after; test_retrieval keeps one scene per distinct
    caption meaning, so recall@1 has a single right answer. "train_curriculum" is an optional easy
    first stage: like train, but every caption names the left / upper object first ("left of" and
    "above" only), so the model need not yet learn that "B right of A" means "A left of B".
    """
    rng = np.random.default_rng(seed + SPLIT_SEED_OFFSETS[split])
    canonical = split == "train_curriculum"
    seen_keys: set = set()
    produced = 0
    while produced < num_examples:
        scene = sample_scene(rng, grid_size, canonical=canonical)
        if split == "test_retrieval":
            if scene.canonical_key() in seen_keys:
                continue
            seen_keys.add(scene.canonical_key())
        if split == "test_relation_swap" or (
            split in ("train", "train_curriculum", "validation") and rng.random() < 0.5
        ):
            negative = relation_swap(scene)
        else:
            negative = attribute_swap(scene, rng)
        produced += 1
        yield _record(scene, negative, grid_size, cell_px)


def build_synthetic_dataset(
    seed: int = 0,
    split_sizes: dict[str, int] | None = None,
    grid_size: int = 3,
    cell_px: int = 16,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = False,
):
    """The synthetic world as a `datasets.DatasetDict`: the splits of SPLIT_SIZES, the columns below.

    `split_sizes` overrides SPLIT_SIZES; a size of 0 drops the split. Add {"train_curriculum": n} for the
    canonical-wording first training stage (see `generate_split`). With `cache_dir`, each split is rendered
    once per settings and reloaded from there afterwards (structure_clip/synthetic/world_cache.py);
    `progress` shows a bar per rendered split.
    """
    import datasets

    from structure_clip.synthetic.world_cache import load_or_render_split

    splits = {}
    for split, size in {**SPLIT_SIZES, **(split_sizes or {})}.items():
        if not size:
            continue
        render = lambda split=split, size=size: render_split(split, size, seed, grid_size, cell_px, progress)
        if cache_dir is None:
            splits[split] = render()
        else:
            splits[split] = load_or_render_split(split, size, seed, grid_size, cell_px, render, cache_dir)
    return datasets.DatasetDict(splits)


def render_split(split: str, size: int, seed: int, grid_size: int, cell_px: int, progress: bool = False):
    """One split of the world as a `datasets.Dataset` (see `generate_split`)."""
    import datasets
    from tqdm.auto import tqdm

    features = datasets.Features(
        {
            "image": datasets.Image(),
            "caption": datasets.Value("string"),
            "triples": datasets.Sequence(datasets.Sequence(datasets.Value("string"))),
            "negative_caption": datasets.Value("string"),
            "negative_triples": datasets.Sequence(datasets.Sequence(datasets.Value("string"))),
        }
    )
    records = list(tqdm(generate_split(split, size, seed, grid_size, cell_px), total=size,
                        desc=f"rendering synthetic {split}", disable=not progress))  # fmt: skip
    columns = {key: [record[key] for record in records] for key in features}
    return datasets.Dataset.from_dict(columns, features=features)


# ---------------------------------------------------------------------------------------------
# Offline tokenizers
# ---------------------------------------------------------------------------------------------


def world_words() -> list[str]:
    words = ["a", "is", "of", "left", "right", "above", "below"]
    return words + list(SIZES) + list(COLOURS) + list(SHAPES)


def _word_level_bpe(words: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Vocab and merges for a byte-level BPE that turns every word into exactly one token.

    Merges are added left to right per word; where another word's merge fires first, the merges for
    the pieces BPE actually produced are appended (appended merges rank last, so they cannot change
    any word that already works). Special tokens come last: EOS gets the largest id, so CLIP's
    argmax-EOS pooling lands on EOS and never on a middle word (transformers PR #24773).
    """
    from transformers import CLIPTokenizer

    vocab: dict[str, int] = {}
    merges: list[tuple[str, str]] = []

    def add(token: str) -> None:
        vocab.setdefault(token, len(vocab))

    def pieces_of(word: str) -> list[str]:
        return list(word[:-1]) + [word[-1] + "</w>"]

    for word in words:
        for piece in pieces_of(word):
            add(piece)
    stuck = [pieces_of(word) for word in words]
    for _ in range(len(words) + 1):
        for pieces in stuck:
            joined = pieces[0]
            for piece in pieces[1:]:
                if (joined, piece) not in merges:
                    merges.append((joined, piece))
                joined += piece
                add(joined)
        tokenizer = CLIPTokenizer(vocab=_with_specials(vocab), merges=list(merges))
        stuck = [tokenizer.tokenize(w) for w in words if len(tokenizer.tokenize(w)) != 1]
        if not stuck:
            return _with_specials(vocab), merges
    raise RuntimeError(f"could not build single-token merges for {stuck}")  # pragma: no cover


def _with_specials(vocab: dict[str, int]) -> dict[str, int]:
    full = dict(vocab)
    full["<|startoftext|>"] = len(full)
    full["<|endoftext|>"] = len(full)
    return full


def build_synthetic_tokenizers(directory: str | os.PathLike | None = None):
    """(CLIPTokenizer, BertTokenizer) for the world's words; saved under `directory` if given.

    The CLIP tokenizer's EOS (= pad) has the largest id; the BERT one tokenises the KEE's phrases
    ("left of" -> [CLS] left of [SEP]).
    """
    from transformers import BertTokenizer, CLIPTokenizer

    vocab, merges = _word_level_bpe(world_words())
    clip_tokenizer = CLIPTokenizer(vocab=vocab, merges=merges, model_max_length=16)
    bert_vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + world_words()
    bert_tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(bert_vocab)}, model_max_length=5)
    if directory is not None:
        clip_tokenizer.save_pretrained(os.path.join(directory, "tokenizer"))
        bert_tokenizer.save_pretrained(os.path.join(directory, "triple_tokenizer"))
    return clip_tokenizer, bert_tokenizer


# ---------------------------------------------------------------------------------------------
# Tiny model config
# ---------------------------------------------------------------------------------------------

TINY_WIDTH = 128


TINY_LAYERS = 3


def tiny_synthetic_model_config(
    clip_tokenizer=None,
    bert_tokenizer=None,
    grid_size: int = 3,
    cell_px: int = 16,
    width: int = TINY_WIDTH,
    num_hidden_layers: int = TINY_LAYERS,
    knowledge_layers: int = 2,
    backbone: str = "clip",
    **overrides,
):
    """A from-scratch `StructureCLIPConfig` for the synthetic world, small enough to train on CPU.

    `width` / `num_hidden_layers` size both towers (and `width` the KEE and the projection), with one
    patch per grid cell; `overrides` set top-level fields (knowledge_weight, loss_recipe, ...). `backbone`
    "siglip" builds SigLIP towers (structure_clip/synthetic/world_siglip.py); `clip_tokenizer` is then the
    world's SigLIP tokenizer.
    """
    if clip_tokenizer is None or bert_tokenizer is None:
        clip_tokenizer, bert_tokenizer = build_synthetic_tokenizers()
    sizes = {"width": width, "intermediate_size": 4 * width}
    if backbone == "siglip":
        from structure_clip.synthetic.world_siglip import siglip_world_config_fields, siglip_world_tower_configs

        text_config, vision_config = siglip_world_tower_configs(clip_tokenizer, grid_size, cell_px, width,
                                                                num_hidden_layers)  # fmt: skip
        overrides = {**siglip_world_config_fields(), **overrides}
    else:
        text_config = text_tower_config(
            vocab_size=len(clip_tokenizer), bos_token_id=clip_tokenizer.bos_token_id,
            eos_token_id=clip_tokenizer.eos_token_id, pad_token_id=clip_tokenizer.pad_token_id,
            num_hidden_layers=num_hidden_layers, max_position_embeddings=clip_tokenizer.model_max_length, **sizes,
        )  # fmt: skip
        vision_config = vision_tower_config(
            num_hidden_layers=num_hidden_layers, image_size=grid_size * cell_px, patch_size=cell_px, **sizes
        )
    knowledge_config = knowledge_encoder_config(
        vocab_size=len(bert_tokenizer), pad_token_id=bert_tokenizer.pad_token_id, cls_token_id=bert_tokenizer.cls_token_id,
        sep_token_id=bert_tokenizer.sep_token_id, num_hidden_layers=knowledge_layers, **sizes,
    )  # fmt: skip
    return structure_clip_config(
        text_config, vision_config, knowledge_config, **{"projection_dim": width, **overrides}
    )


def build_synthetic_processor(
    directory: str | os.PathLike | None = None, grid_size: int = 3, cell_px: int = 16, backbone: str = "clip"
):
    """StructureCLIPProcessor for the world: its tokenizers, and CLIP's image pipeline at the model's resolution
    (for `backbone="siglip"`: a sentencepiece tokenizer and SigLIP's image processing, world_siglip.py)."""
    from transformers import (
        CLIPImageProcessorPil,  # the PIL backend: no torchvision needed, no fallback warning
    )

    from processing import StructureCLIPProcessor

    clip_tokenizer, bert_tokenizer = build_synthetic_tokenizers()
    if backbone == "siglip":
        from structure_clip.synthetic.world_siglip import build_siglip_world_processor

        processor = build_siglip_world_processor(bert_tokenizer, grid_size, cell_px)
        if directory is not None:
            processor.save_pretrained(directory)
        return processor
    image_size = grid_size * cell_px
    # CLIP's recipe (shortest edge to the model's size with bicubic resampling, then a centre crop), so a saved
    # model takes photos of any size. The world's own images are rendered at exactly this size, and resizing
    # a 48 px image to 48 px leaves it unchanged (PIL returns a copy), so the demo's tensors are those of
    # normalisation alone; tests/test_synthetic_processor.py checks both.
    image_processor = CLIPImageProcessorPil(
        do_resize=True,
        size={"shortest_edge": image_size},
        resample=3,  # PIL.Image.BICUBIC, as in CLIP's preprocessor_config.json
        do_center_crop=True,
        crop_size={"height": image_size, "width": image_size},
    )
    processor = StructureCLIPProcessor(image_processor, clip_tokenizer, bert_tokenizer)
    if directory is not None:
        processor.save_pretrained(directory)
    return processor
