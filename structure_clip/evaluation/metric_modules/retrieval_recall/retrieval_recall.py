"""Image-text retrieval Recall@K in both directions, ties counted wrong (COCO / Flickr30k protocol)."""

import datasets
import evaluate
import numpy as np


_DESCRIPTION = """
Recall@K for scores = image_embeds @ text_embeds.T, in both directions, as in CLIP-style retrieval
benchmarks (Karpathy splits of COCO and Flickr30k, 5 captions per image):
- text_to_image_R@K: fraction of captions whose own image is among the K best-scoring images;
- image_to_text_R@K: fraction of images with at least one of their captions among the K best-scoring captions.
A wrong item with the same score as the right one ranks above it (ties count as wrong).
"""

_KWARGS_DESCRIPTION = """
Args:
    text_embeds (`list` of `list` of `float`): one embedding per caption (the rows of this metric).
    text_to_image (`list` of `int`): index of each caption's image in `image_embeds`.
    image_embeds (`list` of `list` of `float`, keyword): one embedding per image; every image needs a caption.
    ks (`list` of `int`, defaults to [1, 5, 10]).
    chunk_size (`int`, defaults to 1024): captions scored at once (memory: chunk_size x images floats).
Returns:
    `image_to_text_R@K` and `text_to_image_R@K` (`float`) for every K.
Examples:
    >>> metric = evaluate.load("retrieval_recall")
    >>> metric.compute(text_embeds=[[1, 0], [0, 1]], text_to_image=[0, 1], image_embeds=[[1, 0], [0, 1]], ks=[1])
    {'image_to_text_R@1': 1.0, 'text_to_image_R@1': 1.0}
"""

_CITATION = """
@inproceedings{karpathy2015deep,
  title={Deep visual-semantic alignments for generating image descriptions},
  author={Karpathy, Andrej and Fei-Fei, Li},
  booktitle={CVPR},
  year={2015}
}
"""


def retrieval_ranks(images, texts, text_to_image, chunk_size):
    """0-based rank of the right answer per image query and per caption query (wrong items scoring >= it)."""
    rows = np.arange(len(texts))
    text_ranks = np.empty(len(texts), dtype=np.int64)
    best_correct = np.full(len(images), -np.inf, dtype=np.float32)
    for start in range(0, len(texts), chunk_size):
        chunk = slice(start, start + chunk_size)
        scores = texts[chunk] @ images.T  # [captions in chunk, images]
        own = scores[rows[chunk] - start, text_to_image[chunk]]
        text_ranks[chunk] = (scores >= own[:, None]).sum(axis=1) - 1  # minus the right image itself
        np.maximum.at(best_correct, text_to_image[chunk], own)
    image_ranks = np.zeros(len(images), dtype=np.int64)
    for start in range(0, len(texts), chunk_size):
        chunk = slice(start, start + chunk_size)
        scores = texts[chunk] @ images.T
        scores[rows[chunk] - start, text_to_image[chunk]] = -np.inf  # an image's own captions are not wrong
        image_ranks += (scores >= best_correct[None, :]).sum(axis=0)
    return image_ranks, text_ranks


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class RetrievalRecall(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"text_embeds": datasets.Sequence(datasets.Value("float32")), "text_to_image": datasets.Value("int64")}
            ),
        )

    def _compute(self, text_embeds, text_to_image, image_embeds, ks=(1, 5, 10), chunk_size=1024):
        texts = np.asarray(text_embeds, dtype=np.float32)
        images = np.asarray(image_embeds, dtype=np.float32)
        index = np.asarray(text_to_image, dtype=np.int64)
        if texts.ndim != 2 or images.ndim != 2 or texts.shape[1] != images.shape[1]:
            raise ValueError(
                f"retrieval_recall: embeddings must be [count, dim] of one dim, got {texts.shape} and {images.shape}"
            )
        if index.min() < 0 or index.max() >= len(images) or len(np.unique(index)) != len(images):
            raise ValueError(
                "retrieval_recall: text_to_image must index every image in [0, len(image_embeds)) at least once"
            )
        image_ranks, text_ranks = retrieval_ranks(images, texts, index, chunk_size)
        metrics = {}
        for k in sorted({int(k) for k in ks}):
            metrics[f"image_to_text_R@{k}"] = float((image_ranks < k).mean())
            metrics[f"text_to_image_R@{k}"] = float((text_ranks < k).mean())
        return metrics
