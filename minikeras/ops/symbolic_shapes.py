"""The output shape of an op on symbolic tensors, found by running it on stand-in arrays.

An op's node knows its inputs' shapes, some axes unknown (None). Running the op twice, unknown axes at two
different sizes, tells which output axes follow them (unknown) and which do not. Running it once more on other
values tells which output sizes depend on the values (nonzero, unique): those are unknown too.

Zeros of the inputs' own dtypes at sizes 2 and 3 serve most ops. When they fail, other stand-ins are tried before
the op's own error is raised: unknown axes sized as the known axis they broadcast against (`(None, 3) + (2, None)`
is `(2, 3)`), integers for ops of integers (bitwise ops, gcd, indices), ones for ops that refuse zeros
(geomspace), and larger sizes for ops that need room (`split` into 4, `argpartition` at kth 5). None of these
changes a known axis, so shapes that cannot go together still fail.
"""
import numpy as np

from .. import backend

_SIZES = ((2, 3), (12, 24))


def probe_op_shape(run, shapes, dtypes):
    """(output shape or list of shapes, output dtype name) of `run(arrays)` for inputs of these shapes and dtypes."""
    first_error = None
    for sizes in _SIZES:
        for fill in (_unknown_as, _unknown_broadcast):
            for values in (_zeros, _integers, _ones):
                try:
                    return _probe_pair(run, shapes, dtypes, sizes, fill, values)
                except (TypeError, ValueError, IndexError, ZeroDivisionError) as error:
                    first_error = first_error or error
    raise first_error


def _probe_pair(run, shapes, dtypes, sizes, fill, values):
    small, large = (run(values(fill(shapes, size), dtypes)) for size in sizes)
    merged = _merged(_shapes_of(small), _shapes_of(large))
    other = _other_values(run, fill(shapes, sizes[0]), dtypes, values)
    if other is not None:
        merged = _merged(merged, _shapes_of(other))
    return merged, _dtype_of(small)


def _other_values(run, shapes, dtypes, values):
    """The op on the same shapes with other (distinct, nonzero) values; None if it refuses them."""
    try:
        return run(_distinct(shapes, [_used_dtype(values, dt) for dt in dtypes]))
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None


# ---- unknown axes -------------------------------------------------------------------------------------
def _unknown_as(shapes, size):
    return [tuple(size if d is None else d for d in shape) for shape in shapes]


def _unknown_broadcast(shapes, size):
    """Unknown axes take the size of a known axis (other than 1) they line up with from the right, else `size`."""
    rank = max((len(s) for s in shapes), default=0)
    known = [None] * rank
    for shape in shapes:
        for axis, d in enumerate(shape, start=rank - len(shape)):
            if d is not None and d != 1:
                known[axis] = d
    return [tuple((known[axis] or size) if d is None else d for axis, d in enumerate(shape, start=rank - len(shape)))
            for shape in shapes]


# ---- stand-in values ----------------------------------------------------------------------------------
def _zeros(shapes, dtypes):
    return [np.zeros(s, dtype=dt or backend.floatx()) for s, dt in zip(shapes, dtypes)]


def _ones(shapes, dtypes):
    return [np.ones(s, dtype=dt or backend.floatx()) for s, dt in zip(shapes, dtypes)]


def _integers(shapes, dtypes):
    return [np.zeros(s, dtype=_as_integer(dt)) for s, dt in zip(shapes, dtypes)]


def _as_integer(dtype):
    dtype = np.dtype(dtype or backend.floatx())
    return "int32" if dtype.kind in "fc" else dtype


def _used_dtype(values, dtype):
    return _as_integer(dtype) if values is _integers else dtype


def _distinct(shapes, dtypes):
    """1, 2, 3, 1, 2, ... (True for booleans): values that are nonzero and mostly distinct."""
    arrays = []
    for shape, dtype in zip(shapes, dtypes):
        dtype = np.dtype(dtype or backend.floatx())
        count = int(np.prod(shape, dtype=np.int64))
        pattern = np.ones(count, dtype=bool) if dtype == bool else np.arange(count) % 3 + 1
        arrays.append(pattern.reshape(shape).astype(dtype))
    return arrays


# ---- results --------------------------------------------------------------------------------------------
def _shapes_of(result):
    if isinstance(result, (list, tuple)):
        return [tuple(np.shape(r)) for r in result]
    return tuple(np.shape(result))


def _dtype_of(result):
    if isinstance(result, (list, tuple)):
        return None
    return np.asarray(result).dtype.name


def _merged(first, second):
    """Axes equal in both stay known; the others are unknown (None)."""
    if isinstance(first, list):
        if not isinstance(second, list) or len(first) != len(second):
            return [(None,) * len(s) for s in first]
        return [_merged(a, b) for a, b in zip(first, second)]
    if isinstance(second, list) or len(first) != len(second):
        return (None,) * len(first)
    return tuple(a if a == b else None for a, b in zip(first, second))
