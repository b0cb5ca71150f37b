"""Recurrent dropout in the fused kernels: h times one mask (the same for every step, as Keras draws it) before each
step's recurrent matmul. Layers with dropout and recurrent_dropout in training give the readable reference's values
and gradients (implementation=1) when both draw from the same generator, for every padding loop."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras import layers as L
from minikeras.layers.rnn.fused_lstm import lstm_sequence

BATCH, TIME, FEATURES, UNITS = 4, 6, 3, 5
pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def padding(kind):
    mask = np.ones((BATCH, TIME), dtype=bool)
    if kind == "blocks":            # pad_sequences-style: the loop that skips padded rows
        mask[0, 4:] = False
        mask[2, 1:] = False
    elif kind == "mixed":           # pre- and post-padding: the loop that restores masked rows
        mask[0, 4:] = False
        mask[1, :2] = False
    return None if kind == "none" else mask


def layer_pair(kind, **options):
    """The same layer twice: fused (implementation=2) and the readable reference, sharing weights."""
    fused = getattr(L, kind)(UNITS, implementation=2, **options)
    readable = getattr(L, kind)(UNITS, implementation=1, **options)
    for layer in (fused, readable):
        layer.ensure_built((None, TIME, FEATURES))
    return fused, readable, fused.params


CASES = [("LSTM", {}), ("LSTM", {"go_backwards": True, "return_sequences": True}),
         ("LSTM", {"return_sequences": True, "zero_output_for_mask": True}),
         ("GRU", {}), ("GRU", {"reset_after": False, "return_sequences": True}),
         ("GRU", {"go_backwards": True, "return_sequences": True, "zero_output_for_mask": True}),
         ("SimpleRNN", {"return_sequences": True}), ("SimpleRNN", {"go_backwards": True})]


@pytest.mark.parametrize("kind,options", CASES)
@pytest.mark.parametrize("padded", ["none", "blocks", "mixed"])
@pytest.mark.parametrize("rates", [(0.0, 0.4), (0.3, 0.4)])
def test_dropout_in_the_fused_kernel_equals_the_readable_reference(kind, options, padded, rates):
    fused, readable, params = layer_pair(kind, dropout=rates[0], recurrent_dropout=rates[1], **options)
    x = np.random.default_rng(0).normal(size=(BATCH, TIME, FEATURES))
    mask = padding(padded)

    def run(layer):
        return lambda p, x: layer.call(p, x, mask=mask, training=True, rng=np.random.default_rng(5))
    np.testing.assert_allclose(run(fused)(params, x), run(readable)(params, x), rtol=1e-12, atol=1e-12)
    probe = np.random.default_rng(1).normal(size=np.shape(run(fused)(params, x)))

    def loss(layer):
        return lambda p, x: anp.sum(run(layer)(p, x) * probe)
    for argnum in (0, 1):
        got, want = grad(loss(fused), argnum)(params, x), grad(loss(readable), argnum)(params, x)
        if argnum == 0:
            for name in want:
                np.testing.assert_allclose(got[name], want[name], rtol=1e-10, atol=1e-12)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_the_masked_lstm_kernel_against_finite_differences():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(BATCH, TIME, FEATURES))
    weights = [rng.normal(size=(FEATURES, 4 * UNITS)) * 0.5, rng.normal(size=(UNITS, 4 * UNITS)) * 0.5,
               rng.normal(size=4 * UNITS) * 0.2, rng.normal(size=(BATCH, UNITS)) * 0.3,
               rng.normal(size=(BATCH, UNITS)) * 0.3]
    keep = (rng.random((BATCH, UNITS)) > 0.4) / 0.6

    def total(*args):
        outputs, h, c = lstm_sequence(*args, padding("blocks"), False, False, keep)
        return anp.sum(anp.sin(outputs)) + anp.sum(h * c)
    check_grads(total, modes=["rev"], order=1)(x, *weights)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_recurrent_dropout_takes_the_fused_kernel(kind, monkeypatch):
    from minikeras.layers.rnn import rnn
    fused, _, params = layer_pair(kind, dropout=0.2, recurrent_dropout=0.2)
    monkeypatch.setattr(rnn, "scan", lambda *a, **k: pytest.fail("the readable scan ran"))
    fused.call(params, np.ones((BATCH, TIME, FEATURES)), training=True, rng=np.random.default_rng(0))
