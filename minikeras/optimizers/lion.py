"""Lion (Chen et al., 2023): steps of fixed size along the sign of an interpolation of momentum and gradient."""
import numpy as np

from .base import Optimizer


class Lion(Optimizer):
    """Each weight moves by learning_rate * sign(beta_1 * m + (1 - beta_1) * g); m then tracks g with beta_2.

    Keras 3 defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.99. Its steps are larger than Adam's at the
    same rate: a rate 3-10 times smaller is usual.
    """

    slot_names = ("momentum",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Lion: beta_1 must be in (0, 1] (otherwise it is SignSGD), got {beta_1!r}.")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        momentum = slots["momentum"]
        direction = np.sign(momentum * self.beta_1 + gradient * (1.0 - self.beta_1))
        new_momentum = momentum * self.beta_2 + gradient * (1.0 - self.beta_2)
        return variable - lr * direction, {"momentum": new_momentum}

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
