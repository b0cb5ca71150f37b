"""While a functional model is being built, a Keras-style layer whose input carries a mask is called with one (masks
of ones standing in), as Keras hands it the symbolic mask: the masking guide's TemporalSoftmax, which asserts it has
a mask, builds and runs."""
import warnings

import numpy as np

import minikeras as keras
from minikeras import ops


class TemporalSoftmax(keras.layers.Layer):          # as the Keras guide "Masking and padding" writes it
    def call(self, inputs, mask=None):
        assert mask is not None
        broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
        inputs_exp = ops.exp(inputs) * broadcast_float_mask
        inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
        return inputs_exp / inputs_sum


def test_the_masking_guides_temporal_softmax_builds_and_runs():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Dense(1)(keras.layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs))
    outputs = TemporalSoftmax()(x)
    assert outputs.shape == (None, None, 1)
    model = keras.Model(inputs, outputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # the masked steps are 0 / 0, as in Keras
        result = model.predict(np.array([[1, 2, 0, 0]]), verbose=0)
    np.testing.assert_allclose(result[0, :2, 0], [1.0, 1.0])
    assert np.isnan(result[0, 2:, 0]).all()


def test_a_layers_own_compute_mask_reaches_the_next_layers_call_while_building():
    seen = []

    class MaskMaker(keras.layers.Layer):
        def call(self, x):
            return ops.expand_dims(ops.cast(x, "float32"), -1)

        def compute_mask(self, x, mask=None):
            return ops.not_equal(x, 0)

    class Reader(keras.layers.Layer):
        def call(self, x, mask=None):
            seen.append(None if mask is None else np.shape(mask))
            return x

    tokens = keras.Input((6,), dtype="int32")
    made = MaskMaker()(tokens)
    assert made.mask_shape == (None, 6) and tokens.mask_shape is None
    Reader()(made)
    assert seen and all(shape is not None and shape[1:] == (6,) for shape in seen)
    assert keras.layers.Dense(2)(keras.Input((3,))).mask_shape is None
