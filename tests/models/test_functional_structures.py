"""Functional models as Keras 3 shapes them: dict and tuple structures, inputs one rank off, sliced graphs."""
import numpy as np
import pytest

import minikeras
from minikeras import layers


def test_tuple_outputs_come_back_as_a_tuple():
    x = minikeras.Input((3,))
    h = layers.Dense(4)(x)
    model = minikeras.Model(x, (layers.Dense(2)(h), h))
    result = model.predict(np.ones((2, 3)), verbose=0)
    assert isinstance(result, tuple) and [r.shape for r in result] == [(2, 2), (2, 4)]


def test_dict_inputs_and_targets_keyed_like_the_model():
    x = minikeras.Input((3,))
    model = minikeras.Model({"features": x}, {"score": layers.Dense(1)(x)})
    model.compile("sgd", "mse")
    model.fit({"features": np.ones((4, 3))}, {"score": np.zeros((4, 1))}, epochs=1, verbose=0)
    assert model.predict({"features": np.ones((2, 3))}, verbose=0)["score"].shape == (2, 1)


def test_inputs_one_rank_off_on_the_last_axis_are_standardized():
    scalar_in = minikeras.Input((1,))
    model = minikeras.Model(scalar_in, layers.Dense(2)(scalar_in))
    assert model.predict(np.ones(4), verbose=0).shape == (4, 2)
    vector_in = minikeras.Input((3,))
    model = minikeras.Model(vector_in, layers.Dense(2)(vector_in))
    assert model.predict(np.ones((4, 3, 1)), verbose=0).shape == (4, 2)


def test_a_model_sliced_from_an_intermediate_tensor():
    x = minikeras.Input((3,))
    h = layers.Dense(4, name="hidden")(x)
    y = layers.Dense(2, name="head")(h)
    full = minikeras.Model(x, y)
    head = minikeras.Model(h, y)
    hidden = minikeras.Model(x, h).predict(np.ones((1, 3)), verbose=0)
    np.testing.assert_allclose(head.predict(hidden, verbose=0), full.predict(np.ones((1, 3)), verbose=0), rtol=1e-6)


def test_nested_dict_and_list_inputs_and_outputs():
    x1, x2, x3 = minikeras.Input((2,)), minikeras.Input((2,)), minikeras.Input((2,))
    model = minikeras.Model({"a": x1, "bc": [x2, x3]}, {"s": layers.Add()([x1, x2, x3]), "p": [x1, x3]})
    ones = np.ones((1, 2), "float32")
    result = model({"a": ones, "bc": [2 * ones, 3 * ones]})
    np.testing.assert_allclose(result["s"], [[6.0, 6.0]])
    np.testing.assert_allclose(result["p"][1], 3 * ones)
    with pytest.raises(ValueError, match=r"missing \['bc'\]"):
        model({"a": ones})


def test_a_sequential_whose_first_layer_is_a_built_model_is_built():
    inner = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    outer = minikeras.Sequential([inner, layers.Dense(1)])
    assert outer.built and outer.output_shape == (None, 1)


def test_a_metric_object_given_to_compile_starts_anew_in_each_evaluate():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[minikeras.metrics.Hinge()])
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    y = np.sign(np.random.default_rng(1).normal(size=(4, 1))).astype("float32")
    model.fit(x, y, epochs=1, verbose=0)
    assert model.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
