"""Offline tiny processor for tests: a CLIP BPE tokenizer, a BERT WordPiece tokenizer, 30 px images.

Nothing is downloaded. The CLIP tokenizer gives `<|endoftext|>` the *largest* id on purpose:
CLIPTextTransformer pools at ``argmax(input_ids)`` when ``eos_token_id == 2`` (transformers PR #24773, CLIP text
pooling), so a small vocab with EOS at a middle id would pool on the wrong token. Tiny model
configs should use :data:`CLIP_SPECIAL_IDS` for bos/eos/pad and :func:`tiny_vocab_sizes` for sizes.

    processor = make_tiny_processor(tmp_path)
    batch = processor(text=["a man riding a horse"], images=[image], negatives="auto")
"""

from __future__ import annotations

import os

from transformers import BertTokenizer, CLIPTokenizer

from processing import StructureCLIPProcessor, clip_image_processor


TINY_IMAGE_SIZE = 30
TINY_TEXT_LENGTH = 16  # CLIP tokenizer model_max_length: tiny text configs need >= 16 positions

# Words that get whole-word BPE merges (most end up as one token; anything else still tokenises,
# in smaller pieces).
TINY_WORDS = (
    "a an the and is are of on in at to with next by near behind under above below left right front "
    "top side man woman men women person people boy girl child dog dogs cat cats horse elephant bird "
    "car bus train truck bike motorcycle table chair bed plate pizza cake hat shirt shoe ball kite "
    "frisbee street road field grass water beach snow sky tree building sign clock phone "
    "red blue green white black yellow brown small large big old young tall wooden "
    "riding sitting standing holding eating walking playing looking wearing chasing carrying "
    "ride sit stand hold eat walk play look wear chase carry one two three four"
).split()

CLIP_BOS, CLIP_EOS = "<|startoftext|>", "<|endoftext|>"


def _byte_level_alphabet() -> list[str]:
    """The 256 characters of the byte-level pre-tokenizer: printable bytes as themselves, the
    rest shifted above 255 (the GPT-2 / CLIP byte-to-unicode table)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    shifted = [b for b in range(256) if b not in printable]
    table = {b: chr(b) for b in printable} | {b: chr(256 + n) for n, b in enumerate(shifted)}
    return [table[b] for b in range(256)]


def _clip_vocab_and_merges() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Byte-level letters (+ their word-final forms), whole-word merges for TINY_WORDS, EOS last."""
    byte_chars = _byte_level_alphabet()
    vocab: dict[str, int] = {}
    for char in byte_chars:
        vocab.setdefault(char, len(vocab))
    for char in byte_chars:
        vocab.setdefault(char + "</w>", len(vocab))
    merges: list[tuple[str, str]] = []
    # Longer words first: their left-to-right merges then outrank a short word's final merge
    # (otherwise "man" would split as "m" + "an" because of the word "an").
    for word in sorted(TINY_WORDS, key=len, reverse=True):
        pieces = list(word[:-1]) + [word[-1] + "</w>"]
        while len(pieces) > 1:
            merges.append((pieces[0], pieces[1]))
            merged = pieces[0] + pieces[1]
            vocab.setdefault(merged, len(vocab))
            pieces = [merged] + pieces[2:]
    merges = list(dict.fromkeys(merges))
    vocab[CLIP_BOS] = len(vocab)
    vocab[CLIP_EOS] = len(vocab)  # largest id: see module docstring
    return vocab, merges


def make_tiny_clip_tokenizer() -> CLIPTokenizer:
    vocab, merges = _clip_vocab_and_merges()
    return CLIPTokenizer(vocab=vocab, merges=merges, model_max_length=TINY_TEXT_LENGTH)


def make_tiny_bert_tokenizer() -> BertTokenizer:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    # A few wordpieces so that multi-piece words exist ("surfing" -> "surf", "##ing").
    pieces = ["surf", "##ing", "##s", "##er", "##board"]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    tokens = list(dict.fromkeys(specials + list(TINY_WORDS) + pieces + letters))
    return BertTokenizer(vocab={token: index for index, token in enumerate(tokens)})


