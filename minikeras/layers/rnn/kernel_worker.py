"""A helper process that runs one fused recurrent kernel (forward and BPTT) while the caller runs another.

Started by kernel_process.py as `main([IN_FD, OUT_FD, REGION_FD, TUNE_ALLOCATOR])` in a fresh Python, never by hand.
Messages go through two pipes; the arrays they carry go through a shared memory region (a memfd both processes
map), so a message costs a memcpy of its arrays and a small pickle, not a pipe's worth of copies.

The worker keeps each forward pass (its arguments, result and the kernel's remembered intermediates) under the
number the caller gave it, until a "vjp" message with that number differentiates it, as autograd would in the
caller: stacked Bidirectional layers send several forward passes before the first vjp.
"""
import importlib
import math
import mmap
import os
import pickle
import signal
import struct
from collections import OrderedDict

import numpy as np

_LENGTH = struct.Struct("<Q")
_ALIGN = 64
_MAX_PASSES = 64       # as the kernels' own cache of intermediates (_fused_cache.py)
_ARRAY = "<array>"     # marks an array's (marker, dtype, shape, offset) in a message's description


class Region:
    """The shared memory region: a file both processes map, grown by whichever side needs more room."""

    def __init__(self, fd):
        self.fd = fd
        self.view = None
        self._map()

    def _map(self):
        size = os.fstat(self.fd).st_size
        self.view = mmap.mmap(self.fd, size) if size else None

    def size(self):
        return 0 if self.view is None else len(self.view)

    def ensure(self, size):
        """Room for `size` bytes: grow the file (both sides see the new size) and map it again."""
        file_size = os.fstat(self.fd).st_size
        if size > file_size:
            os.ftruncate(self.fd, max(size, 2 * file_size))
        if size > self.size():
            self._map()             # the old map stays valid while arrays still look into it

    def follow(self, size):
        """Map again when the other side grew the file past this map."""
        if size > self.size():
            self._map()


def pack(values, region):
    """A flat tuple's description, its arrays written into `region`: (description, the region's bytes in use)."""
    described, offset = [], 0
    for value in values:
        if isinstance(value, np.ndarray):
            described.append((_ARRAY, value.dtype.str, value.shape, offset))
            offset += -(-value.nbytes // _ALIGN) * _ALIGN
        else:
            described.append(value)
    region.ensure(offset)
    for value, item in zip(values, described):
        if isinstance(value, np.ndarray):
            np.copyto(_window(region, *item[1:]), value, casting="no")
    return described, offset


def unpack(described, used, region):
    """The flat tuple `pack` described, its arrays copied out of the region (the next message overwrites it)."""
    region.follow(used)
    return tuple(_window(region, *item[1:]).copy() if _is_array(item) else item for item in described)


def _is_array(item):
    return type(item) is tuple and len(item) == 4 and isinstance(item[0], str) and item[0] == _ARRAY


def _window(region, dtype, shape, offset):
    count = math.prod(shape)
    if count == 0:
        return np.empty(shape, dtype=dtype)
    return np.frombuffer(region.view, dtype=dtype, count=count, offset=offset).reshape(shape)


def send(fd, message, region):
    frame = pickle.dumps(pack(message, region), protocol=5)
    _write_all(fd, _LENGTH.pack(len(frame)) + frame)


def receive(fd, region):
    """The next message, or raises EOFError when the other side closed its pipe."""
    length, = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
    described, used = pickle.loads(_read_exactly(fd, length))
    return unpack(described, used, region)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd, count):
    chunks = []
    while count:
        chunk = os.read(fd, count)
        if not chunk:
            raise EOFError("the other process closed its pipe")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def kernel_named(module, name):
    """The fused-kernel primitive `name` of `module`; only minikeras's own kernels are accepted."""
    if not module.startswith("minikeras.layers.rnn.fused_"):
        raise ValueError(f"kernel_worker: {module}.{name} is not a fused recurrent kernel")
    return getattr(importlib.import_module(module), name)


def serve(fd_in, fd_out, region):
    """Say "ready" once the kernels are imported, then answer messages until the caller closes its pipe."""
    from autograd.core import primitive_vjps
    for kernels in ("fused_lstm", "fused_gru", "fused_simple_rnn"):      # imported before "ready", not mid-step
        importlib.import_module(f"minikeras.layers.rnn.{kernels}")
    send(fd_out, ("ready",), region)
    passes = OrderedDict()
    while True:
        try:
            op, number, *payload = receive(fd_in, region)
        except EOFError:
            return
        try:
            if op == "forward":
                module, name, *arguments = payload
                kernel = kernel_named(module, name)
                result = kernel.fun(*arguments)
                passes[number] = (kernel, tuple(arguments), result)
                while len(passes) > _MAX_PASSES:          # passes never differentiated (prediction-like use)
                    passes.popitem(last=False)
                reply = ("ok",) + tuple(result)
            elif op == "vjp":
                argnums, *g = payload
                if number not in passes:
                    raise RuntimeError(f"kernel_worker: no forward pass {number} to differentiate")
                kernel, arguments, result = passes.pop(number)
                reply = ("ok",) + tuple(primitive_vjps[kernel](tuple(argnums), result, arguments, {})(tuple(g)))
            else:
                raise ValueError(f"kernel_worker: unknown message {op!r}")
        except Exception as error:          # the caller computes it again itself and meets the error there
            reply = ("error", f"{type(error).__name__}: {error}")
        send(fd_out, reply, region)


def main(argv):
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the caller's to handle; it stops this process
    fd_in, fd_out, region_fd, tune_allocator = (int(a) for a in argv)
    if tune_allocator:
        from ... import backend
        backend.tune_allocator_once()      # as the caller's fit does: the kernels' arrays are reused, not faulted in
    serve(fd_in, fd_out, Region(region_fd))
