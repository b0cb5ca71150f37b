"""A helper process running fused recurrent kernels beside the caller, in composed training steps
(layers/composed_recurrent.py): a Bidirectional layer's backward direction, or half of a recurrent layer's rows.

A small layer's step is about ten numpy calls of a microsecond or two each; two threads spend that time handing
the GIL back and forth (and even for large layers they lost to this, docs/performance.md). A second process has
its own interpreter: the caller sends it one kernel's arguments (through shared memory, kernel_worker.py), runs
its own kernel, then collects the other's result; the same for BPTT. A round trip costs tens of microseconds
against milliseconds of kernel.

The helper starts on first use (a fresh `python` running kernel_worker.main, no fork of the caller, so a
notebook's threads and a script's top-level code are safe), is shared by every layer of the process, and ends with
it. Whatever goes wrong in it (a kernel error, the process gone), the caller computes that kernel itself, so the
results and errors are the ones of the one-process path; tests/layers/rnn/test_kernel_process.py holds both.
"""
import atexit
import os
import select
import subprocess
import sys
import threading
import warnings

from . import kernel_worker as wire
from ... import backend

FAILED = object()
_state = {"pid": None, "process": None, "broken": False}
_lock = threading.Lock()


def available():
    """Whether a helper process can run here (Linux's memfd, a Python to start; not turned off after a failure)."""
    return hasattr(os, "memfd_create") and bool(sys.executable) and not _state["broken"]


def helper():
    """This process's helper, started on first use; None when it cannot run or is busy with another caller."""
    with _lock:
        if not available():
            return None
        if _state["pid"] != os.getpid():            # a forked child must start its own, not share the parent's
            _state.update(pid=os.getpid(), process=None)
        process = _state["process"]
        if process is None or not process.alive():
            try:
                process = _state["process"] = KernelProcess()
            except OSError as error:
                _give_up(f"could not start it ({error})")
                return None
        return process if process.ready() and not process.waiting else None


def _give_up(reason):
    _state["broken"] = True
    warnings.warn(f"minikeras: the recurrent layers' helper process is off for this session: {reason}. Their "
                  "kernels now run in this process only, with the same results.", RuntimeWarning, stacklevel=3)


class KernelProcess:
    """One helper process and its two pipes and shared region; one request at a time."""

    def __init__(self):
        region_fd = os.memfd_create("minikeras-rnn")
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        # the helper imports this same copy of minikeras, wherever the caller found it
        start = (f"import sys; sys.path.insert(0, {_package_root()!r}); "
                 "from minikeras.layers.rnn.kernel_worker import main; main(sys.argv[1:])")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", start,
                 str(to_worker_r), str(from_worker_w), str(region_fd), str(int(backend.allocator_tuning()))],
                pass_fds=(to_worker_r, from_worker_w, region_fd), env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except BaseException:
            for fd in (region_fd, to_worker_r, to_worker_w, from_worker_r, from_worker_w):
                os.close(fd)
            raise
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.to_worker, self.from_worker = to_worker_w, from_worker_r
        self.region = wire.Region(region_fd)
        self.waiting, self._ready, self._passes, self._claim = False, False, 0, threading.Lock()
        atexit.register(self.close)

    def ready(self):
        """Whether the helper has started (it says so once its imports are done; until then the caller works
        alone, so starting it costs the caller no waiting)."""
        if not self._ready and self.alive() and select.select([self.from_worker], [], [], 0)[0]:
            try:
                self._ready = wire.receive(self.from_worker, self.region) == ("ready",)
            except EOFError:
                self._lost("it stopped while starting")
        return self._ready

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def forward(self, kernel, arguments):
        """Start `kernel` on `arguments`; returns (its number, wait() -> its result or FAILED)."""
        self._passes += 1
        message = ("forward", self._passes, kernel.fun.__module__, kernel.fun.__name__) + tuple(arguments)
        return self._passes, self._start(message)

    def vjp(self, number, argnums, g):
        """Start the vjp of forward pass `number` for `argnums` on `g`; returns wait() -> the gradients, or FAILED."""
        return self._start(("vjp", number, tuple(argnums)) + tuple(g))

    def _start(self, message):
        # the shared region holds one message, so one request at a time: another (a second thread training at
        # the same moment) is answered FAILED and computed by its caller
        with self._claim:
            if self.waiting:
                return lambda: FAILED
            self.waiting = True
        try:
            wire.send(self.to_worker, message, self.region)
        except OSError as error:
            self._lost(f"it stopped ({error})")
            return lambda: FAILED
        return self._wait

    def _wait(self):
        try:
            status, *values = wire.receive(self.from_worker, self.region)
        except EOFError:
            self._lost("it stopped")
            return FAILED
        except BaseException:
            self.close()                # interrupted halfway through a reply: this conversation cannot go on
            raise
        self.waiting = False
        return tuple(values) if status == "ok" else FAILED

    def _lost(self, reason):
        self.close()
        _give_up(reason)

    def close(self):
        """End the helper: closing its pipe ends its loop; it is killed if it does not end at once."""
        process, self.process = self.process, None
        if process is None:
            return
        for fd in (self.to_worker, self.from_worker, self.region.fd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        atexit.unregister(self.close)


def _package_root():
    """The folder holding the minikeras package, so the helper imports this same copy of it."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
