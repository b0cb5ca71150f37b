"""fit on a model with nothing to train (frozen, or without weights) runs its loss and leaves the weights alone,
without autograd's "Output seems independent of input" warning reaching the user."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers


def test_a_frozen_model_fits_quietly_and_keeps_its_weights():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    model.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert history.history["loss"][-1] == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_a_model_without_weights_fits_quietly():
    inputs = minikeras.Input((4,))
    model = minikeras.Model(inputs, layers.Reshape((2, 2))(inputs))
    model.compile(loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(np.ones((2, 4), "float32"), np.zeros((2, 2, 2), "float32"), verbose=0)
    assert history.history["loss"] == [1.0]
