"""Ported from Keras 3.15.1: keras/src/layers/reshaping/repeat_vector_test.py (Apache 2.0), run on minikeras.

Keras's code is unchanged apart from its imports (see port_keras_layer_tests.py); the cases marked at
the end are skipped (Keras internals, deliberate differences) or expected to fail until another
issue lands (xfail, not strict)."""
from .layer_testing import Missing, mark_cases, NEEDS_ISSUE_12  # noqa: F401
import numpy as np

from .layer_testing import layers
from minikeras import ops
from .layer_testing import testing


class FlattenTest(testing.TestCase):
    def test_repeat_vector(self):
        inputs = np.random.random((2, 5)).astype("float32")
        expected_output = ops.convert_to_tensor(
            np.repeat(np.reshape(inputs, (2, 1, 5)), 3, axis=1)
        )
        self.run_layer_test(
            layers.RepeatVector,
            init_kwargs={"n": 3},
            input_data=inputs,
            expected_output=expected_output,
        )

    def test_repeat_vector_with_dynamic_batch_size(self):
        input_layer = layers.Input(batch_shape=(None, 5))
        repeated = layers.RepeatVector(n=3)(input_layer)
        self.assertEqual(repeated.shape, (None, 3, 5))

    def test_repeat_vector_with_dynamic_dimension(self):
        input_layer = layers.Input(batch_shape=(2, None))
        repeated = layers.RepeatVector(n=3)(input_layer)
        self.assertEqual(repeated.shape, (2, 3, None))

    def test_repeat_vector_with_invalid_n(self):
        with self.assertRaisesRegex(
            TypeError, "Expected an integer value for `n`"
        ):
            layers.RepeatVector(n="3")

        with self.assertRaisesRegex(
            TypeError, "Expected an integer value for `n`"
        ):
            layers.RepeatVector(n=3.5)

        with self.assertRaisesRegex(
            TypeError, "Expected an integer value for `n`"
        ):
            layers.RepeatVector(n=[3])

    def test_repeat_vector_with_non_positive_n(self):
        for n in (0, -3):
            with self.assertRaisesRegex(
                ValueError, "should be a positive integer"
            ):
                layers.RepeatVector(n=n)


mark_cases(globals(), skip={}, xfail={})
