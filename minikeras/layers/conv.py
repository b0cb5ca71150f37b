"""Conv1D, Conv2D and Conv3D (and the Keras 1/2 names Convolution1D/2D/3D): gather every window of the input, then
one matmul.

The windows come from windows.py (`window_geometry`, `extract_windows`), shared with pooling.py: a pooling layer
reduces the same windows with max or mean instead of multiplying them by a kernel.
"""
import inspect
import re

import autograd.numpy as anp
import numpy as np

from .. import activations, backend, initializers, regularizers, constraints, legacy
from .base import Layer, unique_name
from .core import set_kernel_and_bias_options
# the window helpers are also imported from here (pooling.py, rnn/conv_lstm.py)
from .windows import Geometry, extract_windows, fold_windows, window_geometry  # noqa: F401

DATA_FORMATS = ("channels_last", "channels_first")
KERAS1_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": "channels_last"}


# ---- arguments ---------------------------------------------------------------------------------------------
def keras_default_name(class_name):
    """Keras's automatic layer name: Conv2D -> 'conv2d', GlobalMaxPooling1D -> 'global_max_pooling1d'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return unique_name(re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())


def as_int_tuple(owner, what, value, rank):
    """An int or a sequence of `rank` positive ints, as a tuple (Keras's `standardize_tuple`)."""
    values = (value,) * rank if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    try:
        values = tuple(values)
    except TypeError:
        values = None
    if values is None or len(values) != rank or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in values):
        raise ValueError(f"{owner}: {what} must be a positive integer or a tuple of {rank} positive integers, "
                         f"got {value!r}.")
    return tuple(int(v) for v in values)


def as_padding(owner, padding, allowed):
    value = str(padding).lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(f"{owner}: padding must be one of {list(allowed)}, got {padding!r}.")
    return value


def check_strides_or_dilation(owner, strides, dilation_rate):
    """A window steps by more than one or spreads its taps apart, not both: Keras refuses the pair too."""
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(f"{owner}: Specifying `strides > 1` is not compatible with `dilation_rate > 1` (as in "
                         f"Keras), got strides={strides}, dilation_rate={dilation_rate}.")


def as_data_format(owner, data_format):
    """The layer's data format: None is the global one (backend.set_image_data_format, Keras 1's
    K.set_image_dim_ordering), 'channels_last' unless set, as in Keras."""
    value = backend.image_data_format() if data_format is None else str(data_format).lower()
    if value not in DATA_FORMATS:
        raise ValueError(f"{owner}: data_format must be one of {list(DATA_FORMATS)} (or None for the global "
                         f"image_data_format(), 'channels_last' unless set), got {data_format!r}.")
    return value


def rename_keras1_dim_ordering(kwargs, owner):
    """Keras 1 `dim_ordering='tf'|'th'` becomes `data_format='channels_last'|'channels_first'` (in place)."""
    if "dim_ordering" in kwargs:
        legacy.rename(kwargs, {"dim_ordering": "data_format"}, owner)
        value = kwargs["data_format"]
        if value not in KERAS1_DIM_ORDERING:
            raise ValueError(f"{owner}: dim_ordering must be one of {list(KERAS1_DIM_ORDERING)}, got {value!r}.")
        kwargs["data_format"] = KERAS1_DIM_ORDERING[value]
    return kwargs


def check_rank(layer, input_shape, axes_names):
    rank = len(axes_names) + 1
    if not isinstance(input_shape, tuple) or len(input_shape) != rank:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) expects input of rank {rank}, "
                         f"(batch, {', '.join(axes_names)}), got shape {input_shape}.")


def spatial_sizes(input_shape, data_format):
    return tuple(input_shape[1:-1] if data_format == "channels_last" else input_shape[2:])


def channel_axis(data_format):
    return -1 if data_format == "channels_last" else 1


def to_channels_last(x, data_format):
    return x if data_format == "channels_last" else anp.moveaxis(x, 1, -1)


def from_channels_last(y, data_format):
    return y if data_format == "channels_last" else anp.moveaxis(y, -1, 1)


