"""The built-in demo: the paper's ablation (clip, clip+negatives, structure-clip) on the synthetic world.

    python examples/synthetic_ablation.py                 # same as: python examples/train.py
    python examples/synthetic_ablation.py --max_train_steps 20 --output_dir /tmp/demo   # a smoke run
    python examples/synthetic_ablation.py --regime finetune         # the paper's setting: fine-tune a pretrained CLIP
    python examples/synthetic_ablation.py --regime finetune --seeds 0 1 2   # mean ± std per cell

The world is rendered and encoded once per settings and kept under ~/.cache/structure_clip/synthetic_world
($STRUCTURE_CLIP_CACHE or --world_cache_dir move it; --world_cache_dir none keeps nothing); the fine-tuning
regime's pre-trained CLIP likewise under ~/.cache/structure_clip/synthetic_pretrained (--pretrained_cache_dir).
The library behind it is `structure_clip.synthetic` (`run_experiment`, `run_ablation`, `run_finetune`, the world
and its benchmark).
"""

from structure_clip.synthetic.cli import main


if __name__ == "__main__":
    main()
