"""Legacy import path `keras.engine.training` (Keras 2): `from keras.engine.training import Model`."""
from ..models import Model

__all__ = ["Model"]
