"""Optimizer: the shared shell of every update rule — learning rate (or schedule), clipping, weight decay, slots.

An optimizer is pure: `state = opt.init(params)` makes the slots (zeros shaped like the params) and the
step count; `params, state = opt.update(params, grads, state)` returns new dicts and changes nothing.
A subclass says which slots it keeps and how one variable moves (`update_variable`), written as the
Keras 3 equations for that rule, so a trajectory matches Keras step for step.
"""
import numpy as np

from .. import legacy
from .._naming import snake_case
from ..params import flatten_params, unflatten_like
from . import schedules

_SHELL_ARGS = ("learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
               "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "name")


class Optimizer:
    """The base of every optimizer: learning rate, gradient clipping, weight decay, and the pure init/update pair.

    Arguments every optimizer takes: `learning_rate` (a number or a schedule), `weight_decay`, and at most one of
    `clipnorm`, `clipvalue`, `global_clipnorm`. Keras 1/2's `lr=` and `decay=` work, with a warning. minikeras
    raises on `use_ema` and `gradient_accumulation_steps`, which it does not support.
    """

    slot_names = ()

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        kind = type(self).__name__
        given = legacy.rename(dict(kwargs), {"lr": "learning_rate"}, kind)
        learning_rate = given.pop("learning_rate", learning_rate)
        decay = given.pop("decay", None)
        if given:
            raise TypeError(f"{kind}() got unexpected argument(s) {sorted(given)}.")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{kind}: set only one of clipnorm, clipvalue and global_clipnorm.")
        if use_ema or gradient_accumulation_steps:
            raise ValueError(f"{kind}: use_ema and gradient_accumulation_steps are not supported by minikeras.")
        if decay:  # Keras 1/2 time decay: lr / (1 + decay * iterations)
            legacy.warn_once(f"{kind}(decay=...)", "learning_rate=keras.optimizers.schedules.InverseTimeDecay(...)")
            learning_rate = schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=float(decay))
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.loss_scale_factor = loss_scale_factor
        self.name = name or snake_case(kind)
        self.iterations = 0  # mirrors the state of the model that uses this optimizer, for callbacks and users

    # ---- the learning rate users read and set (Keras 1/2 called it lr) ----
    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if not isinstance(value, schedules.LearningRateSchedule):
            value = float(value)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{type(self).__name__}: learning_rate must be a finite number >= 0, got {value}.")
        self._learning_rate = value

    lr = learning_rate

    def current_learning_rate(self, iterations):
        rate = self._learning_rate
        return float(rate(iterations)) if isinstance(rate, schedules.LearningRateSchedule) else rate

    # ---- the pure core ----
    def init(self, params):
        leaves = flatten_params(params)
        slots = {name: unflatten_like(params, [self.initial_slot(name, p) for p in leaves])
                 for name in self.slot_names}
        return {"iterations": 0, "slots": slots, **self.initial_globals()}

    def initial_slot(self, slot_name, variable):
        return np.zeros_like(variable)

    def initial_globals(self):
        """Scalars an optimizer keeps across variables (Nadam's running product)."""
        return {}

    def update(self, params, grads, state):
        variables, gradients = flatten_params(params), self.clip(flatten_params(grads))
        slot_leaves = {name: flatten_params(tree) for name, tree in state["slots"].items()}
        lr = self.current_learning_rate(state["iterations"])
        step = state["iterations"] + 1
        extra = self.advance_globals(state, step)
        new_variables, new_slots = [], {name: [] for name in slot_leaves}
        for i, (variable, gradient) in enumerate(zip(variables, gradients)):
            if self.weight_decay:
                variable = variable - variable * (self.weight_decay * lr)
            slots = {name: leaves[i] for name, leaves in slot_leaves.items()}
            variable, slots = self.update_variable(variable, gradient.astype(variable.dtype, copy=False), slots,
                                                   lr, step, extra)
            new_variables.append(variable)
            for name in new_slots:
                new_slots[name].append(slots[name])
        self.iterations = step
        new_state = {"iterations": step, **extra,
                     "slots": {name: unflatten_like(params, leaves) for name, leaves in new_slots.items()}}
        return unflatten_like(params, new_variables), new_state

    def advance_globals(self, state, step):
        return {}

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        raise NotImplementedError

    def clip(self, gradients):
        if self.clipnorm is not None:
            return [g * (self.clipnorm / max(float(np.sqrt(np.sum(g * g))), self.clipnorm)) for g in gradients]
        if self.global_clipnorm is not None:
            total = float(np.sqrt(sum(np.sum(g * g) for g in gradients)))
            return [g * (self.global_clipnorm / max(total, self.global_clipnorm)) for g in gradients]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in gradients]
        return gradients

    # ---- configuration ----
    def get_config(self):
        rate = self._learning_rate
        if isinstance(rate, schedules.LearningRateSchedule):
            rate = schedules.serialize(rate)
        return {"name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                "loss_scale_factor": self.loss_scale_factor, "gradient_accumulation_steps": None}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        for unused in ("use_ema", "ema_momentum", "ema_overwrite_frequency", "gradient_accumulation_steps"):
            config.pop(unused, None)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self._learning_rate}>"
