"""Noise and regularization layers: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout,
ActivityRegularization.

Each is the identity at inference; in training the random ones draw from the `rng` the engine hands to `call`.
None has weights. All pass masks on unchanged, as in Keras. Keras 3 builds them at construction, so their saved
configs have no build_config (`keras_built_at_init`).
"""
import math

import numpy as np

from .. import backend, legacy, regularizers
from .base import Layer
from .conv import as_data_format, check_rank, rename_keras1_dim_ordering

# SELU's constants: AlphaDropout keeps a SELU network's activations at mean 0 and variance 1
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _rate(owner, value, what="rate"):
    """A dropout probability in [0, 1): at 1 every value would be dropped and the scaling divides by zero."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not 0 <= value < 1:
        raise ValueError(f"{owner}: {what} must be a number in [0, 1), got {value!r}.")
    return float(value)


def _generator(rng):
    return rng if rng is not None else backend.new_rng()


def _keras1_rate(kwargs, owner, old):
    """Keras 1 named the probability `p` (Dropout family) or `sigma` (GaussianNoise)."""
    return legacy.rename(kwargs, {old: "rate" if old == "p" else "stddev"}, owner)


class _SpatialDropout(Layer):
    """Dropout of whole channels: one keep/drop draw per (sample, channel), shared by every position."""

    supports_masking = True
    spatial_names = ()
    keras_built_at_init = True
    keras_dtype_is_a_name = True  # Keras 3 writes these layers' dtype as 'float32', not as a DTypePolicy

    def __init__(self, rate=None, seed=None, name=None, dtype=None, noise_shape=None, **kwargs):
        owner = type(self).__name__
        given = _keras1_rate(dict(kwargs), owner, "p")
        rate = given.pop("rate", rate)
        # Keras 2 wrote noise_shape (always None here) and trainable into its configs; Keras 3 takes neither
        if noise_shape is not None:
            raise ValueError(f"{owner}: noise_shape is fixed by the layer (one draw per channel); do not pass it.")
        data_format = given.pop("data_format", None)
        super().__init__(name=name, dtype=dtype, **given)
        if rate is None:
            raise TypeError(f"{owner}: missing the argument 'rate' (the fraction of channels to drop).")
        self.rate = _rate(owner, rate)
        self.seed = seed
        self.data_format = as_data_format(owner, data_format)

    def _noise_shape(self, shape):
        if self.data_format == "channels_first":
            return shape[:2] + (1,) * (len(shape) - 2)
        return (shape[0],) + (1,) * (len(shape) - 2) + (shape[-1],)

    def call(self, params, x, mask=None, training=False, rng=None):
        if not training or self.rate == 0.0:
            return x
        keep = _generator(rng).random(self._noise_shape(x.shape)) >= self.rate
        return x * (keep.astype(x.dtype) / (1.0 - self.rate))

    def build(self, input_shape, rng):
        self.check_input_shape(input_shape)
        return {}

    def check_input_shape(self, input_shape):
        channels = ("channels",)
        names = self.spatial_names + channels if self.data_format == "channels_last" else channels + self.spatial_names
        check_rank(self, input_shape, names)

    def get_config(self):
        # Keras 3's spatial dropouts store exactly these keys (no 'trainable'), and refuse others when loading
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype or backend.floatx()}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature channels of (batch, steps, channels) inputs while training, scaling the rest by
    1 / (1 - rate): every step of a dropped channel is zero. Better than Dropout when neighbouring steps are
    strongly correlated (after Conv1D, or on embeddings)."""

    spatial_names = ("steps",)

    def __init__(self, rate=None, seed=None, name=None, dtype=None, noise_shape=None, **kwargs):
        if "data_format" in kwargs:  # as in Keras: the channels of a sequence are always last
            raise TypeError("SpatialDropout1D: unexpected keyword argument 'data_format' (channels are always last).")
        super().__init__(rate, seed=seed, name=name, dtype=dtype, noise_shape=noise_shape, **kwargs,
                         data_format="channels_last")     # whatever the global image_data_format says


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of (batch, rows, cols, channels) inputs (channels first with
    data_format='channels_first') while training, scaling the rest by 1 / (1 - rate)."""

    spatial_names = ("rows", "cols")

    def __init__(self, rate=None, data_format=None, seed=None, name=None, dtype=None, noise_shape=None, **kwargs):
        given = rename_keras1_dim_ordering(dict(kwargs), "SpatialDropout2D")
        given.setdefault("data_format", data_format)
        super().__init__(rate, seed=seed, name=name, dtype=dtype, noise_shape=noise_shape, **given)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of (batch, dim1, dim2, dim3, channels) inputs (channels first with
    data_format='channels_first') while training, scaling the rest by 1 / (1 - rate)."""

    spatial_names = ("dim1", "dim2", "dim3")

    def __init__(self, rate=None, data_format=None, seed=None, name=None, dtype=None, noise_shape=None, **kwargs):
        given = rename_keras1_dim_ordering(dict(kwargs), "SpatialDropout3D")
        given.setdefault("data_format", data_format)
        super().__init__(rate, seed=seed, name=name, dtype=dtype, noise_shape=noise_shape, **given)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` to every value while training.

    Keras 3 refuses stddev above 1; minikeras accepts any stddev >= 0, as Keras 1/2 did.
    """

    supports_masking = True
    keras_built_at_init = True

    def check_input_shape(self, input_shape):
        """Any shape (each value is on its own)."""

    def __init__(self, stddev=None, seed=None, **kwargs):
        given = _keras1_rate(dict(kwargs), "GaussianNoise", "sigma")
        stddev = given.pop("stddev", stddev)
        super().__init__(**given)
        if isinstance(stddev, bool) or not isinstance(stddev, (int, float, np.floating, np.integer)) \
                or not (stddev >= 0 and math.isfinite(stddev)):
            raise ValueError(f"GaussianNoise: stddev must be a finite number >= 0, got {stddev!r}.")
        self.stddev = float(stddev)
        self.seed = seed

    def call(self, params, x, mask=None, training=False, rng=None):
        if not training or self.stddev == 0.0:
            return x
        return x + _generator(rng).normal(0.0, self.stddev, size=x.shape).astype(x.dtype)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies every value by Gaussian noise of mean 1 and standard deviation sqrt(rate / (1 - rate))
    while training: the multiplicative noise of Dropout at the same rate, without zeros."""

    supports_masking = True
    keras_built_at_init = True

    def check_input_shape(self, input_shape):
        """Any shape (each value is on its own)."""

    def __init__(self, rate=None, seed=None, **kwargs):
        given = _keras1_rate(dict(kwargs), "GaussianDropout", "p")
        rate = given.pop("rate", rate)
        super().__init__(**given)
        self.rate = _rate("GaussianDropout", rate)
        self.seed = seed

    def call(self, params, x, mask=None, training=False, rng=None):
        if not training or self.rate == 0.0:
            return x
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return x * _generator(rng).normal(1.0, stddev, size=x.shape).astype(x.dtype)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout for SELU networks: while training, dropped values become SELU's negative saturation value and an
    affine map keeps the mean and variance of standardized inputs unchanged."""

    supports_masking = True
    keras_built_at_init = True

    def check_input_shape(self, input_shape):
        """Any shape (each value is on its own)."""

    def __init__(self, rate=None, noise_shape=None, seed=None, **kwargs):
        given = _keras1_rate(dict(kwargs), "AlphaDropout", "p")
        rate = given.pop("rate", rate)
        super().__init__(**given)
        self.rate = _rate("AlphaDropout", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed

    def call(self, params, x, mask=None, training=False, rng=None):
        if not training or self.rate == 0.0:
            return x
        shape = x.shape if self.noise_shape is None else tuple(
            d if n is None else n for n, d in zip(self.noise_shape, x.shape))
        keep = (_generator(rng).random(shape) >= self.rate).astype(x.dtype)
        saturation = -_SELU_ALPHA * _SELU_SCALE
        scale = ((1.0 - self.rate) * (1.0 + self.rate * saturation ** 2)) ** -0.5
        shift = -scale * saturation * self.rate
        return scale * (x * keep + saturation * (1.0 - keep)) + shift

    def get_config(self):
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": noise_shape}


class ActivityRegularization(Layer):
    """Passes its input through and adds l1 * sum(|x|) + l2 * sum(x ** 2), divided by the batch size as in
    Keras 3, to the training loss."""

    supports_masking = True
    keras_built_at_init = True

    def check_input_shape(self, input_shape):
        """Any shape (each value is on its own)."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        try:
            self.activity_regularizer = regularizers.L1L2(l1=l1, l2=l2)
        except ValueError as error:
            raise ValueError(f"ActivityRegularization: l1 and l2 must be finite numbers >= 0, got l1={l1!r}, "
                             f"l2={l2!r}.") from error
        self.l1, self.l2 = self.activity_regularizer.l1, self.activity_regularizer.l2

    def call(self, params, x, mask=None, training=False, rng=None):
        return x

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
