"""Saving without transformers' "Writing model shards" progress bar.

`PreTrainedModel.save_pretrained` draws one bar per save, even for a single shard; a training run saves its
best and final models several times (13 bars in one run of the synthetic demo), which buries the log.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def without_shard_progress_bar():
    """transformers' progress bars off for the block (save_pretrained's only), restored afterwards."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()
