"""Composed forms (forward on plain arrays + own backward) of the attention layers, whose inputs are lists.

MultiHeadAttention and Attention already run as one fused primitive with a hand-derived backward pass
(fused_attention.py); here a composed training step calls those primitives directly, so the layer costs no autograd
tracing at all. Each form is `form(layer, params, inputs, mask, need_dx) -> (y, output mask, backward)` with
`backward(dy) -> (gradients of the weights, [gradient of each input or None])`; an input given twice
(`mha(x, x)`) gets each use's gradient, which the step adds up. tests/layers/test_composed_attention.py proves
values and gradients equal autograd's through the layers' own call.
"""
import numpy as np
from autograd.core import primitive_vjps

from .attention import Attention
from .composed_merge import merge_form
from .fused_attention import _multi_head_attention, _weighted_sum
from .multi_head_attention import PROJECTIONS, MultiHeadAttention


def _multi_head_ok(layer):
    return layer.dropout == 0.0 and layer.kernel_regularizer is None and layer.bias_regularizer is None


def _multi_head(layer, params, inputs, mask, need_dx):
    query, value, key, keep, _, shapes = layer._prepare(inputs, mask, False, None, None, False)
    projections = [p for name in PROJECTIONS for p in (params[name]["kernel"],
                                                        params[name]["bias"] if layer.use_bias else None)]
    arguments = (query, key, value, *projections, keep, None, True)      # True: keep what the backward needs
    result = _multi_head_attention.fun(*arguments)
    weight_numbers = [3 + i for i, p in enumerate(projections) if p is not None]

    def backward(dy):
        argnums = (0, 1, 2) + tuple(weight_numbers)
        vjp = primitive_vjps[_multi_head_attention](argnums, result, arguments, {})
        # d weights: 0.0 (the weights are not an output here) broadcasts where the kernel adds it
        grads = dict(zip(argnums, vjp((dy.reshape(result[0].shape), 0.0))))
        by_name = {}
        for i, name in enumerate(PROJECTIONS):
            by_name[name] = {"kernel": grads[3 + 2 * i]}
            if layer.use_bias:
                by_name[name]["bias"] = grads[4 + 2 * i]
        d_query, d_key, d_value = grads[0], grads[1], grads[2]
        d_inputs = [d_query, d_value] + ([d_key] if len(inputs) == 3 else [])
        if len(inputs) == 2:
            d_inputs[1] = d_value + d_key        # the value is the key too
        return by_name, [d.reshape(np.shape(x)) if wanted else None
                         for d, x, wanted in zip(d_inputs, inputs, need_dx)]
    output = layer._finish(result[0], result[1], shapes, False)
    return output, layer.compute_mask(inputs, mask), backward


def _dot_attention_ok(layer):
    return type(layer) is Attention and layer.score_mode == "dot" and layer.dropout == 0.0 and \
        not layer._causal_by_default


def _dot_attention(layer, params, inputs, mask, need_dx):
    query, value, key, query_mask, keep, _ = layer._prepare(inputs, mask, False, None, False)
    raw = np.matmul(query, np.swapaxes(key, -2, -1))
    scale = params.get("scale") if layer.use_scale else None
    arguments = (raw if scale is None else raw * scale, value, keep, False, None, True)
    result = _weighted_sum.fun(*arguments)
    output = result[0] if query_mask is None else np.where(query_mask[..., None], result[0], 0.0)

    def backward(dy):
        d_out = dy if query_mask is None else np.where(query_mask[..., None], dy, 0.0)
        d_scores, d_value = primitive_vjps[_weighted_sum]((0, 1), result, arguments, {})((d_out, 0.0))
        grads = {}
        if scale is not None:
            grads["scale"] = np.asarray(np.sum(d_scores * raw), dtype=scale.dtype).reshape(np.shape(scale))
            d_scores = d_scores * scale
        d_query = np.matmul(d_scores, key)
        d_key = np.matmul(np.swapaxes(d_scores, -2, -1), query)
        d_inputs = [d_query, d_value + d_key] if len(inputs) == 2 else [d_query, d_value, d_key]
        return grads, [d if wanted else None for d, wanted in zip(d_inputs, need_dx)]
    return output.astype(result[0].dtype, copy=False), layer.compute_mask(inputs, mask), backward


# layer class -> (whether this configuration has a composed form, the form)
ATTENTION_FORMS = {MultiHeadAttention: (_multi_head_ok, _multi_head), Attention: (_dot_attention_ok, _dot_attention)}


def list_input_form(layer):
    """The composed form of a layer called on a list of inputs (attention here, merges in composed_merge.py), or
    None."""
    if layer.activity_regularizer is not None:
        return None
    ok, form = ATTENTION_FORMS.get(type(layer), (None, None))
    return form if ok is not None and ok(layer) else merge_form(layer)
