"""The built-in demo: the paper's ablation (clip, clip+negatives, structure-clip) on the synthetic world.

    python examples/synthetic_ablation.py                 # same as: python examples/train.py
    python examples/synthetic_ablation.py --max_train_steps 20 --output_dir /tmp/demo   # a smoke run

The library behind it is `structure_clip.synthetic` (`run_ablation`, the world and its benchmark).
"""

from structure_clip.synthetic.ablation import main


if __name__ == "__main__":
    main()
