"""The optimizer slots a Keras 2 whole-model .h5 keeps under `optimizer_weights`, read into minikeras's state.

tf-keras 2.11+ names them "<Optimizer>/<slot>/<layer>/<weight>:0" after an "iteration:0" (Adam: m, v);
Keras 2.0-2.10 wrote "<Optimizer>/<layer>/<weight>/<slot>:0" after "<Optimizer>/iter:0". Within one
slot the arrays come in the order of the model's trainable weights, which is the order minikeras
flattens them in; every shape is checked against the model before anything is used.
"""
import warnings

import numpy as np

from ..params import flatten_params, unflatten_like

# Keras 2's short slot names for the slots minikeras names as Keras 3 does
_SLOT_ALIASES = {"m": "momentum", "v": "velocity", "vhat": "velocity_hat", "momentums": "momentum",
                 "velocities": "velocity"}
_ITERATION_NAMES = ("iteration", "iter", "iterations")


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _slot_of(parts, slot_names):
    """(slot name, True) for a slot variable's name parts, or (None, False) for anything else."""
    for candidate in (parts[1] if len(parts) > 2 else None, parts[-1] if len(parts) > 2 else None):
        if candidate is None:
            continue
        slot = candidate if candidate in slot_names else _SLOT_ALIASES.get(candidate)
        if slot in slot_names:
            return slot, True
    return None, False


def read_keras2_optimizer_state(group, model):
    """The optimizer state of `model` (compiled already) from a Keras 2 `optimizer_weights` group, or None
    (with a warning saying why) when the file's variables do not fit this model and optimizer."""
    names = [_text(n) for n in group.attrs.get("weight_names", [])]
    if not names:
        return None
    optimizer = model.optimizer
    trainable, _ = model._split_params()
    template = optimizer.init(trainable)
    leaves = flatten_params(trainable)
    slot_names = set(template["slots"])
    found = {name: [] for name in slot_names}
    state = {key: value for key, value in template.items() if key != "slots"}
    for name in names:
        parts = name.rsplit(":", 1)[0].split("/")
        value = np.asarray(group[name])
        if parts[-1] in _ITERATION_NAMES:
            state["iterations"] = int(value)
        elif parts[-1] in state and parts[-1] != "iterations":   # Nadam's running product
            state[parts[-1]] = float(value)
        else:
            slot, is_slot = _slot_of(parts, slot_names)
            if is_slot:
                found[slot].append(value)
    problem = _mismatch(found, leaves, type(optimizer).__name__)
    if problem:
        warnings.warn(f"Keras 2 optimizer weights not restored ({problem}); the optimizer starts afresh.",
                      stacklevel=4)
        return None
    state["slots"] = {slot: unflatten_like(trainable, [v.astype(np.asarray(like).dtype)
                                                      for v, like in zip(values, leaves)])
                      for slot, values in found.items()}
    return state


def _mismatch(found, leaves, optimizer_name):
    for slot, values in found.items():
        if len(values) != len(leaves):
            return (f"{optimizer_name} slot '{slot}': the file has {len(values)} arrays, the model "
                    f"{len(leaves)} trainable weights")
        for i, (value, like) in enumerate(zip(values, leaves)):
            if value.shape != np.shape(like):
                return f"{optimizer_name} slot '{slot}' #{i}: shape {value.shape} in the file, {np.shape(like)} here"
    return None
