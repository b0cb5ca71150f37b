"""Keras 2's CuDNNLSTM / CuDNNGRU build the LSTM / GRU with cuDNN's fixed activations, warning once."""
import warnings

import numpy as np

from minikeras import Input, Sequential, legacy
from minikeras.layers import GRU, LSTM, CuDNNGRU, CuDNNLSTM


def test_cudnn_lstm_is_an_lstm_with_sigmoid_gates_and_warns_once():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first, second = CuDNNLSTM(4, return_sequences=True), CuDNNLSTM(3)
    assert [str(w.message) for w in caught if "CuDNNLSTM" in str(w.message)][:1] and \
        len([w for w in caught if "CuDNNLSTM" in str(w.message)]) == 1
    assert isinstance(first, LSTM) and first.return_sequences and second.units == 3
    assert first.get_config()["recurrent_activation"] == "sigmoid"
    model = Sequential([Input((5, 2)), first, second])
    assert model.predict(np.ones((1, 5, 2), "float32"), verbose=0).shape == (1, 3)


def test_cudnn_gru_is_a_reset_after_gru():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = CuDNNGRU(4)
    assert isinstance(layer, GRU) and layer.reset_after and layer.get_config()["recurrent_activation"] == "sigmoid"
