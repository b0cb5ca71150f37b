"""Attention (Luong-style dot product, or concat) and AdditiveAttention (Bahdanau-style) over [query, value(, key)].

Both score every query step against every key step, turn the scores into weights with a softmax over the key
steps (masked key steps get none), and return the weighted sum of the value steps:

    scores  = score(query, key)                  # (batch, Tq, Tv)
    weights = softmax(scores masked, axis=-1)    # each query step's weights over the value steps sum to 1
    output  = weights @ value                    # (batch, Tq, value features)

The layers differ only in `score`. Called on `[query, value]`, the key is the value.
"""
import autograd.numpy as anp
import numpy as np

from .. import backend, initializers, legacy
from .base import Layer, is_symbolic
from .fused_attention import weighted_sum

# Keras subtracts this from the scores of masked key steps: exp() of it is 0 in float32
_MASKED_SCORE_OFFSET = 1.0e9


def softmax_last_axis(scores):
    """softmax over the last axis, shifted by the maximum so exp() cannot overflow."""
    shifted = scores - anp.max(scores, axis=-1, keepdims=True)
    exps = anp.exp(shifted)
    return exps / anp.sum(exps, axis=-1, keepdims=True)


def causal_mask(query_steps, key_steps):
    """(1, Tq, Tk) booleans: query step i may look at key steps 0..i only."""
    return np.tril(np.ones((query_steps, key_steps), dtype=bool))[None]


def dropout_multiplier(shape, rate, rng):
    """What dropout multiplies attention weights by: 0 for a dropped weight, 1 / (1 - rate) for a kept one (Keras
    does not renormalize the rows)."""
    rng = rng if rng is not None else backend.new_rng()
    return (rng.random(shape) >= rate).astype(backend.floatx()) / (1.0 - rate)


def _pairwise_sums(query, key):
    """(batch, Tq, Tv, features): query step i plus key step j. expand_dims, not [:, :, None]: the gradient of an
    index scatters with np.add.at, that of expand_dims is a reshape."""
    return anp.expand_dims(query, 2) + anp.expand_dims(key, 1)


def _dropout_rate(owner, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"{owner}: dropout must be a number in [0, 1), got {value!r}.")
    return float(value)


