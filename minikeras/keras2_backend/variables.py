"""Keras 2's K variables and array makers (K.variable, K.get_value, K.set_value, K.zeros, ...):
plain numpy arrays, changed in place by set_value."""
import numpy as np
from autograd.tracer import getval

from .. import backend, ops
from ..ops._tensor import standardize_dtype
from .registry import keras2


# ---- variables and constants: plain numpy arrays, changed in place by set_value -----------------------------------
@keras2("keras.Variable(value)")
def variable(value, dtype=None, name=None, constraint=None):
    """A new array holding `value` (floatx unless `dtype`), which set_value changes in place."""
    return np.array(getval(value), dtype=standardize_dtype(dtype))


@keras2("keras.ops.convert_to_tensor")
def constant(value, dtype=None, shape=None, name=None):
    """An array of `value` (floatx unless `dtype`), broadcast to `shape` when given."""
    array = np.array(getval(value), dtype=standardize_dtype(dtype))
    return array if shape is None else np.broadcast_to(array, shape).copy()


@keras2("keras.ops.convert_to_numpy(x) (or variable.numpy())")
def get_value(x):
    """x's value as a numpy array (a copy)."""
    return np.array(getval(x))


@keras2("[keras.ops.convert_to_numpy(x) for x in xs]")
def batch_get_value(xs):
    """get_value of each."""
    return [get_value.__wrapped__(x) for x in xs]


@keras2("keras.ops.convert_to_numpy(x)")
def eval(x):
    """x's value as a numpy array."""
    return np.asarray(getval(x))


@keras2("variable.assign(value)")
def set_value(x, value):
    """Write `value` into the array (or weight) x, in place."""
    if hasattr(x, "assign"):
        x.assign(value)
        return
    if not isinstance(x, np.ndarray):
        hint = (" For an optimizer's learning rate write `model.optimizer.learning_rate = value`."
                if isinstance(x, (int, float)) else "")
        raise TypeError(f"K.set_value: expected a variable (an array made by K.variable, or a weight), got "
                        f"{type(x).__name__} {x!r}, which cannot be changed in place.{hint}")
    value = np.asarray(getval(value))
    if value.shape != x.shape and value.size != x.size:
        raise ValueError(f"K.set_value: the value's shape {value.shape} does not match the variable's {x.shape}.")
    x[...] = value.reshape(x.shape)


@keras2("[v.assign(value) for v, value in pairs]")
def batch_set_value(tuples):
    """set_value for each (variable, value) pair."""
    for x, value in tuples:
        set_value.__wrapped__(x, value)


@keras2("keras.ops.zeros")
def zeros(shape, dtype=None, name=None):
    """An array of zeros (floatx unless `dtype`)."""
    return ops.zeros(shape, dtype=dtype)


@keras2("keras.ops.ones")
def ones(shape, dtype=None, name=None):
    """An array of ones (floatx unless `dtype`)."""
    return ops.ones(shape, dtype=dtype)


@keras2("keras.ops.zeros_like")
def zeros_like(x, dtype=None, name=None):
    """Zeros of x's shape (and dtype, unless `dtype`)."""
    return ops.zeros_like(x, dtype=dtype)


@keras2("keras.ops.ones_like")
def ones_like(x, dtype=None, name=None):
    """Ones of x's shape (and dtype, unless `dtype`)."""
    return ops.ones_like(x, dtype=dtype)


@keras2("keras.ops.eye")
def eye(size, dtype=None, name=None):
    """The size x size identity matrix (a (rows, columns) pair gives a rectangle)."""
    rows, columns = (size, size) if isinstance(size, int) else size
    return ops.eye(rows, columns, dtype=dtype)


@keras2("keras.ops.copy")
def identity(x, name=None):
    """A copy of x."""
    return ops.copy(x)


@keras2("keras.random.uniform")
def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in [minval, maxval) (from minikeras's seeded source, or from `seed`)."""
    rng = backend.new_rng() if seed is None else np.random.default_rng(seed)
    return rng.uniform(minval, maxval, size=tuple(np.asarray(getval(shape)).tolist())).astype(
        standardize_dtype(dtype))


@keras2("keras.random.normal")
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples with the given mean and standard deviation (as a VAE's sampling layer draws them)."""
    rng = backend.new_rng() if seed is None else np.random.default_rng(seed)
    return rng.normal(mean, stddev, size=tuple(np.asarray(getval(shape)).tolist())).astype(
        standardize_dtype(dtype))
