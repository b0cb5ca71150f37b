"""AUC: the area under the ROC or precision-recall curve, from confusion counts at fixed thresholds (Keras 3's
algorithm: the curve is sampled at `num_thresholds` points and summed as a Riemann sum)."""
import numpy as np

from .. import backend, losses
from .base import Metric

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


def _divide_no_nan(a, b):
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


class AUC(Metric):
    """The area under the ROC curve (curve="ROC", default) or the precision-recall curve ("PR"; "PRGAIN").

    Predictions are compared with `num_thresholds` (200) evenly spaced thresholds, or with the given `thresholds`;
    `summation_method` "interpolation" (trapezoids; for PR, Davis & Goadrich's interpolation), "minoring" or
    "majoring". `multi_label=True` keeps one curve per label (2-D y_pred) and averages the areas, weighted by
    `label_weights`; `from_logits=True` applies a sigmoid first.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        if str(curve).lower() not in _CURVES:
            raise ValueError(f"AUC: curve must be one of {list(_CURVES.values())}, got {curve!r}.")
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f"AUC: summation_method must be one of {list(_SUMMATIONS)}, got {summation_method!r}.")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got {num_thresholds!r}.")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.num_thresholds = len(inner) + 2
        # the end thresholds lie just outside [0, 1], so that predictions of exactly 0 and 1 are counted right
        self._thresholds = np.array([0.0 - backend.epsilon()] + inner + [1.0 + backend.epsilon()])
        self.curve, self.summation_method = _CURVES[str(curve).lower()], str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        if num_labels and not multi_label:
            raise ValueError("AUC: num_labels is needed only when multi_label is True.")
        self.multi_label, self.num_labels, self._from_logits = multi_label, num_labels, from_logits
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        """The thresholds the curve is sampled at (the two ends just outside [0, 1])."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"AUC: y_pred must have rank 2 when multi_label=True, got shape {tuple(shape)}.")
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(shape=variable_shape, name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if not self._built:
            self._build(y_pred.shape)
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        y_pred, y_true = losses.squeeze_or_expand_to_same_rank(y_pred, np.asarray(y_true))
        weights = np.ones(y_pred.shape)
        if sample_weight is not None:
            weight = np.expand_dims(np.asarray(sample_weight, dtype=np.float64), -1)
            weights = weights * losses.squeeze_or_expand_to_same_rank(y_true, weight, expand_rank_1=False)[1]
        if mask is not None:
            weights = weights * np.expand_dims(np.asarray(mask, dtype=np.float64), -1)
        if self.label_weights is not None and not self.multi_label:
            weights = weights * self.label_weights
        thresholds = self._thresholds.reshape((-1,) + (1,) * (2 if self.multi_label else 1))
        if self.multi_label:
            predicted, actual, weights = y_pred[None] > thresholds, y_true.astype(bool)[None], weights[None]
        else:
            predicted = y_pred.reshape(1, -1) > thresholds
            actual, weights = y_true.astype(bool).reshape(1, -1), weights.reshape(1, -1)
        self.true_positives.assign_add(np.sum(weights * (actual & predicted), axis=1))
        self.false_positives.assign_add(np.sum(weights * (~actual & predicted), axis=1))
        self.true_negatives.assign_add(np.sum(weights * (~actual & ~predicted), axis=1))
        self.false_negatives.assign_add(np.sum(weights * (actual & ~predicted), axis=1))

    def _counts(self):
        return tuple(np.asarray(v, dtype=np.float64) for v in (self.true_positives, self.false_positives,
                                                                self.true_negatives, self.false_negatives))

    def _interpolated_pr_area(self):
        """The PR area with precision interpolated between thresholds (Davis & Goadrich, 2006), in closed form."""
        tp, fp, _, fn = self._counts()
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return _divide_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))

    def _curve_points(self):
        tp, fp, tn, fn = self._counts()
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            return _divide_no_nan(fp, fp + tn), recall
        if self.curve == "PR":
            return recall, _divide_no_nan(tp, tp + fp)
        scale = _divide_no_nan(tp + fn, tn + fp)    # PRGAIN
        recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * _divide_no_nan(fn, tp))
        precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * _divide_no_nan(fp, tp))
        return np.maximum(recall_gain, 0.0), precision_gain

    def result(self):
        if not self._built:
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            areas = self._interpolated_pr_area()
        else:
            x, y = self._curve_points()
            heights = {"interpolation": (y[:-1] + y[1:]) / 2.0, "minoring": np.minimum(y[:-1], y[1:]),
                       "majoring": np.maximum(y[:-1], y[1:])}[self.summation_method]
            areas = (x[:-1] - x[1:]) * heights
        if not self.multi_label:
            return float(np.sum(areas))
        by_label = np.sum(areas, axis=0)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(_divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights)))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        label_weights = None if self.label_weights is None else self.label_weights.tolist()
        config = {"name": self.name, "dtype": self.dtype, "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "label_weights": label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:   # the inner thresholds only: from_config adds the ends again
            config["thresholds"] = self.thresholds[1:-1]
        return config
