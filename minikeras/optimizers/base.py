"""Optimizer: the shared shell of every update rule — learning rate (or schedule), clipping, weight decay, EMA, slots.

An optimizer is pure: `state = opt.init(params)` makes the slots (zeros shaped like the params) and the
step count; `params, state = opt.update(params, grads, state)` returns new dicts and changes nothing.
A subclass says which slots it keeps and how one variable moves (`update_variable`), written as the
Keras 3 equations for that rule, so a trajectory matches Keras step for step. The Keras object face
(`apply_gradients`, `variables`, `build`) lives in object_api.py and calls the same pure step.
"""
import re

import numpy as np

from .. import legacy
from .._naming import snake_case
from ..params import flatten_params, unflatten_like
from . import schedules
from .object_api import KerasOptimizerFace

class LearningRate(float):
    """The learning rate an optimizer reports: a float that also reads and writes like Keras's learning-rate
    variable (`optimizer.learning_rate.numpy()`, `.value`, `.assign(0.01)`, and so Keras 2's
    `K.set_value(model.optimizer.lr, 0.01)`), in float32 as Keras stores it."""

    def __new__(cls, value, optimizer=None):
        rate = super().__new__(cls, value)
        rate._optimizer = optimizer
        return rate

    def assign(self, value):
        """Set the optimizer's learning rate (this number itself stays as it was read)."""
        if self._optimizer is None:
            raise TypeError("This learning rate belongs to no optimizer; set optimizer.learning_rate instead.")
        self._optimizer.learning_rate = value

    def numpy(self):
        return np.float32(self)

    @property
    def value(self):
        return np.float32(self)


def as_epsilon(value):
    """An optimizer's epsilon: Keras 2.2's `epsilon=None` (copied from its docs) meant the backend's epsilon."""
    from .. import backend
    return backend.epsilon() if value is None else float(value)


def _auto_name(class_name):
    """'adam', then 'adam_1', 'adam_2', ... as Keras 3 names optimizers nobody named: from the one registry of
    automatic names that layers use too (backend.clear_session() starts it afresh)."""
    from ..layers.base import unique_name   # imported here: only naming reaches over to layers
    return unique_name(snake_case(class_name))


