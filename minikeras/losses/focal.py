"""Crossentropies that weigh hard examples more: binary and categorical focal crossentropy (Lin et al., 2018),
and the noise-robust categorical generalized crossentropy (Zhang & Sabuncu, 2018)."""
import warnings

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .. import backend
from .common import as_pair
from .loss import LossFunctionWrapper, wrapper_class


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """Binary crossentropy times (1 - p_t)**gamma, p_t the probability given to the true class, averaged over `axis`.

    gamma=0 is plain binary crossentropy; apply_class_balancing=True also weighs class 1 by `alpha` and class 0
    by 1 - alpha. from_logits=True applies the sigmoid first.
    """
    y_true, y_pred = as_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = 1.0 / (1.0 + anp.exp(-y_pred))
    eps = backend.epsilon()
    p = anp.clip(y_pred, eps, 1.0 - eps)
    crossentropy = -(y_true * anp.log(p) + (1.0 - y_true) * anp.log(1.0 - p))
    # the focal factor uses the unclipped probability, as Keras does
    p_true = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = (1.0 - p_true) ** gamma * crossentropy
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return anp.mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    """sum over `axis` of -alpha * (1 - p)**gamma * y_true * log(p), p the class probabilities (rescaled to sum to 1
    and clipped to [epsilon, 1 - epsilon]). `alpha` is a number or one weight per class."""
    if isinstance(axis, bool):
        raise TypeError(f"categorical_focal_crossentropy: axis must be an int, got {axis!r}.")
    y_true, y_pred = as_pair(y_true, y_pred)
    if anp.shape(y_pred)[-1] == 1:
        warnings.warn("categorical_focal_crossentropy got y_pred with one class (last axis of size 1); for two "
                      "classes use one sigmoid output and 'binary_focal_crossentropy'.", UserWarning, stacklevel=2)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / anp.shape(y_true)[-1]
    if from_logits:
        shifted = y_pred - np.max(getval(y_pred), axis=axis, keepdims=True)
        y_pred = anp.exp(shifted) / anp.sum(anp.exp(shifted), axis=axis, keepdims=True)
    eps = backend.epsilon()
    p = anp.clip(y_pred / anp.sum(y_pred, axis=axis, keepdims=True), eps, 1.0 - eps)
    alpha = np.asarray(alpha, dtype=np.result_type(getval(p)))
    return anp.sum(alpha * (1.0 - p) ** gamma * (-y_true * anp.log(p)), axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p**q) / q, p the probability y_pred gives the integer label y_true: crossentropy as q -> 0, MAE at q = 1."""
    labels = np.asarray(getval(y_true))
    if labels.ndim == anp.ndim(y_pred) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    classes = anp.shape(y_pred)[-1]
    one_hot = (labels.astype(np.int64)[..., None] == np.arange(classes)).astype(np.result_type(getval(y_pred)))
    p = anp.sum(y_pred * one_hot, axis=-1)
    return (1.0 - p ** q) / q


def _integer_labels_fit(target_shape, output_shape):
    # integer labels: the output's shape without its class axis (or with a class axis of 1)
    rest = tuple(output_shape[1:-1])
    return tuple(target_shape[1:]) in (rest, rest + (1,))


categorical_generalized_cross_entropy.target_fits = _integer_labels_fit   # what fit checks targets with

BinaryFocalCrossentropy = wrapper_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    [("apply_class_balancing", False), ("alpha", 0.25), ("gamma", 2.0), ("from_logits", False),
     ("label_smoothing", 0.0), ("axis", -1)],
    doc="Binary crossentropy that down-weighs easy examples by (1 - p_t)**gamma (gamma 2.0); "
        "apply_class_balancing=True weighs class 1 by alpha (0.25), class 0 by 1 - alpha.")
CategoricalFocalCrossentropy = wrapper_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy, "categorical_focal_crossentropy",
    [("alpha", 0.25), ("gamma", 2.0), ("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)],
    doc="Categorical crossentropy weighted by alpha * (1 - p)**gamma: hard, misclassified examples count more.")


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """(1 - p**q) / q for integer labels, p the predicted probability of the true class; q in (0, 1), default 0.5.

    Robust to noisy labels: like crossentropy as q -> 0, like mean absolute error as q -> 1.
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1), got {q!r}.")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name, dtype=dtype, q=q)

    def call(self, y_true, y_pred):
        # integer labels keep their own rank: no reconciliation with y_pred's
        return categorical_generalized_cross_entropy(y_true, y_pred, **self.fn_kwargs)

    def target_fits(self, target_shape, output_shape):
        return categorical_generalized_cross_entropy.target_fits(target_shape, output_shape)
