"""A Keras-style layer in a model: options given by keyword reach its call (also while its output shape is found),
and positional arguments other than the inputs are refused with a ValueError, as in Keras."""
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


def test_several_positional_symbolic_tensors_are_a_value_error_that_says_what_to_do():
    with pytest.raises(ValueError, match=r"several positional symbolic tensors.*layer\(\[x1, x2\]\)"):
        Add()(Input((3,)), Input((3,)))
