"""Layers to and from Keras 3's config entries ({module, class_name, config, registered_name, build_config}).

The layer side of (de)serialization, without the saving package, so that wrappers can write and read the layers
they hold. The dicts are exactly what Keras 3 writes into config.json. Loading only looks classes up by name
(minikeras.layers, then `custom_objects`); a Lambda's bytecode runs only with safe_mode=False.
"""
import inspect

import numpy as np

from .. import backend
from .lambda_functions import function_from_config, is_stored_function

# keys Keras 3 (or Keras 2) writes that minikeras layers do not take, with the value that means "off"
_IGNORABLE = {"quantization_config": None, "lora_rank": None, "lora_alpha": None, "optional": False,
              "autocast": True, "time_major": False, "reset_dropout": None, "input_axes": None}
# weightless Keras 3 layers built at construction: their config has no build_config
LAYERS_WITHOUT_BUILD_CONFIG = frozenset({
    "Activation", "AveragePooling1D", "AveragePooling2D", "Dropout", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Masking", "MaxPooling1D", "MaxPooling2D", "Reshape"})
_KERAS1_ALIASES = ("Convolution1D", "Convolution2D", "Convolution3D")
_MODEL_ENTRIES = {"Model": ("keras.src.models.functional", "Functional", "Functional"),
                  "Sequential": ("keras", "Sequential", None)}


# Keras's names of the model classes -> minikeras's, filled in by the models package when it is imported
MODEL_CLASSES = {}


def dtype_policy(name):
    """Keras 3 writes a layer's dtype as a DTypePolicy object."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


def jsonable(value):
    """`value` with numpy numbers and arrays (at any depth) turned into plain Python ones."""
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


# ---- minikeras -> Keras 3 ----------------------------------------------------------------------------
def class_entry(obj):
    """(module, class_name, registered_name) as Keras 3 records them for a layer or model."""
    cls = type(obj)
    if getattr(obj, "is_op_layer", False):
        return obj.keras_module, obj.class_name, obj.class_name
    if cls.__module__.startswith("minikeras.models") and cls.__name__ in _MODEL_ENTRIES:
        return _MODEL_ENTRIES[cls.__name__]
    if cls.__module__.startswith("minikeras."):
        while cls.__name__ in _KERAS1_ALIASES:  # saved under the Keras 3 name, which every Keras reads
            cls = cls.__mro__[1]
        return "keras.layers", cls.__name__, None
    from ..custom_objects import get_registered_name
    return cls.__module__, cls.__name__, get_registered_name(cls)


def serialize_layer(layer):
    """The Keras 3 entry for a layer (or a model inside a wrapper): {module, class_name, config, registered_name,
    build_config when built}."""
    from .rnn.custom_cell import KerasStyleCell
    if isinstance(layer, KerasStyleCell):          # an RNN's adapter of a user's cell: write the user's cell
        layer = layer.wrapped
    module, class_name, registered_name = class_entry(layer)
    if getattr(layer, "is_op_layer", False):      # Keras writes an op's config as it is, with no build_config
        return {"module": module, "class_name": class_name, "config": jsonable(layer.get_config()),
                "registered_name": registered_name}
    config = layer.get_config() if class_name in ("Functional", "Sequential") else keras_layer_config(layer)
    entry = {"module": module, "class_name": class_name, "config": config, "registered_name": registered_name}
    build_shape = _build_shape(layer, class_name)
    if build_shape is not None or class_name == "Functional":
        entry["build_config"] = {"input_shape": build_shape}
    return entry


def _build_shape(layer, class_name):
    if not layer.built or class_name in LAYERS_WITHOUT_BUILD_CONFIG or class_name in ("InputLayer", "Functional") \
            or getattr(layer, "keras_built_at_init", False):
        return None  # Keras records no build shape for a Functional: its Inputs say it all
    return jsonable(getattr(layer, "_build_input_shape", None))


def keras_layer_config(layer):
    """The `config` Keras 3 writes for `layer`: its get_config in Keras 3's spelling (dtype as a policy, ...)."""
    from .rnn.rnn import RNN
    from .rnn.cells import StackedRNNCells
    config = jsonable(dict(layer.get_config()))
    config.pop("batch_input_shape", None)  # Keras 3 keeps the input shape in an InputLayer instead
    dtype = config.get("dtype")
    users_own = "dtype" not in config and type(layer).__module__.split(".")[0] != "minikeras"
    # a user's get_config that leaves dtype out (its __init__ may not take it) is written as it is, as Keras does
    if not users_own and not (getattr(layer, "keras_dtype_is_a_name", False) and isinstance(dtype, str)):
        config["dtype"] = dtype_policy(dtype if isinstance(dtype, str) else backend.floatx())
    kind = type(layer).__name__
    if kind in ("Dense", "Embedding"):
        config.setdefault("quantization_config", None)
    if kind == "Dense" and config.get("activity_regularizer", 0) is None:
        del config["activity_regularizer"]  # Keras 3 writes it for Dense only when set
    if kind == "SimpleRNN" and config.get("seed") is None:
        config.pop("seed", None)
    if type(layer) is RNN:
        config["cell"] = serialize_layer(layer.cell)
    if isinstance(layer, StackedRNNCells):
        config["cells"] = [serialize_layer(cell) for cell in layer.cells]
    return config


# ---- Keras 3 (or 2) -> minikeras ---------------------------------------------------------------------
def layer_class_for(class_name, registered_name=None, custom_objects=None):
    """The class a config names: the user's custom_objects first, then minikeras.layers."""
    from .. import layers
    from ..custom_objects import get_registered_object
    for key in (registered_name, class_name, (registered_name or "").split(">")[-1]):
        found = get_registered_object(key, custom_objects) if key else None
        if found is not None:
            return found
    found = getattr(layers, class_name, None)
    if isinstance(found, type) and issubclass(found, layers.Layer):
        return found
    raise ValueError(f"Unknown layer class '{class_name}': minikeras has no layer by that name. If it is your own "
                     f"layer, pass custom_objects={{'{class_name}': YourLayerClass}}.")


def deserialize_layer(entry, custom_objects=None, safe_mode=True):
    """A layer from its Keras 3 (or Keras 2: {class_name, config}) entry; nested layers come back too."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError(f"A layer config must be a dict with 'class_name' and 'config', got {entry!r:.200}.")
    class_name, config = entry["class_name"], entry.get("config") or {}
    if str(entry.get("module") or "").startswith("keras.src.ops."):
        from ..ops.symbolic import op_from_config       # an op node (NotEqual, Add, GetItem, ...)
        op_layer = op_from_config(entry["module"], class_name, config)
        if op_layer is not None:
            return op_layer
        raise ValueError(f"Unknown op '{class_name}' ({entry['module']}): minikeras.ops has no such op.")
    if class_name in MODEL_CLASSES:
        # a model inside a wrapper: the models package, which sits above the layers, put its classes here
        return MODEL_CLASSES[class_name].from_config(config, custom_objects)
    cls = layer_class_for(class_name, entry.get("registered_name"), custom_objects)
    return layer_from_config(cls, config, custom_objects, safe_mode, class_name)


def layer_from_config(cls, config, custom_objects=None, safe_mode=True, class_name=None, deserialize=None):
    """`cls` built from a Keras config dict (its nested layers and Lambda functions read back first, the layers by
    `deserialize`: by default this module's deserialize_layer; the saving package passes its own, which knows
    models)."""
    class_name = class_name or cls.__name__
    deserialize = deserialize or (lambda e: deserialize_layer(e, custom_objects, safe_mode))
    kwargs = layer_kwargs(cls, class_name, config, deserialize, custom_objects, safe_mode)
    try:
        if hasattr(cls, "from_config") and cls.__module__.split(".")[0] != "minikeras":
            return cls.from_config(kwargs)
        return cls(**kwargs)
    except TypeError as error:
        raise ValueError(f"Layer '{config.get('name')}' ({class_name}): its config does not fit minikeras's "
                         f"{class_name}: {error}") from None


def layer_kwargs(cls, class_name, config, deserialize, custom_objects=None, safe_mode=True):
    """The keyword arguments for `cls(**kwargs)` from a Keras config; nested layers are deserialized."""
    if not isinstance(config, dict):
        raise TypeError(f"{class_name}.from_config takes the dict get_config() returns, got {type(config).__name__}.")
    kwargs = dict(config)
    name = kwargs.get("name")
    if isinstance(kwargs.get("dtype"), dict):
        kwargs["dtype"] = (kwargs["dtype"].get("config") or {}).get("name")
    if class_name == "Bidirectional" and isinstance(kwargs.get("layer"), dict):
        kwargs["layer"] = _without_forward_prefix(kwargs["layer"])
    for key in ("layer", "backward_layer", "cell"):
        if isinstance(kwargs.get(key), dict) and "class_name" in kwargs[key]:
            kwargs[key] = deserialize(kwargs[key])
    for key in ("cells", "cell"):
        if isinstance(kwargs.get(key), list):
            kwargs[key] = [deserialize(c) if isinstance(c, dict) else c for c in kwargs[key]]
    if class_name == "Lambda":
        kwargs["function"] = function_from_config(name, kwargs.get("function"), custom_objects, safe_mode)
        for key in ("output_shape", "mask"):
            if is_stored_function(kwargs.get(key)):
                kwargs[key] = function_from_config(name, kwargs[key], custom_objects, safe_mode)
    if custom_objects:
        kwargs = {k: _custom_object(v, custom_objects) for k, v in kwargs.items()}
    if cls.__module__.split(".")[0] == "minikeras":
        _drop_unsupported(cls, class_name, kwargs)
    else:
        _drop_ignorable(cls, kwargs)
    return kwargs


def _custom_object(value, custom_objects):
    """A saved reference to the user's own function or class (activation, initializer...) -> the object itself."""
    if not isinstance(value, dict) or "class_name" not in value:
        return value
    name = value.get("config") if value["class_name"] == "function" else value["class_name"]
    if not isinstance(name, str) or name not in custom_objects:
        return value
    found = custom_objects[name]
    if isinstance(found, type) and isinstance(value.get("config"), dict):
        return found.from_config(value["config"]) if hasattr(found, "from_config") else found(**value["config"])
    return found


def _without_forward_prefix(entry):
    """Keras names the copy inside Bidirectional 'forward_<name>'; minikeras adds that prefix itself."""
    entry = dict(entry)
    config = dict(entry.get("config") or {})
    if str(config.get("name", "")).startswith("forward_"):
        config["name"] = config["name"][len("forward_"):]
    entry["config"] = config
    return entry


def _accepted_arguments(cls):
    accepted = set()
    classes = list(cls.__mro__)
    cell_class = getattr(cls, "cell_class", None)
    if cell_class is not None:
        classes += list(cell_class.__mro__)
    for klass in classes:
        if "__init__" in vars(klass):
            accepted.update(inspect.signature(vars(klass)["__init__"]).parameters)
    return accepted - {"self", "kwargs", "args"}


def _drop_ignorable(cls, kwargs):
    """A user's class passes its **kwargs on to minikeras's Layer: the Keras base keys at their "off" values
    (`autocast=True` in every Keras 3 config) go, unless the class names them itself."""
    accepted = _accepted_arguments(cls)
    for key in [k for k in kwargs if k in _IGNORABLE and k not in accepted]:
        if kwargs[key] == _IGNORABLE[key]:
            del kwargs[key]


def _drop_unsupported(cls, class_name, kwargs):
    accepted = _accepted_arguments(cls)
    for key in [k for k in kwargs if k not in accepted]:
        if key in _IGNORABLE and kwargs[key] == _IGNORABLE[key]:
            del kwargs[key]
        elif key in ("sparse", "ragged") and not kwargs[key]:
            del kwargs[key]
        else:
            raise ValueError(f"Layer '{kwargs.get('name')}' ({class_name}): the config sets {key}={kwargs[key]!r}, "
                             f"which minikeras's {class_name} does not support.")


# ---- keras.layers.serialize / deserialize ------------------------------------------------------------------
def serialize(layer):
    """keras.layers.serialize: a layer's Keras 3 config entry ({module, class_name, config, ...}), JSON-able."""
    return serialize_layer(layer)


def deserialize(config, custom_objects=None):
    """keras.layers.deserialize: a new layer (fresh weights) from the entry serialize() wrote, or one Keras 3 or
    Keras 2 wrote; `custom_objects` names your own classes and functions."""
    return deserialize_layer(config, custom_objects)
