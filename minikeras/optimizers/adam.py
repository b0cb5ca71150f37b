"""The Adam family: Adam (and AMSGrad), AdamW (Adam with decoupled weight decay), Adamax, Nadam."""
import math

import numpy as np

from .. import legacy
from .base import Optimizer, as_epsilon


class Adam(Optimizer):
    """Adam: steps along a running mean of the gradients, divided by the root of a running mean of their squares.

    Keras 3 defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7; amsgrad=True uses the largest
    second moment seen so far.
    """

    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = float(beta_1), float(beta_2), as_epsilon(epsilon), bool(amsgrad)
        if self.amsgrad:
            self.slot_names = ("momentum", "velocity", "velocity_hat")

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        b1, b2 = self.beta_1, self.beta_2
        # Keras folds both bias corrections into the step size, so epsilon meets the uncorrected velocity
        alpha = lr * math.sqrt(1 - b2 ** step) / (1 - b1 ** step)   # a Python float keeps float32 weights float32
        m = slots["momentum"] + (gradient - slots["momentum"]) * (1 - b1)
        v = slots["velocity"] + (gradient * gradient - slots["velocity"]) * (1 - b2)
        new = {"momentum": m, "velocity": v}
        if self.amsgrad:
            v = new["velocity_hat"] = np.maximum(slots["velocity_hat"], v)
        return variable - m * alpha / (np.sqrt(v) + self.epsilon), new

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam whose weights also shrink by learning_rate * weight_decay each step (default decay 0.004)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a number (0.004 by default), got None.")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)


class Adamax(Optimizer):
    """Adam with the infinity norm: the step divides by the largest recent gradient magnitude."""

    slot_names = ("m", "u")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), as_epsilon(epsilon)

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        m = slots["m"] + (gradient - slots["m"]) * (1 - self.beta_1)
        u = np.maximum(self.beta_2 * slots["u"], np.abs(gradient))
        return variable - lr * m / ((1 - self.beta_1 ** step) * (u + self.epsilon)), {"m": m, "u": u}

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule mu_t = beta_1 (1 - 0.5 * 0.96 ** t)."""

    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        if "schedule_decay" in kwargs:
            kwargs.pop("schedule_decay")
            legacy.warn_once("Nadam(schedule_decay=...)", "Nadam() (its momentum schedule, 0.96 ** step, has no "
                                                          "argument; the value is not used)")
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), as_epsilon(epsilon)

    def _mu(self, step):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** step)

    def initial_globals(self):
        return {"u_product": 1.0}

    def advance_globals(self, state, step):
        return {"u_product": state["u_product"] * self._mu(step)}

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        mu_now, mu_next = self._mu(step), self._mu(step + 1)
        product_now = extra["u_product"]
        m = slots["momentum"] + (gradient - slots["momentum"]) * (1 - self.beta_1)
        v = slots["velocity"] + (gradient * gradient - slots["velocity"]) * (1 - self.beta_2)
        m_hat = mu_next * m / (1 - product_now * mu_next) + (1 - mu_now) * gradient / (1 - product_now)
        v_hat = v / (1 - self.beta_2 ** step)
        return variable - lr * m_hat / (np.sqrt(v_hat) + self.epsilon), {"momentum": m, "velocity": v}

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
