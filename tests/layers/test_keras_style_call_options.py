"""A Keras-style layer in a model: options given by keyword reach its call (also while its output shape is found),
positional arguments other than tensors are refused with a ValueError, as in Keras, and several positional tensors
reach a Keras-style call positionally."""
import numpy as np
import pytest

from minikeras import Input, Model, layers


class FirstOrAll(layers.Layer):
    def call(self, x, keep_all):
        return x if keep_all else x[:, :1]


class Add(layers.Layer):
    def call(self, x1, x2=None):
        return x1 if x2 is None else x1 + x2


def test_a_keyword_option_shapes_the_symbolic_output():
    inputs = Input((3,))
    assert FirstOrAll()(inputs, keep_all=True).shape == (None, 3)
    outputs = FirstOrAll()(inputs, keep_all=False)
    assert outputs.shape == (None, 1)
    np.testing.assert_allclose(Model(inputs, outputs).predict(np.arange(6.0).reshape(2, 3), verbose=0), [[0], [3]])


def test_a_non_tensor_positional_argument_is_a_value_error():
    with pytest.raises(ValueError, match="only input tensors may be passed positionally; pass options by keyword"):
        FirstOrAll(name="first")(Input((3,)), True)


def test_several_positional_symbolic_tensors_reach_a_keras_style_call_positionally():
    a, b = Input((3,)), Input((3,))
    model = Model([a, b], Add()(a, b))
    np.testing.assert_allclose(model.predict([np.ones((2, 3)), np.full((2, 3), 2.0)], verbose=0), np.full((2, 3), 3.0))


def test_a_model_called_on_several_positional_symbolic_tensors_is_told_to_take_one_list():
    a, b = Input((3,)), Input((3,))
    pair = Model([a, b], layers.Add()([a, b]), name="pair")
    with pytest.raises(ValueError, match=r"pair.*several positional symbolic tensors.*layer\(\[x1, x2\]\)"):
        pair(Input((3,)), Input((3,)))
