"""keras.ops.numpy's shape ops: reshape, transpose, concatenate, stack, split, take, diag, ..."""
import builtins

import autograd.numpy as anp
import numpy as np

from .._tensor import as_array, keep_integer_dtype, normalize_axis, names_errors, standardize_dtype
from ..symbolic import keras_op

__all__ = ["view", "reshape", "ravel", "transpose", "expand_dims", "squeeze", "moveaxis", "swapaxes", "broadcast_to",
           "tile", "repeat", "flip", "fliplr", "flipud", "roll", "rot90", "pad", "concatenate", "append", "stack",
           "vstack", "hstack", "dstack", "split", "array_split", "hsplit", "vsplit", "dsplit", "take",
           "take_along_axis", "get_item", "diag", "diagflat", "diagonal", "trace", "tril", "triu"]


# ---- shapes ----------------------------------------------------------------------------------------------------
@keras_op
@names_errors
def reshape(x, newshape):
    """x with shape `newshape` (one entry may be -1, inferred from the size)."""
    return anp.reshape(as_array(x, "reshape"), newshape)


@keras_op
@names_errors
def ravel(x):
    """x flattened to 1-D."""
    return anp.ravel(as_array(x, "ravel"))


@keras_op
@names_errors
def transpose(x, axes=None):
    """x with its axes permuted by `axes` (reversed when None)."""
    return anp.transpose(as_array(x, "transpose"), axes)


@keras_op
@names_errors
def expand_dims(x, axis):
    """x with a new axis of length 1 at `axis` (an int or a tuple of ints)."""
    return anp.expand_dims(as_array(x, "expand_dims"), axis)


@keras_op
@names_errors
def squeeze(x, axis=None):
    """x without its axes of length 1 (only `axis` when given, which must have length 1)."""
    return anp.squeeze(as_array(x, "squeeze"), axis)


@keras_op
@names_errors
def moveaxis(x, source, destination):
    """x with the axes `source` moved to `destination`, the others keeping their order."""
    return anp.moveaxis(as_array(x, "moveaxis"), source, destination)


@keras_op
@names_errors
def swapaxes(x, axis1, axis2):
    """x with two axes exchanged."""
    return anp.swapaxes(as_array(x, "swapaxes"), axis1, axis2)


@keras_op
@names_errors
def broadcast_to(x, shape):
    """x repeated along new or length-1 axes to `shape`, by numpy's broadcasting rules."""
    x = as_array(x, "broadcast_to")
    return x + np.zeros(shape, x.dtype)  # an add, whose gradient sums over the broadcast axes


@keras_op
@names_errors
def tile(x, repeats):
    """x repeated `repeats` times along each axis."""
    return anp.tile(as_array(x, "tile"), repeats)


@keras_op
@names_errors
def repeat(x, repeats, axis=None):
    """Each element repeated `repeats` times along `axis` (of the flattened input when None)."""
    x = as_array(x, "repeat")
    if axis is None:
        x, axis = anp.ravel(x), 0
    axis = normalize_axis("repeat", axis, x.ndim)
    picks = np.repeat(np.arange(x.shape[axis]), np.asarray(getattr(repeats, "_value", repeats)))
    return x[(slice(None),) * axis + (picks,)]


@keras_op
@names_errors
def flip(x, axis=None):
    """x with the order of the elements along `axis` reversed (every axis when None)."""
    x = as_array(x, "flip")
    axes = range(x.ndim) if axis is None else [normalize_axis("flip", a, x.ndim) for a in np.atleast_1d(axis)]
    index = [slice(None)] * x.ndim
    for a in axes:
        index[a] = slice(None, None, -1)
    return x[tuple(index)]


@keras_op
@names_errors
def fliplr(x):
    """x with its second axis reversed."""
    return flip(x, axis=1)


@keras_op
@names_errors
def flipud(x):
    """x with its first axis reversed."""
    return flip(x, axis=0)


@keras_op
@names_errors
def roll(x, shift, axis=None):
    """x shifted by `shift` places along `axis`, wrapping around (the flattened input when None)."""
    return anp.roll(as_array(x, "roll"), shift, axis=axis)


@keras_op
@names_errors
def rot90(array, k=1, axes=(0, 1)):
    """array rotated by 90 degrees k times in the plane of `axes`."""
    array = as_array(array, "rot90")
    first, second = axes
    for _ in range(k % 4):
        array = anp.swapaxes(flip(array, axis=second), first, second)
    return array


