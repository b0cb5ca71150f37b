"""Merge layers: numbers against numpy, Dot's axes/normalize against Keras 3 (fixtures/parity/dot_*.npz),
output shapes, masks, gradients, and clear errors for incompatible inputs."""
import os

import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

import minikeras
from minikeras import backend, layers

PARITY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "parity")
rng = np.random.default_rng(0)
A, B, C = (rng.normal(size=(3, 4)).astype("float32") for _ in range(3))


def merged(layer, *arrays):
    inputs = [minikeras.Input(a.shape[1:]) for a in arrays]
    model = minikeras.Model(inputs, layer(inputs))
    return model.output_shape, model.predict(list(arrays), verbose=0)


@pytest.mark.parametrize("layer_class, expected", [
    (layers.Add, A + B + C), (layers.Multiply, A * B * C), (layers.Average, (A + B + C) / 3),
    (layers.Maximum, np.maximum(np.maximum(A, B), C)), (layers.Minimum, np.minimum(np.minimum(A, B), C)),
])
def test_elementwise_merges_of_three(layer_class, expected):
    shape, y = merged(layer_class(), A, B, C)
    assert shape == (None, 4)
    np.testing.assert_allclose(y, expected, rtol=1e-6)


def test_subtract_takes_exactly_two():
    np.testing.assert_allclose(merged(layers.Subtract(), A, B)[1], A - B)
    with pytest.raises(ValueError, match=r"'sub3' \(Subtract\) takes exactly 2 inputs, got 3"):
        layers.Subtract(name="sub3")([minikeras.Input((4,)) for _ in range(3)])


def test_functional_forms():
    a, b = minikeras.Input((4,)), minikeras.Input((4,))
    out = layers.concatenate([layers.add([a, b]), layers.multiply([a, b]), layers.subtract([a, b]),
                              layers.average([a, b]), layers.maximum([a, b]), layers.minimum([a, b])])
    y = minikeras.Model([a, b], out).predict([A, B], verbose=0)
    expected = np.concatenate([A + B, A * B, A - B, (A + B) / 2, np.maximum(A, B), np.minimum(A, B)], axis=-1)
    np.testing.assert_allclose(y, expected, rtol=1e-6)


@pytest.mark.parametrize("axis, shapes", [(-1, [(2, 3), (2, 5)]), (1, [(2, 3), (4, 3)]), (2, [(2, 3), (2, 1)])])
def test_concatenate_axes(axis, shapes):
    arrays = [rng.normal(size=(3,) + s).astype("float32") for s in shapes]
    shape, y = merged(layers.Concatenate(axis=axis), *arrays)
    expected = np.concatenate(arrays, axis=axis)
    assert shape == (None,) + expected.shape[1:]
    np.testing.assert_array_equal(y, expected)


def test_broadcasting_size_one_axes():
    wide, narrow = rng.normal(size=(3, 2, 4)).astype("float32"), rng.normal(size=(3, 1, 4)).astype("float32")
    shape, y = merged(layers.Add(), wide, narrow)
    assert shape == (None, 2, 4)
    np.testing.assert_allclose(y, wide + narrow)


@pytest.mark.parametrize("name", ["dot_axes1", "dot_normalize", "dot_3d_axes_2_2", "dot_3d_axes_1_2"])
def test_dot_matches_keras(name):
    with np.load(os.path.join(PARITY, name + ".npz")) as data:
        namespace = {"K": minikeras, "np": np}
        exec(str(data["code"]), namespace)
        model = namespace["m"]
        y = model.predict([data["x0"], data["x1"]], verbose=0)
        np.testing.assert_allclose(y, data["y0"], rtol=2e-5, atol=2e-5)
        assert model.output_shape == (None,) + data["y0"].shape[1:]


def test_dot_numbers_by_hand():
    _, y = merged(layers.Dot(axes=1), A, B)
    np.testing.assert_allclose(y, np.sum(A * B, axis=1, keepdims=True), rtol=1e-5)
    _, y = merged(layers.Dot(axes=1, normalize=True), A, B)
    cosine = np.sum(A * B, 1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1)
    np.testing.assert_allclose(y[:, 0], cosine, rtol=1e-5)


def test_merge_gradients_agree_with_finite_differences():
    saved = backend.floatx()
    backend.set_floatx("float64")
    try:
        a, b = np.random.default_rng(1).normal(size=(2, 3, 4))
        for layer in [layers.Multiply(), layers.Maximum(), layers.Average(), layers.Dot(axes=-1, normalize=True),
                      layers.Concatenate(axis=0)]:
            check_grads(lambda u, v: anp.sum(anp.sin(layer.call({}, [u, v]))), modes=["rev"], order=1)(a, b)
    finally:
        backend.set_floatx(saved)


def test_masks_combine_with_or_and_need_every_input_masked():
    # Keras 3: a step survives when any input keeps it; an unmasked input means no output mask
    first, second = np.array([[1, 1, 0]], bool), np.array([[1, 0, 0]], bool)
    np.testing.assert_array_equal(layers.Add().compute_mask([A, B], [first, second]), [[1, 1, 0]])
    assert layers.Add().compute_mask([A, B], [first, None]) is None
    assert layers.Add().compute_mask([A, B], None) is None


def test_incompatible_shapes_fail_at_build_time_naming_the_layer_and_shapes():
    a, b = minikeras.Input((4,)), minikeras.Input((5,))
    with pytest.raises(ValueError, match=r"'adder' \(Add\) needs inputs of compatible shapes.*\(None, 4\), \(None, 5\)"
                                         r".*axis 1: 4 vs 5"):
        layers.Add(name="adder")([a, b])
    with pytest.raises(ValueError, match=r"'cat' \(Concatenate\) along axis -1 needs inputs whose other axes match"):
        layers.Concatenate(name="cat")([minikeras.Input((2, 4)), minikeras.Input((3, 4))])
    with pytest.raises(ValueError, match=r"'dotty' \(Dot\) contracts axis 1 of \(None, 4\) with axis 1 of \(None, 5\)"):
        layers.Dot(axes=1, name="dotty")([a, b])
    with pytest.raises(ValueError, match=r"'rank_mix' \(Multiply\) needs inputs of the same rank"):
        layers.Multiply(name="rank_mix")([a, minikeras.Input((2, 4))])


def test_merging_a_single_tensor_is_refused():
    with pytest.raises(ValueError, match=r"'lonely' \(Add\) merges a list of at least 2 tensors, got a single"):
        layers.Add(name="lonely")(minikeras.Input((4,)))
    with pytest.raises(ValueError, match=r"'one' \(Maximum\) merges a list of at least 2 tensors, got 1"):
        layers.Maximum(name="one")([minikeras.Input((4,))])
