"""keras.ops.numpy's products: matmul, dot, einsum, tensordot, outer, ..."""
import autograd.numpy as anp
import numpy as np

from .._tensor import as_array, to_float, names_errors, promote
from ..symbolic import keras_op

__all__ = ["matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "kron", "cross", "correlate",
           "trapezoid", "vander", "slogdet"]


# ---- products ---------------------------------------------------------------------------------------------------
@keras_op
@names_errors
def matmul(x1, x2):
    """The matrix product, batched over leading axes: x1's last axis meets x2's second-to-last."""
    x1, x2 = promote(as_array(x1, "matmul"), as_array(x2, "matmul"), False)
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError(f"ops.matmul: inputs must have rank >= 1, got shapes {x1.shape} and {x2.shape}.")
    inner = x2.shape[-2] if x2.ndim > 1 else x2.shape[0]
    if x1.shape[-1] != inner:
        raise ValueError(f"ops.matmul: x1's last axis ({x1.shape[-1]}) must equal x2's "
                         f"{'second-to-last' if x2.ndim > 1 else 'only'} axis ({inner}); got shapes "
                         f"{x1.shape} and {x2.shape}.")
    return anp.matmul(x1, x2)


@keras_op
@names_errors
def dot(x1, x2):
    """numpy's dot: a product for scalars, the matrix product for 2-D, sum over x1's last and x2's
    second-to-last axis in general."""
    x1, x2 = promote(as_array(x1, "dot"), as_array(x2, "dot"), False)
    if x1.ndim and x2.ndim:
        inner = x2.shape[-2] if x2.ndim > 1 else x2.shape[0]
        if x1.shape[-1] != inner:
            raise ValueError(f"ops.dot: x1's last axis ({x1.shape[-1]}) must equal x2's "
                             f"{'second-to-last' if x2.ndim > 1 else 'only'} axis ({inner}); got shapes "
                             f"{x1.shape} and {x2.shape}.")
    return anp.dot(x1, x2)


@keras_op
@names_errors
def vdot(x1, x2):
    """The dot product of the flattened inputs."""
    return anp.dot(anp.ravel(as_array(x1, "vdot")), anp.ravel(as_array(x2, "vdot")))


@keras_op
@names_errors
def inner(x1, x2):
    """Sum over the last axes of x1 and x2."""
    return anp.inner(as_array(x1, "inner"), as_array(x2, "inner"))


@keras_op
@names_errors
def outer(x1, x2):
    """Every element of flattened x1 times every element of flattened x2, as a 2-D array."""
    return anp.outer(anp.ravel(as_array(x1, "outer")), anp.ravel(as_array(x2, "outer")))


@keras_op
@names_errors
def tensordot(x1, x2, axes=2):
    """Sum over the last `axes` axes of x1 and the first of x2, or over the pair of axis lists given."""
    return anp.tensordot(as_array(x1, "tensordot"), as_array(x2, "tensordot"), axes)


@keras_op
@names_errors
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation: einsum('ij,jk->ik', a, b) is a matrix product."""
    if not isinstance(subscripts, str):
        raise TypeError(f"ops.einsum: the first argument must be the subscripts string, got {subscripts!r}.")
    return anp.einsum(subscripts, *[as_array(o, "einsum") for o in operands], **kwargs)


@keras_op
@names_errors
def kron(x1, x2):
    """The Kronecker product."""
    return anp.kron(as_array(x1, "kron"), as_array(x2, "kron"))


@keras_op
@names_errors
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or 2-vectors) along the given axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    return anp.cross(as_array(x1, "cross"), as_array(x2, "cross"), axisa, axisb, axisc)


@keras_op
@names_errors
def correlate(x1, x2, mode="valid"):
    """The cross-correlation of two 1-D arrays (mode 'valid', 'same' or 'full')."""
    x1, x2 = as_array(x1, "correlate"), as_array(x2, "correlate")
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"ops.correlate: mode must be 'valid', 'same' or 'full', got {mode!r}.")
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"ops.correlate: expected two 1-D arrays, got shapes {x1.shape} and {x2.shape}.")
    m = x2.shape[0]
    before = {"valid": 0, "same": m // 2, "full": m - 1}[mode]
    after = {"valid": 0, "same": m - 1 - m // 2, "full": m - 1}[mode]
    padded = anp.concatenate([anp.zeros(before, x1.dtype), x1, anp.zeros(after, x1.dtype)])
    windows = padded.shape[0] - m + 1
    return anp.stack([anp.sum(padded[i:i + m] * x2) for i in range(windows)])


@keras_op
@names_errors
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along `axis` by the trapezoidal rule (samples at x, or spaced dx apart)."""
    y = to_float(y, "trapezoid")
    y = anp.moveaxis(y, axis, -1)
    spacing = dx if x is None else anp.diff(as_array(x, "trapezoid"))
    return anp.sum(spacing * (y[..., 1:] + y[..., :-1]) / 2.0, axis=-1)


@keras_op
@names_errors
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns are powers of 1-D x."""
    x = as_array(x, "vander")
    powers = np.arange(x.shape[0] if N is None else N)
    powers = powers if increasing else powers[::-1]
    return x[:, None] ** powers.astype(x.dtype)


@keras_op
@names_errors
def slogdet(x):
    """(sign, log|det|) of square matrices, stable where det itself would under- or overflow."""
    x = to_float(x, "slogdet")
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"ops.slogdet: expected square matrices in the last two axes, got shape {x.shape}.")
    sign, log_magnitude = anp.linalg.slogdet(x)
    return sign, log_magnitude
