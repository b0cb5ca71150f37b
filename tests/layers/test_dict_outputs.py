"""A Keras-style layer whose call returns a dict: symbolic calls give a dict of tensors, the model trains and saves,
and Keras 3's file of such a model (its outputs numbered by sorted key) loads and predicts Keras's numbers
(tests/fixtures/dict_output/, made by make_dict_output_fixtures.py)."""
import os
import sys

import numpy as np
import pytest

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
sys.path.insert(0, FIXTURES)
import dict_output_layer  # noqa: E402

HERE = os.path.join(FIXTURES, "dict_output")
SplitHalves = dict_output_layer.layer_class(minikeras)
EXPECTED = np.load(os.path.join(HERE, "predictions.npz"))


def test_a_symbolic_call_gives_a_dict_of_tensors():
    parts = SplitHalves()(minikeras.Input((6,)))
    assert {k: v.shape for k, v in parts.items()} == {"low": (None, 3), "high": (None, 3)}


def test_an_eager_call_gives_the_dict():
    parts = SplitHalves()(np.arange(4, dtype="float32")[None])
    np.testing.assert_array_equal(parts["high"], [[4.0, 6.0]])


def test_keras_s_file_loads_and_predicts_keras_s_numbers():
    model = minikeras.saving.load_model(os.path.join(HERE, "split.keras"))
    out = model.predict(dict_output_layer.inputs(), verbose=0)
    np.testing.assert_allclose(out["dense"], EXPECTED["dense"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out["high"], EXPECTED["high"], rtol=1e-6)


def test_it_trains_and_survives_its_own_file(tmp_path):
    model = dict_output_layer.build(minikeras)
    model.compile("sgd", "mse")
    x = dict_output_layer.inputs()
    model.fit(x, {"dense": np.ones((2, 3)), "high": np.zeros((2, 2))}, verbose=0)
    path = str(tmp_path / "split.keras")
    model.save(path)
    loaded = minikeras.saving.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0)["dense"], model.predict(x, verbose=0)["dense"])


def test_a_dict_of_non_arrays_is_refused_naming_the_layer():
    class Bad(minikeras.layers.Layer):
        def call(self, x):
            return {"a": x, "b": "text"}

    with pytest.raises(TypeError, match="Bad"):
        Bad()(minikeras.Input((2,)))
