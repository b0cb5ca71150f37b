"""Keras 2's HDF5 files: a full model (`model.save("m.h5")`) and weights only (`model.save_weights("w.h5")`).

A full-model file keeps the config as JSON in the root attribute `model_config` (and the compile
arguments in `training_config`); weights sit in `model_weights/<layer>/` with the attribute
`weight_names` listing them in the layer's get_weights() order. A weights-only file has the same
per-layer groups at its root. The optimizer (tf-keras 2.11+ names it "Custom>Adam") and its slots under
`optimizer_weights` are restored where keras2_optimizer.py can read them; otherwise a warning says the
optimizer starts afresh.
"""
import json
import os
import warnings

import h5py
import numpy as np

from ..params import flatten_params, unflatten_like
from ..weight_placeholders import placeholders_within
from .atomic import write_atomically
from .serialization import serialize_layer, deserialize_model, _json_default

_SAVED_BY_VERSION = "3.15.1"  # Keras 3 writes its own version into the legacy files it still saves


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


# ---- loading --------------------------------------------------------------------------------------------
def load_legacy_h5(filepath, custom_objects=None, compile=True, safe_mode=True):
    with h5py.File(filepath, "r") as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"'{filepath}' is an HDF5 file without a model config: it holds weights only. Build the "
                             f"model in code, then call load_weights('{filepath}').")
        try:
            config = json.loads(_text(f.attrs["model_config"]))
        except ValueError as error:
            raise ValueError(f"'{filepath}': its model_config is not valid JSON ({error}).") from None
        except RecursionError:
            raise ValueError(f"'{filepath}': its model_config is malformed: it is nested too deeply.") from None
        if not isinstance(config, dict) or not isinstance(config.get("config"), (dict, list)):
            raise ValueError(f"'{filepath}': its model_config is not a Keras model config (expected a dict with "
                             f"'class_name' and 'config').")
        version = _text(f.attrs.get("keras_version", "unknown"))
        _keras2_defaults(config)
        try:
            # the file's weights replace every initial value: build with placeholders, never more than the file holds
            with placeholders_within(os.path.getsize(filepath), "the file"):
                model = deserialize_model(config, custom_objects, safe_mode)
        except ValueError as error:
            raise ValueError(f"Cannot load '{filepath}' (written by Keras {version}): {error}") from None
        except RecursionError:
            raise ValueError(f"Cannot load '{filepath}': its model_config is malformed: it is nested too deeply.") \
                from None
        weights = f["model_weights"] if "model_weights" in f else f
        model.params = read_legacy_weights(weights, model, filepath)
        if compile and "training_config" in f.attrs:
            _compile_from_training_config(model, json.loads(_text(f.attrs["training_config"])), custom_objects,
                                          f["optimizer_weights"] if "optimizer_weights" in f else None)
    return model


def _keras2_defaults(entry):
    """Keras before 2.3 wrote GRUs without `reset_after`, and meant False (Keras 3's default is True)."""
    if isinstance(entry, dict):
        if entry.get("class_name") in ("GRU", "GRUCell") and isinstance(entry.get("config"), dict):
            entry["config"].setdefault("reset_after", False)
        for value in entry.values():
            _keras2_defaults(value)
    elif isinstance(entry, list):
        for value in entry:
            _keras2_defaults(value)


def _compile_from_training_config(model, training, custom_objects, optimizer_group=None):
    from .compile_state import restore_compile, assign_optimizer_state
    from .keras2_optimizer import read_keras2_optimizer_state
    optimizer = training.get("optimizer_config") or "rmsprop"
    restore_compile(model, {"optimizer": optimizer, "loss": training.get("loss"),
                            "metrics": _metrics_per_output(training.get("metrics"), model),
                            "loss_weights": training.get("loss_weights")}, custom_objects)
    state = read_keras2_optimizer_state(optimizer_group, model) if optimizer_group is not None else None
    if state is None:
        warnings.warn("Loaded a Keras 2 .h5 model: its compile settings are restored, its optimizer's slots are not "
                      "(the optimizer starts afresh).", stacklevel=3)
    assign_optimizer_state(model, state)


def _metrics_per_output(metrics, model):
    """tf-keras writes compile(metrics=[...]) as one list per output ([[...]]); minikeras takes the Keras 3 forms."""
    if not isinstance(metrics, list) or not metrics or not all(isinstance(m, list) for m in metrics):
        return metrics
    if len(metrics) == 1:
        return metrics[0]
    names = list(getattr(model, "output_names", []) or [])
    return dict(zip(names, metrics)) if len(names) == len(metrics) else metrics


