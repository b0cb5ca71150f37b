"""Weight constraints (Keras 3's MaxNorm, NonNeg, UnitNorm, MinMaxNorm): projections applied after each update.

`constraint(w) -> w'` works on plain numpy arrays: it runs outside the gradient, on the new weights.
"""
import numpy as np

from . import backend, legacy
from ._naming import ConfigObject, Family


class Constraint(ConfigObject):
    """Base class: subclasses implement `__call__(w) -> projected w` and `get_config()`."""

    def __call__(self, w):
        return w


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


def _rescaled(w, norms, desired):
    # epsilon keeps an all-zero slice at zero instead of 0 / 0
    return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype, copy=False)


class MaxNorm(Constraint):
    """Rescales each slice along `axis` whose L2 norm exceeds max_value down to max_value.
    For a Dense kernel (input_dim, units), axis=0 constrains each unit's incoming weights."""

    def __init__(self, max_value=2, axis=0, m=None):
        if m is not None:
            legacy.warn_once("MaxNorm(m=...)", "MaxNorm(max_value=...)")
            max_value = m
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = np.asarray(w)
        norms = _norms(w, self.axis)
        return _rescaled(w, norms, np.clip(norms, 0, self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w):
        return np.maximum(np.asarray(w), 0)


class UnitNorm(Constraint):
    """Rescales each slice along `axis` to L2 norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = np.asarray(w)
        norms = _norms(w, self.axis)
        return (w / (backend.epsilon() + norms)).astype(w.dtype, copy=False)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each slice's L2 norm into [min_value, max_value]; rate < 1 moves it only that fraction of the way."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = np.asarray(w)
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return _rescaled(w, norms, desired)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


# Keras 3 exports the classes under snake_case names as well; Keras 1/2 code wrote maxnorm(2), nonneg(), ...
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
maxnorm, nonneg, unitnorm = MaxNorm, NonNeg, UnitNorm

_BY_NAME = {cls.__name__: cls for cls in (MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
_BY_NAME.update({"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
                 "maxnorm": MaxNorm, "nonneg": NonNeg, "unitnorm": UnitNorm})


_FAMILY = Family("constraint", "keras.constraints", Constraint, _BY_NAME,
                 "a name such as 'max_norm', a config dict, a Constraint or a callable(w)")


def get(identifier):
    """None -> None; a name ('max_norm', ...) -> an instance with Keras's defaults; a config dict -> the
    instance; an instance or any callable(w) -> itself."""
    return _FAMILY.get(identifier)


def serialize(constraint):
    """The dict Keras 3 writes for a constraint ({'module', 'class_name', 'config', 'registered_name'})."""
    return _FAMILY.serialize(constraint)


def deserialize(config, custom_objects=None):
    """A name or a saved dict back to a constraint; `custom_objects` maps names to your own classes."""
    return _FAMILY.deserialize(config, custom_objects)
