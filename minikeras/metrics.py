"""Metrics for training logs: stateful running means (plain numpy, no gradients) accumulated across batches
exactly as Keras 3 does, their function forms, and `get`, which resolves 'accuracy' the way compile does.

A metric object: `update_state(y_true, y_pred, sample_weight=None, mask=None)`, `result() -> float`,
`reset_state()`, `.name`. `mask` is the boolean mask on y_pred (its shape without the last axis):
masked entries count for nothing, as in Keras.
"""
import numpy as np

from . import losses
from ._naming import function_config, keras_object_config, object_from_config, snake_case
from .losses import (binary_crossentropy, categorical_crossentropy, categorical_hinge, hinge, huber,  # noqa: F401
                     kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                     mean_squared_error, mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                     squared_hinge)

_squeeze_or_expand = losses.squeeze_or_expand_to_same_rank


# ---- function forms: one value per sample (per step for sequences) ---------------------------------------
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
class Metric:
    """Base class: update_state accumulates, result() reads, reset_state() starts over."""

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype or "float32"

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def reset_state(self):
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state")

    def reset_states(self):
        """The Keras 1/2 spelling of reset_state()."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _reduce_trailing(values, first_axis, reduce=np.mean):
    return reduce(values, axis=tuple(range(first_axis, values.ndim))) if values.ndim > first_axis else values


def per_sample_values(values, sample_weight=None, values_mask=None, reduce=np.mean):
    """Keras's reduction of metric values to one (weighted) value per sample, and the per-sample weights:
    values beyond the weights' axes are reduced first (so a (batch,) weight weighs a sample's mean), and
    weights beyond the batch axis are averaged."""
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        sample_weight = losses.mask_to_weights(sample_weight, values_mask, np.float64, "sum", "Metric")
        values, sample_weight = _squeeze_or_expand(values, sample_weight)
        values = _reduce_trailing(values, sample_weight.ndim, reduce)
        sample_weight = np.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        sample_weight = _reduce_trailing(sample_weight, 1, reduce)
    return _reduce_trailing(values, 1, reduce), sample_weight


class Sum(Metric):
    """The (weighted) sum of everything passed to update_state since the last reset."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None):
        values, _ = per_sample_values(values, sample_weight, reduce=np.sum)
        self.total += float(np.sum(values))

    def reset_state(self):
        self.total = 0.0

    def result(self):
        return self.total


class Mean(Metric):
    """The weighted mean of everything passed to update_state since the last reset."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def update_state(self, values, sample_weight=None, values_mask=None):
        values, sample_weight = per_sample_values(values, sample_weight, values_mask)
        self.total += float(np.sum(values))
        if sample_weight is not None:
            self.count += float(np.sum(sample_weight))
        else:
            self.count += values.shape[0] if values.ndim >= 1 else 1

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`: how every metric function becomes a metric."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or _snake_case_name(fn), dtype=dtype)
        self.fn, self.fn_kwargs = fn, kwargs

    def values_and_mask(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self.fn_kwargs), None

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        values, values_mask = self.values_and_mask(np.asarray(y_true), np.asarray(y_pred))
        sample_weight = losses.mask_to_weights(sample_weight, mask, np.float64, "sum", f"Metric '{self.name}'")
        super().update_state(values, sample_weight, values_mask)

    def get_config(self):
        return {**super().get_config(), **self.fn_kwargs}


def _snake_case_name(fn):
    return getattr(fn, "name", None) or snake_case(getattr(fn, "__name__", type(fn).__name__))


def _metric_class(class_name, fn, default_name, arguments=(), doc=None):
    """A metric class like Keras's: `class_name(name=default_name, dtype=None, *arguments)` over `fn`."""
    def __init__(self, name=default_name, dtype=None, **kwargs):
        options = dict(arguments)
        unknown = [k for k in kwargs if k not in options]
        if unknown:
            raise TypeError(f"{class_name}() got unexpected argument(s) {unknown}; "
                            f"it takes {['name', 'dtype'] + list(options)}.")
        options.update(kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **options)
        for key, value in options.items():
            setattr(self, key, value)

    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc or fn.__doc__})


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


class _ConfusionRate(Metric):
    """Shared by Precision and Recall: weighted counts of true positives and of one kind of error."""

    error_kind = None  # "false_positives" or "false_negatives"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = 0.5 if top_k is None else -np.inf
        self.thresholds = np.atleast_1d(np.asarray(default if thresholds is None else thresholds, dtype=np.float64))
        self.reset_state()

    def reset_state(self):
        self.true_positives = np.zeros(len(self.thresholds))
        self.errors = np.zeros(len(self.thresholds))

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        y_pred, y_true = _squeeze_or_expand(np.asarray(y_pred, dtype=np.float64), np.asarray(y_true))
        weights = np.ones(y_pred.shape)
        if sample_weight is not None:
            sample_weight = np.expand_dims(np.asarray(sample_weight, dtype=np.float64), -1)
            weights = weights * _squeeze_or_expand(y_true, sample_weight, expand_rank_1=False)[1]
        if mask is not None:  # Keras's confusion metrics ignore the mask; minikeras leaves masked steps out
            weights = weights * np.expand_dims(np.asarray(mask, dtype=np.float64), -1)
        if self.top_k is not None:
            kth_best = -np.sort(-y_pred, axis=-1)[..., self.top_k - 1:self.top_k]
            y_pred = np.where(y_pred >= kth_best, y_pred, -np.inf)
        if self.class_id is not None:
            y_true, y_pred, weights = (a[..., self.class_id] for a in (y_true, y_pred, weights))
        predicted = y_pred.reshape(1, -1) > self.thresholds[:, None]
        actual = np.asarray(y_true).reshape(1, -1).astype(bool)
        weights = weights.reshape(1, -1)
        missed = ~actual & predicted if self.error_kind == "false_positives" else actual & ~predicted
        self.true_positives += np.sum(weights * (actual & predicted), axis=1)
        self.errors += np.sum(weights * missed, axis=1)

    def result(self):
        denominator = self.true_positives + self.errors
        rates = np.divide(self.true_positives, denominator, out=np.zeros_like(denominator), where=denominator != 0)
        return float(rates[0]) if self.init_thresholds is None or np.ndim(self.init_thresholds) == 0 else rates

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ConfusionRate):
    """true positives / predicted positives, a prediction being positive when above `thresholds` (0.5)."""
    error_kind = "false_positives"


class Recall(_ConfusionRate):
    """true positives / actual positives, a prediction being positive when above `thresholds` (0.5)."""
    error_kind = "false_negatives"


# ---- lookup -------------------------------------------------------------------------------------------------
_CLASSES = {cls.__name__: cls for cls in (
    Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError, CosineSimilarity,
    LogCoshError, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy, Precision, Recall)}
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
    return function_config(metric.fn if isinstance(metric, MeanMetricWrapper) else metric)


def deserialize(config, custom_objects=None):
    """A name or saved dict back to a metric object or function."""
    return object_from_config(config, "metric", _BY_NAME, custom_objects)
