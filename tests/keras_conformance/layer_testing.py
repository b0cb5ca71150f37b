"""Stand-ins the ported Keras layer tests import: run_layer_test, absl's parameterized, and small keras.src modules.

The files copied from keras/src/layers/**/*_test.py import `keras.src.testing`, `absl.testing.parameterized`,
`keras.src.backend` and friends; the porting (see port_keras_layer_tests.py) points those imports here, so each
ported file stays a verbatim copy apart from its imports and the table of cases marked at its end
(`mark_cases`). The TestCase below extends the shared one in testing.py with Keras's `run_layer_test`.
"""
import fnmatch
import inspect
import itertools
import json
import shutil
import tempfile
import types
import unittest

import numpy as np
import pytest

import minikeras
from minikeras import backend as minikeras_backend
from minikeras import saving
from minikeras.layers import Input
from minikeras.layers.serialization import jsonable
from minikeras.models import Model

from . import testing as shared_testing

NEEDS_ISSUE_12 = "needs issue 12"


# ---- absl.testing.parameterized -----------------------------------------------------------------------
def _cases_of(fn):
    return getattr(fn, "_parameter_cases", None)


def _with_cases(cases):
    def decorate(fn):
        fn._parameter_cases = list(cases)
        return fn
    return decorate


def _case(index, case, named):
    """(name suffix, args, kwargs) for one entry of a parameters/named_parameters list."""
    if isinstance(case, dict):
        kwargs = dict(case)
        name = kwargs.pop("testcase_name", None)
        return (f"_{name}" if name else f"{index}"), (), kwargs
    if named:
        return f"_{case[0]}", tuple(case[1:]), {}
    return f"{index}", (case if isinstance(case, tuple) else (case,)), {}


class parameterized:  # noqa: N801  (absl's spelling)
    """absl.testing.parameterized's decorators: each case becomes its own test method."""

    TestCase = unittest.TestCase

    @staticmethod
    def named_parameters(*cases):
        if len(cases) == 1 and isinstance(cases[0], (list, tuple)) and cases[0] and \
                isinstance(cases[0][0], (dict, tuple, list)):
            cases = cases[0]
        return _with_cases(_case(i, c, named=True) for i, c in enumerate(cases))

    @staticmethod
    def parameters(*cases):
        if len(cases) == 1 and isinstance(cases[0], list):   # absl: one list argument is the list of cases
            cases = cases[0]
        elif len(cases) == 1 and isinstance(cases[0], tuple) and cases[0] and isinstance(cases[0][0], (dict, tuple)):
            cases = cases[0]
        return _with_cases(_case(i, c, named=False) for i, c in enumerate(cases))

    @staticmethod
    def product(*dict_lists, **value_lists):
        if dict_lists:
            combos = [dict(itertools.chain.from_iterable(d.items() for d in combo))
                      for combo in itertools.product(*dict_lists)]
        else:
            keys = list(value_lists)
            combos = [dict(zip(keys, values)) for values in itertools.product(*value_lists.values())]
        return _with_cases((f"{i}", (), combo) for i, combo in enumerate(combos))


def named_product(*args, **kwargs):
    """keras.src.testing.test_utils.named_product: every combination, named after its values."""
    if args:
        combos = [dict(itertools.chain.from_iterable(d.items() for d in combo)) for combo in itertools.product(*args)]
    else:
        keys = list(kwargs)
        combos = [dict(zip(keys, values)) for values in itertools.product(*kwargs.values())]
    named = []
    for combo in combos:
        name = combo.pop("testcase_name", None) or "_".join(
            str(getattr(v, "__name__", v)).lower() for k, v in combo.items())
        named.append({"testcase_name": name, **combo})
    return named


def _expand_parameterized(cls):
    for attr, fn in list(vars(cls).items()):
        cases = _cases_of(fn) if callable(fn) else None
        if not cases:
            continue
        delattr(cls, attr)
        for suffix, args, kwargs in cases:
            def method(self, _fn=fn, _args=args, _kwargs=kwargs):
                return _fn(self, *_args, **_kwargs)
            method.__name__ = attr + suffix
            setattr(cls, attr + suffix, method)


def skip_if_backend(backend_name, reason):
    """conftest.skip_if_backend: minikeras is not one of Keras's backends, so nothing is skipped."""
    return lambda fn: fn


