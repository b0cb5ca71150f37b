"""Metrics that read one rate at the threshold where another meets a constraint: SensitivityAtSpecificity,
SpecificityAtSensitivity, PrecisionAtRecall and RecallAtPrecision (confusion counts at `num_thresholds`
evenly spaced thresholds, as Keras 3 keeps them)."""
import numpy as np

from .base import Metric
from .confusion import confusion_counts


def _rate(hits, misses):
    total = hits + misses
    return np.divide(hits, total, out=np.zeros_like(total), where=total != 0)


class _AtConstraint(Metric):
    """Confusion counts at thresholds 0, 1/(n-1), ..., 1; result() picks the best `dependent` rate among the
    thresholds whose `constrained` rate is at least `value`."""

    constraint_name = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        kind = type(self).__name__
        if not 0 <= value <= 1:
            raise ValueError(f"{kind}: {self.constraint_name} must be in the range [0, 1], got {value!r}.")
        if num_thresholds <= 0:
            raise ValueError(f"{kind}: num_thresholds must be an integer > 0, got {num_thresholds!r}.")
        super().__init__(name=name, dtype=dtype)
        setattr(self, self.constraint_name, value)
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = [0.5] if num_thresholds == 1 else [0.0] + inner + [1.0]
        for name_ in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name_, self.add_variable(shape=(len(self.thresholds),), name=name_))

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        counts = confusion_counts(y_true, y_pred, np.asarray(self.thresholds), sample_weight, class_id=self.class_id,
                                  mask=mask)
        for name, count in counts.items():
            getattr(self, name).assign_add(count)

    def _rates(self):
        tp, fp, tn, fn = (np.asarray(getattr(self, n), dtype=np.float64) for n in
                          ("true_positives", "false_positives", "true_negatives", "false_negatives"))
        return {"sensitivity": _rate(tp, fn), "recall": _rate(tp, fn), "specificity": _rate(tn, fp),
                "precision": _rate(tp, fp)}

    def result(self):
        rates = self._rates()
        feasible = rates[self.constraint_name] >= self.value
        return float(np.max(np.where(feasible, rates[self.dependent_name], 0.0), initial=0.0))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self.constraint_name: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) over the thresholds whose specificity is at least `specificity`."""

    constraint_name, dependent_name = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity over the thresholds whose sensitivity (recall) is at least `sensitivity`."""

    constraint_name, dependent_name = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """The best precision over the thresholds whose recall is at least `recall`."""

    constraint_name, dependent_name = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """The best recall over the thresholds whose precision is at least `precision`."""

    constraint_name, dependent_name = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
