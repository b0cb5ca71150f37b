"""serialize_keras_object / deserialize_keras_object for every object kind that is not a layer or model:
optimizers, learning-rate schedules, losses, metrics, initializers, regularizers, constraints, and the
built-in loss and activation functions, in the dicts Keras 3 writes ({"module", "class_name", "config",
"registered_name"}). Each kind's own module does the work; this file only says which module that is.
"""
from .. import activations, constraints, initializers, losses, metrics, optimizers, regularizers
from ..optimizers import schedules

# (the class every object of the kind derives from, its module's serialize/deserialize, Keras's module name)
_KINDS = (
    (optimizers.Optimizer, optimizers, "keras.optimizers"),
    (schedules.LearningRateSchedule, schedules, "keras.optimizers.schedules"),
    (losses.Loss, losses, "keras.losses"),
    (metrics.Metric, metrics, "keras.metrics"),
    (initializers.Initializer, initializers, "keras.initializers"),
    (regularizers.Regularizer, regularizers, "keras.regularizers"),
    (constraints.Constraint, constraints, "keras.constraints"),
)
_BY_MODULE = {module_name: module for _, module, module_name in _KINDS}
_BY_MODULE["keras.activations"] = activations
# a plain function saved as {"module": "builtins", "class_name": "function"} is looked up in these, in order
_FUNCTION_FAMILIES = (losses, metrics, activations)


def serialize_object(obj):
    """Keras 3's dict for `obj`, or None when it is not one of the kinds this file knows (a layer, a model)."""
    for base, module, _ in _KINDS:
        if isinstance(obj, base):
            return module.serialize(obj)
    if callable(obj) and not isinstance(obj, type):
        for module in (losses, activations):
            if _is_builtin_function(module, obj):
                return module.serialize(obj)
    return None


def _is_builtin_function(module, fn):
    name = getattr(fn, "__name__", None)
    try:
        return name is not None and module.deserialize(name) is fn
    except (ValueError, TypeError):
        return False


def deserialize_object(entry, custom_objects=None):
    """The object a serialize_object dict (or a bare name like 'adam' is not enough here: a dict) describes, or
    None when the dict names a layer or model (its module is not one of the object kinds)."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        return None
    own = _custom_class(entry, custom_objects)
    if own is not None:
        return own.from_config(dict(entry.get("config") or {}))
    module = _BY_MODULE.get(_short_module(entry.get("module")))
    if module is not None:
        return module.deserialize(entry, custom_objects)
    if entry["class_name"] == "function" and entry.get("module") in ("builtins", None):
        return _builtin_function(entry, custom_objects)
    return None


def _custom_class(entry, custom_objects):
    """The user's own optimizer/loss/metric/... class the entry names through custom_objects, if it is one."""
    for name in (entry.get("registered_name"), entry.get("class_name")):
        found = (custom_objects or {}).get(name) if isinstance(name, str) else None
        if isinstance(found, type) and any(issubclass(found, base) for base, _, _ in _KINDS):
            return found
    return None


def _short_module(module):
    # Keras 3 writes "keras.optimizers"; its own classes may say "keras.src.optimizers.adam"
    if not isinstance(module, str):
        return module
    parts = [p for p in module.split(".") if p != "src"]
    for length in (3, 2):
        candidate = ".".join(parts[:length])
        if candidate in _BY_MODULE:
            return candidate
    return module


def _builtin_function(entry, custom_objects):
    name = entry.get("config")
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for family in _FUNCTION_FAMILIES:
        try:
            found = family.deserialize(name)
        except (ValueError, TypeError):
            continue
        if callable(found) and not isinstance(found, type):
            return found
    raise ValueError(f"deserialize_keras_object: unknown function {name!r}; pass it in custom_objects.")
