"""SimpleRNN, GRU and LSTM: an RNN around the matching cell, taking the cell's arguments and the layer's together."""
from ... import legacy, regularizers
from .cells import SimpleRNNCell, GRUCell, LSTMCell
from .rnn import RNN
from ..base import snake_case

_LAYER_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "input_length",
               "implementation", "consume_less", "zero_output_for_mask", "name", "trainable", "dtype", "input_shape",
               "batch_input_shape", "batch_shape", "input_dim", "batch_size", "weights")


class _CellLayer(RNN):
    cell_class = None

    def __init__(self, units=None, activity_regularizer=None, **kwargs):
        kind = type(self).__name__
        kwargs = legacy.rename(dict(kwargs), legacy.KERAS1_RECURRENT_ARGS, kind, {"units": units})
        if kwargs.pop("forget_bias_init", None) is not None:
            legacy.warn_once(f"{kind}(forget_bias_init=...)", "unit_forget_bias=True (the default)")
        units = kwargs.pop("units", units)
        layer_args = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        cell = self.cell_class(units, name=snake_case(kind) + "_cell", **kwargs)
        super().__init__(cell, **layer_args)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):
        # Keras exposes the cell's settings on the layer: lstm.units, lstm.activation, ...
        if name != "cell" and "cell" in self.__dict__ and hasattr(self.__dict__["cell"], name):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'")

    def get_config(self):
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "batch_input_shape"):
            cell_config.pop(key, None)
        config = {**super().get_config(), **cell_config}
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config


class SimpleRNN(_CellLayer):
    """h_t = activation(x_t W + h_{t-1} U + b)."""
    cell_class = SimpleRNNCell


class _CudnnChoiceLayer(_CellLayer):
    """GRU and LSTM take Keras 3's `use_cudnn` ("auto", True or False)."""

    def __init__(self, units=None, use_cudnn="auto", **kwargs):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(f"{type(self).__name__}: use_cudnn must be 'auto', True or False, got {use_cudnn!r}.")
        super().__init__(units, **kwargs)
        self.use_cudnn = use_cudnn


class GRU(_CudnnChoiceLayer):
    """Gated recurrent unit; reset_after=True (Keras 3's default) applies the reset gate after the matmul.

    `use_cudnn` is accepted for Keras 3 code and means nothing here (minikeras runs on the CPU, always with the same
    kernel); like Keras, the config does not record it.
    """
    cell_class = GRUCell


class LSTM(_CudnnChoiceLayer):
    """Long short-term memory; gates i, f, c, o.

    `use_cudnn` is accepted for Keras 3 code and means nothing here (minikeras runs on the CPU, always with the same
    kernel); like Keras, the config does not record it.
    """
    cell_class = LSTMCell


def CuDNNLSTM(units, **kwargs):  # noqa: N802  (Keras 2's class name)
    """Keras 2's GPU-only LSTM: here an LSTM with cuDNN's fixed activations (tanh, sigmoid gates); warns once."""
    legacy.warn_once("keras.layers.CuDNNLSTM", "keras.layers.LSTM (Keras 3 picks the fast kernel by itself)")
    return LSTM(units, activation="tanh", recurrent_activation="sigmoid", **kwargs)


def CuDNNGRU(units, **kwargs):  # noqa: N802  (Keras 2's class name)
    """Keras 2's GPU-only GRU: here a GRU with cuDNN's fixed form (tanh, sigmoid gates, reset_after); warns once."""
    legacy.warn_once("keras.layers.CuDNNGRU", "keras.layers.GRU (Keras 3 picks the fast kernel by itself)")
    return GRU(units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs)
