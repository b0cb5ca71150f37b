"""keras.ops.numpy's array makers: zeros, ones, full, arange, linspace, eye, windows, ..."""
import autograd.numpy as anp
import numpy as np

from ... import backend
from .._tensor import as_array, to_float, int_result, names_errors, standardize_dtype, python_number_dtype
from ..symbolic import keras_op

__all__ = ["zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "array", "copy",
           "arange", "linspace", "logspace", "geomspace", "eye", "identity", "tri", "meshgrid", "unravel_index",
           "histogram", "bartlett", "blackman", "hamming", "hanning", "kaiser", "i0", "corrcoef", "ndim", "size"]


# ---- making arrays ----------------------------------------------------------------------------------------------
@keras_op
@names_errors
def zeros(shape, dtype=None):
    """An array of zeros (floatx unless `dtype`)."""
    return np.zeros(shape, standardize_dtype(dtype, "zeros"))


@keras_op
@names_errors
def ones(shape, dtype=None):
    """An array of ones (floatx unless `dtype`)."""
    return np.ones(shape, standardize_dtype(dtype, "ones"))


@keras_op
@names_errors
def empty(shape, dtype=None):
    """An array of the shape (filled with zeros here: uninitialized memory helps nobody learn)."""
    return np.zeros(shape, standardize_dtype(dtype, "empty"))


@keras_op
@names_errors
def full(shape, fill_value, dtype=None):
    """An array filled with `fill_value` (floatx unless `dtype`, even for an integer fill_value, as in Keras)."""
    return anp.broadcast_to(fill_value, shape).astype(standardize_dtype(dtype, "full"))


def _like(op, x, dtype):
    x = as_array(x, op)
    return x.shape, (x.dtype if dtype is None else standardize_dtype(dtype, op))


@keras_op
@names_errors
def zeros_like(x, dtype=None):
    """Zeros of x's shape and dtype (or `dtype`)."""
    return np.zeros(*_like("zeros_like", x, dtype))


@keras_op
@names_errors
def ones_like(x, dtype=None):
    """Ones of x's shape and dtype (or `dtype`)."""
    return np.ones(*_like("ones_like", x, dtype))


@keras_op
@names_errors
def empty_like(x, dtype=None):
    """An array of x's shape and dtype (filled with zeros here)."""
    return np.zeros(*_like("empty_like", x, dtype))


@keras_op
@names_errors
def full_like(x, fill_value, dtype=None):
    """`fill_value` in x's shape and dtype (or `dtype`)."""
    shape, dtype = _like("full_like", x, dtype)
    return anp.broadcast_to(fill_value, shape).astype(dtype)


@keras_op
@names_errors
def array(x, dtype=None):
    """x as an array (Python floats as floatx, ints as int32), cast to `dtype` when given."""
    x = as_array(x, "array")
    return x if dtype is None else x.astype(standardize_dtype(dtype, "array"))


@keras_op
@names_errors
def copy(x):
    """A copy of x."""
    return anp.array(as_array(x, "copy"), copy=True) if not hasattr(x, "_value") else x + 0


@keras_op
@names_errors
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in [start, stop) (int32 for integers, floatx for floats unless `dtype`)."""
    if dtype is None:
        dtype = python_number_dtype(start, stop if stop is not None else 0, step if step is not None else 1)
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, 1 if step is None else step).astype(standardize_dtype(dtype, "arange"))


@keras_op
@names_errors
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from start to stop (floatx unless `dtype`); retstep adds the spacing."""
    values, spacing = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, axis=axis)
    values = values.astype(standardize_dtype(dtype, "linspace"))
    return (values, spacing) if retstep else values


@keras_op
@names_errors
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """base ** linspace(start, stop, num)."""
    return np.logspace(start, stop, num, endpoint, base, axis=axis).astype(standardize_dtype(dtype, "logspace"))


@keras_op
@names_errors
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values from start to stop spaced evenly on a log scale."""
    return np.geomspace(start, stop, num, endpoint, axis=axis).astype(standardize_dtype(dtype, "geomspace"))


@keras_op
@names_errors
def eye(N, M=None, k=0, dtype=None):
    """An N x M array with ones on the k-th diagonal (floatx unless `dtype`)."""
    return np.eye(N, M, k, dtype=standardize_dtype(dtype, "eye"))


@keras_op
@names_errors
def identity(n, dtype=None):
    """The n x n identity matrix (floatx unless `dtype`)."""
    return np.eye(n, dtype=standardize_dtype(dtype, "identity"))


@keras_op
@names_errors
def tri(N, M=None, k=0, dtype=None):
    """An N x M array with ones on and below the k-th diagonal."""
    return np.tri(N, M, k, dtype=standardize_dtype(dtype, "tri"))


@keras_op
@names_errors
def meshgrid(*x, indexing="xy"):
    """Coordinate arrays from 1-D coordinate vectors ('xy': Cartesian, 'ij': matrix indexing)."""
    return list(np.meshgrid(*[getattr(v, "_value", v) for v in x], indexing=indexing))


@keras_op
@names_errors
def unravel_index(indices, shape):
    """The multi-dimensional index, one int32 array per axis, of each flat index."""
    return tuple(int_result(i) for i in np.unravel_index(getattr(indices, "_value", indices), shape))


@keras_op
@names_errors
def histogram(x, bins=10, range=None):
    """Counts of x in `bins` equal bins over `range` (min to max when None), and the bin edges."""
    counts, edges = np.histogram(getattr(x, "_value", x), bins=bins, range=range)
    return int_result(counts), edges.astype(as_array(x).dtype if as_array(x).dtype.kind == "f" else "float32")


# ---- window functions and special values --------------------------------------------------------------------------
@keras_op
@names_errors
def bartlett(x):
    """The Bartlett (triangular) window of x points."""
    return np.bartlett(int(x)).astype(backend.floatx())


@keras_op
@names_errors
def blackman(x):
    """The Blackman window of x points."""
    return np.blackman(int(x)).astype(backend.floatx())


@keras_op
@names_errors
def hamming(x):
    """The Hamming window of x points."""
    return np.hamming(int(x)).astype(backend.floatx())


@keras_op
@names_errors
def hanning(x):
    """The Hann window of x points."""
    return np.hanning(int(x)).astype(backend.floatx())


@keras_op
@names_errors
def kaiser(x, beta):
    """The Kaiser window of x points with shape parameter beta."""
    return np.kaiser(int(x), beta).astype(backend.floatx())


@keras_op
@names_errors
def i0(x):
    """The modified Bessel function of the first kind, order 0 (no gradient)."""
    return np.i0(getattr(to_float(x, "i0"), "_value", to_float(x)))


@keras_op
@names_errors
def corrcoef(x):
    """Pearson correlation coefficients between the rows of x."""
    x = to_float(x, "corrcoef")
    centered = x - anp.mean(x, axis=-1, keepdims=True)
    covariance = anp.dot(centered, centered.T)
    scale = anp.sqrt(anp.diag(covariance))
    return covariance / scale[:, None] / scale[None, :]


# ---- facts about an array ---------------------------------------------------------------------------------------
@keras_op
@names_errors
def ndim(x):
    """The number of axes of x."""
    return as_array(x, "ndim").ndim


@keras_op
@names_errors
def size(x):
    """The number of elements of x."""
    return int(np.size(getattr(x, "_value", x)))
