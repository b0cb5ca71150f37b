"""Normalization: features shifted and scaled to mean 0 and variance 1, with the mean and variance from adapt(data)
or given; invert=True undoes it."""
import autograd.numpy as anp
import numpy as np

from ... import backend
from .preprocessing_layer import PreprocessingLayer


class Normalization(PreprocessingLayer):
    """`(x - mean) / sqrt(variance)` per index of the kept `axis` (default the last: one mean per feature).

    Its weights are Keras's non-trainable `mean`, `variance` and `count` when they come from adapt; a `mean`
    and `variance` given to the constructor are constants instead, as in Keras.
    """

    accepts_strings = False

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        owner = f"Normalization '{self.name}'"
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
            axis = (int(axis),)
        elif not (isinstance(axis, (tuple, list)) and all(isinstance(a, int) for a in axis)):
            raise ValueError(f"{owner}: axis must be None, an integer or a tuple of integers, got {axis!r}.")
        if 0 in axis:
            raise ValueError(f"{owner}: axis may not include the batch axis 0, got {axis!r}.")
        if (mean is None) != (variance is None):
            raise ValueError(f"{owner}: give both mean and variance, or neither (then call adapt), got "
                             f"mean={mean!r} and variance={variance!r}.")
        self.axis, self.invert = tuple(axis), bool(invert)
        self.input_mean, self.input_variance = mean, variance
        self._adapted = False

    def _kept_axes(self, rank):
        kept = tuple(sorted(a % rank for a in self.axis))
        if any(a >= rank for a in self.axis) or any(a < -rank for a in self.axis):
            raise ValueError(f"Normalization '{self.name}': axis {self.axis} is out of range for inputs of rank "
                             f"{rank}.")
        return kept

    def _statistics_shape(self, input_shape):
        kept = self._kept_axes(len(input_shape))
        shape = tuple(input_shape[a] for a in kept)
        if None in shape:
            raise ValueError(f"Normalization '{self.name}': the size of axis {self.axis} must be known, got input "
                             f"shape {tuple(input_shape)}.")
        return shape

    def build(self, input_shape, rng):
        shape = self._statistics_shape(input_shape)
        if self.input_mean is not None:
            return {}
        return {"mean": np.zeros(shape, backend.floatx()), "variance": np.ones(shape, backend.floatx()),
                "count": np.array(0, dtype="int64")}

    def non_trainable_weight_names(self):
        """mean, variance and count come from adapt, never from the optimizer."""
        return {"mean", "variance", "count"}

    def adapt(self, data, batch_size=None, steps=None):
        """Set the mean and variance from `data` (an array, or an iterable of batches), over every axis but the
        kept ones."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}': cannot adapt a layer given mean and variance.")
        if isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
            array = np.asarray(data, dtype="float64")
        else:
            batches = [np.asarray(b[0] if isinstance(b, tuple) else b, dtype="float64")
                       for i, b in enumerate(data) if steps is None or i < steps]
            array = np.concatenate(batches)
        if array.ndim == 1 and self.axis:
            array = array[:, None]  # a 1-D array is one feature per sample, as in Keras
        self.ensure_built((None,) + array.shape[1:])
        kept = self._kept_axes(array.ndim)
        reduced = tuple(a for a in range(array.ndim) if a not in kept)
        shape = self._statistics_shape(array.shape)
        self.params = {"mean": np.mean(array, axis=reduced).reshape(shape).astype(backend.floatx()),
                       "variance": np.var(array, axis=reduced).reshape(shape).astype(backend.floatx()),
                       "count": np.array(0, dtype="int64")}
        self._adapted = True

    def _broadcast(self, values, rank):
        kept = self._kept_axes(rank)
        shape = [1] * rank
        for axis, size in zip(kept, np.shape(values)):
            shape[axis] = size
        return anp.reshape(values, shape) if kept and anp.ndim(values) else values

    def call(self, params, x, mask=None, training=False, rng=None):
        if np.dtype(x.dtype).kind not in "biuf":
            raise TypeError(f"Normalization '{self.name}': takes numbers, got dtype {x.dtype}.")
        if isinstance(x, np.ndarray) and x.dtype != np.dtype(backend.floatx()):
            x = x.astype(backend.floatx())     # integers and float64 data come out in the model's float type
        if self.input_mean is not None:
            mean = np.asarray(self.input_mean, dtype=backend.floatx())
            variance = np.asarray(self.input_variance, dtype=backend.floatx())
        else:
            mean, variance = params["mean"], params["variance"]
        # autograd's numpy: the layer may sit after trained layers, whose outputs are traced
        rank = anp.ndim(x)
        mean = self._broadcast(mean, rank)
        deviation = self._broadcast(anp.maximum(anp.sqrt(variance), backend.epsilon()), rank)
        return mean + x * deviation if self.invert else (x - mean) / deviation

    def get_config(self):
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": _listed(self.input_mean), "variance": _listed(self.input_variance)}


def _listed(value):
    return None if value is None else np.asarray(value).tolist()
