"""FBetaScore and F1Score: the (weighted) harmonic mean of precision and recall per class, accumulated over batches
as Keras 3 does (true and false positives and false negatives per class, or summed with average="micro")."""
import numpy as np

from .. import backend, losses
from .base import Metric

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall), for 2-D one-hot or multi-label targets.

    `threshold`: a prediction above it counts as 1 (None: each row's largest score does). `average`: None (one
    score per class), "micro" (counts over all classes), "macro" (the mean of the class scores), or "weighted"
    (the class scores weighted by how often each class is true).
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(f"FBetaScore: average must be one of {list(_AVERAGES)}, got {average!r}.")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"FBetaScore: beta must be a float > 0, got {beta!r}.")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"FBetaScore: threshold must be a float in (0, 1], or None, got {threshold!r}.")
        self.average, self.beta, self.threshold = average, beta, threshold
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} expects 2-D inputs (batch_size, output_dim) with output_dim "
                             f"known, got y_true of shape {tuple(y_true_shape)} and y_pred of shape "
                             f"{tuple(y_pred_shape)}.")
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, name, self.add_variable(shape=shape, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        # masked samples weigh nothing, as in fit's other metrics
        sample_weight = losses.mask_to_weights(sample_weight, mask, self.dtype, "sum", f"Metric '{self.name}'")
        y_true = np.asarray(y_true, dtype=self.dtype)
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:   # each row's best score (if not ~0) is the prediction
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=self.dtype)[:, None]
        axis = None if self.average == "micro" else 0

        def weighted_sum(values):
            return np.sum(values if weight is None else values * weight, axis=axis)

        self.true_positives.assign_add(weighted_sum(predicted * y_true))
        self.false_positives.assign_add(weighted_sum(predicted * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - predicted) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:
            return 0.0
        eps = backend.epsilon()
        tp, fp, fn = (np.asarray(v) for v in (self.true_positives, self.false_positives, self.false_negatives))
        precision, recall = tp / (tp + fp + eps), tp / (tp + fn + eps)
        beta2 = self.beta ** 2
        score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            weights = np.asarray(self.intermediate_weights)
            score = np.sum(score * weights / (np.sum(weights) + eps))
        elif self.average is not None:
            score = np.mean(score)
        return float(score) if np.ndim(score) == 0 else score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
