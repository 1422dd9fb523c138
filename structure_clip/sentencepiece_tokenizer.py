"""A small SigLIP tokenizer trained offline: a sentencepiece unigram model over given captions.

SigLIP's tokenizer is a sentencepiece model (transformers 5 `SiglipTokenizer`, a sentencepiece backend, reading
`spiece.model`); google/siglip-* lowercases, ends every caption with `</s>` and pads with `</s>` too. The Hub is
not reachable here, so the synthetic world and the tests train a tiny one with the same special pieces.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterable


logger = logging.getLogger(__name__)

# Piece ids of google/siglip-base-patch16-224's spiece.model: <pad> 0, </s> 1 (EOS, and the tokenizer's pad
# token), <unk> 2, no BOS.
SIGLIP_SPECIAL_PIECES = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1}


def train_sentencepiece_model(captions: Iterable[str], vocab_size: int) -> bytes:
    """A unigram sentencepiece model of at most `vocab_size` pieces, trained on `captions` (one thread, so the
    same captions always give the same model)."""
    import sentencepiece

    captions = [caption.lower() for caption in captions]
    if not captions:
        raise ValueError("train_sentencepiece_model needs at least one caption.")
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(captions),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # a small corpus may hold fewer pieces than asked for: take what it has
        model_type="unigram",
        num_threads=1,
        minloglevel=2,
        **SIGLIP_SPECIAL_PIECES,
    )
    return model.getvalue()


def build_siglip_tokenizer(captions: Iterable[str], directory: str | os.PathLike, vocab_size: int = 128,
                           model_max_length: int = 64):  # fmt: skip
    """A `SiglipTokenizer` over a sentencepiece model trained on `captions`, saved in `directory`."""
    from transformers import SiglipTokenizer

    os.makedirs(directory, exist_ok=True)
    model_file = os.path.join(directory, "spiece.model")
    with open(model_file, "wb") as handle:
        handle.write(train_sentencepiece_model(captions, vocab_size))
    tokenizer = SiglipTokenizer(vocab_file=model_file, model_max_length=model_max_length)
    logger.info("sentencepiece tokenizer with %d pieces in %s", len(tokenizer), directory)
    return tokenizer
