"""The recurrent layers' composed forms: their fused kernels' own forward and backward passes (composed.py's
`forward_with_backward` hands recurrent layers and Bidirectional here).

`_KernelRun` is one layer's fused kernel on a batch: here, or in the helper process (rnn/kernel_process.py).
Bidirectional runs its backward direction's kernel in the helper beside the forward one; a single recurrent layer
splits its batch's rows between this process and the helper (`_RowSplitRun`): rows are independent, so each half
is the same kernel on fewer rows, and the weights' gradients are the two halves' sums.
tests/models/test_composed_step.py, test_composed_row_split.py and test_composed_recurrent_dropout.py prove them
equal to the traced step; tests/layers/rnn/test_kernel_process.py covers the helper's failures.
"""
import numpy as np
from autograd.core import primitive_vjps

from .. import activations
from ..params import flatten_params
from .composed_traced import penalized
from .rnn import kernel_process
from .rnn.cells import GRUCell, LSTMCell, SimpleRNNCell
from .rnn.fused_pair import both, direction_concurrency, process_forced
from .rnn.layers import GRU, LSTM, SimpleRNN
from .rnn.rnn import RNN
from .wrappers import reverse_time

RNN_TYPES = (RNN, SimpleRNN, GRU, LSTM)


def rnn_ok(layer, training):
    return not layer.return_state and recurrent_ok(layer, training)


def recurrent_ok(layer, training=True):
    """Whether a recurrent layer runs its fused kernel here, return_state or not (`recurrent_forward`)."""
    if type(layer) not in RNN_TYPES:
        return False
    cell = layer.cell
    if type(cell) not in _CELL_GRADIENTS or layer.implementation == 1 or layer.stateful:
        return False
    # the fused kernels exist for the default activations only (cells.fused_plan gives None otherwise); dropout
    # of either kind they take (a mask on x before the kernel, a mask on h inside it)
    if cell.activation is not _TANH or getattr(cell, "recurrent_activation", _SIGMOID) is not _SIGMOID:
        return False
    return not penalized(layer) and not penalized(cell)


class _KernelRun:
    """One recurrent layer's fused kernel: its forward result, its output, and its backward pass; run in the
    helper process `elsewhere` (rnn/kernel_process.py) when one is given, else here."""

    def __init__(self, layer, params, x, mask, initial_states=None, elsewhere=None, rng=None, dropout=None):
        cell = layer.cell
        states = layer._starting_states(initial_states, x.shape[0])
        mask = None if mask is None else np.asarray(mask, dtype=bool)
        # a training step's dropout masks, drawn as the layer's call draws them (or given: a part of a batch's)
        self.input_keep, recurrent_mask = dropout or layer.dropout_masks(x.shape[0], x.shape[-1], True, rng)
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
        return _output(self.layer, self.result)

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


# each part of a split batch has at least this many rows: below, the halves' saving did not pay for the messages
MIN_SPLIT_ROWS = 8
# nor, by default, less than this many multiply-adds in each half's recurrence (rows x steps x the kernel's
# columns x (features + units)): measured on a 2-core machine, LSTMs of 16-128 units over 8-50 steps lost up to
# 40 % below about 2.6 million (seq2seq's LSTM(32) over 8 steps at batch 64: 1.6 million) and gained above 3.3
MIN_SPLIT_WORK = 3_000_000


def _kernel_run(layer, params, x, mask, initial_states=None, rng=None):
    """A single recurrent layer's kernel run: its batch's rows split with the helper process where that runs."""
    batch = x.shape[0]
    dropout = layer.dropout_masks(batch, x.shape[-1], True, rng)
    if batch >= 2 * MIN_SPLIT_ROWS and direction_concurrency(batch, layer.cell.units) == "process" and \
            (process_forced() or _half_work(layer, params, x) >= MIN_SPLIT_WORK):
        helper = kernel_process.helper()
        if helper is not None:
            return _RowSplitRun(layer, params, x, mask, initial_states, dropout, helper)
    return _KernelRun(layer, params, x, mask, initial_states, dropout=dropout)


