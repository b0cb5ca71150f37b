"""Metrics for training logs: stateful running means (plain numpy, no gradients) accumulated across batches
exactly as Keras 3 does, their function forms, and `get`, which resolves 'accuracy' the way compile does.

A metric object: `update_state(y_true, y_pred, sample_weight=None, mask=None)`, `result() -> float`,
`reset_state()`, `.name`. `mask` is the boolean mask on y_pred (its shape without the last axis):
masked entries count for nothing, as in Keras.
"""
from .. import losses
from .._naming import function_config, keras_object_config, object_from_config, snake_case
from .functions import (accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,  # noqa: F401
                        top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, cosine_similarity,
                        binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, hinge,
                        squared_hinge, categorical_hinge, huber, kl_divergence, log_cosh, mean_absolute_error,
                        mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, poisson)
from .base import Metric, Sum, Mean, MeanMetricWrapper, per_sample_values  # noqa: F401
from .classes import (Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy, CategoricalCrossentropy,
                      CategoricalHinge, CosineSimilarity, Hinge, KLDivergence, LogCoshError, MeanAbsoluteError,
                      MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
                      RootMeanSquaredError, SparseCategoricalAccuracy, SparseCategoricalCrossentropy,
                      SparseTopKCategoricalAccuracy, SquaredHinge, TopKCategoricalAccuracy)
from .confusion import FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives
from .r2 import R2Score
from .f_score import F1Score, FBetaScore
from .auc import AUC
from .at_constraint import (PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
                            SpecificityAtSensitivity)


# ---- lookup -------------------------------------------------------------------------------------------------
_CLASSES = {cls.__name__: cls for cls in (
    Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError, CosineSimilarity,
    LogCoshError, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, Precision, Recall, R2Score, TruePositives, FalsePositives,
    TrueNegatives, FalseNegatives, F1Score, FBetaScore, AUC, PrecisionAtRecall, RecallAtPrecision,
    SensitivityAtSpecificity, SpecificityAtSensitivity)}
_BY_NAME = {**_CLASSES, **{snake_case(name): cls for name, cls in _CLASSES.items()}}
_BY_NAME.update({
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    # Keras 1/2 names of metric functions
    "logcosh": log_cosh, "log_cosh": log_cosh, "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence, "huber": huber, "cosine_proximity": cosine_similarity,
})
_KIND_CLASSES = {"accuracy": {"binary": BinaryAccuracy, "sparse": SparseCategoricalAccuracy,
                              "categorical": CategoricalAccuracy},
                 "crossentropy": {"binary": BinaryCrossentropy, "sparse": SparseCategoricalCrossentropy,
                                  "categorical": CategoricalCrossentropy}}
_SHAPE_RESOLVED = {"accuracy": "accuracy", "acc": "accuracy", "crossentropy": "crossentropy", "ce": "crossentropy"}


def _kind_from_loss(loss):
    """Keras 2's rule, used when shapes are unknown: the loss's name says binary, sparse or categorical."""
    name = str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or loss).lower()
    for kind in ("sparse", "binary", "categorical"):
        if kind in name:
            return kind
    return None


def get(identifier, loss=None, y_true_shape=None, y_pred_shape=None):
    """A metric object, named as Keras 3 names it in the logs.

    'accuracy'/'acc' (and 'crossentropy'/'ce') become the binary, sparse or categorical version by Keras 3's
    rule on the shapes of y_true and y_pred (see losses.crossentropy_kind); without shapes, by the loss's name.
    A string keeps its spelling as the log name ('acc', 'mae'); a function is named after it; a metric
    object keeps its own name.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str) and identifier.lower() in _SHAPE_RESOLVED:
        family = _SHAPE_RESOLVED[identifier.lower()]
        if y_true_shape is not None and y_pred_shape is not None:
            kind = losses.crossentropy_kind(tuple(y_true_shape), tuple(y_pred_shape))
        else:
            kind = _kind_from_loss(loss) if loss is not None else None
        if kind is None:
            return Accuracy(name=identifier) if family == "accuracy" else CategoricalCrossentropy(name=identifier)
        return _KIND_CLASSES[family][kind](name=identifier)
    if isinstance(identifier, (str, dict)):
        found = deserialize(identifier)
        if isinstance(found, Metric):
            if isinstance(identifier, str):
                found.name = identifier
            return found
        return MeanMetricWrapper(found, name=identifier if isinstance(identifier, str) else None)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(f"A metric must be a name such as 'accuracy', a Metric, or a function(y_true, y_pred); "
                    f"got {identifier!r} of type {type(identifier).__name__}.")


def serialize(metric):
    """The dict Keras 3 writes for a metric object (or for a metric function)."""
    if isinstance(metric, Metric) and type(metric).__name__ in _CLASSES and type(metric) is not MeanMetricWrapper:
        return keras_object_config("keras.metrics", type(metric).__name__, metric.get_config())
    if isinstance(metric, Metric) and type(metric) is not MeanMetricWrapper:   # a metric class of the user's
        cls = type(metric)
        return {"module": cls.__module__, "class_name": cls.__name__, "config": metric.get_config(),
                "registered_name": cls.__name__}
    return function_config(metric.fn if isinstance(metric, MeanMetricWrapper) else metric)


def deserialize(config, custom_objects=None):
    """A name or saved dict back to a metric object or function."""
    return object_from_config(config, "metric", _BY_NAME, custom_objects)
