"""Losses with Keras 3's names and numbers: plain functions (one value per sample, reduced over the last axis)
and Loss objects that weight, mask and reduce them to the scalar that training minimizes.

The functions take `y_pred` as an autograd array, so the gradient of any loss flows back into the model.
Probabilities are clipped to [epsilon, 1 - epsilon] (epsilon = 1e-7) before a log, as Keras does.
"""
import math
import warnings

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from . import backend, legacy
from ._naming import function_config, keras_object_config, object_from_config, snake_case


# ---- shapes and dtypes ----------------------------------------------------------------------------------
def _float_dtype(y_pred):
    dtype = np.result_type(getval(y_pred))
    return dtype if dtype.kind == "f" else np.dtype(backend.floatx())


def squeeze_or_expand_to_same_rank(a, b, expand_rank_1=True):
    """Keras's reconciliation of two ranks that differ by one through a trailing axis of size 1:
    (batch,) against (batch, 1) becomes (batch, 1) twice; otherwise the size-1 axis is dropped."""
    rank_a, rank_b = anp.ndim(a), anp.ndim(b)
    if rank_a == rank_b + 1 and anp.shape(a)[-1] == 1:
        if rank_b == 1 and expand_rank_1:
            return a, anp.expand_dims(b, -1)
        return anp.squeeze(a, -1), b
    if rank_b == rank_a + 1 and anp.shape(b)[-1] == 1:
        if rank_a == 1 and expand_rank_1:
            return anp.expand_dims(a, -1), b
        return a, anp.squeeze(b, -1)
    return a, b


