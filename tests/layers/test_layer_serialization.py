"""Layers from their own configs: wrappers (TimeDistributed, Bidirectional) and Lambda, as Keras 3 writes them."""
import json
import os
import sys

import numpy as np
import pytest

import minikeras
from minikeras.layers import (LSTM, GRU, Bidirectional, Dense, Input, Lambda, SimpleRNN, TimeDistributed)
from minikeras.layers.serialization import deserialize_layer, serialize_layer
from minikeras.models import Model, Sequential
from minikeras.saving import UnsafeLoadError, deserialize_keras_object

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conformance")


def same_output(first, second, x):
    np.testing.assert_allclose(first(x), second(x), rtol=1e-6)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", None])
def test_bidirectional_from_its_own_config(merge_mode):
    layer = Bidirectional(LSTM(3, return_sequences=True), merge_mode=merge_mode)
    config = layer.get_config()
    assert config["layer"]["config"]["name"] == "forward_" + layer.layer.name
    assert config["backward_layer"]["config"]["go_backwards"] is True
    copy = Bidirectional.from_config(json.loads(json.dumps(config)))
    assert copy.merge_mode == merge_mode and copy.layer.units == 3 and copy.return_sequences
    assert [c.name for c in copy.children()] == [c.name for c in layer.children()]
    x = np.random.default_rng(0).normal(size=(2, 4, 5)).astype("float32")
    layer(x)
    copy(x)
    copy.set_weights(layer.get_weights())
    same_output(layer, copy, x)


def test_bidirectional_with_its_own_backward_layer_round_trips():
    layer = Bidirectional(GRU(2), backward_layer=SimpleRNN(2, go_backwards=True, name="back"))
    copy = Bidirectional.from_config(layer.get_config())
    assert type(copy.backward_layer) is SimpleRNN and copy.backward_layer.name == "back"


def test_time_distributed_from_its_own_config():
    layer = TimeDistributed(Dense(4, activation="relu"))
    copy = TimeDistributed.from_config(layer.get_config())
    assert isinstance(copy.layer, Dense) and copy.layer.units == 4 and copy.layer.get_config()["activation"] == "relu"


def test_time_distributed_around_a_model_round_trips():
    inner = Sequential([Input((3,)), Dense(2)])
    layer = TimeDistributed(inner)
    copy = TimeDistributed.from_config(layer.get_config())
    assert isinstance(copy.layer, Sequential) and copy.layer.layers[0].units == 2


def test_wrapper_from_config_refuses_a_non_dict():
    with pytest.raises(TypeError, match="TimeDistributed.from_config takes the dict"):
        TimeDistributed.from_config("config")


def test_serialize_layer_needs_no_saving_package():
    entry = serialize_layer(Dense(3, name="d"))
    assert entry["class_name"] == "Dense" and entry["module"] == "keras.layers"
    assert isinstance(deserialize_layer(entry), Dense)


# ---- Lambda ----------------------------------------------------------------------------------------------
def test_lambda_config_stores_the_closure_as_keras_3_does():
    scale, offset = 2.0, np.array([1.0, 2.0], "float32")
    config = Lambda(lambda x: x * scale + offset).get_config()
    stored = config["function"]
    assert stored["class_name"] == "__lambda__"
    assert stored["config"]["closure"][0] == {"class_name": "__numpy__",
                                              "config": {"value": [1.0, 2.0], "dtype": "float32"}}
    assert stored["config"]["closure"][1] == 2.0
    assert "output_shape" not in config and "mask" not in config


def test_lambda_from_config_needs_safe_mode_off_for_bytecode():
    scale = 3.0
    config = json.loads(json.dumps(Lambda(lambda x: x * scale).get_config()))
    with pytest.raises(UnsafeLoadError, match="safe_mode=False"):
        Lambda.from_config(config)
    with pytest.raises(ValueError, match="safe_mode=False"):
        Lambda.from_config(config, safe_mode=True)
    rebuilt = Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(rebuilt(np.ones((1, 2), "float32")), [[3.0, 3.0]])


def test_lambda_named_function_comes_from_custom_objects():
    def double(x):
        return 2 * x
    config = Lambda(double).get_config()
    assert Lambda.from_config(config, custom_objects={"double": double}).function is double
    with pytest.raises(ValueError, match="custom_objects"):
        Lambda.from_config(config)


