"""LSTM/GRU take Keras 3's use_cudnn (meaningless here); SimpleRNN does not, as in Keras 3."""
import numpy as np
import pytest

from minikeras.layers import GRU, LSTM, SimpleRNN


@pytest.mark.parametrize("layer_class", [LSTM, GRU])
@pytest.mark.parametrize("choice", ["auto", True, False])
def test_use_cudnn_is_accepted_and_changes_nothing(layer_class, choice):
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    plain, chosen = layer_class(2), layer_class(2, use_cudnn=choice)
    plain(x)
    chosen(x)
    chosen.set_weights(plain.get_weights())
    np.testing.assert_array_equal(plain(x), chosen(x))
    assert chosen.use_cudnn == choice
    assert "use_cudnn" not in chosen.get_config()  # Keras 3 does not write it either


@pytest.mark.parametrize("layer_class", [LSTM, GRU])
def test_use_cudnn_refuses_other_values(layer_class):
    with pytest.raises(ValueError, match="use_cudnn must be 'auto', True or False, got 'yes'"):
        layer_class(2, use_cudnn="yes")


def test_simple_rnn_has_no_use_cudnn():
    with pytest.raises(TypeError, match="use_cudnn"):
        SimpleRNN(2, use_cudnn=True)
