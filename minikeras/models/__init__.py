"""Model, Sequential and the functions that make or load models."""
from .model import Model
from .sequential import Sequential
from ..layers.serialization import MODEL_CLASSES

MODEL_CLASSES.update(Functional=Model, Model=Model, Sequential=Sequential)   # models inside wrappers
from .graph import Input, InputLayer


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a `.keras` file (Keras 3 or minikeras) or a Keras 2 `.h5` file."""
    from ..saving import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, **kwargs):
    """`model.save(filepath)`: a `.keras` file (Keras 3's format), or `.h5` for Keras 2's."""
    from ..saving import save_model as _save
    return _save(model, filepath, overwrite=overwrite, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new model, with fresh weights, from the JSON that `model.to_json()` wrote."""
    from ..saving.serialization import model_from_json as _from_json
    return _from_json(json_string, custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialized weights.

    `input_tensors` and `clone_function` are not supported: giving either is a clear error."""
    if input_tensors is not None or clone_function is not None:
        raise ValueError("clone_model: input_tensors and clone_function are not supported by minikeras; "
                         "clone the model, then call it on new inputs or edit its config.")
    from ..saving.serialization import clone_model as _clone
    return _clone(model)
