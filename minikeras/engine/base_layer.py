"""Legacy import path `keras.engine.base_layer` (Keras 2.2 and tf.keras 2): `from keras.engine.base_layer import
Layer, InputSpec`."""
from ..layers import InputSpec, Layer

__all__ = ["InputSpec", "Layer"]
