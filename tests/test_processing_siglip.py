"""The processor for SigLIP towers: a sentencepiece tokenizer trained offline, captions always padded to 64 tokens
(SigLIP pools the last position), BERT phrases for the KEE as for CLIP.

The fused text embedding is checked against `SiglipModel` on the same tokens, for padded captions and for one that
fills all 64 positions; CLIP's processor keeps its per-call padding, which CLIP's EOS pooling does not notice.
"""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from transformers import SiglipConfig, SiglipModel

from modeling_structure_clip import StructureCLIPModel
from processing import SIGLIP_CAPTION_LENGTH, StructureCLIPProcessor
from tests.tiny_models import (
    tiny_knowledge_config,
    tiny_siglip_text_config,
    tiny_siglip_vision_config,
    tiny_structure_clip_config,
)
from tests.tiny_processors import (
    CLIP_SPECIAL_IDS,
    TINY_WORDS,
    make_tiny_processor,
    make_tiny_siglip_processor,
    tiny_vocab_sizes,
)


torch.set_num_threads(1)

KNOWLEDGE_WEIGHT = 0.3
CAPTIONS = ["a man riding a horse", "two dogs on the grass next to a red car", "a cat"]
TRIPLES = [[("man", "riding", "horse")], [("dogs", "on", "grass"), ("dogs", "next to", "car")], []]
LONG_CAPTION = " ".join(TINY_WORDS[:80])  # more than 64 pieces: truncated, so no padding at all


@pytest.fixture(scope="module")
def processor(tmp_path_factory):
    return make_tiny_siglip_processor(tmp_path_factory.mktemp("siglip_processor"))


@pytest.fixture(scope="module")
def models(processor, tmp_path_factory):
    """(stock SiglipModel with random weights, Structure-CLIP started from it) sized for the tiny tokenizers."""
    tokenizer, bert = processor.tokenizer, processor.triple_tokenizer
    text = tiny_siglip_text_config(vocab_size=len(tokenizer), max_position_embeddings=SIGLIP_CAPTION_LENGTH,
                                   pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                                   bos_token_id=None)  # fmt: skip
    torch.manual_seed(0)
    stock = SiglipModel(SiglipConfig(text_config=text, vision_config=tiny_siglip_vision_config())).eval()
    folder = tmp_path_factory.mktemp("siglip")
    stock.save_pretrained(folder)
    knowledge = tiny_knowledge_config(vocab_size=len(bert), num_hidden_layers=1, pad_token_id=bert.pad_token_id,
                                      cls_token_id=bert.cls_token_id, sep_token_id=bert.sep_token_id)  # fmt: skip
    model = StructureCLIPModel.from_backbone_pretrained(
        folder, knowledge_weight=KNOWLEDGE_WEIGHT, knowledge_config=knowledge
    )
    return stock, model


def _fused_and_expected(models, batch) -> tuple[torch.Tensor, torch.Tensor]:
    """The model's fused text embedding, and SiglipModel's normalised text embedding of the same tokens (and
    attention mask, as transformers' SiglipTokenizer returns it) plus the weighted KEE vector of the same triples."""
    stock, model = models
    triples = {name: batch[name] for name in ("head_ids", "relation_ids", "tail_ids", "triple_mask")}
    text = {name: batch[name] for name in ("input_ids", "attention_mask")}
    with torch.no_grad():
        fused = model.get_text_features(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], **triples
        )
        siglip_text = stock.get_text_features(**text).pooler_output
        knowledge, _ = model.encode_knowledge(**triples)
    return fused.pooler_output, F.normalize(siglip_text, dim=-1) + KNOWLEDGE_WEIGHT * knowledge


def test_captions_and_negatives_are_padded_to_64(processor):
    batch = processor(text=CAPTIONS, triples=TRIPLES, negatives=["a horse riding a man", None, "a dog"])
    for name in ("input_ids", "attention_mask", "negative_input_ids", "negative_attention_mask"):
        assert batch[name].shape == (3, SIGLIP_CAPTION_LENGTH), name
    assert (batch["input_ids"][:, -1] == processor.tokenizer.pad_token_id).all()
    # A caption's tokens do not depend on the other captions of its batch (no "longest" padding).
    alone = processor(text=CAPTIONS[2:], triples=TRIPLES[2:])
    assert torch.equal(alone["input_ids"][0], batch["input_ids"][2])


def test_the_tokenizer_is_sentencepiece_and_the_phrases_stay_bert(processor):
    assert type(processor.tokenizer).__name__ == "SiglipTokenizer"
    assert processor.tokenizer.convert_ids_to_tokens(processor.tokenizer.eos_token_id) == "</s>"
    assert type(processor.triple_tokenizer).__name__ == "BertTokenizer"
    batch = processor(text=CAPTIONS[:1], triples=TRIPLES[:1])
    assert batch["head_ids"][0, 0, 0] == processor.triple_tokenizer.cls_token_id


def test_other_padding_requests_are_overridden_with_a_warning(processor, caplog):
    expected = processor(text=CAPTIONS, triples=TRIPLES)["input_ids"]
    with caplog.at_level("WARNING", logger="processing.processing_structure_clip"):
        for request in ({"padding": "longest"}, {"padding": True, "max_length": 16}):
            assert torch.equal(processor(text=CAPTIONS, triples=TRIPLES, **request)["input_ids"], expected)
    assert sum("pads every caption to 64" in record.getMessage() for record in caplog.records) == 2


