"""Reshaping layers along the steps (1D) or rows and cols (2D): ZeroPadding, Cropping, UpSampling.

No weights. Like Keras 3 they do not pass a mask on (their steps no longer line up with the mask's).
"""
import autograd.numpy as anp
import numpy as np

from .. import legacy
from .base import Layer
from .conv import as_data_format, check_rank, rename_keras1_dim_ordering, spatial_sizes


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _pair(owner, what, value):
    """An int n -> (n, n); a pair of ints -> itself; every entry >= 0."""
    pair = (value, value) if _is_int(value) else value
    if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(_is_int(v) and v >= 0 for v in pair):
        raise ValueError(f"{owner}: {what} must be an integer >= 0 or a pair of them, got {value!r}.")
    return tuple(int(v) for v in pair)


def _pairs_2d(owner, what, value):
    """Keras's 2D amounts: n, (rows, cols) or ((top, bottom), (left, right)) -> ((top, bottom), (left, right))."""
    if _is_int(value):
        return (_pair(owner, what, value),) * 2
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError(f"{owner}: {what} must be an integer, a pair (rows, cols) or a pair of pairs "
                         f"((top, bottom), (left, right)), got {value!r}.")
    return tuple(_pair(owner, f"{what} entry {i}", v) for i, v in enumerate(value))


class _SpatialLayer(Layer):
    """What the 1D/2D reshaping layers share: the rank check and the spatial axes' positions."""

    spatial_names = ()
    has_data_format = True  # Cropping1D and UpSampling1D have none in Keras: their steps are always axis 1

    def __init__(self, data_format=None, **kwargs):
        owner = type(self).__name__
        given = rename_keras1_dim_ordering(dict(kwargs), owner)
        data_format = given.pop("data_format", data_format)
        if not self.has_data_format and data_format is not None:
            raise TypeError(f"{owner}: unexpected keyword argument 'data_format' (its steps are always axis 1).")
        super().__init__(**given)
        # a layer without the argument (Cropping1D, UpSampling1D) keeps a sequence's channels last whatever the
        # global image_data_format says, as in Keras
        self.data_format = as_data_format(owner, data_format if self.has_data_format else "channels_last")

    def _spatial_axes(self):
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + len(self.spatial_names)))

    def check_input_shape(self, input_shape):
        names = self.spatial_names + ("channels",) if self.data_format == "channels_last" \
            else ("channels",) + self.spatial_names
        check_rank(self, input_shape, names)

    def build(self, input_shape, rng):
        self.compute_output_shape(input_shape)
        return {}

    def compute_output_shape(self, input_shape):
        self.check_input_shape(input_shape)
        shape = list(input_shape)
        for axis, size in zip(self._spatial_axes(), spatial_sizes(input_shape, self.data_format)):
            shape[axis] = None if size is None else self._new_size(axis - self._spatial_axes()[0], size, input_shape)
        return tuple(shape)

    def compute_mask(self, x, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        return {**config, "data_format": self.data_format} if self.has_data_format else config


class ZeroPadding1D(_SpatialLayer):
    """Adds zeros before and after the steps: `padding` is n (both sides) or (before, after)."""

    spatial_names = ("steps",)

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _pair("ZeroPadding1D", "padding", padding)

    def _new_size(self, index, size, input_shape):
        return size + sum(self.padding)

    def call(self, params, x, mask=None, training=False, rng=None):
        widths = [(0, 0)] * 3
        widths[self._spatial_axes()[0]] = self.padding
        return anp.pad(x, widths, mode="constant")

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


class ZeroPadding2D(_SpatialLayer):
    """Adds rows and columns of zeros around images: `padding` is n, (rows, cols) (symmetric) or
    ((top, bottom), (left, right))."""

    spatial_names = ("rows", "cols")

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(padding, (list, tuple)) and len(padding) == 4:
            # Keras 1.2 also took (top, bottom, left, right)
            legacy.warn_once("ZeroPadding2D(padding=(top, bottom, left, right))",
                             "ZeroPadding2D(padding=((top, bottom), (left, right)))")
            padding = (tuple(padding[:2]), tuple(padding[2:]))
        self.padding = _pairs_2d("ZeroPadding2D", "padding", padding)

    def _new_size(self, index, size, input_shape):
        return size + sum(self.padding[index])

    def call(self, params, x, mask=None, training=False, rng=None):
        widths = [(0, 0)] * 4
        for axis, pad in zip(self._spatial_axes(), self.padding):
            widths[axis] = pad
        return anp.pad(x, widths, mode="constant")

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


class Cropping1D(_SpatialLayer):
    """Removes steps from the start and end of (batch, steps, features): `cropping` is n or (start, end)."""

    spatial_names, has_data_format = ("steps",), False

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pair("Cropping1D", "cropping", cropping)

    def _new_size(self, index, size, input_shape):
        return _cropped_size(self, size, self.cropping, input_shape)

    def call(self, params, x, mask=None, training=False, rng=None):
        self.compute_output_shape((None,) + x.shape[1:])
        start, end = self.cropping
        return x[:, start:x.shape[1] - end, :]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


class Cropping2D(_SpatialLayer):
    """Removes rows and columns at the borders of images: `cropping` is n, (rows, cols) (symmetric) or
    ((top, bottom), (left, right))."""

    spatial_names = ("rows", "cols")

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.cropping = _pairs_2d("Cropping2D", "cropping", cropping)

    def _new_size(self, index, size, input_shape):
        return _cropped_size(self, size, self.cropping[index], input_shape)

    def call(self, params, x, mask=None, training=False, rng=None):
        self.compute_output_shape((None,) + x.shape[1:])
        index = [slice(None)] * 4
        for axis, (start, end) in zip(self._spatial_axes(), self.cropping):
            index[axis] = slice(start, x.shape[axis] - end)
        return x[tuple(index)]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


def _cropped_size(layer, size, crop, input_shape):
    if sum(crop) >= size:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): cropping {layer.cropping} leaves nothing "
                         f"of inputs of shape {input_shape}; crop less than each spatial size.")
    return size - sum(crop)


