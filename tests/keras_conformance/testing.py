"""A small stand-in for keras.src.testing, so test cases ported from Keras's own *_test.py files run on minikeras.

TestCase has the assertions those files use; Variable stands in for keras.Variable (a value with assign,
numpy(), a name and an optional constraint), which is what minikeras optimizers accept as a weight handle.
"""
import json
import os
import unittest

import numpy as np

from minikeras.metrics.state import MetricVariable

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def load_fixtures(stem):
    """The json facts and npz arrays a make_*_fixtures.py script wrote under tests/fixtures/."""
    with open(os.path.join(FIXTURES, stem + ".json")) as f:
        facts = json.load(f)
    path = os.path.join(FIXTURES, stem + ".npz")
    return facts, (dict(np.load(path)) if os.path.exists(path) else {})


class Variable(MetricVariable):
    """keras.Variable's face: a float32 array read with numpy() and changed with assign(), usable in arithmetic
    (minikeras's MetricVariable, with a dtype and an optional constraint)."""

    def __init__(self, value, dtype="float32", name="variable"):
        super().__init__(np.array(value, dtype=dtype), name=name)
        self.constraint = None


class TestCase(unittest.TestCase):
    """unittest.TestCase plus the assertions of keras.src.testing.TestCase that the ported files use."""

    def assertAllClose(self, x1, x2, atol=1e-6, rtol=1e-6, msg=None):
        np.testing.assert_allclose(np.asarray(x1, dtype="float64"), np.asarray(x2, dtype="float64"),
                                   atol=atol, rtol=rtol, err_msg=msg or "")

    def assertNotAllClose(self, x1, x2, atol=1e-6, rtol=1e-6, msg=None):
        self.assertFalse(np.allclose(np.asarray(x1), np.asarray(x2), atol=atol, rtol=rtol), msg)

    def assertAlmostEqual(self, x1, x2, decimal=3, tpu_decimal=None, msg=None, places=None, delta=None):  # noqa: N802
        """Keras's: equal to `decimal` (3) places, for arrays too (numpy's assert_almost_equal); unittest's
        `places`/`delta` still work."""
        if places is not None or delta is not None:
            return super().assertAlmostEqual(x1, x2, places=places, msg=msg, delta=delta)
        np.testing.assert_almost_equal(np.asarray(x1), np.asarray(x2), decimal=decimal, err_msg=msg or "")

    def assertLen(self, container, length):
        self.assertEqual(len(container), length)

    def assertStartsWith(self, text, prefix):  # noqa: N802  (absl's spelling)
        self.assertTrue(str(text).startswith(prefix), f"{text!r} does not start with {prefix!r}")

    def run_class_serialization_test(self, instance, custom_objects=None):
        """get_config -> from_config -> get_config is the identity, and the object survives
        serialize_keras_object / deserialize_keras_object with the same config."""
        from minikeras import saving
        cls = type(instance)
        config = instance.get_config()
        revived = cls.from_config(config)
        self.assertEqual(config, revived.get_config())
        serialized = saving.serialize_keras_object(instance)
        json.dumps(serialized)
        again = saving.deserialize_keras_object(serialized, custom_objects=custom_objects)
        self.assertIsInstance(again, cls)
        self.assertEqual(config, again.get_config())
        return again