class _BaseDenseAttention(Layer):
    """What Attention and AdditiveAttention share: input and mask checks, masking, softmax, dropout, output."""

    call_arguments = ("mask", "training", "return_attention_scores", "use_causal_mask")

    supports_masking = True

    def __init__(self, use_scale=False, dropout=0.0, seed=None, causal=None, **kwargs):
        if causal is not None:
            legacy.warn_once(f"{type(self).__name__}(causal=...)", "layer([query, value], use_causal_mask=True)")
        super().__init__(**kwargs)
        self._causal_by_default = bool(causal)       # Keras 2.4-2.9 set it in the constructor
        self.use_scale = bool(use_scale)
        self.dropout = _dropout_rate(type(self).__name__, dropout)
        self.seed = seed
        # set only while a symbolic call is recorded: the output count depends on this call option
        self._recording_scores = False

    def __call__(self, inputs, *args, **kwargs):
        if not is_symbolic(inputs):
            return super().__call__(inputs, *args, **kwargs)
        self._recording_scores = bool(kwargs.get("return_attention_scores", False))
        try:
            return super().__call__(inputs, *args, **kwargs)
        finally:
            self._recording_scores = False

    # ---- the math ------------------------------------------------------------------------------------
    def scores(self, params, query, key):
        """(batch, Tq, Tv) unnormalized scores of every query step against every key step."""
        raise NotImplementedError

    def call(self, params, x, mask=None, training=False, rng=None, return_attention_scores=False,
             use_causal_mask=False):
        """The output (and the weights with return_attention_scores), through the fused kernel: one autograd node
        for masking, softmax, dropout and the weighted sum. `reference_call` is the same math, op by op."""
        query, value, key, query_mask, keep, dropped = self._prepare(x, mask, training, rng, use_causal_mask)
        output, weights = weighted_sum(self.scores(params, query, key), value, keep, False, dropped)
        return self._finish(output, weights, query_mask, return_attention_scores)

    def reference_call(self, params, x, mask=None, training=False, rng=None, return_attention_scores=False,
                       use_causal_mask=False):
        """`call` written op by op, as the equations read (the tests prove `call` equal to it)."""
        query, value, key, query_mask, keep, dropped = self._prepare(x, mask, training, rng, use_causal_mask)
        scores = self.scores(params, query, key)
        if keep is not None:
            scores = anp.where(keep, scores, scores - _MASKED_SCORE_OFFSET)
        weights = softmax_last_axis(scores)
        if dropped is not None:      # the scores returned are the weights after dropout, as Keras returns them
            weights = weights * dropped
        output = anp.matmul(weights, value)
        return self._finish(output, weights, query_mask, return_attention_scores)

    def _prepare(self, x, mask, training, rng, use_causal_mask):
        query, value, key = self._split_inputs(x)
        query_mask, value_mask = self._split_masks(mask, query, value)
        causal = use_causal_mask or self._causal_by_default
        keep = self._score_mask(value_mask, causal, query.shape[1], key.shape[1])
        dropped = None
        if training and self.dropout > 0:
            dropped = dropout_multiplier((query.shape[0], query.shape[1], key.shape[1]), self.dropout, rng)
        return query, value, key, query_mask, keep, dropped

    @staticmethod
    def _finish(output, weights, query_mask, return_attention_scores):
        if query_mask is not None:
            output = anp.where(query_mask[..., None], output, 0.0)
        return (output, weights) if return_attention_scores else output     # a tuple, as Keras 3 returns

    @staticmethod
    def _score_mask(value_mask, use_causal_mask, query_steps, key_steps):
        keep = None if value_mask is None else value_mask[:, None, :]
        if use_causal_mask:
            causal = causal_mask(query_steps, key_steps)
            keep = causal if keep is None else keep & causal
        return keep

    # ---- inputs and masks ----------------------------------------------------------------------------
    def _split_inputs(self, x):
        self._check_input_list(x, "inputs")
        query, value = x[0], x[1]
        key = x[2] if len(x) == 3 else value
        self._check_shapes([np.shape(query), np.shape(value), np.shape(key)])
        return query, value, key

    def _check_input_list(self, x, what):
        if not isinstance(x, (list, tuple)) or len(x) not in (2, 3):
            got = f"a list of {len(x)}" if isinstance(x, (list, tuple)) else type(x).__name__
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) takes {what} [query, value] or "
                             f"[query, value, key], got {got}.")

    def _split_masks(self, mask, query, value):
        if mask is None:
            return None, None
        self._check_input_list(mask, "masks")
        query_mask = self._checked_mask(mask[0], query, "query")
        value_mask = self._checked_mask(mask[1], value, "value")
        return query_mask, value_mask

    def _checked_mask(self, mask, tensor, which):
        if mask is None:
            return None
        mask = np.asarray(mask)
        if mask.shape != tuple(np.shape(tensor)[:2]):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): the {which} mask must have shape "
                             f"(batch, steps) = {tuple(np.shape(tensor)[:2])}, got shape {mask.shape}.")
        return mask.astype(bool)

    def _check_shapes(self, shapes):
        query, value, key = shapes
        kind = type(self).__name__
        for name, shape in (("query", query), ("value", value), ("key", key)):
            if len(shape) != 3:
                raise ValueError(f"Layer '{self.name}' ({kind}) expects 3-D {name} (batch, steps, features), "
                                 f"got shape {tuple(shape)}.")
        if None not in (query[-1], key[-1]) and query[-1] != key[-1]:
            raise ValueError(f"Layer '{self.name}' ({kind}): query and key must have the same feature size, got "
                             f"query shape {tuple(query)} and key shape {tuple(key)} (the key is the value when "
                             f"the layer is called on [query, value]).")
        if None not in (value[1], key[1]) and value[1] != key[1]:
            raise ValueError(f"Layer '{self.name}' ({kind}): value and key must have the same number of steps, "
                             f"got value shape {tuple(value)} and key shape {tuple(key)}.")

    def check_input_shape(self, input_shape):
        if isinstance(input_shape, tuple) and not all(isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) takes inputs [query, value] or "
                             f"[query, value, key], got one tensor of shape {input_shape}.")
        self._check_input_list(input_shape, "inputs")
        shapes = list(input_shape) + ([input_shape[1]] if len(input_shape) == 2 else [])
        self._check_shapes(shapes)
        built = getattr(self, "_build_input_shape", None)
        if self.built and built is not None and None not in (built[0][-1], shapes[0][-1]) \
                and built[0][-1] != shapes[0][-1]:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) was built for queries with "
                             f"{built[0][-1]} features, got query shape {tuple(shapes[0])}.")

    # ---- shapes, masks, config -----------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        query, value = input_shape[0], input_shape[1]
        key = input_shape[2] if len(input_shape) == 3 else value
        output = tuple(query[:-1]) + (value[-1],)
        if self._recording_scores:
            return [output, tuple(query[:-1]) + (key[1],)]
        return output

    def compute_mask(self, inputs, mask=None):      # Keras's argument names: callers pass them by keyword
        """The query's mask flows on (Keras 3), or None."""
        if mask is None or mask[0] is None:
            return None
        return np.asarray(mask[0], dtype=bool)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "dropout": self.dropout, "seed": self.seed}


