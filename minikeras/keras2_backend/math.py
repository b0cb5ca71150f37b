"""Keras 2's K reductions and element-wise functions (K.sum, K.mean, K.square, K.sqrt, K.switch, ...)."""
import numpy as np
from autograd.tracer import getval

from .. import ops
from .registry import keras2


# ---- reductions (Keras 2 spells keepdims the same; argmax defaults to the last axis) ------------------------------
@keras2("keras.ops.sum")
def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (every axis when None)."""
    return ops.sum(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.prod")
def prod(x, axis=None, keepdims=False):
    """Product over `axis`."""
    return ops.prod(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.mean")
def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (booleans count as floatx 0/1)."""
    return ops.mean(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.std")
def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis`."""
    return ops.std(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.var")
def var(x, axis=None, keepdims=False):
    """Variance over `axis`."""
    return ops.var(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.max")
def max(x, axis=None, keepdims=False):
    """Largest value over `axis`."""
    return ops.max(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.min")
def min(x, axis=None, keepdims=False):
    """Smallest value over `axis`."""
    return ops.min(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.any")
def any(x, axis=None, keepdims=False):
    """True where some element over `axis` is non-zero."""
    return ops.any(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.all")
def all(x, axis=None, keepdims=False):
    """True where every element over `axis` is non-zero."""
    return ops.all(x, axis=axis, keepdims=keepdims)


@keras2("keras.ops.argmax")
def argmax(x, axis=-1):
    """Index of the largest value along `axis` (the last by default, as in Keras 2)."""
    return ops.argmax(x, axis=axis)


@keras2("keras.ops.argmin")
def argmin(x, axis=-1):
    """Index of the smallest value along `axis` (the last by default)."""
    return ops.argmin(x, axis=axis)


@keras2("keras.ops.cumsum")
def cumsum(x, axis=0):
    """Running sum along `axis` (the first by default, as in Keras 2)."""
    return ops.cumsum(x, axis=axis)


@keras2("keras.ops.cumprod")
def cumprod(x, axis=0):
    """Running product along `axis` (the first by default)."""
    return ops.cumprod(x, axis=axis)


@keras2("keras.ops.logsumexp")
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed stably."""
    return ops.logsumexp(x, axis=axis, keepdims=keepdims)


# ---- element-wise ----------------------------------------------------------------------------------------------
@keras2("keras.ops.square")
def square(x):
    """x * x."""
    return ops.square(x)


@keras2("keras.ops.sqrt")
def sqrt(x):
    """Square root, negatives clipped to 0 first (as Keras 2 does, so a rounding error never gives NaN)."""
    return ops.sqrt(ops.maximum(x, 0.0))


@keras2("keras.ops.abs")
def abs(x):
    """|x|."""
    return ops.abs(x)


@keras2("keras.ops.exp")
def exp(x):
    """e ** x."""
    return ops.exp(x)


@keras2("keras.ops.log")
def log(x):
    """Natural logarithm."""
    return ops.log(x)


@keras2("keras.ops.power")
def pow(x, a):
    """x ** a."""
    return ops.power(x, a)


@keras2("keras.ops.round")
def round(x):
    """x rounded to the nearest integer, halves to even."""
    return ops.round(x)


@keras2("keras.ops.sign")
def sign(x):
    """-1, 0 or 1 by the sign of x."""
    return ops.sign(x)


@keras2("keras.ops.sin")
def sin(x):
    """Sine."""
    return ops.sin(x)


@keras2("keras.ops.cos")
def cos(x):
    """Cosine."""
    return ops.cos(x)


@keras2("keras.ops.clip")
def clip(x, min_value, max_value):
    """x limited to [min_value, max_value]; None means unbounded, and a max below the min is raised to it."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) and max_value < min_value:
        max_value = min_value
    return ops.clip(x, -np.inf if min_value is None else min_value, np.inf if max_value is None else max_value)


@keras2("keras.ops.maximum")
def maximum(x, y):
    """The larger of x and y, element-wise."""
    return ops.maximum(x, y)


@keras2("keras.ops.minimum")
def minimum(x, y):
    """The smaller of x and y, element-wise."""
    return ops.minimum(x, y)


@keras2("keras.ops.equal")
def equal(x, y):
    """x == y, element-wise."""
    return ops.equal(x, y)


@keras2("keras.ops.not_equal")
def not_equal(x, y):
    """x != y, element-wise."""
    return ops.not_equal(x, y)


@keras2("keras.ops.greater")
def greater(x, y):
    """x > y, element-wise."""
    return ops.greater(x, y)


@keras2("keras.ops.greater_equal")
def greater_equal(x, y):
    """x >= y, element-wise."""
    return ops.greater_equal(x, y)


@keras2("keras.ops.less")
def less(x, y):
    """x < y, element-wise."""
    return ops.less(x, y)


@keras2("keras.ops.less_equal")
def less_equal(x, y):
    """x <= y, element-wise."""
    return ops.less_equal(x, y)


@keras2("keras.ops.where")
def switch(condition, then_expression, else_expression):
    """then_expression where condition holds, else_expression elsewhere; either may be a function of no
    arguments; a scalar condition picks one whole branch."""
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    rank = len(condition.shape) if hasattr(condition, "shape") else np.ndim(condition)
    if rank == 0:
        return then_value if bool(getval(condition)) else else_value
    value_rank = len(then_value.shape) if hasattr(then_value, "shape") else np.ndim(then_value)
    for _ in range(value_rank - rank):
        condition = ops.expand_dims(condition, -1)  # Keras 2 lines a lower-rank condition up with the first axes
    return ops.where(condition, then_value, else_value)
