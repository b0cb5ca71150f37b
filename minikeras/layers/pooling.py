"""Pooling layers: Max/AveragePooling1D/2D reduce sliding windows; Global{Average,Max}Pooling1D/2D/3D reduce all steps.

The windows are the same ones a convolution sees (conv.extract_windows); a pooling layer takes their max or mean
per channel instead of multiplying them by a kernel. No weights.
"""
import autograd.numpy as anp
import numpy as np

from .. import legacy
from .base import Layer
from .conv import (as_data_format, as_int_tuple, as_padding, check_rank, extract_windows, from_channels_last,
                   keras_default_name, rename_keras1_dim_ordering, spatial_sizes, to_channels_last, window_geometry)

KERAS1_POOLING_ARGS = {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding"}


def _axes_names(spatial_names, data_format):
    return spatial_names + ("channels",) if data_format == "channels_last" else ("channels",) + spatial_names


def _window_counts(geometry, sizes, dtype):
    """How many real (unpadded) inputs each window covers: 'same' average pooling divides by this, as Keras does."""
    ones = np.ones((1,) + tuple(sizes) + (1,), dtype=dtype)
    return np.sum(extract_windows(ones, geometry, 0.0), axis=-2)


class _Pooling(Layer):
    """What the windowed pooling layers share; `reduction` is 'max' or 'average'."""

    rank, spatial_names, keras_class_name, reduction = None, (), None, None

    def __init__(self, pool_size=None, strides=None, padding="valid", data_format=None, **kwargs):
        owner = type(self).__name__
        given = legacy.rename(rename_keras1_dim_ordering(dict(kwargs), owner), KERAS1_POOLING_ARGS, owner)
        pool_size, strides = given.pop("pool_size", pool_size), given.pop("strides", strides)
        padding, data_format = given.pop("padding", padding), given.pop("data_format", data_format)
        if given.get("name") is None:
            given["name"] = keras_default_name(self.keras_class_name)
        super().__init__(**given)
        # Keras 3 requires pool_size for average pooling; Keras 1/2 defaulted both kinds to 2, and so do we
        self.pool_size = as_int_tuple(owner, "pool_size", 2 if pool_size is None else pool_size, self.rank)
        self.strides = self.pool_size if strides is None else as_int_tuple(owner, "strides", strides, self.rank)
        self.padding = as_padding(owner, padding, ("valid", "same"))
        self.data_format = as_data_format(owner, data_format)

    def _geometry(self, input_shape, sizes):
        return window_geometry(self, input_shape, sizes, self.pool_size, self.strides, (1,) * self.rank,
                               self.padding)

    def call(self, params, x, mask=None, training=False, rng=None):
        x = to_channels_last(x, self.data_format)
        geometry = self._geometry(x.shape, x.shape[1:-1])
        if self.reduction == "max":
            y = anp.max(extract_windows(x, geometry, -np.inf), axis=-2)
        elif self.padding == "valid":
            y = anp.mean(extract_windows(x, geometry, 0.0), axis=-2)
        else:
            y = anp.sum(extract_windows(x, geometry, 0.0), axis=-2) / _window_counts(geometry, x.shape[1:-1], x.dtype)
        return from_channels_last(y, self.data_format)

    def compute_output_shape(self, input_shape):
        self.check_input_shape(input_shape)
        out_sizes = self._geometry(input_shape, spatial_sizes(input_shape, self.data_format)).out_sizes
        if self.data_format == "channels_last":
            return (input_shape[0],) + out_sizes + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + out_sizes

    def build(self, input_shape, rng):
        self.compute_output_shape(input_shape)
        return {}

    def check_input_shape(self, input_shape):
        check_rank(self, input_shape, _axes_names(self.spatial_names, self.data_format))

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    """The max of each window of `pool_size` steps, every `strides` steps (default: pool_size)."""
    rank, spatial_names, keras_class_name, reduction = 1, ("steps",), "MaxPooling1D", "max"


class MaxPooling2D(_Pooling):
    """The max of each pool_size window (default 2x2), every `strides` (default: pool_size)."""
    rank, spatial_names, keras_class_name, reduction = 2, ("rows", "cols"), "MaxPooling2D", "max"


class AveragePooling1D(_Pooling):
    """The mean of each window; with padding='same', of the real (unpadded) steps only, as in Keras."""
    rank, spatial_names, keras_class_name, reduction = 1, ("steps",), "AveragePooling1D", "average"


class AveragePooling2D(_Pooling):
    """The mean of each window; with padding='same', of the real (unpadded) pixels only, as in Keras."""
    rank, spatial_names, keras_class_name, reduction = 2, ("rows", "cols"), "AveragePooling2D", "average"


class _GlobalPooling(Layer):
    """Reduces every spatial axis at once: (batch, *spatial, channels) -> (batch, channels)."""

    rank, spatial_names, keras_class_name, reduction = None, (), None, None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        owner = type(self).__name__
        given = rename_keras1_dim_ordering(dict(kwargs), owner)
        data_format = given.pop("data_format", data_format)
        if given.get("name") is None:
            given["name"] = keras_default_name(self.keras_class_name)
        super().__init__(**given)
        self.data_format = as_data_format(owner, data_format)
        self.keepdims = bool(keepdims)

    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def call(self, params, x, mask=None, training=False, rng=None):
        reduce = anp.max if self.reduction == "max" else anp.mean
        return reduce(x, axis=self._spatial_axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        self.check_input_shape(input_shape)
        axes = self._spatial_axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def build(self, input_shape, rng):
        self.check_input_shape(input_shape)
        return {}

    def check_input_shape(self, input_shape):
        check_rank(self, input_shape, _axes_names(self.spatial_names, self.data_format))

    def compute_mask(self, x, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over steps; given a mask (e.g. from Embedding(mask_zero=True)), over the unmasked steps only."""

    call_arguments = ("mask",)

    rank, spatial_names, keras_class_name, reduction = 1, ("steps",), "GlobalAveragePooling1D", "average"
    supports_masking = True

    def call(self, params, x, mask=None, training=False, rng=None):
        if mask is None:
            return super().call(params, x, training=training, rng=rng)
        steps_axis = self._spatial_axes()[0]
        keep = np.expand_dims(np.asarray(mask).astype(bool), 3 - steps_axis)  # broadcast over the channel axis
        # where, not multiply: a masked step holding inf or nan must not leak into the sum
        total = anp.sum(anp.where(keep, x, 0.0), axis=steps_axis, keepdims=self.keepdims)
        return total / np.sum(keep.astype(x.dtype), axis=steps_axis, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalPooling):
    """The max over steps, per channel."""

    call_arguments = ("mask",)
    rank, spatial_names, keras_class_name, reduction = 1, ("steps",), "GlobalMaxPooling1D", "max"


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over rows and cols, per channel."""
    rank, spatial_names, keras_class_name, reduction = 2, ("rows", "cols"), "GlobalAveragePooling2D", "average"


class GlobalMaxPooling2D(_GlobalPooling):
    """The max over rows and cols, per channel."""
    rank, spatial_names, keras_class_name, reduction = 2, ("rows", "cols"), "GlobalMaxPooling2D", "max"


class GlobalAveragePooling3D(_GlobalPooling):
    """The mean over the three spatial axes (e.g. time, rows and cols of a ConvLSTM2D's sequence), per channel."""
    rank, spatial_names, keras_class_name, reduction = 3, ("dim1", "dim2", "dim3"), "GlobalAveragePooling3D", "average"
    keras_built_at_init = True  # Keras 3 saves no build_config for it


class GlobalMaxPooling3D(_GlobalPooling):
    """The max over the three spatial axes, per channel."""
    rank, spatial_names, keras_class_name, reduction = 3, ("dim1", "dim2", "dim3"), "GlobalMaxPooling3D", "max"
    keras_built_at_init = True  # Keras 3 saves no build_config for it


# Keras's short names are the same classes
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
