"""Flatten and Reshape with unknown or varying sizes, as Keras 3 (fixtures/conformance/reshaping.json, and shapes
from Keras 3's own reshape/flatten tests)."""
import json
import os

import numpy as np
import pytest

import minikeras

from minikeras.layers import Dense, Flatten, Input, Reshape
from minikeras.models import Model


@pytest.mark.parametrize("batch_shape, expected", [((None, 2, 3), (None, 6)), ((5, 2, None), (5, None)),
                                                   ((None, None, 4), (None, None))])
def test_flatten_symbolic_shapes(batch_shape, expected):
    assert Flatten().compute_output_shape(batch_shape) == expected
    out = Flatten()(Input(batch_shape=batch_shape))
    assert tuple(out.shape)[1:] == expected[1:]


def test_flatten_takes_a_different_shape_on_each_call():
    layer = Flatten()
    assert layer(np.ones((3, 5, 7), "float32")).shape == (3, 35)
    assert layer(np.ones((2, 7, 5), "float32")).shape == (2, 35)
    assert layer(np.ones((2, 4, 2), "float32")).shape == (2, 8)


def test_flatten_of_a_variable_length_input_predicts_each_length():
    inputs = Input((None, 2))
    model = Model(inputs, Flatten()(inputs))
    assert model.predict(np.ones((1, 3, 2), "float32"), verbose=0).shape == (1, 6)
    assert model.predict(np.ones((1, 5, 2), "float32"), verbose=0).shape == (1, 10)


def test_flatten_of_an_unknown_size_into_dense_is_a_clear_error():
    with pytest.raises(ValueError, match="Dense.*known last axis"):
        Dense(2)(Flatten()(Input((None, 2))))


def test_flatten_of_scalars_per_sample():
    x = np.arange(4, dtype="float32")
    np.testing.assert_array_equal(Flatten()(x), x[:, None])


@pytest.mark.parametrize("batch_shape, target, expected", [((None, 6, 4), (-1, 8), (None, 3, 8)),
                                                          ((4, 6, None, 3), (-1, 3), (4, None, 3)),
                                                          ((2, None), (3, 5), (2, 3, 5)),
                                                          ((None, 2, 4), (8,), (None, 8))])
def test_reshape_symbolic_shapes(batch_shape, target, expected):
    assert Reshape(target).compute_output_shape(batch_shape) == expected
    out = Reshape(target)(Input(batch_shape=batch_shape))
    assert tuple(out.shape)[1:] == expected[1:]


def test_reshape_with_minus_one_takes_varying_sizes():
    layer = Reshape((-1, 8))
    assert layer(np.ones((1, 6, 4), "float32")).shape == (1, 3, 8)
    assert layer(np.ones((1, 10, 4), "float32")).shape == (1, 5, 8)
    with pytest.raises(ValueError, match=r"cannot reshape input shape \(None, 3, 3\)"):
        layer(np.ones((1, 3, 3), "float32"))


def test_reshape_with_minus_one_in_a_model_fits_varying_lengths():
    inputs = Input((None, 2))
    model = Model(inputs, Reshape((-1, 8))(inputs))
    model.compile(loss="mse")
    for length, steps in [(12, 3), (20, 5), (24, 6)]:
        assert model.predict(np.ones((1, length, 2), "float32"), verbose=0).shape == (1, steps, 8)
    model.fit(np.ones((1, 12, 2), "float32"), np.zeros((1, 3, 8), "float32"), verbose=0)


def test_reshape_refuses_bad_target_shapes():
    with pytest.raises(ValueError, match=r"-2"):
        Reshape((-2, 5))
    with pytest.raises(ValueError, match="at most one"):
        Reshape((-1, -1, 5))
    with pytest.raises(TypeError, match="tuple of integers"):
        Reshape(("2", 4))


with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conformance",
                       "reshaping.json")) as f:
    KERAS_FACTS = json.load(f)


def fix_tuples(kwargs):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("case", KERAS_FACTS["symbolic"], ids=lambda c: f"{c['layer']}{c['kwargs']}{c['batch_shape']}")
def test_symbolic_shape_matches_keras(case):
    layer = getattr(minikeras.layers, case["layer"])(**fix_tuples(case["kwargs"]))
    out = layer(Input(batch_shape=tuple(case["batch_shape"])))
    assert list(out.shape) == case["keras"]


@pytest.mark.parametrize("case", KERAS_FACTS["varying"], ids=lambda c: c["layer"])
def test_one_layer_on_varying_sizes_matches_keras(case):
    layer = getattr(minikeras.layers, case["layer"])(**fix_tuples(case["kwargs"]))
    assert [list(layer(np.ones(shape, "float32")).shape) for shape in case["shapes"]] == case["keras"]
