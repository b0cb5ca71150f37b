"""Activation layers with options of their own: ReLU, LeakyReLU, PReLU (a learned slope), ELU, Softmax; and Identity.

Keras 1/2's ThresholdedReLU is here too, as the ReLU that computes the same.

The same functions as `minikeras.activations`, as layers whose options are saved in their config. All pass masks on;
Softmax also reads one, to give masked positions zero probability.
"""
import math

import autograd.numpy as anp
import numpy as np

from .. import activations, constraints, initializers, legacy, regularizers
from .base import Layer


def _number(owner, what, value, allow_none=False):
    """A finite number >= 0 (or None when allowed), as Keras 3 requires of these activation options."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{owner}: {what} must be a finite number >= 0{' or None' if allow_none else ''}, "
                         f"got {value!r}.")
    return float(value)


class _Elementwise(Layer):
    """A layer applying one function to every value: masks pass through, every position is independent."""

    supports_masking = True
    same_at_every_position = True
    keras_built_at_init = True  # Keras 3 builds these weightless layers at construction: no build_config is saved

    def check_input_shape(self, input_shape):
        """Any shape: an elementwise function has nothing to check (Keras checks nothing either)."""


class Identity(_Elementwise):
    """Returns its input unchanged (a placeholder where a layer is expected, e.g. an optional block)."""

    def call(self, params, x, mask=None, training=False, rng=None):
        return x


class ReLU(_Elementwise):
    """max(x, 0), with Keras's options: values below `threshold` become negative_slope * (x - threshold), and the
    output is capped at `max_value`."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _number("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _number("ReLU", "negative_slope", negative_slope)
        self.threshold = _number("ReLU", "threshold", threshold)

    def call(self, params, x, mask=None, training=False, rng=None):
        return activations.relu(x, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


def ThresholdedReLU(theta=1.0, **kwargs):
    """Keras 1/2's ThresholdedReLU (x above theta, else 0), gone from Keras 3: returns ReLU(threshold=theta), which
    computes the same, and warns once."""
    legacy.warn_once("ThresholdedReLU(theta=...)", "ReLU(threshold=...)")
    return ReLU(threshold=theta, **kwargs)


class LeakyReLU(_Elementwise):
    """x for x >= 0, negative_slope * x below (default slope 0.3). Keras 1/2's `alpha=` is accepted."""

    def __init__(self, negative_slope=0.3, alpha=None, **kwargs):
        # alpha is a named parameter so that Keras 2 configs, which store it, load too
        if alpha is not None:
            if negative_slope != 0.3:
                raise TypeError("LeakyReLU: 'alpha' (Keras 1/2) and 'negative_slope' (Keras 3) name the same "
                                "argument; give one.")
            legacy.warn_once("LeakyReLU(alpha=...)", "negative_slope=...")
            negative_slope = alpha
        super().__init__(**kwargs)
        self.negative_slope = _number("LeakyReLU", "negative_slope", negative_slope)

    def call(self, params, x, mask=None, training=False, rng=None):
        return activations.leaky_relu(x, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_Elementwise):
    """x for x > 0, alpha * (exp(x) - 1) below (default alpha 1.0)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) \
                or not math.isfinite(alpha):
            raise ValueError(f"ELU: alpha must be a finite number, got {alpha!r}.")
        self.alpha = float(alpha)

    def call(self, params, x, mask=None, training=False, rng=None):
        return activations.elu(x, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """Leaky ReLU with a learned slope: x for x >= 0, alpha * x below. `alpha` has one value per input position
    (batch axis excluded); `shared_axes` (counted from 1, as in Keras) share one value along those axes, e.g.
    shared_axes=[1, 2] for one slope per channel of an image."""

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        given = legacy.rename(dict(kwargs), {"init": "alpha_initializer"}, "PReLU")
        alpha_initializer = given.pop("alpha_initializer", alpha_initializer)
        super().__init__(**given)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = _shared_axes(shared_axes)

    def _alpha_shape(self, input_shape):
        rank = len(input_shape)
        for axis in self.shared_axes or []:
            if not 1 <= axis < rank:
                raise ValueError(f"Layer '{self.name}' (PReLU): shared_axes {self.shared_axes} must count from 1 to "
                                 f"{rank - 1} for inputs of shape {input_shape}.")
        shape = [1 if axis in (self.shared_axes or []) else size for axis, size in enumerate(input_shape) if axis]
        if None in shape:
            raise ValueError(f"Layer '{self.name}' (PReLU) needs every unshared axis known to size alpha, got input "
                             f"shape {input_shape}; share the unknown axes with shared_axes=[...].")
        return tuple(shape)

    def build(self, input_shape, rng):
        if not isinstance(input_shape, tuple) or len(input_shape) < 2:
            raise ValueError(f"Layer '{self.name}' (PReLU) expects inputs of rank >= 2, got shape {input_shape}.")
        return {"alpha": self.alpha_initializer(self._alpha_shape(input_shape), rng=rng)}

    def check_input_shape(self, input_shape):
        built = getattr(self, "_build_input_shape", None)
        if self.built and built is not None and isinstance(input_shape, tuple) and (
                len(input_shape) != len(built) or self._alpha_shape(input_shape) != self.params["alpha"].shape):
            raise ValueError(f"Layer '{self.name}' (PReLU) was built for inputs of shape {built}, got {input_shape}.")

    def call(self, params, x, mask=None, training=False, rng=None):
        return anp.maximum(x, 0.0) - params["alpha"] * anp.maximum(-x, 0.0)

    def weight_regularizers(self):
        return {"alpha": self.alpha_regularizer}

    def weight_constraints(self):
        return {"alpha": self.alpha_constraint}

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint), "shared_axes": self.shared_axes}


def _shared_axes(value):
    if value is None:
        return None
    axes = list(value) if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"PReLU: shared_axes must be an integer or a list of integers, got {value!r}.")
    return [int(a) for a in axes]


class Softmax(Layer):
    """exp(x) normalized to sum to 1 along `axis` (an int or a list of ints). With a mask (True = keep) that
    broadcasts to the input, masked positions get probability 0, as in Keras 3."""

    call_arguments = ("mask",)

    supports_masking = True
    keras_built_at_init = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, (int, np.integer)) for a in axis) and axis:
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise TypeError(f"Softmax: axis must be an integer or a list of integers, got {axis!r}.")

    def _axes(self):
        return self.axis if isinstance(self.axis, list) else [self.axis]

    def build(self, input_shape, rng):
        self.check_input_shape(input_shape)
        return {}

    def check_input_shape(self, input_shape):
        rank = len(input_shape)
        if any(not -rank <= a < rank for a in self._axes()):
            raise ValueError(f"Layer '{self.name}' (Softmax): axis {self.axis} is out of range for inputs of shape "
                             f"{input_shape}.")

    def call(self, params, x, mask=None, training=False, rng=None):
        if mask is not None:
            mask = self._checked_mask(x, mask)
            # a large negative score, not -inf: a fully masked row must not become nan before it is zeroed
            x = anp.where(mask, x, -1e9)
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        y = activations.softmax(x, axis=axis)
        return y if mask is None else anp.where(mask, y, 0.0)

    def _checked_mask(self, x, mask):
        mask = np.asarray(mask)
        shape = np.shape(x)
        if mask.ndim > len(shape) or any(m not in (1, d) for m, d in zip(mask.shape[::-1], shape[::-1])):
            raise ValueError(f"Layer '{self.name}' (Softmax): the mask must broadcast to the inputs (each axis, "
                             f"aligned from the last, of size 1 or the input's size); got mask shape {mask.shape} "
                             f"for inputs of shape {shape}.")
        return mask if mask.dtype == bool else mask > 0.5

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
