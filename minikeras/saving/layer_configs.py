"""One layer's config, both ways: minikeras's get_config() <-> the `config` Keras 3 writes for that layer.

Keras 3 adds keys minikeras has no use for (a DTypePolicy dict, quantization_config, ...). Loading
drops those when they hold Keras's default, and refuses, naming the key, when they ask for something
minikeras does not do. A Lambda's function stored as bytecode only loads with safe_mode=False.
"""
import base64
import builtins
import inspect
import marshal
import types

import numpy as np

from .. import backend

# keys Keras 3 (or Keras 2) writes that minikeras layers do not take, with the value that means "off"
_IGNORABLE = {"quantization_config": None, "lora_rank": None, "lora_alpha": None, "optional": False,
              "autocast": True, "time_major": False, "reset_dropout": None, "input_axes": None}


class UnsafeLoadError(ValueError):
    """Loading would run Python code stored in the file."""


def dtype_policy(name):
    """Keras 3 writes a layer's dtype as a DTypePolicy object."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


# ---- minikeras -> Keras 3 ------------------------------------------------------------------------------
def keras_layer_config(layer):
    """The `config` Keras 3 writes for `layer` (the layer's own get_config, in Keras 3's spelling)."""
    from ..models.graph import InputLayer
    from ..layers.core import Lambda
    from ..layers.rnn.rnn import RNN
    from ..layers.rnn.cells import StackedRNNCells
    from .serialization import serialize_layer
    if isinstance(layer, InputLayer):
        return {"batch_shape": list(layer.batch_shape), "dtype": layer.input_dtype, "sparse": False,
                "ragged": False, "name": layer.name, "optional": False}
    config = jsonable(dict(layer.get_config()))
    config.pop("batch_input_shape", None)  # Keras 3 keeps the input shape in an InputLayer instead
    dtype = config.get("dtype")
    config["dtype"] = dtype_policy(dtype if isinstance(dtype, str) else backend.floatx())
    _match_keras_keys(layer, config)
    if isinstance(layer, Lambda):
        config["function"] = _function_config(layer.function)
    if type(layer) is RNN:
        config["cell"] = serialize_layer(layer.cell)
    if isinstance(layer, StackedRNNCells):
        config["cells"] = [serialize_layer(cell) for cell in layer.cells]
    return config


def _match_keras_keys(layer, config):
    """The few keys where Keras 3's config of a layer differs from minikeras's get_config."""
    from ..layers.wrappers import Bidirectional
    from .serialization import serialize_layer
    kind = type(layer).__name__
    if kind in ("Dense", "Embedding"):
        config.setdefault("quantization_config", None)
    if kind == "Dense" and config.get("activity_regularizer", 0) is None:
        del config["activity_regularizer"]  # Keras 3 writes it for Dense only when set
    if kind == "SimpleRNN" and config.get("seed") is None:
        config.pop("seed", None)
    if isinstance(layer, Bidirectional):  # Keras 3 records both directions, the forward one as "layer"
        config["layer"] = serialize_layer(layer.forward_layer)
        config["backward_layer"] = serialize_layer(layer.backward_layer)


def _function_config(fn):
    if getattr(fn, "__name__", None) == "<lambda>":
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": None, "closure": None}}
    name = getattr(fn, "__name__", type(fn).__name__)
    return {"module": getattr(fn, "__module__", None), "class_name": "function", "config": name,
            "registered_name": name}


def jsonable(value):
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


# ---- Keras 3 (or 2) -> minikeras ---------------------------------------------------------------------
def layer_class_for(class_name, registered_name=None, custom_objects=None):
    """The class a config names: the user's custom_objects first, then minikeras.layers."""
    from .. import layers
    custom_objects = custom_objects or {}
    for key in (class_name, registered_name, (registered_name or "").split(">")[-1]):
        if key and key in custom_objects:
            return custom_objects[key]
    found = getattr(layers, class_name, None)
    if isinstance(found, type) and issubclass(found, layers.Layer):
        return found
    raise ValueError(f"Unknown layer class '{class_name}': minikeras has no layer by that name. If it is your own "
                     f"layer, pass custom_objects={{'{class_name}': YourLayerClass}}.")


def minikeras_layer_kwargs(cls, class_name, config, deserialize, custom_objects=None, safe_mode=True):
    """The keyword arguments for `cls(**kwargs)` from a Keras config; nested layers are deserialized."""
    kwargs = dict(config)
    name = kwargs.get("name")
    if isinstance(kwargs.get("dtype"), dict):
        kwargs["dtype"] = (kwargs["dtype"].get("config") or {}).get("name")
    if class_name == "Bidirectional" and isinstance(kwargs.get("layer"), dict):
        kwargs["layer"] = _without_forward_prefix(kwargs["layer"])
    for key in ("layer", "backward_layer", "cell"):
        if isinstance(kwargs.get(key), dict) and "class_name" in kwargs[key]:
            kwargs[key] = deserialize(kwargs[key])
    if isinstance(kwargs.get("cells"), list):
        kwargs["cells"] = [deserialize(c) for c in kwargs["cells"]]
    if isinstance(kwargs.get("cell"), list):
        kwargs["cell"] = [deserialize(c) for c in kwargs["cell"]]
    if class_name == "Lambda":
        kwargs["function"] = _lambda_function(name, kwargs.get("function"), custom_objects, safe_mode)
        for key in ("output_shape", "mask"):
            if isinstance(kwargs.get(key), dict):
                kwargs[key] = _lambda_function(name, kwargs[key], custom_objects, safe_mode)
    if custom_objects:
        kwargs = {k: _custom_object(v, custom_objects) for k, v in kwargs.items()}
    if cls.__module__.split(".")[0] == "minikeras":
        _drop_unsupported(cls, class_name, kwargs)
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


def _lambda_function(layer_name, stored, custom_objects, safe_mode):
    """The function of a saved Lambda: found by name in custom_objects, or (safe_mode=False only) rebuilt from
    the bytecode Keras stored."""
    custom_objects = custom_objects or {}
    if isinstance(stored, str) or (isinstance(stored, dict) and stored.get("class_name") == "function"):
        fn_name = stored if isinstance(stored, str) else stored.get("config")
        if fn_name in custom_objects:
            return custom_objects[fn_name]
        raise ValueError(f"Layer '{layer_name}' (Lambda) uses the function '{fn_name}', which is not in the file; "
                         f"pass custom_objects={{'{fn_name}': {fn_name}}}.")
    if isinstance(stored, dict) and stored.get("class_name") == "__lambda__":
        if safe_mode:
            raise UnsafeLoadError(
                f"Layer '{layer_name}' (Lambda) holds a Python lambda stored as bytecode; loading it would run code "
                f"from the file, which safe mode forbids. If you trust the file, pass safe_mode=False.")
        return _function_from_bytecode(layer_name, stored.get("config") or {})
    raise ValueError(f"Layer '{layer_name}' (Lambda): cannot read its function from {stored!r:.120}.")


def _function_from_bytecode(layer_name, config):
    import autograd.numpy as anp
    try:
        code = marshal.loads(base64.b64decode(config["code"]))
    except (KeyError, ValueError, EOFError, TypeError) as error:
        raise ValueError(f"Layer '{layer_name}' (Lambda): its bytecode cannot be read by this Python "
                         f"({error}); it was probably written by another Python version.") from None
    defaults = tuple(config["defaults"]) if config.get("defaults") else None
    namespace = {"__builtins__": builtins, "np": anp, "numpy": anp}
    return types.FunctionType(code, namespace, code.co_name, defaults)
