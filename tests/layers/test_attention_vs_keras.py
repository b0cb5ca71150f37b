"""Attention, AdditiveAttention, MultiHeadAttention, ConvLSTM1D/2D inside models: Keras 3's outputs, configs, loss and
weights after one SGD step, and its .keras files (fixtures from tests/fixtures/make_attention_fixtures.py)."""
import importlib.util
import json
import os

import numpy as np
import pytest

import minikeras as mk
from minikeras import saving

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
CASE_DIR = os.path.join(FIXTURE_DIR, "attention")


def _load_cases():
    spec = importlib.util.spec_from_file_location("attention_cases", os.path.join(FIXTURE_DIR, "attention_cases.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_cases()


def fixture(name):
    with np.load(os.path.join(CASE_DIR, name + ".npz")) as data:
        return {k: data[k] for k in data.files}


def numbered(data, prefix):
    count = sum(1 for k in data if k.startswith(prefix) and k[len(prefix):].isdigit())
    return [data[f"{prefix}{i}"] for i in range(count)]


def model_with_keras_weights(name):
    data = fixture(name)
    model = CASES.CASES[name](mk)
    model.set_weights(numbered(data, "w"))
    inputs = numbered(data, "x")
    return model, data, (inputs if len(inputs) > 1 else inputs[0])


def as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def test_every_case_has_its_fixture():
    for name in CASES.CASES:
        assert os.path.exists(os.path.join(CASE_DIR, name + ".npz")), name
    for name in CASES.SAVED:
        assert os.path.exists(os.path.join(CASE_DIR, name + ".keras")), name


@pytest.mark.parametrize("name", sorted(CASES.CASES))
def test_predictions_equal_keras(name):
    model, data, inputs = model_with_keras_weights(name)
    outputs = as_list(model.predict(inputs, verbose=0))
    expected = numbered(data, "y")
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("name", sorted(CASES.TRAIN))
def test_loss_and_weights_after_one_sgd_step_equal_keras(name):
    model, data, inputs = model_with_keras_weights(name)
    model.compile(optimizer=mk.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(inputs, data["t0"])
    np.testing.assert_allclose(loss, data["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), numbered(data, "after")):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


ATTENTION_CLASSES = ("Attention", "AdditiveAttention", "MultiHeadAttention", "ConvLSTM1D", "ConvLSTM2D")


@pytest.mark.parametrize("name", sorted(CASES.CASES))
def test_configs_equal_keras(name):
    model, data, _ = model_with_keras_weights(name)
    keras_configs = [c for c in json.loads(str(data["config"])) if c["class_name"] in ATTENTION_CLASSES]
    ours = [layer for layer in model.layers if type(layer).__name__ in ATTENTION_CLASSES]
    assert len(ours) == len(keras_configs)
    for layer, keras_config in zip(ours, keras_configs):
        config = json.loads(json.dumps(layer.get_config()))       # tuples as lists, as in Keras's JSON
        keras_config = {k: v for k, v in keras_config.items() if k not in ("class_name", "dtype", "name")}
        config = {k: v for k, v in config.items() if k not in ("dtype", "name")}
        assert config == keras_config


@pytest.mark.parametrize("name", sorted(CASES.SAVED))
def test_keras_files_open_and_predict_the_same(name):
    data = fixture(name)
    model = saving.load_model(os.path.join(CASE_DIR, name + ".keras"))
    inputs = numbered(data, "x")
    outputs = as_list(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
    for got, want in zip(outputs, numbered(data, "y")):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("name", sorted(CASES.SAVED))
def test_saved_here_reopens_with_the_same_predictions(name, tmp_path):
    model, data, inputs = model_with_keras_weights(name)
    path = str(tmp_path / (name + ".keras"))
    model.save(path)
    again = saving.load_model(path)
    for got, want in zip(as_list(again.predict(inputs, verbose=0)), numbered(data, "y")):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
