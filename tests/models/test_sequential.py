"""Sequential: builds as soon as the input shape is known, so output_shape is right after every add; pop;
every Keras spelling of the first layer's shape; deferred building from data."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers


@pytest.mark.parametrize("how", ["Input", "input_shape", "input_dim", "batch_input_shape", "InputLayer"])
def test_output_shape_is_right_after_each_add(how):
    model = minikeras.Sequential(name=f"seq_{how}")
    batch = 4 if how == "batch_input_shape" else None
    if how == "Input":
        model.add(minikeras.Input((6,)))
        first = layers.Dense(8)
    elif how == "InputLayer":
        model.add(minikeras.InputLayer(input_shape=(6,)))
        first = layers.Dense(8)
    else:
        first = layers.Dense(8, **{"input_shape": {"input_shape": (6,)}, "input_dim": {"input_dim": 6},
                                   "batch_input_shape": {"batch_input_shape": (4, 6)}}[how])
    model.add(first)
    assert model.built and model.output_shape == (batch, 8) and first.output_shape == (batch, 8)
    model.add(layers.RepeatVector(3))
    assert model.output_shape == (batch, 3, 8)
    model.add(layers.Dense(2))
    assert model.output_shape == (batch, 3, 2)
    model.add(layers.Flatten())
    assert model.output_shape == (batch, 6)
    assert model.input_shape == (batch, 6)
    assert [type(l).__name__ for l in model.layers] == ["Dense", "RepeatVector", "Dense", "Flatten"]


def test_pop_removes_the_last_layer_and_rebuilds():
    model = minikeras.Sequential([minikeras.Input((5,)), layers.Dense(4), layers.Dense(3), layers.Dense(2)])
    kernel = model.layers[0].get_weights()[0]
    popped = model.pop()
    assert popped.units == 2 and model.output_shape == (None, 3) and len(model.layers) == 2
    assert len(model.get_weights()) == 4
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], kernel)
    model.add(layers.Dense(7))
    assert model.output_shape == (None, 7)
    assert model.predict(np.ones((2, 5)), verbose=0).shape == (2, 7)


def test_pop_of_an_empty_model_is_a_clear_error():
    with pytest.raises(ValueError, match="Sequential 'empty' has no layers to pop"):
        minikeras.Sequential(name="empty").pop()


def test_builds_from_the_first_data_when_no_shape_was_given():
    model = minikeras.Sequential([layers.Dense(4), layers.Dense(1)])
    assert not model.built
    y = model.predict(np.ones((3, 7)), verbose=0)
    assert y.shape == (3, 1) and model.built and model.input_shape == (None, 7)


def test_compile_before_build_finishes_when_built():
    model = minikeras.Sequential([layers.Dense(2)], name="later")
    model.compile("sgd", "mse", metrics=["mae"])      # Keras compiles an unbuilt Sequential and builds it later
    assert model.compiled and not model.built
    model.build((None, 3))
    assert model.output_shape == (None, 2)
    assert [w.shape for w in model.get_weights()] == [(3, 2), (2,)]
    assert model.evaluate(np.ones((2, 3)), np.ones((2, 2)), verbose=0)[1] >= 0.0


def test_add_refuses_what_is_not_a_layer():
    with pytest.raises(ValueError, match=r"Sequential 'seq_t'.add\(\) takes a layer, got str"):
        minikeras.Sequential(name="seq_t").add("dense")


def test_input_only_first():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)], name="two_inputs")
    with pytest.raises(ValueError, match="Sequential 'two_inputs': an Input can only be the first layer"):
        model.add(minikeras.Input((3,)))


def test_build_time_shape_errors_show_the_chain():
    model = minikeras.Sequential([minikeras.Input((6,)), layers.Dense(4, name="d1"), layers.Reshape((2, 2), name="r")])
    with pytest.raises(ValueError, match=r"(?s)'bad' \(Permute\).*expects inputs of rank 4.*\(None, 2, 2\).*"
                                         r"Shapes on the way here:.*d1 \(Dense\) -> \(None, 4\).*"
                                         r"r \(Reshape\) -> \(None, 2, 2\)"):
        model.add(layers.Permute((2, 1, 3), name="bad"))


def test_sequential_keras1_style():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = minikeras.Sequential()
        model.add(layers.Dense(output_dim=4, input_dim=3, init="uniform"))
        model.add(layers.Activation("relu"))
        model.add(layers.Dense(output_dim=1))
    assert model.output_shape == (None, 1)
