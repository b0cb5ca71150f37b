"""Forward passes that hand back their own backward pass, for the built-in layers a training step composes.

`forward_with_backward(layer, params, x, mask, need_dx)` runs a layer on plain numpy arrays and returns
`(y, output mask, backward)`, where `backward(dy) -> (gradients of params, dx)`. The recurrent layers reuse
their fused kernels' forward and hand-derived backward (BPTT); Dense, TimeDistributed(Dense) and Embedding
are a few lines each; BatchNormalization, Conv1D/2D, GlobalAveragePooling1D and the activation layers are in
composed_feedforward.py, the attention and merge layers (list inputs) in composed_attention.py and
composed_merge.py. `recurrent_forward` runs a recurrent layer with its states given (`initial_state`) or returned
(`return_state`). A layer whose call changes non-trainable weights (BatchNormalization's moving statistics) writes
their new values into the `updates` dict it is given. A graph of such layers then needs no autograd tracing per
batch (models/composed_step.py); tests/models/test_composed_*.py and tests/layers/test_composed_*.py prove the
composed gradients equal autograd's through the layers' own `call`.

`supports(layer, training)` says whether a layer has this form in this configuration (built-in class, no
regularizer, no dropout in training, not stateful, the fused kernel selected); anything else takes the traced path.
"""
import numpy as np
from autograd.core import primitive_vjps

from .. import activations
from .composed_activations import activation_forward, has_composed_form
from .composed_feedforward import FEEDFORWARD_FORMS, add_bias
from .core import Dense
from .embedding import Embedding
from .feature_rows import feature_sums
from .rnn.cells import GRUCell, LSTMCell, SimpleRNNCell
from .rnn import kernel_process
from .rnn.fused_pair import both, direction_concurrency
from .rnn.layers import GRU, LSTM, SimpleRNN
from .rnn.rnn import RNN
from .wrappers import Bidirectional, TimeDistributed, reverse_time


def supports(layer, training):
    """Whether `forward_with_backward` can run `layer` in this configuration."""
    check = _SUPPORTED.get(type(layer)) or FEEDFORWARD_FORMS.get(type(layer), (None,))[0]
    return check is not None and layer.activity_regularizer is None and check(layer, training)


def forward_with_backward(layer, params, x, mask, need_dx, updates=None, rng=None):
    """(y, output mask, backward) for a layer `supports` accepted; backward(dy) -> (params' gradients, dx or None).
    New values of non-trainable weights (moving statistics) go into `updates` as {layer name: {weight: value}};
    a recurrent layer's dropout masks are drawn from `rng`, as its call draws them."""
    form = _FORWARD.get(type(layer))
    if form is None:
        return FEEDFORWARD_FORMS[type(layer)][1](layer, params, x, mask, need_dx, {} if updates is None else updates)
    if form in (_rnn, _bidirectional):
        return form(layer, params, x, mask, need_dx, rng)
    return form(layer, params, x, mask, need_dx)


def makes_updates_itself(layer):
    """Whether the composed form of a layer with weight updates hands them back (BatchNormalization's does)."""
    return type(layer) in FEEDFORWARD_FORMS


# ---- Dense and TimeDistributed(Dense) -----------------------------------------------------------------------
def _dense_ok(layer, training):
    return has_composed_form(layer.activation) and layer.kernel_regularizer is None and layer.bias_regularizer is None


def _dense(layer, params, x, mask, need_dx):
    kernel = params["kernel"]
    # (batch, time, features) inputs as one 2-D matmul: numpy runs a 3-D one as a matmul per sample
    rows = x.reshape(-1, x.shape[-1])
    z = (rows @ kernel).reshape(x.shape[:-1] + kernel.shape[-1:])
    if layer.use_bias:
        z = add_bias(z, params["bias"])
    y, activation_backward = activation_forward(layer.activation, z, overwrite=True)

    def backward(dy):
        dz = activation_backward(dy)
        flat_dz = dz.reshape(-1, dz.shape[-1])
        grads = {"kernel": np.dot(rows.T, flat_dz)}
        if layer.use_bias:
            grads["bias"] = feature_sums(flat_dz, 1)
        return grads, (flat_dz @ kernel.T).reshape(x.shape) if need_dx else None
    return y, layer.compute_mask(x, mask), backward


