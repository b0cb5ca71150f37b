"""Stand-ins for the ported tests of Keras's extension points (layer, model, functional, sequential, saving):
layer_testing's plus the few keras.src modules those files touch (keras.src.tree, backend.numpy, object_registration).

Ported by port_keras_model_tests.py; the Keras internals among them (KerasTensor masks, remat, global state,
SeedGenerator) are `Missing` placeholders whose cases are skipped in each file's table.
"""
import types

import numpy as np

import minikeras
import minikeras.ops
import minikeras.random
from minikeras import custom_objects as minikeras_custom_objects
from minikeras import saving as minikeras_saving

from minikeras import backend as minikeras_backend

from minikeras.layers import Input
from minikeras.layers.node import KerasTensor as MinikerasKerasTensor

from .layer_testing import (Missing, layers, mark_cases, named_product,  # noqa: F401
                            parameterized, skip_if_backend)
from .layer_testing import TestCase as LayerTestCase
from .layer_testing import testing as layer_testing_namespace
from .layer_testing import backend as layer_backend
from .layer_testing import random as layer_random

class _KerasTensorType(type):
    def __instancecheck__(cls, value):
        return isinstance(value, MinikerasKerasTensor)


class KerasTensor(metaclass=_KerasTensorType):
    """keras.KerasTensor: made from a shape (batch axis included) it is minikeras's Input(batch_shape=...), and
    isinstance(x, KerasTensor) asks whether x is a minikeras symbolic tensor."""

    def __new__(cls, shape, dtype="float32", **kwargs):
        return Input(batch_shape=tuple(shape), dtype=dtype)


class TestCase(LayerTestCase):
    """layer_testing's TestCase, starting every case with fresh automatic names as Keras's does (its setUp
    clears the session), since these files check names such as 'inner_layer/inner'."""

    def setUp(self):
        super().setUp()
        minikeras_backend.clear_session()


testing = types.SimpleNamespace(**{**vars(layer_testing_namespace), "TestCase": TestCase,
                                   "jax_uses_tpu": lambda: False, "uses_gpu": lambda: False})

backend = types.SimpleNamespace(**{
    **vars(layer_backend),
    "KerasTensor": KerasTensor},
    numpy=types.SimpleNamespace(ones=np.ones, array=np.array, zeros=np.zeros),
    random=types.SimpleNamespace(**vars(layer_random)),
    SUPPORTS_COMPLEX_DTYPES=False,
    get_keras_mask=Missing("keras.src.backend.get_keras_mask"),
    set_keras_mask=Missing("keras.src.backend.set_keras_mask"),
    common=Missing("keras.src.backend.common"))


def _is_leaf(x):
    return not isinstance(x, (list, tuple, dict))


def _flatten(structure):
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _map_structure(fn, *structures):
    first = structures[0]
    if isinstance(first, dict):
        return {key: _map_structure(fn, *(s[key] for s in structures)) for key in first}
    if isinstance(first, (list, tuple)):
        items = [_map_structure(fn, *parts) for parts in zip(*structures)]
        return type(first)(*items) if hasattr(first, "_fields") else type(first)(items)
    return fn(*structures)


def _assert_same_structure(a, b, check_types=False):
    if _is_leaf(a) or _is_leaf(b):
        if _is_leaf(a) != _is_leaf(b):
            raise ValueError(f"different structures: {a!r} and {b!r}")
        return
    if isinstance(a, dict) != isinstance(b, dict) or len(a) != len(b):
        raise ValueError(f"different structures: {a!r} and {b!r}")
    if isinstance(a, dict):
        if set(a) != set(b):
            raise ValueError(f"different keys: {sorted(a)} and {sorted(b)}")
        for key in a:
            _assert_same_structure(a[key], b[key], check_types)
        return
    if check_types and type(a) is not type(b):
        raise TypeError(f"different types: {type(a).__name__} and {type(b).__name__}")
    for x, y in zip(a, b):
        _assert_same_structure(x, y, check_types)


