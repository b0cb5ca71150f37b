"""Loss objects: a loss function plus how its values are weighted, masked and reduced; the Keras 3 classes."""
import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from .. import backend
from .._naming import snake_case
from . import functions as F
from .common import as_pair
from .functions import (binary_crossentropy, categorical_crossentropy, categorical_hinge, cosine_similarity, hinge,
                        huber, kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                        mean_squared_error, mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                        squared_hinge, _sparse_crossentropy_and_mask)
from .reduction import reduce_weighted_values, standardize_reduction


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

    def target_fits(self, target_shape, output_shape):
        """Whether targets of `target_shape` suit outputs of `output_shape` where the shapes differ (fit checks
        targets before training); False leaves the usual rule (the same shape but the batch axis)."""
        return False

    def values_and_mask(self, y_true, y_pred):
        """The per-sample values, and a mask of the entries the loss itself leaves out (or None)."""
        return self.call(y_true, y_pred), None

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        y_true, y_pred = self._in_compute_dtype(y_true), self._in_compute_dtype(y_pred)
        values, own_mask = self.values_and_mask(y_true, y_pred)
        if own_mask is not None:
            mask = own_mask if mask is None else own_mask & np.asarray(getval(mask)).astype(bool)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, f"Loss '{self.name}'")

    def _in_compute_dtype(self, y_pred):
        """y_true or y_pred in the loss's dtype (floatx unless given), as Keras computes a loss; no cast when it
        already is (integer labels come back as whole numbers: the sparse losses read them as such)."""
        dtype = np.dtype(self.dtype or backend.floatx())
        current = np.result_type(getval(y_pred))
        if current == dtype or current.kind not in "fiub":
            return y_pred
        if getval(y_pred) is y_pred:
            return np.asarray(y_pred, dtype=dtype)
        return y_pred.astype(dtype)   # an autograd box: the cast stays on the gradient's path

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

    def target_fits(self, target_shape, output_shape):
        # a loss function whose targets are shaped otherwise carries its own rule (ctc.target_fits, ...)
        rule = getattr(self.fn, "target_fits", None)
        return bool(rule and rule(target_shape, output_shape))

    def call(self, y_true, y_pred):
        if getattr(self.fn, "__module__", None) != F.__name__:
            # the built-in functions reconcile ranks themselves (sparse labels must keep theirs)
            y_true, y_pred = as_pair(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    # arguments Keras 3's get_config leaves out (so they are lost on reload there too): Huber's delta, ...
    unsaved_arguments = ()

    def get_config(self):
        saved = {k: v for k, v in self.fn_kwargs.items() if k not in self.unsaved_arguments}
        return {**super().get_config(), **saved}


def wrapper_class(class_name, fn, default_name, arguments=(), doc=None, unsaved=()):
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

    # __module__ and __qualname__: where the API reference (and a reader) finds the class and its signature
    __init__.__module__, __init__.__qualname__ = "minikeras.losses", f"{class_name}.__init__"
    return type(class_name, (LossFunctionWrapper,), {"__init__": __init__, "__doc__": doc or fn.__doc__,
                                                     "unsaved_arguments": tuple(unsaved),
                                                     "__module__": "minikeras.losses"})


MeanSquaredError = wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                  doc="The mean of the squared errors (y_true - y_pred)**2: the usual regression loss.")
MeanAbsoluteError = wrapper_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                   doc="The mean of the absolute errors |y_true - y_pred|: less swayed by outliers.")
MeanAbsolutePercentageError = wrapper_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                             "mean_absolute_percentage_error",
                                             doc="The mean absolute error as a percentage of |y_true|.")
MeanSquaredLogarithmicError = wrapper_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                             "mean_squared_logarithmic_error",
                                             doc="The mean squared error between log(1 + y_true) and log(1 + y_pred).")
CosineSimilarity = wrapper_class("CosineSimilarity", cosine_similarity, "cosine_similarity", [("axis", -1)],
                                 unsaved=("axis",),
                                  doc="Minus the cosine between y_true and y_pred along `axis` (-1), averaged.")
Huber = wrapper_class("Huber", huber, "huber_loss", [("delta", 1.0)], unsaved=("delta",),
                       doc="Squared error for errors up to `delta` (1.0), linear beyond: robust to outliers.")
LogCosh = wrapper_class("LogCosh", log_cosh, "log_cosh",
                         doc="The mean of log(cosh(error)): like the squared error when small, linear when large.")
Hinge = wrapper_class("Hinge", hinge, "hinge",
                       doc="The mean of max(0, 1 - y_true * y_pred), for -1/1 (or 0/1) labels and raw scores.")
SquaredHinge = wrapper_class("SquaredHinge", squared_hinge, "squared_hinge",
                              doc="The mean of max(0, 1 - y_true * y_pred)**2, for -1/1 (or 0/1) labels.")
CategoricalHinge = wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                  doc="max(0, 1 + best wrong score - true class score), averaged; y_true is one-hot.")
KLDivergence = wrapper_class("KLDivergence", kl_divergence, "kl_divergence",
                              doc="The Kullback-Leibler divergence of the distribution y_pred from y_true, averaged.")
Poisson = wrapper_class("Poisson", poisson, "poisson",
                         doc="The Poisson loss mean(y_pred - y_true * log(y_pred)), for predicting counts.")
BinaryCrossentropy = wrapper_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                    [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)],
                                    doc="Crossentropy for 0/1 labels against probabilities; from_logits=True takes "
                                        "raw scores, label_smoothing (0.0) pulls the labels towards 0.5.")
CategoricalCrossentropy = wrapper_class("CategoricalCrossentropy", categorical_crossentropy,
                                         "categorical_crossentropy",
                                         [("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)],
                                         doc="Crossentropy for one-hot labels against class probabilities; "
                                             "from_logits=True takes raw scores, label_smoothing (0.0) spreads "
                                             "part of each label over all classes.")


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy against integer labels; entries labelled `ignore_class` are left out of the mean."""

    unsaved_arguments = ("axis",)

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
        return getattr(F, kind + "_crossentropy")(y_true, y_pred), None


def crossentropy_kind(y_true_shape, y_pred_shape):
    """'binary', 'sparse' or 'categorical', by Keras 3's rule for 'accuracy' and 'crossentropy' in compile:
    one output unit means binary; labels of lower rank (or a last axis of 1 against several units) sparse."""
    if y_pred_shape[-1] == 1:
        return "binary"
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] != 1):
        return "sparse"
    return "categorical"