def _time_distributed_ok(layer, training):
    return type(layer.layer) is Dense and supports(layer.layer, training)


def _time_distributed(layer, params, x, mask, need_dx):
    inner = layer.layer
    y, _, inner_backward = _dense(inner, params[inner.name], x, mask, need_dx)

    def backward(dy):
        grads, dx = inner_backward(dy)
        return {inner.name: grads}, dx
    return y, layer.compute_mask(x, mask), backward


# ---- Embedding ----------------------------------------------------------------------------------------------
def _embedding_ok(layer, training):
    return layer.embeddings_regularizer is None


def _embedding(layer, params, x, mask, need_dx):
    indices = layer._checked_indices(x)
    table = params["embeddings"]

    def backward(dy):
        return {"embeddings": _rows_summed_by_index(dy, table, indices)}, None
    return table[indices], layer.compute_mask(x, mask), backward


def _rows_summed_by_index(dy, table, indices):
    """The table's gradient: each row of dy added onto the row of its index (embedding.py's _sum_rows_by_index),
    as one bincount over (index, column) pairs, which measured faster than sorting the indices and reducing."""
    columns = table.shape[1]
    keys = (indices.reshape(-1, 1) * columns + np.arange(columns)).ravel()
    sums = np.bincount(keys, weights=dy.ravel(), minlength=table.size)
    return sums.reshape(table.shape).astype(table.dtype, copy=False)


# ---- recurrent layers: the fused kernels' own forward and backward --------------------------------------------
def _rnn_ok(layer, training):
    return not layer.return_state and recurrent_ok(layer, training)


def recurrent_ok(layer, training=True):
    """Whether a recurrent layer runs its fused kernel here, return_state or not (`recurrent_forward`)."""
    if type(layer) not in _RNN_TYPES:
        return False
    cell = layer.cell
    if type(cell) not in _CELL_GRADIENTS or layer.implementation == 1 or layer.stateful \
            or layer.activity_regularizer is not None:
        return False
    # the fused kernels exist for the default activations only (cells.fused_plan gives None otherwise)
    if cell.activation is not _TANH or getattr(cell, "recurrent_activation", _SIGMOID) is not _SIGMOID:
        return False
    # input dropout is a mask on x before the kernel; recurrent dropout needs the kernel's own support
    if training and cell.recurrent_dropout > 0.0 and type(cell) not in _RECURRENT_DROPOUT_KERNELS:
        return False
    return all(getattr(cell, name) is None for name in ("kernel_regularizer", "recurrent_regularizer",
                                                        "bias_regularizer"))


