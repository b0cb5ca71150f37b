"""Model, Sequential and the functions that make or load models."""
from .model import Model, Sequential
from .graph import Input, InputLayer


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    from ..saving import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None):
    from ..saving.serialization import model_from_json as _from_json
    return _from_json(json_string, custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    from ..saving.serialization import clone_model as _clone
    return _clone(model)
