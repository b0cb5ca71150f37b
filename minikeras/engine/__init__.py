"""Legacy import path `keras.engine` (Keras 2): Layer, InputSpec, Input, InputLayer, Model and Sequential, as custom
layers of that time imported them (`from keras.engine import Layer, InputSpec`)."""
from ..layers import Input, InputLayer, InputSpec, Layer
from ..models import Model, Sequential
from . import base_layer, topology, training  # noqa: F401  (Keras 2's submodule paths)

__all__ = ["Input", "InputLayer", "InputSpec", "Layer", "Model", "Sequential"]
