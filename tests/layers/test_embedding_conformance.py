"""Embedding as Keras 3: supports_masking follows mask_zero, float indices, the table given on its own."""
import os

import numpy as np
import pytest

from minikeras.layers import Embedding, Input, LSTM
from minikeras.models import Model

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conformance")


def test_supports_masking_follows_mask_zero():
    assert Embedding(4, 3, mask_zero=True).supports_masking is True
    assert Embedding(4, 3).supports_masking is False


def test_whole_number_float_indices_give_keras_numbers_and_mask():
    with np.load(os.path.join(FIXTURES, "embedding_float_indices.npz")) as data:
        case = dict(data)
    layer = Embedding(5, 3, mask_zero=True, weights=[case["table"]])
    np.testing.assert_allclose(layer(case["x"]), case["y"], rtol=1e-6)
    np.testing.assert_array_equal(layer.compute_mask(case["x"]), case["mask"])
    assert layer.supports_masking == bool(case["supports_masking"])


def test_float_indices_from_a_float_input_feed_a_masked_lstm():
    inputs = Input((4,))
    model = Model(inputs, LSTM(2)(Embedding(5, 3, mask_zero=True)(inputs)))
    floats = np.array([[1.0, 2.0, 0.0, 0.0]], "float32")
    np.testing.assert_allclose(model.predict(floats, verbose=0), model.predict(floats.astype("int32"), verbose=0))


def test_float_indices_with_a_fraction_are_refused():
    with pytest.raises(TypeError, match="not whole numbers"):
        Embedding(5, 3)(np.array([[1.5]]))


def test_weights_may_be_the_table_itself():
    layer = Embedding(3, 4, weights=np.ones((3, 4)))
    layer(np.array([[0]]))
    np.testing.assert_array_equal(layer.get_weights()[0], np.ones((3, 4)))
