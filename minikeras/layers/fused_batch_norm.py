"""BatchNormalization's training-mode pass on plain arrays with its hand-derived backward, and as an autograd primitive.

The readable path (normalization.py) builds the normalization from about ten autograd operations, each with its
own backward step over the whole input. Here the same y = gamma * (x - mean) / sqrt(var + eps) + beta, with the
batch's mean and biased variance, is computed in a few passes, and its gradient by the textbook formula:

    dx     = gamma / sqrt(var + eps) * (dy - mean(dy) - x_hat * mean(dy * x_hat))
    dgamma = sum(dy * x_hat),   dbeta = sum(dy)          (sums and means over every axis but the feature axis)

`normalize_training` / `normalize_training_backward` are used by the composed training step (composed.py) and by
the primitive `batch_norm_training` that the layer's traced call uses. tests/layers/test_fused_batch_norm.py
proves values and gradients equal the readable path's.
"""
import functools

import numpy as np
from autograd.extend import defvjp_argnums, primitive


@functools.lru_cache(maxsize=32)
def _ones(count, dtype):
    ones = np.ones(count, dtype=dtype)
    ones.flags.writeable = False
    return ones


def feature_sums(a, axis):
    """Sums of `a` over every axis but `axis`. For the last axis a vector-matrix product: numpy's reduction over
    the rows of a (rows, few features) array is several times slower than BLAS's."""
    if axis == a.ndim - 1:
        rows = a.reshape(-1, a.shape[-1])
        return _ones(rows.shape[0], rows.dtype.str) @ rows
    return np.sum(a, axis=tuple(i for i in range(a.ndim) if i != axis))


def _along(vector, axis, ndim):
    """A per-feature vector shaped to broadcast against an input of rank `ndim` along `axis`."""
    return vector if axis == ndim - 1 else vector.reshape([-1 if i == axis else 1 for i in range(ndim)])


def normalize_training(x, gamma, beta, axis, epsilon):
    """(y, saved for the backward pass, batch mean, batch variance); gamma and beta are per-feature vectors or
    None (scale=False / center=False)."""
    count = x.size // x.shape[axis]
    mean = feature_sums(x, axis) / count
    centred = x - _along(mean, axis, x.ndim)
    variance = feature_sums(centred * centred, axis) / count
    inverse_std = 1.0 / np.sqrt(variance + epsilon)
    scale = inverse_std if gamma is None else inverse_std * gamma
    y = centred * _along(scale, axis, x.ndim)
    if beta is not None:
        y += _along(beta, axis, x.ndim)
    return y, (centred, inverse_std, scale, axis), mean, variance


def normalize_training_backward(dy, saved):
    """(dx, dgamma, dbeta) from the output's gradient and what normalize_training saved."""
    centred, inverse_std, scale, axis = saved
    count = centred.size // centred.shape[axis]
    d_beta = feature_sums(dy, axis)
    d_gamma = feature_sums(dy * centred, axis) * inverse_std
    # dx = scale * (dy - d_beta / count - x_hat * d_gamma / count), with x_hat = centred * inverse_std
    dx = dy * _along(scale, axis, dy.ndim)
    dx -= centred * _along(scale * inverse_std * d_gamma / count, axis, dy.ndim)
    dx -= _along(scale * d_beta / count, axis, dy.ndim)
    return dx, d_gamma, d_beta


@primitive
def batch_norm_training(x, gamma, beta, axis, epsilon):
    """gamma * x_hat + beta, x_hat being x standardized along every axis but `axis` by the batch's own statistics."""
    return normalize_training(x, gamma, beta, axis, epsilon)[0].astype(x.dtype, copy=False)


def _batch_norm_vjp(argnums, ans, args, kwargs):
    x, gamma, beta, axis, epsilon = args
    saved = normalize_training(x, gamma, beta, axis, epsilon)[1]

    def vjp(g):
        dx, d_gamma, d_beta = normalize_training_backward(g, saved)
        by_number = {0: dx.astype(x.dtype, copy=False), 1: d_gamma, 2: d_beta}
        return tuple(by_number[n] for n in argnums)
    return vjp


defvjp_argnums(batch_norm_training, _batch_norm_vjp)


def batch_statistics(x, axis):
    """The batch's mean and biased variance along every axis but `axis`, as plain arrays (for the moving
    averages)."""
    count = x.size // x.shape[axis]
    mean = feature_sums(x, axis) / count
    centred = x - _along(mean, axis, x.ndim)
    return mean, feature_sums(centred * centred, axis) / count
