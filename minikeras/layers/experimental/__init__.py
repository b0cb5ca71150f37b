"""Keras 2.2-2.5's module path keras.layers.experimental: its `preprocessing` submodule is Keras 3's
preprocessing layers under their old address."""
from . import preprocessing
