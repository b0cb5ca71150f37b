"""Issue 14's layers against Keras 3 (fixtures/layers14): outputs, moving statistics, gradients, configs, names."""
import glob
import json
import os

import numpy as np
import pytest
from autograd import grad

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "layers14")
LAYER_CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "*.npz"))
                     if not os.path.basename(p).startswith("model_") and not p.endswith("_io.npz"))
TOLERANCE = {"rtol": 2e-5, "atol": 2e-5}


def load_case(name):
    """The fixture's minikeras layer, built and given Keras's weights, plus the fixture's arrays."""
    with np.load(os.path.join(FIXTURES, name + ".npz")) as data:
        case = dict(data)
    layer = getattr(minikeras.layers, str(case["layer"]))(**json.loads(str(case["kwargs"])))
    layer.ensure_built((None,) + case["x"].shape[1:])
    layer.set_weights([case[f"w{i}"] for i in range(len(layer.get_weights()))])
    return layer, case


def forward(layer, params, case, x=None):
    """(outputs, weight updates) as the engine would compute them in the fixture's mode."""
    x = case["x"] if x is None else x
    options = {"mask": case.get("mask"), "training": bool(case["training"])}
    if getattr(layer, "has_weight_updates", False):
        return layer.call_with_updates(params, x, **options)
    return layer.call(params, x, **options), {}


def comparable_config(config):
    config = json.loads(json.dumps(config))
    config.pop("name"), config.pop("dtype")
    return config


def test_the_fixtures_are_there():
    assert len(LAYER_CASES) >= 45
    assert any("training" in name for name in LAYER_CASES) and any("mask" in name for name in LAYER_CASES)


@pytest.mark.parametrize("name", LAYER_CASES)
def test_output_equals_keras(name):
    layer, case = load_case(name)
    y, _ = forward(layer, layer.params, case)
    assert np.asarray(y).dtype == np.float32
    np.testing.assert_allclose(y, case["y"], **TOLERANCE)
    assert layer.compute_output_shape((None,) + case["x"].shape[1:]) == (None,) + case["y"].shape[1:]


@pytest.mark.parametrize("name", [n for n in LAYER_CASES if n.startswith("batch_normalization")])
def test_moving_statistics_after_one_call_equal_keras(name):
    layer, case = load_case(name)
    _, updates = forward(layer, layer.params, case)
    if not case["training"]:
        assert updates == {}
        return
    assert sorted(updates) == ["moving_mean", "moving_variance"]
    for weight_name, value in updates.items():
        np.testing.assert_allclose(value, case[f"new_{weight_name}"], **TOLERANCE)
        assert value.dtype == np.float32


@pytest.mark.parametrize("name", LAYER_CASES)
def test_gradients_equal_jax(name):
    layer, case = load_case(name)
    trainable = [k for k in layer.params if f"grad_{k}" in case]
    assert len(trainable) == sum(k.startswith("grad_") and k != "grad_x" for k in case)

    def weighted_sum(x, values):
        params = {**layer.params, **dict(zip(trainable, values))}
        return np.sum(forward(layer, params, case, x)[0] * case["probe"])

    grad_x, grad_weights = grad(weighted_sum, argnum=(0, 1))(case["x"], [layer.params[k] for k in trainable])
    np.testing.assert_allclose(grad_x, case["grad_x"], rtol=1e-4, atol=1e-4)
    for weight_name, g in zip(trainable, grad_weights):
        np.testing.assert_allclose(g, case[f"grad_{weight_name}"], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", LAYER_CASES)
def test_config_equals_keras(name):
    layer, case = load_case(name)
    ours, keras = comparable_config(layer.get_config()), comparable_config(json.loads(str(case["config"])))
    assert ours == keras
    again = type(layer).from_config(layer.get_config())
    assert comparable_config(again.get_config()) == ours


@pytest.mark.parametrize("name", LAYER_CASES)
def test_weights_have_keras_names_and_order(name):
    layer, case = load_case(name)
    for i, (weight_name, value) in enumerate(layer.params.items()):
        assert value.shape == case[f"w{i}"].shape
    keras_names = [k[len("grad_"):] for k in case if k.startswith("grad_") and k != "grad_x"] + \
                  [k[len("new_"):] for k in case if k.startswith("new_")]
    assert sorted(layer.params) == sorted(keras_names)


def test_default_names_are_keras_names():
    with open(os.path.join(FIXTURES, "facts.json")) as f:
        names = json.load(f)["default_names"]
    for class_name, keras_name in names.items():
        layer = getattr(minikeras.layers, class_name)(**({"rate": 0.1} if "Dropout" in class_name else
                                                         {"stddev": 0.1} if class_name == "GaussianNoise" else {}))
        assert layer.name == keras_name or layer.name.startswith(keras_name + "_"), (class_name, layer.name)
