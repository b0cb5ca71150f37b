"""The fused training-mode BatchNormalization kernel equals the readable path: outputs, statistics and gradients."""
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras import layers as L

CASES = {"last_axis": ({}, (6, 3)), "axis1_image": ({"axis": 1}, (3, 4, 5)),
         "no_scale": ({"scale": False}, (5, 4)), "no_center_no_scale": ({"center": False, "scale": False}, (7,)),
         "large_epsilon": ({"epsilon": 0.5, "momentum": 0.3}, (4, 2, 3))}


def pair(kwargs, shape, dtype):
    """The same layer twice, fused and readable, with the same random weights."""
    layers = []
    for fused in (True, False):
        layer = L.BatchNormalization(**kwargs)
        layer.use_fused_kernel = fused
        layer.ensure_built((None,) + shape)
        layers.append(layer)
    rng = np.random.default_rng(0)
    params = {k: rng.uniform(0.5, 1.5, v.shape).astype(dtype) for k, v in layers[0].params.items()}
    return layers, params


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_values_and_statistics_equal_the_readable_path(case, dtype):
    kwargs, shape = CASES[case]
    (fused, readable), params = pair(kwargs, shape, dtype)
    x = np.random.default_rng(1).normal(2.0, 3.0, size=(4,) + shape).astype(dtype)
    y_fused, updates_fused = fused.call_with_updates(params, x, training=True)
    y_readable, updates_readable = readable.call_with_updates(params, x, training=True)
    tolerance = 1e-5 if dtype == "float32" else 1e-12
    assert y_fused.dtype == np.dtype(dtype)
    np.testing.assert_allclose(y_fused, y_readable, rtol=tolerance, atol=tolerance)
    for name in ("moving_mean", "moving_variance"):
        np.testing.assert_allclose(updates_fused[name], updates_readable[name], rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("case", CASES)
def test_fused_gradients_equal_the_readable_path(case):
    kwargs, shape = CASES[case]
    (fused, readable), params = pair(kwargs, shape, "float64")
    x = np.random.default_rng(1).normal(size=(4,) + shape)
    probe = np.random.default_rng(2).normal(size=x.shape)
    names = [k for k in params if k in ("gamma", "beta")]

    def objective(layer):
        def weighted(x, values):
            return np.sum(np.sin(layer.call({**params, **dict(zip(names, values))}, x, training=True)) * probe)
        return grad(weighted, argnum=(0, 1))

    grads_fused = objective(fused)(x, [params[k] for k in names])
    grads_readable = objective(readable)(x, [params[k] for k in names])
    np.testing.assert_allclose(grads_fused[0], grads_readable[0], rtol=1e-10, atol=1e-12)
    for a, b in zip(grads_fused[1], grads_readable[1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_fused_kernel_gradients_equal_finite_differences():
    (fused, _), params = pair({"axis": 1}, (3, 4), "float64")
    x = np.random.default_rng(3).normal(size=(5, 3, 4))
    probe = np.random.default_rng(4).normal(size=x.shape)
    check_grads(lambda x: np.sum(np.sin(fused.call(params, x, training=True)) * probe), modes=["rev"], order=1)(x)
    for name in ("gamma", "beta"):
        check_grads(lambda v, name=name: np.sum(np.sin(fused.call({**params, name: v}, x, training=True)) * probe),
                    modes=["rev"], order=1)(params[name])


def test_a_masked_batch_takes_the_readable_path():
    (fused, readable), params = pair({}, (3, 2), "float32")
    x = np.random.default_rng(5).normal(size=(2, 3, 2)).astype("float32")
    mask = np.array([[True, False, True], [True, True, False]])
    np.testing.assert_array_equal(fused.call(params, x, mask=mask, training=True),
                                  readable.call(params, x, mask=mask, training=True))