def apply_kernel(windows, kernel, groups):
    """Windows (..., taps, channels) times kernel (*window, channels / groups, filters) -> (..., filters)."""
    *lead, taps, channels = windows.shape
    filters = kernel.shape[-1]
    if groups == 1:
        return anp.matmul(anp.reshape(windows, (*lead, taps * channels)), anp.reshape(kernel, (taps * channels, -1)))
    # group g's filters (a contiguous block) see only group g's channels (a contiguous block), as in Keras
    grouped = anp.reshape(windows, (*lead, taps, groups, channels // groups))
    grouped_kernel = anp.reshape(kernel, (taps, channels // groups, groups, filters // groups))
    return anp.reshape(anp.einsum("...tgc,tcgf->...gf", grouped, grouped_kernel), (*lead, filters))


# ---- the layers --------------------------------------------------------------------------------------------
KERAS1_CONV_ARGS = {
    **{old: new for old, new in legacy.KERAS1_WEIGHT_ARGS.items() if new != "units"},
    "nb_filter": "filters", "filter_length": "kernel_size", "border_mode": "padding", "subsample": "strides",
    "subsample_length": "strides", "atrous_rate": "dilation_rate",
}


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _rename_keras1_conv_args(kwargs, owner):
    """Keras 1 keywords to Keras 3 ones (in place); nb_row / nb_col together become kernel_size."""
    if "nb_row" in kwargs or "nb_col" in kwargs:
        if "kernel_size" in kwargs:
            raise TypeError(f"{owner}: give either nb_row/nb_col (Keras 1) or kernel_size (Keras 3), not both.")
        legacy.warn_once(f"{owner}(nb_row=..., nb_col=...)", "kernel_size=(nb_row, nb_col)")
        kwargs["kernel_size"] = (kwargs.pop("nb_row", None), kwargs.pop("nb_col", None))
    rename_keras1_dim_ordering(kwargs, owner)
    return legacy.rename(kwargs, KERAS1_CONV_ARGS, owner)


def _keras1_positionals(owner, values, names, kwargs):
    """Keras 1 arguments given by position, as keywords under their Keras 1 names."""
    if len(values) > len(names):
        raise TypeError(f"{owner}: too many positional arguments ({len(values)} after the kernel size).")
    for name, value in zip(names, values):
        if name in kwargs:
            raise TypeError(f"{owner}: '{name}' given both by position and by keyword.")
        kwargs[name] = value
    return kwargs


class _Conv(Layer):
    """What Conv1D and Conv2D share; `rank` is the number of spatial axes."""

    rank = None
    spatial_names = ()
    keras_class_name = None
    paddings = ("valid", "same")

    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        owner = type(self).__name__
        explicit = dict(locals())
        given = _rename_keras1_conv_args(dict(kwargs), owner)
        args = {name: given.pop(name, explicit[name]) for name in _CONV_ARGS}
        if given.get("name") is None:
            given["name"] = keras_default_name(self.keras_class_name)
        super().__init__(**given)
        self._set_arguments(owner, **args)

    def _set_arguments(self, owner, filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                       activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                       bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint):
        if not _is_int(filters) or filters <= 0:
            raise ValueError(f"{owner}: filters must be a positive integer, got {filters!r}.")
        if kernel_size is None:
            raise TypeError(f"{owner}: kernel_size is required, e.g. {owner}({filters}, 3).")
        self.filters, self.groups = int(filters), groups
        self.kernel_size = as_int_tuple(owner, "kernel_size", kernel_size, self.rank)
        self.strides = as_int_tuple(owner, "strides", strides, self.rank)
        self.dilation_rate = as_int_tuple(owner, "dilation_rate", dilation_rate, self.rank)
        self.padding = as_padding(owner, padding, self.paddings)
        self.data_format = as_data_format(owner, data_format)
        if not _is_int(groups) or groups <= 0 or filters % groups:
            raise ValueError(f"{owner}: groups must be a positive integer that divides filters ({filters}), "
                             f"got {groups!r}.")
        check_strides_or_dilation(owner, self.strides, self.dilation_rate)
        set_kernel_and_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                                    kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                                    bias_constraint)

    def _axes_names(self):
        spatial = self.spatial_names
        return spatial + ("channels",) if self.data_format == "channels_last" else ("channels",) + spatial

    def _geometry(self, input_shape, sizes):
        return window_geometry(self, input_shape, sizes, self.kernel_size, self.strides, self.dilation_rate,
                               self.padding)

    def build(self, input_shape, rng):
        self.compute_output_shape(input_shape)
        channels = input_shape[channel_axis(self.data_format)]
        if channels is None or channels % self.groups:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs a known number of input channels "
                             f"divisible by groups={self.groups}, got input shape {input_shape} "
                             f"(data_format='{self.data_format}').")
        params = {"kernel": self.kernel_initializer(self.kernel_size + (channels // self.groups, self.filters),
                                                    rng=rng)}
        if self.use_bias:
            params["bias"] = self.bias_initializer((self.filters,), rng=rng)
        return params

    def call(self, params, x, mask=None, training=False, rng=None):
        x = to_channels_last(x, self.data_format)
        geometry = self._geometry(x.shape, x.shape[1:-1])
        y = apply_kernel(extract_windows(x, geometry, 0.0), params["kernel"], self.groups)
        if self.use_bias:
            y = y + params["bias"]
        # Keras applies the activation in the layer's own data format (it matters for softmax)
        y = from_channels_last(y, self.data_format)
        return y if self.activation is None else self.activation(y)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self._axes_names())
        out_sizes = self._geometry(input_shape, spatial_sizes(input_shape, self.data_format)).out_sizes
        if self.data_format == "channels_last":
            return (input_shape[0],) + out_sizes + (self.filters,)
        return (input_shape[0], self.filters) + out_sizes

    def check_input_shape(self, input_shape):
        check_rank(self, input_shape, self._axes_names())
        built_shape = getattr(self, "_build_input_shape", None)
        axis = channel_axis(self.data_format)
        if self.built and built_shape is not None and input_shape[axis] not in (None, built_shape[axis]):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) was built for {built_shape[axis]} input "
                             f"channels (input shape {built_shape}) but got shape {input_shape}.")

    def weight_regularizers(self):
        return {"kernel": self.kernel_regularizer, "bias": self.bias_regularizer}

    def weight_constraints(self):
        return {"kernel": self.kernel_constraint, "bias": self.bias_constraint}

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


