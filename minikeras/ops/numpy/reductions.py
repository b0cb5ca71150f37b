"""Reductions of keras.ops.numpy: sum, mean, max, argmax, quantiles, and their NaN-ignoring forms."""
import autograd.numpy as anp
import numpy as np

from ... import backend
from .._tensor import (as_array, to_float, int_result, keep_integer_dtype, normalize_axis, names_errors,
                       standardize_dtype)
from ..symbolic import keras_op
from .ordering import cumsum, cumprod, sort

__all__ = ["sum", "prod", "mean", "var", "std", "max", "min", "amax", "amin", "ptp", "all", "any", "count_nonzero",
           "argmax", "argmin", "average", "quantile", "percentile", "median", "nansum", "nanprod", "nanmean",
           "nanvar", "nanstd", "nanmax", "nanmin", "nanargmax", "nanargmin", "nancumsum", "nancumprod", "nanmedian",
           "nanquantile", "nanpercentile"]


# ---- reductions -------------------------------------------------------------------------------------------------
@keras_op
@names_errors
def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (every axis when None); integer sums keep their dtype, booleans count as int32."""
    x = as_array(x, "sum")
    return keep_integer_dtype(anp.sum(x, axis=axis, keepdims=keepdims), x)


@keras_op
@names_errors
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis` (every axis when None); integers keep their dtype unless `dtype` is given."""
    x = as_array(x, "prod")
    result = keep_integer_dtype(anp.prod(x, axis=axis, keepdims=keepdims), x)
    return result if dtype is None else result.astype(standardize_dtype(dtype, "prod"))


