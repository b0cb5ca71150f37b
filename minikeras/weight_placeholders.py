"""Zero-memory stand-ins for weights while a saved model is rebuilt, within the bytes its file holds.

Loading a file builds every layer from the config and then replaces each weight with the file's array.
Drawing random initial values first would be wasted work, and a hostile config (`Dense(units=10**12)`)
would make that draw allocate terabytes. Inside `placeholders_within(limit_bytes, source)` every
Initializer returns a read-nothing array (one element, strides of 0) of the requested shape and dtype,
and the weights asked for may not add up to more values than the file's bytes can hold.
"""
import contextlib
import math

import numpy as np

_budgets = []   # the innermost open placeholders_within(), if any


class WeightBudgetExceeded(ValueError):
    """A config asks for more weight values than the file it came from can hold."""


class _Budget:
    """Counts the weight values a rebuild asks for. A file stores each value in one byte at least (int8, bool;
    float32 takes 4), so a file of N bytes holds at most N values, whatever dtype the model computes in."""

    def __init__(self, limit_bytes, source):
        self.limit_bytes, self.source, self.used_values = int(limit_bytes), source, 0

    def placeholder(self, shape, dtype):
        if any(d < 0 for d in shape):
            raise ValueError(f"a weight shape must not have negative sizes, got {shape}.")
        self.used_values += math.prod(shape)
        if self.used_values > self.limit_bytes:
            raise WeightBudgetExceeded(
                f"the config asks for a weight of shape {shape} ({dtype.name}), which brings the weights to "
                f"{self.used_values:,} values, but {self.source} holds only {_readable(self.limit_bytes)}. "
                f"The config does not match its weights (a corrupted or hostile file).")
        # writeable, so a build that sets a slice (LSTM's forget-gate bias) works; it writes one shared element
        return np.lib.stride_tricks.as_strided(np.zeros(1, dtype), shape, (0,) * len(shape))


def _readable(count):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024


@contextlib.contextmanager
def placeholders_within(limit_bytes, source):
    """Initializers return zero-memory placeholders, refusing (WeightBudgetExceeded) past `limit_bytes` values in all."""
    _budgets.append(_Budget(limit_bytes, source))
    try:
        yield
    finally:
        _budgets.pop()


def rebuilding_from_file():
    """True inside placeholders_within(): initializers should return placeholder(shape, dtype)."""
    return bool(_budgets)


def placeholder(shape, dtype):
    """A zero-memory array of `shape` (a tuple of ints) and `dtype` (a numpy dtype), counted against the budget."""
    return _budgets[-1].placeholder(shape, dtype)
