"""BatchNormalization's training-mode forward pass as one autograd primitive with a hand-derived backward pass.

The readable path (normalization.py) builds the normalization from about ten autograd operations, each with its
own backward step over the whole input. This kernel computes the same y = gamma * (x - mean) / sqrt(var + eps) + beta
with the batch's mean and biased variance, and its gradient in three passes, the textbook formula:

    dx     = gamma / sqrt(var + eps) * (dy - mean(dy) - x_hat * mean(dy * x_hat))
    dgamma = sum(dy * x_hat),   dbeta = sum(dy)          (sums and means over the reduced axes)

tests/layers/test_fused_batch_norm.py proves its values and gradients equal the readable path's.
"""
import numpy as np
from autograd.extend import defvjp, primitive


def _standardized(x, reduce_axes, epsilon):
    """(x_hat, 1 / sqrt(var + eps)) with the batch's mean and biased variance, kept broadcastable."""
    mean = np.mean(x, axis=reduce_axes, keepdims=True)
    centred = x - mean
    inverse_std = 1.0 / np.sqrt(np.mean(centred * centred, axis=reduce_axes, keepdims=True) + epsilon)
    return centred * inverse_std, inverse_std


@primitive
def batch_norm_training(x, gamma, beta, reduce_axes, epsilon):
    """gamma * x_hat + beta, x_hat being x standardized over `reduce_axes` by the batch's own statistics.
    `gamma` and `beta` are already shaped to broadcast against x."""
    x_hat, _ = _standardized(x, reduce_axes, epsilon)
    return (x_hat * gamma + beta).astype(x.dtype, copy=False)


def _input_vjp(ans, x, gamma, beta, reduce_axes, epsilon):
    def vjp(g):
        x_hat, inverse_std = _standardized(x, reduce_axes, epsilon)
        mean_g = np.mean(g, axis=reduce_axes, keepdims=True)
        mean_g_x_hat = np.mean(g * x_hat, axis=reduce_axes, keepdims=True)
        return (gamma * inverse_std * (g - mean_g - x_hat * mean_g_x_hat)).astype(x.dtype, copy=False)
    return vjp


def _gamma_vjp(ans, x, gamma, beta, reduce_axes, epsilon):
    return lambda g: np.sum(g * _standardized(x, reduce_axes, epsilon)[0], axis=reduce_axes, keepdims=True)


def _beta_vjp(ans, x, gamma, beta, reduce_axes, epsilon):
    return lambda g: np.sum(g, axis=reduce_axes, keepdims=True)


defvjp(batch_norm_training, _input_vjp, _gamma_vjp, _beta_vjp)


def batch_statistics(x, reduce_axes):
    """The batch's mean and biased variance over `reduce_axes`, as plain arrays (for the moving averages)."""
    return np.mean(x, axis=reduce_axes), np.var(x, axis=reduce_axes)
