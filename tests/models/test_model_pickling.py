"""Models pickle and unpickle with their weights, as Keras 3's do."""
import pickle

import numpy as np

from minikeras import Input, Model, Sequential, layers


def test_a_functional_model_pickles_with_its_weights():
    inputs = Input((3,))
    model = Model(inputs, [layers.Dense(2)(inputs), layers.Dense(1)(inputs)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).random((4, 3)).astype("float32")
    again = pickle.loads(pickle.dumps(model))
    for a, b in zip(again.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b)


def test_a_sequential_model_pickles_with_its_weights():
    model = Sequential([Input((3,)), layers.Dense(4), layers.Dense(1)])
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(pickle.loads(pickle.dumps(model)).predict(x, verbose=0), model.predict(x, verbose=0))
