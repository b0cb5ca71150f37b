"""Optimizers by their Keras names: pure update rules over the params dict, Keras 3 defaults and equations."""
from .._naming import object_from_config, keras_object_config
from .base import Optimizer
from .sgd import SGD
from .rmsprop import RMSprop
from .adam import Adam, AdamW, Adamax, Nadam
from .adagrad import Adagrad, Adadelta
from .lion import Lion
from . import schedules

_CLASSES = (SGD, RMSprop, Adam, AdamW, Adamax, Nadam, Adagrad, Adadelta, Lion)
_BY_NAME = {**{cls.__name__: cls for cls in _CLASSES}, **{cls.__name__.lower(): cls for cls in _CLASSES}}


def get(identifier):
    """An optimizer from a name ('adam', 'RMSprop'), a saved config dict, or an Optimizer (returned as is);
    None gives None."""
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise TypeError(f"An optimizer must be a name such as 'adam' or an Optimizer instance, got {identifier!r}.")


def serialize(optimizer):
    """The optimizer's class and settings as the dict Keras 3 saves (no slot values)."""
    return keras_object_config("keras.optimizers", type(optimizer).__name__, optimizer.get_config())


def deserialize(config, custom_objects=None):
    """A new optimizer from a name or a dict that serialize() wrote (Keras 3's, or Keras 2's: tf-keras 2.11+
    writes built-in optimizers as "Custom>Adam" with a few keys of its own)."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        config = _from_keras2(config, custom_objects)
    return object_from_config(config, "optimizer", _BY_NAME, custom_objects)


# keys tf-keras 2.x writes into an optimizer config that Keras 3 has no argument for
_KERAS2_ONLY_KEYS = ("is_legacy_optimizer",)


def _from_keras2(config, custom_objects):
    name = config["class_name"]
    if name.startswith("Custom>") and name[len("Custom>"):] in _BY_NAME and name not in (custom_objects or {}):
        name = name[len("Custom>"):]
    settings = config.get("config")
    if isinstance(settings, dict):
        settings = {k: v for k, v in settings.items() if k not in _KERAS2_ONLY_KEYS}
    return {**config, "class_name": name, "config": settings}
