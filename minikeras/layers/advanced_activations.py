"""Legacy import path `keras.layers.advanced_activations` (Keras 1/2): re-exports the activation layers."""
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU  # noqa: F401

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]
