"""Shared by the loss functions: dtypes, Keras's rank reconciliation, clipped logs, stable softmax/sigmoid logs."""
import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .. import backend


def float_dtype(y_pred):
    dtype = np.result_type(getval(y_pred))
    return dtype if dtype.kind == "f" else np.dtype(backend.floatx())


def squeeze_or_expand_to_same_rank(a, b, expand_rank_1=True):
    """Keras's reconciliation of two ranks that differ by one through a trailing axis of size 1:
    (batch,) against (batch, 1) becomes (batch, 1) twice; otherwise the size-1 axis is dropped."""
    rank_a, rank_b = anp.ndim(a), anp.ndim(b)
    if rank_a == rank_b + 1 and anp.shape(a)[-1] == 1:
        if rank_b == 1 and expand_rank_1:
            return a, anp.expand_dims(b, -1)
        return anp.squeeze(a, -1), b
    if rank_b == rank_a + 1 and anp.shape(b)[-1] == 1:
        if rank_a == 1 and expand_rank_1:
            return anp.expand_dims(a, -1), b
        return a, anp.squeeze(b, -1)
    return a, b


def as_pair(y_true, y_pred):
    """y_pred as a float array (left boxed for autograd), y_true as the same float type, ranks reconciled."""
    if not isinstance(y_pred, np.ndarray) and getval(y_pred) is y_pred:
        y_pred = np.asarray(y_pred, dtype=backend.floatx())
    y_true = np.asarray(getval(y_true), dtype=float_dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def require_same_shape(y_true, y_pred, loss_name, hint=""):
    if anp.shape(y_true) != anp.shape(y_pred):
        raise ValueError(f"Loss '{loss_name}' needs y_true and y_pred of the same shape, got y_true "
                         f"{anp.shape(y_true)} and y_pred {anp.shape(y_pred)}{hint}.")


def clipped_log(probabilities):
    eps = backend.epsilon()
    return anp.log(anp.clip(probabilities, eps, 1.0 - eps))


def log_softmax(x, axis):
    shifted = x - np.max(getval(x), axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


def log_sigmoid(x):
    return -anp.logaddexp(0.0, -x)


def l2_normalize(x, axis):
    # Keras caps 1/norm at 1/epsilon, so a zero vector stays zero; capping the squared norm from below gives the
    # same numbers without dividing by zero (no warning, and no nan in the gradient)
    squared_norm = anp.maximum(anp.sum(x * x, axis=axis, keepdims=True), backend.epsilon() ** 2)
    inverse_norm = 1.0 / anp.sqrt(squared_norm)
    return x * inverse_norm