# ---- keras.src modules the tests touch ----------------------------------------------------------------
class Missing:
    """A Keras-internal module minikeras does not have (quantizers, dtype_policies, export...): importing it works,
    so the file loads; the cases that use it are skipped in the file's mark table."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Missing(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        return Missing(f"{self._name}()")

    def __repr__(self):
        return f"<missing Keras internal {self._name}>"


class _LayersWithPlaceholders(types.ModuleType):
    """minikeras.layers, where a Keras layer minikeras lacks (Conv3D, ...) is a Missing placeholder, so that a
    file whose parameter lists name it still loads; those cases are skipped in the file's mark table."""

    def __getattr__(self, name):
        found = getattr(minikeras.layers, name, None)
        return found if found is not None else Missing(f"keras.layers.{name}")


layers = _LayersWithPlaceholders("layers")


def _standardize_dtype(dtype):
    return str(np.dtype(getattr(dtype, "dtype", dtype)))


backend = types.SimpleNamespace(
    backend=lambda: "minikeras", SUPPORTS_SPARSE_TENSORS=False, SUPPORTS_RAGGED_TENSORS=False,
    floatx=minikeras_backend.floatx, image_data_format=minikeras_backend.image_data_format,
    set_image_data_format=minikeras_backend.set_image_data_format, standardize_dtype=_standardize_dtype, convert_to_numpy=np.asarray, convert_to_tensor=np.asarray,
    Variable=lambda value, **kwargs: np.asarray(value), standardize_shape=tuple, is_tensor=lambda x: isinstance(x, np.ndarray),
    config=types.SimpleNamespace(floatx=minikeras_backend.floatx, image_data_format=minikeras_backend.image_data_format,
                                 set_image_data_format=minikeras_backend.set_image_data_format,
                                 backend=lambda: "minikeras"),
    KerasTensor=lambda shape, dtype="float32", **kwargs: KerasTensor(shape, dtype),
    compute_output_spec=lambda fn, *args, **kwargs: fn(*args, **kwargs))


def KerasTensor(shape, dtype="float32", **kwargs):  # noqa: N802  (Keras's class name)
    """A symbolic tensor of `shape` (batch axis included), made by minikeras's Input."""
    return Input(batch_shape=tuple(shape), dtype=dtype)


def _rng(seed):
    return np.random.default_rng(None if seed is None else int(seed) if not isinstance(seed, np.random.Generator)
                                 else seed)


random = types.SimpleNamespace(
    normal=lambda shape, mean=0.0, stddev=1.0, dtype="float32", seed=None:
        _rng(seed).normal(mean, stddev, size=shape).astype(dtype),
    uniform=lambda shape, minval=0.0, maxval=1.0, dtype="float32", seed=None:
        _rng(seed).uniform(minval, maxval, size=shape).astype(dtype),
    randint=lambda shape, minval, maxval, dtype="int32", seed=None:
        _rng(seed).integers(minval, maxval, size=shape).astype(dtype),
    SeedGenerator=lambda seed=None, **kwargs: seed)


# ---- keras.src.testing.TestCase ---------------------------------------------------------------------
def _config_json(config):
    return json.dumps(jsonable(config), sort_keys=True, default=repr)


def _eager_inputs(shape, dtype):
    """Keras's create_eager_tensors: uniform floats, or small integers for integer dtypes."""
    if isinstance(shape, dict):
        return {k: _eager_inputs(s, dtype[k]) for k, s in shape.items()}
    if isinstance(shape, list) or (isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))):
        dtypes = dtype if isinstance(dtype, (list, tuple)) else [dtype] * len(shape)
        return [_eager_inputs(tuple(s), d) for s, d in zip(shape, dtypes)]
    values = np.random.default_rng(0).uniform(size=shape)
    if np.dtype(dtype).kind in "iu":
        return (values * 3).astype(dtype)
    return values.astype(dtype)


def _shape_of(value):
    if isinstance(value, (list, tuple)):
        return [tuple(np.shape(v)) for v in value]
    return tuple(value.shape)


