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
import numpy as np
from autograd.extend import defvjp_argnums, primitive

from .feature_rows import FeatureRows


def normalize_training(x, gamma, beta, axis, epsilon):
    """(y, saved for the backward pass, batch mean, batch variance); gamma and beta are per-feature vectors or
    None (scale=False / center=False)."""
    rows = FeatureRows(x.shape, axis)
    x = rows.view(x)
    mean = rows.sums(x) / rows.count
    centred = x - rows.spread(mean)
    variance = rows.sums(centred * centred) / rows.count
    inverse_std = 1.0 / np.sqrt(variance + epsilon)
    scale = inverse_std if gamma is None else inverse_std * gamma
    y = centred * rows.spread(scale)
    if beta is not None:
        y += rows.spread(beta)
    return rows.restore(y), (centred, inverse_std, scale, rows), mean, variance


def normalize_training_backward(dy, saved):
    """(dx, dgamma, dbeta) from the output's gradient and what normalize_training saved."""
    centred, inverse_std, scale, rows = saved
    dy = rows.view(dy)
    d_beta = rows.sums(dy)
    d_gamma = rows.sums(dy * centred) * inverse_std
    # dx = scale * (dy - d_beta / count - x_hat * d_gamma / count), with x_hat = centred * inverse_std
    dx = dy * rows.spread(scale)
    dx -= centred * rows.spread(scale * inverse_std * d_gamma / rows.count)
    dx -= rows.spread(scale * d_beta / rows.count)
    return rows.restore(dx), d_gamma, d_beta


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
    rows = FeatureRows(x.shape, axis)
    x = rows.view(x)
    mean = rows.sums(x) / rows.count
    centred = x - rows.spread(mean)
    return mean, rows.sums(centred * centred) / rows.count
