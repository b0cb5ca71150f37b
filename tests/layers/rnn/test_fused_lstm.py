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


def padding(kind):
    """Masks of the two kernel loops: 'blocks' (pad_sequences-style, rows sorted so padding is skipped),
    'mixed' (pre- and post-padding in one batch: the loop that restores masked rows), or none."""
    mask = np.ones((BATCH, TIME), dtype=bool)
    if kind == "blocks":
        mask[0, 3:] = False
        mask[2, 1:] = False      # lengths 3, 5, 1: a different row set runs at each step
    elif kind == "mixed":
        mask[0, 3:] = False
        mask[1, :2] = False
    return None if kind == "none" else mask


@pytest.mark.parametrize("kind", ["blocks", "mixed"])
@pytest.mark.parametrize("go_backwards,zero_output", list(itertools.product([False, True], [False, True])))
def test_both_masked_loops_equal_reference(problem, kind, go_backwards, zero_output):
    x, weights, _ = problem
    mask = padding(kind)
    fused = lstm_sequence(x, *weights, mask, go_backwards, zero_output)
    readable = reference(x, *weights, mask, go_backwards, zero_output)
    for a, b in zip(fused, readable):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)

    def total(run):
        return lambda *args: sum(anp.sum(anp.sin(out)) for out in run(*args, mask, go_backwards, zero_output))
    for argnum in range(6):
        np.testing.assert_allclose(grad(total(lstm_sequence), argnum)(x, *weights),
                                   grad(total(reference), argnum)(x, *weights), rtol=1e-10, atol=1e-12)


def test_padding_blocks_recognises_pad_sequences_masks_only():
    from minikeras.layers.rnn.fused_lstm import padding_blocks
    order, running = padding_blocks(padding("blocks"), False, BATCH, TIME)
    assert list(order) == [1, 0, 2] and running == [3, 2, 2, 1, 1]
    assert padding_blocks(padding("blocks"), True, BATCH, TIME)[1] == [1, 1, 2, 2, 3]
    assert padding_blocks(padding("mixed"), False, BATCH, TIME) is None


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
