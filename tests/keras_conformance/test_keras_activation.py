"""Ported from Keras 3.15.1: keras/src/layers/activations/activation_test.py (Apache 2.0), run on minikeras.

Keras's code is unchanged apart from its imports (see port_keras_layer_tests.py); the cases marked at
the end are skipped (Keras internals, deliberate differences) or expected to fail until another
issue lands (xfail, not strict)."""
from .layer_testing import Missing, mark_cases, NEEDS_ISSUE_12  # noqa: F401
from minikeras import activations
from .layer_testing import layers
from .layer_testing import testing


class ActivationTest(testing.TestCase):
    def test_activation_basics(self):
        self.run_layer_test(
            layers.Activation,
            init_kwargs={
                "activation": "relu",
            },
            input_shape=(2, 3),
            expected_output_shape=(2, 3),
            expected_num_trainable_weights=0,
            expected_num_non_trainable_weights=0,
            expected_num_seed_generators=0,
            expected_num_losses=0,
            supports_masking=True,
            assert_built_after_instantiation=True,
        )
        self.run_layer_test(
            layers.Activation,
            init_kwargs={
                "activation": activations.gelu,
            },
            input_shape=(2, 2),
            expected_output_shape=(2, 2),
            expected_num_trainable_weights=0,
            expected_num_non_trainable_weights=0,
            expected_num_seed_generators=0,
            expected_num_losses=0,
            supports_masking=True,
            assert_built_after_instantiation=True,
        )


mark_cases(globals(), skip={}, xfail={})
