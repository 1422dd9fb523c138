"""Fine-tune CLIP into Structure-CLIP with Accelerate. The project's main entry point.

    python examples/train.py                      # no arguments: the built-in synthetic ablation
    accelerate launch examples/train.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip --mixed_precision bf16 --checkpointing_steps 1000

The defaults are the original recipe (Structure-CLIP, arXiv 2305.06152, and its code zjukg/Structure-CLIP):
AdamW lr 5e-6, weight decay 0.1 on everything, constant lr, batch 64, 10 epochs, fp32, seed 120.
The library behind it is `structure_clip.training` (`run_training`, `train_on_real_data`).
"""

from structure_clip.training.cli import train_main


if __name__ == "__main__":
    train_main()