class _KernelRun:
    """One recurrent layer's fused kernel: its forward result, its output, and its backward pass; run in the
    helper process `elsewhere` (rnn/kernel_process.py) when one is given, else here."""

    def __init__(self, layer, params, x, mask, initial_states=None, elsewhere=None, rng=None):
        cell = layer.cell
        states = layer._starting_states(initial_states, x.shape[0])
        mask = None if mask is None else np.asarray(mask, dtype=bool)
        # a training step's dropout masks, drawn as the layer's call draws them
        self.input_keep, recurrent_mask = layer.dropout_masks(x.shape[0], x.shape[-1], True, rng)
        if self.input_keep is not None:
            x = x * self.input_keep.astype(x.dtype)
        plan = cell.fused_plan(params, x, states, mask, layer.go_backwards, layer.zero_output_for_mask, recurrent_mask)
        self.kernel, arguments, _ = plan
        # the last argument asks the kernel to keep its intermediates for the backward pass
        self.arguments = tuple(arguments[:-1]) + (True,)
        self.layer, self.params, self.result, self.elsewhere = layer, params, None, elsewhere

    def forward(self):
        return self.start_forward()()

    def start_forward(self):
        """Begin the forward pass; returns finish() -> the kernel's result."""
        if self.elsewhere is None:
            return self._forward_here
        self.number, wait = self.elsewhere.forward(self.kernel, self.arguments)

        def finish():
            result = wait()
            if result is kernel_process.FAILED:
                self.elsewhere = None
                return self._forward_here()
            self.result = result
            return result
        return finish

    def _forward_here(self):
        self.result = self.kernel.fun(*self.arguments)
        return self.result

    def output(self):
        outputs = self.result[0]
        return outputs if self.layer.return_sequences else outputs[:, -1]

    def backward(self, dy, need_dx, d_states=(), need_d_initial=False):
        return self.start_backward(dy, need_dx, d_states, need_d_initial)()

    def start_backward(self, dy, need_dx, d_states=(), need_d_initial=False):
        """Begin the backward pass; returns finish() -> (weights' gradients, dx or None, [gradients of the initial
        states] or None). `d_states` are the gradients of the final states (None for one nothing used)."""
        cell = self.layer.cell
        numbers = _CELL_GRADIENTS[type(cell)](cell)
        initial = _STATE_ARGUMENTS[type(cell)] if need_d_initial else ()
        argnums = ((0,) if need_dx else ()) + tuple(n for name_numbers in numbers.values() for n in name_numbers) \
            + initial
        g = self._output_gradients(dy, d_states)
        if self.elsewhere is None:
            def wait():
                return self._vjp_here(argnums, g)
        else:
            wait = self.elsewhere.vjp(self.number, argnums, g)

        def finish():
            values = wait()
            if values is kernel_process.FAILED:        # the helper lost its forward pass: both again, here
                self._forward_here()
                values = self._vjp_here(argnums, g)
            grads = dict(zip(argnums, values))
            by_name = {name: grads[n[0]] if len(n) == 1 else np.stack([grads[k] for k in n])
                       for name, n in numbers.items() if name in self.params}
            dx = grads.get(0)
            if dx is not None and self.input_keep is not None:
                dx = dx * self.input_keep.astype(dx.dtype)
            return by_name, dx, [grads[n] for n in initial] if need_d_initial else None
        return finish

    def _vjp_here(self, argnums, g):
        return primitive_vjps[self.kernel](argnums, self.result, self.arguments, {})(g)

    def _output_gradients(self, dy, d_states):
        """The kernel's output gradient tuple (outputs, final states) for the layer's output gradient `dy`."""
        outputs = self.result[0]
        if dy is None:
            d_outputs = np.zeros_like(outputs)
        elif self.layer.return_sequences:
            d_outputs = dy
        else:
            d_outputs = np.zeros_like(outputs)
            d_outputs[:, -1] = dy
        d_states = list(d_states) + [None] * (len(self.result) - 1 - len(d_states))
        return (d_outputs,) + tuple(np.zeros_like(state) if d is None else d
                                    for state, d in zip(self.result[1:], d_states))


def _weights_and_bias(cell):
    return {"kernel": (1,), "recurrent_kernel": (2,), **({"bias": (3,)} if cell.use_bias else {})}


def _gru_weights(cell):
    numbers = _weights_and_bias(cell)
    if cell.use_bias and cell.reset_after:
        numbers["bias"] = (3, 4)       # the kernel takes the (2, 3u) bias as its input and recurrent rows
    return numbers


# the fused kernel's argument numbers of each weight's gradient, and of the initial states
_CELL_GRADIENTS = {LSTMCell: _weights_and_bias, SimpleRNNCell: _weights_and_bias, GRUCell: _gru_weights}
_STATE_ARGUMENTS = {LSTMCell: (4, 5), SimpleRNNCell: (4,), GRUCell: (5,)}
_TANH, _SIGMOID = activations.get("tanh"), activations.get("sigmoid")
# cells whose fused kernel takes a recurrent dropout mask
_RECURRENT_DROPOUT_KERNELS = (LSTMCell, GRUCell, SimpleRNNCell)


