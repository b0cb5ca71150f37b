"""Merge layers with masked inputs: Keras 3's outputs and output masks (fixtures/conformance/merge_*.npz)."""
import glob
import json
import os

import numpy as np
import pytest
from autograd.test_util import check_grads

import minikeras
from minikeras.layers import Input, Masking, Maximum, Multiply
from minikeras.models import Model

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conformance")
CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "merge_*.npz")))


def masked_merge_model(layer, masked, shapes):
    """Inputs, each through Masking(0.0) when `masked` says so, into `layer`."""
    inputs = [Input(shape) for shape in shapes]
    merged = layer([Masking(0.0)(x) if m else x for x, m in zip(inputs, masked)])
    return Model(inputs, merged)


def test_there_are_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", CASES)
def test_masked_merge_matches_keras(name):
    with np.load(os.path.join(FIXTURES, name + ".npz")) as data:
        case = dict(data)
    masked = json.loads(str(case["masked"]))
    xs = [case[f"x{i}"] for i in range(len(masked))]
    layer = getattr(minikeras.layers, str(case["layer"]))(**json.loads(str(case["kwargs"])))
    model = masked_merge_model(layer, masked, [x.shape[1:] for x in xs])
    seen = {}
    y = model.apply(model.params, xs, masks=seen)
    np.testing.assert_allclose(y, case["y"], rtol=1e-6, atol=1e-6)
    output_mask = seen[layer.name]["output_mask"]
    if "mask" in case:
        np.testing.assert_array_equal(output_mask, case["mask"])
    else:
        assert output_mask is None


def test_multiply_issue_example():
    x1 = np.array([[[1, 1], [0, 0], [2, 2]]], "float32")
    x2 = np.array([[[3, 3], [3, 3], [3, 3]]], "float32")
    model = masked_merge_model(Multiply(), [True, False], [(3, 2), (3, 2)])
    np.testing.assert_allclose(model.predict([x1, x2], verbose=0), [[[3, 3], [3, 3], [6, 6]]])


@pytest.mark.parametrize("layer_class", [Multiply, Maximum])
def test_masked_merge_gradient(layer_class):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 2))
    masks = [np.array([[True, False, True], [True, True, False]]), np.array([[True, True, False], [False, True, True]])]
    layer = layer_class()

    def merged(a, b):
        return layer.call({}, [a, b], mask=masks)

    check_grads(merged, modes=["rev"], order=1)(a, b)


# Keras 3's own merging_test.py *_with_mask cases, there eager; here through a Model (minikeras's eager arrays
# carry no mask). Each: (layer, x1, x2, output with x1 masked, output with both masked).
POSITIVE = ([[[0, 0], [1, 2], [0, 0], [3, 4]]], [[[0, 0], [0, 0], [1, 2], [3, 4]]])
NEGATIVE = ([[[0, 0], [-1, -2], [0, 0], [-3, -4]]], [[[0, 0], [0, 0], [-1, -2], [-3, -4]]])
KERAS_MASK_CASES = {
    "Add": (POSITIVE, [[[0, 0], [1, 2], [1, 2], [6, 8]]], [[[0, 0], [1, 2], [1, 2], [6, 8]]]),
    "Subtract": (POSITIVE, [[[0, 0], [1, 2], [-1, -2], [0, 0]]], [[[0, 0], [1, 2], [-1, -2], [0, 0]]]),
    "Average": (POSITIVE, [[[0, 0], [0.5, 1], [0.5, 1], [3, 4]]], [[[0, 0], [0.5, 1], [0.5, 1], [3, 4]]]),
    "Multiply": (POSITIVE, [[[0, 0], [0, 0], [1, 2], [9, 16]]], [[[0, 0], [1, 2], [1, 2], [9, 16]]]),
    "Maximum": (NEGATIVE, [[[0, 0], [0, 0], [-1, -2], [-3, -4]]], [[[0, 0], [-1, -2], [-1, -2], [-3, -4]]]),
    "Minimum": (POSITIVE, [[[0, 0], [0, 0], [1, 2], [3, 4]]], [[[0, 0], [1, 2], [1, 2], [3, 4]]]),
}


@pytest.mark.parametrize("layer_name", sorted(KERAS_MASK_CASES))
def test_keras_own_masked_merge_cases(layer_name):
    (x1, x2), first_masked, both_masked = KERAS_MASK_CASES[layer_name]
    xs = [np.array(x1, "float32"), np.array(x2, "float32")]
    for masked, expected, expected_mask in [([True, False], first_masked, None),
                                            ([True, True], both_masked, [[0, 1, 1, 1]])]:
        layer = getattr(minikeras.layers, layer_name)()
        model = masked_merge_model(layer, masked, [(4, 2), (4, 2)])
        seen = {}
        np.testing.assert_allclose(model.apply(model.params, xs, masks=seen), expected)
        output_mask = seen[layer.name]["output_mask"]
        if expected_mask is None:
            assert output_mask is None
        else:
            np.testing.assert_array_equal(output_mask, expected_mask)


def test_keras_own_masked_concatenate_cases():
    xs = [np.array(x, "float32") for x in POSITIVE]
    for axis, expected, expected_mask in [
            (1, [[[0, 0], [1, 2], [0, 0], [3, 4], [0, 0], [0, 0], [1, 2], [3, 4]]], [[0, 1, 0, 1, 1, 1, 1, 1]]),
            (2, [[[0, 0, 0, 0], [1, 2, 0, 0], [0, 0, 1, 2], [3, 4, 3, 4]]], [[1, 1, 1, 1]])]:
        layer = minikeras.layers.Concatenate(axis=axis)
        model = masked_merge_model(layer, [True, False], [(4, 2), (4, 2)])
        seen = {}
        np.testing.assert_allclose(model.apply(model.params, xs, masks=seen), expected)
        np.testing.assert_array_equal(seen[layer.name]["output_mask"], expected_mask)


@pytest.mark.parametrize("layer_class", [minikeras.layers.Add, minikeras.layers.Concatenate])
def test_compute_mask_checks_its_arguments(layer_class):
    a, b = np.ones((1, 2, 3)), np.ones((1, 2, 3))
    layer = layer_class()
    with pytest.raises(ValueError, match="list of masks"):
        layer.compute_mask([a, b], np.ones((1, 2)))
    with pytest.raises(ValueError, match="list of inputs"):
        layer.compute_mask(a, [None, None])
    with pytest.raises(ValueError, match="2 inputs but 1 masks"):
        layer.compute_mask([a, b], [None])