def _as_pair(y_true, y_pred):
    """y_pred as a float array (left boxed for autograd), y_true as the same float type, ranks reconciled."""
    if not isinstance(y_pred, np.ndarray) and getval(y_pred) is y_pred:
        y_pred = np.asarray(y_pred, dtype=backend.floatx())
    y_true = np.asarray(getval(y_true), dtype=_float_dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _require_same_shape(y_true, y_pred, loss_name, hint=""):
    if anp.shape(y_true) != anp.shape(y_pred):
        raise ValueError(f"Loss '{loss_name}' needs y_true and y_pred of the same shape, got y_true "
                         f"{anp.shape(y_true)} and y_pred {anp.shape(y_pred)}{hint}.")


def _clipped_log(probabilities):
    eps = backend.epsilon()
    return anp.log(anp.clip(probabilities, eps, 1.0 - eps))


def _log_softmax(x, axis):
    shifted = x - np.max(getval(x), axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


def _log_sigmoid(x):
    return -anp.logaddexp(0.0, -x)


def _l2_normalize(x, axis):
    # Keras caps 1/norm at 1/epsilon: a zero vector stays zero
    inverse_norm = anp.minimum(1.0 / anp.sqrt(anp.sum(x * x, axis=axis, keepdims=True)), 1.0 / backend.epsilon())
    return x * inverse_norm


# ---- regression losses -------------------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)**2) over the last axis: one value per sample ('mse')."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    error = y_true - y_pred
    return anp.mean(error * error, axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis: one value per sample ('mae')."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return anp.mean(anp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / y_true|) over the last axis, |y_true| kept at least epsilon ('mape')."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return 100.0 * anp.mean(anp.abs((y_true - y_pred) / np.maximum(np.abs(y_true), backend.epsilon())), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(1 + y_pred) - log(1 + y_true))**2) over the last axis, values below epsilon raised to it ('msle')."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    eps = backend.epsilon()
    return anp.mean((anp.log(anp.maximum(y_pred, eps) + 1.0) - np.log(np.maximum(y_true, eps) + 1.0)) ** 2, axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(error))), computed as error + softplus(-2 error) - log 2 so large errors cannot overflow."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    error = y_pred - y_true
    return anp.mean(error + anp.logaddexp(0.0, -2.0 * error) - math.log(2.0), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Squared error for |error| <= delta, linear beyond it (with matching value and slope)."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    error = y_pred - y_true
    quadratic = 0.5 * error ** 2
    linear = delta * anp.abs(error) - 0.5 * delta ** 2
    return anp.mean(anp.where(anp.abs(error) <= delta, quadratic, linear), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine of the angle between y_true and y_pred: -1 when they point the same way."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return -anp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


# ---- probabilistic losses ----------------------------------------------------------------------------------
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-(y log p + (1 - y) log(1 - p)) averaged over `axis`, for 0/1 labels y and probabilities p.

    from_logits=True takes raw scores (the sigmoid is applied inside, stably); label_smoothing moves the
    labels towards 0.5. Probabilities are clipped to [epsilon, 1 - epsilon].
    """
    y_true, y_pred = _as_pair(y_true, y_pred)
    _require_same_shape(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per_entry = -y_true * _log_sigmoid(y_pred) - (1.0 - y_true) * _log_sigmoid(-y_pred)
    else:
        eps = backend.epsilon()
        p = anp.clip(y_pred, eps, 1.0 - eps)
        per_entry = -(y_true * anp.log(p) + (1.0 - y_true) * anp.log(1.0 - p))
    return anp.mean(per_entry, axis=axis)


def _log_probabilities(y_pred, from_logits, axis):
    if from_logits:
        return _log_softmax(y_pred, axis)
    # Keras rescales the outputs to sum to one before clipping
    return _clipped_log(y_pred / anp.sum(y_pred, axis=axis, keepdims=True))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(y_pred)) over `axis`; y_true is one-hot (or a distribution)."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    _require_same_shape(y_true, y_pred, "categorical_crossentropy",
                        "; for integer class labels use 'sparse_categorical_crossentropy'")
    if anp.shape(y_pred)[-1] == 1:
        warnings.warn("Loss 'categorical_crossentropy' got y_pred with one class (last axis of size 1), where "
                      "it is always 0; for two classes use one sigmoid output and 'binary_crossentropy'.",
                      UserWarning, stacklevel=2)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    return -anp.sum(y_true * _log_probabilities(y_pred, from_logits, axis), axis=axis)


def _sparse_labels(y_true, y_pred, axis):
    labels = np.asarray(getval(y_true))
    if labels.ndim == anp.ndim(y_pred) and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis)
    expected = tuple(np.delete(np.array(anp.shape(y_pred)), axis))
    if labels.shape != expected:
        raise ValueError(f"Loss 'sparse_categorical_crossentropy' needs integer labels of shape {expected} for "
                         f"y_pred of shape {anp.shape(y_pred)} (one label per row of class scores), got y_true "
                         f"of shape {labels.shape}; for one-hot targets use 'categorical_crossentropy'.")
    return labels.astype(np.int64)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """categorical_crossentropy with integer labels; positions labelled `ignore_class` get loss 0 (and the
    Loss object leaves them out of the mean). A label outside [0, classes) also gives 0, as in Keras."""
    values, _ = _sparse_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis)
    return values


def _sparse_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis):
    if getval(y_pred) is y_pred and not isinstance(y_pred, np.ndarray):
        y_pred = np.asarray(y_pred, dtype=backend.floatx())
    labels = _sparse_labels(y_true, y_pred, axis)
    valid = None if ignore_class is None else labels != ignore_class
    if valid is not None:
        labels = np.where(valid, labels, 0)
    classes_shape = [1] * anp.ndim(y_pred)
    classes_shape[axis] = -1
    one_hot = np.expand_dims(labels, axis) == np.arange(anp.shape(y_pred)[axis]).reshape(classes_shape)
    values = -anp.sum(one_hot * _log_probabilities(y_pred, from_logits, axis), axis=axis)
    if valid is not None:
        values = anp.where(valid, values, 0.0)
    return values, valid


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1] ('kld')."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    eps = backend.epsilon()
    y_true = np.clip(y_true, eps, 1.0)
    return anp.sum(y_true * (np.log(y_true) - anp.log(anp.clip(y_pred, eps, 1.0))), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis, for count data."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return anp.mean(y_pred - y_true * anp.log(y_pred + backend.epsilon()), axis=-1)


# ---- margin losses -----------------------------------------------------------------------------------------
def _as_plus_minus_one(y_true):
    """Labels all in {0, 1} become {-1, 1}; anything else is used as given."""
    return 2.0 * y_true - 1.0 if np.all((y_true == 0) | (y_true == 1)) else y_true


def hinge(y_true, y_pred):
    """mean(max(0, 1 - y_true * y_pred)) over the last axis; labels all in {0, 1} are read as -1/1."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return anp.mean(anp.maximum(1.0 - _as_plus_minus_one(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(0, 1 - y_true * y_pred)**2) over the last axis; labels all in {0, 1} are read as -1/1."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return anp.mean(anp.maximum(1.0 - _as_plus_minus_one(y_true) * y_pred, 0.0) ** 2, axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(0, 1 + best wrong score - true class score) for one-hot y_true."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    positive = anp.sum(y_true * y_pred, axis=-1)
    negative = anp.max((1.0 - y_true) * y_pred, axis=-1)
    return anp.maximum(negative - positive + 1.0, 0.0)


# ---- weighting, masking and reduction, exactly as Keras 3 does them ----------------------------------------
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction, owner="Loss"):
    """The reduction name checked; Keras 2's 'auto' becomes 'sum_over_batch_size', with a warning."""
    if reduction == "auto":
        legacy.warn_once("reduction='auto'", "reduction='sum_over_batch_size'")
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        raise ValueError(f"{owner}: reduction must be one of {list(REDUCTIONS)}, got {reduction!r}.")
    return reduction


def broadcast_weights(values, weights, owner="Loss"):
    """`weights` shaped to multiply `values`. Keras's rank reconciliation first; then (minikeras's own rule)
    a per-sample weight (batch,) against per-step values (batch, steps) weights every step of its sample,
    where Keras 3 raises."""
    values, weights = squeeze_or_expand_to_same_rank(values, weights)
    if anp.ndim(weights) < anp.ndim(values):
        weights = anp.reshape(weights, anp.shape(weights) + (1,) * (anp.ndim(values) - anp.ndim(weights)))
    try:
        np.broadcast_shapes(anp.shape(values), anp.shape(weights))
    except ValueError:
        raise ValueError(f"{owner}: sample_weight of shape {anp.shape(weights)} does not fit values of shape "
                         f"{anp.shape(values)}; give one weight per sample (batch,) or per step (batch, steps)."
                         ) from None
    return values, weights


def mask_to_weights(sample_weight, mask, dtype, reduction, owner="Loss"):
    """Fold a boolean mask into the sample weights. For the mean reductions a kept entry weighs
    (entries / kept entries), so the later division by the number of entries becomes one by the kept."""
    if mask is None:
        return sample_weight
    mask = np.asarray(getval(mask)).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        kept = mask.sum()
        float_mask = np.where(mask, mask.size / kept if kept else 0.0, 0.0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = broadcast_weights(float_mask, np.asarray(sample_weight, dtype=dtype), owner)
    return sample_weight * float_mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """The (already weighted) values reduced to one loss: 'sum'; 'sum_over_batch_size' or 'mean' divide by the
    number of values; 'mean_with_sample_weight' by the sum of the weights; 'none' or None return them as they are.
    """
    if reduction in (None, "none") or anp.shape(values) in ((), (0,)):
        return values
    total = anp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(getval(sample_weight)))
    else:
        divisor = float(np.size(getval(values)))
    return total / divisor if divisor else total * 0.0


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", owner="Loss"):
    """Per-sample loss values -> the reported loss: mask folded into the weights, weights applied, reduced."""
    dtype = _float_dtype(values)
    if sample_weight is not None:
        sample_weight = np.asarray(getval(sample_weight), dtype=dtype)
    sample_weight = mask_to_weights(sample_weight, mask, dtype, reduction, owner)
    if sample_weight is not None:
        values, sample_weight = broadcast_weights(values, sample_weight, owner)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


# ---- Loss objects ------------------------------------------------------------------------------------------
class Loss:
    """A loss function plus how to reduce it: `loss(y_true, y_pred, sample_weight=None, mask=None) -> scalar`.

    `mask` is the boolean mask a model attaches to y_pred (its shape without the last axis, e.g. (batch, steps)
    after Embedding(mask_zero=True)). Masked entries get weight 0, and the mean reductions divide by the
    number of entries the mask keeps, as Keras 3 does. Subclasses implement `call(y_true, y_pred)`.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction, f"Loss '{self.name}'")
        self.dtype = dtype

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def values_and_mask(self, y_true, y_pred):
        """The per-sample values, and a mask of the entries the loss itself leaves out (or None)."""
        return self.call(y_true, y_pred), None

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        values, own_mask = self.values_and_mask(y_true, y_pred)
        if own_mask is not None:
            mask = own_mask if mask is None else own_mask & np.asarray(getval(mask)).astype(bool)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, f"Loss '{self.name}'")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A Loss made from a plain function `fn(y_true, y_pred, **kwargs) -> per-sample values`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn, self.fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        if self.fn not in _BUILT_IN:
            # the built-in functions reconcile ranks themselves (sparse labels must keep theirs)
            y_true, y_pred = _as_pair(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self.fn_kwargs}


def _wrapper_class(class_name, fn, default_name, arguments=(), doc=None):
    """A Loss class like Keras's: `class_name(*arguments, reduction=..., name=default_name)` wrapping `fn`."""
    def __init__(self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None, **kwargs):
        options = dict(arguments)
        unknown = [k for k in kwargs if k not in options]
        if unknown or len(args) > len(options):
            raise TypeError(f"{class_name}() got unexpected argument(s) {unknown or args[len(options):]}; "
                            f"it takes {list(options) + ['reduction', 'name', 'dtype']}.")
        options.update(zip(options, args))
        options.update(kwargs)
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype, **options)

    return type(class_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc or fn.__doc__})


MeanSquaredError = _wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                  doc="The mean of the squared errors (y_true - y_pred)**2: the usual regression loss.")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                   doc="The mean of the absolute errors |y_true - y_pred|: less swayed by outliers.")
MeanAbsolutePercentageError = _wrapper_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                             "mean_absolute_percentage_error",
                                             doc="The mean absolute error as a percentage of |y_true|.")
