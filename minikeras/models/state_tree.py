"""Keras 3's state tree of a model: its variables as nested dicts keyed by the parts of each variable's path.

    {"trainable_variables": {"dense": {"kernel": ..., "bias": ...}},
     "non_trainable_variables": {"batch_normalization": {"moving_mean": ...}},
     "optimizer_variables": {"adam": {"iteration": ..., "learning_rate": ..., "dense_kernel_momentum": ...}},
     "metrics_variables": {}}

The weights are read from and written to `model.params` through the weight handles; the optimizer's variables
are named as Keras 3 names them (`<weight path with _>_<slot>`) and kept in the model's optimizer state.
"""
import numpy as np

from ..optimizers.variables import flat_variables, slot_order, state_from_flat
from ..params import flatten_params

_VALUE_FORMATS = ("backend_tensor", "numpy_array")
_KINDS = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")


def get_state_tree(model, value_format="backend_tensor"):
    """The model's state as Keras 3's nested dicts (see the module docstring); arrays are copies."""
    if value_format not in _VALUE_FORMATS:
        raise ValueError(f"Model '{model.name}'.get_state_tree(): value_format must be one of {_VALUE_FORMATS}, "
                         f"got {value_format!r}.")
    # minikeras's arrays are numpy arrays, which is what Keras's numpy backend gives for "backend_tensor" too
    return {"trainable_variables": _nested(_by_path(model, model.trainable_variables)),
            "non_trainable_variables": _nested(_by_path(model, model.non_trainable_variables)),
            "optimizer_variables": _nested(_optimizer_variables(model)),
            "metrics_variables": {}}


def set_state_tree(model, state_tree):
    """Assign the values of a state tree (all of its parts, or some) to the model; everything is checked first,
    so a tree that does not fit changes nothing."""
    if not isinstance(state_tree, dict):
        raise TypeError(f"Model '{model.name}'.set_state_tree() takes the dict get_state_tree() returns, got "
                        f"{type(state_tree).__name__}.")
    unknown = sorted(set(state_tree) - set(_KINDS))
    if unknown:
        raise ValueError(f"Model '{model.name}'.set_state_tree(): unknown part(s) {unknown}; a state tree has "
                         f"{list(_KINDS)}.")
    assignments = []
    for kind in ("trainable_variables", "non_trainable_variables"):
        if kind in state_tree:
            assignments += _weight_assignments(model, kind, _flat(state_tree[kind], kind, model))
    if _flat(state_tree.get("metrics_variables") or {}, "metrics_variables", model):
        raise ValueError(f"Model '{model.name}'.set_state_tree(): minikeras keeps no metric state on the model (its "
                         f"running metrics live for one fit or evaluate), so metrics_variables must be empty.")
    optimizer_state = None
    if state_tree.get("optimizer_variables"):
        optimizer_state = _optimizer_state(model, state_tree["optimizer_variables"])
    for handle, value in assignments:
        handle.assign(value)
    if optimizer_state is not None:
        state, learning_rate = optimizer_state
        model._optimizer_state = state
        model.optimizer.iterations = state["iterations"]
        if learning_rate is not None:
            model.optimizer.learning_rate = learning_rate


# ---- weights ------------------------------------------------------------------------------------------
def _by_path(model, handles):
    flat = {}
    for handle in handles:
        if handle.path in flat:
            raise ValueError(f"The following variable path is found twice in the model: '{handle.path}'. "
                             f"get_state_tree() can only be called when all variable paths are unique: give the "
                             f"layers of model '{model.name}' unique names.")
        flat[handle.path] = np.array(handle.numpy())
    return flat


def _weight_assignments(model, kind, values):
    handles = {h.path: h for h in (model.trainable_variables if kind == "trainable_variables"
                                   else model.non_trainable_variables)}
    assignments = []
    for path, value in values.items():
        if path not in handles:
            raise ValueError(f"Model '{model.name}'.set_state_tree(): {kind} has no variable '{path}'; the model's "
                             f"are {sorted(handles)}.")
        value = np.asarray(value)
        if value.shape != tuple(handles[path].shape):
            raise ValueError(f"Model '{model.name}'.set_state_tree(): {kind} '{path}' has shape "
                             f"{tuple(handles[path].shape)}, got a value of shape {value.shape}.")
        assignments.append((handles[path], value))
    return assignments


