"""Stand-ins the ported Keras tests of optimizers, losses, metrics, initializers, regularizers, constraints and
callbacks import in place of keras.src.backend, keras.src.testing, absl's parameterized and test utilities.

See port_keras_object_tests.py: the ported files stay Keras's code apart from their imports and the table of
marked cases at their end. The TestCase is the shared one (testing.py); `parameterized`, `Missing`,
`skip_if_backend` and `mark_cases` come from layer_testing.py, shared with the ported layer tests.
"""
import os
import types

import numpy as np

import minikeras
from minikeras import backend as minikeras_backend
from minikeras.utils import to_categorical

from .layer_testing import (KerasTensor, Missing, layers, mark_cases, parameterized, random,  # noqa: F401
                            skip_if_backend)
from .layer_testing import TestCase as _LayerTestCase
from .testing import TestCase as _SharedTestCase, Variable


def _standardize_dtype(dtype):
    return np.dtype(dtype or minikeras_backend.floatx()).name


def _keras_variable(initializer=None, shape=None, dtype=None, trainable=True, name="variable", **kwargs):
    if callable(initializer):
        initializer = initializer(shape, dtype=dtype)
    return Variable(initializer, dtype=_standardize_dtype(dtype), name=name)


backend = types.SimpleNamespace(
    backend=lambda: "jax",   # the ported cases run as they do on Keras's JAX backend
    Variable=_keras_variable,
    KerasVariable=Variable,
    convert_to_tensor=lambda x, dtype=None: np.asarray(x, dtype=dtype),
    convert_to_numpy=np.asarray,
    floatx=minikeras_backend.floatx,
    set_floatx=minikeras_backend.set_floatx,
    epsilon=minikeras_backend.epsilon,
    standardize_dtype=_standardize_dtype,
    is_tensor=lambda x: isinstance(x, np.ndarray),
    shape=np.shape,
    jax_uses_gpu=lambda: False,
    random=minikeras.random,
    numpy=types.SimpleNamespace(zeros=np.zeros, ones=np.ones),
)
testing = types.SimpleNamespace()


def get_test_data(train_samples, test_samples, input_shape, num_classes, random_seed=None):
    """Keras's test_utils.get_test_data: Gaussian blobs around one centre per class."""
    rng = np.random.default_rng(random_seed)
    total = train_samples + test_samples
    labels = rng.integers(0, num_classes, size=total)
    centres = rng.normal(size=(num_classes,) + tuple(input_shape))
    x = (centres[labels] + rng.normal(size=(total,) + tuple(input_shape))).astype("float32")
    return (x[:train_samples], labels[:train_samples]), (x[train_samples:], labels[train_samples:])


test_utils = types.SimpleNamespace(get_test_data=get_test_data)
numerical_utils = types.SimpleNamespace(to_categorical=to_categorical)


class TestCase(_LayerTestCase):
    """layer_testing's TestCase (parameterized cases, temp dirs, dtype asserts) with the shared
    run_class_serialization_test for objects rather than layers."""

    run_class_serialization_test = _SharedTestCase.run_class_serialization_test

    def setUp(self):
        # Keras's TestCase starts each case with a fresh session (automatic names 'adam', 'dense' begin again)
        super().setUp()
        minikeras_backend.clear_session()


testing.TestCase = TestCase
testing.jax_uses_gpu = lambda: False
minikeras = minikeras
os = os
