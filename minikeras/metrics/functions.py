"""Metric functions: one value per sample (per step for sequences); the loss functions Keras also lists as metrics."""
import numpy as np

from .. import losses
from ..losses import (binary_crossentropy, categorical_crossentropy, categorical_hinge, hinge, huber,  # noqa: F401
                      kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                      mean_squared_error, mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                      squared_hinge)

_squeeze_or_expand = losses.squeeze_or_expand_to_same_rank


def _pair(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    return _squeeze_or_expand(np.asarray(y_true), y_pred)


def accuracy(y_true, y_pred):
    """1.0 where y_pred equals y_true exactly."""
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_true == y_pred).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the 0/1 label."""
    y_true, y_pred = _pair(y_true, y_pred)
    return (y_true == (y_pred > threshold)).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the highest score is at the one-hot label's position."""
    y_pred = np.asarray(y_pred)
    labels = np.argmax(np.asarray(y_true), axis=-1)
    if labels.ndim == y_pred.ndim:
        labels = np.squeeze(labels, -1)
    return (labels == np.argmax(y_pred, axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the highest score is at the integer label."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        matches = (np.squeeze(y_true, -1) == np.argmax(y_pred, axis=-1)).reshape(y_true.shape)
    else:
        matches = y_true == np.argmax(y_pred, axis=-1)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = np.squeeze(matches, -1)
    return matches.astype(np.float32)


def _in_top_k(labels, scores, k):
    """Whether each label's score is among the k highest (ties count in its favour); an out-of-range label never is."""
    labels = labels.astype(np.int64)
    valid = (labels >= 0) & (labels < scores.shape[-1])
    at_label = np.take_along_axis(scores, np.where(valid, labels, 0)[:, None], axis=-1)
    at_label = np.where(np.isnan(at_label), -np.inf, at_label)
    rank = 1 + np.sum(scores > at_label, axis=-1)
    return valid & (rank <= k)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the `k` highest scores (ties count in its favour)."""
    y_pred = np.asarray(y_pred)
    labels = np.argmax(np.asarray(y_true), axis=-1)
    matches = _in_top_k(labels.reshape(-1), y_pred.reshape(-1, y_pred.shape[-1]), k)
    return matches.reshape(labels.shape).astype(np.float32)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """With from_sorted_ids=True, y_pred holds class ids sorted best first instead of scores."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    flat_labels = y_true.reshape(-1)
    flat_pred = y_pred.reshape(-1, y_pred.shape[-1])
    if from_sorted_ids:
        matches = np.any(flat_labels[:, None] == flat_pred[:, :k], axis=1)
    else:
        matches = _in_top_k(flat_labels, flat_pred, k)
    return matches.reshape(y_true.shape if y_true.ndim > 1 else flat_labels.shape).astype(np.float32)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between y_true and y_pred (the loss of the same name is its negative)."""
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


# ---- stateful metrics ---------------------------------------------------------------------------------------
