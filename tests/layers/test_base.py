"""The Layer base: first-layer shape arguments, weights= (Keras 1/2), get/set_weights checks, shapes, names."""
import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.layers.base import Layer


@pytest.mark.parametrize("kwargs, expected", [
    ({"input_shape": (5,)}, (None, 5)),
    ({"input_shape": 5}, (None, 5)),
    ({"input_dim": 5}, (None, 5)),
    ({"input_shape": (5,), "batch_size": 8}, (8, 5)),
    ({"batch_input_shape": (8, 5)}, (8, 5)),
    ({"batch_shape": (None, 5)}, (None, 5)),
])
def test_first_layer_shape_arguments(kwargs, expected):
    dense = layers.Dense(3, **kwargs)
    assert dense._batch_input_shape == expected
    assert dense.get_config()["batch_input_shape"] == expected


def test_unknown_keyword_is_a_type_error_naming_the_layer_and_argument():
    with pytest.raises(TypeError, match=r"Dense: unexpected keyword argument\(s\) \['unitz'\]"):
        layers.Dense(3, unitz=4)


def test_automatic_names_count_up_like_keras():
    first, second = layers.Dropout(0.1), layers.Dropout(0.1)
    base = first.name.split("_")[0]
    assert base == "dropout" and second.name != first.name


def test_eager_call_builds_once_and_refuses_another_feature_size():
    dense = layers.Dense(2, name="eager_dense")
    y = dense(np.ones((4, 3), dtype="float32"))
    assert y.shape == (4, 2) and dense.built
    with pytest.raises(ValueError, match=r"'eager_dense'.*built for inputs of shape \(None, 3\).*\(None, 5\)"):
        dense(np.ones((4, 5)))


def test_weights_argument_sets_initial_weights_keras1_style():
    kernel, bias = np.arange(6, dtype="float32").reshape(3, 2), np.array([1.0, -1.0], dtype="float32")
    model = minikeras.Sequential([layers.Dense(2, input_dim=3, weights=[kernel, bias])])
    np.testing.assert_array_equal(model.get_weights()[0], kernel)
    np.testing.assert_allclose(model.predict(np.ones((1, 3)), verbose=0), [[7.0, 8.0]])


def test_weights_argument_with_wrong_shape_names_the_layer_and_both_shapes():
    with pytest.raises(ValueError, match=r"'bad_init'.*kernel.*\(3, 2\).*\(2, 3\)"):
        minikeras.Sequential([layers.Dense(2, input_dim=3, name="bad_init", weights=[np.zeros((2, 3)), np.zeros(2)])])


def test_set_weights_checks_count_and_shapes_and_changes_nothing_on_error():
    dense = layers.Dense(2, name="checked")
    dense(np.ones((1, 3)))
    before = dense.get_weights()
    with pytest.raises(ValueError, match=r"'checked' expects a list of 2 weight arrays.*\(3, 2\), \(2,\).*got 1"):
        dense.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"'checked' weight 1 \('bias'\) has shape \(2,\).*shape \(3,\)"):
        dense.set_weights([np.zeros((3, 2)), np.zeros(3)])
    for a, b in zip(before, dense.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_set_weights_keeps_dtype_and_copies():
    dense = layers.Dense(2)
    dense(np.ones((1, 3)))
    kernel = np.ones((3, 2), dtype="float64")
    dense.set_weights([kernel, np.zeros(2)])
    kernel[:] = 5.0
    assert dense.get_weights()[0].dtype == np.float32
    np.testing.assert_array_equal(dense.get_weights()[0], 1.0)


def test_count_params_before_build_explains():
    with pytest.raises(ValueError, match="'unbuilt' is not built yet"):
        layers.Dense(2, name="unbuilt").count_params()


def test_input_and_output_shape_of_a_called_layer():
    x = minikeras.Input((4, 3))
    dense = layers.Dense(5)
    dense(x)
    assert dense.input_shape == (None, 4, 3)
    assert dense.output_shape == (None, 4, 5)
    with pytest.raises(AttributeError, match="has not been called"):
        layers.Dense(1).output_shape


def test_trainable_flag_moves_weights_between_lists():
    dense = layers.Dense(2, trainable=False)
    dense(np.ones((1, 3)))
    assert dense.trainable_weights == [] and len(dense.non_trainable_weights) == 2


def test_custom_layer_subclass_with_pure_build_and_call():
    class Scale(Layer):
        def build(self, input_shape, rng):
            return {"scale": np.full((input_shape[-1],), 2.0, dtype="float32")}

        def call(self, params, x, mask=None, training=False, rng=None):
            return x * params["scale"]

    x_in = minikeras.Input((3,))
    model = minikeras.Model(x_in, Scale(name="scale")(x_in))
    np.testing.assert_allclose(model.predict(np.ones((2, 3)), verbose=0), 2.0)
    assert list(model.params) == ["scale"]
