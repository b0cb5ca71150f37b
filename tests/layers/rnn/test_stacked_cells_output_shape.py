"""RNN over StackedRNNCells with return_state: compute_output_shape groups the state shapes by cell, as the call
groups the states (and as Keras 3 does); a model built on it still holds one tensor per state."""
import numpy as np

import minikeras as mk
from minikeras import layers as L


def _stacked():
    return L.RNN([L.LSTMCell(4), L.GRUCell(3), L.SimpleRNNCell(2)], return_state=True, return_sequences=True)


def test_the_shapes_are_grouped_by_cell_as_keras_gives_them():
    # Keras 3.15.1: ((2, 3, 2), [(2, 4), (2, 4)], (2, 3), (2, 2))
    assert _stacked().compute_output_shape((2, 3, 5)) == [(2, 3, 2), [(2, 4), (2, 4)], (2, 3), (2, 2)]


def test_the_call_and_the_shapes_have_the_same_structure():
    layer = _stacked()
    out = layer(np.zeros((2, 3, 5)))
    shapes = layer.compute_output_shape((2, 3, 5))
    assert [np.shape(out[0]), [np.shape(s) for s in out[1]], np.shape(out[2]), np.shape(out[3])] == shapes


def test_a_model_on_the_grouped_states_runs_and_counts_each_state():
    x = mk.Input((3, 5))
    sequence, lstm_states, gru_state, rnn_state = _stacked()(x)
    model = mk.Model(x, [sequence, lstm_states[1], gru_state, rnn_state])
    assert len(model.layers[1]._inbound_nodes[0].output_tensors) == 5
    outputs = model(np.ones((2, 3, 5)))
    assert [o.shape for o in outputs] == [(2, 3, 2), (2, 4), (2, 3), (2, 2)]
