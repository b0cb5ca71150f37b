"""Numeric settings the whole package shares: the float type, epsilon, the image layout, and the one seeded random
source. Keras 2's backend functions (K.sum, K.mean, ...) are looked up here too, from keras2_backend.py."""
import contextlib

import numpy as np

_FLOAT_TYPES = ("float16", "float32", "float64")
_floatx = "float32"
_epsilon = 1e-7
_image_data_format = "channels_last"
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
    """The fuzz factor Keras adds to denominators and clips probabilities with (1e-7 unless set)."""
    return _epsilon


def set_epsilon(value):
    """Set the fuzz factor epsilon() returns (a positive number)."""
    global _epsilon
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"set_epsilon: expected a positive number, got {value!r}.")
    _epsilon = float(value)


def image_data_format():
    """The default image layout: 'channels_last' (the default) or 'channels_first'."""
    return _image_data_format


def set_image_data_format(data_format):
    """Set the default image layout: 'channels_last' or 'channels_first'."""
    global _image_data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format: expected 'channels_last' or 'channels_first', got "
                         f"{data_format!r}.")
    _image_data_format = str(data_format)


def backend():
    """The backend's name, as Keras's `backend()` gives it: 'numpy' (minikeras computes with numpy and autograd)."""
    return "numpy"


_unsafe_deserialization = {"enabled": False}


def enable_unsafe_deserialization():
    """Let every load rebuild Lambda functions stored as bytecode, as if given safe_mode=False (Keras 3's
    keras.config.enable_unsafe_deserialization): only for files you trust."""
    _unsafe_deserialization["enabled"] = True


def unsafe_deserialization_enabled():
    return _unsafe_deserialization["enabled"]


def clear_session():
    """Start automatic layer names afresh ('dense', 'dense_1', ... begin again), as Keras's clear_session does."""
    from .layers import base  # imported here: backend sits below layers, and only this reset reaches up
    base._name_counts.clear()


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


_allocator_tuned = False
_ALLOCATOR_TUNING = True


def set_allocator_tuning(enabled):
    """Whether minikeras may tune glibc's malloc on first fit/evaluate/predict (on by default; see below)."""
    global _ALLOCATOR_TUNING
    _ALLOCATOR_TUNING = bool(enabled)


def allocator_tuning():
    """Whether minikeras tunes glibc's malloc (`set_allocator_tuning`)."""
    return _ALLOCATOR_TUNING


def tune_allocator_once():
    """Keep freed arrays of up to a few MB inside the process (glibc on Linux only).

    A training step allocates and frees many arrays of a few hundred KB; by default glibc hands such
    blocks back to the kernel and takes fresh ones, and touching fresh pages made a tagger epoch about
    30 % slower in our measurements (docs/performance.md). Raising malloc's mmap threshold to 64 MB and
    its trim threshold to 256 MB reuses that memory instead (a layer of 128 units over 100 steps has gate
    arrays of 13 MB: below 64 MB its epoch took a quarter less time); freed memory stays for reuse.
    """
    global _allocator_tuned
    if _allocator_tuned or not _ALLOCATOR_TUNING:
        return
    _allocator_tuned = True
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return                                  # not glibc: nothing to tune
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 64 * 1024 * 1024)
    mallopt(m_trim_threshold, 256 * 1024 * 1024)


def __getattr__(name):
    # Keras 2's backend functions (K.sum, K.dot, ...) live in keras2_backend, loaded on first use: it needs ops,
    # which needs this module. Dunder lookups (the import system asks for __path__) must not load it.
    if name.startswith("__"):
        raise AttributeError(f"module 'minikeras.backend' has no attribute {name!r}")
    from . import keras2_backend
    if name in keras2_backend.__all__:
        return getattr(keras2_backend, name)
    raise AttributeError(f"module 'minikeras.backend' has no attribute {name!r}")