MeanSquaredLogarithmicError = _wrapper_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                             "mean_squared_logarithmic_error",
                                             doc="The mean squared error between log(1 + y_true) and log(1 + y_pred).")
CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity", [("axis", -1)],
                                  doc="Minus the cosine between y_true and y_pred along `axis` (-1), averaged.")
Huber = _wrapper_class("Huber", huber, "huber_loss", [("delta", 1.0)],
                       doc="Squared error for errors up to `delta` (1.0), linear beyond: robust to outliers.")
LogCosh = _wrapper_class("LogCosh", log_cosh, "log_cosh",
                         doc="The mean of log(cosh(error)): like the squared error when small, linear when large.")
Hinge = _wrapper_class("Hinge", hinge, "hinge",
                       doc="The mean of max(0, 1 - y_true * y_pred), for -1/1 (or 0/1) labels and raw scores.")
SquaredHinge = _wrapper_class("SquaredHinge", squared_hinge, "squared_hinge",
                              doc="The mean of max(0, 1 - y_true * y_pred)**2, for -1/1 (or 0/1) labels.")
CategoricalHinge = _wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                  doc="max(0, 1 + best wrong score - true class score), averaged; y_true is one-hot.")
KLDivergence = _wrapper_class("KLDivergence", kl_divergence, "kl_divergence",
                              doc="The Kullback-Leibler divergence of the distribution y_pred from y_true, averaged.")
