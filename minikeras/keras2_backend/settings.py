"""Keras 2's K settings and phases (K.image_dim_ordering, K.learning_phase, ...), and the graph-mode
functions that are gone (K.gradients, K.function, ...)."""
from .. import backend
from .registry import keras2


# ---- settings and sessions ----------------------------------------------------------------------------------------
@keras2("keras.config.image_data_format() == 'channels_last'")
def image_dim_ordering():
    """Keras 1's name of the image layout: 'tf' (channels last) or 'th' (channels first)."""
    return "tf" if backend.image_data_format() == "channels_last" else "th"


@keras2("keras.config.set_image_data_format('channels_last' or 'channels_first')")
def set_image_dim_ordering(dim_ordering):
    """Keras 1's setter: 'tf' means channels_last, 'th' channels_first."""
    if dim_ordering not in ("tf", "th"):
        raise ValueError(f"K.set_image_dim_ordering: expected 'tf' or 'th', got {dim_ordering!r}.")
    backend.set_image_data_format("channels_last" if dim_ordering == "tf" else "channels_first")


@keras2("the `training` argument of call()")
def learning_phase():
    """0 (inference): in minikeras the training flag is the `training` argument of a layer's call."""
    return 0


@keras2("the `training` argument of call()")
def set_learning_phase(value):
    """Accepted for old scripts (0 or 1) and ignored: fit trains, predict and evaluate infer."""
    if value not in (0, 1):
        raise ValueError(f"K.set_learning_phase: expected 0 or 1, got {value!r}.")


@keras2("the `training` argument of call()")
def in_train_phase(x, alt, training=None):
    """x when training is true, else alt (either may be a function of no arguments)."""
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


@keras2("the `training` argument of call()")
def in_test_phase(x, alt, training=None):
    """x when training is false, else alt."""
    chosen = alt if training else x
    return chosen() if callable(chosen) else chosen


def _not_in_minikeras(name, advice):
    def refuse(*args, **kwargs):
        raise TypeError(f"K.{name} is not available in minikeras (Keras 3 dropped it too): {advice}")
    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"Not available: {advice}"
    return refuse


gradients = _not_in_minikeras("gradients", "differentiate a function with autograd.grad, or let fit do it.")
function = _not_in_minikeras("function", "call the model (model.predict, or model(x)) or a plain Python function.")
placeholder = _not_in_minikeras("placeholder", "use minikeras.Input(shape) for a symbolic input.")
get_session = _not_in_minikeras("get_session", "minikeras has no sessions; computations run eagerly.")
set_session = _not_in_minikeras("set_session", "minikeras has no sessions; computations run eagerly.")
