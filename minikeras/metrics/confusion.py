"""Metrics counted from the confusion matrix at one or more thresholds: TruePositives, FalsePositives,
TrueNegatives, FalseNegatives, Precision and Recall, accumulated as Keras 3 does."""
import numpy as np

from .. import losses
from .base import Metric

_squeeze_or_expand = losses.squeeze_or_expand_to_same_rank


def _thresholds(thresholds, default):
    """The thresholds as a list of floats (Keras's `metric.thresholds`), each checked to be in [0, 1]."""
    values = [default] if thresholds is None else list(np.atleast_1d(np.asarray(thresholds, dtype=object)))
    bad = [v for v in values if not isinstance(v, (int, float, np.number)) or not 0 <= v <= 1]
    if bad:
        raise ValueError(f"Confusion metrics: threshold values must be in [0, 1], got {bad} (in {thresholds!r}).")
    return [float(v) for v in values]


def _top_k_only(y_pred, k):
    """y_pred with all but the k largest scores of each row set to -inf (ties: the first ones, as Keras)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    kept = np.full(y_pred.shape, -np.inf)
    np.put_along_axis(kept, order, np.take_along_axis(y_pred, order, axis=-1), axis=-1)
    return kept


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None, mask=None):
    """Weighted counts {"true_positives", "false_positives", "true_negatives", "false_negatives"}, one per
    threshold, of the predictions above each threshold against 0/1 labels."""
    y_pred, y_true = _squeeze_or_expand(np.asarray(y_pred, dtype=np.float64), np.asarray(y_true))
    weights = np.ones(y_pred.shape)
    if sample_weight is not None:
        sample_weight = np.expand_dims(np.asarray(sample_weight, dtype=np.float64), -1)
        weights = weights * _squeeze_or_expand(y_true, sample_weight, expand_rank_1=False)[1]
    if mask is not None:  # Keras's confusion metrics ignore the mask; minikeras leaves masked steps out
        weights = weights * np.expand_dims(np.asarray(mask, dtype=np.float64), -1)
    if top_k is not None:
        y_pred = _top_k_only(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(f"When class_id is given, y_pred must be 2-D (num_samples, num_classes), got shape "
                             f"{y_pred.shape}.")
        y_true, y_pred, weights = (a[..., class_id] for a in (y_true, y_pred, weights))
    predicted = y_pred.reshape(1, -1) > thresholds[:, None]
    actual = np.asarray(y_true).reshape(1, -1).astype(bool)
    weights = weights.reshape(1, -1)
    return {"true_positives": np.sum(weights * (actual & predicted), axis=1),
            "false_positives": np.sum(weights * (~actual & predicted), axis=1),
            "true_negatives": np.sum(weights * (~actual & ~predicted), axis=1),
            "false_negatives": np.sum(weights * (actual & ~predicted), axis=1)}


class _ConfusionCount(Metric):
    """One cell of the confusion matrix, summed over batches at each of `thresholds` (default 0.5)."""

    cell = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _thresholds(thresholds, 0.5)
        self._threshold_values = np.asarray(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        counts = confusion_counts(y_true, y_pred, self._threshold_values, sample_weight, mask=mask)
        self.accumulator.assign_add(counts[self.cell])

    def result(self):
        values = np.asarray(self.accumulator)
        return float(values[0]) if len(self.thresholds) == 1 else values

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The (weighted) number of positive labels predicted above the threshold."""
    cell = "true_positives"


class FalsePositives(_ConfusionCount):
    """The (weighted) number of negative labels predicted above the threshold."""
    cell = "false_positives"


class TrueNegatives(_ConfusionCount):
    """The (weighted) number of negative labels predicted at or below the threshold."""
    cell = "true_negatives"


class FalseNegatives(_ConfusionCount):
    """The (weighted) number of positive labels predicted at or below the threshold."""
    cell = "false_negatives"


class _ConfusionRate(Metric):
    """Shared by Precision and Recall: weighted counts of true positives and of one kind of error."""

    error_kind = None  # "false_positives" or "false_negatives"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = _thresholds(thresholds, 0.5 if top_k is None else 0.0)
        self._threshold_values = np.asarray(self.thresholds)
        if top_k is not None and thresholds is None:
            self._threshold_values = np.array([-np.inf])   # with top_k, every kept score counts as positive
        self.true_positives = self.add_variable(shape=(len(self._threshold_values),), name="true_positives")
        setattr(self, self.error_kind, self.add_variable(shape=(len(self._threshold_values),), name=self.error_kind))

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        counts = confusion_counts(y_true, y_pred, self._threshold_values, sample_weight, self.top_k, self.class_id,
                                  mask)
        self.true_positives.assign_add(counts["true_positives"])
        getattr(self, self.error_kind).assign_add(counts[self.error_kind])

    def result(self):
        hits, misses = np.asarray(self.true_positives), np.asarray(getattr(self, self.error_kind))
        denominator = hits + misses
        rates = np.divide(hits, denominator, out=np.zeros_like(denominator), where=denominator != 0)
        return float(rates[0]) if self.init_thresholds is None or np.ndim(self.init_thresholds) == 0 else rates

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ConfusionRate):
    """true positives / predicted positives, a prediction being positive when above `thresholds` (0.5).

    `top_k` counts only each row's k highest scores as predicted; `class_id` looks at that class only."""
    error_kind = "false_positives"


class Recall(_ConfusionRate):
    """true positives / actual positives, a prediction being positive when above `thresholds` (0.5).

    `top_k` counts only each row's k highest scores as predicted; `class_id` looks at that class only."""
    error_kind = "false_negatives"