def make_tiny_image_processor():
    """The fast (torchvision) CLIP image processor when torchvision works here, else the PIL one, as users get."""
    return clip_image_processor(
        size={"shortest_edge": TINY_IMAGE_SIZE},
        crop_size={"height": TINY_IMAGE_SIZE, "width": TINY_IMAGE_SIZE},
    )


def make_tiny_processor(
    tmp_dir: os.PathLike | None = None, max_triples: int = 6, phrase_length: int = 5, spacy_model=None
) -> StructureCLIPProcessor:
    """A StructureCLIPProcessor built offline; when ``tmp_dir`` is given it is also saved there."""
    processor = StructureCLIPProcessor(
        make_tiny_image_processor(),
        make_tiny_clip_tokenizer(),
        make_tiny_bert_tokenizer(),
        spacy_model=spacy_model,
        max_triples=max_triples,
        phrase_length=phrase_length,
    )
    if tmp_dir is not None:
        processor.save_pretrained(tmp_dir)
    return processor


def tiny_vocab_sizes() -> dict[str, int]:
    """Vocab sizes a tiny model config must cover: text (CLIP) and knowledge (BERT)."""
    return {"text": len(make_tiny_clip_tokenizer()), "knowledge": len(make_tiny_bert_tokenizer())}


def _clip_special_ids() -> dict[str, int]:
    tokenizer = make_tiny_clip_tokenizer()
    return {
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }


CLIP_SPECIAL_IDS = _clip_special_ids()


# ---------------------------------------------------------------------------------------------------------------
# SigLIP / SigLIP 2: a sentencepiece tokenizer trained offline on captions of the tiny words, and SigLIP's image
# processors (PIL backends) at 30 px.

SIGLIP_TRAINING_CAPTIONS = 300


def tiny_training_captions(count: int = SIGLIP_TRAINING_CAPTIONS, seed: int = 0) -> list[str]:
    """`count` captions of 3-9 tiny words, the same for a seed (the corpus of the tiny sentencepiece model)."""
    import random

    rng = random.Random(seed)
    return [" ".join(rng.choice(TINY_WORDS) for _ in range(rng.randint(3, 9))) for _ in range(count)]


def make_tiny_siglip_tokenizer(directory: os.PathLike):
    from structure_clip.sentencepiece_tokenizer import build_siglip_tokenizer

    return build_siglip_tokenizer(tiny_training_captions(), directory, vocab_size=128)


def make_tiny_siglip_image_processor(backbone: str = "siglip"):
    if backbone == "siglip2":
        from transformers.models.siglip2.image_processing_pil_siglip2 import Siglip2ImageProcessorPil

        # 6 px patches, at most 25 of them: the tiny SigLIP 2 vision tower's budget (tests/tiny_models.py).
        return Siglip2ImageProcessorPil(patch_size=6, max_num_patches=25)
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    return SiglipImageProcessorPil(size={"height": TINY_IMAGE_SIZE, "width": TINY_IMAGE_SIZE})


def make_tiny_siglip_processor(directory: os.PathLike, backbone: str = "siglip", max_triples: int = 6,
                               phrase_length: int = 5) -> StructureCLIPProcessor:  # fmt: skip
    """A SigLIP StructureCLIPProcessor built offline (sentencepiece captions padded to 64, BERT phrases)."""
    from processing import SIGLIP_CAPTION_LENGTH

    return StructureCLIPProcessor(
        make_tiny_siglip_image_processor(backbone),
        make_tiny_siglip_tokenizer(os.path.join(directory, "spiece")),
        make_tiny_bert_tokenizer(),
        max_triples=max_triples,
        phrase_length=phrase_length,
        pad_captions_to=SIGLIP_CAPTION_LENGTH,
    )
