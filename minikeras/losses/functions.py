"""The loss functions with Keras 3's names and numbers: one value per sample, reduced over the last axis.

Each takes `y_pred` as an autograd array, so the gradient of any loss flows back into the model.
Probabilities are clipped to [epsilon, 1 - epsilon] (epsilon = 1e-7) before a log, as Keras does.
"""
import math
import warnings

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .. import backend
from .common import as_pair, clipped_log, l2_normalize, log_sigmoid, log_softmax, require_same_shape


# ---- regression losses -------------------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)**2) over the last axis: one value per sample ('mse')."""
    y_true, y_pred = as_pair(y_true, y_pred)
    error = y_true - y_pred
    return anp.mean(error * error, axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis: one value per sample ('mae')."""
    y_true, y_pred = as_pair(y_true, y_pred)
    return anp.mean(anp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / y_true|) over the last axis, |y_true| kept at least epsilon ('mape')."""
    y_true, y_pred = as_pair(y_true, y_pred)
    return 100.0 * anp.mean(anp.abs((y_true - y_pred) / np.maximum(np.abs(y_true), backend.epsilon())), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + y_pred) - log(1 + y_true))**2) over the last axis, values below epsilon raised to it ('msle')."""
    y_true, y_pred = as_pair(y_true, y_pred)
    eps = backend.epsilon()
    return anp.mean((anp.log(anp.maximum(y_pred, eps) + 1.0) - np.log(np.maximum(y_true, eps) + 1.0)) ** 2, axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(error))), computed as error + softplus(-2 error) - log 2 so large errors cannot overflow."""
    y_true, y_pred = as_pair(y_true, y_pred)
    error = y_pred - y_true
    return anp.mean(error + anp.logaddexp(0.0, -2.0 * error) - math.log(2.0), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Squared error for |error| <= delta, linear beyond it (with matching value and slope)."""
    y_true, y_pred = as_pair(y_true, y_pred)
    error = y_pred - y_true
    quadratic = 0.5 * error ** 2
    linear = delta * anp.abs(error) - 0.5 * delta ** 2
    return anp.mean(anp.where(anp.abs(error) <= delta, quadratic, linear), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine of the angle between y_true and y_pred: -1 when they point the same way."""
    y_true, y_pred = as_pair(y_true, y_pred)
    return -anp.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


# ---- probabilistic losses ----------------------------------------------------------------------------------
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-(y log p + (1 - y) log(1 - p)) averaged over `axis`, for 0/1 labels y and probabilities p.

    from_logits=True takes raw scores (the sigmoid is applied inside, stably); label_smoothing moves the
    labels towards 0.5. Probabilities are clipped to [epsilon, 1 - epsilon].
    """
    y_true, y_pred = as_pair(y_true, y_pred)
    require_same_shape(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per_entry = -y_true * log_sigmoid(y_pred) - (1.0 - y_true) * log_sigmoid(-y_pred)
    else:
        eps = backend.epsilon()
        p = anp.clip(y_pred, eps, 1.0 - eps)
        per_entry = -(y_true * anp.log(p) + (1.0 - y_true) * anp.log(1.0 - p))
    return anp.mean(per_entry, axis=axis)


def _log_probabilities(y_pred, from_logits, axis):
    if from_logits:
        return log_softmax(y_pred, axis)
    # Keras rescales the outputs to sum to one before clipping
    return clipped_log(y_pred / anp.sum(y_pred, axis=axis, keepdims=True))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(y_pred)) over `axis`; y_true is one-hot (or a distribution)."""
    y_true, y_pred = as_pair(y_true, y_pred)
    require_same_shape(y_true, y_pred, "categorical_crossentropy",
                        "; for integer class labels use 'sparse_categorical_crossentropy'")
    if anp.shape(y_pred)[-1] == 1:
        warnings.warn("Loss 'categorical_crossentropy' got y_pred with one class (last axis of size 1), where "
                      "it is always 0; for two classes use one sigmoid output and 'binary_crossentropy'.",
                      UserWarning, stacklevel=2)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    return -anp.sum(y_true * _log_probabilities(y_pred, from_logits, axis), axis=axis)


def _sparse_labels(y_true, y_pred, axis):
    labels = np.asarray(getval(y_true))
    if labels.ndim == anp.ndim(y_pred) and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis)
    expected = tuple(int(n) for n in np.delete(np.array(anp.shape(y_pred)), axis))    # plain ints: they print as (8,)
    if labels.shape != expected:
        raise ValueError(f"Loss 'sparse_categorical_crossentropy' needs integer labels of shape {expected} for "
                         f"y_pred of shape {anp.shape(y_pred)} (one label per row of class scores), got y_true "
                         f"of shape {labels.shape}; for one-hot targets use 'categorical_crossentropy'.")
    return labels.astype(np.int64)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """categorical_crossentropy with integer labels; positions labelled `ignore_class` get loss 0 (and the
    Loss object leaves them out of the mean). A label outside [0, classes) also gives 0, as in Keras."""
    values, _ = _sparse_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis)
    return values


def _sparse_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis):
    if getval(y_pred) is y_pred and not isinstance(y_pred, np.ndarray):
        y_pred = np.asarray(y_pred, dtype=backend.floatx())
    labels = _sparse_labels(y_true, y_pred, axis)
    valid = None if ignore_class is None else labels != ignore_class
    if valid is not None:
        labels = np.where(valid, labels, 0)
    classes_shape = [1] * anp.ndim(y_pred)
    classes_shape[axis] = -1
    one_hot = np.expand_dims(labels, axis) == np.arange(anp.shape(y_pred)[axis]).reshape(classes_shape)
    values = -anp.sum(one_hot * _log_probabilities(y_pred, from_logits, axis), axis=axis)
    if valid is not None:
        values = anp.where(valid, values, 0.0)
    return values, valid


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1] ('kld')."""
    y_true, y_pred = as_pair(y_true, y_pred)
    eps = backend.epsilon()
    y_true = np.clip(y_true, eps, 1.0)
    return anp.sum(y_true * (np.log(y_true) - anp.log(anp.clip(y_pred, eps, 1.0))), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis, for count data."""
    y_true, y_pred = as_pair(y_true, y_pred)
    return anp.mean(y_pred - y_true * anp.log(y_pred + backend.epsilon()), axis=-1)


# ---- margin losses -----------------------------------------------------------------------------------------
def _as_plus_minus_one(y_true):
    """Labels all in {0, 1} become {-1, 1}; anything else is used as given."""
    return 2.0 * y_true - 1.0 if np.all((y_true == 0) | (y_true == 1)) else y_true


def hinge(y_true, y_pred):
    """mean(max(0, 1 - y_true * y_pred)) over the last axis; labels all in {0, 1} are read as -1/1."""
    y_true, y_pred = as_pair(y_true, y_pred)
    return anp.mean(anp.maximum(1.0 - _as_plus_minus_one(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(0, 1 - y_true * y_pred)**2) over the last axis; labels all in {0, 1} are read as -1/1."""
    y_true, y_pred = as_pair(y_true, y_pred)
    return anp.mean(anp.maximum(1.0 - _as_plus_minus_one(y_true) * y_pred, 0.0) ** 2, axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(0, 1 + best wrong score - true class score) for one-hot y_true."""
    y_true, y_pred = as_pair(y_true, y_pred)
    positive = anp.sum(y_true * y_pred, axis=-1)
    negative = anp.max((1.0 - y_true) * y_pred, axis=-1)
    return anp.maximum(negative - positive + 1.0, 0.0)
