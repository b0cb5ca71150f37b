"""Optimizers by their Keras names: pure update rules over the params dict, Keras 3 defaults and equations."""
from .._naming import object_from_config, keras_object_config
from .base import Optimizer
from .sgd import SGD
from .rmsprop import RMSprop
from .adam import Adam, AdamW, Adamax, Nadam
from .adagrad import Adagrad, Adadelta
from . import schedules

_CLASSES = (SGD, RMSprop, Adam, AdamW, Adamax, Nadam, Adagrad, Adadelta)
_BY_NAME = {**{cls.__name__: cls for cls in _CLASSES}, **{cls.__name__.lower(): cls for cls in _CLASSES}}


def get(identifier):
    """An optimizer from a name ('adam', 'RMSprop'), a saved config dict, or an Optimizer (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        found = object_from_config(identifier, "optimizer", _BY_NAME)
        return found
    raise TypeError(f"An optimizer must be a name such as 'adam' or an Optimizer instance, got {identifier!r}.")


def serialize(optimizer):
    """The optimizer's class and settings as the dict Keras 3 saves (no slot values)."""
    return keras_object_config("keras.optimizers", type(optimizer).__name__, optimizer.get_config())


def deserialize(config, custom_objects=None):
    """A new optimizer from a name or a dict that serialize() wrote."""
    return object_from_config(config, "optimizer", _BY_NAME, custom_objects)
