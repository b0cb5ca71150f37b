"""Sliding windows over the spatial axes: where they sit (window_geometry), every window's values at once
(extract_windows) and its adjoint (fold_windows, fold_taps).

Shared by the convolutions (conv.py: the windows times a kernel), the pooling layers (pooling.py: their max or
mean), ConvLSTM's window convolution and the composed Conv step (composed_feedforward.py).
"""
import itertools
from collections import namedtuple

import numpy as np
from autograd.extend import primitive, defvjp, defjvp
from numpy.lib.stride_tricks import as_strided


Geometry = namedtuple("Geometry", "window strides dilation pads out_sizes")


def window_geometry(layer, input_shape, sizes, window, strides, dilation, padding):
    """Where the windows sit along each spatial axis: output sizes and (before, after) padding, as Keras/XLA do.

    'valid' pads nothing; 'same' pads so the output has ceil(size / stride) steps, the odd pixel after;
    'causal' pads only before, so output t never sees input after t. A None size gives a None output size.
    """
    out_sizes, pads = [], []
    for size, k, s, d in zip(sizes, window, strides, dilation):
        span = (k - 1) * d + 1
        if size is None:
            out_sizes.append(None)
            pads.append(None)
            continue
        if padding == "valid":
            out, pad = (size - span) // s + 1 if size >= span else 0, (0, 0)
        else:
            out = (size - 1) // s + 1
            total = max((out - 1) * s + span - size, 0)
            pad = (total, 0) if padding == "causal" else (total // 2, total - total // 2)
        if out <= 0:
            raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): a window of {tuple(window)} "
                             f"(dilation {tuple(dilation)}) does not fit in input shape {input_shape} with "
                             f"padding='valid', so the output would be empty. Use a smaller kernel/pool size, "
                             f"padding='same', or a larger input.")
        out_sizes.append(out)
        pads.append(pad)
    return Geometry(tuple(window), tuple(strides), tuple(dilation), tuple(pads), tuple(out_sizes))


def _tap_offsets(window):
    """Every position inside a window, row-major: the order of the kernel's leading axes once flattened."""
    return itertools.product(*(range(k) for k in window))


def _tap_slices(offset, geometry):
    """The input elements that window-position `offset` touches across all windows (a strided view)."""
    steps = zip(offset, geometry.dilation, geometry.strides, geometry.out_sizes)
    return (slice(None),) + tuple(slice(o * d, o * d + (n - 1) * s + 1, s) for o, d, s, n in steps) + (slice(None),)


def _padded(x, pads, fill):
    """x with `pads` (before, after) around each spatial axis filled with `fill` (np.pad's result, for a fraction
    of its per-call cost)."""
    sizes = tuple(n + before + after for n, (before, after) in zip(x.shape[1:-1], pads))
    padded = np.full((x.shape[0],) + sizes + (x.shape[-1],), fill, dtype=x.dtype)
    padded[(slice(None),) + tuple(slice(before, before + n) for n, (before, _) in zip(x.shape[1:-1], pads))] = x
    return padded


@primitive
def extract_windows(x, geometry, fill):
    """(batch, *spatial, channels) -> (batch, *out_sizes, taps, channels): the values under every window.

    The windows are first a view of the (padded) input, whose axes step by the strides between windows and by
    the dilation within one; one copy then lays them out, never a Python loop over output pixels.
    `fill` is the padding value: 0 for convolution and mean, -inf for max.
    """
    padded = _padded(x, geometry.pads, fill) if any(map(any, geometry.pads)) else x
    spatial = padded.strides[1:-1]
    view = as_strided(padded, shape=(x.shape[0], *geometry.out_sizes, *geometry.window, x.shape[-1]),
                      strides=(padded.strides[0], *(a * s for a, s in zip(spatial, geometry.strides)),
                               *(a * d for a, d in zip(spatial, geometry.dilation)), padded.strides[-1]),
                      writeable=False)
    return np.ascontiguousarray(view).reshape(x.shape[0], *geometry.out_sizes, -1, x.shape[-1])


@primitive
def fold_windows(windows, input_shape, geometry):
    """The adjoint of extract_windows: adds each window's values back onto the input position they came from."""
    return fold_taps(lambda tap: windows[..., tap, :], input_shape, geometry, windows.dtype)


def fold_taps(values_at_tap, input_shape, geometry, dtype):
    """Adds, for each window position `tap`, values_at_tap(tap) (batch, *out_sizes, channels) onto the input
    positions that window position touched: fold_windows, with the values of each position given separately."""
    padded_sizes = tuple(n + before + after for n, (before, after) in zip(input_shape[1:-1], geometry.pads))
    padded = np.zeros((input_shape[0],) + padded_sizes + (input_shape[-1],), dtype=dtype)
    for tap, offset in enumerate(_tap_offsets(geometry.window)):
        padded[_tap_slices(offset, geometry)] += values_at_tap(tap)
    crop = tuple(slice(before, before + n) for n, (before, _) in zip(input_shape[1:-1], geometry.pads))
    return padded[(slice(None),) + crop + (slice(None),)]


# Both are linear in their array (padding with `fill` only adds a constant), so each one's derivative is the
# other one or itself: gradients of any order come for free.
defvjp(extract_windows, lambda ans, x, geometry, fill: lambda g: fold_windows(g, x.shape, geometry))
defjvp(extract_windows, lambda g, ans, x, geometry, fill: extract_windows(g, geometry, 0.0))
defvjp(fold_windows, lambda ans, windows, input_shape, geometry: lambda g: extract_windows(g, geometry, 0.0))
defjvp(fold_windows, lambda g, ans, windows, input_shape, geometry: fold_windows(g, input_shape, geometry))
