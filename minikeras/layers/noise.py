"""Legacy import path `keras.layers.noise` (Keras 1/2): re-exports the noise layers."""
from .regularization import AlphaDropout, GaussianDropout, GaussianNoise  # noqa: F401

__all__ = ["AlphaDropout", "GaussianDropout", "GaussianNoise"]
