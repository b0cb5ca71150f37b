"""A layer instance given as an activation (`Dense(4, activation=ReLU())`): it computes what the activation
function does, trains (its gradient: tests/gradients/test_layer_as_activation_gradients.py), and is written as Keras 3 writes it."""
import json

import numpy as np

import minikeras as mk
from minikeras import activations, layers as L, saving

# What Keras 3.15.1 writes for Dense(4, activation=LeakyReLU(negative_slope=0.15, name="my_leaky"))["activation"]
KERAS_ENTRY = {"module": "keras.layers", "class_name": "LeakyReLU",
               "config": {"name": "my_leaky", "trainable": True,
                          "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                                    "registered_name": None},
                          "negative_slope": 0.15},
               "registered_name": None}


def _dense_with(activation):
    return L.Dense(4, activation=activation, kernel_initializer="glorot_uniform")


def test_the_layer_gives_what_its_function_gives():
    x = np.random.default_rng(0).normal(size=(5, 8)).astype("float32")
    with_layer = _dense_with(L.LeakyReLU(negative_slope=0.15))
    with_layer(x)
    expected = activations.leaky_relu(x @ with_layer.get_weights()[0] + with_layer.get_weights()[1], 0.15)
    np.testing.assert_allclose(with_layer(x), expected, rtol=1e-6)


def test_the_config_entry_is_keras_s_and_comes_back_as_the_layer():
    dense = _dense_with(L.LeakyReLU(negative_slope=0.15, name="my_leaky"))
    dense.build((None, 8))
    assert dense.get_config()["activation"] == KERAS_ENTRY
    entry = json.loads(json.dumps(saving.serialize_keras_object(dense)))
    restored = saving.deserialize_keras_object(entry)
    assert isinstance(restored.activation, L.LeakyReLU)
    assert restored.activation.negative_slope == 0.15 and restored.activation.name == "my_leaky"


def test_a_keras_entry_names_the_layer_for_a_conv_too():
    conv = L.Conv1D.from_config({**_conv_config(), "activation": KERAS_ENTRY})
    assert isinstance(conv.activation, L.LeakyReLU) and conv.activation.negative_slope == 0.15


def _conv_config():
    return {k: v for k, v in L.Conv1D(2, 3).get_config().items() if k != "name"}


def test_a_model_with_it_saves_loads_and_trains(tmp_path):
    inputs = mk.Input((8,))
    model = mk.Model(inputs, _dense_with(L.ReLU(max_value=1.0))(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.random.default_rng(1).normal(size=(16, 8)), np.random.default_rng(2).normal(size=(16, 4))
    before = model.get_weights()[0].copy()
    model.fit(x, y, verbose=0)
    assert not np.allclose(model.get_weights()[0], before)
    path = str(tmp_path / "relu.keras")
    model.save(path)
    loaded = saving.load_model(path)
    assert isinstance(loaded.layers[1].activation, L.ReLU) and loaded.layers[1].activation.max_value == 1.0
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
