"""serialize_keras_object / deserialize_keras_object for every object kind that is not a layer or model:
plain values (numbers, strings, lists, tuples, dicts, numpy arrays, bytes, slices, Ellipsis), optimizers,
learning-rate schedules, losses, metrics, initializers, regularizers, constraints, and the built-in loss and
activation functions, in the forms Keras 3 writes ({"module", "class_name", "config", "registered_name"},
"__numpy__", ...). Each kind's own module does the work; this file only says which module that is.
"""
import types

import numpy as np

from .. import activations, constraints, initializers, losses, metrics, optimizers, regularizers
from ..optimizers import schedules
from .._naming import object_config

NOT_HANDLED = object()   # what the functions below return for a layer or a model: serialization.py does those
_PLAIN = (type(None), bool, int, float, str)

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
    """Keras 3's serialized form of `obj`, or NOT_HANDLED when it is a layer or model."""
    plain = _serialize_plain(obj)
    if plain is not NOT_HANDLED:
        return plain
    for base, module, _ in _KINDS:
        if isinstance(obj, base):
            return module.serialize(obj)
    if callable(obj) and not isinstance(obj, type):
        for module in (losses, activations):
            if _is_builtin_function(module, obj):
                return module.serialize(obj)
    if isinstance(obj, types.FunctionType) and obj.__name__ != "<lambda>":
        # a function of the user's: Keras writes its (registered) name, found again through custom_objects
        from ..custom_objects import get_registered_name
        return {"module": "builtins", "class_name": "function", "config": get_registered_name(obj),
                "registered_name": "function"}
    if _is_plain_object_with_config(obj):
        return object_config(obj)       # a class of the user's (registered, or given in custom_objects to load)
    return NOT_HANDLED


def _is_plain_object_with_config(obj):
    from ..layers.base import Layer
    return not isinstance(obj, (type, Layer)) and callable(getattr(obj, "get_config", None))


def _serialize_plain(obj):
    from .serialization import serialize_keras_object   # lists and dicts may hold layers too
    if isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {key: serialize_keras_object(getattr(obj, key))
                                                      for key in ("start", "stop", "step")}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(item) for item in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    return NOT_HANDLED


def _is_builtin_function(module, fn):
    name = getattr(fn, "__name__", None)
    try:
        return name is not None and module.deserialize(name) is fn
    except (ValueError, TypeError):
        return False


def deserialize_object(entry, custom_objects=None):
    """The object a serialized form describes, or NOT_HANDLED when it describes a layer or model."""
    from .serialization import deserialize_keras_object
    if isinstance(entry, _PLAIN):
        return entry
    if isinstance(entry, (list, tuple)):
        items = [deserialize_keras_object(item, custom_objects) for item in entry]
        return tuple(items) if isinstance(entry, tuple) else items
    if not isinstance(entry, dict):
        return NOT_HANDLED
    if "class_name" not in entry:
        return {key: deserialize_keras_object(value, custom_objects) for key, value in entry.items()}
    special = _SPECIAL.get(entry["class_name"])
    if special is not None:
        return special(entry.get("config") or {}, custom_objects)
    own = _custom_class(entry, custom_objects)
    if own is not None:
        return own.from_config(dict(entry.get("config") or {}))
    module = _BY_MODULE.get(_short_module(entry.get("module")))
    if module is not None:
        return module.deserialize(entry, custom_objects)
    if entry["class_name"] == "function" and entry.get("module") in ("builtins", None):
        return _builtin_function(entry, custom_objects)
    return NOT_HANDLED


def _slice(config, custom_objects):
    from .serialization import deserialize_keras_object
    return slice(*(deserialize_keras_object(config.get(key), custom_objects) for key in ("start", "stop", "step")))


_SPECIAL = {
    "__numpy__": lambda config, _: np.array(config["value"], dtype=config.get("dtype")),
    "__bytes__": lambda config, _: config["value"].encode("utf-8"),
    "__slice__": _slice,
    "__ellipsis__": lambda config, _: Ellipsis,
    "__tuple__": lambda config, custom_objects: tuple(deserialize_object(v, custom_objects)
                                                      for v in config.get("value", [])),
}


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
    from ..custom_objects import get_registered_object
    name = entry.get("config")
    if not isinstance(name, str):
        raise TypeError(f"deserialize_keras_object: a function entry names its function in 'config'. Expected "
                        f"'config' to be a non-null str, got {name!r}.")
    found = get_registered_object(name, custom_objects)
    if found is not None:
        return found
    for family in _FUNCTION_FAMILIES:
        try:
            found = family.deserialize(name)
        except (ValueError, TypeError):
            continue
        if callable(found) and not isinstance(found, type):
            return found
    raise ValueError(f"deserialize_keras_object: unknown function {name!r}; pass it in custom_objects.")
