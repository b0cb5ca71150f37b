"""keras.config: Keras 3's global settings, which minikeras keeps in its backend module (the float type, epsilon, the
image data format that layers with data_format=None take, the backend's name, unsafe deserialization)."""
from .backend import (backend, enable_unsafe_deserialization, epsilon, floatx, image_data_format, set_epsilon,
                      set_floatx, set_image_data_format)

__all__ = ["backend", "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format", "set_epsilon",
           "set_floatx", "set_image_data_format"]