class Optimizer(KerasOptimizerFace):
    """The base of every optimizer: learning rate, gradient clipping, weight decay, EMA, and the pure init/update.

    Arguments every optimizer takes (Keras 3's): `learning_rate` (a number, a schedule, or a function of no
    arguments), `weight_decay`, at most one of `clipnorm`, `clipvalue`, `global_clipnorm`; `use_ema` with
    `ema_momentum` and `ema_overwrite_frequency` (a moving average of the weights, written over them every
    that many steps and at the end of fit); `loss_scale_factor` (gradients given to apply_gradients are
    divided by it); `name`. Keras 1/2's `lr=` and `decay=` work, with a warning. `gradient_accumulation_steps`
    (>= 2) averages that many gradients before
    one update; `jit_compile` is accepted and means nothing here.
    """

    slot_names = ()

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        kind = type(self).__name__
        given = legacy.rename(dict(kwargs), {"lr": "learning_rate"}, kind)
        learning_rate = given.pop("learning_rate", learning_rate)
        decay = given.pop("decay", None)
        given.pop("jit_compile", None)   # Keras compiles the step with XLA; numpy has nothing to compile
        if given:
            raise TypeError(f"{kind}() got unexpected argument(s) {sorted(given)}.")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{kind}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set, got "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}.")
        if gradient_accumulation_steps and (not isinstance(gradient_accumulation_steps, int)
                                            or gradient_accumulation_steps < 2):
            raise ValueError(f"{kind}: gradient_accumulation_steps must be an integer >= 2 (or None), "
                             f"got {gradient_accumulation_steps!r}.")
        self._check_ema(kind, use_ema, ema_momentum, ema_overwrite_frequency)
        if decay:  # Keras 1/2 time decay: lr / (1 + decay * iterations)
            legacy.warn_once(f"{kind}(decay=...)", "learning_rate=keras.optimizers.schedules.InverseTimeDecay(...)")
            learning_rate = schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=float(decay))
        self._learning_rate = None
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema, self.ema_momentum = bool(use_ema), ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps or None
        self.name = name or _auto_name(kind)
        self._iterations = 0  # mirrors the state of the model that uses this optimizer, for callbacks and users
        self._decay_exempt_names = None
        self._decay_exempt_ids = set()
        self._init_object_face()

    @staticmethod
    def _check_ema(kind, use_ema, ema_momentum, ema_overwrite_frequency):
        if not use_ema:
            return
        if not 0 <= ema_momentum <= 1:
            raise ValueError(f"{kind}: ema_momentum must be in the range [0, 1], got {ema_momentum}.")
        if ema_overwrite_frequency is not None and (not isinstance(ema_overwrite_frequency, int)
                                                    or ema_overwrite_frequency < 1):
            raise ValueError(f"{kind}: ema_overwrite_frequency must be an integer >= 1 or None, "
                             f"got {ema_overwrite_frequency!r}.")

    @property
    def iterations(self):
        """The number of update steps taken (with gradient accumulation: of the steps that changed the weights)."""
        return self.effective_steps(self._iterations)

    @iterations.setter
    def iterations(self, value):
        self._iterations = int(value)

    def effective_steps(self, calls):
        """The update steps `calls` gradient applications make (calls // gradient_accumulation_steps, if set)."""
        return calls // self.gradient_accumulation_steps if self.gradient_accumulation_steps else calls

    # ---- the learning rate users read and set (Keras 1/2 called it lr) ----
    @property
    def learning_rate(self):
        """The learning rate now (a schedule's value at the current step); settable to a number or a schedule."""
        return LearningRate(self.current_learning_rate(self.iterations), self)

    @learning_rate.setter
    def learning_rate(self, value):
        kind = type(self).__name__
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(f"{kind}: this optimizer was created with a LearningRateSchedule as its learning_rate, "
                            f"so its learning rate is not settable to a number (got {value!r}).")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{kind}: learning_rate must be a number, a LearningRateSchedule or a function of no "
                            f"arguments, got {value!r}.") from None
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{kind}: learning_rate must be a finite number >= 0, got {value}.")
        self._learning_rate = value

    lr = learning_rate

    def current_learning_rate(self, iterations):
        """The learning rate at step `iterations` (a schedule is called with it, a plain function without)."""
        rate = self._learning_rate
        if isinstance(rate, schedules.LearningRateSchedule):
            return float(rate(iterations))
        return float(rate()) if callable(rate) else rate

    # ---- the pure core ----
    def init(self, params):
        """The optimizer state for `params` (a nested dict of arrays): step count 0 and zero slots."""
        leaves = flatten_params(params)
        slots = {name: unflatten_like(params, [self.initial_slot(name, p) for p in leaves])
                 for name in self._all_slot_names()}
        return {"iterations": 0, "slots": slots, **self.initial_globals()}

    def _all_slot_names(self):
        return (tuple(self.slot_names) + (("average",) if self.use_ema else ())
                + (("gradient_accumulator",) if self.gradient_accumulation_steps else ()))

    def initial_slot(self, slot_name, variable):
        return np.zeros_like(variable)

    def initial_globals(self):
        """Scalars an optimizer keeps across variables (Nadam's running product)."""
        return {}

    def update(self, params, grads, state):
        """One step: (new params, new state) from params, their gradients and the state; nothing is changed."""
        # the weights' names matter only for weight decay: no walk over the params without it
        decays = [self._uses_weight_decay(name) for name in _leaf_names(params)] if self.weight_decay else None
        slot_leaves = {name: flatten_params(tree) for name, tree in state["slots"].items()}
        new_variables, new_slots, new_state = self.update_leaves(
            flatten_params(params), flatten_params(grads), slot_leaves, state, decays)
        new_state["slots"] = {name: unflatten_like(params, leaves) for name, leaves in new_slots.items()}
        return unflatten_like(params, new_variables), new_state

    def update_leaves(self, variables, gradients, slot_leaves, state, decays):
        """The step over flat lists: (new variables, new slot lists by name, new state without slots)."""
        calls = state["iterations"]
        scalars = {key: value for key, value in state.items() if key not in ("iterations", "slots")}
        new_slots = {name: list(leaves) for name, leaves in slot_leaves.items()}
        steps = self.gradient_accumulation_steps
        if steps and (calls + 1) % steps:
            # not an update step: only add the gradients to the accumulators
            new_slots["gradient_accumulator"] = [a + g for a, g in zip(slot_leaves["gradient_accumulator"], gradients)]
            new_variables = list(variables)
        else:
            if steps:
                gradients = [(g + a) / steps for g, a in zip(gradients, slot_leaves["gradient_accumulator"])]
                new_slots["gradient_accumulator"] = [np.zeros_like(a) for a in slot_leaves["gradient_accumulator"]]
            new_variables, rule_slots, scalars = self._rule_step(variables, gradients, slot_leaves, state, decays)
            new_slots.update(rule_slots)
        if self.use_ema:
            new_slots["average"], new_variables = self._moving_average(new_variables, slot_leaves["average"],
                                                                        self.effective_steps(calls))
        self._iterations = calls + 1
        return new_variables, new_slots, {"iterations": calls + 1, **scalars}

    def _rule_step(self, variables, gradients, slot_leaves, state, decays):
        """Clipping, weight decay and the update rule, at the step count the weights have seen."""
        gradients = self.clip(gradients)
        done = self.effective_steps(state["iterations"])
        lr = self.current_learning_rate(done)
        extra = self.advance_globals(state, done + 1)
        new_variables, new_slots = [], {name: [] for name in self.slot_names}
        for i, (variable, gradient) in enumerate(zip(variables, gradients)):
            if self.weight_decay and decays[i]:
                variable = variable - variable * (self.weight_decay * lr)
            slots = {name: slot_leaves[name][i] for name in self.slot_names}
            variable, slots = self.update_variable(variable, np.asarray(gradient).astype(variable.dtype, copy=False),
                                                   slots, lr, done + 1, extra)
            new_variables.append(variable)
            for name in new_slots:
                new_slots[name].append(slots[name])
        return new_variables, new_slots, extra

    def _moving_average(self, variables, averages, iterations):
        # the first step starts the average at the weights themselves, as Keras does
        momentum = self.ema_momentum if iterations else 0.0
        averages = [momentum * a + (1 - momentum) * v for a, v in zip(averages, variables)]
        if self.ema_overwrite_frequency and (iterations + 1) % self.ema_overwrite_frequency == 0:
            variables = list(averages)
        return averages, variables

    def finalize(self, params, state):
        """The params to keep when training ends: the moving averages with use_ema, else params unchanged."""
        if not self.use_ema or state is None:
            return params
        return unflatten_like(params, flatten_params(state["slots"]["average"]))

    def advance_globals(self, state, step):
        return {}

    def update_variable(self, variable, gradient, slots, lr, step, extra):
        raise NotImplementedError

    def clip(self, gradients):
        """The gradients (a list of arrays) after clipnorm, global_clipnorm or clipvalue, whichever is set."""
        if self.clipnorm is not None:
            return [g * (self.clipnorm / max(float(np.sqrt(np.sum(g * g))), self.clipnorm)) for g in gradients]
        if self.global_clipnorm is not None:
            total = float(np.sqrt(sum(np.sum(g * g) for g in gradients)))
            return [g * (self.global_clipnorm / max(total, self.global_clipnorm)) for g in gradients]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in gradients]
        return gradients

    _clip_gradients = clip   # Keras's private name, which code ported from Keras (and its tests) calls

    # ---- weight decay exclusions ----
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Leave out of weight decay the variables in `var_list`, and those whose name contains one of `var_names`.

        Must be called before the optimizer is built, as in Keras."""
        if self.built:
            raise ValueError(f"{type(self).__name__}: exclude_from_weight_decay() can only be called before the "
                             f"optimizer is built.")
        self._decay_exempt_ids = {id(v) for v in (var_list or ())}
        self._decay_exempt_names = re.compile("|".join(map(re.escape, var_names))) if var_names else None

    def _uses_weight_decay(self, name, variable=None):
        if variable is not None and id(variable) in self._decay_exempt_ids:
            return False
        return not (self._decay_exempt_names is not None and name is not None
                    and self._decay_exempt_names.search(name))

    # ---- configuration ----
    def get_config(self):
        """The settings as Keras 3 writes them (a schedule as its serialized dict)."""
        rate = self._learning_rate
        if isinstance(rate, schedules.LearningRateSchedule):
            rate = schedules.serialize(rate)
        elif callable(rate):
            rate = float(rate())
        return {"name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new optimizer with the settings of `config` (what get_config returned)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate={self._learning_rate}>"


def _leaf_names(params):
    """The key of each leaf of a nested dict, in flatten order (the weight's own name, like Keras's variable.name)."""
    names = []

    def walk(node, key):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        else:
            names.append(key)
    walk(params, None)
    return names