def _rnn(layer, params, x, mask, need_dx, rng=None):
    run = _KernelRun(layer, params, x, mask, rng=rng)
    run.forward()
    return run.output(), layer.compute_mask(x, mask), lambda dy: run.backward(dy, need_dx)[:2]


def recurrent_forward(layer, params, x, mask, initial_states, need_dx, rng=None):
    """A recurrent layer (recurrent_ok) with its states given (`initial_states`, or None for zeros) and, with
    return_state, returned: ([output, *final states], their masks, backward), where backward(d_outputs) ->
    (weights' gradients, dx or None, gradients of the initial states or None); d_outputs has None for an output
    nothing used."""
    run = _KernelRun(layer, params, x, mask, initial_states, rng=rng)
    run.forward()
    outputs = [run.output()] + (list(run.result[1:]) if layer.return_state else [])
    masks = layer.compute_mask(x, mask)

    def backward(d_outputs):
        return run.backward(d_outputs[0], need_dx, d_outputs[1:], initial_states is not None)
    return outputs, masks if isinstance(masks, list) else [masks], backward


def _bidirectional_ok(layer, training):
    return layer.merge_mode in ("concat", "sum") and not layer.return_state and \
        all(type(d) in _RNN_TYPES and _rnn_ok(d, training) for d in layer.children())


def _bidirectional(layer, params, x, mask, need_dx, rng=None):
    forward_layer, backward_layer = layer.children()
    mode = direction_concurrency(x.shape[0], forward_layer.cell.units)
    elsewhere = kernel_process.helper() if mode == "process" else None
    forward = _KernelRun(forward_layer, params[forward_layer.name], x, mask, rng=rng)
    backward_run = _KernelRun(backward_layer, params[backward_layer.name], x, mask, elsewhere=elsewhere, rng=rng)
    _side_by_side(forward.forward, backward_run.start_forward, mode == "threads")
    y_f, y_b = forward.output(), backward_run.output()
    if layer.return_sequences:
        y_b = reverse_time(y_b)
    units = y_f.shape[-1]
    y = np.concatenate([y_f, y_b], axis=-1) if layer.merge_mode == "concat" else y_f + y_b

    def backward(dy):
        dy_f, dy_b = (dy[..., :units], dy[..., units:]) if layer.merge_mode == "concat" else (dy, dy)
        if layer.return_sequences:
            dy_b = dy_b[:, ::-1]
        (grads_f, dx_f, _), (grads_b, dx_b, _) = _side_by_side(lambda: forward.backward(dy_f, need_dx),
                                                               lambda: backward_run.start_backward(dy_b, need_dx),
                                                               mode == "threads")
        grads = {forward.layer.name: grads_f, backward_run.layer.name: grads_b}
        return grads, dx_f + dx_b if need_dx else None
    return y, layer.compute_mask(x, mask), backward


def _side_by_side(run_here, start_other, threads):
    """(run_here(), what start_other()'s finish() gives): the other started first, so that work done in a helper
    process overlaps this one's; on two threads when `threads`. The other is always collected, even when this
    one fails, so a helper process is never left with an answer no one reads."""
    if threads:
        return both(run_here, lambda: start_other()())
    finish_other = start_other()
    try:
        here = run_here()
    finally:
        other = finish_other()
    return here, other


_RNN_TYPES = (RNN, SimpleRNN, GRU, LSTM)
_SUPPORTED = {Dense: _dense_ok, TimeDistributed: _time_distributed_ok, Embedding: _embedding_ok,
              Bidirectional: _bidirectional_ok, **{t: _rnn_ok for t in _RNN_TYPES}}
_FORWARD = {Dense: _dense, TimeDistributed: _time_distributed, Embedding: _embedding, Bidirectional: _bidirectional,
            **{t: _rnn for t in _RNN_TYPES}}
