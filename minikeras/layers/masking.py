"""Masking: time steps whose features all equal mask_value are skipped by every later layer that reads masks."""
import autograd.numpy as anp

from .base import Layer


class Masking(Layer):
    """Marks as padding every time step whose features all equal `mask_value` (default 0.0).

    Layers after it that read masks (RNNs, for one) skip those steps, and so do the loss and metrics when the mask
    reaches the output. The masked steps themselves come out as zeros, as in Keras.
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, x, mask=None):
        return anp.any(x != self.mask_value, axis=-1)

    def call(self, params, x, mask=None, training=False, rng=None):
        keep = anp.any(x != self.mask_value, axis=-1, keepdims=True)
        return x * keep

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
