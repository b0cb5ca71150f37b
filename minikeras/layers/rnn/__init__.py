"""Recurrent layers: cells (the step equations), the shared scan, and the layers that run them."""
from .cells import SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells
from .rnn import RNN
from .layers import SimpleRNN, GRU, LSTM
