"""The gradient through a layer used as an activation (`Dense(activation=LeakyReLU(...))`) matches finite
differences (float64, as every gradient proof here)."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

from minikeras import layers as L

ACTIVATIONS = {"leaky_relu": lambda: L.LeakyReLU(negative_slope=0.15), "elu": lambda: L.ELU(alpha=0.5),
               "softmax": lambda: L.Softmax(), "relu_capped": lambda: L.ReLU(max_value=1.5)}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_the_gradient_through_the_activation_layer_matches_finite_differences(name):
    dense = L.Dense(4, activation=ACTIVATIONS[name]())
    dense.build((None, 3))
    rng = np.random.default_rng(3)
    params = {"kernel": rng.normal(size=(3, 4)), "bias": rng.normal(size=(4,)) * 0.1}
    x = rng.normal(size=(4, 3))

    def loss(kernel):
        return anp.sum(dense.call({**params, "kernel": kernel}, x) ** 2)

    check_grads(loss, modes=["rev"], order=1)(params["kernel"])
