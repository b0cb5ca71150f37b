"""Weight regularizers (Keras 3's L1, L2, L1L2, OrthogonalRegularizer): `reg(weights)` is a penalty added to the loss."""
import math

import autograd.numpy as anp

from . import legacy
from ._naming import ConfigObject, Family


def _factor(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value) \
            or value < 0:
        raise ValueError(f"Regularizer {owner}: {name} must be a finite number >= 0, got {value!r}.")
    return float(value)


class Regularizer(ConfigObject):
    """Base class: subclasses implement `__call__(x) -> scalar` and `get_config()`."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")


def _keras1_factor(value, l, owner, keras3_name):
    """Keras 1/2 wrote regularizers.l2(l=0.01); Keras 3 names the argument after the penalty."""
    if l is None:
        return value
    legacy.warn_once(f"regularizers.{owner}(l=...)", f"regularizers.{owner}({keras3_name}=...)")
    return l


class L1(Regularizer):
    """l1 * sum(|x|)."""

    def __init__(self, l1=0.01, l=None):
        l1 = _keras1_factor(l1, l, "l1", "l1")
        self.l1 = _factor(0.01 if l1 is None else l1, "l1", "L1")

    def __call__(self, x):
        return self.l1 * anp.sum(anp.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 * sum(x ** 2)."""

    def __init__(self, l2=0.01, l=None):
        l2 = _keras1_factor(l2, l, "l2", "l2")
        self.l2 = _factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x):
        return self.l2 * anp.sum(x * x)

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x ** 2); a factor of 0 leaves its term out."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * anp.sum(anp.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * anp.sum(x * x)
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (mode='rows') or columns of a 2-D weight towards being orthogonal: factor times the
    mean |cosine| between distinct pairs of them."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns', got {mode!r}.")
        self.mode = mode

    def __call__(self, x):
        if anp.ndim(x) != 2:
            raise ValueError(f"OrthogonalRegularizer works on 2-D weights, got shape {anp.shape(x)}.")
        vectors = x if self.mode == "rows" else anp.transpose(x)
        # Keras caps 1/norm at 1/epsilon, so an all-zero row counts as orthogonal to everything
        inverse_norms = anp.minimum(1.0 / anp.sqrt(anp.sum(vectors * vectors, axis=1, keepdims=True)), 1e7)
        unit = vectors * inverse_norms
        cosines = anp.dot(unit, anp.transpose(unit))
        size = cosines.shape[0]
        off_diagonal = anp.sum(anp.abs(cosines)) - anp.sum(anp.abs(anp.diag(cosines)))
        return self.factor * 0.5 * off_diagonal / (size * (size - 1.0) / 2.0)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras 3 exports each class under its lower-case name too: regularizers.l2(0.01) is L2(0.01)
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


def l1l2(l1=0.01, l2=0.01):
    """Keras 1's spelling, with Keras 1's defaults."""
    legacy.warn_once("regularizers.l1l2", "regularizers.l1_l2")
    return L1L2(l1=l1, l2=l2)


_BY_NAME = {cls.__name__: cls for cls in (L1, L2, L1L2, OrthogonalRegularizer)}
_BY_NAME.update({"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer})
# As strings, 'l1_l2' and 'l1l2' mean 0.01 of each, as Keras documents (a bare L1L2() has zeros: no penalty).
_STRING_DEFAULTS = {"l1_l2": {"l1": 0.01, "l2": 0.01}, "l1l2": {"l1": 0.01, "l2": 0.01}}


_FAMILY = Family("regularizer", "keras.regularizers", Regularizer, _BY_NAME,
                 "a name such as 'l2', a config dict, a Regularizer or a callable(x)", _STRING_DEFAULTS)


def get(identifier):
    """None -> None; a name ('l1', 'l2', 'l1_l2') -> an instance with Keras's default factor;
    a config dict -> the instance; an instance or any callable(x) -> itself."""
    return _FAMILY.get(identifier)


def serialize(regularizer):
    """The dict Keras 3 writes for a regularizer ({'module', 'class_name', 'config', 'registered_name'})."""
    return _FAMILY.serialize(regularizer)


def deserialize(config, custom_objects=None):
    """A name or a saved dict back to a regularizer; `custom_objects` maps names to your own classes."""
    return _FAMILY.deserialize(config, custom_objects)
