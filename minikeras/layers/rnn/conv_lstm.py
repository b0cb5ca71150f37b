"""ConvLSTM1D and ConvLSTM2D: an LSTM whose matrix products are convolutions, over sequences of images or signals.

The cell's step is the LSTM's, with `*` the convolution (input conv with the layer's strides, padding and
dilation; recurrent conv with stride 1 and 'same' padding, so the state keeps its spatial size):

    z = x_t * W + h_{t-1} * U + b          # gates in Keras order i, f, c, o along the channels
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o)
    c_t = f c_{t-1} + i tanh(z_c)
    h_t = o tanh(c_t)

Inputs are (batch, time, *spatial, channels) (channels_last); states are (batch, *output spatial, filters).
"""
import inspect

import autograd.numpy as anp
import numpy as np

from ... import activations, initializers, regularizers, constraints, backend
from ..base import Layer
from ..conv import (as_int_tuple, as_padding, as_data_format, window_geometry, extract_windows, apply_kernel,
                    check_strides_or_dilation, keras_default_name)
from .cells import WeightOptions, set_weight_options
from .rnn import RNN


class ConvLSTMCell(WeightOptions, Layer):
    """One step of ConvLSTM1D/2D (`rank` spatial axes): kernel (*kernel_size, channels, 4 filters),
    recurrent_kernel (*kernel_size, filters, 4 filters), bias (4 filters,), gates i, f, c, o."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 owner="ConvLSTM", **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"{owner}: filters must be a positive integer, got {filters!r}.")
        if kernel_size is None:
            raise TypeError(f"{owner}: kernel_size is required, e.g. {owner}({filters}, 3).")
        self.rank, self.filters = rank, int(filters)
        self.kernel_size = as_int_tuple(owner, "kernel_size", kernel_size, rank)
        self.strides = as_int_tuple(owner, "strides", strides, rank)
        self.dilation_rate = as_int_tuple(owner, "dilation_rate", dilation_rate, rank)
        check_strides_or_dilation(owner, self.strides, self.dilation_rate)
        self.padding = as_padding(owner, padding, ("valid", "same"))
        self.data_format = as_data_format(owner, data_format)
        if self.data_format != "channels_last":
            given = f"{data_format!r}" if data_format is not None else \
                "None, which is the global image_data_format() 'channels_first'"
            raise ValueError(f"{owner}: only data_format='channels_last' is supported by minikeras, got {given}.")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = bool(use_bias), bool(unit_forget_bias)
        set_weight_options(self, owner, kernel_initializer, recurrent_initializer, bias_initializer,
                           kernel_regularizer, recurrent_regularizer, bias_regularizer,
                           kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout)
        self.seed = seed
        self.state_shape = None        # (*output spatial, filters), known once built

    # ---- what RNN asks of a cell --------------------------------------------------------------------
    @property
    def units(self):
        return self.filters

    @property
    def state_size(self):
        return [self.filters, self.filters]

    @property
    def output_size(self):
        return self.filters

    def initial_states(self, batch_size, dtype):
        return [np.zeros((batch_size,) + self.state_shape, dtype=dtype) for _ in range(2)]

    def output_of(self, states):
        return states[0]

    # ---- geometry and weights -----------------------------------------------------------------------
    def output_spatial(self, input_shape):
        """The spatial sizes of the output for an input (batch, time, *spatial, channels)."""
        return self._input_geometry(input_shape).out_sizes

    def _input_geometry(self, input_shape):
        return window_geometry(self, input_shape, tuple(input_shape[2:-1]), self.kernel_size, self.strides,
                               self.dilation_rate, self.padding)

    def build(self, input_shape, rng):
        self.input_geometry = self._input_geometry(input_shape)
        self.state_shape = self.input_geometry.out_sizes + (self.filters,)
        ones = (1,) * self.rank
        self.recurrent_geometry = window_geometry(self, (None,) + self.state_shape, self.state_shape[:-1],
                                                  self.kernel_size, ones, ones, "same")
        channels, gated = input_shape[-1], 4 * self.filters
        params = {"kernel": self.kernel_initializer(self.kernel_size + (channels, gated), rng=rng),
                  "recurrent_kernel": self.recurrent_initializer(self.kernel_size + (self.filters, gated), rng=rng)}
        if self.use_bias:
            bias = np.array(self.bias_initializer((gated,), rng=rng), copy=True)
            if self.unit_forget_bias:
                bias[self.filters:2 * self.filters] = 1.0
            params["bias"] = bias
        return params

    # ---- the math -----------------------------------------------------------------------------------
    def input_part(self, params, x):
        """x * W + b for inputs (batch, *spatial, channels): the half of z that does not depend on the state."""
        z = apply_kernel(extract_windows(x, self.input_geometry, 0.0), params["kernel"], 1)
        return z + params["bias"] if self.use_bias else z

    def recurrent_step(self, params, z_x, states, recurrent_mask=None):
        """The LSTM equations, given the input part z_x of this step."""
        h_prev, c_prev = states
        h_in = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        z = z_x + apply_kernel(extract_windows(h_in, self.recurrent_geometry, 0.0), params["recurrent_kernel"], 1)
        # split, not slices: the gradient of a slice scatters with np.add.at, very slow on frames
        z_i, z_f, z_c, z_o = anp.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)                         # input gate
        f = self.recurrent_activation(z_f)                         # forget gate
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)                         # output gate
        h = o * self.activation(c)
        return h, [h, c]

    def step(self, params, x_t, states, recurrent_mask=None):
        """One time step: (batch, *spatial, channels) and [h, c] -> (h, [h, c])."""
        return self.recurrent_step(params, self.input_part(params, x_t), states, recurrent_mask)

    # ---- config -------------------------------------------------------------------------------------------
    def get_config(self):
        config = {"filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
                  "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                  "activation": activations.serialize(self.activation),
                  "recurrent_activation": activations.serialize(self.recurrent_activation), "use_bias": self.use_bias}
        for kind, module in (("initializer", initializers), ("regularizer", regularizers),
                             ("constraint", constraints)):
            for weight in ("kernel", "recurrent", "bias"):
                config[f"{weight}_{kind}"] = module.serialize(getattr(self, f"{weight}_{kind}"))
            if kind == "initializer":
                config["unit_forget_bias"] = self.unit_forget_bias
        return {**config, "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


# the constructor arguments that belong to the cell (the rest configure the RNN around it)
_CELL_ARGS = list(inspect.signature(ConvLSTMCell.__init__).parameters)[2:-2]


class _ConvLSTM(RNN):
    """What ConvLSTM1D and ConvLSTM2D share: an RNN around a ConvLSTMCell of `rank` spatial axes."""

    rank = None
    keras_class_name = None

    def __init__(self, filters=None, kernel_size=None, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias=True,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, **kwargs):
        cell_args = {k: v for k, v in locals().items() if k in _CELL_ARGS}
        if kwargs.get("name") is None:
            kwargs["name"] = keras_default_name(self.keras_class_name)
        cell = ConvLSTMCell(self.rank, owner=type(self).__name__, name="conv_lstm_cell", **cell_args)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):
        # Keras exposes the cell's settings on the layer: conv_lstm.filters, conv_lstm.kernel_size, ...
        if name != "cell" and "cell" in self.__dict__ and hasattr(self.__dict__["cell"], name):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'")

    # ---- shapes ---------------------------------------------------------------------------------------
    def _check_rank(self, input_shape):
        rank = self.rank + 3
        spatial = ("steps",) if self.rank == 1 else ("rows", "cols")
        if not isinstance(input_shape, tuple) or len(input_shape) != rank:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects input of rank {rank}, "
                             f"(batch, time, {', '.join(spatial)}, channels), got shape {input_shape}.")
        if None in input_shape[2:]:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs known spatial sizes and channels "
                             f"(as in Keras), got input shape {input_shape}.")

    def build(self, input_shape, rng):
        self._check_rank(input_shape)
        if self.stateful and input_shape[0] is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) is stateful, so it needs a fixed batch "
                             f"size: pass Input(batch_shape=...) or batch_input_shape=(batch, ...).")
        self._batch_size = input_shape[0]
        return self.cell.build(input_shape, rng)

    def check_input_shape(self, input_shape):
        self._check_rank(input_shape)
        built = getattr(self, "_build_input_shape", None)
        if self.built and built is not None and tuple(built[2:]) != tuple(input_shape[2:]):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) was built for frames of shape "
                             f"{tuple(built[2:])} (input shape {built}) but got shape {input_shape}.")

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        frame = self.cell.output_spatial(input_shape) + (self.cell.filters,)
        batch = input_shape[0]
        output = (batch, input_shape[1]) + frame if self.return_sequences else (batch,) + frame
        return [output, (batch,) + frame, (batch,) + frame] if self.return_state else output

    def compute_mask(self, x, mask=None):
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    # ---- dropout: one mask per sequence, shaped like a frame ------------------------------------------
    def _apply_dropout(self, x, batch, training, rng):
        cell = self.cell
        if not training or (cell.dropout == 0.0 and cell.recurrent_dropout == 0.0):
            return x, None
        rng = rng if rng is not None else backend.new_rng()
        if cell.dropout > 0.0:
            keep = rng.random((batch, 1) + x.shape[2:]) >= cell.dropout
            x = x * (keep / (1.0 - cell.dropout)).astype(x.dtype)
        recurrent_mask = None
        if cell.recurrent_dropout > 0.0:
            keep = rng.random((batch,) + cell.state_shape) >= cell.recurrent_dropout
            recurrent_mask = (keep / (1.0 - cell.recurrent_dropout)).astype(backend.floatx())
        return x, recurrent_mask

    # ---- weights and config ---------------------------------------------------------------------------
    def get_config(self):
        config = {**super().get_config(), **self.cell.get_config()}
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config


class ConvLSTM1D(_ConvLSTM):
    """ConvLSTM over sequences of 1-D signals: input (batch, time, steps, channels); Keras 3's arguments."""

    rank, keras_class_name = 1, "ConvLSTM1D"


class ConvLSTM2D(_ConvLSTM):
    """ConvLSTM over sequences of images: input (batch, time, rows, cols, channels); Keras 3's arguments."""

    rank, keras_class_name = 2, "ConvLSTM2D"
