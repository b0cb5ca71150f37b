"""Keras 1 layers that Keras 2 folded into others: TimeDistributedDense (TimeDistributed(Dense)) and the atrous
(dilated) convolutions. Each builds today's layer and warns once, so old scripts run and teach the new spelling."""
from .. import legacy
from .conv import Convolution1D, Convolution2D
from .core import Dense
from .wrappers import TimeDistributed

# arguments of the whole layer (the wrapper) in a TimeDistributedDense; the rest are the Dense's
_WRAPPER_ARGS = ("name", "input_shape", "batch_input_shape", "batch_size", "trainable", "input_length", "input_dim")


def TimeDistributedDense(output_dim, **kwargs):  # noqa: N802  (Keras 1's class name)
    """Keras 1's Dense applied at every time step: TimeDistributed(Dense(output_dim, ...))."""
    legacy.warn_once("keras.layers.TimeDistributedDense", "keras.layers.TimeDistributed(Dense(...))")
    wrapper = {key: kwargs.pop(key) for key in _WRAPPER_ARGS if key in kwargs}
    length, features = wrapper.pop("input_length", None), wrapper.pop("input_dim", None)
    if features is not None and "input_shape" not in wrapper and "batch_input_shape" not in wrapper:
        wrapper["input_shape"] = (length, features)
    return TimeDistributed(Dense(output_dim, **kwargs), **wrapper)


def AtrousConvolution1D(*args, **kwargs):  # noqa: N802  (Keras 1's class name)
    """Keras 1's dilated Conv1D: Convolution1D(nb_filter, filter_length, atrous_rate=...), atrous_rate read as
    dilation_rate."""
    legacy.warn_once("keras.layers.AtrousConvolution1D", "keras.layers.Conv1D(..., dilation_rate=...)")
    return Convolution1D(*args, **kwargs)


def AtrousConvolution2D(*args, **kwargs):  # noqa: N802  (Keras 1's class name)
    """Keras 1's dilated Conv2D: Convolution2D(nb_filter, nb_row, nb_col, atrous_rate=(r, c))."""
    legacy.warn_once("keras.layers.AtrousConvolution2D", "keras.layers.Conv2D(..., dilation_rate=...)")
    return Convolution2D(*args, **kwargs)
