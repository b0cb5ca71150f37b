"""R2Score: the coefficient of determination, 1 - residual sum of squares / total sum of squares, per output."""
import warnings

import numpy as np

from .. import losses
from .base import Metric

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """How much of the variance of y_true the predictions explain (1 is perfect, 0 is predicting the mean).

    Inputs are 2D (batch_size, outputs); one score per output, combined by `class_aggregation`:
    "uniform_average" (the mean), "variance_weighted_average", or None (the scores themselves).
    `num_regressors` > 0 gives the adjusted R2 for that many independent variables.
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(f"R2Score: class_aggregation must be one of {list(_AGGREGATIONS)}, "
                             f"got {class_aggregation!r}.")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}.")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self.num_samples = np.zeros((), dtype=self.dtype)
        self._outputs = None

    @property
    def state_names(self):
        built = ("squared_sum", "sum", "residual", "count") if self._outputs is not None else ()
        return ("num_samples",) + built

    def _build(self, y_true, y_pred):
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError(f"R2Score expects 2D inputs of shape (batch_size, output_dim), got y_true of shape "
                             f"{y_true.shape} and y_pred of shape {y_pred.shape}.")
        self._outputs = y_pred.shape[-1]
        for name in ("squared_sum", "sum", "residual", "count"):
            setattr(self, name, np.zeros(self._outputs, dtype=self.dtype))

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        # masked samples weigh nothing, as in fit's other metrics
        sample_weight = losses.mask_to_weights(sample_weight, mask, self.dtype, "sum", f"Metric '{self.name}'")
        y_true = np.asarray(y_true, dtype=self.dtype)
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = losses.squeeze_or_expand_to_same_rank(y_true, y_pred)
        if self._outputs is None:
            self._build(y_true, y_pred)
        if y_pred.shape[-1] != self._outputs:
            raise ValueError(f"R2Score was built for {self._outputs} outputs, got y_pred of shape {y_pred.shape}.")
        weight = np.asarray(1.0 if sample_weight is None else sample_weight, dtype=self.dtype)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = np.broadcast_to(weight, y_true.shape)
        self.sum = self.sum + np.sum(y_true * weight, axis=0)
        self.squared_sum = self.squared_sum + np.sum(y_true * y_true * weight, axis=0)
        self.residual = self.residual + np.sum((y_true - y_pred) ** 2 * weight, axis=0)
        self.count = self.count + np.sum(weight, axis=0)
        self.num_samples = self.num_samples + y_true.size

    def result(self):
        if self._outputs is None:
            return 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum / self.count
            total = self.squared_sum - self.sum * mean
            scores = 1.0 - self.residual / total
        scores = np.where(np.isinf(scores), 0.0, scores)
        if self.class_aggregation == "uniform_average":
            score = np.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * scores) / np.sum(total)
        else:
            score = scores
        return self._adjusted(score)

    def _adjusted(self, score):
        if not self.num_regressors:
            return float(score) if np.ndim(score) == 0 else score
        n, p = float(self.num_samples), float(self.num_regressors)
        if p >= n - 1:
            warnings.warn("R2Score: adjusted R2 needs more data points than independent predictors + 1; "
                          "giving the standard R2 score.", stacklevel=3)
            return float(score) if np.ndim(score) == 0 else score
        return 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)

    def reset_state(self):
        for name in self.state_names:
            setattr(self, name, np.zeros_like(getattr(self, name)))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
