"""Fine-tune CLIP into Structure-CLIP with the stock HF `Trainer`: the same job as train.py.

    python examples/finetune_with_trainer.py \\
        --model openai/clip-vit-base-patch32 --triple_tokenizer bert-base-uncased \\
        --train_file coco_karpathy_train.json --image_root coco/ --validation_split_percentage 1 \\
        --output_dir outputs/structure-clip-trainer --learning_rate 5e-6 --weight_decay 0.1 \\
        --per_device_train_batch_size 64 --num_train_epochs 10 --eval_strategy steps --eval_steps 500 \\
        --save_steps 500 --load_best_model_at_end --metric_for_best_model eval_loss

The library behind it is `structure_clip.training.trainer` (`build_trainer`).
"""

from structure_clip.training.trainer import main


if __name__ == "__main__":
    main()