Poisson = _wrapper_class("Poisson", poisson, "poisson",
                         doc="The Poisson loss mean(y_pred - y_true * log(y_pred)), for predicting counts.")
BinaryCrossentropy = _wrapper_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                    [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)],
                                    doc="Crossentropy for 0/1 labels against probabilities; from_logits=True takes "
                                        "raw scores, label_smoothing (0.0) pulls the labels towards 0.5.")
CategoricalCrossentropy = _wrapper_class("CategoricalCrossentropy", categorical_crossentropy,
                                         "categorical_crossentropy",
                                         [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)],
                                         doc="Crossentropy for one-hot labels against class probabilities; "
                                             "from_logits=True takes raw scores, label_smoothing (0.0) spreads "
                                             "part of each label over all classes.")


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy against integer labels; entries labelled `ignore_class` are left out of the mean."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)

    def values_and_mask(self, y_true, y_pred):
        return _sparse_crossentropy_and_mask(y_true, y_pred, **self.fn_kwargs)


class CrossentropyByShape(Loss):
    """What compile(loss='crossentropy') or 'ce' means in Keras 3: binary, sparse or categorical
    crossentropy, chosen from the shapes of y_true and y_pred at each call."""

    def __init__(self, reduction="sum_over_batch_size", name="crossentropy", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def values_and_mask(self, y_true, y_pred):
        kind = crossentropy_kind(np.shape(getval(y_true)), anp.shape(y_pred))
        if kind == "sparse":
            return _sparse_crossentropy_and_mask(y_true, y_pred, False, None, -1)
        return _FUNCTIONS[kind + "_crossentropy"](y_true, y_pred), None


def crossentropy_kind(y_true_shape, y_pred_shape):
    """'binary', 'sparse' or 'categorical', by Keras 3's rule for 'accuracy' and 'crossentropy' in compile:
    one output unit means binary; labels of lower rank (or a last axis of 1 against several units) sparse."""
    if y_pred_shape[-1] == 1:
        return "binary"
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] != 1):
        return "sparse"
    return "categorical"


