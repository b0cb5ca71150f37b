"""TimeDistributed and Bidirectional: layers made from other layers' pure functions, not engine special cases."""
import copy

import autograd.numpy as anp
import numpy as np
from autograd.extend import primitive, defvjp

from .base import Layer, _as_arrays
from .rnn.rnn import RNN, _flat_sizes
from .rnn.fused_pair import call_two_directions
from .serialization import serialize_layer, deserialize_layer, layer_from_config, layer_kwargs


class Wrapper(Layer):
    """A layer around other layers. Its params nest the inner layers' dicts under their names."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__} wraps a layer, got {type(layer).__name__}: {layer!r}.")
        self.layer = layer
        super().__init__(**kwargs)
        if self._keras_style:
            # a user's subclass is written as Keras writes a Wrapper: the base config and the wrapped layer only
            self._auto_config = {}

    def children(self):
        return [self.layer]

    def _inner_layers(self):
        return self.children()

    def split_trainable(self, params, trainable=True):
        trainable_part, frozen_part = {}, {}
        for child in self.children():
            child_trainable, child_frozen = child.split_trainable(params[child.name], trainable and self.trainable)
            if child_trainable or not child_frozen:      # a weightless child keeps its (empty) place
                trainable_part[child.name] = child_trainable
            if child_frozen:
                frozen_part[child.name] = child_frozen
        return trainable_part, frozen_part

    @property
    def params(self):
        if not self.built:
            return None
        return {child.name: child.params for child in self.children()}

    @params.setter
    def params(self, value):
        if value is None:
            return
        for child in self.children():
            if child.name in value:
                child.params = value[child.name]

    def regularization_loss(self, params):
        return sum(child.regularization_loss(params[child.name]) for child in self.children())

    def get_config(self):
        """The layer's config with the wrapped layer's config entry under "layer", as Keras 3 writes a Wrapper."""
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new wrapper, with fresh weights, from the dict get_config() returned (the inner layers' entries read
        back first; `custom_objects` names your own layer classes)."""
        if cls.__module__.split(".")[0] != "minikeras":     # a user's subclass: layer_from_config would come back
            return cls(**layer_kwargs(cls, cls.__name__, config,
                                      lambda entry: deserialize_layer(entry, custom_objects), custom_objects))
        return layer_from_config(cls, config, custom_objects)

    def apply_constraints(self, params):
        return {child.name: child.apply_constraints(params[child.name]) for child in self.children()}


