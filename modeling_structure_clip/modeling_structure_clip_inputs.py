"""Input checks of StructureCLIPModel.forward / get_text_features: clear errors at the boundary instead of
shape errors deep inside torch, and no input silently ignored.

A mixin of ``StructureCLIPModel`` (it reads ``self.config``). Shipped to the Hub as remote code beside
modeling_structure_clip.py.
"""

import torch


class StructureCLIPInputChecks:
    def _validate_forward_inputs(self, inputs: dict) -> None:
        """Clear errors at the boundary instead of shape errors deep inside torch."""
        input_ids, pixel_values = inputs["input_ids"], inputs["pixel_values"]
        if input_ids is None and pixel_values is None:
            raise ValueError("Pass `input_ids` (captions), `pixel_values` (images), or both.")
        if pixel_values is not None:
            self._check_image_inputs(
                pixel_values, inputs["interpolate_pos_encoding"], inputs.get("pixel_attention_mask"),
                inputs.get("spatial_shapes"),
            )  # fmt: skip
        if input_ids is not None:
            self._check_text_inputs("input_ids", input_ids, inputs["attention_mask"])
            batch_size = input_ids.shape[0]
            self._check_triples(
                "", batch_size, inputs["head_ids"], inputs["relation_ids"], inputs["tail_ids"], inputs["triple_mask"]
            )
        self._reject_orphan_inputs(inputs)
        negative_ids = inputs["negative_input_ids"]
        if negative_ids is not None:
            if input_ids is None:
                raise ValueError("`negative_input_ids` needs the true captions in `input_ids` too.")
            self._check_text_inputs("negative_input_ids", negative_ids, inputs["negative_attention_mask"])
            if negative_ids.shape[0] != input_ids.shape[0]:
                raise ValueError(
                    f"`negative_input_ids` has batch size {negative_ids.shape[0]} but `input_ids` has "
                    f"{input_ids.shape[0]}: pass exactly one negative caption per caption (see `negative_mask`)."
                )
            self._check_triples(
                "negative_", negative_ids.shape[0], inputs["negative_head_ids"], inputs["negative_relation_ids"],
                inputs["negative_tail_ids"], inputs["negative_triple_mask"],
            )  # fmt: skip
        negative_mask = inputs["negative_mask"]
        if negative_mask is not None and input_ids is not None and tuple(negative_mask.shape) != (input_ids.shape[0],):
            raise ValueError(f"`negative_mask` must have shape [batch] = ({input_ids.shape[0]},).")
        _check_binary_mask("negative_mask", negative_mask)
        if inputs["return_loss"]:
            if input_ids is None or pixel_values is None:
                raise ValueError("`return_loss=True` needs both `input_ids` and `pixel_values`.")
            if input_ids.shape[0] != pixel_values.shape[0]:
                raise ValueError(
                    f"`return_loss=True` needs one image per caption; got {pixel_values.shape[0]} images and "
                    f"{input_ids.shape[0]} captions."
                )

    # Inputs that only mean something next to another one; alone they would be silently ignored.
    _DEPENDENT_INPUTS = {
        "pixel_values": ("pixel_attention_mask", "spatial_shapes"),
        "input_ids": ("attention_mask", "head_ids", "relation_ids", "tail_ids", "triple_mask"),
        "negative_input_ids": (
            "negative_attention_mask",
            "negative_head_ids",
            "negative_relation_ids",
            "negative_tail_ids",
            "negative_triple_mask",
            "negative_mask",
        ),
    }

    def _reject_orphan_inputs(self, inputs: dict) -> None:
        for anchor, dependents in self._DEPENDENT_INPUTS.items():
            if inputs[anchor] is None:
                orphans = [name for name in dependents if inputs.get(name) is not None]
                if orphans:
                    raise ValueError(
                        f"{orphans} given without `{anchor}`; they belong to those captions and would "
                        f"be ignored. Pass `{anchor}` too, or drop them."
                    )

    def _check_text_inputs(self, name: str, input_ids, attention_mask) -> None:
        if input_ids.dim() != 2:
            raise ValueError(f"`{name}` must have shape [batch, sequence_length]; got {tuple(input_ids.shape)}.")
        if 0 in input_ids.shape:
            raise ValueError(
                f"`{name}` has batch size {input_ids.shape[0]} and {input_ids.shape[1]} tokens per "
                "caption; pass at least one caption with at least one token."
            )
        if attention_mask is not None and attention_mask.shape != input_ids.shape:
            raise ValueError(
                f"The attention mask of `{name}` has shape {tuple(attention_mask.shape)}, "
                f"but `{name}` has shape {tuple(input_ids.shape)}."
            )
        _check_token_ids(name, input_ids, self.config.text_config.vocab_size, "text")
        _check_binary_mask(name.replace("input_ids", "attention_mask"), attention_mask)

    def _check_triples(self, prefix: str, batch_size: int, head_ids, relation_ids, tail_ids, triple_mask) -> None:
        phrases = {f"{prefix}head_ids": head_ids, f"{prefix}relation_ids": relation_ids, f"{prefix}tail_ids": tail_ids}
        given = [name for name, value in phrases.items() if value is not None]
        if not given:
            if triple_mask is not None:
                raise ValueError(f"`{prefix}triple_mask` was given without `{prefix}head_ids/relation_ids/tail_ids`.")
            return
        if len(given) != 3:
            missing = sorted(set(phrases) - set(given))
            raise ValueError(f"Pass all of head/relation/tail ids or none of them; missing {missing}.")
        for name, value in phrases.items():
            if value.dim() != 3:
                raise ValueError(
                    f"`{name}` must have shape [batch, max_triples, phrase_length] (rank 3); "
                    f"got rank {value.dim()} with shape {tuple(value.shape)}."
                )
        shapes = {name: tuple(value.shape) for name, value in phrases.items()}
        if len(set(shapes.values())) != 1:
            raise ValueError(f"head/relation/tail ids must have the same shape; got {shapes}.")
        shape = head_ids.shape
        if shape[0] != batch_size:
            raise ValueError(
                f"`{prefix}head_ids` has batch size {shape[0]} but the captions (`{prefix or ''}input_ids`) have "
                f"{batch_size}: pass one row of triples per caption."
            )
        if shape[1] < 1 or shape[2] != self.config.phrase_length:
            # The original pools over every phrase position (mean_all_positions), so padding to another
            # length would silently change the knowledge vector: the layout must be the config's.
            raise ValueError(
                f"`{prefix}head_ids` has shape {tuple(shape)}; each phrase must be config.phrase_length = "
                f"{self.config.phrase_length} tokens and there must be at least one slot. Use a processor "
                "with the same phrase_length as the model."
            )
        if triple_mask is not None and tuple(triple_mask.shape) != tuple(shape[:2]):
            raise ValueError(
                f"`{prefix}triple_mask` must have shape [batch, max_triples] = {tuple(shape[:2])}; "
                f"got {tuple(triple_mask.shape)}."
            )
        for name, value in phrases.items():
            _check_token_ids(name, value, self.config.knowledge_config.vocab_size, "KEE")
        _check_binary_mask(f"{prefix}triple_mask", triple_mask)

    def _check_image_inputs(self, pixel_values, interpolate_pos_encoding, pixel_attention_mask, spatial_shapes):
        """Images for CLIP / SigLIP towers; patch sequences with their mask and grid for SigLIP 2 (NaFlex)."""
        if self.config.backbone != "siglip2":
            extra = [name for name, value in (("pixel_attention_mask", pixel_attention_mask),
                                              ("spatial_shapes", spatial_shapes)) if value is not None]  # fmt: skip
            if extra:
                raise ValueError(f"{extra} are SigLIP 2 inputs; this model's towers are {self.config.backbone!r}.")
            self._check_pixel_values(pixel_values, interpolate_pos_encoding)
            return
        if interpolate_pos_encoding:
            raise ValueError("SigLIP 2 towers resize their position embeddings to `spatial_shapes`; "
                             "drop `interpolate_pos_encoding`.")  # fmt: skip
        self._check_patch_inputs(pixel_values, pixel_attention_mask, spatial_shapes)

    def _check_patch_inputs(self, pixel_values, pixel_attention_mask, spatial_shapes) -> None:
        vision = self.config.vision_config
        patch_width = vision.num_channels * vision.patch_size**2
        if not pixel_values.is_floating_point() or pixel_values.dim() != 3 or pixel_values.shape[-1] != patch_width:
            raise ValueError(
                f"SigLIP 2 `pixel_values` must be a floating tensor [batch, patches, {patch_width}] "
                f"(channels x patch_size**2); got {pixel_values.dtype} {tuple(pixel_values.shape)}. "
                "Use a Siglip2ImageProcessor."
            )
        if spatial_shapes is None or tuple(spatial_shapes.shape) != (pixel_values.shape[0], 2):
            raise ValueError(
                f"SigLIP 2 needs `spatial_shapes` [batch, 2] = ({pixel_values.shape[0]}, 2), each image's patch "
                "grid (height, width), as Siglip2ImageProcessor returns it."
            )
        if pixel_attention_mask is not None and tuple(pixel_attention_mask.shape) != tuple(pixel_values.shape[:2]):
            raise ValueError(
                f"`pixel_attention_mask` must have shape [batch, patches] = {tuple(pixel_values.shape[:2])}; "
                f"got {tuple(pixel_attention_mask.shape)}."
            )
        _check_binary_mask("pixel_attention_mask", pixel_attention_mask)

    def _check_pixel_values(self, pixel_values: torch.Tensor, interpolate_pos_encoding: bool) -> None:
        if not pixel_values.is_floating_point():
            # uint8 0..255 pixels would be taken as values ~100x too large: rescaling and normalising is the
            # image processor's job, and the model must not guess which of the two was skipped.
            raise TypeError(
                f"`pixel_values` must be a floating tensor (rescaled and normalised), got dtype {pixel_values.dtype}. "
                "Run the images through the model's image processor (or StructureCLIPProcessor) first."
            )
        vision = self.config.vision_config
        size = vision.image_size
        height, width = (size, size) if isinstance(size, int) else tuple(size)
        expected = (vision.num_channels, height, width)
        if pixel_values.dim() != 4 or (
            tuple(pixel_values.shape[1:]) != expected
            and not (interpolate_pos_encoding and pixel_values.shape[1] == vision.num_channels)
        ):
            raise ValueError(
                f"`pixel_values` must have shape [batch, {expected[0]}, {expected[1]}, {expected[2]}]; got "
                f"{tuple(pixel_values.shape)}. The model's vision tower takes {expected[1]}x{expected[2]} images: "
                f"preprocess with an image processor that resizes and crops to that size (its `size` and "
                f"`crop_size`), or pass interpolate_pos_encoding=True to run at another size."
            )
        if pixel_values.shape[0] == 0:
            raise ValueError("`pixel_values` has batch size 0; pass at least one image.")


def _check_token_ids(name: str, ids: torch.Tensor, vocab_size: int, vocabulary: str) -> None:
    """Integer ids inside the embedding table; otherwise torch raises a bare IndexError (CPU) or a device-side
    assert (CUDA) that names neither the input nor the vocabulary."""
    if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
        raise TypeError(f"`{name}` must hold integer token ids (torch.long), got dtype {ids.dtype}.")
    outside = (ids < 0) | (ids >= vocab_size)
    if bool(outside.any()):
        raise ValueError(
            f"`{name}` holds id {int(ids[outside][0])}, outside the {vocabulary} vocabulary of size {vocab_size} "
            f"(valid ids 0..{vocab_size - 1}). Use the tokenizer that matches the model's config."
        )


def _check_binary_mask(name: str, mask) -> None:
    """Masks are multiplied into poolings and turned into additive attention masks: a 2 or -1 would silently
    weight a token twice or flip its sign."""
    if mask is not None and bool(((mask != 0) & (mask != 1)).any()):
        values = sorted(set(mask.flatten().tolist()) - {0, 1})
        raise ValueError(f"`{name}` must hold only 0 and 1 (1 = real token or slot); it also holds {values[:5]}.")
