"""The compiled state that travels with a model: compile_config (loss, metrics, optimizer) and the optimizer's
variables under `optimizer/vars` in Keras 3's order, so training resumes where it stopped.

Keras 3 stores `iteration`, `learning_rate`, then the slots. Slots of one group are interleaved per
variable (Adam: kernel momentum, kernel velocity, bias momentum, ...); later groups follow as blocks
(RMSprop: every velocity, then every momentum). The groups below were read off real Keras 3 files
(tests/fixtures/saving/facts.json).
"""
import numpy as np

from ..params import flatten_params, unflatten_like

_SLOT_GROUPS = {
    "Adam": [["momentum", "velocity"], ["velocity_hat"]],
    "AdamW": [["momentum", "velocity"], ["velocity_hat"]],
    "Nadam": [["momentum", "velocity"]],
    "Adamax": [["m", "u"]],
    "Adadelta": [["accumulated_grad", "accumulated_delta_var"]],
    "Adagrad": [["accumulator"]],
    "RMSprop": [["velocity"], ["momentum"], ["average_gradient"]],
    "SGD": [["momentum"]],
}
_GLOBALS_AFTER_SLOTS = {"Nadam": ["u_product"]}


# ---- compile_config ---------------------------------------------------------------------------------------
def compile_config(model):
    """Keras 3's compile_config of a model ({} when it is not compiled)."""
    from .. import optimizers
    if not getattr(model, "compiled", False):
        return {}
    given = getattr(model, "_compile_config", {}) or {}
    return {"optimizer": optimizers.serialize(model.optimizer), "loss": _serialize_losses(given.get("loss")),
            "loss_weights": given.get("loss_weights"), "metrics": _serialize_metrics(given.get("metrics")),
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def _serialize_losses(loss):
    from .. import losses
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, (list, tuple)):
        return [_serialize_losses(l) for l in loss]
    if isinstance(loss, dict):
        return {k: _serialize_losses(v) for k, v in loss.items()}
    return losses.serialize(loss)


def _serialize_metrics(metrics):
    from .. import metrics as M
    if metrics is None or isinstance(metrics, str):
        return metrics
    if isinstance(metrics, (list, tuple)):
        return [_serialize_metrics(m) for m in metrics]
    if isinstance(metrics, dict):
        return {k: _serialize_metrics(v) for k, v in metrics.items()}
    return M.serialize(metrics)


def restore_compile(model, config, custom_objects=None):
    """Compile `model` as `config` (a Keras 3 compile_config) says."""
    from .. import optimizers
    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict):
        optimizer = optimizers.deserialize(optimizer, custom_objects)
    model.compile(optimizer=optimizer, loss=_deserialize(config.get("loss"), "losses", custom_objects),
                  metrics=_deserialize(config.get("metrics"), "metrics", custom_objects),
                  loss_weights=config.get("loss_weights"))


def _deserialize(value, module_name, custom_objects):
    import importlib
    module = importlib.import_module("minikeras." + module_name)
    if value is None:
        return None
    if isinstance(value, str):
        return (custom_objects or {}).get(value, value)
    if isinstance(value, list):
        return [_deserialize(v, module_name, custom_objects) for v in value]
    if isinstance(value, dict) and "class_name" in value:
        return module.deserialize(value, custom_objects)
    if isinstance(value, dict):
        return {k: _deserialize(v, module_name, custom_objects) for k, v in value.items()}
    return value


# ---- optimizer variables -------------------------------------------------------------------------------
def _slot_order(optimizer, slot_names):
    groups = _SLOT_GROUPS.get(type(optimizer).__name__, [list(slot_names)])
    ordered = [[s for s in group if s in slot_names] for group in groups]
    ordered = [g for g in ordered if g]
    missing = [s for s in slot_names if not any(s in g for g in ordered)]
    return ordered + ([missing] if missing else [])


def optimizer_variables(optimizer, state):
    """The flat list Keras 3 stores in optimizer/vars: iteration, learning_rate, slots, globals."""
    values = [np.asarray(state["iterations"], dtype="int32"),
              np.asarray(optimizer.current_learning_rate(state["iterations"]), dtype="float32")]
    slot_leaves = {name: flatten_params(tree) for name, tree in state["slots"].items()}
    count = len(next(iter(slot_leaves.values()))) if slot_leaves else 0
    for group in _slot_order(optimizer, list(slot_leaves)):
        for i in range(count):
            values.extend(np.asarray(slot_leaves[name][i]) for name in group)
    for name in _GLOBALS_AFTER_SLOTS.get(type(optimizer).__name__, []):
        if name in state:
            values.append(np.asarray(state[name], dtype="float32"))
    return values


def state_from_variables(optimizer, template, values, source):
    """An optimizer state shaped like `template` (optimizer.init of the trainable params) from Keras's flat list."""
    slot_names = list(template["slots"])
    expected = optimizer_variables(optimizer, template)
    if len(values) != len(expected):
        raise ValueError(f"'{source}': the optimizer ({type(optimizer).__name__}) has {len(expected)} variables for "
                         f"this model, the file holds {len(values)} under 'optimizer/vars'.")
    for i, (want, got) in enumerate(zip(expected, values)):
        if np.shape(want) != np.shape(got):
            raise ValueError(f"'{source}': optimizer variable {i} has shape {np.shape(got)} in the file, "
                             f"the model needs {np.shape(want)}.")
    leaves = {name: [None] * len(flatten_params(template["slots"][name])) for name in slot_names}
    position = 2
    for group in _slot_order(optimizer, slot_names):
        for i in range(len(leaves[group[0]])):
            for name in group:
                like = flatten_params(template["slots"][name])[i]
                leaves[name][i] = np.asarray(values[position]).astype(np.asarray(like).dtype)
                position += 1
    state = dict(template)
    state["iterations"] = int(values[0])
    state["slots"] = {name: unflatten_like(template["slots"][name], leaves[name]) for name in slot_names}
    for name in _GLOBALS_AFTER_SLOTS.get(type(optimizer).__name__, []):
        if name in template:
            state[name] = float(values[position])
            position += 1
    return state


def write_optimizer(h5file, model):
    """optimizer/vars, when the model is compiled and has taken at least one step."""
    state = getattr(model, "_optimizer_state", None)
    if not getattr(model, "compiled", False) or state is None:
        return
    group = h5file.require_group("optimizer/vars")
    group.attrs["name"] = model.optimizer.name
    for i, value in enumerate(optimizer_variables(model.optimizer, state)):
        group.create_dataset(str(i), data=value)


def read_optimizer(h5file, model, source):
    """The optimizer state stored in the file for a compiled `model`, or None when the file has none."""
    if "optimizer/vars" not in h5file or not getattr(model, "compiled", False):
        return None
    group = h5file["optimizer/vars"]
    values = [np.asarray(group[k]) for k in sorted(group.keys(), key=int)]
    if len(values) <= 2 and not _trainable(model):
        return None
    trainable, _ = model._split_params()
    template = model.optimizer.init(trainable)
    return state_from_variables(model.optimizer, template, values, source)


def _trainable(model):
    trainable, _ = model._split_params()
    return bool(flatten_params(trainable))


def assign_optimizer_state(model, state):
    """Give a compiled model the optimizer state read from a file (slots and step count); None changes nothing."""
    if state is None:
        return
    model._optimizer_state = state
    model.optimizer.iterations = state["iterations"]