class TimeDistributed(Wrapper):
    """Applies `layer` to every time step (axis 1) of its input with one set of weights."""

    call_arguments = ("training", "mask")

    supports_masking = True

    def build(self, input_shape, rng):
        if not isinstance(input_shape, tuple) or len(input_shape) < 3:
            raise ValueError(f"Layer '{self.name}' (TimeDistributed) expects input of rank >= 3 "
                             f"(batch, timesteps, ...), got shape {input_shape}. Dense already works on every "
                             f"time step of a 3-D input; TimeDistributed is for 3-D and higher.")
        self.layer.ensure_built((None,) + tuple(input_shape[2:]))
        return {self.layer.name: self.layer.params}

    @property
    def has_weight_updates(self):
        return self.layer.has_weight_updates

    def call(self, params, x, mask=None, training=False, rng=None):
        return self.call_with_updates(params, x, mask=mask, training=training, rng=rng)[0]

    def call_with_updates(self, params, x, mask=None, training=False, rng=None):
        """The inner layer on every time step; its weight updates (moving statistics) come back under its name."""
        if mask is not None and tuple(np.shape(mask)[:2]) != tuple(x.shape[:2]):
            raise ValueError(f"Layer '{self.name}' (TimeDistributed): the mask must have the input's batch size and "
                             f"time steps {tuple(x.shape[:2])} as its first two axes, got a mask of shape "
                             f"{np.shape(mask)}.")
        if self.layer.same_at_every_position:
            # Dense, Activation: already one computation per position of the leading axes; no reshapes needed
            y, updates, _ = self.layer.call_recording(params[self.layer.name], x, mask=mask, training=training,
                                                      rng=rng)
            return y, ({self.layer.name: updates} if updates else {})
        batch, timesteps = x.shape[0], x.shape[1]
        frames = anp.reshape(x, (batch * timesteps,) + tuple(x.shape[2:]))
        inner_mask = None if mask is None or not self.layer.supports_masking else anp.reshape(mask, (-1,))
        y, updates, _ = self.layer.call_recording(params[self.layer.name], frames, mask=inner_mask, training=training,
                                                  rng=rng)
        return (anp.reshape(y, (batch, timesteps) + tuple(y.shape[1:])),
                {self.layer.name: updates} if updates else {})

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None,) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def check_input_shape(self, input_shape):
        if not isinstance(input_shape, tuple) or len(input_shape) < 3:
            self.build(input_shape, None)
        if self.built:
            self.layer.check_input_shape((None,) + tuple(input_shape[2:]))

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Wrapper):
    """Runs a recurrent layer forwards and a copy of it backwards, then merges the two outputs."""

    call_arguments = ("initial_state", "mask", "training")

    supports_masking = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, RNN):
            raise ValueError(f"Bidirectional wraps a recurrent layer (SimpleRNN, GRU, LSTM or RNN), "
                             f"got {type(layer).__name__} '{getattr(layer, 'name', layer)}'.")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: unknown merge_mode {merge_mode!r}; choose one of {list(_MERGE_MODES)}.")
        super().__init__(layer, weights=weights, **kwargs)
        self.merge_mode = merge_mode
        self.forward_layer = _renamed_copy(layer, "forward_" + layer.name, layer.go_backwards)
        if backward_layer is None:
            self.backward_layer = _renamed_copy(layer, "backward_" + layer.name, not layer.go_backwards)
        else:
            if not isinstance(backward_layer, RNN):
                raise ValueError(f"Bidirectional: backward_layer must be a recurrent layer, "
                                 f"got {type(backward_layer).__name__}.")
            _check_backward_layer(layer, backward_layer)
            self.backward_layer = backward_layer
        for direction in (self.forward_layer, self.backward_layer):
            direction.zero_output_for_mask = direction.return_sequences
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful

    def children(self):
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape, rng):
        for direction in self.children():
            direction.ensure_built(input_shape)
        return {child.name: child.params for child in self.children()}

    def check_input_shape(self, input_shape):
        for direction in self.children():
            direction.check_input_shape(input_shape)

    def call(self, params, x, mask=None, training=False, rng=None, initial_state=None):
        output, _ = self.call_with_state(params, x, None, mask, training, rng, initial_state)
        return output

    def call_with_state(self, params, x, state, mask=None, training=False, rng=None, initial_state=None):
        forward_start, backward_start = self._split_states(initial_state if initial_state is not None else state)
        # the two directions are independent: one primitive runs both fused kernels on two cores when it can
        paired = call_two_directions(self.children(), params, x, (forward_start, backward_start), mask, training)
        if paired is not None:
            (y_f, state_f), (y_b, state_b) = paired
        else:
            y_f, state_f = self.forward_layer.call_with_state(params[self.forward_layer.name], x, forward_start,
                                                              mask=mask, training=training, rng=rng)
            y_b, state_b = self.backward_layer.call_with_state(params[self.backward_layer.name], x, backward_start,
                                                               mask=mask, training=training, rng=rng)
        if self.return_state:
            y_f, y_b, extra_states = y_f[0], y_b[0], y_f[1:] + y_b[1:]
        if self.return_sequences:
            y_b = reverse_time(y_b)  # the backward run emits its steps last-first; align them with the input's time
        merged = self._merge(y_f, y_b)
        if self.return_state:
            merged = (merged if isinstance(merged, list) else [merged]) + list(extra_states)
        return merged, [state_f, state_b]

    def _split_states(self, states):
        if states is None:
            return None, None
        if len(states) == 2 and isinstance(states[0], (list, tuple)):
            return states[0], states[1]
        half = len(states) // 2
        return list(states[:half]), list(states[half:])

    def _merge(self, y_f, y_b):
        if self.merge_mode == "concat":
            return anp.concatenate([y_f, y_b], axis=-1)
        if self.merge_mode == "sum":
            return y_f + y_b
        if self.merge_mode == "mul":
            return y_f * y_b
        if self.merge_mode == "ave":
            return (y_f + y_b) / 2.0
        return [y_f, y_b]

    def compute_output_shape(self, input_shape):
        shape_f = self.forward_layer.compute_output_shape(input_shape)
        shape_b = self.backward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            states = shape_f[1:] + shape_b[1:]
            shape_f, shape_b = shape_f[0], shape_b[0]
        if self.merge_mode == "concat":
            merged = [tuple(shape_f[:-1]) + (shape_f[-1] + shape_b[-1],)]
        elif self.merge_mode is None:
            merged = [shape_f, shape_b]
        else:
            merged = [shape_f]
        shapes = merged + states
        return shapes if len(shapes) > 1 else shapes[0]

    def compute_mask(self, x, mask=None):
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            masks += [None] * 2 * len(_flat_sizes(self.layer.cell.state_size))
        return masks if len(masks) > 1 else masks[0]

    # ---- state for stateful use ----------------------------------------------------------------
    def get_state(self):
        states = [self.forward_layer.get_state(), self.backward_layer.get_state()]
        return None if states == [None, None] else states

    def set_state(self, state):
        forward, backward = (None, None) if state is None else state
        self.forward_layer.set_state(forward)
        self.backward_layer.set_state(backward)

    def reset_states(self, states=None):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def _call_eagerly(self, inputs, training=False, mask=None, initial_state=None):
        inputs = _as_arrays(inputs)
        self.ensure_built((len(inputs) if self.stateful else None,) + inputs.shape[1:])
        output, state = self.call_with_state(self.params, inputs, self.get_state() if self.stateful else None,
                                             mask, bool(training), None, initial_state)
        if self.stateful:
            self.set_state(state)
        return output

    def get_config(self):
        # Keras 3 records both directions, the forward copy as "layer"
        return {**super().get_config(), "merge_mode": self.merge_mode, "layer": serialize_layer(self.forward_layer),
                "backward_layer": serialize_layer(self.backward_layer)}


def _renamed_copy(layer, name, go_backwards):
    """The same recurrent configuration under another name; cells hold no weights, so sharing one is safe."""
    twin = copy.copy(layer)
    twin.name = name
    twin.go_backwards = go_backwards
    twin.params = None
    twin.built = False
    twin._inbound_nodes = []
    twin._state = None
    return twin


def _check_backward_layer(forward, backward):
    if backward.go_backwards == forward.go_backwards:
        raise ValueError(f"Bidirectional: backward_layer '{backward.name}' must run the other way from layer "
                         f"'{forward.name}': give it go_backwards={not forward.go_backwards}.")
    for setting in ("return_sequences", "return_state"):
        if getattr(backward, setting) != getattr(forward, setting):
            raise ValueError(f"Bidirectional: layer '{forward.name}' has {setting}={getattr(forward, setting)} but "
                             f"backward_layer '{backward.name}' has {setting}={getattr(backward, setting)}; "
                             f"they must match.")


@primitive
def reverse_time(x):
    """x[:, ::-1] with a cheap gradient (autograd's slicing gradient goes through the slow np.add.at)."""
    return x[:, ::-1]


defvjp(reverse_time, lambda ans, x: lambda g: g[:, ::-1])
