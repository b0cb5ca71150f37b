"""Numeric settings the whole package shares: the float type, epsilon, and the one seeded random source."""
import contextlib

import numpy as np

_FLOAT_TYPES = ("float16", "float32", "float64")
_floatx = "float32"
_rng = np.random.default_rng()


def floatx():
    """The default float dtype name of weights and computations ('float32' unless set)."""
    return _floatx


def set_floatx(value):
    """Set the default float dtype of new weights and computations: 'float16', 'float32' (the default) or 'float64'."""
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
    """The shared numpy Generator behind initialisation, dropout and shuffling (reseeded by set_seed)."""
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


_blas_threads = 1
_blas_controller = None


def set_blas_threads(count):
    """Threads numpy's BLAS may use inside fit/evaluate/predict: 1 by default, None to leave BLAS alone.

    minikeras's matrices are small; a multithreaded BLAS gains little on them and, on a busy machine,
    its spin-waiting threads made a training epoch 5-10 times slower in our measurements.
    """
    global _blas_threads
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError(f"set_blas_threads: expected a positive integer or None, got {count!r}.")
    _blas_threads = count


def blas_threads_limited():
    """A context in which BLAS uses `set_blas_threads`'s count (a no-op without threadpoolctl)."""
    global _blas_controller
    if _blas_threads is None:
        return contextlib.nullcontext()
    if _blas_controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            return contextlib.nullcontext()
        _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=_blas_threads, user_api="blas")
