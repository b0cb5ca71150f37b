"""Small models with issue 14's layers, trained by `fit` as Keras 3 trained them (fixtures/layers14/model_*.npz):
the same losses, the same weights after, BatchNormalization's moving statistics included."""
import glob
import json
import os

import numpy as np
import pytest

import minikeras
from minikeras import layers

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "layers14")
MODEL_CASES = sorted(os.path.basename(p)[len("model_"):-4] for p in glob.glob(os.path.join(FIXTURES, "model_*.npz")))


def load_model_case(name):
    """The minikeras twin of the fixture's model, with Keras's initial weights, compiled as Keras's was."""
    with np.load(os.path.join(FIXTURES, f"model_{name}.npz")) as data:
        case = dict(data)
    spec, input_shape = json.loads(str(case["spec"])), json.loads(str(case["input_shape"]))
    first = minikeras.Input(case["x"].shape[1:], dtype="int32") if input_shape == "tokens" \
        else minikeras.Input(tuple(input_shape))
    model = minikeras.Sequential([first] + [getattr(layers, cls)(**kwargs) for cls, kwargs in spec])
    model.set_weights([case[f"w{i}"] for i in range(len(model.get_weights()))])
    model.compile(optimizer=minikeras.optimizers.SGD(float(case["learning_rate"])), loss="mse")
    return model, case


def test_the_fixtures_are_there():
    assert len(MODEL_CASES) >= 10 and any(name.startswith("bn_") for name in MODEL_CASES)


@pytest.mark.parametrize("name", MODEL_CASES)
def test_fit_gives_keras_losses_and_weights(name):
    model, case = load_model_case(name)
    history = model.fit(case["x"], case["y"], shuffle=False, verbose=0, **json.loads(str(case["fit"])))
    np.testing.assert_allclose(history.history["loss"], case["losses"], rtol=1e-4, atol=1e-5)
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, case[f"after{i}"], rtol=1e-4, atol=1e-5, err_msg=f"weight {i}")


@pytest.mark.parametrize("name", [n for n in MODEL_CASES if n.startswith("bn_")])
def test_moving_statistics_are_the_non_trainable_weights(name):
    model, case = load_model_case(name)
    keras_names = json.loads(str(case["non_trainable_names"]))
    norm = next(layer for layer in model.layers if isinstance(layer, layers.BatchNormalization))
    frozen = not norm.trainable
    statistics = [norm.params["moving_mean"], norm.params["moving_variance"]]
    expected = (list(norm.params.values()) if frozen else statistics)
    assert len(model.non_trainable_weights) == len(keras_names) == len(expected)
    for ours, value in zip(model.non_trainable_weights, expected):
        np.testing.assert_array_equal(ours, value)
    n_trainable = sum(int(np.size(w)) for w in model.trainable_weights)
    assert n_trainable + sum(int(np.size(w)) for w in model.non_trainable_weights) == model.count_params()


def test_inference_after_fit_uses_the_moving_statistics():
    model, case = load_model_case("bn_dense")
    model.fit(case["x"], case["y"], shuffle=False, verbose=0, **json.loads(str(case["fit"])))
    norm = model.layers[1]
    hidden = case["x"] @ model.layers[0].params["kernel"] + model.layers[0].params["bias"]
    p = norm.params
    normalized = (hidden - p["moving_mean"]) / np.sqrt(p["moving_variance"] + norm.epsilon) * p["gamma"] + p["beta"]
    expected = normalized @ model.layers[2].params["kernel"] + model.layers[2].params["bias"]
    np.testing.assert_allclose(model.predict(case["x"], verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_a_frozen_batch_normalization_keeps_its_statistics():
    model, case = load_model_case("bn_frozen")
    before = model.layers[1].get_weights()
    model.fit(case["x"], case["y"], shuffle=False, verbose=0, epochs=2, batch_size=4)
    for a, b in zip(before, model.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)


def _fit_and_read_moving_mean(model, norm_weights, x):
    model.compile(optimizer=minikeras.optimizers.SGD(0.0), loss="mse")
    model.fit(x, np.zeros((len(x),) + model.outputs[0].shape[1:], "float32"), batch_size=len(x), verbose=0)
    return norm_weights()[2]


def test_a_batch_normalization_inside_a_nested_model_moves_its_statistics():
    inner = minikeras.Sequential([minikeras.Input((3,)), layers.BatchNormalization(momentum=0.0)], name="inner")
    x_in = minikeras.Input((3,))
    model = minikeras.Model(x_in, layers.Dense(1)(inner(x_in)))
    x = np.full((4, 3), 2.0, "float32")
    np.testing.assert_allclose(_fit_and_read_moving_mean(model, inner.layers[0].get_weights, x), 2.0)


def test_a_batch_normalization_inside_time_distributed_moves_its_statistics():
    wrapper = layers.TimeDistributed(layers.BatchNormalization(momentum=0.0))
    model = minikeras.Sequential([minikeras.Input((2, 3)), wrapper, layers.Dense(1)])
    x = np.full((4, 2, 3), 2.0, "float32")
    np.testing.assert_allclose(_fit_and_read_moving_mean(model, wrapper.get_weights, x), 2.0)


def test_freezing_a_model_freezes_its_batch_normalization():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.BatchNormalization(momentum=0.0), layers.Dense(1)])
    model.trainable = False
    x = np.full((4, 3), 2.0, "float32")
    np.testing.assert_allclose(_fit_and_read_moving_mean(model, model.layers[0].get_weights, x), 0.0)
