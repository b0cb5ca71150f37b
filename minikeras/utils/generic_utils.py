"""Legacy import path `keras.utils.generic_utils` (Keras 2): the helpers scripts of that time imported from it."""
from ..custom_objects import CustomObjectScope, custom_object_scope, get_custom_objects
from .progbar import Progbar
from . import deserialize_keras_object, serialize_keras_object


def to_list(x):
    """x as a list: a list stays as it is, a tuple becomes a list, anything else a list of one."""
    if isinstance(x, list):
        return x
    return list(x) if isinstance(x, tuple) else [x]


__all__ = ["CustomObjectScope", "Progbar", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
           "serialize_keras_object", "to_list"]
