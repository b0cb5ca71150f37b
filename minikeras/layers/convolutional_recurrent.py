"""Legacy import path `keras.layers.convolutional_recurrent` (Keras 2): re-exports ConvLSTM1D and ConvLSTM2D."""
from .rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D  # noqa: F401

__all__ = ["ConvLSTM1D", "ConvLSTM2D"]
