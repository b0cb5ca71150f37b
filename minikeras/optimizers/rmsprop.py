"""RMSprop: divide the step by a running root-mean-square of the gradient (epsilon inside the root, as Keras 3)."""
import numpy as np

from .base import Optimizer, as_epsilon


class RMSprop(Optimizer):
    """Divides each step by a running root-mean-square of recent gradients (learning_rate 0.001, rho 0.9).

    `momentum` (0.0) adds momentum to the scaled step; centered=True divides by an estimate of the variance instead.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = float(rho), float(momentum), as_epsilon(epsilon), bool(centered)
        self.slot_names = ("velocity",) + (("momentum",) if self.momentum else ()) + (
            ("average_gradient",) if self.centered else ())

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        rho = self.rho
        new = {"velocity": rho * slots["velocity"] + (1 - rho) * gradient * gradient}
        denominator = new["velocity"]
        if self.centered:
            new["average_gradient"] = rho * slots["average_gradient"] + (1 - rho) * gradient
            denominator = denominator - new["average_gradient"] ** 2
        increment = lr * gradient / np.sqrt(denominator + self.epsilon)
        if self.momentum:
            new["momentum"] = self.momentum * slots["momentum"] + increment
            increment = new["momentum"]
        return variable - increment, new

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
