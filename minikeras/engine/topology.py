"""Legacy import path `keras.engine.topology` (Keras 2.0-2.2): `from keras.engine.topology import Layer`."""
from ..layers import Input, InputLayer, InputSpec, Layer
from ..models import Model

Container = Model          # Keras 2.0's name for a graph of layers

__all__ = ["Container", "Input", "InputLayer", "InputSpec", "Layer"]
