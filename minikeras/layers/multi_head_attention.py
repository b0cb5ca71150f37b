"""MultiHeadAttention: several scaled dot-product attentions side by side, each on its own learned projections.

With query (batch, T, features), value and key (batch, S, features), heads N and key_dim H:

    q = query @ W_q + b_q        # (batch, T, N, H)    W_q: (features, N, H), b_q: (N, H)
    k = key   @ W_k + b_k        # (batch, S, N, H)
    v = value @ W_v + b_v        # (batch, S, N, value_dim)
    weights = softmax(q k^T / sqrt(H), masked, over S)       # (batch, N, T, S)
    output  = (weights v) @ W_o + b_o                        # W_o: (N, value_dim, out), b_o: (out,)

The weights are grouped as Keras 3 groups them, one sub-dict per projection: query, key, value,
attention_output, each with kernel and bias.
"""
import math

import autograd.numpy as anp
import numpy as np

from .. import initializers, regularizers, constraints
from .attention import causal_mask, dropout_multiplier, softmax_last_axis
from .fused_attention import multi_head_attention
from .base import Layer, is_symbolic

PROJECTIONS = ("query", "key", "value", "attention_output")
# Keras's Softmax puts this in place of a masked score: exp() of it is 0 in float32
_MASKED_SCORE = -1.0e9


def _positive_int(what, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"MultiHeadAttention: {what} must be a positive integer{' or None' if allow_none else ''}, "
                         f"got {value!r}.")
    return int(value)


def _output_shape(value):
    if value is None or value == () or value == []:
        return None
    shape = (value,) if isinstance(value, (int, np.integer)) else value
    try:
        return tuple(_positive_int("output_shape", d) for d in shape)
    except TypeError:
        raise ValueError(f"MultiHeadAttention: output_shape must be an int or a tuple of ints, got {value!r}.") \
            from None


