"""The Keras object face of an optimizer: apply_gradients on variables it keeps state for, build, variables.

The update itself is the pure step of base.py; this file only reads the variables' values, keeps the
optimizer state between calls, and writes the new values back. A variable is anything with `assign`
(and `numpy()` or `value`) — a weight handle — or a writable numpy array, updated in place.
"""
import warnings

import numpy as np

from .variables import flat_variables, state_from_flat


def read_value(variable):
    """The current value of a variable: a weight handle (numpy()/value) or a numpy array."""
    if isinstance(variable, np.ndarray):
        return variable
    for reader in ("numpy", "value"):
        if hasattr(variable, reader):
            value = getattr(variable, reader)
            return np.asarray(value() if callable(value) else value)
    raise TypeError(f"Optimizer: a variable must be a numpy array or have assign() and numpy()/value, "
                    f"got {type(variable).__name__}.")


def write_value(variable, value):
    """Give `variable` its new value: assign() on a handle, in place on a numpy array."""
    if hasattr(variable, "assign"):
        variable.assign(value)
    elif isinstance(variable, np.ndarray):
        if not variable.flags.writeable:
            raise ValueError("Optimizer: cannot update a read-only numpy array in place.")
        variable[...] = value
    else:
        raise TypeError(f"Optimizer: cannot write to a {type(variable).__name__}; give arrays or weight handles.")


def _keyed(values):
    return {str(i): v for i, v in enumerate(values)}


class KerasOptimizerFace:
    """Mixed into Optimizer: Keras 3's stateful methods, over the pure update rule."""

    def _init_object_face(self):
        self.built = False
        self._var_list = []
        self._var_index = {}
        self._object_state = None

    def build(self, var_list):
        """Make the optimizer's slots for `var_list` (arrays or weight handles); apply_gradients does it first."""
        var_list = list(var_list)
        self._object_state = self.init(_keyed([read_value(v) for v in var_list]))
        self._object_state["iterations"] = self._iterations
        self._var_list = var_list
        self._var_index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    @property
    def variables(self):
        """The optimizer's state as Keras 3 lists it: iteration, learning_rate (when a number), then the slots."""
        state = self._object_state or {"iterations": self._iterations, "slots": {}}
        values = flat_variables(self, {**state, "iterations": self._iterations}, self._has_rate_variable())
        return values

    def _has_rate_variable(self):
        return not callable(self._learning_rate)

    def set_weights(self, weights):
        """Set the optimizer's state from a list like `variables` (of the same optimizer class, built alike)."""
        if not self.built:
            raise ValueError(f"You are calling `set_weights()` on an optimizer that has not yet been built "
                             f"({type(self).__name__}). Call `optimizer.build(trainable_variables)` first.")
        values = [read_value(w) for w in weights]
        self._object_state = state_from_flat(self, self._object_state, values,
                                             f"{type(self).__name__}.set_weights()", self._has_rate_variable())
        self._iterations = self._object_state["iterations"]

    def apply_gradients(self, grads_and_vars):
        """Update each variable from its gradient: a list of (gradient, variable) pairs, as Keras takes them.

        Returns the step count after the update."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """Update the variables (those built with, when not given) from `grads`, one gradient per variable."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(f"{type(self).__name__}: when passing gradients without variables, the optimizer "
                                 f"must already be built on a list of variables: call optimizer.build(variables).")
            if len(grads) != len(self._var_list):
                raise ValueError(f"{type(self).__name__}: got {len(grads)} gradients for the "
                                 f"{len(self._var_list)} variables the optimizer was built with.")
            trainable_variables = self._var_list
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        indices = self._known_indices(trainable_variables)
        grads, trainable_variables, indices = self._drop_missing(grads, trainable_variables, indices)
        grads, trainable_variables, indices = self._overwrite_with_gradient(grads, trainable_variables, indices)
        if grads:
            if self.loss_scale_factor is not None:
                grads = [np.asarray(g) / self.loss_scale_factor for g in grads]
            self._step(grads, trainable_variables, indices)
        else:
            self._iterations += 1
        self._object_state["iterations"] = self._iterations

    def _known_indices(self, variables):
        unknown = [i for i, v in enumerate(variables) if id(v) not in self._var_index]
        if unknown:
            raise ValueError(f"{type(self).__name__}: variable(s) at position(s) {unknown} were not part of the "
                             f"variables this optimizer was built with ({len(self._var_list)} variables).")
        return [self._var_index[id(v)] for v in variables]

    @staticmethod
    def _drop_missing(grads, variables, indices):
        kept = [i for i, g in enumerate(grads) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) < len(grads):
            missing = [getattr(variables[i], "name", f"#{i}") for i, g in enumerate(grads) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss.", stacklevel=4)
        return [grads[i] for i in kept], [variables[i] for i in kept], [indices[i] for i in kept]

    @staticmethod
    def _overwrite_with_gradient(grads, variables, indices):
        # Keras lets a variable ask to be set to its "gradient" (float8 scales); it then skips the update rule
        kept = []
        for i, (g, v) in enumerate(zip(grads, variables)):
            if getattr(v, "overwrite_with_gradient", False):
                write_value(v, np.asarray(g))
            else:
                kept.append(i)
        return [grads[i] for i in kept], [variables[i] for i in kept], [indices[i] for i in kept]

    def _step(self, grads, variables, indices):
        state = self._object_state
        slot_leaves = {name: [state["slots"][name][str(i)] for i in indices] for name in state["slots"]}
        decays = [self._uses_weight_decay(getattr(v, "name", None), v) for v in variables]
        values = [read_value(v) for v in variables]
        new_values, new_slots, scalars = self.update_leaves(values, grads, slot_leaves, state, decays)
        for name, leaves in new_slots.items():
            for i, leaf in zip(indices, leaves):
                state["slots"][name][str(i)] = leaf
        state.update(scalars)
        for variable, value in zip(variables, new_values):
            constraint = getattr(variable, "constraint", None)
            write_value(variable, constraint(value) if constraint is not None else value)

    def finalize_variable_values(self, var_list):
        """With use_ema, write each variable's moving average over it (Keras does this at the end of fit)."""
        if not self.use_ema or self._object_state is None:
            return
        var_list = list(var_list)
        averages = self._object_state["slots"]["average"]
        if len(var_list) != len(averages):
            raise ValueError(f"{type(self).__name__}: {len(var_list)} variables to finalize, the optimizer keeps "
                             f"moving averages for {len(averages)}.")
        for i, variable in enumerate(var_list):
            write_value(variable, averages[str(i)])

    @property
    def moving_averages(self):
        """With use_ema, the moving average of each built variable (Keras's _model_variables_moving_average)."""
        if not self.use_ema or self._object_state is None:
            return []
        averages = self._object_state["slots"]["average"]
        return [averages[str(i)] for i in range(len(averages))]

    _model_variables_moving_average = moving_averages   # Keras's private name

    @property
    def _accumulated_gradients(self):
        """With gradient_accumulation_steps, each built variable's summed gradients so far (Keras's name)."""
        if not self.gradient_accumulation_steps or self._object_state is None:
            return []
        sums = self._object_state["slots"]["gradient_accumulator"]
        return [sums[str(i)] for i in range(len(sums))]

    def scale_loss(self, loss):
        """The loss multiplied by loss_scale_factor (when set), as Keras scales it before taking gradients."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss
