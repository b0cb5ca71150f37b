"""Layers and models to and from Keras 3's config dicts ({module, class_name, config, registered_name, ...}).

The dicts are exactly what Keras 3 writes into config.json, so a file goes both ways. Loading only
looks classes up by name (minikeras.layers, then `custom_objects`); it never runs code from the file.
"""
import json

from .. import backend
from .layer_configs import keras_layer_config, layer_class_for, dtype_policy, jsonable
from .graph_configs import functional_layers_config, build_functional
from ..layers.serialization import class_entry as _class_entry, layer_from_config, LAYERS_WITHOUT_BUILD_CONFIG


def serialize_layer(layer):
    """The Keras 3 dict for a layer or a model: {module, class_name, config, registered_name, build_config?}."""
    if getattr(layer, "is_op_layer", False):
        from ..layers.serialization import serialize_layer as serialize_op
        return serialize_op(layer)
    module, class_name, registered_name = _class_entry(layer)
    entry = {"module": module, "class_name": class_name, "config": _config_of(layer),
             "registered_name": registered_name}
    build_shape = _build_shape(layer)
    if build_shape is not None and hasattr(layer, "keras_build_config"):
        entry["build_config"] = layer.keras_build_config()   # a Keras build() with several shape arguments
    elif build_shape is not None or class_name == "Functional":
        entry["build_config"] = {"input_shape": build_shape}
    return entry


def _config_of(layer):
    from ..models import Model, Sequential
    if isinstance(layer, Sequential):
        return sequential_config(layer)
    if isinstance(layer, Model) and type(layer).get_config is Model.get_config and not layer._keras_style:
        return functional_config(layer)
    return keras_layer_config(layer)


def _build_shape(layer):
    from ..models.model import Model
    from ..models.graph import InputLayer
    if isinstance(layer, InputLayer) or not layer.built or _class_entry(layer)[1] in LAYERS_WITHOUT_BUILD_CONFIG \
            or getattr(layer, "keras_built_at_init", False):
        return None
    if type(layer) is Model:
        return None  # Keras records no build shape for a Functional: its Inputs say it all
    return jsonable(getattr(layer, "_build_input_shape", None))


# ---- models ------------------------------------------------------------------------------------------
def functional_config(model):
    """The config of a graph Model: name, trainable, layers (with Keras 3 inbound_nodes), input/output layers."""
    layers, input_layers, output_layers = functional_layers_config(model, serialize_layer)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": input_layers, "output_layers": output_layers}


def sequential_config(model):
    """The config of a Sequential: name, trainable, dtype, layers (an InputLayer first, as Keras 3 writes)."""
    layers = []
    if model._input_tensor is not None:
        layers.append(serialize_layer(model._input_tensor.node.layer))
    layers.extend(serialize_layer(layer) for layer in model.layers)
    config = {"name": model.name, "trainable": model.trainable, "dtype": dtype_policy(backend.floatx()),
              "layers": layers}
    if model.built:
        config["build_input_shape"] = jsonable(model._build_input_shape)
    return config