class UpSampling1D(_SpatialLayer):
    """Repeats each step `size` times along the steps axis: (batch, steps, features) -> (batch, steps * size, ...)."""

    spatial_names, has_data_format = ("steps",), False

    def __init__(self, size=2, **kwargs):
        given = legacy.rename(dict(kwargs), {"length": "size"}, "UpSampling1D")
        size = given.pop("size", size)
        super().__init__(**given)
        if not _is_int(size):
            raise TypeError(f"UpSampling1D: size must be an integer, got {size!r} of type {type(size).__name__}.")
        if size <= 0:
            raise ValueError(f"UpSampling1D: size must be a positive integer, got {size!r}.")
        self.size = int(size)

    def _new_size(self, index, size, input_shape):
        return size * self.size

    def call(self, params, x, mask=None, training=False, rng=None):
        return anp.repeat(x, self.size, axis=1)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(_SpatialLayer):
    """Enlarges images by `size` = (rows, cols) factors: 'nearest' repeats pixels; 'bilinear', 'bicubic',
    'lanczos3' and 'lanczos5' interpolate between pixel centres with that kernel, as Keras 3 (JAX) does."""

    spatial_names = ("rows", "cols")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        sizes = (size, size) if _is_int(size) else size
        if not isinstance(sizes, (list, tuple)) or len(sizes) != 2 or not all(_is_int(s) and s > 0 for s in sizes):
            raise ValueError(f"UpSampling2D: size must be a positive integer or a pair of them, got {size!r}.")
        self.size = tuple(int(s) for s in sizes)
        methods = ("nearest",) + tuple(_KERNELS)
        if not isinstance(interpolation, str) or interpolation.lower() not in methods:
            raise ValueError(f"UpSampling2D: interpolation must be one of {list(methods)}, got {interpolation!r}.")
        self.interpolation = interpolation.lower()

    def _new_size(self, index, size, input_shape):
        return size * self.size[index]

    def call(self, params, x, mask=None, training=False, rng=None):
        for axis, factor in zip(self._spatial_axes(), self.size):
            if self.interpolation == "nearest":
                x = anp.repeat(x, factor, axis=axis)
            elif factor > 1:
                weights = _interpolation_weights(x.shape[axis], factor, *_KERNELS[self.interpolation])
                x = anp.moveaxis(anp.matmul(anp.moveaxis(x, axis, -1), weights.T.astype(x.dtype)), -1, axis)
        return x

    def get_config(self):
        return {**super().get_config(), "size": self.size, "interpolation": self.interpolation}


def _triangle(distance):
    return np.maximum(0.0, 1.0 - distance)


def _keys_cubic(distance):
    """Keys's cubic convolution kernel with a = -0.5 (the one JAX, Pillow and TensorFlow use)."""
    near = ((1.5 * distance - 2.5) * distance) * distance + 1.0
    far = ((-0.5 * distance + 2.5) * distance - 4.0) * distance + 2.0
    return np.where(distance >= 2.0, 0.0, np.where(distance >= 1.0, far, near))


def _lanczos(radius):
    def kernel(distance):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = radius * np.sin(np.pi * distance) * np.sin(np.pi * distance / radius) / (np.pi * distance) ** 2
        return np.where(distance > radius, 0.0, np.where(distance > 1e-3, value, 1.0))
    return kernel


# name -> (kernel of the distance between an output sample and an input pixel, in input pixels)
_KERNELS = {"bilinear": (_triangle,), "bicubic": (_keys_cubic,), "lanczos3": (_lanczos(3),),
            "lanczos5": (_lanczos(5),)}


def _interpolation_weights(size, factor, kernel):
    """The (size * factor, size) matrix taking `size` samples to `size * factor`: output sample i sits at input
    position (i + 0.5) / factor - 0.5 (pixel centres aligned); each row holds the kernel's weights of the input
    pixels, normalized to sum to 1, so that near the edges only the pixels that exist count."""
    position = (np.arange(size * factor) + 0.5) / factor - 0.5
    weights = kernel(np.abs(position[:, None] - np.arange(size)[None, :]))
    return weights / weights.sum(axis=1, keepdims=True)
