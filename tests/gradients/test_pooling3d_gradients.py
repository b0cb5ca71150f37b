"""The gradients of MaxPooling3D and AveragePooling3D match finite differences (float64)."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

from minikeras import layers as L

LAYERS = {
    "max_valid": lambda: L.MaxPooling3D(pool_size=2),
    "max_same_strided": lambda: L.MaxPooling3D(pool_size=(2, 3, 2), strides=(1, 2, 1), padding="same"),
    "average_valid": lambda: L.AveragePooling3D(pool_size=(2, 2, 3), strides=1),
    "average_same_channels_first": lambda: L.AveragePooling3D(pool_size=2, padding="same",
                                                              data_format="channels_first"),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_the_gradient_matches_finite_differences(name):
    layer = LAYERS[name]()
    x = np.random.default_rng(5).normal(size=(2, 3, 5, 4, 2))
    layer.build(x.shape[:0] + (None,) + x.shape[1:], None)
    weights = np.random.default_rng(6).normal(size=np.shape(layer.call({}, x)))

    def loss(inputs):
        return anp.sum(layer.call({}, inputs) * weights)

    check_grads(loss, modes=["rev"], order=1)(x)
