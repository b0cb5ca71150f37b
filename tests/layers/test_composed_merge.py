"""The composed forms of Concatenate, Add, Subtract and Average equal the layers' own call (float64): outputs,
masks and each input's gradient; inputs of different shapes take autograd over the call alone."""
import numpy as np
import pytest
from autograd import make_vjp

from minikeras import layers as L
from minikeras.layers.composed_attention import list_input_form


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


CASES = {
    "concatenate_last": (lambda: L.Concatenate(), [(2, 3, 4), (2, 3, 2), (2, 3, 1)]),
    "concatenate_axis1": (lambda: L.Concatenate(axis=1), [(2, 3, 4), (2, 5, 4)]),
    "add_three": (lambda: L.Add(), [(2, 3, 4)] * 3),
    "subtract": (lambda: L.Subtract(), [(4, 5)] * 2),
    "average": (lambda: L.Average(), [(2, 6)] * 3),
    "add_broadcast": (lambda: L.Add(), [(2, 3, 4), (2, 1, 4)]),          # traced alone
}


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_composed_merge_equals_the_layers_own_call(case, masked):
    make, shapes = CASES[case]
    layer = make()
    rng = np.random.default_rng(0)
    inputs = [rng.normal(size=s) for s in shapes]
    mask = [rng.random(s[:2]) > 0.4 for s in shapes] if masked and all(len(s) == 3 for s in shapes) else None
    form = list_input_form(layer)
    assert form is not None
    need = [True, False] + [True] * (len(inputs) - 2)
    y, out_mask, backward = form(layer, {}, inputs, mask, need)
    vjp, want = make_vjp(lambda xs: layer.call({}, list(xs), mask=mask))(inputs)
    np.testing.assert_allclose(y, want, rtol=1e-14)
    want_mask = layer.compute_mask(inputs, mask)
    assert (out_mask is None) == (want_mask is None)
    if want_mask is not None:
        np.testing.assert_array_equal(out_mask, want_mask)
    probe = rng.normal(size=y.shape)
    grads, d_inputs = backward(probe)
    assert grads == {} and d_inputs[1] is None
    for got, expected, wanted in zip(d_inputs, vjp(probe), need):
        if wanted:
            np.testing.assert_allclose(got, expected, rtol=1e-14)
