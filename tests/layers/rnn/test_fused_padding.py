"""The fused GRU and SimpleRNN skip padded rows (pad_sequences masks, rows sorted longest first) and still give
the readable reference's values and gradients: post- and pre-padding, an empty row, either direction."""
import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras.layers import GRUCell, SimpleRNNCell
from minikeras.layers.rnn.fused_gru import gru_sequence
from minikeras.layers.rnn.fused_lstm import padding_blocks
from minikeras.layers.rnn.fused_simple_rnn import simple_rnn_sequence
from minikeras.layers.rnn.scan import scan

BATCH, TIME, FEATURES, UNITS = 4, 6, 3, 3
LENGTHS = [2, 6, 0, 4]      # unsorted, with a full row and an empty one


def padded_mask(where):
    steps = np.arange(TIME)
    lengths = np.array(LENGTHS)[:, None]
    return steps < lengths if where == "post" else steps >= TIME - lengths


def _reference(cell, params, x, h0, mask, go_backwards, zero_output):
    outputs, _, (h,) = scan(lambda x_t, states: cell.step(params, x_t, states), x, [h0], cell.output_of,
                            mask, go_backwards, zero_output)
    return outputs, h


def gru_reference(reset_after):
    def run(x, kernel, recurrent, input_bias, recurrent_bias, h0, mask, go_backwards, zero_output):
        bias = anp.stack([input_bias, recurrent_bias]) if reset_after else input_bias
        params = {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}
        return _reference(GRUCell(UNITS, reset_after=reset_after), params, x, h0, mask, go_backwards, zero_output)
    return run


def simple_reference(x, kernel, recurrent, bias, h0, mask, go_backwards, zero_output):
    params = {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}
    return _reference(SimpleRNNCell(UNITS), params, x, h0, mask, go_backwards, zero_output)


def gru_args(rng):
    return [rng.normal(size=(BATCH, TIME, FEATURES)), rng.normal(size=(FEATURES, 3 * UNITS)) * 0.5,
            rng.normal(size=(UNITS, 3 * UNITS)) * 0.5, rng.normal(size=3 * UNITS) * 0.2,
            rng.normal(size=3 * UNITS) * 0.2, rng.normal(size=(BATCH, UNITS)) * 0.3]


def simple_args(rng):
    return [rng.normal(size=(BATCH, TIME, FEATURES)), rng.normal(size=(FEATURES, UNITS)) * 0.5,
            rng.normal(size=(UNITS, UNITS)) * 0.5, rng.normal(size=UNITS) * 0.2, rng.normal(size=(BATCH, UNITS)) * 0.3]


def assert_equal_values_and_gradients(fused, readable, args, argnums):
    rng = np.random.default_rng(1)
    probes = [rng.normal(size=(BATCH, TIME, UNITS)), rng.normal(size=(BATCH, UNITS))]
    for got, want in zip(fused(*args), readable(*args)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)

    def scalar(run):
        return lambda *a: sum(anp.sum(out * p) for out, p in zip(run(*a), probes))

    for argnum in argnums:
        np.testing.assert_allclose(grad(scalar(fused), argnum)(*args), grad(scalar(readable), argnum)(*args),
                                   rtol=1e-10, atol=1e-12)


FLAGS = list(itertools.product(["post", "pre"], [False, True], [False, True]))


@pytest.mark.parametrize("where,go_backwards,zero_output", FLAGS)
def test_these_masks_take_the_padding_skipping_loop(where, go_backwards, zero_output):
    order, running = padding_blocks(padded_mask(where), go_backwards, BATCH, TIME)
    assert sorted(running) != [BATCH] * TIME and 0 < min(running) + max(running)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("where,go_backwards,zero_output", FLAGS)
def test_gru_skipping_padding_equals_reference(reset_after, where, go_backwards, zero_output):
    mask = padded_mask(where)
    fused = lambda *a: gru_sequence(*a, mask, go_backwards, zero_output, reset_after)
    readable = lambda *a: gru_reference(reset_after)(*a, mask, go_backwards, zero_output)
    assert_equal_values_and_gradients(fused, readable, gru_args(np.random.default_rng(0)),
                                      range(6) if reset_after else (0, 1, 2, 3, 5))


