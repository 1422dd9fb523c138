"""The COCO/Flickr30k-Order caption perturbations (Yuksekgonul et al. 2023, §4) and the items built from them.

`build_order_items` turns (image, captions) pairs into `OrderItem`s: each caption plus its four
word-order perturbations, seeded per item so that a seed fixes the benchmark. Scoring them is
structured_benchmarks.evaluate_order.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import re
from typing import Any

from processing import load_spacy_pipeline


logger = logging.getLogger(__name__)

# POS tags need tok2vec, tagger, attribute_ruler and (for attribute_ruler's patterns) the parser;
# these two pipes only cost time here (checked: identical POS on 2,000 COCO captions).
UNUSED_PIPES_FOR_POS = ("ner", "lemmatizer")

ORDER_PERTURBATIONS = (
    "shuffle_nouns_and_adjectives",
    "shuffle_all_but_nouns_and_adjectives",
    "shuffle_within_trigrams",
    "shuffle_trigrams",
)


def normalize_caption(caption: str) -> str:
    """Lower-case, drop punctuation, collapse spaces, so the original and its shuffles differ only in order."""
    caption = re.sub(r"[^\w\s']", " ", caption.lower())
    return " ".join(caption.split())


def _shuffle_positions(words: list[str], positions: list[int], rng: random.Random) -> list[str]:
    moved = [words[i] for i in positions]
    rng.shuffle(moved)
    shuffled = list(words)
    for position, word in zip(positions, moved, strict=False):
        shuffled[position] = word
    return shuffled


def perturb_word_order(words: list[str], pos_tags: list[str], kind: str, rng: random.Random) -> list[str]:
    """The four ARO Order perturbations (Yuksekgonul et al. 2023, §4), implemented here from their description."""
    noun_or_adjective = [i for i, tag in enumerate(pos_tags) if tag in ("NOUN", "PROPN", "ADJ")]
    if kind == "shuffle_nouns_and_adjectives":
        return _shuffle_positions(words, noun_or_adjective, rng)
    if kind == "shuffle_all_but_nouns_and_adjectives":
        others = [i for i in range(len(words)) if i not in set(noun_or_adjective)]
        return _shuffle_positions(words, others, rng)
    trigrams = [words[i : i + 3] for i in range(0, len(words), 3)]
    if kind == "shuffle_within_trigrams":
        return [word for trigram in trigrams for word in rng.sample(trigram, len(trigram))]
    if kind == "shuffle_trigrams":
        return [word for trigram in rng.sample(trigrams, len(trigrams)) for word in trigram]
    raise ValueError(f"unknown perturbation {kind!r}; choose from {ORDER_PERTURBATIONS}")


@dataclasses.dataclass
class OrderItem:
    image: Any
    candidates: list[str]  # index 0 = the original caption, then ORDER_PERTURBATIONS in order


def build_order_items(pairs, seed: int = 0, nlp=None, max_attempts: int = 10):
    """One OrderItem per (image, caption); perturbations are seeded per item, so a seed fixes the benchmark.

    A perturbation that reproduces the caption is redrawn (up to `max_attempts`); captions where one
    still does (too short to shuffle) are skipped and counted, since an identical candidate would tie.
    Returns (items, skipped_count).
    """
    nlp = nlp or load_spacy_pipeline()
    disable = [pipe for pipe in UNUSED_PIPES_FOR_POS if pipe in nlp.pipe_names]
    flat = [(image, normalize_caption(caption)) for image, captions in pairs for caption in captions]
    items, skipped = [], 0
    for index, ((image, _caption), doc) in enumerate(
        zip(flat, nlp.pipe((caption for _, caption in flat), disable=disable), strict=False)
    ):
        words, tags = [token.text for token in doc], [token.pos_ for token in doc]
        original = " ".join(words)
        rng = random.Random(f"order-{seed}-{index}")
        candidates = [original]
        for kind in ORDER_PERTURBATIONS:
            for _ in range(max_attempts):
                perturbed = " ".join(perturb_word_order(words, tags, kind, rng))
                if perturbed != original:
                    break
            candidates.append(perturbed)
        if original in candidates[1:]:
            skipped += 1
            continue
        items.append(OrderItem(image, candidates))
    if skipped:
        logger.info("Order: skipped %d captions that no perturbation could change.", skipped)
    return items, skipped