def test_fused_text_embedding_of_padded_captions(processor, models):
    batch = processor(text=CAPTIONS, triples=TRIPLES)
    assert (batch["attention_mask"].sum(dim=1) < SIGLIP_CAPTION_LENGTH).all()  # every caption is padded
    fused, expected = _fused_and_expected(models, batch)
    torch.testing.assert_close(fused, expected, atol=1e-6, rtol=0)
    # SigLIP pools the last position: the same caption without its padding is another embedding, which is why
    # the processor pads every caption the way SigLIP was trained.
    unpadded = processor.tokenizer(CAPTIONS[:1], return_tensors="pt")
    assert unpadded["input_ids"].shape[1] < SIGLIP_CAPTION_LENGTH
    with torch.no_grad():
        unpadded_text = models[1].get_text_features(**unpadded).plain_text_embeds
    with torch.no_grad():
        padded = {name: batch[name][:1] for name in ("input_ids", "attention_mask")}
        padded_text = models[1].get_text_features(**padded).plain_text_embeds
    assert not torch.allclose(unpadded_text, padded_text, atol=1e-3)


def test_fused_text_embedding_of_a_caption_without_padding(processor, models):
    batch = processor(text=[LONG_CAPTION], triples=[[("man", "riding", "horse")]])
    assert batch["attention_mask"].sum() == SIGLIP_CAPTION_LENGTH  # truncated to 64 pieces: no padding
    assert batch["input_ids"][0, -1] == processor.tokenizer.eos_token_id
    fused, expected = _fused_and_expected(models, batch)
    torch.testing.assert_close(fused, expected, atol=1e-6, rtol=0)


def test_siglip2_images_bring_their_patch_mask_and_grid(tmp_path):
    processor = make_tiny_siglip_processor(tmp_path, backbone="siglip2")
    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (40, 24, 3), dtype=np.uint8))
    batch = processor(text=CAPTIONS[:1], triples=TRIPLES[:1], images=[image])
    assert batch["pixel_values"].shape[-1] == 3 * 6 * 6
    assert batch["pixel_attention_mask"].shape == batch["pixel_values"].shape[:2]
    rows, columns = batch["spatial_shapes"][0].tolist()
    assert batch["pixel_attention_mask"][0].sum() == rows * columns


def test_processor_setting_survives_save_and_load(processor, tmp_path):
    processor.save_pretrained(tmp_path)
    reloaded = StructureCLIPProcessor.from_pretrained(tmp_path)
    assert reloaded.pad_captions_to == SIGLIP_CAPTION_LENGTH
    assert torch.equal(reloaded(text=CAPTIONS)["input_ids"], processor(text=CAPTIONS)["input_ids"])


def test_clip_keeps_its_per_call_padding_which_eos_pooling_ignores():
    processor = make_tiny_processor()
    assert processor.pad_captions_to is None
    longest = processor(text=CAPTIONS, triples=TRIPLES, padding="longest")
    padded = processor(text=CAPTIONS, triples=TRIPLES)
    assert longest["input_ids"].shape[1] < padded["input_ids"].shape[1]
    bert = processor.triple_tokenizer
    config = tiny_structure_clip_config(
        text_config=dict(vocab_size=tiny_vocab_sizes()["text"], **CLIP_SPECIAL_IDS),
        knowledge_config=dict(vocab_size=len(bert), pad_token_id=bert.pad_token_id, cls_token_id=bert.cls_token_id,
                              sep_token_id=bert.sep_token_id),
    )  # fmt: skip
    torch.manual_seed(0)
    model = StructureCLIPModel(config).eval()
    with torch.no_grad():
        embeddings = [model.get_text_features(**batch).pooler_output for batch in (longest, padded)]
    torch.testing.assert_close(embeddings[0], embeddings[1], atol=1e-6, rtol=0)


def test_a_run_from_a_siglip_checkpoint_gets_a_processor_that_pads_to_64(processor, models, tmp_path):
    """structure_clip.loading: a SigLIP folder (model, tokenizer, image processor) + a BERT phrase tokenizer."""
    from structure_clip.loading import check_processor_matches_model, load_model_and_processor
    from structure_clip.training.arguments import ModelArguments

    stock, _ = models
    stock.save_pretrained(tmp_path / "siglip")
    processor.tokenizer.save_pretrained(tmp_path / "siglip")
    processor.image_processor.save_pretrained(tmp_path / "siglip")
    processor.triple_tokenizer.save_pretrained(tmp_path / "bert")
    bert = processor.triple_tokenizer
    overrides = {"knowledge_config": {"vocab_size": len(bert), "hidden_size": 24, "num_attention_heads": 4,
                                      "intermediate_size": 37, "num_hidden_layers": 1}}  # fmt: skip
    arguments = ModelArguments(model_name_or_path=str(tmp_path / "siglip"), triple_tokenizer=str(tmp_path / "bert"),
                               config_overrides=json.dumps(overrides))  # fmt: skip
    model, loaded = load_model_and_processor(arguments)
    assert model.config.backbone == "siglip" and loaded.pad_captions_to == SIGLIP_CAPTION_LENGTH
    assert loaded(text=CAPTIONS)["input_ids"].shape == (3, SIGLIP_CAPTION_LENGTH)
    loaded.pad_captions_to = None
    with pytest.raises(ValueError, match="pad_captions_to"):
        check_processor_matches_model(loaded, model.config)