def _half_work(layer, params, x):
    kernel = flatten_params(params)[0]       # (features, gates x units), first in Keras's weight order
    return x.shape[0] // 2 * x.shape[1] * kernel.shape[-1] * (x.shape[-1] + layer.cell.units)


class _RowSplitRun:
    """One recurrent layer's kernel with its batch split: the first half of the rows here, the rest in the helper
    process at the same time. Rows never meet in a recurrent layer, so outputs, states and dx are the halves'
    joined, and the weights' gradients their sums."""

    def __init__(self, layer, params, x, mask, initial_states, dropout, helper):
        half = x.shape[0] // 2
        self.parts = (slice(0, half), slice(half, None))
        self.here, self.there = (
            _KernelRun(layer, params, x[part], _rows(mask, part), _rows(initial_states, part), elsewhere=elsewhere,
                       dropout=_rows(dropout, part))
            for part, elsewhere in zip(self.parts, (None, helper)))
        self.layer, self.result = layer, None

    def forward(self):
        here, there = _side_by_side(self.here.forward, self.there.start_forward, False)
        self.result = tuple(np.concatenate(pair) for pair in zip(here, there))
        return self.result

    def output(self):
        return _output(self.layer, self.result)

    def backward(self, dy, need_dx, d_states=(), need_d_initial=False):
        dy_here, dy_there = (_rows(dy, part) for part in self.parts)
        d_states_here, d_states_there = (_rows(list(d_states), part) for part in self.parts)
        (grads, dx, d_initial), (grads_there, dx_there, d_initial_there) = _side_by_side(
            lambda: self.here.backward(dy_here, need_dx, d_states_here, need_d_initial),
            lambda: self.there.start_backward(dy_there, need_dx, d_states_there, need_d_initial), False)
        grads = {name: grads[name] + grads_there[name] for name in grads}
        dx = np.concatenate([dx, dx_there]) if need_dx else None
        d_initial = [np.concatenate(pair) for pair in zip(d_initial, d_initial_there)] if need_d_initial else None
        return grads, dx, d_initial


def _rows(value, part):
    """`part` of the batch axis of an array, of each array in a list or tuple (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return type(value)(_rows(v, part) for v in value)
    return value[part]


def rnn_forward(layer, params, x, mask, need_dx, rng=None):
    run = _kernel_run(layer, params, x, mask, rng=rng)
    run.forward()
    return run.output(), layer.compute_mask(x, mask), lambda dy: run.backward(dy, need_dx)[:2]


def recurrent_forward(layer, params, x, mask, initial_states, need_dx, rng=None):
    """A recurrent layer (recurrent_ok) with its states given (`initial_states`, or None for zeros) and, with
    return_state, returned: ([output, *final states], their masks, backward), where backward(d_outputs) ->
    (weights' gradients, dx or None, gradients of the initial states or None); d_outputs has None for an output
    nothing used."""
    run = _kernel_run(layer, params, x, mask, initial_states, rng=rng)
    run.forward()
    outputs = [run.output()] + (list(run.result[1:]) if layer.return_state else [])
    masks = layer.compute_mask(x, mask)

    def backward(d_outputs):
        return run.backward(d_outputs[0], need_dx, d_outputs[1:], initial_states is not None)
    return outputs, masks if isinstance(masks, list) else [masks], backward


def bidirectional_ok(layer, training):
    return layer.merge_mode in ("concat", "sum") and not layer.return_state and \
        all(type(d) in RNN_TYPES and rnn_ok(d, training) for d in layer.children())


def bidirectional_forward(layer, params, x, mask, need_dx, rng=None):
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


def _output(layer, result):
    """The layer's output from its kernel's result (outputs at every step, final states)."""
    return result[0] if layer.return_sequences else result[0][:, -1]