@keras_op
@names_errors
def pad(x, pad_width, mode="constant", constant_values=None):
    """x padded by pad_width ((before, after) per axis); mode 'constant' (zeros or constant_values), 'reflect',
    'symmetric', 'edge', ..."""
    if constant_values is not None and mode != "constant":
        raise ValueError(f"ops.pad: constant_values is only for mode='constant', got mode={mode!r}.")
    x = as_array(x, "pad")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int).reshape(-1, 2) if np.ndim(pad_width) else
                             np.full((1, 2), pad_width), (x.ndim, 2))
    if mode == "constant":
        padded = anp.pad(x, [tuple(w) for w in widths], "constant")
        if constant_values is None or constant_values == 0:
            return padded
        border = ~np.pad(np.ones(x.shape, bool), [tuple(w) for w in widths])
        return padded + border.astype(x.dtype) * constant_values
    for axis, (before, after) in enumerate(widths):  # every other mode picks existing elements: an index per axis
        picks = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
        x = x[(slice(None),) * axis + (picks,)]
    return x


# ---- joining and splitting --------------------------------------------------------------------------------------
def _check_joinable(op, arrays, axis, same_rank_only=False):
    if not isinstance(arrays, (list, tuple)) or len(arrays) == 0:
        raise ValueError(f"ops.{op}: expected a non-empty list of arrays, got {arrays!r}.")
    arrays = [as_array(a, op) for a in arrays]
    shapes = [tuple(a.shape) for a in arrays]
    ranks = {len(s) for s in shapes}
    if len(ranks) > 1:
        raise ValueError(f"ops.{op}: every input must have the same rank, got shapes {shapes}.")
    if not same_rank_only:
        rank = ranks.pop()
        axis = normalize_axis(op, axis, rank)
        others = {s[:axis] + s[axis + 1:] for s in shapes}
        if len(others) > 1:
            raise ValueError(f"ops.{op}: the inputs must have the same shape except along axis {axis}, "
                             f"got shapes {shapes}.")
    return arrays


@keras_op
@names_errors
def concatenate(xs, axis=0):
    """The arrays in `xs` joined along an existing `axis` (None joins them flattened)."""
    if axis is None:
        return anp.concatenate([anp.ravel(a) for a in _check_joinable("concatenate", xs, 0, True)])
    return anp.concatenate(_check_joinable("concatenate", xs, axis), axis=axis)


@keras_op
@names_errors
def append(x1, x2, axis=None):
    """x2 appended to x1 along `axis` (both flattened when None)."""
    return concatenate([x1, x2], axis=axis)


@keras_op
@names_errors
def stack(x, axis=0):
    """The arrays in `x` (all of one shape) joined along a new `axis`."""
    arrays = _check_joinable("stack", x, 0, True)
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"ops.stack: every input must have the same shape, got {[a.shape for a in arrays]}.")
    return anp.stack(arrays, axis=axis)


@keras_op
@names_errors
def vstack(xs):
    """The arrays joined along the first axis (1-D inputs become rows)."""
    return anp.concatenate([anp.atleast_2d(a) for a in _check_joinable("vstack", xs, 0, True)], axis=0)


@keras_op
@names_errors
def hstack(xs):
    """The arrays joined along the second axis (the first for 1-D inputs)."""
    arrays = _check_joinable("hstack", xs, 0, True)
    return anp.concatenate(arrays, axis=0 if arrays[0].ndim == 1 else 1)


@keras_op
@names_errors
def dstack(xs):
    """The arrays joined along the third axis (lower ranks padded to 3-D first)."""
    return anp.concatenate([anp.atleast_3d(a) for a in _check_joinable("dstack", xs, 0, True)], axis=2)


@keras_op
@names_errors
def split(x, indices_or_sections, axis=0):
    """A list of pieces of x along `axis`: N equal sections, or cut at the given indices."""
    x = as_array(x, "split")
    if isinstance(indices_or_sections, int) and x.shape[normalize_axis("split", axis, x.ndim)] % \
            indices_or_sections:
        raise ValueError(f"ops.split: axis {axis} of length {x.shape[axis]} does not split into "
                         f"{indices_or_sections} equal sections.")
    return list(anp.split(x, indices_or_sections, axis=axis))


@keras_op
@names_errors
def array_split(x, indices_or_sections, axis=0):
    """Like split, but N sections need not be equal (the first ones are one longer)."""
    return list(anp.array_split(as_array(x, "array_split"), indices_or_sections, axis=axis))