# ---- lookup ------------------------------------------------------------------------------------------------
_FUNCTIONS = {fn.__name__: fn for fn in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, huber, log_cosh, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy)}
_ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
            "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
            "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
            "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh, "bce": binary_crossentropy,
            "BCE": binary_crossentropy, "cosine_proximity": cosine_similarity}
_BUILT_IN = set(_FUNCTIONS.values())
_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, LossFunctionWrapper)}
_BY_NAME = {**_FUNCTIONS, **_ALIASES, **_CLASSES, "crossentropy": CrossentropyByShape, "ce": CrossentropyByShape}

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
cosine_proximity = cosine_similarity


def get(identifier):
    """A Loss object from: a name ('mse', 'categorical_crossentropy', 'MeanSquaredError', 'ce', ...), a Loss
    class or instance, a plain function fn(y_true, y_pred) (wrapped, named after it), or a saved dict."""
    if identifier is None:
        return None
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, (str, dict)):
        found = deserialize(identifier)
        name = identifier if isinstance(identifier, str) else None
        if isinstance(found, Loss):
            if name is not None and name not in _CLASSES:
                found.name = name
            return found
        return LossFunctionWrapper(found, name=name)
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(f"A loss must be a name such as 'mse', a Loss, or a function(y_true, y_pred); "
                    f"got {identifier!r} of type {type(identifier).__name__}.")


def serialize(loss):
    """The dict Keras 3 writes for a loss object, or for a loss function."""
    if isinstance(loss, Loss) and type(loss).__name__ in _CLASSES and type(loss) is not LossFunctionWrapper:
        return keras_object_config("keras.losses", type(loss).__name__, loss.get_config())
    fn = loss.fn if isinstance(loss, LossFunctionWrapper) else loss
    if getattr(fn, "__name__", None) in _FUNCTIONS:
        return {"module": "builtins", "class_name": "function", "config": fn.__name__, "registered_name": "function"}
    return function_config(fn)


def deserialize(config, custom_objects=None):
    """A name or saved dict back to a Loss class instance or a loss function."""
    return object_from_config(config, "loss", _BY_NAME, custom_objects)
