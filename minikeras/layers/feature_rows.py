"""Per-feature arithmetic on plain arrays whose features lie along one axis: sums over everything else, and
per-feature vectors broadcast against them, laid out so numpy does each in few, long inner loops.

Used by BatchNormalization's fused pass (fused_batch_norm.py) and the composed Dense/Conv forms. numpy reduces
a (4096, 32) array over its rows, and broadcasts a (32,) vector against it, one short row at a time: the sums
are a vector-matrix product instead (BLAS), and the broadcasts run on a (256, 512) view of the same memory
with the vector tiled 16 times, which is about 1.5 times faster.
"""
import functools
import math

import numpy as np

_WIDE_ROW = 512      # values per row of the wide view; longer rows gained nothing more when measured
_WIDE_FROM = 32768   # below this many values the wide view's own bookkeeping costs more than it saves


@functools.lru_cache(maxsize=32)
def _ones(count, dtype):
    ones = np.ones(count, dtype=dtype)
    ones.flags.writeable = False
    return ones


@functools.lru_cache(maxsize=128)
def _samples_per_row(samples, features):
    """The most samples (a divisor of their number) whose features fit in one wide row."""
    most = max(1, min(samples, _WIDE_ROW // features))
    return next(k for k in range(most, 0, -1) if samples % k == 0)


def feature_sums(a, axis):
    """Sums of `a` over every axis but `axis`; for the last axis a vector-matrix product."""
    if axis == a.ndim - 1:
        rows = a.reshape(-1, a.shape[-1])
        return _ones(rows.shape[0], rows.dtype.str) @ rows
    return np.sum(a, axis=tuple(i for i in range(a.ndim) if i != axis))


class FeatureRows:
    """How arrays of one shape, features along `axis`, are laid out for per-feature arithmetic.

    `view(a)` gives the working layout of such an array (for features last: rows of several samples' features,
    a view when `a` is contiguous), `spread(vector)` a per-feature vector that broadcasts against it, `sums(w)` the
    per-feature sums of an array in the working layout, and `restore(w)` the array in its own shape again.
    """

    def __init__(self, shape, axis):
        self.shape, self.axis = tuple(shape), axis
        self.features = shape[axis]
        self.count = math.prod(shape) // self.features if self.features else 0
        self.last = axis == len(shape) - 1
        wide = self.last and self.count and self.count * self.features >= _WIDE_FROM
        self.repeats = _samples_per_row(self.count, self.features) if wide else 1

    def view(self, a):
        return a.reshape(self.count // self.repeats, self.repeats * self.features) if self.last else a

    def restore(self, w):
        return w.reshape(self.shape)

    def spread(self, vector):
        if self.last:
            return vector if self.repeats == 1 else vector[None].repeat(self.repeats, axis=0).reshape(-1)
        return vector.reshape([-1 if i == self.axis else 1 for i in range(len(self.shape))])

    def sums(self, w):
        if not self.last:
            return feature_sums(w, self.axis)
        sums = _ones(w.shape[0], w.dtype.str) @ w
        return sums if self.repeats == 1 else sums.reshape(self.repeats, self.features).sum(axis=0)