def _stored_layers(group, filepath):
    if "layer_names" not in group.attrs:
        raise ValueError(f"'{filepath}' is not a Keras 2 weights file: it has no 'layer_names' attribute.")
    stored = {}
    for name in (_text(n) for n in group.attrs["layer_names"]):
        layer_group = group[name]
        names = [_text(w) for w in layer_group.attrs.get("weight_names", [])]
        stored[name] = [np.asarray(layer_group[w]) for w in names]
    return stored


def read_legacy_weights(group, model, filepath, by_name=False, skip_mismatch=False):
    """New params for `model` from a Keras 2 weights group, matched by layer order (or by name); all checked."""
    stored = _stored_layers(group, filepath)
    version = _text(group.attrs.get("keras_version", "unknown"))
    layers = [layer for layer in model.layers if flatten_params(layer.params or {})]
    new_params = dict(model.params or {})
    if by_name:
        pairs = [(layer, stored[layer.name]) for layer in layers if layer.name in stored]
    else:
        with_weights = [(name, values) for name, values in stored.items() if values]
        if len(with_weights) != len(layers):
            raise ValueError(f"'{filepath}' holds weights for {len(with_weights)} layers "
                             f"({[n for n, _ in with_weights]}), the model has {len(layers)} layers with weights "
                             f"({[l.name for l in layers]}). Pass by_name=True to match layers by name.")
        pairs = [(layer, values) for layer, (_, values) in zip(layers, with_weights)]
    for layer, values in pairs:
        checked = _checked(layer, values, filepath, version, skip_mismatch)
        if checked is not None:
            new_params[layer.name] = unflatten_like(layer.params, checked)
    return new_params


def _checked(layer, values, filepath, version, skip_mismatch):
    current = flatten_params(layer.params)
    problem = None
    if len(values) != len(current):
        problem = (f"layer '{layer.name}' ({type(layer).__name__}) expects {len(current)} weight arrays, the file "
                   f"(Keras {version}) holds {len(values)}")
        if version.startswith("1."):
            problem += "; Keras 1 files store each gate separately, which minikeras does not read"
    else:
        for i, (want, got) in enumerate(zip(current, values)):
            if np.shape(want) != got.shape:
                problem = (f"layer '{layer.name}' ({type(layer).__name__}) weight {i} has shape {np.shape(want)} "
                           f"in the model but {got.shape} in the file")
                break
    if problem is None:
        return [got.astype(np.asarray(want).dtype) for want, got in zip(current, values)]
    if skip_mismatch:
        warnings.warn(f"Skipping weights for {problem}.", stacklevel=4)
        return None
    raise ValueError(f"'{filepath}': {problem}.")


def load_legacy_weights(model, h5file, filepath, by_name=False, skip_mismatch=False):
    group = h5file["model_weights"] if "model_weights" in h5file else h5file
    model.params = read_legacy_weights(group, model, filepath, by_name, skip_mismatch)


# ---- saving ---------------------------------------------------------------------------------------------
def _write_layer_weights(group, model):
    group.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
    group.attrs["backend"], group.attrs["keras_version"] = "minikeras", _SAVED_BY_VERSION
    for layer in model.layers:
        layer_group = group.create_group(layer.name)
        leaves = _named_leaves(layer.params or {}, layer.name)
        layer_group.attrs["weight_names"] = [name.encode() for name, _ in leaves]
        for name, value in leaves:
            layer_group.create_dataset(name, data=np.asarray(value))


def _named_leaves(params, prefix):
    leaves = []
    for key, value in params.items():
        if isinstance(value, dict):
            leaves += _named_leaves(value, f"{prefix}/{key}")
        else:
            leaves.append((f"{prefix}/{key}", value))
    return leaves


def save_legacy_h5(model, filepath, overwrite=True, include_optimizer=True):
    """`model.save("m.h5")`: Keras 2's full-model HDF5 file (optimizer slots are not written)."""
    from .compile_state import compile_config

    def write(path):
        with h5py.File(path, "w") as f:
            f.attrs["keras_version"], f.attrs["backend"] = _SAVED_BY_VERSION, "minikeras"
            f.attrs["model_config"] = json.dumps(serialize_layer(model), default=_json_default)
            config = compile_config(model)
            if config:
                f.attrs["training_config"] = json.dumps(
                    {"loss": config["loss"], "metrics": config["metrics"], "loss_weights": config["loss_weights"],
                     "optimizer_config": config["optimizer"]}, default=_json_default)
            _write_layer_weights(f.create_group("model_weights"), model)

    write_atomically(filepath, write, overwrite)


def save_legacy_weights(model, filepath, overwrite=True):
    """`model.save_weights("w.h5")` in Keras 2's layout: one group per layer at the root."""
    def write(path):
        with h5py.File(path, "w") as f:
            _write_layer_weights(f, model)

    write_atomically(filepath, write, overwrite)