# ---- the optimizer ------------------------------------------------------------------------------------
def _optimizer_variables(model):
    """{"<optimizer name>/<variable name>": value} in Keras 3's order; {} for a model that is not compiled."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return {}
    state = getattr(model, "_optimizer_state", None)
    if state is None:       # not built yet: Keras then has the step count and the learning rate only
        state = {"iterations": 0, "slots": {}}
    names = _optimizer_variable_names(model, state)
    return {_UNSCOPED.get(name, f"{optimizer.name}/{name}"): value
            for name, value in zip(names, flat_variables(optimizer, state))}


# Nadam's running product is made outside the optimizer's name scope in Keras 3: its path is a bare "variable"
_UNSCOPED = {"u_product": "variable"}


def _optimizer_variable_names(model, state):
    """The names Keras 3 gives the values flat_variables lists, in the same order."""
    names = ["iteration", "learning_rate"]
    weight_names = [h.path.replace("/", "_") for h in model.trainable_variables]
    slots = state["slots"]
    count = len(flatten_params(next(iter(slots.values())))) if slots else 0
    if slots and count != len(weight_names):
        raise ValueError(f"Model '{model.name}': the optimizer holds slots for {count} weights, the model has "
                         f"{len(weight_names)} trainable ones.")
    for group in slot_order(model.optimizer, list(slots)):
        for weight in weight_names[:count]:
            names.extend(f"{weight}_{slot}" for slot in group)
    names.extend(name for name in ("u_product",) if name in state)
    return names


def _optimizer_state(model, tree):
    """(optimizer state, learning rate or None) from {"<optimizer name>": {"<variable>": value}}; variables the
    tree leaves out keep their values. The tree's one optimizer is taken as the model's whatever its name (a
    second model's optimizer is "adam_1" where the first's was "adam")."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(f"Model '{model.name}'.set_state_tree(): the tree has optimizer_variables but the model is "
                         f"not compiled: call compile() first.")
    scopes = [value for value in tree.values() if isinstance(value, dict)] if isinstance(tree, dict) else []
    if len(scopes) != 1:
        raise ValueError(f"Model '{model.name}'.set_state_tree(): optimizer_variables must hold one optimizer, "
                         f"{{name: {{variable: value}}}}, got {tree!r:.200}.")
    bare = {path: name for name, path in _UNSCOPED.items()}
    values = {**scopes[0], **{bare.get(key, key): value for key, value in tree.items() if not isinstance(value, dict)}}
    trainable, _ = model._split_params()
    state = getattr(model, "_optimizer_state", None) or optimizer.init(trainable)
    current = dict(zip(_optimizer_variable_names(model, state), flat_variables(optimizer, state)))
    wrong = sorted(name for name in values if name not in current)
    if wrong:
        raise ValueError(f"Model '{model.name}'.set_state_tree(): the optimizer has no variable(s) {wrong}; its "
                         f"variables are {list(current)}.")
    given = {name: np.asarray(value) for name, value in values.items()}
    merged = [given.get(name, value) for name, value in current.items()]
    new_state = state_from_flat(optimizer, state, merged, f"Model '{model.name}'.set_state_tree()")
    learning_rate = None
    if "learning_rate" in given and not np.isclose(given["learning_rate"], current["learning_rate"]):
        if callable(optimizer._learning_rate):     # a schedule (or function) decides the rate: Keras refuses too
            raise ValueError(f"Model '{model.name}'.set_state_tree(): the optimizer's learning rate comes from a "
                             f"schedule, so it cannot be set to {float(given['learning_rate'])}.")
        learning_rate = float(given["learning_rate"])
    return new_state, learning_rate


# ---- nesting by path ----------------------------------------------------------------------------------
def _nested(flat):
    tree = {}
    for path, value in flat.items():
        parts = path.split("/")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def _flat(tree, kind, model, prefix=""):
    if not isinstance(tree, dict):
        raise TypeError(f"Model '{model.name}'.set_state_tree(): {kind} must be a nested dict of values by path, "
                        f"got {type(tree).__name__}.")
    flat = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, kind, model, path + "/"))
        else:
            flat[path] = value
    return flat
