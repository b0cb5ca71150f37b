"""Keras 2's module path keras.utils.vis_utils: plot_model and model_to_dot, each warning once with the Keras 3
spelling (keras.utils.plot_model, keras.utils.model_to_dot)."""
from .. import legacy
from . import model_drawing


def plot_model(model, *args, **kwargs):
    """keras.utils.plot_model under its Keras 2 path (warns once); the same arguments."""
    legacy.warn_once("keras.utils.vis_utils.plot_model", "keras.utils.plot_model")
    return model_drawing.plot_model(model, *args, **kwargs)


def model_to_dot(model, *args, **kwargs):
    """keras.utils.model_to_dot under its Keras 2 path (warns once); the same arguments."""
    legacy.warn_once("keras.utils.vis_utils.model_to_dot", "keras.utils.model_to_dot")
    return model_drawing.model_to_dot(model, *args, **kwargs)
