"""A cell written Keras-style (`state_size`, `call(inputs, states)`) seen as a minikeras cell (`step`)."""
import numpy as np


class KerasStyleCell:
    """Gives RNN the pure step of a user's cell: each step binds the cell's weights to the params being traced."""

    dropout = 0.0
    recurrent_dropout = 0.0

    def __init__(self, cell):
        self.wrapped = cell

    def __getattr__(self, name):
        return getattr(self.__dict__["wrapped"], name)

    @property
    def state_sizes(self):
        size = self.wrapped.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def state_size(self):
        return self.state_sizes

    @property
    def output_size(self):
        return getattr(self.wrapped, "output_size", None) or self.state_sizes[0]

    def initial_states(self, batch_size, dtype):
        return [np.zeros((batch_size, size), dtype=dtype) for size in self.state_sizes]

    def output_of(self, states):
        return states[0]

    def build(self, input_shape, rng=None):
        self.wrapped.ensure_built((input_shape[0], input_shape[-1]))
        return self.wrapped.params or {}

    def step(self, params, x_t, states, recurrent_mask=None):
        from ..keras_style import call_pure
        (output, new_states), _, _ = call_pure(self.wrapped, params, x_t, args=(list(states),))
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        return output, new_states

    def regularization_loss(self, params):
        return self.wrapped.regularization_loss(params)

    def apply_constraints(self, params):
        return self.wrapped.apply_constraints(params)

    def weight_regularizers(self):
        return {}

    def weight_constraints(self):
        return {}
