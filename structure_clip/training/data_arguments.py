"""The data options of examples/train.py and examples/finetune_with_trainer.py (`DataArguments`).

Kept apart from structure_clip/training/data.py, which imports `datasets`: `--help` must answer without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DataArguments:
    """Which data to train and validate on (shared with finetune_with_trainer.py)."""

    train_file: str | None = field(
        default=None,
        metadata={
            "help": "COCO-style JSON/JSONL/CSV of image paths and captions, or the original "
            "Structure-CLIP training JSON (image_path, true_caption, false_caption, *_triples)."
        },
    )
    validation_file: str | None = field(default=None, metadata={"help": "Validation file in the same formats."})
    dataset_name: str | None = field(
        default=None, metadata={"help": "A `datasets` dataset (hub name or local path) instead of files."}
    )
    dataset_config_name: str | None = field(default=None, metadata={"help": "Config name of --dataset_name."})
    train_split: str = field(default="train", metadata={"help": "Split of --dataset_name to train on."})
    validation_split: str | None = field(
        default="validation", metadata={"help": "Split of --dataset_name used for checkpoint selection (if present)."}
    )
    validation_split_percentage: float = field(
        default=0.0,
        metadata={
            "help": "Hold out this percentage of the training images (each with all its captions) "
            "for validation when no validation data is given (0 = none: the final model is the last step)."
        },
    )
    image_column: str | None = field(default=None, metadata={"help": "Image (path) column; default: guessed."})
    caption_column: str | None = field(default=None, metadata={"help": "Caption column; default: guessed."})
    image_root: str | None = field(
        default=None,
        metadata={"help": "Folder that relative image paths start from; default: the data file's folder."},
    )
    negatives: str = field(
        default="auto",
        metadata={
            "help": "'auto': build a semantic negative for rows without one; 'given': only "
            "the file's negatives; 'none': train without hard negatives."
        },
    )
    spacy_model: str | None = field(default=None, metadata={"help": "spaCy pipeline for the scene-graph parser."})
    scene_graph_parser: str = field(
        default="rules",
        metadata={
            "help": "'rules' (spaCy rules, offline) or the local folder / Hub id of a FACTUAL-style seq2seq "
            "checkpoint (e.g. lizhuang144/flan-t5-base-VG-factual-sg); also saved with the processor."
        },
    )
    data_cache_dir: str | None = field(default=None, metadata={"help": "Cache folder for parsed scene graphs."})
    preprocessing_num_workers: int | None = field(default=None, metadata={"help": "Processes for parsing."})
    max_train_samples: int | None = field(default=None, metadata={"help": "Truncate the training set (debug)."})
    max_eval_samples: int | None = field(default=None, metadata={"help": "Truncate the validation set."})
    verify_images: bool = field(
        default=False,
        metadata={
            "help": "Decode every image before training, so an unreadable one stops the run "
            "at once with a list of every bad file, not mid-run at its batch."
        },
    )
    skip_bad_images: bool = field(
        default=False,
        metadata={
            "help": "Decode every image before training (as --verify_images) and drop the "
            "records whose image cannot be read; they are counted in the log and listed in "
            "<output_dir>/bad_images.json. With --streaming, training images are instead checked as they "
            "stream, and dropped rows are listed in <output_dir>/bad_images.jsonl."
        },
    )

    def __post_init__(self):
        if self.negatives not in ("auto", "given", "none"):
            raise ValueError(f"--negatives must be 'auto', 'given' or 'none', not {self.negatives!r}")
        if not 0 <= self.validation_split_percentage < 100:
            raise ValueError(
                f"--validation_split_percentage must be in [0, 100) (0 = no held-out rows), "
                f"got {self.validation_split_percentage}."
            )
        for name in ("max_train_samples", "max_eval_samples"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                raise ValueError(f"--{name} must be >= 1 (or unset for all rows), got {getattr(self, name)}.")
