"""The metric classes by their Keras names: running means of the metric functions, and RMSE."""
import numpy as np

from .. import losses
from .base import Mean, MeanMetricWrapper, Metric, _metric_class, _squeeze_or_expand
from .functions import (accuracy, binary_accuracy, binary_crossentropy, categorical_accuracy,
                        categorical_crossentropy, categorical_hinge, cosine_similarity, hinge, kl_divergence, log_cosh,
                        mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                        mean_squared_logarithmic_error, poisson, sparse_categorical_accuracy,
                        sparse_categorical_crossentropy, sparse_top_k_categorical_accuracy, squared_hinge,
                        top_k_categorical_accuracy, _pair)


Accuracy = _metric_class("Accuracy", accuracy, "accuracy",
                         doc="The fraction of predictions exactly equal to their labels.")
BinaryAccuracy = _metric_class("BinaryAccuracy", binary_accuracy, "binary_accuracy", [("threshold", 0.5)],
                               doc="The fraction of 0/1 labels matched by (y_pred > threshold); threshold 0.5.")
CategoricalAccuracy = _metric_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                                    doc="The fraction of samples whose highest score is at their one-hot label.")
SparseCategoricalAccuracy = _metric_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                          "sparse_categorical_accuracy",
                                          doc="The fraction of samples whose highest score is at their integer label.")
TopKCategoricalAccuracy = _metric_class("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                        "top_k_categorical_accuracy", [("k", 5)],
                                        doc="The fraction of samples whose one-hot label is among the `k` (5) "
                                            "highest scores.")
SparseTopKCategoricalAccuracy = _metric_class("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                              "sparse_top_k_categorical_accuracy",
                                              [("k", 5), ("from_sorted_ids", False)],
                                              doc="The fraction of samples whose integer label is among the `k` (5) "
                                                  "highest scores.")
MeanSquaredError = _metric_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                 doc="The running mean of the squared errors (y_true - y_pred)**2.")
MeanAbsoluteError = _metric_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                  doc="The running mean of the absolute errors |y_true - y_pred|.")
MeanAbsolutePercentageError = _metric_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                            "mean_absolute_percentage_error",
                                            doc="The running mean absolute error as a percentage of |y_true|.")
MeanSquaredLogarithmicError = _metric_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                            "mean_squared_logarithmic_error",
                                            doc="The running mean squared error between log(1 + y_true) and "
                                                "log(1 + y_pred).")
CosineSimilarity = _metric_class("CosineSimilarity", cosine_similarity, "cosine_similarity", [("axis", -1)],
                                 unsaved=("axis",),
                                 doc="The running mean cosine between y_true and y_pred along `axis` (-1).")
LogCoshError = _metric_class("LogCoshError", log_cosh, "logcosh",
                             doc="The running mean of log(cosh(y_pred - y_true)).")
Hinge = _metric_class("Hinge", hinge, "hinge", doc="The running mean of the hinge loss max(0, 1 - y_true * y_pred).")
SquaredHinge = _metric_class("SquaredHinge", squared_hinge, "squared_hinge",
                             doc="The running mean of the squared hinge loss max(0, 1 - y_true * y_pred)**2.")
CategoricalHinge = _metric_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                 doc="The running mean of the categorical hinge loss, for one-hot labels.")
KLDivergence = _metric_class("KLDivergence", kl_divergence, "kl_divergence",
                             doc="The running mean Kullback-Leibler divergence of y_pred from y_true.")
Poisson = _metric_class("Poisson", poisson, "poisson",
                        doc="The running mean of the Poisson loss y_pred - y_true * log(y_pred).")
BinaryCrossentropy = _metric_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                   [("from_logits", False), ("label_smoothing", 0.0)],
                                   doc="The running mean binary crossentropy (from_logits=False, label_smoothing=0.0).")
CategoricalCrossentropy = _metric_class("CategoricalCrossentropy", categorical_crossentropy,
                                        "categorical_crossentropy",
                                        [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)],
                                        doc="The running mean categorical crossentropy, for one-hot labels "
                                            "(from_logits=False, label_smoothing=0.0, axis=-1).")


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean crossentropy against integer labels."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def values_and_mask(self, y_true, y_pred):
        return losses._sparse_crossentropy_and_mask(y_true, y_pred, **self.fn_kwargs)


class RootMeanSquaredError(Mean):
    """sqrt of the running mean of squared errors (every entry, not per-sample means)."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        y_true, y_pred = _pair(y_true, y_pred)
        sample_weight = losses.mask_to_weights(sample_weight, mask, np.float64, "sum", f"Metric '{self.name}'")
        super().update_state((y_pred - y_true) ** 2, sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))
