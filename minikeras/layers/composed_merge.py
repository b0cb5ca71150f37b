"""Composed forms (forward on plain arrays + own backward) of the merge layers whose gradient is a split or a copy:
Concatenate, Add, Subtract, Average.

Each form is `form(layer, params, inputs, mask, need_dx) -> (y, output mask, backward)` with
`backward(dy) -> ({}, [gradient of each input or None])`, as the attention forms (composed_attention.py).
Inputs whose shapes differ (a broadcast size-1 axis) have no form here; autograd traces those merges alone.
tests/layers/test_composed_merge.py proves values and gradients equal autograd's through the layers' call.
"""
import numpy as np

from .composed_traced import traced_forward_with_backward
from .merge import Add, Average, Concatenate, Subtract


def _concatenate(layer, params, inputs, mask, need_dx):
    y = np.concatenate(inputs, axis=layer.axis)
    ends = np.cumsum([np.shape(x)[layer.axis] for x in inputs])[:-1]

    def backward(dy):
        return {}, [d if wanted else None for d, wanted in zip(np.split(dy, ends, axis=layer.axis), need_dx)]
    return y, layer.compute_mask(inputs, mask), backward


def _weighted_sum(layer, params, inputs, mask, need_dx):
    """Add, Subtract, Average: y is a fixed weighted sum of the inputs, so input i's gradient is dy times its weight."""
    weights = _SUM_WEIGHTS[type(layer)](len(inputs))
    y = layer.call(params, inputs)

    def backward(dy):
        return {}, [(dy if w == 1.0 else dy * w) if wanted else None for w, wanted in zip(weights, need_dx)]
    return y, layer.compute_mask(inputs, mask), backward


_SUM_WEIGHTS = {Add: lambda n: [1.0] * n, Subtract: lambda n: [1.0, -1.0], Average: lambda n: [1.0 / n] * n}


def merge_form(layer):
    """The composed form of a merge layer, or None. Inputs of different shapes (a broadcast size-1 axis) are traced
    by autograd alone when they come."""
    own = _concatenate if type(layer) is Concatenate else _weighted_sum if type(layer) in _SUM_WEIGHTS else None
    if own is None:
        return None

    def form(layer, params, inputs, mask, need_dx):
        if own is _concatenate or len({np.shape(x) for x in inputs}) == 1:
            return own(layer, params, inputs, mask, need_dx)
        y, out_mask, backward = traced_forward_with_backward(layer, params, inputs, {}, {}, mask,
                                                             [not wanted for wanted in need_dx])
        return y, out_mask, lambda dy: backward([dy])[:2]
    return form
