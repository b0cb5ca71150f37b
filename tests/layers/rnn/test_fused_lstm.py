"""The fused LSTM kernel computes exactly what the readable LSTMCell.step + scan compute: values and gradients."""
import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras.layers import LSTMCell
from minikeras.layers.rnn.fused_lstm import lstm_sequence
from minikeras.layers.rnn.scan import scan

BATCH, TIME, FEATURES, UNITS = 3, 5, 4, 3


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, TIME, FEATURES))
    weights = [rng.normal(size=(FEATURES, 4 * UNITS)) * 0.5, rng.normal(size=(UNITS, 4 * UNITS)) * 0.5,
               rng.normal(size=4 * UNITS) * 0.2, rng.normal(size=(BATCH, UNITS)) * 0.3,
               rng.normal(size=(BATCH, UNITS)) * 0.3]
    mask = np.ones((BATCH, TIME), dtype=bool)
    mask[0, 3:] = False   # post-padded
    mask[1, :2] = False   # pre-padded
    return x, weights, mask


def reference(x, kernel, recurrent, bias, h0, c0, mask, go_backwards, zero_output_for_mask):
    cell = LSTMCell(UNITS)
    params = {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}
    outputs, _, (h, c) = scan(lambda x_t, states: cell.step(params, x_t, states), x, [h0, c0], cell.output_of,
                              mask, go_backwards, zero_output_for_mask)
    return outputs, h, c


FLAGS = list(itertools.product([False, True], [False, True], [False, True]))


@pytest.mark.parametrize("masked,go_backwards,zero_output", FLAGS)
def test_fused_values_equal_reference(problem, masked, go_backwards, zero_output):
    x, weights, mask = problem
    mask = mask if masked else None
    fused = lstm_sequence(x, *weights, mask, go_backwards, zero_output)
    readable = reference(x, *weights, mask, go_backwards, zero_output)
    for a, b in zip(fused, readable):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("masked,go_backwards,zero_output", FLAGS)
def test_fused_gradients_equal_reference(problem, masked, go_backwards, zero_output):
    x, weights, mask = problem
    mask = mask if masked else None
    rng = np.random.default_rng(1)
    probes = [rng.normal(size=(BATCH, TIME, UNITS)), rng.normal(size=(BATCH, UNITS)), rng.normal(size=(BATCH, UNITS))]

    def scalar(run):
        return lambda *args: sum(anp.sum(out * p) for out, p in zip(run(*args, mask, go_backwards, zero_output), probes))

    for argnum in range(6):
        fused = grad(scalar(lstm_sequence), argnum)(x, *weights)
        readable = grad(scalar(reference), argnum)(x, *weights)
        np.testing.assert_allclose(fused, readable, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("masked,go_backwards", [(False, False), (True, True)])
def test_fused_gradients_match_finite_differences(problem, masked, go_backwards):
    x, weights, mask = problem
    mask = mask if masked else None

    def total(x, kernel, recurrent, bias, h0, c0):
        outputs, h, c = lstm_sequence(x, kernel, recurrent, bias, h0, c0, mask, go_backwards, False)
        return anp.sum(anp.sin(outputs)) + anp.sum(h * c)

    check_grads(total, modes=["rev"], order=1)(x, *weights)
