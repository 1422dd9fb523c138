"""Evaluate a Structure-CLIP or plain CLIP checkpoint on the structured benchmarks.

    python examples/evaluate_structure_clip.py --model_name_or_path outputs/demo/structure-clip --tasks synthetic
    python examples/evaluate_structure_clip.py --model_name_or_path openai/clip-vit-base-patch32 \\
        --tasks sugarcrepe vg_relation vg_attribution --coco_val2017_dir /data/coco/val2017 --aro_dir /data/aro

(Named so that it never shadows the Hugging Face `evaluate` library.) The library behind it is
`structure_clip.evaluation` (`run_evaluation`); `--help` lists every task and what it reads.
"""

from structure_clip.evaluation.runner import main


if __name__ == "__main__":
    main()
