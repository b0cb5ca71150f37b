"""Keras 2's module path keras.utils.np_utils: to_categorical and normalize, each warning once with the Keras 3
spelling (keras.utils.to_categorical, keras.utils.normalize)."""
from .. import legacy
from . import data


def to_categorical(x, num_classes=None):
    """keras.utils.to_categorical under its Keras 2 path (warns once)."""
    legacy.warn_once("keras.utils.np_utils.to_categorical", "keras.utils.to_categorical")
    return data.to_categorical(x, num_classes=num_classes)


def normalize(x, axis=-1, order=2):
    """keras.utils.normalize under its Keras 2 path (warns once)."""
    legacy.warn_once("keras.utils.np_utils.normalize", "keras.utils.normalize")
    return data.normalize(x, axis=axis, order=order)
