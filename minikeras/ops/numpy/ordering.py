"""keras.ops.numpy's running sums, sorting, searching and choosing: cumsum, sort, where, clip, ..."""
import builtins

import autograd.numpy as anp
import numpy as np

from .._tensor import (as_array, int_result, keep_integer_dtype, normalize_axis, names_errors, standardize_dtype,
                       promote)
from ..symbolic import keras_op

__all__ = ["cumsum", "cumprod", "diff", "sort", "argsort", "argpartition", "searchsorted", "digitize", "bincount",
           "unique", "nonzero", "where", "select", "clip", "isclose", "allclose", "isin", "round", "nan_to_num"]


# ---- cumulative, sorting, searching ------------------------------------------------------------------------------
@keras_op
@names_errors
def cumsum(x, axis=None, dtype=None):
    """Running sum along `axis` (of the flattened input when None); integers keep their dtype."""
    x = as_array(x, "cumsum")
    result = keep_integer_dtype(anp.cumsum(x, axis=axis), x)
    return result if dtype is None else result.astype(standardize_dtype(dtype, "cumsum"))


@keras_op
@names_errors
def cumprod(x, axis=None, dtype=None):
    """Running product along `axis` (of the flattened input when None); integers keep their dtype."""
    x = as_array(x, "cumprod")
    if axis is None:
        x, axis = anp.ravel(x), 0
    steps = anp.moveaxis(x, normalize_axis("cumprod", axis, x.ndim), 0)
    running = [steps[0]] if len(steps) else []
    for step in steps[1:]:
        running.append(running[-1] * step)  # autograd has no gradient for numpy's cumprod
    result = anp.moveaxis(anp.stack(running), 0, axis) if running else x
    result = keep_integer_dtype(result, x)
    return result if dtype is None else result.astype(standardize_dtype(dtype, "cumprod"))


@keras_op
@names_errors
def diff(a, n=1, axis=-1):
    """The n-th difference along `axis`: a[1:] - a[:-1], n times."""
    a = as_array(a, "diff")
    for _ in range(n):
        a = anp.diff(a, axis=axis)
    return a


@keras_op
@names_errors
def sort(x, axis=-1):
    """The values sorted ascending along `axis` (None sorts the flattened input)."""
    x = as_array(x, "sort")
    if axis is None:
        x, axis = anp.ravel(x), 0
    axis = normalize_axis("sort", axis, x.ndim)
    order = np.argsort(getattr(x, "_value", x), axis=axis, kind="stable")
    return x[along_axis(order, axis)]  # indexing, so the gradient flows back to the sorted elements


def along_axis(indices, axis):
    """The index tuple that picks `indices` (shaped like the array) along `axis`, as take_along_axis does."""
    grid = list(np.ix_(*[np.arange(n) for n in indices.shape]))
    grid[axis] = indices
    return tuple(grid)


@keras_op
@names_errors
def argsort(x, axis=-1):
    """Indices that sort `x` ascending along `axis`, as int32 (stable for ties)."""
    return int_result(np.argsort(getattr(x, "_value", x), axis=axis, kind="stable"))


@keras_op
@names_errors
def argpartition(x, kth, axis=-1):
    """Indices that put the kth element in its sorted place, smaller ones before it, as int32."""
    return int_result(np.argpartition(getattr(x, "_value", x), kth, axis=axis))


@keras_op
@names_errors
def searchsorted(sorted_sequence, values, side="left"):
    """Where each value would go in the 1-D ascending `sorted_sequence` to keep it sorted, as int32."""
    sequence = np.asarray(getattr(sorted_sequence, "_value", sorted_sequence))
    if sequence.ndim != 1:
        raise ValueError(f"ops.searchsorted: sorted_sequence must be 1-D, got shape {sequence.shape}.")
    return int_result(np.searchsorted(sequence, getattr(values, "_value", values), side=side))


@keras_op
@names_errors
def digitize(x, bins):
    """Index of the bin each value falls into (bins ascending), as int32."""
    return int_result(np.digitize(getattr(x, "_value", x), getattr(bins, "_value", bins)))


@keras_op
@names_errors
def bincount(x, weights=None, minlength=0, sparse=False):
    """How often each non-negative integer occurs in 1-D `x` (summing `weights` instead when given)."""
    x = np.asarray(getattr(x, "_value", x))
    if weights is None:
        return int_result(np.bincount(x, minlength=minlength))
    weights = as_array(weights, "bincount")
    length = builtins.max(int(x.max()) + 1 if x.size else 0, minlength)
    return anp.dot((x[:, None] == np.arange(length)).T.astype(weights.dtype), weights)


@keras_op
@names_errors
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,
           size=None, fill_value=None):
    """The distinct values, sorted (no gradient); with `size`, padded with `fill_value` (or the smallest value)."""
    results = np.unique(getattr(x, "_value", x), return_index=return_index, return_inverse=return_inverse,
                        return_counts=return_counts, axis=axis)
    if size is None:
        return results
    values = results[0] if isinstance(results, tuple) else results
    fill = values.min() if fill_value is None else fill_value
    padded = np.concatenate([values[:size], np.full(builtins.max(size - len(values), 0), fill, values.dtype)])
    return (padded,) + tuple(results[1:]) if isinstance(results, tuple) else padded


@keras_op
@names_errors
def nonzero(x):
    """A tuple of index arrays (int32), one per axis, of the non-zero elements."""
    return tuple(int_result(i) for i in np.nonzero(getattr(x, "_value", x)))


@keras_op
@names_errors
def where(condition, x1=None, x2=None):
    """x1 where `condition` is true, x2 elsewhere (broadcast); with only `condition`, nonzero(condition)."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("ops.where: give both x1 and x2, or neither (then the indices of true elements).")
    x1, x2 = promote(x1, x2, False)
    return anp.where(getattr(condition, "_value", condition), x1, x2)


@keras_op
@names_errors
def select(condlist, choicelist, default=0):
    """For each element, the choice of the first true condition; `default` where none is true."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"ops.select: condlist and choicelist must have the same length, got "
                         f"{len(condlist)} and {len(choicelist)}.")
    result = default
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        result = anp.where(getattr(condition, "_value", condition), choice, result)
    return result


@keras_op
@names_errors
def clip(x, x_min, x_max):
    """x limited to [x_min, x_max]; booleans become int32, as in Keras."""
    x = as_array(x, "clip")
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    return anp.clip(x, x_min, x_max)


@keras_op
@names_errors
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|x1 - x2| <= atol + rtol * |x2|, element-wise, as booleans."""
    return np.isclose(getattr(x1, "_value", x1), getattr(x2, "_value", x2), rtol, atol, equal_nan)


@keras_op
@names_errors
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when isclose holds everywhere."""
    return np.allclose(getattr(x1, "_value", x1), getattr(x2, "_value", x2), rtol, atol, equal_nan)


@keras_op
@names_errors
def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of x1 occurs in x2 (False with invert=True)."""
    return np.isin(getattr(x1, "_value", x1), getattr(x2, "_value", x2), assume_unique=assume_unique,
                   invert=invert)


@keras_op
@names_errors
def round(x, decimals=0):
    """x rounded to `decimals` places, halves to even (gradient 0)."""
    return anp.round(as_array(x, "round"), decimals)


@keras_op
@names_errors
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN replaced by `nan`, +inf by `posinf` and -inf by `neginf` (the dtype's extremes when None)."""
    return anp.nan_to_num(as_array(x, "nan_to_num"), nan=nan, posinf=posinf, neginf=neginf)