@pytest.mark.parametrize("where,go_backwards,zero_output", FLAGS)
def test_simple_rnn_skipping_padding_equals_reference(where, go_backwards, zero_output):
    mask = padded_mask(where)
    fused = lambda *a: simple_rnn_sequence(*a, mask, go_backwards, zero_output)
    readable = lambda *a: simple_reference(*a, mask, go_backwards, zero_output)
    assert_equal_values_and_gradients(fused, readable, simple_args(np.random.default_rng(0)), range(5))


def test_skipping_padding_gradients_match_finite_differences():
    mask = padded_mask("post")
    check_grads(lambda *a: anp.sum(anp.sin(gru_sequence(*a, mask, True, True, True)[0])), modes=["rev"],
                order=1)(*gru_args(np.random.default_rng(2)))
    check_grads(lambda *a: anp.sum(anp.sin(simple_rnn_sequence(*a, mask, False, False)[1])), modes=["rev"],
                order=1)(*simple_args(np.random.default_rng(2)))


@pytest.mark.parametrize("kind", ["gru", "simple"])
def test_float32_stays_float32(kind):
    rng = np.random.default_rng(0)
    if kind == "gru":
        args = [a.astype(np.float32) for a in gru_args(rng)]
        outputs, h = gru_sequence(*args, padded_mask("post"), False, True, True)
    else:
        args = [a.astype(np.float32) for a in simple_args(rng)]
        outputs, h = simple_rnn_sequence(*args, padded_mask("post"), False, True)
    assert outputs.dtype == np.float32 and h.dtype == np.float32


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_long_padded_sequences_group_steps_and_still_equal_reference(kind, go_backwards):
    """20 steps: the matmuls outside the loop take groups of several steps, on the most rows a group runs."""
    from minikeras.layers import LSTMCell
    from minikeras.layers.rnn._fused_blocks import step_groups
    from minikeras.layers.rnn.fused_lstm import lstm_sequence
    batch, time, units = 5, 20, 3
    rng = np.random.default_rng(7)
    mask = np.arange(time) < np.array([20, 3, 11, 0, 16])[:, None]
    blocks = padding_blocks(mask, go_backwards, batch, time)
    assert any(end - first > 1 for first, end, _ in step_groups(blocks, batch, time))
    gated = {"lstm": 4, "gru": 3, "simple": 1}[kind]
    x = rng.normal(size=(batch, time, FEATURES))
    weights = [rng.normal(size=(FEATURES, gated * units)) * 0.5, rng.normal(size=(units, gated * units)) * 0.5]
    if kind == "lstm":
        cell, args = LSTMCell(units), weights + [rng.normal(size=4 * units) * 0.2] + [np.zeros((batch, units))] * 2
        fused = lambda *a: lstm_sequence(*a, mask, go_backwards, True)
        params = lambda a: {"kernel": a[0], "recurrent_kernel": a[1], "bias": a[2]}
        starts = lambda a: [a[3], a[4]]
    elif kind == "gru":
        cell = GRUCell(units)
        args = weights + [rng.normal(size=3 * units) * 0.2, rng.normal(size=3 * units) * 0.2, np.zeros((batch, units))]
        fused = lambda *a: gru_sequence(*a, mask, go_backwards, True, True)
        params = lambda a: {"kernel": a[0], "recurrent_kernel": a[1], "bias": anp.stack([a[2], a[3]])}
        starts = lambda a: [a[4]]
    else:
        cell, args = SimpleRNNCell(units), weights + [rng.normal(size=units) * 0.2, np.zeros((batch, units))]
        fused = lambda *a: simple_rnn_sequence(*a, mask, go_backwards, True)
        params = lambda a: {"kernel": a[0], "recurrent_kernel": a[1], "bias": a[2]}
        starts = lambda a: [a[3]]

    def readable(x, *a):
        outputs, _, _ = scan(lambda x_t, states: cell.step(params(a), x_t, states), x, starts(a), cell.output_of,
                             mask, go_backwards, True)
        return outputs

    probe = rng.normal(size=(batch, time, units))
    np.testing.assert_allclose(fused(x, *args)[0], readable(x, *args), rtol=1e-12, atol=1e-12)
    for argnum in range(3):
        np.testing.assert_allclose(grad(lambda *a: anp.sum(fused(*a)[0] * probe), argnum)(x, *args),
                                   grad(lambda *a: anp.sum(readable(*a) * probe), argnum)(x, *args),
                                   rtol=1e-10, atol=1e-12)