@keras_op
@names_errors
def hsplit(x, indices_or_sections):
    """split along the second axis (the first for 1-D input)."""
    x = as_array(x, "hsplit")
    return split(x, indices_or_sections, axis=0 if x.ndim == 1 else 1)


@keras_op
@names_errors
def vsplit(x, indices_or_sections):
    """split along the first axis."""
    return split(x, indices_or_sections, axis=0)


@keras_op
@names_errors
def dsplit(x, indices_or_sections):
    """split along the third axis."""
    return split(x, indices_or_sections, axis=2)


# ---- indexing ---------------------------------------------------------------------------------------------------
@keras_op
@names_errors
def take(x, indices, axis=None):
    """The elements of x at `indices` along `axis` (of the flattened input when None); negatives count back."""
    x = as_array(x, "take")
    indices = np.asarray(getattr(indices, "_value", indices))
    if axis is None:
        return anp.ravel(x)[indices]
    axis = normalize_axis("take", axis, x.ndim)
    return x[(slice(None),) * axis + (indices,)]


@keras_op
@names_errors
def take_along_axis(x, indices, axis=None):
    """Elements of x picked along `axis` by `indices` of the same rank (other axes broadcast)."""
    x = as_array(x, "take_along_axis")
    indices = np.asarray(getattr(indices, "_value", indices))
    if axis is None:
        x, indices, axis = anp.ravel(x), indices.ravel(), 0
    axis = normalize_axis("take_along_axis", axis, x.ndim)
    if indices.ndim != x.ndim:
        raise ValueError(f"ops.take_along_axis: indices must have the rank of x ({x.ndim}), "
                         f"got shape {indices.shape}.")
    outer = np.broadcast_shapes(x.shape[:axis] + (1,) + x.shape[axis + 1:],
                                indices.shape[:axis] + (1,) + indices.shape[axis + 1:])
    indices = np.broadcast_to(indices, outer[:axis] + indices.shape[axis:axis + 1] + outer[axis + 1:])
    x = anp.broadcast_to(x, outer[:axis] + x.shape[axis:axis + 1] + outer[axis + 1:])
    grid = list(np.ix_(*[np.arange(n) for n in indices.shape]))
    grid[axis] = indices
    return x[tuple(grid)]


@keras_op
@names_errors
def get_item(x, key):
    """x[key], numpy's indexing."""
    return as_array(x, "get_item")[key]


@keras_op
@names_errors
def diag(x, k=0):
    """The k-th diagonal of a 2-D x, or a 2-D array with 1-D x on its k-th diagonal."""
    x = as_array(x, "diag")
    if x.ndim not in (1, 2):
        raise ValueError(f"ops.diag: expected a 1-D or 2-D input, got shape {x.shape}.")
    return anp.diag(x, k)


@keras_op
@names_errors
def diagflat(x, k=0):
    """A 2-D array with the flattened x on its k-th diagonal."""
    return anp.diag(anp.ravel(as_array(x, "diagflat")), k)


@keras_op
@names_errors
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the (axis1, axis2) planes, appended as the last axis."""
    x = as_array(x, "diagonal")
    axis1, axis2 = normalize_axis("diagonal", axis1, x.ndim), normalize_axis("diagonal", axis2, x.ndim)
    planes = anp.moveaxis(x, (axis1, axis2), (-2, -1))
    rows = np.arange(builtins.max(0, -offset), builtins.min(planes.shape[-2], planes.shape[-1] - offset))
    return planes[..., rows, rows + offset]


@keras_op
@names_errors
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of the diagonal of the (axis1, axis2) planes; integers keep their dtype."""
    x = as_array(x, "trace")
    return keep_integer_dtype(anp.sum(diagonal(x, offset, axis1, axis2), axis=-1), x)


@keras_op
@names_errors
def tril(x, k=0):
    """x with the elements above the k-th diagonal set to 0."""
    return anp.tril(as_array(x, "tril"), k)


@keras_op
@names_errors
def triu(x, k=0):
    """x with the elements below the k-th diagonal set to 0."""
    return anp.triu(as_array(x, "triu"), k)


@keras_op
@names_errors
def view(x, dtype=None):
    """The same bytes read as `dtype` (the last axis scales by the ratio of the item sizes; no gradient)."""
    x = np.asarray(getattr(x, "_value", x))
    return x if dtype is None else x.view(standardize_dtype(dtype, "view"))
