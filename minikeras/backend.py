"""Numeric settings the whole package shares: the float type, epsilon, and the one seeded random source."""
import numpy as np

_FLOAT_TYPES = ("float16", "float32", "float64")
_floatx = "float32"
_rng = np.random.default_rng()


def floatx():
    """The default float dtype name of weights and computations ('float32' unless set)."""
    return _floatx


def set_floatx(value):
    global _floatx
    if value not in _FLOAT_TYPES:
        raise ValueError(f"set_floatx: expected one of {_FLOAT_TYPES}, got {value!r}.")
    _floatx = str(value)


def epsilon():
    """The fuzz factor Keras adds to denominators and clips probabilities with."""
    return 1e-7


def set_seed(seed):
    """Reseed the single random source behind initialisation, dropout and shuffling."""
    global _rng
    _rng = np.random.default_rng(seed)


def global_rng():
    return _rng


def new_rng():
    """An independent generator drawn from the global source, so seeded runs repeat bit for bit."""
    return np.random.default_rng(int(_rng.integers(2**63)))


class LazyRng:
    """A generator made on first use: most training steps draw no random numbers, and making one costs time."""

    def __init__(self):
        self._generator = None

    def __getattr__(self, name):
        if self._generator is None:
            self._generator = new_rng()
        return getattr(self._generator, name)
