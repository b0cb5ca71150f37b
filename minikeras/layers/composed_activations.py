"""The activations a composed training step knows by hand: each as a forward pass on plain arrays and its backward.

`COMPOSED_ACTIVATIONS[activation] = (forward, backward)`: `forward(z, out) -> (y, saved)` writes y into `out` where
it can (z itself when z is the caller's own temporary, None for a new array), `backward(dy, saved) -> dz` never
writes into dy. Used by the composed forms of
Dense, Conv1D/Conv2D and the Activation and ReLU layers (composed.py, composed_feedforward.py).
"""
import numpy as np

from .. import activations
from .fused_attention import softmax_rows


def _linear(z, out):
    return z, None


def _linear_backward(dy, saved):
    return dy


def _relu(z, out):
    # the gate is a 0/1 array of z's dtype: multiplying by it has no data-dependent branch per element, which
    # makes it several times faster than np.maximum, np.where or a boolean multiply on random signs. (Only a
    # -inf would differ, giving nan for 0; it cannot arise from finite inputs and weights.)
    gate = (z > 0).astype(z.dtype)
    return np.multiply(z, gate, out=out), gate


def _relu_backward(dy, gate):
    return dy * gate


def _tanh(z, out):
    y = np.tanh(z, out=out)
    return y, y


def _tanh_backward(dy, y):
    return dy * (1.0 - y * y)


def _sigmoid(z, out):
    y = activations.sigmoid(z)
    return y, y


def _sigmoid_backward(dy, y):
    return dy * y * (1.0 - y)


def _softmax(z, out):
    # plain numpy with one shift for the whole array (fused_attention.softmax_rows): on a small output layer
    # activations.softmax's autograd wrappers and per-row reductions cost more than the arithmetic
    y = softmax_rows(z)
    return y, y


def _softmax_backward(dy, y):
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))


LINEAR = activations.get("linear")
COMPOSED_ACTIVATIONS = {
    LINEAR: (_linear, _linear_backward),
    activations.get("relu"): (_relu, _relu_backward),
    activations.get("tanh"): (_tanh, _tanh_backward),
    activations.get("sigmoid"): (_sigmoid, _sigmoid_backward),
    activations.get("softmax"): (_softmax, _softmax_backward),
}


def has_composed_form(activation):
    """Whether `activation` (None meaning linear) has a forward and backward here."""
    return activation is None or activation in COMPOSED_ACTIVATIONS


def activation_forward(activation, z, overwrite):
    """(y, backward) for `activation` (None meaning linear) on z; backward(dy) -> dz. With `overwrite` the result
    may be written into z (a temporary of the caller's own, needed by nobody else)."""
    forward, backward = COMPOSED_ACTIVATIONS[activation or LINEAR]
    y, saved = forward(z, z if overwrite else None)
    return y, lambda dy: backward(dy, saved)
