"""Normalization's gradient with respect to its input (it may follow trained layers) against finite differences,
for an adapted layer, given statistics, several kept axes and invert=True."""
import numpy as np
import pytest
from autograd.test_util import check_grads

from minikeras.layers import Normalization


@pytest.mark.parametrize("kwargs, shape", [(dict(), (5, 3)), (dict(axis=(1, 2)), (4, 3, 2)), (dict(axis=None), (6, 2)),
                                           (dict(mean=[1.0, -2.0], variance=[4.0, 0.25]), (3, 2)),
                                           (dict(invert=True), (5, 3))])
def test_normalization_input_gradient(kwargs, shape):
    rng = np.random.default_rng(1)
    layer = Normalization(**kwargs)
    if "mean" not in kwargs:
        layer.adapt(rng.normal(2.0, 3.0, size=(20,) + shape[1:]))
    layer.ensure_built((None,) + shape[1:])
    x = rng.normal(size=shape)
    check_grads(lambda value: layer.call(layer.params, value), modes=["rev"], order=1)(x)
