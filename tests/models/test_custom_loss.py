"""Model.compute_loss, Keras 3's hook for a loss of one's own: overridden in a Functional subclass (alone, or
adding to super()'s compiled loss), fit and evaluate use it and train as Keras 3 does (tests/fixtures/
custom_loss.npz, made by make_custom_loss_fixtures.py from the same model source)."""
import os
import sys

import numpy as np
import pytest

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
sys.path.insert(0, FIXTURES)
import custom_loss_models  # noqa: E402

EXPECTED = np.load(os.path.join(FIXTURES, "custom_loss.npz"))
MODELS = custom_loss_models.models(minikeras)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fit_and_evaluate_use_the_override_as_keras_does(name):
    x, y = custom_loss_models.data()
    model = custom_loss_models.build(minikeras, MODELS[name])
    model.set_weights(custom_loss_models.weights(model))
    model.compile(optimizer=minikeras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], EXPECTED[f"{name}/loss"], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), EXPECTED[f"{name}/evaluate"], rtol=1e-5)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, EXPECTED[f"{name}/weight_{i}"], rtol=1e-4, atol=1e-6)


def test_the_default_is_the_compiled_loss_plus_the_penalties():
    x, y = custom_loss_models.data()
    model = custom_loss_models.build(minikeras, minikeras.Model)
    model.compile(optimizer="sgd", loss="mse")
    y_pred = model.predict(x, verbose=0)
    expected = np.mean((y_pred - y) ** 2) + 0.01 * np.sum(model.get_weights()[0] ** 2)
    assert float(model.compute_loss(x=x, y=y, y_pred=y_pred)) == pytest.approx(float(expected), rel=1e-5)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(expected), rel=1e-5)


@pytest.mark.parametrize("name", ["tracked_loss", "only_tracked"])
def test_a_loss_tracker_updated_in_compute_loss_is_logged_as_keras_logs_it(name):
    # compiled without a loss; a class listing its own `metrics` logs just those (not even 'loss'), as in Keras 3
    x, y = custom_loss_models.data()
    model = custom_loss_models.build(minikeras, custom_loss_models.tracker_models(minikeras)[name])
    model.set_weights(custom_loss_models.weights(model))
    model.compile(optimizer=minikeras.optimizers.SGD(0.05))
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    expected = {key.split("/")[2]: EXPECTED[key] for key in EXPECTED.files if key.startswith(f"{name}/history/")}
    assert sorted(history.history) == sorted(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    expected = {key.split("/")[2]: EXPECTED[key] for key in EXPECTED.files if key.startswith(f"{name}/evaluate/")}
    assert sorted(logs) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-5)


def test_compile_without_a_loss_still_needs_one_where_compute_loss_is_keras_s():
    model = custom_loss_models.build(minikeras, minikeras.Model)
    with pytest.raises(ValueError, match="needs a loss"):
        model.compile(optimizer="sgd")
