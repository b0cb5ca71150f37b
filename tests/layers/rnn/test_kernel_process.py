"""Bidirectional's second direction in a helper process (kernel_process.py, kernel_worker.py) gives the results of
the one-process path, and whatever goes wrong in the helper leaves the caller's results and errors as they would
be without it."""
import os
import signal
import time

import numpy as np
import pytest

from minikeras import layers as L
from minikeras.layers import composed_recurrent
from minikeras.layers.rnn import fused_pair, kernel_process
from minikeras.layers.rnn import kernel_worker as wire

BATCH, TIME, FEATURES, UNITS = 4, 6, 3, 5


@pytest.fixture
def helper(ready_kernel_helper):
    return ready_kernel_helper()


def kernel_plan(kind, go_backwards=True, **options):
    """(kernel, arguments asking it to keep its intermediates) of a built `kind` layer on a padded float64 batch."""
    layer = getattr(L, kind)(UNITS, go_backwards=go_backwards, dtype="float64", **options)
    layer.ensure_built((None, TIME, FEATURES))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, TIME, FEATURES))
    mask = np.ones((BATCH, TIME), dtype=bool)
    mask[0, 4:] = False
    mask[2, 1:] = False
    states = layer._starting_states(None, BATCH)
    kernel, arguments, _ = layer.cell.fused_plan(layer.params, x, states, mask, go_backwards, False)
    return kernel, tuple(arguments[:-1]) + (True,)


def output_gradients(result, seed=1):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=r.shape) for r in result)


def here(kernel, arguments, argnums, g):
    result = kernel.fun(*arguments)
    return result, composed_recurrent.primitive_vjps[kernel](argnums, result, arguments, {})(g)


KERNELS = [("LSTM", {}), ("GRU", {}), ("GRU", {"reset_after": False}), ("SimpleRNN", {})]


@pytest.mark.parametrize("kind,options", KERNELS)
def test_forward_and_backward_in_the_helper_equal_the_callers_own(helper, kind, options):
    kernel, arguments = kernel_plan(kind, **options)
    argnums = (0, 1, 2, 3)
    result_here, grads_here = here(kernel, arguments, argnums, output_gradients(kernel.fun(*arguments)))
    number, wait = helper.forward(kernel, arguments)
    result_there = wait()
    grads_there = helper.vjp(number, argnums, output_gradients(result_there))()
    assert len(result_there) == len(result_here) and len(grads_there) == len(argnums)
    for got, want in zip(result_there + grads_there, tuple(result_here) + tuple(grads_here)):
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.skipif(not hasattr(os, "memfd_create"), reason="the helper process needs Linux's memfd")
def test_several_forward_passes_are_kept_until_each_is_differentiated(helper):
    """Stacked Bidirectional layers: every forward pass runs before the first backward pass, last layer first."""
    plans = [kernel_plan(kind) for kind in ("LSTM", "GRU", "LSTM")]
    numbers, results = [], []
    for kernel, arguments in plans:
        number, wait = helper.forward(kernel, arguments)
        numbers.append(number)
        results.append(wait())
    _, first = helper.forward(*plans[0])
    assert helper.forward(*plans[0])[1]() is kernel_process.FAILED        # one request at a time
    assert first() is not kernel_process.FAILED
    for (kernel, arguments), number, result in reversed(list(zip(plans, numbers, results))):
        g = output_gradients(result)
        _, want = here(kernel, arguments, (0, 1, 2), g)
        got = helper.vjp(number, (0, 1, 2), g)()
        assert got is not kernel_process.FAILED
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_messages_carry_arrays_of_any_layout_and_plain_values():
    region = wire.Region(os.memfd_create("test"))
    square = np.arange(12.0).reshape(3, 4)
    message = ("op", None, True, (0, 2), square, square.T, square[::-1, ::2], np.float32(2.5) * np.ones(()),
               np.zeros((0, 3)), np.array([True, False]), np.arange(5, dtype=np.int64))
    for scale in (1, 1000):                                   # the second message outgrows the region
        message = message[:4] + tuple(np.resize(a, (a.shape[0] * scale,) + a.shape[1:]) if a.ndim else a
                                      for a in message[4:])
        received = wire.unpack(*wire.pack(message, region), region)
        assert received[:4] == message[:4]
        for got, want in zip(received[4:], message[4:]):
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)
            assert got.flags.owndata                         # copied out: the next message may overwrite the region
    os.close(region.fd)


