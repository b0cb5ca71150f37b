"""The fused GRU and SimpleRNN kernels compute exactly what the readable cell steps + scan compute."""
import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras.layers import GRUCell, SimpleRNNCell
from minikeras.layers.rnn.fused_gru import gru_sequence
from minikeras.layers.rnn.fused_simple_rnn import simple_rnn_sequence
from minikeras.layers.rnn.scan import scan

BATCH, TIME, FEATURES, UNITS = 3, 5, 4, 3
FLAGS = list(itertools.product([False, True], [False, True], [False, True]))


def _mask():
    mask = np.ones((BATCH, TIME), dtype=bool)
    mask[0, 3:] = False
    mask[1, :2] = False
    return mask


def _reference(cell, params, x, h0, mask, go_backwards, zero_output):
    outputs, _, (h,) = scan(lambda x_t, states: cell.step(params, x_t, states), x, [h0], cell.output_of,
                            mask, go_backwards, zero_output)
    return outputs, h


def gru_reference(x, kernel, recurrent, input_bias, recurrent_bias, h0, mask, go_backwards, zero_output, reset_after):
    cell = GRUCell(UNITS, reset_after=reset_after)
    bias = anp.stack([input_bias, recurrent_bias]) if reset_after else input_bias
    return _reference(cell, {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}, x, h0, mask,
                      go_backwards, zero_output)


def simple_reference(x, kernel, recurrent, bias, h0, mask, go_backwards, zero_output):
    cell = SimpleRNNCell(UNITS)
    return _reference(cell, {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}, x, h0, mask,
                      go_backwards, zero_output)


def _gru_args(rng):
    return [rng.normal(size=(BATCH, TIME, FEATURES)), rng.normal(size=(FEATURES, 3 * UNITS)) * 0.5,
            rng.normal(size=(UNITS, 3 * UNITS)) * 0.5, rng.normal(size=3 * UNITS) * 0.2,
            rng.normal(size=3 * UNITS) * 0.2, rng.normal(size=(BATCH, UNITS)) * 0.3]


def _simple_args(rng):
    return [rng.normal(size=(BATCH, TIME, FEATURES)), rng.normal(size=(FEATURES, UNITS)) * 0.5,
            rng.normal(size=(UNITS, UNITS)) * 0.5, rng.normal(size=UNITS) * 0.2, rng.normal(size=(BATCH, UNITS)) * 0.3]


def _compare(fused, readable, args, n_args):
    rng = np.random.default_rng(1)
    probes = [rng.normal(size=(BATCH, TIME, UNITS)), rng.normal(size=(BATCH, UNITS))]
    for a, b in zip(fused(*args), readable(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)

    def scalar(run):
        return lambda *a: sum(anp.sum(out * p) for out, p in zip(run(*a), probes))

    for argnum in range(n_args):
        np.testing.assert_allclose(grad(scalar(fused), argnum)(*args), grad(scalar(readable), argnum)(*args),
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked,go_backwards,zero_output", FLAGS)
def test_fused_gru_equals_reference(reset_after, masked, go_backwards, zero_output):
    args = _gru_args(np.random.default_rng(0))
    mask = _mask() if masked else None
    fused = lambda *a: gru_sequence(*a, mask, go_backwards, zero_output, reset_after)
    readable = lambda *a: gru_reference(*a, mask, go_backwards, zero_output, reset_after)
    _compare(fused, readable, args, 6 if reset_after else 4)


@pytest.mark.parametrize("masked,go_backwards,zero_output", FLAGS)
def test_fused_simple_rnn_equals_reference(masked, go_backwards, zero_output):
    args = _simple_args(np.random.default_rng(0))
    mask = _mask() if masked else None
    fused = lambda *a: simple_rnn_sequence(*a, mask, go_backwards, zero_output)
    readable = lambda *a: simple_reference(*a, mask, go_backwards, zero_output)
    _compare(fused, readable, args, 5)


def test_fused_gru_gradients_match_finite_differences():
    args = _gru_args(np.random.default_rng(2))
    mask = _mask()
    check_grads(lambda *a: anp.sum(anp.sin(gru_sequence(*a, mask, True, False, True)[0])), modes=["rev"],
                order=1)(*args)


def test_fused_simple_rnn_gradients_match_finite_differences():
    args = _simple_args(np.random.default_rng(2))
    check_grads(lambda *a: anp.sum(anp.sin(simple_rnn_sequence(*a, _mask(), False, False)[0])), modes=["rev"],
                order=1)(*args)
