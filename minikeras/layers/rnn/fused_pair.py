"""Bidirectional's two fused kernels as one autograd primitive, optionally run on two threads.

The two directions of a Bidirectional RNN are independent: neither reads the other's inputs, weights or
results. Each direction's fused kernel spends its time in BLAS and numpy ufuncs on whole blocks, which
release the GIL, so a second thread runs the other direction on the other core. Autograd's backward pass
walks one node at a time, so the pair is one primitive: its vjp also runs both directions' BPTT at once.
By default (`set_concurrent_directions(None)`) it is used with more than one core and batch x units of at
least 4096: there it paid (docs/performance.md); below, two threads were slower than one. Training steps
composed without autograd (layers/composed.py) run the second direction in a helper process instead where one
can run (kernel_process.py, `direction_concurrency`): it was faster than two threads at every size.

tests/layers/rnn/test_fused_pair.py proves values and gradients equal the two directions run apart.
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from autograd.core import primitive_vjps
from autograd.extend import primitive, defvjp_argnums

from . import kernel_process
from .rnn import _flat_states

# None (the default): two threads when the process may use more than one core and the layer is large enough
_settings = {"concurrent": None}
# below this batch size times units a step's numpy calls are too short for two threads to pay (measured)
MIN_BATCH_TIMES_UNITS = 4096
_pool = {}
_pool_lock = threading.Lock()


def set_concurrent_directions(enabled):
    """Run Bidirectional's two directions on two threads (True), the second in a helper process ("process",
    training only: kernel_process.py, which then also takes half of a single recurrent layer's rows), one after the
    other and every layer in this process alone (False), or decide from the number of cores this process may use
    and the layer's size (None, the default)."""
    if enabled not in (True, False, None, "process"):
        raise TypeError(f"set_concurrent_directions: expected True, False, 'process' or None, got {enabled!r}.")
    _settings["concurrent"] = enabled


def concurrent_directions(batch=None, units=None):
    """Whether the two directions run on two threads now (for a layer of `units` on batches of `batch`: by
    default only where each step's work is large enough to pay for handing the GIL back and forth)."""
    setting = _settings["concurrent"]
    if setting is not None:
        return setting is True
    if batch is not None and units is not None and batch * units < MIN_BATCH_TIMES_UNITS:
        return False
    return _usable_cores() > 1


def direction_concurrency(batch=None, units=None):
    """How a training step runs the two directions: "process" (the second in the helper process), "threads" or
    None (one after the other). By default the helper process wherever there is more than one core and it can
    run (it beat two threads at every size measured, small or large); else two threads where they pay."""
    setting = _settings["concurrent"]
    if setting == "process" or (setting is None and _usable_cores() > 1 and kernel_process.available()):
        return "process"
    return "threads" if concurrent_directions(batch, units) else None


def process_forced():
    """Whether set_concurrent_directions("process") asked for the helper process wherever it can take work."""
    return _settings["concurrent"] == "process"


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:           # platforms without sched_getaffinity
        return os.cpu_count() or 1


def run_pair(kernel_a, args_a, kernel_b, args_b):
    """Both kernels (fused-kernel primitives with their arguments) as one primitive: (result_a, result_b)."""
    return _pair(kernel_a, kernel_b, len(args_a), *args_a, *args_b)


def both(run_a, run_b, concurrent=None):
    """run_a() and run_b(), on two threads when `concurrent` (by default: when concurrency is on); their results."""
    if not (concurrent_directions() if concurrent is None else concurrent):
        return run_a(), run_b()
    future = _worker().submit(run_a)
    result_b = run_b()
    return future.result(), result_b


def _worker():
    with _pool_lock:
        # one pool per process: a fork (a data-loading worker) must not inherit the parent's thread
        pid = os.getpid()
        if _pool.get("pid") != pid:
            _pool.update(pid=pid, executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="minikeras-rnn"))
        return _pool["executor"]


@primitive
def _pair(kernel_a, kernel_b, count_a, *args):
    args_a, args_b = args[:count_a], args[count_a:]
    return both(lambda: kernel_a.fun(*args_a), lambda: kernel_b.fun(*args_b))


def _pair_vjp_maker(argnums, result, args, kwargs):
    kernel_a, kernel_b, count_a = args[:3]
    args_a, args_b = args[3:3 + count_a], args[3 + count_a:]
    # positions in _pair's arguments -> each kernel's own argument numbers
    nums_a = tuple(n - 3 for n in argnums if n < 3 + count_a)
    nums_b = tuple(n - 3 - count_a for n in argnums if n >= 3 + count_a)
    vjp_a = primitive_vjps[kernel_a](nums_a, result[0], args_a, {}) if nums_a else None
    vjp_b = primitive_vjps[kernel_b](nums_b, result[1], args_b, {}) if nums_b else None

    def vjp(g):
        grads_a, grads_b = both(lambda: vjp_a(g[0]) if vjp_a else (), lambda: vjp_b(g[1]) if vjp_b else ())
        return tuple(grads_a) + tuple(grads_b)
    return vjp


defvjp_argnums(_pair, _pair_vjp_maker)


def call_two_directions(directions, params, x, starts, mask, training):
    """[(output, final states)] of each RNN layer in `directions` as its call_with_state gives them, with both
    fused kernels run as one pair; None when either direction needs another path (the readable reference,
    dropout in training, a stateful layer, a cell without a fused kernel)."""
    if not concurrent_directions(x.shape[0], directions[0].cell.units):
        return None        # one thread: the plain path is the same work with less bookkeeping
    plans = [_fused_plan(layer, params[layer.name], x, start, mask, training)
             for layer, start in zip(directions, starts)]
    if any(plan is None for plan in plans):
        return None
    (kernel_a, args_a, finish_a), (kernel_b, args_b, finish_b) = plans
    result_a, result_b = run_pair(kernel_a, args_a, kernel_b, args_b)
    return [_layer_output(layer, finish(result))
            for layer, finish, result in ((directions[0], finish_a, result_a), (directions[1], finish_b, result_b))]


def _fused_plan(layer, params, x, start, mask, training):
    cell = layer.cell
    plan_of = getattr(cell, "fused_plan", None)
    if plan_of is None or layer.implementation == 1 or layer.stateful:
        return None
    if training and (cell.dropout > 0.0 or cell.recurrent_dropout > 0.0):
        return None
    states = layer._starting_states(start, x.shape[0])
    mask = None if mask is None else np.asarray(mask, dtype=bool)
    return plan_of(params, x, states, mask, layer.go_backwards, layer.zero_output_for_mask)


def _layer_output(layer, finished):
    """What RNN.call_with_state returns for the kernel's (outputs, last, final states)."""
    outputs, last, final_states = finished
    output = outputs if layer.return_sequences else last
    if layer.return_state:
        output = [output] + _flat_states(final_states)
    return output, final_states
