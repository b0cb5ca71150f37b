"""CategoryEncoding: integer categories as one-hot, multi-hot or count vectors; encode_categorical, the shared
encoder the lookup and hashing layers use for their non-"int" output modes."""
import numpy as np

from ... import backend
from .preprocessing_layer import PreprocessingLayer

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def encode_categorical(indices, output_mode, depth, owner, count_weights=None, dtype=None):
    """Integer `indices` as Keras encodes them: "one_hot" adds an axis of `depth` (a trailing axis of 1 is
    replaced); "multi_hot"/"count" reduce the last axis to `depth` slots (a 1-D input is one sample, as in
    Keras on TensorFlow); inputs of rank > 2 are refused as Keras does."""
    indices = np.asarray(indices)
    dtype = dtype or backend.floatx()
    if indices.ndim == 0:
        indices = indices[None]
    if indices.size and (indices.min() < 0 or indices.max() >= depth):
        raise ValueError(f"{owner}: values must be in [0, {depth}) for {depth} categories, got values from "
                         f"{indices.min()} to {indices.max()}.")
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        if indices.ndim > 1:
            raise ValueError(f"{owner}: output_mode 'one_hot' takes a rank-1 input (or a trailing axis of 1); got "
                             f"shape {indices.shape}, which would give a rank-3 output.")
        return np.eye(depth, dtype=dtype)[indices]
    if indices.ndim > 2:
        raise ValueError(f"{owner}: output_mode '{output_mode}' takes inputs of rank 1 or 2, got shape "
                         f"{indices.shape}.")
    rows = indices.reshape(1, -1) if indices.ndim == 1 else indices
    weights = None if count_weights is None else np.asarray(count_weights, dtype="float64").reshape(rows.shape)
    # one bincount over (row, category) pairs numbered row * depth + category
    slots = (np.arange(rows.shape[0])[:, None] * depth + rows).ravel()
    out = np.bincount(slots, weights=None if weights is None else weights.ravel(),
                      minlength=rows.shape[0] * depth).reshape(rows.shape[0], depth).astype("float64")
    if output_mode == "multi_hot":
        out = (out > 0).astype("float64")
    if weights is not None and np.asarray(count_weights).dtype.kind == "f":
        dtype = np.asarray(count_weights).dtype     # Keras gives the weights' dtype
    out = out.astype(dtype)
    return out[0] if indices.ndim == 1 else out


class CategoryEncoding(PreprocessingLayer):
    """Integer category ids in [0, num_tokens) as dense vectors: "one_hot" (one per value), "multi_hot" (one
    per sample, 1 where a category appears) or "count" (how often it appears; `count_weights` weighs them)."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        owner = f"CategoryEncoding '{self.name}'"
        if output_mode == "binary":   # Keras 2.x's name for multi_hot
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{owner}: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}.")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, (int, np.integer)) or num_tokens < 1:
            raise ValueError(f"{owner}: num_tokens must be a positive integer, got {num_tokens!r}.")
        if sparse:
            raise ValueError(f"{owner}: sparse=True needs TensorFlow's sparse tensors; minikeras has dense "
                             f"arrays only.")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    accepts_strings = False

    def call(self, params, x, mask=None, training=False, rng=None, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding '{self.name}': count_weights is only used with output_mode "
                             f"'count', got output_mode '{self.output_mode}'.")
        return encode_categorical(_whole_numbers(x, f"CategoryEncoding '{self.name}'"), self.output_mode,
                                  self.num_tokens, f"CategoryEncoding '{self.name}'", count_weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            base = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape
            return base + (self.num_tokens,)
        return ((input_shape[0],) if len(input_shape) > 1 else ()) + (self.num_tokens,)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}


def _whole_numbers(x, owner):
    array = np.asarray(x)
    if array.dtype.kind == "f":
        if array.size and np.any(array != np.round(array)):
            raise ValueError(f"{owner}: expected integer category ids, got fractional values.")
        return array.astype("int64")
    if array.dtype.kind not in "iub":
        raise TypeError(f"{owner}: expected integer category ids, got dtype {array.dtype}.")
    return array.astype("int64")
