"""Bidirectional's two fused kernels run as one pair (two threads) give the values and gradients of the readable
reference (implementation=1), for LSTM, GRU and SimpleRNN, masked or not, every merge mode and return_state."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras import layers as L
from minikeras.layers.rnn import fused_pair

BATCH, TIME, FEATURES, UNITS = 3, 5, 4, 3


@pytest.fixture
def concurrency():
    yield fused_pair.set_concurrent_directions
    fused_pair.set_concurrent_directions(None)


def _bidirectional(kind, implementation, merge_mode="concat", **options):
    layer = L.Bidirectional(getattr(L, kind)(UNITS, implementation=implementation, **options), merge_mode=merge_mode)
    layer.ensure_built((None, TIME, FEATURES))
    return layer


def _float64(tree):
    if isinstance(tree, dict):
        return {k: _float64(v) for k, v in tree.items()}
    return np.asarray(tree, dtype=np.float64)


def _same_weights_for(layer, params):
    """`params` keyed by `layer`'s direction names (the two layers were named apart)."""
    return {child.name: weights for child, weights in zip(layer.children(), params.values())}


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(BATCH, TIME, FEATURES))
    mask = np.ones((BATCH, TIME), dtype=bool)
    mask[0, 3:] = False     # post-padded
    mask[1, :2] = False     # pre-padded
    return x, mask


def _flat_outputs(output):
    return output if isinstance(output, list) else [output]


def _scalar(layer, x, mask, probes):
    def f(params):
        outputs = _flat_outputs(layer.call(params, x, mask=mask, training=True))
        return sum(anp.sum(out * p) for out, p in zip(outputs, probes))
    return f


CASES = [("LSTM", {}), ("GRU", {}), ("GRU", {"reset_after": False}), ("SimpleRNN", {}),
         ("LSTM", {"return_sequences": True}), ("GRU", {"return_sequences": True}),
         ("LSTM", {"return_state": True}), ("SimpleRNN", {"return_sequences": True, "return_state": True})]


@pytest.mark.parametrize("merge_mode", ["concat", "sum", None])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("kind,options", CASES)
def test_pair_equals_readable_reference(concurrency, kind, options, masked, merge_mode):
    fast = _bidirectional(kind, 2, merge_mode, **options)
    readable = _bidirectional(kind, 1, merge_mode, **options)
    params = _float64(fast.params)
    x, mask = _problem()
    mask = mask if masked else None
    concurrency(True)
    got = _flat_outputs(fast.call(params, x, mask=mask))
    readable_params = _same_weights_for(readable, params)
    want = _flat_outputs(readable.call(readable_params, x, mask=mask))
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    rng = np.random.default_rng(1)
    probes = [rng.normal(size=np.shape(out)) for out in want]
    got_grads = grad(_scalar(fast, x, mask, probes))(params)
    want_grads = grad(_scalar(readable, x, mask, probes))(readable_params)
    for got_direction, want_direction in zip(got_grads.values(), want_grads.values()):
        assert list(got_direction) == list(want_direction)
        for name in want_direction:
            np.testing.assert_allclose(got_direction[name], want_direction[name], rtol=1e-10, atol=1e-12)


def test_pair_gradients_match_finite_differences(concurrency):
    concurrency(True)
    layer = _bidirectional("LSTM", 2, return_sequences=True)
    params = _float64(layer.params)
    x, mask = _problem(2)
    probe = np.random.default_rng(3).normal(size=(BATCH, TIME, 2 * UNITS))
    check_grads(lambda p: anp.sum(layer.call(p, x, mask=mask) * probe), modes=["rev"], order=1)(params)
    check_grads(lambda xs: anp.sum(layer.call(params, xs, mask=mask) * probe), modes=["rev"], order=1)(x)


def test_pair_is_used_only_when_concurrency_is_on(concurrency, monkeypatch):
    calls = []
    original = fused_pair.run_pair
    monkeypatch.setattr(fused_pair, "run_pair", lambda *a: calls.append(1) or original(*a))
    layer = _bidirectional("GRU", 2, return_sequences=True)
    x, mask = _problem()
    concurrency(False)
    off = layer.call(layer.params, x.astype("float32"), mask=mask)
    assert calls == []
    concurrency(True)
    on = layer.call(layer.params, x.astype("float32"), mask=mask)
    assert calls == [1]
    np.testing.assert_array_equal(on, off)
    assert on.dtype == np.float32


def test_readable_reference_and_dropout_do_not_take_the_pair(concurrency, monkeypatch):
    monkeypatch.setattr(fused_pair, "run_pair", lambda *a: pytest.fail("the pair ran"))
    concurrency(True)
    x, _ = _problem()
    readable = _bidirectional("LSTM", 1)
    readable.call(readable.params, x)
    dropped = _bidirectional("LSTM", 2, dropout=0.5)
    dropped.call(dropped.params, x, training=True, rng=np.random.default_rng(0))


def test_set_concurrent_directions_refuses_other_values(concurrency):
    with pytest.raises(TypeError, match="set_concurrent_directions"):
        concurrency("yes")
    concurrency(None)
    assert fused_pair.concurrent_directions() in (True, False)


def test_small_layers_stay_on_one_thread_unless_forced(concurrency, monkeypatch):
    monkeypatch.setattr(fused_pair, "MIN_BATCH_TIMES_UNITS", 4096)
    monkeypatch.setattr(fused_pair.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    concurrency(None)
    assert not fused_pair.concurrent_directions(32, 32)
    assert fused_pair.concurrent_directions(64, 128)
    concurrency(True)
    assert fused_pair.concurrent_directions(32, 32)
    concurrency(False)
    assert not fused_pair.concurrent_directions(64, 128)


def test_small_layers_are_on_one_thread_by_default():
    assert fused_pair.concurrent_directions(32, 32) is False
