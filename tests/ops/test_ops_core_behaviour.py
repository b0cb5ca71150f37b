"""ops.core as a user sees it: conversions and facts about arrays, stop_gradient, and control flow that autograd
differentiates through (checked against finite differences in float64)."""
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras import ops


def test_python_numbers_become_keras_dtypes():
    assert ops.convert_to_tensor(1.5).dtype == np.float32
    assert ops.convert_to_tensor([1, 2]).dtype == np.int32
    assert ops.convert_to_tensor([True, False]).dtype == np.bool_
    assert ops.convert_to_tensor(np.arange(3.0)).dtype == np.float64, "arrays keep their dtype"
    assert ops.convert_to_tensor([1, 2], dtype="float32").dtype == np.float32
    assert ops.dtype(np.zeros(2, "int32")) == "int32" and ops.dtype(2.0) == "float32"


def test_facts_about_arrays_also_hold_inside_a_gradient():
    seen = {}

    def f(x):
        seen.update(shape=ops.shape(x), is_tensor=ops.is_tensor(x), numpy=ops.convert_to_numpy(x))
        return ops.sum(x * x)
    grad(f)(np.ones((2, 3)))
    assert seen["shape"] == (2, 3) and seen["is_tensor"]
    assert type(seen["numpy"]) is np.ndarray
    assert not ops.is_tensor(3.0) and not ops.is_tensor([1.0])


def test_stop_gradient_blocks_the_gradient():
    g = grad(lambda x: ops.sum(x * ops.stop_gradient(x)))(np.array([1.0, 2.0]))
    np.testing.assert_allclose(g, [1.0, 2.0])   # only the first factor is differentiated


def test_cond_switch_and_while_loop_pick_and_repeat():
    assert ops.cond(np.array(False), lambda: "yes", lambda: "no") == "no"
    assert ops.switch(5, [lambda v: v + 1, lambda v: v * 10], 2) == 20     # the index is clamped
    count, total = ops.while_loop(lambda i, t: i < 10, lambda i, t: (i + 1, t + i), (0, 0), maximum_iterations=4)
    assert (count, total) == (4, 6)


@pytest.mark.parametrize("loop", ["scan", "fori_loop", "while_loop", "map", "associative_scan", "vectorized_map"])
def test_control_flow_is_differentiable(float64, loop):
    weights = np.array([0.3, -0.8, 1.1])

    def through_loop(w):
        if loop == "scan":
            return ops.scan(lambda h, x: (ops.tanh(h * w + x), h), np.zeros(3), np.ones((4, 3)))[0]
        if loop == "fori_loop":
            return ops.fori_loop(0, 4, lambda i, h: ops.tanh(h * w + i), np.ones(3))
        if loop == "while_loop":
            return ops.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, ops.sin(h * w)), (0, np.ones(3)))[1]
        if loop == "map":
            return ops.map(lambda row: ops.sum(row * w), np.arange(6.0).reshape(2, 3))
        if loop == "associative_scan":
            return ops.associative_scan(lambda a, b: a * b, w * 2.0)
        return ops.vectorized_map(lambda row: ops.exp(row * w), np.ones((2, 3)))
    check_grads(through_loop, modes=["rev"], order=1)(weights)


def test_slice_update_and_scatter_update_return_new_arrays():
    x = np.zeros((3, 3))
    updated = ops.slice_update(x, (1, 1), np.ones((2, 2)))
    scattered = ops.scatter_update(x, np.array([[0, 0], [2, 1]]), np.array([5.0, 6.0]))
    assert x.sum() == 0, "inputs are never changed"
    np.testing.assert_array_equal(updated, [[0, 0, 0], [0, 1, 1], [0, 1, 1]])
    np.testing.assert_array_equal(scattered, [[5, 0, 0], [0, 0, 0], [0, 6, 0]])


def test_submodules_hold_the_same_functions_as_the_flat_namespace():
    assert ops.nn.softmax is ops.softmax and ops.numpy.matmul is ops.matmul and ops.linalg.norm is ops.norm
    assert ops.core.scan is ops.scan and ops.math.logsumexp is ops.logsumexp and ops.einops.rearrange is ops.rearrange
    assert not hasattr(ops, "resize") and callable(ops.image.resize), "image functions live in ops.image only"


def test_several_axes_as_a_list_as_keras_takes_them():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.mean(x, axis=[0, 1]), x.mean(axis=(0, 1)))
    np.testing.assert_array_equal(ops.sum(x, [0, 2]), x.sum(axis=(0, 2)))       # positionally too
    np.testing.assert_allclose(ops.normalize(x, axis=[1, 2]), x / np.linalg.norm(x.reshape(2, -1), axis=1)[:, None, None],
                               rtol=1e-6)
    import minikeras
    symbolic = minikeras.Input((3, 4))
    assert ops.max(symbolic, axis=[1, 2]).shape == (None,)
