"""A model whose only loss a layer adds (`self.add_loss`, the Keras guide's LogisticEndpoint) compiles without a
loss and fits and evaluates without targets, as Keras 3 does (tests/fixtures/make_add_loss_fixtures.py); a model with
no loss of any kind is refused with a clear error."""
import os
import sys

import numpy as np
import pytest

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
sys.path.insert(0, FIXTURES)
import add_loss_models  # noqa: E402

EXPECTED = np.load(os.path.join(FIXTURES, "add_loss.npz"))


def test_a_model_whose_layer_adds_the_loss_trains_without_a_compiled_loss_or_targets():
    model = add_loss_models.endpoint_model(minikeras)
    model.compile(optimizer=minikeras.optimizers.Adam(0.01))
    history = model.fit(add_loss_models.data(), epochs=3, batch_size=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], EXPECTED["loss"], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(add_loss_models.data(), verbose=0), EXPECTED["evaluate"], rtol=1e-5)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, EXPECTED[f"weight_{i}"], rtol=1e-4, atol=1e-6)


def test_without_any_loss_compile_still_asks_for_one():
    model = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Dense(1)])
    with pytest.raises(ValueError, match="needs a loss"):
        model.compile(optimizer="adam")
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="needs targets y"):
        model.fit(np.ones((2, 3)), verbose=0)


def test_a_layer_that_could_add_a_loss_but_did_not_is_a_clear_error_at_fit():
    class MaybePenalty(minikeras.layers.Layer):
        def call(self, x):
            if self.penalize:
                self.add_loss(minikeras.ops.sum(x))
            return x

    layer = MaybePenalty()
    layer.penalize = False
    model = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Dense(2), layer])
    model.compile(optimizer="sgd")
    before = model.get_weights()
    with pytest.raises(ValueError, match="has no loss to compute"):
        model.fit(np.ones((4, 3)), verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
