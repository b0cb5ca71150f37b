"""Recurrent cells: SimpleRNNCell, GRUCell, LSTMCell and their stack. Each `step` reads like the equations.

A cell holds configuration; `build` returns its weights (Keras names, shapes and gate order) and
`step(params, x_t, states)` maps one time step's input and the previous states to (output, new states).
"""
import autograd.numpy as anp
import numpy as np

from ... import activations, initializers, regularizers, constraints, backend, legacy
from ..base import Layer
from ..core import _positive_int
from .fused_lstm import lstm_kernel_call
from .fused_gru import gru_kernel_call
from .fused_simple_rnn import simple_rnn_kernel_call


def set_weight_options(cell, cell_name, kernel_initializer, recurrent_initializer, bias_initializer,
                       kernel_regularizer, recurrent_regularizer, bias_regularizer,
                       kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout):
    """Give a recurrent cell its kernel, recurrent kernel and bias options (initializers, regularizers and
    constraints resolved from their names) and its two dropout rates (checked)."""
    for part, initializer, regularizer, constraint in (
            ("kernel", kernel_initializer, kernel_regularizer, kernel_constraint),
            ("recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint),
            ("bias", bias_initializer, bias_regularizer, bias_constraint)):
        setattr(cell, f"{part}_initializer", initializers.get(initializer))
        setattr(cell, f"{part}_regularizer", regularizers.get(regularizer))
        setattr(cell, f"{part}_constraint", constraints.get(constraint))
    cell.dropout = _dropout_rate(cell_name, "dropout", dropout)
    cell.recurrent_dropout = _dropout_rate(cell_name, "recurrent_dropout", recurrent_dropout)


class WeightOptions:
    """The regularizers and constraints of a cell's kernel, recurrent kernel and bias, as set_weight_options set
    them (shared by the recurrent cells and ConvLSTMCell)."""

    def weight_regularizers(self):
        return {"kernel": self.kernel_regularizer, "recurrent_kernel": self.recurrent_regularizer,
                "bias": self.bias_regularizer}

    def weight_constraints(self):
        return {"kernel": self.kernel_constraint, "recurrent_kernel": self.recurrent_constraint,
                "bias": self.bias_constraint}


def _dropout_rate(cell_name, what, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"{cell_name}: {what} must be a number in [0, 1), got {value!r}.")
    return float(value)


def _run_plan(plan):
    if plan is None:
        return None
    kernel_primitive, arguments, finish = plan
    return finish(kernel_primitive(*arguments))


def _finish_one_state(result):
    outputs, h = result
    return outputs, outputs[:, -1], [h]


def _finish_two_states(result):
    outputs, h, c = result
    return outputs, outputs[:, -1], [h, c]


class RNNCellBase(WeightOptions, Layer):
    """What every built-in cell shares: units, activation, initializers, regularizers, constraints, dropout."""

    def __init__(self, units=None, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        kind = type(self).__name__
        self.units = _positive_int(kind, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_options(self, kind, kernel_initializer, recurrent_initializer, bias_initializer,
                           kernel_regularizer, recurrent_regularizer, bias_regularizer,
                           kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout)
        self.seed = seed
        super().__init__(**kwargs)

    gates = 1

    @property
    def state_size(self):
        return [self.units]

    @property
    def output_size(self):
        return self.units

    def initial_states(self, batch_size, dtype):
        return [np.zeros((batch_size, size), dtype=dtype) for size in self.state_size]

    def output_of(self, states):
        """The output a cell last emitted, read from its states (a masked step repeats it)."""
        return states[0]

    def build(self, input_shape, rng):
        features, gated = input_shape[-1], self.gates * self.units
        params = {"kernel": self.kernel_initializer((features, gated), rng=rng),
                  "recurrent_kernel": self.recurrent_initializer((self.units, gated), rng=rng)}
        if self.use_bias:
            params["bias"] = self.build_bias(rng)
        return params

    def build_bias(self, rng):
        return self.bias_initializer((self.gates * self.units,), rng=rng)

    def fused_plan(self, params, x, states, mask, go_backwards, zero_output_for_mask, recurrent_mask=None):
        """(kernel primitive, its arguments, finish) of the cell's fused kernel; None: no fused kernel here."""
        return None

    def fused_sequence(self, params, x, states, mask, go_backwards, zero_output_for_mask, recurrent_mask=None):
        """The whole sequence through the fused kernel, or None when this configuration needs the reference."""
        return _run_plan(self.fused_plan(params, x, states, mask, go_backwards, zero_output_for_mask,
                                         recurrent_mask))

    def get_config(self):
        ser = {"activation": activations.serialize(self.activation)}
        for kind, module in (("initializer", initializers), ("regularizer", regularizers),
                             ("constraint", constraints)):
            for weight in ("kernel", "recurrent", "bias"):
                ser[f"{weight}_{kind}"] = module.serialize(getattr(self, f"{weight}_{kind}"))
        return {**super().get_config(), "units": self.units, "use_bias": self.use_bias, **ser,
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


class SimpleRNNCell(RNNCellBase):
    """One step of SimpleRNN, h_t = activation(x_t W + h_{t-1} U + b) (activation "tanh" by default); use it in RNN."""

    def __init__(self, units=None, activation="tanh", **kwargs):
        legacy.rename(kwargs, legacy.KERAS1_RECURRENT_ARGS, "SimpleRNNCell")
        kwargs.setdefault("units", units)
        super().__init__(activation=activation, **kwargs)

    def step(self, params, x_t, states, recurrent_mask=None):
        h_prev = states[0]
        h_in = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        z = anp.dot(x_t, params["kernel"]) + anp.dot(h_in, params["recurrent_kernel"])
        if self.use_bias:
            z = z + params["bias"]
        h = self.activation(z)
        return h, [h]

    def fused_plan(self, params, x, states, mask, go_backwards, zero_output_for_mask, recurrent_mask=None):
        """(kernel primitive, its arguments, finish) for the fused path, or None when this configuration needs
        the reference; `finish` turns the kernel's result into (outputs, last output, final states).
        `recurrent_mask` is recurrent dropout's mask on h, as `step` takes it."""
        if self.activation is not activations.get("tanh"):
            return None
        bias = params["bias"] if self.use_bias else np.zeros(self.units, dtype=params["kernel"].dtype)
        return simple_rnn_kernel_call(x, params["kernel"], params["recurrent_kernel"], bias, states[0], mask,
                                      go_backwards, zero_output_for_mask, recurrent_mask) + (_finish_one_state,)


class LSTMCell(RNNCellBase):
    """Gates in Keras order i, f, c, o: kernel (features, 4u), recurrent_kernel (u, 4u), bias (4u,)."""

    gates = 4

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True,
                 **kwargs):
        legacy.rename(kwargs, legacy.KERAS1_RECURRENT_ARGS, "LSTMCell")
        kwargs.setdefault("units", units)
        recurrent_activation = kwargs.pop("recurrent_activation", recurrent_activation)
        super().__init__(activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build_bias(self, rng):
        bias = self.bias_initializer((4 * self.units,), rng=rng)
        if self.unit_forget_bias:
            bias = np.array(bias, copy=True)
            bias[self.units:2 * self.units] = 1.0
        return bias

    def step(self, params, x_t, states, recurrent_mask=None):
        h_prev, c_prev = states
        h_in = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        z = anp.dot(x_t, params["kernel"]) + anp.dot(h_in, params["recurrent_kernel"])
        if self.use_bias:
            z = z + params["bias"]
        u = self.units
        i = self.recurrent_activation(z[:, :u])              # input gate
        f = self.recurrent_activation(z[:, u:2 * u])         # forget gate
        c = f * c_prev + i * self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])          # output gate
        h = o * self.activation(c)
        return h, [h, c]

    def fused_plan(self, params, x, states, mask, go_backwards, zero_output_for_mask, recurrent_mask=None):
        """(kernel primitive, its arguments, finish) for the fused path, or None when this configuration needs
        the reference; `finish` turns the kernel's result into (outputs, last output, final states).
        `recurrent_mask` is recurrent dropout's mask on h, as `step` takes it."""
        if self.activation is not activations.get("tanh") or self.recurrent_activation is not activations.get("sigmoid"):
            return None
        bias = params["bias"] if self.use_bias else np.zeros(4 * self.units, dtype=params["kernel"].dtype)
        return lstm_kernel_call(x, params["kernel"], params["recurrent_kernel"], bias, states[0], states[1],
                                mask, go_backwards, zero_output_for_mask, recurrent_mask) + (_finish_two_states,)

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(RNNCellBase):
    """Gates in Keras order z, r, h. With reset_after (Keras 3's default) the bias is (2, 3u): input, recurrent."""

    gates = 3

    def __init__(self, units=None, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        legacy.rename(kwargs, legacy.KERAS1_RECURRENT_ARGS, "GRUCell")
        kwargs.setdefault("units", units)
        recurrent_activation = kwargs.pop("recurrent_activation", recurrent_activation)
        super().__init__(activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def build_bias(self, rng):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        return self.bias_initializer(shape, rng=rng)

    def step(self, params, x_t, states, recurrent_mask=None):
        h_prev = states[0]
        h_in = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        u, kernel, recurrent = self.units, params["kernel"], params["recurrent_kernel"]
        bias = params.get("bias") if self.use_bias else None
        x_proj = anp.dot(x_t, kernel)
        if bias is not None:
            x_proj = x_proj + (bias[0] if self.reset_after else bias)
        if self.reset_after:
            h_proj = anp.dot(h_in, recurrent)
            if bias is not None:
                h_proj = h_proj + bias[1]
            z = self.recurrent_activation(x_proj[:, :u] + h_proj[:, :u])          # update gate
            r = self.recurrent_activation(x_proj[:, u:2 * u] + h_proj[:, u:2 * u])  # reset gate
            candidate = self.activation(x_proj[:, 2 * u:] + r * h_proj[:, 2 * u:])
        else:
            h_proj = anp.dot(h_in, recurrent[:, :2 * u])
            z = self.recurrent_activation(x_proj[:, :u] + h_proj[:, :u])
            r = self.recurrent_activation(x_proj[:, u:2 * u] + h_proj[:, u:2 * u])
            candidate = self.activation(x_proj[:, 2 * u:] + anp.dot(r * h_in, recurrent[:, 2 * u:]))
        h = z * h_prev + (1.0 - z) * candidate
        return h, [h]

    def fused_plan(self, params, x, states, mask, go_backwards, zero_output_for_mask, recurrent_mask=None):
        """(kernel primitive, its arguments, finish) for the fused path, or None when this configuration needs
        the reference; `finish` turns the kernel's result into (outputs, last output, final states).
        `recurrent_mask` is recurrent dropout's mask on h, as `step` takes it."""
        if self.activation is not activations.get("tanh") or self.recurrent_activation is not activations.get("sigmoid"):
            return None
        dtype, units = params["kernel"].dtype, self.units
        bias = params["bias"] if self.use_bias else np.zeros((2, 3 * units) if self.reset_after else 3 * units, dtype)
        input_bias, recurrent_bias = (bias[0], bias[1]) if self.reset_after else (bias, np.zeros(3 * units, dtype))
        return gru_kernel_call(x, params["kernel"], params["recurrent_kernel"], input_bias, recurrent_bias,
                               states[0], mask, go_backwards, zero_output_for_mask, self.reset_after,
                               recurrent_mask) + (_finish_one_state,)

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class StackedRNNCells(Layer):
    """Several cells run one after another at each time step; the output of one is the input of the next."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        from .custom_cell import KerasStyleCell       # a user's Keras-style cell runs through its adapter
        self.cells = [KerasStyleCell(cell) if getattr(type(cell), "_keras_style", False)
                      and hasattr(cell, "state_size") else cell for cell in cells]
        for cell in self.cells:
            if not hasattr(cell, "step"):
                raise TypeError(f"StackedRNNCells: {cell!r} is not a recurrent cell (it has no step()).")

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return self.cells[-1].output_size

    dropout = 0.0
    recurrent_dropout = 0.0
    units = property(lambda self: self.cells[-1].units)

    def initial_states(self, batch_size, dtype):
        return [cell.initial_states(batch_size, dtype) for cell in self.cells]

    def output_of(self, states):
        return self.cells[-1].output_of(states[-1])

    def build(self, input_shape, rng):
        params, features = {}, input_shape[-1]
        for cell in self.cells:
            params[cell.name] = cell.build((input_shape[0], features), rng)
            features = cell.output_size
        return params

    def step(self, params, x_t, states, recurrent_mask=None):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            x_t, cell_new = cell.step(params[cell.name], x_t, cell_states)
            new_states.append(cell_new)
        return x_t, new_states

    def regularization_loss(self, params):
        return sum(cell.regularization_loss(params[cell.name]) for cell in self.cells)

    def apply_constraints(self, params):
        return {cell.name: cell.apply_constraints(params[cell.name]) for cell in self.cells}