# the Keras 3 argument names, in order: every one may also arrive by keyword after a Keras 1 rename
_CONV_ARGS = list(inspect.signature(_Conv.__init__).parameters)[1:-1]


class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels): kernel (kernel_size, channels, filters), bias (filters,).

    padding is 'valid', 'same' or 'causal' (left padding only: output t sees inputs up to t). Keras 1 spellings
    work too: Conv1D(nb_filter=8, filter_length=3, border_mode='same', subsample_length=2, input_dim=16,
    input_length=10).
    """

    rank, spatial_names, keras_class_name = 1, ("steps",), "Conv1D"
    paddings = ("valid", "same", "causal")

    def __init__(self, *args, input_length=None, **kwargs):
        self._legacy_input_length = input_length
        super().__init__(*args, **kwargs)

    def _shape_from_input_dim(self, input_dim):
        # Keras 1: Convolution1D(8, 3, input_dim=16, input_length=10) means input_shape=(10, 16)
        return (self._legacy_input_length, input_dim)


class Conv2D(_Conv):
    """2-D convolution over (batch, rows, cols, channels): kernel (kh, kw, channels, filters), bias (filters,).

    Positional order is Keras 3's: Conv2D(filters, kernel_size, strides, padding, ...), so Conv2D(64, 3, 3) is a
    3x3 kernel with strides 3. For Keras 1's Convolution2D(64, 3, 3) (a 3x3 kernel) use the name Convolution2D.
    """

    rank, spatial_names, keras_class_name = 2, ("rows", "cols"), "Conv2D"


class Conv3D(_Conv):
    """3-D convolution over (batch, depth, rows, cols, channels), e.g. a video's (frames, rows, cols, channels):
    kernel (kd, kh, kw, channels, filters), bias (filters,). Keras's next-frame example ends its ConvLSTM2D stack
    with one."""

    rank, spatial_names, keras_class_name = 3, ("depth", "rows", "cols"), "Conv3D"


class Convolution3D(Conv3D):
    """Keras 2's name for Conv3D (Keras 3's order of arguments): same weights, same config, saved as 'Conv3D'."""


_KERAS1_CONV1D_POSITIONALS = ("init", "activation", "weights", "border_mode", "subsample_length")
_KERAS1_CONV2D_POSITIONALS = ("init", "activation", "weights", "border_mode", "subsample", "dim_ordering")


class Convolution1D(Conv1D):
    """Keras 1's name for Conv1D: Convolution1D(nb_filter, filter_length, init, activation, ...).

    After the first two positionals, an int or tuple third one is read in Keras 3's order (strides); anything
    else (an initializer name) in Keras 1's (init, activation, weights, border_mode, subsample_length).
    """

    def __init__(self, filters=None, kernel_size=None, *args, **kwargs):
        if args and not (_is_int(args[0]) or isinstance(args[0], (tuple, list))):
            kwargs, args = _keras1_positionals("Convolution1D", args, _KERAS1_CONV1D_POSITIONALS, kwargs), ()
        super().__init__(filters, kernel_size, *args, **kwargs)


class Convolution2D(Conv2D):
    """Keras 1's name for Conv2D, reading Keras 1's positional order when it is used.

    Convolution2D(64, 3, 3) is Keras 1's Convolution2D(nb_filter, nb_row, nb_col): 64 filters with a 3x3 kernel,
    NOT Keras 3's Conv2D(64, 3, 3) (3x3 kernel, strides 3). Later positionals then follow Keras 1 too (init,
    activation, weights, border_mode, subsample, dim_ordering). When the second and third positionals are not both
    ints, e.g. Convolution2D(64, (3, 3), 2), they are read in Keras 3's order (kernel_size, strides).
    Otherwise it is a Conv2D: same weights, same config, default name 'conv2d'.
    """

    def __init__(self, filters=None, kernel_size=None, *args, **kwargs):
        if _is_int(kernel_size) and args and _is_int(args[0]):
            legacy.warn_once("Convolution2D(nb_filter, nb_row, nb_col)", "Conv2D(filters, (nb_row, nb_col))")
            kwargs = _keras1_positionals("Convolution2D", args[1:], _KERAS1_CONV2D_POSITIONALS, kwargs)
            kernel_size, args = (kernel_size, args[0]), ()
        super().__init__(filters, kernel_size, *args, **kwargs)
