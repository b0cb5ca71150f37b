"""Adagrad and Adadelta: steps scaled by accumulated squared gradients (Adadelta: by running averages)."""
import numpy as np

from .base import Optimizer, as_epsilon


class Adagrad(Optimizer):
    """Scales each weight's step by the root of the sum of all its squared gradients, so steps shrink over time.

    Keras 3 defaults: learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7.
    """

    slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = float(initial_accumulator_value), as_epsilon(epsilon)

    def initial_slot(self, slot_name, variable):
        if slot_name != "accumulator":   # the EMA average and gradient accumulators start at zero
            return super().initial_slot(slot_name, variable)
        return np.full_like(variable, self.initial_accumulator_value)

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        accumulator = slots["accumulator"] + gradient * gradient
        return variable - lr * gradient / np.sqrt(accumulator + self.epsilon), {"accumulator": accumulator}

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adagrad with running averages of squared gradients and of squared steps, so steps do not shrink to zero.

    Keras 3 defaults: learning_rate 0.001, rho (the averages' decay) 0.95, epsilon 1e-7.
    """

    slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.epsilon = float(rho), as_epsilon(epsilon)

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        rho, eps = self.rho, self.epsilon
        accumulated_grad = rho * slots["accumulated_grad"] + (1 - rho) * gradient * gradient
        delta = -np.sqrt(slots["accumulated_delta_var"] + eps) / np.sqrt(accumulated_grad + eps) * gradient
        accumulated_delta = rho * slots["accumulated_delta_var"] + (1 - rho) * delta * delta
        return variable + lr * delta, {"accumulated_grad": accumulated_grad, "accumulated_delta_var": accumulated_delta}

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
