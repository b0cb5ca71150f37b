"""RNN: runs any cell (or a list of cells) over a sequence; the base of SimpleRNN, GRU and LSTM."""
import numpy as np

from ... import backend, legacy
from ..base import Layer, _as_arrays, _batchless_shape, _check_numeric
from .cells import StackedRNNCells
from .scan import scan
from .custom_cell import KerasStyleCell

_STRATEGY_ARGS = ("unroll", "implementation", "consume_less")


class RNN(Layer):
    """Runs a recurrent cell over the time axis of (batch, timesteps, features) inputs; a list of cells is stacked.

    return_sequences=False gives only the last output; return_state=True adds the final states to the outputs;
    go_backwards reads the sequence in reverse; stateful=True carries the states from batch to batch (fixed
    batch size). `unroll` is accepted and has no effect. A custom cell is written as in Keras (a Layer with
    `state_size` and `call(inputs, states) -> (output, new_states)`), or as minikeras's pure `step(params, x_t, states)`.
    """

    call_arguments = ("initial_state", "mask", "training")

    supports_masking = True

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, input_length=None, implementation=2, consume_less=None,
                 **kwargs):
        if consume_less is not None:
            legacy.warn_once("consume_less=...", "implementation=... (it only picks a computation strategy)")
        self._legacy_input_length = input_length
        if input_length is not None:
            legacy.warn_once(f"{type(self).__name__}(input_length=...)", "input_shape=(timesteps, features)")
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if getattr(type(cell), "_keras_style", False) and hasattr(cell, "state_size"):
            cell = KerasStyleCell(cell)
        if not hasattr(cell, "step"):
            raise TypeError(f"RNN '{self.name}': cell must be a recurrent cell such as LSTMCell(4), "
                            f"got {type(cell).__name__}.")
        self.cell = cell
        if isinstance(cell, Layer) and not cell._keras_style:
            cell._weights_owner = self           # the RNN holds the cell's weights: lstm.cell.kernel reads them
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.implementation = implementation
        self._state = None

    def _shape_from_input_dim(self, input_dim):
        # Keras 1: LSTM(32, input_dim=64, input_length=10) means input_shape=(10, 64)
        return (self._legacy_input_length, input_dim)

    # ---- shapes and weights -------------------------------------------------------------------------
    def build(self, input_shape, rng):
        if not isinstance(input_shape, tuple) or len(input_shape) != 3:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects 3-D input (batch, timesteps, "
                             f"features), got shape {input_shape}. For one sequence of scalars reshape it to "
                             f"(1, timesteps, 1); to feed 2-D data, add a time axis or use Dense.")
        if input_shape[-1] is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs a known feature size, "
                             f"got input shape {input_shape}.")
        if self.stateful and input_shape[0] is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) is stateful, so it needs a fixed batch "
                             f"size: pass batch_input_shape=(batch, timesteps, features) to the first layer, or "
                             f"Input(batch_shape=...) / Input(shape=..., batch_size=...).")
        self._batch_size = input_shape[0]
        return self.cell.build(input_shape, rng)

    def check_input_shape(self, input_shape):
        if isinstance(input_shape, tuple) and len(input_shape) != 3:
            self.build(input_shape, None)
        super().check_input_shape(input_shape)

    def compute_output_shape(self, input_shape):
        batch, timesteps = input_shape[0], input_shape[1]
        units = self.cell.output_size
        output = (batch, timesteps, units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return output
        states = [(batch, size) for size in _flat_sizes(self.cell.state_size)]
        if isinstance(self.cell, StackedRNNCells):    # grouped by cell, as the call returns them
            return _states_by_cell([output] + states, self.cell)
        return [output] + states

    def compute_mask(self, x, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(_flat_sizes(self.cell.state_size))
        return output_mask

    def __call__(self, inputs, *args, **kwargs):
        result = super().__call__(inputs, *args, **kwargs)
        if self.return_state and isinstance(self.cell, StackedRNNCells):
            return _states_by_cell(result, self.cell)
        return result

    # ---- the pure forward pass ----------------------------------------------------------------------
    def call(self, params, x, mask=None, training=False, rng=None, initial_state=None):
        output, _ = self.call_with_state(params, x, None, mask=mask, training=training, rng=rng,
                                         initial_state=initial_state)
        return output

    def call_with_state(self, params, x, state, mask=None, training=False, rng=None, initial_state=None):
        """(output, final states). `state` or `initial_state` seeds the run; None means zeros."""
        batch = x.shape[0]
        self._check_stateful_batch(batch)
        states = self._starting_states(initial_state if initial_state is not None else state, batch)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
        sequence, recurrent_mask = self._apply_dropout(x, batch, training, rng)

        outputs, last, final_states = self._run(params, sequence, states, mask, recurrent_mask)
        output = outputs if self.return_sequences else last
        if self.return_state:
            output = [output] + _flat_states(final_states)
        return output, final_states

    def _run(self, params, sequence, states, mask, recurrent_mask):
        """The fused kernel when the cell has one for this configuration; otherwise the readable step + scan."""
        fused = getattr(self.cell, "fused_sequence", None)
        if fused is not None and self.implementation != 1:
            result = fused(params, sequence, states, mask, self.go_backwards, self.zero_output_for_mask,
                           recurrent_mask=recurrent_mask)
            if result is not None:
                return result

        def step(x_t, step_states):
            if recurrent_mask is None:
                return self.cell.step(params, x_t, step_states)
            return self.cell.step(params, x_t, step_states, recurrent_mask)

        return scan(step, sequence, states, self.cell.output_of, mask, self.go_backwards, self.zero_output_for_mask)

    def _starting_states(self, given, batch):
        if given is None:
            return self.cell.initial_states(batch, backend.floatx())
        states = list(given) if isinstance(given, (list, tuple)) else [given]
        expected = len(_flat_sizes(self.cell.state_size))
        if isinstance(self.cell, StackedRNNCells):
            if len(states) == len(self.cell.cells):   # one entry per cell, as return_state gives them back
                return [list(s) if isinstance(s, (list, tuple)) else [s] for s in states]
            return _nest_states(states, self.cell)
        if len(states) != expected:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) has {expected} state tensor(s), "
                             f"but initial_state has {len(states)}.")
        return states

    def _apply_dropout(self, x, batch, training, rng):
        input_keep, recurrent_mask = self.dropout_masks(batch, x.shape[-1], training, rng)
        return (x if input_keep is None else x * input_keep.astype(x.dtype)), recurrent_mask

    def dropout_masks(self, batch, features, training, rng):
        """(input mask (batch, 1, features), recurrent mask (batch, units)), each None when that dropout is off:
        one mask for every step, as Keras draws them, already divided by the keep rate."""
        if not training or (self.cell.dropout == 0.0 and self.cell.recurrent_dropout == 0.0):
            return None, None
        rng = rng if rng is not None else backend.new_rng()
        input_keep = recurrent_mask = None
        if self.cell.dropout > 0.0:
            input_keep = (rng.random((batch, 1, features)) >= self.cell.dropout) / (1.0 - self.cell.dropout)
        if self.cell.recurrent_dropout > 0.0:
            keep = rng.random((batch, self.cell.units)) >= self.cell.recurrent_dropout
            recurrent_mask = (keep / (1.0 - self.cell.recurrent_dropout)).astype(backend.floatx())
        return input_keep, recurrent_mask

    # ---- state: the stateful Keras face -------------------------------------------------------------
    def _check_stateful_batch(self, batch):
        expected = getattr(self, "_batch_size", None)
        if self.stateful and expected is not None and batch != expected:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) is stateful and was built for batches "
                             f"of {expected} samples, but got a batch of {batch}. Use batch_size={expected} and a "
                             f"sample count that is a multiple of it.")

    def get_state(self):
        return self._state

    def set_state(self, state):
        self._state = state

    def reset_states(self, states=None):
        """Back to zeros (or to `states`). Keras 1/2 spelling; Keras 3's is reset_state()."""
        if states is not None and not isinstance(states, (list, tuple)):
            states = [states]
        self._state = None if states is None else [np.asarray(s, dtype=backend.floatx()) for s in states]

    reset_state = reset_states

    @property
    def states(self):
        if self._state is not None:
            return _flat_states(self._state)
        return _flat_states(self.cell.initial_states(getattr(self, "_batch_size", None) or 1, backend.floatx()))

    def _call_eagerly(self, inputs, training=False, mask=None, initial_state=None):
        inputs = _as_arrays(inputs)
        _check_numeric(self, inputs)
        if np.ndim(inputs) == 3 and np.shape(inputs)[1] == 0:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) got a sequence of 0 time steps "
                             f"(input shape {np.shape(inputs)}); it needs at least one.")
        self.ensure_built(_batchless_shape(inputs) if not self.stateful else (len(inputs),) + inputs.shape[1:])
        rng = backend.new_rng() if training else None
        state = self._state if self.stateful else None
        output, final = self.call_with_state(self.params, inputs, state, mask=mask, training=bool(training), rng=rng,
                                             initial_state=initial_state)
        if self.stateful:
            self._state = final
        return output

    # ---- weights ----------------------------------------------------------------------------------
    def weight_regularizers(self):
        return self.cell.weight_regularizers()

    def weight_constraints(self):
        return self.cell.weight_constraints()

    def regularization_loss(self, params):
        return self.cell.regularization_loss(params)

    def apply_constraints(self, params):
        return self.cell.apply_constraints(params)

    def get_config(self):
        config = {**super().get_config(), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
                  "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask}
        if type(self) is RNN:  # SimpleRNN, GRU and LSTM spell their cell's arguments out instead
            from ..serialization import serialize_layer
            config["cell"] = serialize_layer(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new layer, with fresh weights, from get_config()'s dict (an RNN's cell entry is read back first;
        `custom_objects` names your own cell classes)."""
        from ..serialization import layer_from_config
        return layer_from_config(cls, config, custom_objects)


def _flat_sizes(state_size):
    sizes = []
    for s in state_size:
        sizes.extend(_flat_sizes(s) if isinstance(s, (list, tuple)) else [s])
    return sizes


def _flat_states(states):
    flat = []
    for s in states:
        flat.extend(_flat_states(s) if isinstance(s, (list, tuple)) else [s])
    return flat


def _states_by_cell(flat_result, stacked):
    """[output, h1, c1, h2] as Keras 3 returns it for stacked cells: [output, [h1, c1], h2], one entry per cell.

    The pure core and the graph keep the flat list (one tensor per node output); only what a user's call
    returns is regrouped, so `out, lstm_states, gru_state = RNN([LSTMCell(3), GRUCell(2)], ...)(x)` unpacks.
    """
    grouped, position = [flat_result[0]], 1
    for cell in stacked.cells:
        count = len(_flat_sizes(cell.state_size))
        states = list(flat_result[position:position + count])
        grouped.append(states if count > 1 else states[0])   # Keras: a GRU/SimpleRNN cell's one state, bare
        position += count
    return grouped


def _nest_states(flat, stacked):
    nested, position = [], 0
    for cell in stacked.cells:
        count = len(_flat_sizes(cell.state_size))
        nested.append(list(flat[position:position + count]))
        position += count
    return nested
