"""Activations: Keras 3's numbers and JAX's gradients (fixtures/building_blocks.*), autograd gradients against
finite differences in float64, erf without scipy, and the name lookup users rely on."""
import json
import math
import os

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras import activations

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "building_blocks.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "building_blocks.npz")))
CASES = FACTS["activation_cases"]

# Keras 3.15's sparsemax sums the running sums over the support instead of taking the one at its end, so it
# returns zeros for any row whose support has more than one entry; minikeras computes the projection itself
KERAS_BUG = {"sparsemax"}
# where the function has a corner, which one-sided slope a framework reports is a convention
CORNERS = {"hard_shrink": [0.5, -0.5], "soft_shrink": [0.5, -0.5], "sparse_sigmoid": [1.0, -1.0],
           "sparse_plus": [1.0, -1.0], "threshold": [0.5], "relu_threshold": [0.5], "relu_all": [1.0, 4.0],
           "relu_max": [2.5], "relu_max6": [6.0], "relu6": [6.0], "hard_sigmoid": [3.0, -3.0],
           "hard_silu": [3.0, -3.0]}


def call(case, x):
    spec = CASES[case]
    return activations.get(spec["name"])(x, **spec["kwargs"])


@pytest.mark.parametrize("case", sorted(set(CASES) - KERAS_BUG))
def test_values_match_keras(case):
    x, expected = ARRAYS[f"act/{case}/x"], ARRAYS[f"act/{case}/y"]
    got = call(case, x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("case", sorted(set(CASES) - KERAS_BUG))
def test_gradients_match_jax(case):
    x, expected = ARRAYS[f"act/{case}/x"], ARRAYS[f"act/{case}/grad"]
    got = grad(lambda v: anp.sum(call(case, v)))(x)
    away_from_corners = ~np.isin(x, np.float32(CORNERS.get(case, [])))
    np.testing.assert_allclose(got[away_from_corners], expected[away_from_corners], rtol=2e-5, atol=2e-6)


def test_relu_family_slope_at_zero_is_what_jax_reports():
    zero = np.zeros(3)
    assert np.all(grad(lambda v: anp.sum(activations.relu(v)))(zero) == 0.0)
    assert np.all(grad(lambda v: anp.sum(activations.leaky_relu(v)))(zero) == 1.0)
    assert np.all(grad(lambda v: anp.sum(activations.relu6(v)))(zero) == 0.0)


SMOOTH_FUNCTIONS = ["elu", "selu", "gelu", "sigmoid", "silu", "tanh", "softplus", "softsign", "log_sigmoid",
                    "exponential", "mish", "softmax", "log_softmax", "celu", "tanh_shrink", "squareplus", "glu"]


@pytest.mark.parametrize("name", SMOOTH_FUNCTIONS)
def test_gradients_match_finite_differences_in_float64(name):
    x = np.random.default_rng(0).uniform(-3, 3, size=(3, 4))
    x = x[np.abs(x).min(axis=1) > 0.05] if name in ("elu", "selu", "celu", "softsign") else x
    check_grads(activations.get(name), modes=["rev"], order=2)(x)


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_gradient_in_float64(approximate):
    x = np.linspace(-4, 4, 11) + 0.01
    check_grads(lambda v: activations.gelu(v, approximate=approximate), modes=["rev"], order=2)(x)


def test_erf_is_accurate_to_double_precision_without_scipy():
    x = np.concatenate([np.linspace(-7, 7, 4001), [0.0, 1e-12, -1e-300, 2.9999999, 3.0, 3.0000001, 6.0, 40.0]])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(activations.erf(x), expected, rtol=5e-14, atol=1e-16)
    assert activations.erf(np.float32([0.5])).dtype == np.float32


def test_erf_derivative_is_the_gaussian_density():
    check_grads(activations.erf, modes=["rev"], order=2)(np.linspace(-3.5, 3.5, 15))


def test_softmax_of_huge_logits_is_finite_and_sums_to_one():
    x = np.array([[1000.0, 999.0, -1000.0], [-1e4, -1e4, -1e4]], dtype="float32")
    y = activations.softmax(x)
    assert np.all(np.isfinite(y)) and y.dtype == np.float32
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-6)
    log_y = activations.log_softmax(x)
    np.testing.assert_allclose(np.exp(log_y), y, atol=1e-7)
    np.testing.assert_allclose(log_y[0, 2], -2000.0 - np.log1p(np.exp(-1.0)), rtol=1e-6)  # where log(softmax) is -inf


def test_sparsemax_is_the_projection_onto_the_simplex():
    x = np.array([2.2168365, -2.854724, 1.1785734, -0.7964043, 0.5971372, 1.4461145])
    # sorted: 2.2168, 1.4461, 1.1786: only the first two satisfy 1 + k z_k > sum of the first k
    tau = (2.2168365 + 1.4461145 - 1.0) / 2.0
    np.testing.assert_allclose(activations.sparsemax(x), np.maximum(x - tau, 0.0), rtol=1e-12)
    batch = ARRAYS["act/sparsemax/x"]
    y = activations.sparsemax(batch)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-6)
    assert y.min() >= 0.0
    check_grads(activations.sparsemax, modes=["rev"], order=1)(np.array([[0.3, 0.1, -0.2], [1.0, 1.2, 0.1]]))


def test_hard_sigmoid_is_keras3s_not_keras2s():
    np.testing.assert_allclose(activations.hard_sigmoid(np.array([-3.0, -1.5, 0.0, 1.5, 3.0])),
                               [0.0, 0.25, 0.5, 0.75, 1.0])


def test_get_maps_names_like_keras():
    for name, keras_name in FACTS["activation_get"].items():
        assert activations.get(name) is activations.get(keras_name), name
        assert activations.serialize(activations.get(name)) == keras_name
    assert activations.get(None) is activations.linear
    assert activations.serialize(activations.get(None)) == FACTS["activation_get_none"]
    for name, saved in FACTS["activation_serialize"].items():
        assert activations.serialize(activations.get(name)) == saved


def test_get_passes_callables_through_and_deserialize_inverts_serialize():
    def scaled_tanh(x):
        return 2.0 * anp.tanh(x)
    assert activations.get(scaled_tanh) is scaled_tanh
    saved = activations.serialize(scaled_tanh)
    assert saved["config"] == "scaled_tanh"
    assert activations.deserialize(saved, custom_objects={"scaled_tanh": scaled_tanh}) is scaled_tanh
    for name in ("relu", "softmax", "gelu"):
        assert activations.deserialize(activations.serialize(activations.get(name))) is activations.get(name)


def test_unknown_name_lists_close_matches_and_known_names():
    with pytest.raises(ValueError, match=r"Unknown activation 'rleu'.*'relu'.*Known activation names: .*sigmoid"):
        activations.get("rleu")
    with pytest.raises(TypeError, match="activation"):
        activations.get(3)


def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match="glu"):
        activations.glu(np.ones((2, 3)))