tree = types.SimpleNamespace(flatten=_flatten, map_structure=_map_structure,
                             assert_same_structure=_assert_same_structure)

object_registration = types.SimpleNamespace(
    register_keras_serializable=minikeras_custom_objects.register_keras_serializable,
    custom_object_scope=minikeras_custom_objects.custom_object_scope,
    CustomObjectScope=minikeras_custom_objects.CustomObjectScope,
    get_custom_objects=minikeras_custom_objects.get_custom_objects,
    get_registered_name=minikeras_custom_objects.get_registered_name,
    get_registered_object=minikeras_custom_objects.get_registered_object,
    # Keras's module-level {object: registered name}; minikeras keeps the same dict in custom_objects
    GLOBAL_CUSTOM_NAMES=minikeras_custom_objects._NAMES)

serialization_lib = types.SimpleNamespace(
    serialize_keras_object=minikeras_saving.serialize_keras_object,
    deserialize_keras_object=minikeras_saving.deserialize_keras_object,
    SafeModeScope=Missing("keras.src.saving.serialization_lib.SafeModeScope"),
    ObjectSharingScope=Missing("keras.src.saving.serialization_lib.ObjectSharingScope"))


class _OpsWithRandom(types.ModuleType):
    """minikeras.ops as keras.src.ops is seen from inside Keras: that module also holds `random` (Keras's
    backend random functions), which the test files reach as `ops.random.uniform`."""

    random = minikeras.random

    def __getattr__(self, name):
        return getattr(minikeras.ops, name)


ops = _OpsWithRandom("ops")


class _KerasWithConfig(types.ModuleType):
    """`import keras` as the ops test files use it: minikeras, plus keras.config.backend()."""

    config = types.SimpleNamespace(backend=lambda: "minikeras", floatx=minikeras_backend.floatx)

    def __getattr__(self, name):
        return getattr(minikeras, name)


keras = _KerasWithConfig("keras")


class _NumpyOpsWithPlaceholders(types.ModuleType):
    """minikeras.ops.numpy, where a name it lacks (Keras's Operation classes such as knp.Arccos, used to build
    parameter lists) is a Missing placeholder, so the file loads; those cases are skipped in its table."""

    def __getattr__(self, name):
        import minikeras.ops.numpy as numpy_ops
        found = getattr(numpy_ops, name, None)
        return found if found is not None else Missing(f"keras.ops.numpy.{name}")


knp = _NumpyOpsWithPlaceholders("knp")

# keras.src.backend.common.dtypes, as far as class bodies of the ops tests read it: the dtype tests themselves are
# skipped (numbers and dtypes are checked against Keras's fixtures in tests/ops), so two dtypes of a kind will do
dtypes = types.SimpleNamespace(ALLOWED_DTYPES=("float16", "float32", "int16", "int32"), FLOAT8_TYPES=(),
                               INT_TYPES=("int16", "int32"), FLOAT_TYPES=("float16", "float32"))


def _save_weights_only(model, filepath, max_shard_size=None):
    model.save_weights(filepath)


def _load_weights_only(model, filepath, skip_mismatch=False, **kwargs):
    model.load_weights(filepath, skip_mismatch=skip_mismatch)


# keras.src.saving.saving_lib: its public functions are minikeras.saving's; its stores and limits are internal
saving_lib = types.SimpleNamespace(
    save_model=lambda model, filepath, weights_format="h5", zipped=True: minikeras_saving.save_model(model, filepath),
    load_model=minikeras_saving.load_model, save_weights_only=_save_weights_only,
    load_weights_only=_load_weights_only, **{name: Missing(f"keras.src.saving.saving_lib.{name}") for name in (
        "DiskIOStore", "H5IOStore", "NpzIOStore", "ShardedH5IOStore", "_CONFIG_FILENAME", "_METADATA_FILENAME",
        "_MEMORY_UPPER_BOUND", "_safe_zip_read", "safe_get_h5")})

