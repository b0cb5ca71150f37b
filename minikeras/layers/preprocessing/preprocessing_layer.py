"""PreprocessingLayer: the base of the layers that turn raw data (text, categories, unscaled numbers) into model
inputs; they take strings, and a plain list is one batch."""
import numpy as np

from ..base import Layer


class PreprocessingLayer(Layer):
    """A layer without trainable weights whose eager call takes a list or array as one batch (strings too)."""

    # a model's Input(dtype="string") and fit's data checks let strings through to such a layer
    accepts_strings = True

    def _call_eagerly(self, inputs, training=False, mask=None, **kwargs):
        try:
            array = inputs if isinstance(inputs, np.ndarray) else np.asarray(inputs)
        except ValueError:
            raise ValueError(f"{type(self).__name__} '{self.name}': the input must be rectangular (rows of one "
                             f"length); got nested lists of different lengths.") from None
        self.ensure_built((None,) + array.shape[1:])
        return self.call(self.params, array, mask=mask, training=bool(training), **kwargs)

    @property
    def output_dtype(self):
        """The dtype of what the layer gives to the next one (a float type unless a subclass says otherwise)."""
        return None
