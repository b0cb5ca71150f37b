"""Keras 2's K activations, crossentropies and l2_normalize, with Keras 2's definitions."""
from .. import ops
from .registry import keras2


# ---- activations, losses, normalization ----------------------------------------------------------------------------
@keras2("keras.ops.softmax")
def softmax(x, axis=-1):
    """exp(x) normalized along `axis`."""
    return ops.softmax(x, axis=axis)


@keras2("keras.ops.sigmoid")
def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ops.sigmoid(x)


@keras2("keras.ops.clip(0.2 * x + 0.5, 0, 1) (keras.ops.hard_sigmoid has slope 1/6)")
def hard_sigmoid(x):
    """Keras 2's hard sigmoid: clip(0.2 * x + 0.5, 0, 1) (Keras 3's has slope 1/6)."""
    return ops.clip(ops.add(ops.multiply(x, 0.2), 0.5), 0.0, 1.0)


@keras2("keras.ops.tanh")
def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


@keras2("keras.activations.relu")
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, 0); below `threshold` alpha * (x - threshold), capped at max_value when given."""
    below = ops.multiply(ops.subtract(x, threshold), alpha)
    result = ops.where(ops.greater(x, threshold), x, below)
    return result if max_value is None else ops.minimum(result, max_value)


@keras2("keras.ops.elu")
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    return ops.elu(x, alpha)


@keras2("keras.ops.softplus")
def softplus(x):
    """log(1 + exp(x))."""
    return ops.softplus(x)


@keras2("keras.ops.softsign")
def softsign(x):
    """x / (|x| + 1)."""
    return ops.softsign(x)


@keras2("keras.ops.categorical_crossentropy")
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) along `axis`, per sample (note: target first, as in Keras 2)."""
    return ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


@keras2("keras.ops.sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """categorical_crossentropy with integer labels as target."""
    return ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


@keras2("keras.ops.binary_crossentropy")
def binary_crossentropy(target, output, from_logits=False):
    """-(target log(output) + (1 - target) log(1 - output)), element-wise."""
    return ops.binary_crossentropy(target, output, from_logits=from_logits)


@keras2("keras.ops.normalize(x, axis=axis) (epsilon 1e-7 there, 1e-12 here)")
def l2_normalize(x, axis=None):
    """x / sqrt(max(sum(x**2, axis), 1e-12)), as tf.nn.l2_normalize (every axis when None)."""
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.divide(x, ops.sqrt(ops.maximum(squares, 1e-12)))
