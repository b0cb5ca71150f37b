"""Saving and loading models: Keras 3's `.keras` zip, `.weights.h5` files, Keras 2 `.h5` files, JSON configs.

    save_model(model, "m.keras")          load_model("m.keras")
    save_weights(model, "w.weights.h5")   load_weights(model, "w.weights.h5")
Saves are atomic; loads never run code from the file and never leave a model half-loaded.
"""
import os

import h5py

from .atomic import write_atomically
from .keras_format import save_keras, load_keras, load_weights_from_keras, is_file_object, FileObjectContents
from .serialization import (serialize_layer, deserialize_layer, serialize_keras_object, deserialize_keras_object,
                            model_to_json, model_from_json, clone_model)
from .layer_configs import UnsafeLoadError
from ..custom_objects import (register_keras_serializable, get_registered_name, get_registered_object,
                              get_custom_objects, custom_object_scope, CustomObjectScope)
from .weights_h5 import save_weights_file, read_model_weights
from .compile_state import read_optimizer, assign_optimizer_state

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_to_json", "model_from_json",
           "clone_model", "serialize_keras_object", "deserialize_keras_object", "serialize_layer", "deserialize_layer",
           "UnsafeLoadError", "register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope"]


def save_model(model, filepath, overwrite=True, include_optimizer=True, **kwargs):
    """Save the whole model (architecture, weights, compiled state) as Keras 3's `.keras` file. `filepath` is a
    path, or an open binary file object (such as io.BytesIO) that receives the `.keras` zip."""
    if is_file_object(filepath):
        return save_keras(model, filepath, include_optimizer=include_optimizer)
    path = _path(filepath, "save_model")
    if path.endswith(".weights.h5"):
        raise ValueError(f"save_model: '{path}' names a weights file; use save_weights for it, or a .keras name "
                         f"to save the whole model.")
    if path.endswith(".h5") or path.endswith(".hdf5"):
        from .legacy_h5 import save_legacy_h5
        return save_legacy_h5(model, path, overwrite=overwrite, include_optimizer=include_optimizer)
    if not path.endswith(".keras"):
        raise ValueError(f"save_model: the file name must end in .keras (Keras 3's format), or .h5 for the "
                         f"Keras 2 format; got '{path}'.")
    save_keras(model, path, overwrite=overwrite, include_optimizer=include_optimizer)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model in a `.keras` file (Keras 3 or minikeras) or a Keras 2 `.h5` file. `filepath` is a path, or an
    open binary file object holding a `.keras` zip (read from its current position)."""
    if is_file_object(filepath):
        return load_keras(FileObjectContents(filepath), custom_objects=custom_objects, compile=compile,
                          safe_mode=safe_mode)
    path = _existing(filepath, "load_model")
    if h5py.is_hdf5(path):
        from .legacy_h5 import load_legacy_h5
        return load_legacy_h5(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    return load_keras(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_weights(model, filepath, overwrite=True):
    """Keras 3's weights file (`.weights.h5`): every variable (and the optimizer's) by Keras 3's HDF5 paths."""
    path = os.fspath(filepath)
    if path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5"):
        from .legacy_h5 import save_legacy_weights
        return save_legacy_weights(model, path, overwrite)  # Keras 2 users name weight files "w.h5"
    if not path.endswith(".weights.h5"):
        raise ValueError(f"save_weights: the file name must end in .weights.h5 (or .h5 for Keras 2's layout), "
                         f"got '{path}'.")
    write_atomically(path, lambda temporary: save_weights_file(model, temporary), overwrite)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """Weights from a `.weights.h5`, a `.keras` or a Keras 2 `.h5` file into `model`; all are checked first."""
    path = _existing(filepath, "load_weights")
    if not h5py.is_hdf5(path):
        return load_weights_from_keras(model, path, skip_mismatch=skip_mismatch)
    with h5py.File(path, "r") as f:
        if "layer_names" in f.attrs or "model_weights" in f:
            from .legacy_h5 import load_legacy_weights
            return load_legacy_weights(model, f, path, by_name=by_name, skip_mismatch=skip_mismatch)
        new_params = read_model_weights(f, model, path, skip_mismatch=skip_mismatch)
        state = read_optimizer(f, model, path)
    model.params = new_params
    assign_optimizer_state(model, state)


def _path(filepath, function):
    try:
        return os.fspath(filepath)
    except TypeError:
        raise TypeError(f"{function}: expected a file path (str or os.PathLike) or an open binary file object, got "
                        f"{type(filepath).__name__}: {filepath!r}.") from None


def _existing(filepath, function):
    path = _path(filepath, function)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: '{path}'.")
    if os.path.isdir(path):
        raise ValueError(f"'{path}' is a directory, not a model file (TensorFlow SavedModel directories are not "
                         f"supported; save a .keras file instead).")
    return path