def _shapes_match(actual, expected):
    """The same shape, or the same list of shapes."""
    if isinstance(expected, list) or (isinstance(expected, tuple) and expected and isinstance(expected[0], tuple)):
        return isinstance(actual, (list, tuple)) and len(actual) == len(expected) and all(
            _shapes_match(a, e) for a, e in zip(actual, expected))
    return tuple(actual) == tuple(expected)


class TestCase(shared_testing.TestCase):
    """The shared TestCase plus Keras's run_layer_test and the assertions the layer test files use."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _expand_parameterized(cls)

    def assertAllEqual(self, x1, x2, msg=None):  # noqa: N802  (unittest's spelling)
        np.testing.assert_array_equal(np.asarray(x1), np.asarray(x2), err_msg=msg or "")

    def assertAllClose(self, x1, x2, atol=1e-6, rtol=1e-6, msg=None, tpu_atol=None, tpu_rtol=None):  # noqa: N802
        super().assertAllClose(x1, x2, atol=atol, rtol=rtol, msg=msg)

    def get_temp_dir(self):
        temp_dir = tempfile.mkdtemp()
        self.addCleanup(lambda: shutil.rmtree(temp_dir, ignore_errors=True))
        return temp_dir

    def run_class_serialization_test(self, instance, custom_objects=None):
        """Keras's check: the config survives from_config and serialize/deserialize_keras_object (as JSON).
        minikeras has no custom_object_scope, so `custom_objects` is passed to both explicitly."""
        cls = type(instance)
        config = _config_json(instance.get_config())
        takes_objects = "custom_objects" in inspect.signature(cls.from_config).parameters
        revived = (cls.from_config(instance.get_config(), custom_objects=custom_objects) if takes_objects
                   else cls.from_config(instance.get_config()))
        self.assertEqual(config, _config_json(revived.get_config()))
        serialized = json.loads(json.dumps(jsonable(saving.serialize_keras_object(instance))))
        again = saving.deserialize_keras_object(serialized, custom_objects=custom_objects)
        self.assertEqual(config, _config_json(again.get_config()))
        return again

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):  # noqa: N802
        """Only the exception type: minikeras keeps its own wording (docs/differences.md)."""
        return self.assertRaises(expected_exception, *args, **kwargs)

    def assertDType(self, x, dtype, msg=None):  # noqa: N802
        self.assertEqual(_standardize_dtype(getattr(x, "dtype", x)), _standardize_dtype(dtype), msg)

    def run_layer_test(self, layer_cls, init_kwargs, input_shape=None, input_dtype=None, input_sparse=False,
                       input_ragged=False, input_data=None, call_kwargs=None, expected_output_shape=None,
                       expected_output_dtype=None, expected_output_sparse=False, expected_output_ragged=False,
                       expected_output=None, expected_num_trainable_weights=None,
                       expected_num_non_trainable_weights=None, expected_num_non_trainable_variables=None,
                       expected_num_seed_generators=None, expected_num_losses=None, supports_masking=None,
                       expected_mask_shape=None, custom_objects=None, run_training_check=True,
                       run_mixed_precision_check=True, assert_built_after_instantiation=False, tpu_atol=None,
                       tpu_rtol=None):
        """Keras's checks on a layer, those that mean something here: config round trip, masking support,
        eager output shape/values/dtype, weight and loss counts, the symbolic output shape, one training step.
        Seed generators, mixed precision, sparse and ragged inputs are Keras internals and are not checked."""
        if input_sparse or input_ragged or expected_output_sparse or expected_output_ragged:
            pytest.skip("sparse/ragged tensors are Keras internals")
        init_kwargs, call_kwargs = init_kwargs or {}, call_kwargs or {}
        layer = layer_cls(**init_kwargs)
        self.run_class_serialization_test(layer, custom_objects)
        if supports_masking is not None:
            self.assertEqual(layer.supports_masking, supports_masking,
                             msg=f"{layer_cls.__name__}.supports_masking")
        if input_shape is None and input_data is None:
            return
        if input_data is None:
            input_dtype = input_dtype or "float32"
            input_data = _eager_inputs(input_shape, input_dtype)
        output = layer(input_data, **call_kwargs)
        if expected_output_shape is not None:
            self.assertTrue(_shapes_match(_shape_of(output), expected_output_shape),
                            msg=f"eager output shape {_shape_of(output)} != {expected_output_shape}")
        if expected_output is not None:
            self.assertAllClose(output, expected_output, atol=1e-5, rtol=1e-5)
        if expected_output_dtype is not None:
            self.assertDType(output if not isinstance(output, (list, tuple)) else output[0], expected_output_dtype)
        if expected_num_trainable_weights is not None:
            self.assertLen(layer.trainable_weights, expected_num_trainable_weights)
        if expected_num_non_trainable_weights is not None:
            self.assertLen(layer.non_trainable_weights, expected_num_non_trainable_weights)
        if expected_num_losses is not None:
            self.assertLen(layer.losses, expected_num_losses)
        if expected_mask_shape is not None:
            self.assertEqual(tuple(np.shape(layer.compute_mask(input_data))), tuple(expected_mask_shape))
        self._check_symbolic_shape(layer_cls, init_kwargs, input_data, call_kwargs, expected_output_shape)
        if run_training_check and not isinstance(output, (list, tuple, dict)):
            self._check_one_training_step(layer_cls, init_kwargs, input_data, call_kwargs, output)

    def _check_symbolic_shape(self, layer_cls, init_kwargs, input_data, call_kwargs, expected_output_shape):
        if expected_output_shape is None or isinstance(input_data, dict):
            return
        arrays = input_data if isinstance(input_data, list) else [input_data]
        symbols = [Input(batch_shape=np.shape(a), dtype=str(np.asarray(a).dtype)) for a in arrays]
        out = layer_cls(**init_kwargs)(symbols if isinstance(input_data, list) else symbols[0], **call_kwargs)
        shape = [tuple(o.shape) for o in out] if isinstance(out, (list, tuple)) else tuple(out.shape)
        self.assertTrue(_shapes_match(shape, expected_output_shape),
                        msg=f"symbolic output shape {shape} != {expected_output_shape}")

    def _check_one_training_step(self, layer_cls, init_kwargs, input_data, call_kwargs, output):
        arrays = input_data if isinstance(input_data, list) else [input_data]
        if np.asarray(output).dtype.kind != "f":
            return
        symbols = [Input(batch_shape=(None,) + np.shape(a)[1:], dtype=str(np.asarray(a).dtype)) for a in arrays]
        out = layer_cls(**init_kwargs)(symbols if isinstance(input_data, list) else symbols[0], **call_kwargs)
        model = Model(symbols if isinstance(input_data, list) else symbols[0], out)
        model.compile(optimizer="sgd", loss="mse")
        model.fit(input_data, np.zeros_like(np.asarray(output)), epochs=1, verbose=0)


testing = types.SimpleNamespace(TestCase=TestCase, tensorflow_uses_gpu=lambda: False, jax_uses_gpu=lambda: False,
                                 torch_uses_gpu=lambda: False, uses_tpu=lambda: False)


# ---- the table of marked cases at the end of each ported file ---------------------------------------------
def mark_cases(namespace, skip=None, xfail=None):
    """Mark test methods of the TestCase classes in `namespace` by "Class.method" patterns (fnmatch):
    `skip` {pattern: reason} for Keras internals and deliberate differences, `xfail` {pattern: reason} (not strict)
    for what other issues will bring. Every pattern must match a case, so the table cannot go stale."""
    used = set()
    for cls in [v for v in namespace.values() if isinstance(v, type) and issubclass(v, unittest.TestCase)]:
        for attr in [a for a in dir(cls) if a.startswith("test")]:
            key = f"{cls.__name__}.{attr}"
            marks = [(pattern, make(reason))
                     for table, make in ((skip or {}, lambda r: pytest.mark.skip(reason=r)),
                                         (xfail or {}, lambda r: pytest.mark.xfail(strict=False, reason=r)))
                     for pattern, reason in table.items() if fnmatch.fnmatchcase(key, pattern)]
            used.update(pattern for pattern, _ in marks)
            if marks:
                setattr(cls, attr, marks[0][1](getattr(cls, attr)))
    stale = set(skip or {}) | set(xfail or {})
    stale -= used
    if stale:
        raise AssertionError(f"mark_cases: no test matches {sorted(stale)}")


__all__ = ["TestCase", "layers", "parameterized", "named_product", "skip_if_backend", "Missing", "backend", "KerasTensor",
           "random", "testing", "mark_cases", "minikeras", "NEEDS_ISSUE_12"]