class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention with Keras 3's arguments, weight layout and masks.

    Call it as Keras does: `mha(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)`; self-attention is `mha(x, x)`. Masks of the query, value and key
    (from Embedding(mask_zero=True)) are combined with `attention_mask` (batch, T, S) and the causal mask; the
    query's mask flows on. Inputs may have several steps axes (batch, T1, T2, ..., features): attention then
    runs over all of them jointly (Keras's default attention_axes); other attention_axes are not supported.
    use_gate, sliding_window and activity_regularizer are not supported (a ValueError says so).
    """

    supports_masking = True
    # the graph holds [query, value(, key)] as one input list; saved files list them as separate call arguments
    inputs_by_position = True

    def __init__(self, num_heads=None, key_dim=None, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = _positive_int("num_heads", num_heads)
        self.key_dim = _positive_int("key_dim", key_dim)
        self.value_dim = _positive_int("value_dim", value_dim, allow_none=True) or self.key_dim
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"MultiHeadAttention: dropout must be a number in [0, 1), got {dropout!r}.")
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.output_shape_arg = _output_shape(output_shape)
        self.attention_axes = self._checked_attention_axes(attention_axes)
        for what, value, default in (("use_gate", use_gate, False), ("sliding_window", sliding_window, None),
                                     ("activity_regularizer", activity_regularizer, None)):
            if value != default:
                raise ValueError(f"MultiHeadAttention: {what}={value!r} is not supported by minikeras "
                                 f"(only {what}={default!r}).")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._recording_scores = False     # set only while a symbolic call with return_attention_scores is recorded

    @staticmethod
    def _checked_attention_axes(axes):
        if axes is None:
            return None
        axes = (axes,) if isinstance(axes, (int, np.integer)) else axes
        if not isinstance(axes, (list, tuple)) or not all(isinstance(a, (int, np.integer)) for a in axes):
            raise ValueError(f"MultiHeadAttention: attention_axes must be an int, a tuple of ints or None, "
                             f"got {axes!r}.")
        return tuple(int(a) for a in axes)

    # ---- calling: Keras's (query, value, key) convention ------------------------------------------
    def __call__(self, query, value=None, key=None, query_mask=None, value_mask=None, key_mask=None, **kwargs):
        if isinstance(query, (list, tuple)) and value is None:
            # a node read back from a Keras 3 file: its positional tensors arrive as one list
            query, value, key = (list(query) + [key])[:3]
        if value is None:
            raise TypeError(f"Layer '{self.name}' (MultiHeadAttention) needs a value: call it as "
                            f"mha(query, value) (mha(x, x) for self-attention).")
        inputs = [query, value] + ([key] if key is not None else [])
        if is_symbolic(inputs):
            from .node import record_node
            self._recording_scores = bool(kwargs.get("return_attention_scores", False))
            try:
                return record_node(self, inputs, (), kwargs)
            finally:
                self._recording_scores = False
        given_mask = kwargs.pop("mask", None)
        masks = [query_mask, value_mask] + ([key_mask] if key is not None else [])
        return self._call_eagerly(inputs, mask=masks if any(m is not None for m in masks) else given_mask, **kwargs)

    # ---- shapes and weights -----------------------------------------------------------------------
    def _split_shapes(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) not in (2, 3) \
                or not all(isinstance(s, tuple) for s in input_shape):
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention) takes query, value and optionally key "
                             f"tensors, got input shape {input_shape}.")
        query, value = input_shape[0], input_shape[1]
        key = input_shape[2] if len(input_shape) == 3 else value
        return tuple(query), tuple(value), tuple(key)

    def check_input_shape(self, input_shape):
        query, value, key = self._split_shapes(input_shape)
        for name, shape in (("query", query), ("value", value), ("key", key)):
            if len(shape) < 3 or shape[-1] is None:
                raise ValueError(f"Layer '{self.name}' (MultiHeadAttention) expects {name} of shape (batch, steps, "
                                 f"features) with known features, got {name} shape {shape}.")
        if len(query) != len(value) or value[1:-1] != key[1:-1]:
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention): value and key must have the same shape "
                             f"except the last axis, and the query the same rank, got query {query}, value {value}, "
                             f"key {key}.")
        if self.attention_axes is not None and self._default_axes(len(query)) != self._normalized_axes(len(query)):
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention): attention_axes={self.attention_axes} is not "
                             f"supported; minikeras attends over all steps axes {self._default_axes(len(query))}.")
        built = getattr(self, "_build_input_shape", None)
        if self.built and built is not None:
            for name, old, new in zip(("query", "value", "key"), self._split_shapes(built), (query, value, key)):
                if old[-1] != new[-1]:
                    raise ValueError(f"Layer '{self.name}' (MultiHeadAttention) was built for {name} features "
                                     f"{old[-1]}, got {name} shape {new}.")

    @staticmethod
    def _default_axes(rank):
        return tuple(range(1, rank - 1))

    def _normalized_axes(self, rank):
        return tuple(sorted(a if a >= 0 else rank + a for a in self.attention_axes))

    def build(self, input_shape, rng):
        self.check_input_shape(input_shape)
        query, value, key = self._split_shapes(input_shape)
        heads = self.num_heads
        shapes = {"query": ((query[-1], heads, self.key_dim), (heads, self.key_dim)),
                  "key": ((key[-1], heads, self.key_dim), (heads, self.key_dim)),
                  "value": ((value[-1], heads, self.value_dim), (heads, self.value_dim)),
                  "attention_output": ((heads, self.value_dim) + self._out_features(query), self._out_features(query))}
        params = {}
        for name in PROJECTIONS:
            kernel_shape, bias_shape = shapes[name]
            params[name] = {"kernel": self.kernel_initializer(kernel_shape, rng=rng)}
            if self.use_bias:
                params[name]["bias"] = self.bias_initializer(bias_shape, rng=rng)
        self.attention_axes = self._default_axes(len(query))
        return params

    def _out_features(self, query_shape):
        return self.output_shape_arg or (query_shape[-1],)

    def compute_output_shape(self, input_shape):
        query, value, key = self._split_shapes(input_shape)
        output = query[:-1] + self._out_features(query)
        if self._recording_scores:
            return [output, (query[0], self.num_heads) + query[1:-1] + key[1:-1]]
        return output

    def keras_build_config(self):
        """Keras 3's build_config: its build() takes the query, value and key shapes as separate arguments."""
        shapes = [list(s) for s in self._build_input_shape]
        return {"shapes_dict": dict(zip(("query_shape", "value_shape", "key_shape"), shapes))}

    def compute_mask(self, inputs, mask=None):      # Keras's argument names: callers pass them by keyword
        """The query's mask flows on, as in Keras 3."""
        if mask is None or mask[0] is None:
            return None
        return np.asarray(mask[0], dtype=bool)

    # ---- the math -----------------------------------------------------------------------------------
    def call(self, params, x, mask=None, training=False, rng=None, attention_mask=None,
             return_attention_scores=False, use_causal_mask=False):
        """The output (and the per-head weights with return_attention_scores) through the fused kernel: the whole
        layer is one autograd node. `reference_call` is the same math op by op, as the module docstring reads."""
        query, value, key, keep, dropped, shapes = self._prepare(x, mask, training, rng, attention_mask,
                                                                 use_causal_mask)
        projections = []
        for name in PROJECTIONS:
            projections += [params[name]["kernel"], params[name]["bias"] if self.use_bias else None]
        output, weights = multi_head_attention(query, key, value, projections, keep, dropped)
        return self._finish(output, weights, shapes, return_attention_scores)

    def reference_call(self, params, x, mask=None, training=False, rng=None, attention_mask=None,
                       return_attention_scores=False, use_causal_mask=False):
        """`call` written op by op (the tests prove `call` equal to it, values and gradients)."""
        query, value, key, keep, dropped, shapes = self._prepare(x, mask, training, rng, attention_mask,
                                                                 use_causal_mask)
        q = self._project(params["query"], query)                          # (batch, N, T, H)
        k = self._project(params["key"], key)                              # (batch, N, S, H)
        v = self._project(params["value"], value)                          # (batch, N, S, value_dim)
        scores = anp.matmul(q * (1.0 / math.sqrt(self.key_dim)), anp.swapaxes(k, -1, -2))   # (batch, N, T, S)
        if keep is not None:
            scores = anp.where(keep[:, None], scores, _MASKED_SCORE)
        weights = softmax_last_axis(scores)
        context = anp.matmul(weights if dropped is None else weights * dropped, v)     # (batch, N, T, value_dim)
        output = anp.tensordot(anp.transpose(context, (0, 2, 1, 3)), params["attention_output"]["kernel"],
                               axes=([2, 3], [0, 1]))
        if self.use_bias:
            output = output + params["attention_output"]["bias"]
        return self._finish(output, weights, shapes, return_attention_scores)

    def _prepare(self, x, mask, training, rng, attention_mask, use_causal_mask):
        query, value, key = x[0], x[1], (x[2] if len(x) == 3 else x[1])
        shapes = (np.shape(query)[1:-1], np.shape(key)[1:-1])      # the steps axes of the query and the key
        query, value, key = (_flatten_steps(t) for t in (query, value, key))
        keep = self._attention_mask(mask, attention_mask, use_causal_mask, query.shape, key.shape, shapes[0])
        dropped = None
        if training and self.dropout > 0:
            dropped = dropout_multiplier((query.shape[0], self.num_heads, query.shape[1], key.shape[1]),
                                         self.dropout, rng)
        return query, value, key, keep, dropped, shapes

    @staticmethod
    def _finish(output, weights, shapes, return_attention_scores):
        query_steps, key_steps = shapes
        output = anp.reshape(output, (output.shape[0],) + query_steps + output.shape[2:])
        if not return_attention_scores:
            return output
        return output, anp.reshape(weights, weights.shape[:2] + query_steps + key_steps)     # a tuple, as in Keras 3

    def _project(self, params, x):
        projected = anp.tensordot(x, params["kernel"], axes=([2], [0]))     # (batch, steps, N, dim)
        if self.use_bias:
            projected = projected + params["bias"]
        return anp.transpose(projected, (0, 2, 1, 3))

    def _attention_mask(self, mask, attention_mask, use_causal_mask, query_shape, key_shape, steps_shape):
        """(batch, T, S) booleans, True where query step t may attend to key step s; None when all may."""
        keep = None
        if mask is not None:
            masks = list(mask) + [None] * (3 - len(mask))
            for which, m, axis in (("query", masks[0], -1), ("value", masks[1], -2), ("key", masks[2], -2)):
                if m is not None:
                    m = self._checked_mask(m, which, query_shape if which == "query" else key_shape)
                    keep = _and(keep, np.expand_dims(m, axis))
        if use_causal_mask:
            keep = _and(keep, causal_mask(query_shape[1], key_shape[1]))
        if attention_mask is not None:
            keep = _and(keep, self._checked_attention_mask(attention_mask, query_shape, key_shape, steps_shape))
        return keep

    def _checked_mask(self, mask, which, flat_shape):
        mask = np.asarray(mask)
        if mask.ndim >= 2:
            mask = mask.reshape(mask.shape[0], -1)
        if mask.shape != tuple(flat_shape[:2]):
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention): the {which} mask must have shape "
                             f"(batch, steps) = {tuple(flat_shape[:2])}, got shape {np.shape(mask)}.")
        return mask.astype(bool)

    def _checked_attention_mask(self, attention_mask, query_shape, key_shape, steps_shape):
        mask = np.asarray(attention_mask)
        batch, tq, tk = query_shape[0], query_shape[1], key_shape[1]
        if mask.ndim == 2:
            mask = mask[None]
        if mask.ndim > 3 and len(steps_shape) > 1:
            mask = mask.reshape(mask.shape[0], tq, tk)
        # as in Keras, a mask that broadcasts to (batch, T, S) will do: (batch, 1, S) masks keys for every query
        if mask.ndim != 3 or mask.shape[0] not in (1, batch) or mask.shape[1] not in (1, tq) or \
                mask.shape[2] not in (1, tk):
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention): attention_mask must have shape "
                             f"(batch, T, S) = {(batch, tq, tk)}, or one that broadcasts to it, got shape "
                             f"{np.shape(attention_mask)}.")
        return np.broadcast_to(mask, (mask.shape[0], tq, tk)).astype(bool)

    # ---- regularizers, constraints, config ------------------------------------------------------------
    def regularization_loss(self, params):
        total = 0.0
        for name in PROJECTIONS:
            for weight, regularizer in (("kernel", self.kernel_regularizer), ("bias", self.bias_regularizer)):
                if regularizer is not None and weight in params.get(name, {}):
                    total = total + regularizer(params[name][weight])
        return total

    def apply_constraints(self, params):
        if self.kernel_constraint is None and self.bias_constraint is None:
            return params
        constrained = {}
        for name, weights in params.items():
            constrained[name] = {w: (c(v) if c is not None else v) for w, v in weights.items()
                                 for c in [self.kernel_constraint if w == "kernel" else self.bias_constraint]}
        return constrained

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias, "use_gate": False,
                "output_shape": self.output_shape_arg, "attention_axes": self.attention_axes,
                "sliding_window": None,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": None,
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "seed": self.seed}


def _flatten_steps(x):
    """(batch, T1, ..., Tk, features) -> (batch, T1 * ... * Tk, features): attention over all steps axes at once."""
    shape = np.shape(x)
    return x if len(shape) == 3 else anp.reshape(x, (shape[0], -1, shape[-1]))


def _and(keep, mask):
    return mask if keep is None else keep & mask
