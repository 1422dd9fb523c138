"""Two options for training a newly added KEE: fused negatives in the original recipe's margin term, and the KEE's
own learning rate."""

import torch
import torch.nn.functional as F

from modeling_structure_clip import StructureCLIPModel
from modeling_structure_clip.losses_structure_clip import embeddings_used_by_recipe
from tests.tiny_models import random_inputs, tiny_structure_clip_config


def original_recipe_model(negative_margin_text: str) -> StructureCLIPModel:
    torch.manual_seed(0)
    config = tiny_structure_clip_config(loss_recipe="original", negative_margin_text=negative_margin_text)
    return StructureCLIPModel(config)


def knowledge_gradient_of_negative_loss(model, inputs) -> float:
    model.zero_grad()
    model(**inputs, return_loss=True, optimizer_step=1000).negative_loss.backward()
    grad = model.knowledge_projection.weight.grad
    return 0.0 if grad is None else grad.abs().sum().item()


def test_fused_margin_ranks_each_negative_with_its_own_triples():
    model = original_recipe_model("fused").eval()  # no dropout: the forward and the reference must agree
    inputs = random_inputs(batch_size=4, with_negatives=True, config=model.config)
    out = model(**inputs, return_loss=True, optimizer_step=1000)
    assert out.negative_text_embeds is not None
    with torch.no_grad():
        negative = model.get_text_features(
            input_ids=inputs["negative_input_ids"], attention_mask=inputs["negative_attention_mask"],
            **{key: inputs[f"negative_{key}"] for key in ("head_ids", "relation_ids", "tail_ids", "triple_mask")},
        ).pooler_output  # fmt: skip
    keep = inputs["negative_mask"].bool()
    image, fused = out.image_embeds.detach(), out.text_embeds.detach()
    ranking = torch.nn.MarginRankingLoss(margin=0.1)(
        (image * fused).sum(-1)[keep], (image * negative).sum(-1)[keep], torch.ones(int(keep.sum()))
    )
    torch.testing.assert_close(out.negative_loss, 5 * ranking, atol=1e-5, rtol=0)
    # The fused negatives differ from the plain ones, so the option changes the term.
    assert not torch.allclose(negative, F.normalize(out.negative_plain_text_embeds, dim=-1))


def test_only_the_fused_margin_trains_the_kee_on_negatives():
    inputs = random_inputs(batch_size=4, with_negatives=True)
    assert knowledge_gradient_of_negative_loss(original_recipe_model("plain"), inputs) == 0.0
    assert knowledge_gradient_of_negative_loss(original_recipe_model("fused"), inputs) > 0.0


def test_a_distributed_loop_gathers_the_fused_negatives_when_the_margin_uses_them():
    assert "negative_plain_text_embeds" in embeddings_used_by_recipe("original", True)
    fused = embeddings_used_by_recipe("original", True, "fused")
    assert "negative_text_embeds" in fused and "negative_plain_text_embeds" not in fused


def test_the_kee_gets_its_own_learning_rate_group():
    from structure_clip.training.loop import StructureCLIPTrainArgs, make_optimizer, make_scheduler

    model = original_recipe_model("plain")
    names = {id(p): name for name, p in model.named_parameters()}
    shared = make_optimizer(StructureCLIPTrainArgs(learning_rate=1e-4), model)
    assert [group["lr"] for group in shared.param_groups] == [1e-4]
    args = StructureCLIPTrainArgs(learning_rate=1e-4, knowledge_learning_rate=1e-3, num_warmup_steps=2,
                                  lr_scheduler_type="constant_with_warmup")  # fmt: skip
    optimizer = make_optimizer(args, model)
    towers, knowledge = optimizer.param_groups
    assert (towers["lr"], knowledge["lr"]) == (1e-4, 1e-3)
    assert {names[id(p)].split(".")[0] for p in knowledge["params"]} == {"knowledge_model", "knowledge_projection"}
    assert not any(names[id(p)].startswith("knowledge") for p in towers["params"])
    assert len(towers["params"]) + len(knowledge["params"]) == len(list(model.parameters()))
    # The warm-up scales both groups from their own peak.
    scheduler = make_scheduler(args, optimizer, 10)
    assert [group["lr"] for group in optimizer.param_groups] == [0.0, 0.0]
    optimizer.step()
    scheduler.step()
    torch.testing.assert_close([group["lr"] for group in optimizer.param_groups], [5e-5, 5e-4])


def test_the_finetune_regime_passes_the_knowledge_rate_to_training():
    from structure_clip.synthetic.arguments import AblationArguments
    from structure_clip.synthetic.finetune import finetune_arguments

    default = finetune_arguments(AblationArguments(learning_rate=1e-3), "/unused", 0.1, 3)
    assert default.knowledge_learning_rate is None
    own = finetune_arguments(AblationArguments(learning_rate=1e-3, finetune_knowledge_lr_multiplier=2.0), "/x", 0.1, 3)
    assert abs(own.learning_rate - 1e-4) < 1e-12 and abs(own.knowledge_learning_rate - 2e-3) < 1e-12
