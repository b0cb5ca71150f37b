"""The compiled state that travels with a model: compile_config (loss, metrics, optimizer) and the optimizer's
variables under `optimizer/vars` in Keras 3's order, so training resumes where it stopped.

The order of those variables is Keras 3's (minikeras/optimizers/variables.py says which it is).
"""
import numpy as np

from ..optimizers.variables import flat_variables, state_from_flat
from ..params import flatten_params
from .weights_h5 import checked_datasets


# ---- compile_config ---------------------------------------------------------------------------------------
def compile_config(model):
    """Keras 3's compile_config of a model ({} when it is not compiled)."""
    from .. import optimizers
    if not getattr(model, "compiled", False):
        return {}
    given = getattr(model, "_compile_config", {}) or {}
    return {"optimizer": optimizers.serialize(model.optimizer), "loss": _serialize_losses(given.get("loss")),
            "loss_weights": given.get("loss_weights"), "metrics": _serialize_metrics(given.get("metrics")),
            "weighted_metrics": _serialize_metrics(given.get("weighted_metrics")), "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


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
                  weighted_metrics=_deserialize(config.get("weighted_metrics"), "metrics", custom_objects),
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
def optimizer_variables(optimizer, state):
    """The flat list Keras 3 stores in optimizer/vars: iteration, learning_rate, slots, globals."""
    return flat_variables(optimizer, state)


def state_from_variables(optimizer, template, values, source):
    """An optimizer state shaped like `template` (optimizer.init of the trainable params) from Keras's flat list."""
    return state_from_flat(optimizer, template, values, f"'{source}' (optimizer/vars)")


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
    values = [np.asarray(d) for d in checked_datasets(h5file["optimizer/vars"], source, "optimizer/vars")]
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
