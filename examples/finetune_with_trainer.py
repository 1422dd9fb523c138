"""Fine-tune Structure-CLIP with the stock HF `Trainer` (`StructureCLIPTrainer`): the same job as train.py.

    python examples/finetune_with_trainer.py                 # built-in synthetic world, tiny model, CPU
    python examples/finetune_with_trainer.py --max_steps 60 --output_dir /tmp/trainer-demo
    python examples/finetune_with_trainer.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip-trainer --per_device_train_batch_size 64 --num_train_epochs 10 \\
        --eval_strategy steps --eval_steps 500 --save_steps 500 --load_best_model_at_end \\
        --metric_for_best_model pair_accuracy

Real data gets train.py's defaults (lr 5e-6 constant, weight decay 0.1 on every parameter); the synthetic
world gets the synthetic recipe. Every save is a complete Hub folder (pipeline, processor, model card).
The library behind it is `structure_clip.training.trainer` (`build_trainer`).
"""

from structure_clip.training.trainer import main


if __name__ == "__main__":
    main()
