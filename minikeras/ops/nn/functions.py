"""keras.ops' neural-network functions (Keras's keras.src.ops.nn): activations, one_hot, crossentropies, norms."""
import autograd.numpy as anp
import numpy as np

from ... import activations, backend
from .._tensor import as_array, to_float, normalize_axis, names_errors, standardize_dtype
from ..symbolic import keras_op

__all__ = ["polar", "leaky_relu", "elu", "celu", "gelu", "glu", "soft_shrink", "hard_shrink", "threshold", "squareplus",
           "softmax", "log_softmax", "sparsemax", "one_hot", "multi_hot", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "moments", "normalize",
           "batch_normalization", "layer_normalization", "rms_normalization", "psnr", "dot_product_attention",
           "relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "log_sigmoid", "selu",
           "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "tanh_shrink", "sparse_plus", "sparse_sigmoid"]


def _activation(name, function, doc):
    def op(x):
        return function(to_float(x, name))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return keras_op(names_errors(op))


relu = _activation("relu", activations.relu, "max(x, 0).")
relu6 = _activation("relu6", activations.relu6, "min(max(x, 0), 6).")
sigmoid = _activation("sigmoid", activations.sigmoid, "1 / (1 + exp(-x)).")
softplus = _activation("softplus", activations.softplus, "log(1 + exp(x)), computed without overflow.")
softsign = _activation("softsign", activations.softsign, "x / (|x| + 1).")
silu = _activation("silu", activations.silu, "x * sigmoid(x).")
swish = _activation("swish", activations.silu, "x * sigmoid(x) (same as silu).")
log_sigmoid = _activation("log_sigmoid", activations.log_sigmoid, "log(sigmoid(x)), computed without overflow.")
selu = _activation("selu", activations.selu, "Scaled elu with the self-normalizing constants.")
hard_sigmoid = _activation("hard_sigmoid", activations.hard_sigmoid, "relu6(x + 3) / 6.")
hard_silu = _activation("hard_silu", activations.hard_silu, "x * hard_sigmoid(x).")
hard_swish = _activation("hard_swish", activations.hard_silu, "x * hard_sigmoid(x) (same as hard_silu).")
hard_tanh = _activation("hard_tanh", activations.hard_tanh, "x clipped to [-1, 1].")
tanh_shrink = _activation("tanh_shrink", activations.tanh_shrink, "x - tanh(x).")
sparse_plus = _activation("sparse_plus", activations.sparse_plus, "0 below -1, x above 1, (x + 1)**2 / 4 between.")
sparse_sigmoid = _activation("sparse_sigmoid", activations.sparse_sigmoid, "0 below -1, 1 above 1, (x + 1) / 2 "
                             "between.")


@keras_op
@names_errors
def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x below."""
    return activations.leaky_relu(to_float(x, "leaky_relu"), negative_slope)


@keras_op
@names_errors
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    return activations.elu(to_float(x, "elu"), alpha)


@keras_op
@names_errors
def celu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x / alpha) - 1) below."""
    return activations.celu(to_float(x, "celu"), alpha)


@keras_op
@names_errors
def gelu(x, approximate=True):
    """x * P(N(0, 1) <= x); the tanh approximation by default, as keras.ops.gelu (the activation's default is
    the exact form)."""
    return activations.gelu(to_float(x, "gelu"), approximate)


@keras_op
@names_errors
def glu(x, axis=-1):
    """The first half of `axis` times the sigmoid of the second half."""
    return activations.glu(to_float(x, "glu"), axis)


@keras_op
@names_errors
def soft_shrink(x, threshold=0.5):
    """0 for |x| <= threshold, else x moved `threshold` towards 0."""
    return activations.soft_shrink(to_float(x, "soft_shrink"), threshold)


@keras_op
@names_errors
def hard_shrink(x, threshold=0.5):
    """0 for |x| <= threshold, else x."""
    return activations.hard_shrink(to_float(x, "hard_shrink"), threshold)


@keras_op
@names_errors
def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    return activations.threshold(to_float(x, "threshold"), threshold, default_value)


@keras_op
@names_errors
def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2."""
    return activations.squareplus(to_float(x, "squareplus"), b)


@keras_op
@names_errors
def softmax(x, axis=-1):
    """exp(x) normalized to sum to 1 along `axis` (an int or a tuple of ints)."""
    x = to_float(x, "softmax")
    shifted = x - anp.max(x, axis=axis, keepdims=True)
    exponentials = anp.exp(shifted)
    return exponentials / anp.sum(exponentials, axis=axis, keepdims=True)


@keras_op
@names_errors
def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably."""
    x = to_float(x, "log_softmax")
    shifted = x - anp.max(x, axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


@keras_op
@names_errors
def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along `axis`."""
    return activations.sparsemax(to_float(x, "sparsemax"), axis)


# ---- encodings ------------------------------------------------------------------------------------------------
@keras_op
@names_errors
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer labels as one-hot vectors of length num_classes on a new `axis`; labels outside
    [0, num_classes) give rows of zeros (floatx unless `dtype`)."""
    if sparse:
        raise ValueError("ops.one_hot: sparse=True is not supported by minikeras (no sparse tensors); "
                         "use sparse=False.")
    labels = np.asarray(getattr(x, "_value", x))
    if labels.dtype.kind not in "iub":
        raise TypeError(f"ops.one_hot: expected integer labels, got dtype {labels.dtype}.")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"ops.one_hot: num_classes must be a positive integer, got {num_classes!r}.")
    encoded = labels[..., None] == np.arange(num_classes)
    axis = normalize_axis("one_hot", axis, labels.ndim + 1)
    return np.moveaxis(encoded, -1, axis).astype(standardize_dtype(dtype, "one_hot"))


@keras_op
@names_errors
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Each row of integer labels as one vector with 1 at every label present (Keras 2's `num_tokens`
    is accepted for num_classes)."""
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"ops.multi_hot: unexpected arguments {sorted(kwargs)}.")
    if num_classes is None:
        raise ValueError("ops.multi_hot: num_classes is required.")
    if sparse:
        raise ValueError("ops.multi_hot: sparse=True is not supported by minikeras (no sparse tensors); use "
                         "sparse=False.")
    encoded = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return np.max(encoded, axis=1 if np.ndim(inputs) > 1 else 0)


# ---- crossentropies (per sample: no reduction over the batch) -------------------------------------------------------
def _same_shape(op, target, output):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"ops.{op}: target and output must have the same shape, got {target.shape} and "
                         f"{output.shape}.")


@keras_op
@names_errors
def binary_crossentropy(target, output, from_logits=False):
    """-(target * log(output) + (1 - target) * log(1 - output)), element-wise; output clipped to
    [epsilon, 1 - epsilon] unless from_logits."""
    output = to_float(output, "binary_crossentropy")
    target = as_array(target, "binary_crossentropy").astype(output.dtype)
    _same_shape("binary_crossentropy", target, output)
    if from_logits:
        return -(target * activations.log_sigmoid(output) + (1 - target) * activations.log_sigmoid(-output))
    output = anp.clip(output, backend.epsilon(), 1.0 - backend.epsilon())
    return -(target * anp.log(output) + (1 - target) * anp.log(1 - output))


@keras_op
@names_errors
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) along `axis`, output renormalized to sum to 1 and clipped to
    [epsilon, 1 - epsilon] unless from_logits."""
    output = to_float(output, "categorical_crossentropy")
    target = as_array(target, "categorical_crossentropy").astype(output.dtype)
    _same_shape("categorical_crossentropy", target, output)
    return -anp.sum(target * _log_probabilities(output, from_logits, axis), axis=axis)


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return log_softmax(output, axis=axis)
    output = output / anp.sum(output, axis=axis, keepdims=True)
    return anp.log(anp.clip(output, backend.epsilon(), 1.0 - backend.epsilon()))


@keras_op
@names_errors
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """categorical_crossentropy with integer class labels as target (a trailing axis of 1 is allowed)."""
    output = to_float(output, "sparse_categorical_crossentropy")
    labels = np.asarray(getattr(target, "_value", target))
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != output.shape[:-1] and axis == -1:
        raise ValueError(f"ops.sparse_categorical_crossentropy: target shape {labels.shape} must be output's "
                         f"shape without its class axis, {output.shape[:-1]}.")
    if labels.dtype.kind == "f":
        labels = labels.astype(np.int32)
    classes = output.shape[axis]
    encoded = one_hot(labels, classes, axis=axis, dtype=output.dtype)
    return -anp.sum(encoded * _log_probabilities(output, from_logits, axis), axis=axis)


# ---- statistics and normalization -------------------------------------------------------------------------------
@keras_op
@names_errors
def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of x over `axes`."""
    x = to_float(x, "moments")
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    return anp.mean(x, axis=axes, keepdims=keepdims), anp.var(x, axis=axes, keepdims=keepdims)


@keras_op
@names_errors
def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(norm(x), epsilon) along `axis` (epsilon defaults to backend.epsilon())."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"ops.normalize: order must be an int >= 1, got {order!r}.")
    x = to_float(x, "normalize")
    epsilon = backend.epsilon() if epsilon is None else epsilon
    if order == 2:
        return x * anp.minimum(1.0 / anp.sqrt(anp.sum(x * x, axis=axis, keepdims=True)), 1.0 / epsilon)
    norm = anp.sum(anp.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    return x / anp.maximum(norm, epsilon)


@keras_op
@names_errors
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, the 1-D statistics running along `axis`."""
    x = to_float(x, "batch_normalization")
    shape = [1] * x.ndim
    shape[normalize_axis("batch_normalization", axis, x.ndim)] = -1
    inverse = 1.0 / anp.sqrt(anp.reshape(variance, shape) + epsilon)
    if scale is not None:
        inverse = inverse * anp.reshape(scale, shape)
    shifted = x * inverse - anp.reshape(mean, shape) * inverse
    return shifted if offset is None else shifted + anp.reshape(offset, shape)


@keras_op
@names_errors
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta over `axis` (epsilon defaults to backend.epsilon())."""
    x = to_float(x, "layer_normalization")
    epsilon = backend.epsilon() if epsilon is None else epsilon
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    mean, variance = anp.mean(x, axis=axes, keepdims=True), anp.var(x, axis=axes, keepdims=True)
    outputs = (x - mean) / anp.sqrt(variance + epsilon)
    if gamma is not None:
        outputs = outputs * gamma
    return outputs if beta is None else outputs + beta


@keras_op
@names_errors
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x**2) + epsilon) * scale over `axis` (epsilon defaults to backend.epsilon())."""
    x = to_float(x, "rms_normalization")
    epsilon = backend.epsilon() if epsilon is None else epsilon
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    outputs = x / anp.sqrt(anp.mean(x * x, axis=axes, keepdims=True) + epsilon)
    return outputs if scale is None else outputs * scale


@keras_op
@names_errors
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: 20 log10(max_val) - 10 log10(mean((x1 - x2)**2))."""
    x1, x2 = to_float(x1, "psnr"), to_float(x2, "psnr")
    _same_shape("psnr", x1, x2)
    return 20 * anp.log10(anp.asarray(max_val, x1.dtype)) - 10 * anp.log10(anp.mean((x1 - x2) ** 2))


@keras_op
@names_errors
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """softmax(query . key / sqrt(depth) + bias, masked) . value, for (batch, steps, heads, depth) inputs."""
    query, key, value = (to_float(t, "dot_product_attention") for t in (query, key, value))
    if query.ndim != 4:
        raise ValueError(f"ops.dot_product_attention: expected query of rank 4 (batch, steps, heads, depth), "
                         f"got shape {query.shape}.")
    scale = 1.0 / float(np.sqrt(query.shape[-1])) if scale is None else scale
    logits = anp.einsum("bqhd,bkhd->bhqk", query, key) * scale
    if attn_logits_soft_cap is not None:
        logits = anp.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    if bias is not None:
        logits = logits + bias
    allowed = np.ones(logits.shape[-2:], bool)
    if is_causal:
        allowed = np.tril(allowed)
    if mask is not None:
        allowed = allowed & np.asarray(getattr(mask, "_value", mask), bool)
    logits = anp.where(allowed, logits, np.finfo(np.float32).min)
    return anp.einsum("bhqk,bkhd->bqhd", softmax(logits, axis=-1), value)


@keras_op
@names_errors
def polar(abs_, angle):
    """The complex number abs_ * (cos(angle) + i sin(angle)), element-wise."""
    abs_, angle = to_float(abs_, "polar"), to_float(angle, "polar")
    return abs_ * anp.cos(angle) + 1j * abs_ * anp.sin(angle)
