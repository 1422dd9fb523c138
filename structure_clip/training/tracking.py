"""`train.py --report_to`: the training curves through Accelerate's experiment trackers (TensorBoard, W&B).

Accelerate owns the trackers (`Accelerator(log_with=...)`, `init_trackers`, `accelerator.log`, all main-process
only). Every record of results.jsonl is also sent to them under the names the transformers Trainer's
TensorBoard and W&B callbacks use, so both training paths draw comparable curves: `train/loss`,
`train/learning_rate`, `train/<loss term>`, `eval/loss`, `eval/<metric>` (Trainer's `eval_<metric>`).
"""

from __future__ import annotations

import logging
import numbers


logger = logging.getLogger(__name__)

REPORT_TO_CHOICES = ("none", "tensorboard", "wandb", "all")
TRACKER_PROJECT_NAME = "structure-clip"


def log_with(report_to: str) -> list[str] | None:
    """Accelerator's `log_with` for a --report_to value."""
    if report_to not in REPORT_TO_CHOICES:
        raise ValueError(f"--report_to must be one of {REPORT_TO_CHOICES}, got {report_to!r}.")
    if report_to == "none":
        return None
    return ["tensorboard", "wandb"] if report_to == "all" else [report_to]


def tracker_metrics(record: dict) -> dict[str, float]:
    """A results.jsonl record under the Trainer's tracker names; non-numeric fields are left out."""
    kind = record.get("type")
    if kind not in ("train", "eval"):
        return {}
    metrics = {}
    for key, value in record.items():
        if key in ("type", "step") or isinstance(value, bool) or not isinstance(value, numbers.Number):
            continue
        if kind == "eval":
            metrics[f"eval/{key.removeprefix('validation_')}"] = value
        else:
            metrics[f"train/{'learning_rate' if key == 'lr' else key}"] = value
    return metrics


class TrackedResultsLog:
    """A results log that also sends every train and eval record to the Accelerator's trackers."""

    def __init__(self, results_log, accelerator):
        self.results_log, self.accelerator = results_log, accelerator

    def __getattr__(self, name):  # history, path, ... of the wrapped log
        return getattr(self.results_log, name)

    def write(self, record: dict) -> None:
        self.results_log.write(record)
        metrics = tracker_metrics(record)
        if metrics and self.accelerator.trackers:
            self.accelerator.log(metrics, step=record["step"])


def start_tracking(accelerator, args, results_log):
    """Start the trackers named by --report_to (a no-op for "none") and wrap the results log for them."""
    if not accelerator.log_with:
        return results_log
    config = {key: value for key, value in vars(args).items() if isinstance(value, (int, float, str, bool))}
    accelerator.init_trackers(TRACKER_PROJECT_NAME, config=config)
    logger.info("Reporting to %s (logging dir %s)", [t.name for t in accelerator.trackers], accelerator.logging_dir)
    return TrackedResultsLog(results_log, accelerator)
