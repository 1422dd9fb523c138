"""Assemble a Hub folder for a Structure-CLIP model, verify it in a fresh offline process, and push it.

    python examples/export_to_hub.py --model outputs/demo/structure-clip --output outputs/hub/structure-clip \\
        --results outputs/eval/structure-clip
    python examples/export_to_hub.py --model ... --output ... --push user/structure-clip

The library behind it is `structure_clip.hub` (`export`, `verify_folder`, `push_folder`).
"""

from structure_clip.hub.export import main


if __name__ == "__main__":
    main()