@keras_op
@names_errors
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis` (every axis when None); integers give floatx."""
    return anp.mean(to_float(x, "mean"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def var(x, axis=None, keepdims=False):
    """Variance (divided by N) over `axis`; integers give floatx."""
    return anp.var(to_float(x, "var"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def std(x, axis=None, keepdims=False):
    """Standard deviation (divided by N) over `axis`; integers give floatx."""
    return anp.std(to_float(x, "std"), axis=axis, keepdims=keepdims)


def _extreme(name, numpy_function, pick, x, axis, keepdims, initial):
    x = as_array(x, name)
    result = numpy_function(x, axis=axis, keepdims=keepdims)
    return result if initial is None else pick(result, initial)


@keras_op
@names_errors
def max(x, axis=None, keepdims=False, initial=None):
    """Largest value over `axis` (every axis when None), never below `initial` when given."""
    return _extreme("max", anp.max, anp.maximum, x, axis, keepdims, initial)


@keras_op
@names_errors
def min(x, axis=None, keepdims=False, initial=None):
    """Smallest value over `axis` (every axis when None), never above `initial` when given."""
    return _extreme("min", anp.min, anp.minimum, x, axis, keepdims, initial)


@keras_op
@names_errors
def amax(x, axis=None, keepdims=False):
    """Largest value over `axis` (same as max)."""
    return anp.max(as_array(x, "amax"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def amin(x, axis=None, keepdims=False):
    """Smallest value over `axis` (same as min)."""
    return anp.min(as_array(x, "amin"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def ptp(x, axis=None, keepdims=False):
    """max - min over `axis` ("peak to peak")."""
    x = as_array(x, "ptp")
    return anp.max(x, axis=axis, keepdims=keepdims) - anp.min(x, axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def all(x, axis=None, keepdims=False):
    """True where every element over `axis` is non-zero."""
    return np.all(getattr(x, "_value", x), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def any(x, axis=None, keepdims=False):
    """True where some element over `axis` is non-zero."""
    return np.any(getattr(x, "_value", x), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def count_nonzero(x, axis=None):
    """How many elements over `axis` are non-zero, as int32."""
    return int_result(np.count_nonzero(getattr(x, "_value", x), axis=axis))


@keras_op
@names_errors
def argmax(x, axis=None, keepdims=False):
    """Index of the largest value over `axis` (of the flattened input when None), as int32."""
    return int_result(np.argmax(getattr(x, "_value", x), axis=axis, keepdims=keepdims))


@keras_op
@names_errors
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value over `axis` (of the flattened input when None), as int32."""
    return int_result(np.argmin(getattr(x, "_value", x), axis=axis, keepdims=keepdims))


@keras_op
@names_errors
def average(x, axis=None, weights=None):
    """Weighted mean over `axis`; 1-D `weights` run along that axis. Without weights, the mean."""
    x = to_float(x, "average")
    if weights is None:
        return anp.mean(x, axis=axis)
    weights = as_array(weights, "average")
    if axis is not None and weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[normalize_axis("average", axis, x.ndim)] = weights.shape[0]
        weights = anp.reshape(weights, shape)
    return anp.sum(x * weights, axis=axis) / anp.sum(weights * anp.ones_like(x), axis=axis)


def _quantile(name, x, q, axis, method, keepdims):
    """Quantiles by sorting, so the gradient flows to the elements picked (as in Keras's JAX backend)."""
    x = to_float(x, name)
    q = np.asarray(getattr(q, "_value", q), dtype=np.float64)
    if method not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"ops.{name}: method must be one of 'linear', 'lower', 'higher', 'midpoint', "
                         f"'nearest', got {method!r}.")
    axes = tuple(range(x.ndim)) if axis is None else tuple(np.atleast_1d(axis))
    axes = tuple(normalize_axis(name, a, x.ndim) for a in axes)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = anp.transpose(x, kept + list(axes))
    moved = anp.reshape(moved, tuple(x.shape[a] for a in kept) + (-1,))
    ordered = sort(moved, axis=-1)
    position = q * (ordered.shape[-1] - 1)
    low, high = np.floor(position).astype(int), np.ceil(position).astype(int)
    if method == "lower":
        result = ordered[..., low]
    elif method == "higher":
        result = ordered[..., high]
    elif method == "nearest":
        result = ordered[..., np.round(position).astype(int)]
    elif method == "midpoint":
        result = (ordered[..., low] + ordered[..., high]) / 2
    else:
        fraction = (position - low).astype(x.dtype)
        result = ordered[..., low] * (1 - fraction) + ordered[..., high] * fraction
    result = anp.moveaxis(result, -1, 0) if q.ndim else result
    if keepdims:
        shape = list(result.shape[:q.ndim]) + [1 if a in axes else x.shape[a] for a in range(x.ndim)]
        result = anp.reshape(result, shape)
    return result


@keras_op
@names_errors
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles (q in [0, 1]) over `axis`; a 1-D q puts its axis first, as numpy does."""
    return _quantile("quantile", x, q, axis, method, keepdims)


@keras_op
@names_errors
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentiles (q in [0, 100]) over `axis`."""
    return _quantile("percentile", x, np.asarray(q) / 100.0, axis, method, keepdims)


@keras_op
@names_errors
def median(x, axis=None, keepdims=False):
    """The median over `axis` (every axis when None)."""
    return _quantile("median", x, 0.5, axis, "linear", keepdims)


# ---- NaN-ignoring reductions: NaN is replaced by the neutral element first ----------------------------------------
def _without_nan(x, fill, name):
    x = to_float(x, name)
    return anp.where(anp.isnan(x), fill, x)


@keras_op
@names_errors
def nansum(x, axis=None, keepdims=False):
    """sum, ignoring NaN."""
    return anp.sum(_without_nan(x, 0.0, "nansum"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def nanprod(x, axis=None, keepdims=False):
    """prod, ignoring NaN."""
    return anp.prod(_without_nan(x, 1.0, "nanprod"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def nanmean(x, axis=None, keepdims=False):
    """mean, ignoring NaN (NaN where every value is NaN)."""
    x = to_float(x, "nanmean")
    counted = np.sum(~np.isnan(getattr(x, "_value", x)), axis=axis, keepdims=keepdims).astype(x.dtype)
    return anp.sum(_without_nan(x, 0.0, "nanmean"), axis=axis, keepdims=keepdims) / counted


@keras_op
@names_errors
def nanvar(x, axis=None, keepdims=False):
    """var, ignoring NaN."""
    x = to_float(x, "nanvar")
    centered = x - nanmean(x, axis=axis, keepdims=True)
    return nanmean(centered * centered, axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def nanstd(x, axis=None, keepdims=False):
    """std, ignoring NaN."""
    return anp.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


@keras_op
@names_errors
def nanmax(x, axis=None, keepdims=False):
    """max, ignoring NaN."""
    return anp.max(_without_nan(x, -np.inf, "nanmax"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def nanmin(x, axis=None, keepdims=False):
    """min, ignoring NaN."""
    return anp.min(_without_nan(x, np.inf, "nanmin"), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def nanargmax(x, axis=None, keepdims=False):
    """argmax, ignoring NaN."""
    return int_result(np.nanargmax(getattr(x, "_value", x), axis=axis, keepdims=keepdims))


@keras_op
@names_errors
def nanargmin(x, axis=None, keepdims=False):
    """argmin, ignoring NaN."""
    return int_result(np.nanargmin(getattr(x, "_value", x), axis=axis, keepdims=keepdims))


@keras_op
@names_errors
def nancumsum(x, axis=None, dtype=None):
    """cumsum, counting NaN as 0."""
    return cumsum(_without_nan(x, 0.0, "nancumsum"), axis=axis, dtype=dtype)


@keras_op
@names_errors
def nancumprod(x, axis=None, dtype=None):
    """cumprod, counting NaN as 1."""
    return cumprod(_without_nan(x, 1.0, "nancumprod"), axis=axis, dtype=dtype)


@keras_op
@names_errors
def nanmedian(x, axis=None, keepdims=False):
    """median, ignoring NaN (no gradient)."""
    return np.nanmedian(getattr(x, "_value", x), axis=axis, keepdims=keepdims)


@keras_op
@names_errors
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """quantile, ignoring NaN (no gradient)."""
    return np.nanquantile(getattr(x, "_value", x), q, axis=axis, method=method, keepdims=keepdims)


@keras_op
@names_errors
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """percentile, ignoring NaN (no gradient)."""
    return np.nanpercentile(getattr(x, "_value", x), q, axis=axis, method=method, keepdims=keepdims)