class Attention(_BaseDenseAttention):
    """Dot-product attention (Luong style) over `[query, value]` or `[query, value, key]`.

    score_mode="dot": scores = query @ key^T (times the scalar weight `scale` with use_scale=True).
    score_mode="concat": scores = concat_score_weight * sum(tanh(scale * (query_i + key_j))) over features.
    Call options as in Keras 3: mask=[query_mask, value_mask] (from Embedding(mask_zero=True) automatically),
    return_attention_scores=True (also returns the (batch, Tq, Tv) weights), use_causal_mask=True (step i sees
    value steps 0..i only), training (dropout on the attention weights).
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention: score_mode must be 'dot' or 'concat', got {score_mode!r}.")
        self.score_mode = score_mode

    def build(self, input_shape, rng):
        self.check_input_shape(input_shape)
        ones = initializers.get("ones")
        params = {}
        if self.use_scale:
            params["scale"] = ones((), rng=rng)
        if self.score_mode == "concat":
            params["concat_score_weight"] = ones((), rng=rng)
        return params

    def scores(self, params, query, key):
        scale = params.get("scale") if self.use_scale else None
        if self.score_mode == "dot":
            scores = anp.matmul(query, anp.swapaxes(key, -2, -1))
            return scores if scale is None else scores * scale
        pairs = _pairwise_sums(query, key)
        if scale is not None:
            pairs = scale * pairs
        return params["concat_score_weight"] * anp.sum(anp.tanh(pairs), axis=-1)

    def get_config(self):
        return {**super().get_config(), "score_mode": self.score_mode}


class AdditiveAttention(_BaseDenseAttention):
    """Additive attention (Bahdanau style): scores = sum(scale * tanh(query_i + key_j)) over the features.

    `scale` is a weight vector of the query's feature size (glorot_uniform) with use_scale=True (the default).
    Same inputs, masks and call options as Attention.
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape, rng):
        self.check_input_shape(input_shape)
        if not self.use_scale:
            return {}
        return {"scale": initializers.get("glorot_uniform")((input_shape[0][-1],), rng=rng)}

    def scores(self, params, query, key):
        tanhs = anp.tanh(_pairwise_sums(query, key))
        if self.use_scale:
            tanhs = params["scale"] * tanhs
        return anp.sum(tanhs, axis=-1)
