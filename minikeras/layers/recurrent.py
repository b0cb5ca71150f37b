"""Legacy import path (Keras 1/2: keras.layers.recurrent). Re-exports only, plus the abstract `Recurrent`."""
from .rnn import RNN, SimpleRNN, GRU, LSTM, SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells


class Recurrent:
    """Keras 1/2's abstract base of recurrent layers. It computes nothing, so it cannot be used as a layer."""

    def __init__(self, *args, **kwargs):
        raise TypeError("Recurrent is the abstract base of the recurrent layers and cannot be used as a layer. "
                        "Use SimpleRNN, GRU or LSTM (or RNN(cell) for a custom cell).")