def test_saved_model_whose_lambda_closes_over_values_reloads(tmp_path):
    scale, offset = 0.5, np.array([1.0, -1.0, 2.0], "float32")
    inputs = Input((3,))
    model = Model(inputs, Lambda(lambda x: x * scale + offset)(inputs))
    path = str(tmp_path / "closure.keras")
    model.save(path)
    x = np.random.default_rng(1).normal(size=(2, 3)).astype("float32")
    with pytest.raises(UnsafeLoadError):
        minikeras.saving.load_model(path)
    reloaded = minikeras.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), x * scale + offset, rtol=1e-6)


def test_keras_3_lambda_with_a_closure_loads_and_gives_keras_numbers():
    with np.load(os.path.join(FIXTURES, "lambda_closure.npz")) as data:
        case = dict(data)
    if str(case["python"]) != "%d.%d" % sys.version_info[:2]:
        pytest.skip(f"the fixture's lambda bytecode was written by Python {case['python']}")
    model = deserialize_keras_object(json.loads(str(case["config"])), safe_mode=False)
    np.testing.assert_allclose(model.predict(case["x"], verbose=0), case["y"], rtol=1e-6)


def test_lambda_whose_closure_is_missing_says_why():
    scale = 2.0
    config = Lambda(lambda x: x * scale).get_config()
    config["function"]["config"]["closure"] = None
    with pytest.raises(ValueError, match=r"uses the variables \['scale'\].*stores 0 value"):
        Lambda.from_config(config, safe_mode=False)


def test_lambda_arguments_must_be_a_dict():
    with pytest.raises(TypeError, match="arguments must be a dict"):
        Lambda(lambda x: x, arguments=[1])


def test_rnn_from_its_own_config_keeps_its_cells():
    from minikeras.layers import RNN, GRUCell, LSTMCell
    layer = RNN([LSTMCell(3), GRUCell(2)], return_sequences=True)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["cell"]["class_name"] == "StackedRNNCells"
    copy = RNN.from_config(config)
    assert [type(c).__name__ for c in copy.cell.cells] == ["LSTMCell", "GRUCell"] and copy.return_sequences
    x = np.random.default_rng(2).normal(size=(2, 3, 4)).astype("float32")
    layer(x)
    copy(x)
    copy.set_weights(layer.get_weights())
    same_output(layer, copy, x)


WRAPPER_CASES = sorted(os.path.basename(p)[:-4] for p in __import__("glob").glob(os.path.join(FIXTURES, "wrapper_*.npz")))


@pytest.mark.parametrize("name", WRAPPER_CASES)
def test_wrapper_from_keras_3_config_gives_keras_numbers(name):
    with np.load(os.path.join(FIXTURES, name + ".npz")) as data:
        case = dict(data)
    config = json.loads(str(case["config"]))
    wrapper_class = Bidirectional if name.startswith("wrapper_bidirectional") else TimeDistributed
    layer = wrapper_class.from_config(config)
    layer(case["x"])
    layer.set_weights([case[f"w{i}"] for i in range(len(layer.get_weights()))])
    np.testing.assert_allclose(layer(case["x"]), case["y"], rtol=1e-5, atol=1e-6)
    again = json.loads(json.dumps(layer.get_config()))
    assert again["layer"]["class_name"] == config["layer"]["class_name"]
    assert again["layer"]["config"]["name"] == config["layer"]["config"]["name"]


def test_layers_serialize_and_deserialize_as_keras():
    from minikeras import layers
    entry = layers.serialize(layers.Dense(3, activation="relu", name="d3"))
    assert entry["class_name"] == "Dense" and entry["config"]["units"] == 3
    copy = layers.deserialize(json.loads(json.dumps(entry)))
    assert isinstance(copy, layers.Dense) and copy.name == "d3" and copy.get_config()["activation"] == "relu"
    keras2 = layers.deserialize({"class_name": "LSTM", "config": {"units": 4, "return_sequences": True}})
    assert isinstance(keras2, LSTM) and keras2.units == 4 and keras2.return_sequences
    with pytest.raises(ValueError, match="Unknown layer class 'Nope'"):
        layers.deserialize({"class_name": "Nope", "config": {}})
