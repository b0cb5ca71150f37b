"""The recurrent state a model carries between calls: its stateful layers' states, read, set and reset together."""


class LayerStates:
    """Mixed into Model: the states of its stateful layers (`weighted_layers` that say `stateful`)."""

    @property
    def stateful(self):
        return any(getattr(layer, "stateful", False) for layer in self.weighted_layers)

    def _stateful_layers(self):
        return [layer for layer in self.weighted_layers if getattr(layer, "stateful", False)]

    def get_states(self):
        """The current state of every stateful layer, as {layer name: state}; {} when none is stateful."""
        return {layer.name: layer.get_state() for layer in self._stateful_layers()}

    def set_states(self, states):
        """Give each stateful layer its entry of `states` (as get_states returns it); a missing entry means zeros."""
        for layer in self._stateful_layers():
            layer.set_state(states.get(layer.name))

    def get_state(self):
        return self.get_states()

    def set_state(self, state):
        self.set_states(state or {})

    def reset_states(self):
        """Zero the state of every stateful layer (Keras 1/2 spelling)."""
        for layer in self._stateful_layers():
            layer.reset_states()

    reset_state = reset_states
