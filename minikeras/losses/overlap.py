"""Overlap losses for segmentation: Dice and Tversky (1 minus an overlap score of y_true and y_pred)."""
import autograd.numpy as anp

from .. import backend
from .common import as_pair
from .loss import wrapper_class


def _as_tuple(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def dice(y_true, y_pred, axis=None):
    """1 - 2 |y_true * y_pred| / (|y_true| + |y_pred| + epsilon), sums over `axis` (None: over everything)."""
    y_true, y_pred = as_pair(y_true, y_pred)
    axis = _as_tuple(axis)
    intersection = anp.sum(y_true * y_pred, axis=axis)
    total = anp.sum(y_true, axis=axis) + anp.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + backend.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha FP + beta FN + epsilon), soft counts summed over `axis` (None: over everything).

    alpha = beta = 0.5 is the Dice loss; a larger beta penalizes missed positives more."""
    y_true, y_pred = as_pair(y_true, y_pred)
    axis = _as_tuple(axis)
    true_positives = anp.sum(y_true * y_pred, axis=axis)
    false_positives = anp.sum((1.0 - y_pred) * y_true, axis=axis)
    false_negatives = anp.sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - true_positives / (true_positives + alpha * false_positives + beta * false_negatives
                                   + backend.epsilon())


Dice = wrapper_class("Dice", dice, "dice", [("axis", None)],
                     doc="1 - the Dice coefficient of y_true and y_pred, summed over `axis` (None: everything).")
Tversky = wrapper_class("Tversky", tversky, "tversky", [("alpha", 0.5), ("beta", 0.5), ("axis", None)],
                        doc="1 - the Tversky index: Dice with false positives weighed by alpha, false negatives "
                            "by beta (0.5 each).")
