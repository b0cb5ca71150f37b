"""SGD: plain gradient descent, with momentum and Nesterov momentum as Keras 3 writes them."""
from .base import Optimizer


class SGD(Optimizer):
    """Stochastic gradient descent: each weight moves by -learning_rate * gradient (default rate 0.01).

    `momentum` (0.0) keeps a velocity that accumulates past steps; nesterov=True uses Nesterov's look-ahead form.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}.")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.slot_names = ("momentum",) if self.momentum else ()

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        if not self.momentum:
            return variable - lr * gradient, slots
        velocity = self.momentum * slots["momentum"] - lr * gradient
        if self.nesterov:
            return variable + self.momentum * velocity - lr * gradient, {"momentum": velocity}
        return variable + velocity, {"momentum": velocity}

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