def functional_from_config(config, custom_objects=None, safe_mode=True):
    """A graph Model from its config (Keras 3's inbound_nodes, or Keras 2's lists)."""
    from ..models.model import Model
    inputs, outputs = build_functional(config, lambda entry: deserialize_layer(entry, custom_objects, safe_mode))
    return Model(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def sequential_from_config(config, custom_objects=None, safe_mode=True):
    """A Sequential from its config: Keras 3's dict, or Keras 2's (first layer with batch_input_shape, or a list)."""
    from ..models import Sequential
    if isinstance(config, list):  # Keras 2.0-2.2 wrote the bare list of layers
        config = {"layers": config}
    model = Sequential(name=config.get("name"), trainable=config.get("trainable", True))
    for entry in config.get("layers", []):
        model.add(deserialize_layer(entry, custom_objects, safe_mode))
    shape = config.get("build_input_shape")
    if not model.built and shape is not None and model.layers:
        if isinstance(shape, list) and shape and isinstance(shape[0], list):
            shape = shape[0]
        model.build(tuple(shape))
    return model


# ---- any layer ----------------------------------------------------------------------------------------
def deserialize_layer(entry, custom_objects=None, safe_mode=True):
    """A layer or model from its Keras 3 (or Keras 2: {class_name, config}) dict."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError(f"A layer in a model config must be a dict with 'class_name' and 'config', got {entry!r:.200}.")
    class_name, config = entry["class_name"], entry.get("config") or {}
    if str(entry.get("module") or "").startswith("keras.src.ops."):
        from ..layers.serialization import deserialize_layer as deserialize_op
        return deserialize_op(entry)
    if class_name in ("Functional", "Model") and _is_graph_config(config):
        return functional_from_config(config, custom_objects, safe_mode)
    if class_name == "Sequential":
        return sequential_from_config(config, custom_objects, safe_mode)
    cls = layer_class_for(class_name, entry.get("registered_name"), custom_objects)
    return layer_from_config(cls, config, custom_objects, safe_mode, class_name,
                             deserialize=lambda e: deserialize_layer(e, custom_objects, safe_mode))


def _is_graph_config(config):
    return isinstance(config, dict) and "layers" in config and "input_layers" in config


def serialize_model(model):
    """The whole config.json dict of a model: its layer entry plus compile_config."""
    from .compile_state import compile_config
    entry = serialize_layer(model)
    entry["compile_config"] = compile_config(model)
    return entry


def deserialize_model(entry, custom_objects=None, safe_mode=True):
    from ..models.model import Model
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError("The config is not a model: it has no 'class_name'.")
    model = deserialize_layer(entry, custom_objects, safe_mode)
    if not isinstance(model, Model):
        raise ValueError(f"The config describes a {entry['class_name']} layer, not a model.")
    shape = (entry.get("build_config") or {}).get("input_shape")
    if model._keras_style and not model.built and shape is not None:
        # a subclassed model is built from the shape Keras recorded, so that its weights can be read in
        several = isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple))
        model.build([tuple(s) for s in shape] if several else tuple(shape))
    return model


def model_to_json(model, **json_kwargs):
    """Keras 3's `model.to_json()`: the model's config dict as a JSON string."""
    return json.dumps(serialize_layer(model), default=_json_default, **json_kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new model, with fresh weights, from the JSON that model.to_json() wrote (here or in Keras 3)."""
    try:
        entry = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"model_from_json: the string is not valid JSON ({error}).") from None
    except RecursionError:
        raise ValueError("model_from_json: the JSON is malformed: it is nested too deeply to be a model config.") \
            from None
    try:
        return deserialize_model(entry, custom_objects)
    except RecursionError:
        raise ValueError("model_from_json: the model config is malformed: it is nested too deeply.") from None


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialized weights (as Keras's clone_model)."""
    if input_tensors is not None or clone_function is not None:
        raise ValueError("clone_model: input_tensors and clone_function are not supported by minikeras.")
    return deserialize_model(json.loads(model_to_json(model)))


def _json_default(value):
    converted = jsonable(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} {value!r:.80} cannot be written to a model config (JSON).")
    return converted


# Keras 3 helpers under their Keras names
def serialize_keras_object(obj):
    """Keras 3's {"module", "class_name", "config", ...} dict for a layer, model, optimizer, schedule, loss, metric,
    initializer, regularizer or constraint, and Keras's forms of plain values (object_registry.py does all but
    layers and models)."""
    from .object_registry import NOT_HANDLED, serialize_object
    entry = serialize_object(obj)
    return entry if entry is not NOT_HANDLED else serialize_layer(obj)


def deserialize_keras_object(entry, custom_objects=None, safe_mode=True):
    """The layer or model that serialize_keras_object's dict describes.

    A Lambda whose function is stored as bytecode loads only with safe_mode=False (trust the source first).
    """
    from .object_registry import NOT_HANDLED, deserialize_object
    found = deserialize_object(entry, custom_objects)
    return found if found is not NOT_HANDLED else deserialize_layer(entry, custom_objects, safe_mode)