def test_a_failed_request_is_reported_and_the_helper_goes_on(helper):
    def not_a_kernel():
        pass

    class Impostor:
        fun = not_a_kernel
    kernel, arguments = kernel_plan("LSTM")
    assert helper.forward(Impostor, arguments)[1]() is kernel_process.FAILED   # only minikeras's kernels run there
    assert helper.vjp(-1, (0,), (np.ones(1),))() is kernel_process.FAILED      # no such forward pass
    wrong = (arguments[0][..., :2],) + arguments[1:]                            # features disagree with the kernel
    assert helper.forward(kernel, wrong)[1]() is kernel_process.FAILED
    result = helper.forward(kernel, arguments)[1]()
    np.testing.assert_allclose(result[0], kernel.fun(*arguments)[0], rtol=1e-12)
    assert kernel_process.available()


class _Failing:
    """A helper whose every answer is FAILED, as when its process is gone."""

    def forward(self, kernel, arguments):
        return 0, lambda: kernel_process.FAILED

    def vjp(self, number, argnums, g):
        return lambda: kernel_process.FAILED


@pytest.mark.parametrize("fail_from", ["forward", "backward"])
def test_when_the_helper_fails_the_caller_computes_the_direction_itself(fail_from, helper):
    layer = L.LSTM(UNITS, go_backwards=True, return_sequences=True, dtype="float64")
    layer.ensure_built((None, TIME, FEATURES))
    x = np.random.default_rng(0).normal(size=(BATCH, TIME, FEATURES))
    dy = np.random.default_rng(1).normal(size=(BATCH, TIME, UNITS))
    alone = composed_recurrent._KernelRun(layer, layer.params, x, None)
    alone.forward()
    want = alone.backward(dy, True)
    elsewhere = _Failing() if fail_from == "forward" else helper
    run = composed_recurrent._KernelRun(layer, layer.params, x, None, elsewhere=elsewhere)
    run.start_forward()()
    if fail_from == "backward":
        run.elsewhere = _Failing()
    got = run.backward(dy, True)
    np.testing.assert_allclose(run.output(), alone.output(), rtol=1e-12)
    for name in want[0]:
        np.testing.assert_allclose(got[0][name], want[0][name], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)


def test_a_helper_gone_mid_conversation_is_given_up_with_a_warning(helper):
    kernel, arguments = kernel_plan("LSTM")
    helper.process.kill()
    helper.process.wait()
    with pytest.warns(RuntimeWarning, match="helper process is off"):
        assert helper.forward(kernel, arguments)[1]() is kernel_process.FAILED
    assert not kernel_process.available() and kernel_process.helper() is None
    assert fused_pair.direction_concurrency(2, 2) != "process"


def test_ctrl_c_is_the_callers_and_an_interrupted_wait_ends_the_helper(helper, ready_kernel_helper, monkeypatch):
    kernel, arguments = kernel_plan("LSTM")
    os.kill(helper.process.pid, signal.SIGINT)
    time.sleep(0.2)
    assert helper.alive()
    assert helper.forward(kernel, arguments)[1]() is not kernel_process.FAILED

    def interrupted(fd, region):
        raise KeyboardInterrupt
    monkeypatch.setattr(wire, "receive", interrupted)
    process = helper.process
    _, wait = helper.forward(kernel, arguments)
    with pytest.raises(KeyboardInterrupt):
        wait()
    assert process.poll() is not None and not helper.alive()
    monkeypatch.undo()
    assert ready_kernel_helper() is not helper                      # the next step starts a fresh helper
    assert kernel_process.available()


def test_closing_ends_the_helper_process(helper):
    process = helper.process
    helper.close()
    assert process.returncode == 0


def test_the_helper_is_chosen_on_several_cores_and_threads_where_it_cannot_run(monkeypatch):
    fused_pair.set_concurrent_directions(None)
    monkeypatch.setattr(fused_pair, "_usable_cores", lambda: 2)
    assert fused_pair.direction_concurrency(32, 32) == "process"
    assert fused_pair.direction_concurrency(64, 128) == "process"
    monkeypatch.setattr(kernel_process, "available", lambda: False)       # not Linux, or given up
    assert fused_pair.direction_concurrency(32, 32) is None
    assert fused_pair.direction_concurrency(64, 128) == "threads"
    monkeypatch.undo()
    monkeypatch.setattr(fused_pair, "_usable_cores", lambda: 1)
    assert fused_pair.direction_concurrency(32, 32) is None
    assert fused_pair.direction_concurrency(64, 128) is None
    fused_pair.set_concurrent_directions("process")
    assert fused_pair.direction_concurrency(64, 128) == "process"
    fused_pair.set_concurrent_directions(True)
    assert fused_pair.direction_concurrency(32, 32) == "threads"
    fused_pair.set_concurrent_directions(False)
    assert fused_pair.direction_concurrency(64, 128) is None
    fused_pair.set_concurrent_directions(None)
