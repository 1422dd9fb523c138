"""The built-in demo: the paper's ablation (clip, clip+negatives, structure-clip) on the synthetic world.

    python examples/synthetic_ablation.py                 # same as: python examples/train.py
    python examples/synthetic_ablation.py --max_train_steps 20 --output_dir /tmp/demo   # a smoke run

The world is rendered and encoded once per settings and kept under ~/.cache/structure_clip/synthetic_world
($STRUCTURE_CLIP_CACHE or --world_cache_dir move it; --world_cache_dir none keeps nothing).
The library behind it is `structure_clip.synthetic` (`run_ablation`, the world and its benchmark).
"""

from structure_clip.synthetic.cli import main


if __name__ == "__main__":
    main()
