"""Losses with Keras 3's names and numbers: plain functions (one value per sample, reduced over the last axis)
and Loss objects that weight, mask and reduce them to the scalar that training minimizes.

The functions take `y_pred` as an autograd array, so the gradient of any loss flows back into the model.
Probabilities are clipped to [epsilon, 1 - epsilon] (epsilon = 1e-7) before a log, as Keras does.
"""
from .._naming import function_config, keras_object_config, object_from_config
from .common import squeeze_or_expand_to_same_rank
from .functions import (binary_crossentropy, categorical_crossentropy, categorical_hinge, cosine_similarity, hinge,
                        huber, kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                        mean_squared_error, mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                        squared_hinge, _sparse_crossentropy_and_mask)
from .reduction import (REDUCTIONS, broadcast_weights, mask_to_weights, reduce_values, reduce_weighted_values,
                        standardize_reduction)
from .loss import (Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
                   MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
                   CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
                   SparseCategoricalCrossentropy, CrossentropyByShape, crossentropy_kind)
from .focal import (binary_focal_crossentropy, categorical_focal_crossentropy, categorical_generalized_cross_entropy,
                    BinaryFocalCrossentropy, CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy)
from .overlap import dice, tversky, Dice, Tversky
from .circle import circle, Circle
from .ctc import ctc, CTC


# ---- lookup ------------------------------------------------------------------------------------------------
_FUNCTIONS = {fn.__name__: fn for fn in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, huber, log_cosh, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, binary_focal_crossentropy,
    categorical_focal_crossentropy, categorical_generalized_cross_entropy, dice, tversky, circle, ctc)}
_ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
            "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
            "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
            "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh, "bce": binary_crossentropy,
            "BCE": binary_crossentropy, "cosine_proximity": cosine_similarity}
_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, LossFunctionWrapper,
    BinaryFocalCrossentropy, CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy, Dice, Tversky, Circle,
    CTC)}
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
    if isinstance(loss, Loss) and not isinstance(loss, LossFunctionWrapper):   # a Loss class of the user's
        cls = type(loss)
        return {"module": cls.__module__, "class_name": cls.__name__, "config": loss.get_config(),
                "registered_name": cls.__name__}
    fn = loss.fn if isinstance(loss, LossFunctionWrapper) else loss
    if getattr(fn, "__name__", None) in _FUNCTIONS:
        return {"module": "builtins", "class_name": "function", "config": fn.__name__, "registered_name": "function"}
    return function_config(fn)


def deserialize(config, custom_objects=None):
    """A name or saved dict back to a Loss class instance or a loss function."""
    return object_from_config(config, "loss", _BY_NAME, custom_objects)
