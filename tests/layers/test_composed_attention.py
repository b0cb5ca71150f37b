"""The composed forms of MultiHeadAttention and dot-product Attention equal the layers' readable `reference_call`
(float64): outputs, masks, weight gradients and the gradient of each input; configurations without a form are
refused."""
import numpy as np
import pytest
from autograd import make_vjp

from minikeras import layers as L
from minikeras.layers.composed_attention import list_input_form


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def built(layer, shapes, seed=0):
    layer.ensure_built([(None,) + s[1:] for s in shapes])
    rng = np.random.default_rng(seed)
    params = _randomized(layer.params, rng)
    return layer, params


def _randomized(params, rng):
    return {k: _randomized(v, rng) if isinstance(v, dict) else rng.normal(size=np.shape(v)) for k, v in params.items()}


CASES = {
    "mha_self": (lambda: L.MultiHeadAttention(num_heads=2, key_dim=3), [(3, 5, 4), (3, 5, 4)]),
    "mha_cross_with_key": (lambda: L.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3),
                           [(2, 4, 3), (2, 6, 5), (2, 6, 3)]),
    "mha_no_bias_output_shape": (lambda: L.MultiHeadAttention(num_heads=1, key_dim=2, use_bias=False,
                                                              output_shape=(3,)), [(2, 4, 3), (2, 5, 3)]),
    "attention": (lambda: L.Attention(), [(3, 4, 5), (3, 6, 5)]),
    "attention_scaled_with_key": (lambda: L.Attention(use_scale=True), [(2, 4, 3), (2, 5, 6), (2, 5, 3)]),
}


def masks_for(shapes, masked):
    if not masked:
        return None
    rng = np.random.default_rng(9)
    masks = [rng.random(s[:2]) > 0.3 for s in shapes]
    for m in masks:
        m[:, 0] = True          # every row keeps a step, so no softmax row is all masked
    return masks


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_composed_attention_equals_the_layers_own_call(case, masked):
    make, shapes = CASES[case]
    layer, params = built(make(), shapes)
    rng = np.random.default_rng(1)
    inputs = [rng.normal(size=s) for s in shapes]
    mask = masks_for(shapes, masked)
    form = list_input_form(layer)
    assert form is not None
    y, out_mask, backward = form(layer, params, inputs, mask, [True] * len(inputs))

    # the readable, op-by-op math (the fused kernels' own tests prove `call` equal to it too)
    vjp, want = make_vjp(lambda xs, p: layer.reference_call(p, list(xs), mask=mask, training=True),
                         argnum=(0, 1))(inputs, params)
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12)
    want_mask = layer.compute_mask(inputs, mask)
    assert (out_mask is None) == (want_mask is None)
    if want_mask is not None:
        np.testing.assert_array_equal(out_mask, want_mask)
    probe = rng.normal(size=y.shape)
    grads, d_inputs = backward(probe)
    want_d_inputs, want_grads = vjp(probe)
    for got, expected in zip(d_inputs, want_d_inputs):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    flat = [(k, v) for k, v in want_grads.items()]
    for name, expected in flat:
        got = grads[name]
        if isinstance(expected, dict):
            assert sorted(got) == sorted(expected)
            for weight in expected:
                np.testing.assert_allclose(got[weight], expected[weight], rtol=1e-9, atol=1e-12)
        else:
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_inputs_that_need_no_gradient_get_none():
    layer, params = built(L.Attention(), [(2, 3, 4), (2, 5, 4)])
    inputs = [np.ones((2, 3, 4)), np.ones((2, 5, 4))]
    _, _, backward = list_input_form(layer)(layer, params, inputs, None, [True, False])
    _, d_inputs = backward(np.ones((2, 3, 4)))
    assert d_inputs[0] is not None and d_inputs[1] is None


@pytest.mark.parametrize("make", [
    lambda: L.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.1),
    lambda: L.MultiHeadAttention(num_heads=2, key_dim=3, kernel_regularizer="l2"),
    lambda: L.Attention(dropout=0.2),
    lambda: L.Attention(score_mode="concat"),
    lambda: L.AdditiveAttention(),
])
def test_configurations_without_a_composed_form_are_refused(make):
    assert list_input_form(make()) is None
