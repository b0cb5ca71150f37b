"""Keras 2's K shape functions and products (K.dot, K.batch_dot, K.concatenate, K.int_shape, ...)."""
import numpy as np
from autograd.tracer import getval

from .. import ops
from .registry import keras2


# ---- shapes and products ------------------------------------------------------------------------------------------
@keras2("keras.ops.matmul (or keras.ops.dot)")
def dot(x, y):
    """The matrix product; for higher ranks, sums x's last axis against y's second-to-last (numpy's dot)."""
    return ops.dot(x, y)


@keras2("keras.ops.einsum (or keras.layers.Dot)")
def batch_dot(x, y, axes=None):
    """Per-sample dot product: for each i, x[i] and y[i] contracted over `axes` (x's last and y's
    second-to-last, or last for 2-D y, by default); two 2-D inputs give shape (batch, 1)."""
    x_shape, y_shape = tuple(x.shape) if hasattr(x, "shape") else np.shape(x), \
        tuple(y.shape) if hasattr(y, "shape") else np.shape(y)
    x_rank, y_rank = len(x_shape), len(y_shape)
    if x_rank < 2 or y_rank < 2:
        raise ValueError(f"K.batch_dot: expected inputs of rank >= 2, got shapes {x_shape} and {y_shape}.")
    if axes is None:
        axes = (x_rank - 1, y_rank - 1 if y_rank == 2 else y_rank - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    axis_x, axis_y = axes[0] % x_rank, axes[1] % y_rank
    if 0 in (axis_x, axis_y):
        raise ValueError(f"K.batch_dot: cannot contract over the batch axis, got axes={axes}.")
    if None not in (x_shape[axis_x], y_shape[axis_y]) and x_shape[axis_x] != y_shape[axis_y]:
        raise ValueError(f"K.batch_dot: x's axis {axis_x} ({x_shape[axis_x]}) and y's axis {axis_y} "
                         f"({y_shape[axis_y]}) must have the same length; shapes {x_shape} and {y_shape}.")
    # one einsum: the batch axis shared, the two named axes contracted, x's other axes then y's
    x_letters, y_letters = list("bcdefgh"[:x_rank]), list("bijklmn"[:y_rank])
    y_letters[axis_y] = x_letters[axis_x] = "z"
    kept = [c for c in x_letters if c != "z"] + [c for c in y_letters[1:] if c != "z"]
    result = ops.einsum(f"{''.join(x_letters)},{''.join(y_letters)}->{''.join(kept)}", x, y)
    return ops.expand_dims(result, -1) if len(kept) == 1 else result


@keras2("keras.ops.concatenate")
def concatenate(tensors, axis=-1):
    """The tensors joined along `axis` (the last by default, unlike ops.concatenate's 0)."""
    return ops.concatenate(list(tensors), axis=axis)


@keras2("keras.ops.stack")
def stack(x, axis=0):
    """The tensors joined along a new `axis`."""
    return ops.stack(list(x), axis=axis)


@keras2("keras.ops.reshape")
def reshape(x, shape):
    """x with a new shape (one entry may be -1)."""
    return ops.reshape(x, shape)


@keras2("keras.ops.transpose(x, axes)")
def permute_dimensions(x, pattern):
    """x with its axes reordered by `pattern`, e.g. (0, 2, 1)."""
    return ops.transpose(x, tuple(pattern))


@keras2("keras.ops.transpose")
def transpose(x):
    """x with its axes reversed."""
    return ops.transpose(x)


@keras2("keras.ops.expand_dims")
def expand_dims(x, axis=-1):
    """x with a new axis of length 1 at `axis` (the end by default)."""
    return ops.expand_dims(x, axis)


@keras2("keras.ops.squeeze")
def squeeze(x, axis):
    """x without its length-1 `axis`."""
    return ops.squeeze(x, axis)


@keras2("keras.ops.reshape(x, (-1,))")
def flatten(x):
    """x as one 1-D array."""
    return ops.reshape(x, (-1,))


@keras2("keras.ops.reshape(x, (x.shape[0], -1))")
def batch_flatten(x):
    """x as (batch, everything else)."""
    return ops.reshape(x, (-1, int(np.prod(int_shape.__wrapped__(x)[1:]))))


@keras2("keras.ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1)")
def repeat(x, n):
    """A 2-D x (batch, features) repeated n times on a new axis 1: (batch, n, features)."""
    if len(int_shape.__wrapped__(x)) != 2:
        raise ValueError(f"K.repeat: expected a 2-D input (batch, features), got shape {int_shape.__wrapped__(x)}.")
    return ops.repeat(ops.expand_dims(x, 1), n, axis=1)


@keras2("keras.ops.repeat")
def repeat_elements(x, rep, axis):
    """Each element repeated `rep` times along `axis`."""
    return ops.repeat(x, rep, axis=axis)


@keras2("keras.ops.tile")
def tile(x, n):
    """x repeated n times along each axis."""
    return ops.tile(x, n)


@keras2("keras.ops.flip")
def reverse(x, axes):
    """x with the order along `axes` reversed."""
    return ops.flip(x, axis=axes)


@keras2("keras.ops.take(reference, indices, axis=0)")
def gather(reference, indices):
    """The rows of `reference` at `indices`."""
    return ops.take(reference, indices, axis=0)


@keras2("keras.ops.one_hot")
def one_hot(indices, num_classes):
    """Integer labels as one-hot vectors on a new last axis."""
    return ops.one_hot(indices, num_classes)


@keras2("keras.ops.add(x, bias)")
def bias_add(x, bias, data_format=None):
    """x + bias, the bias along the channels axis (the last, or the second for 'channels_first')."""
    rank = len(int_shape.__wrapped__(x))
    if data_format == "channels_first" and rank > 2 and len(int_shape.__wrapped__(bias)) == 1:
        bias = ops.reshape(bias, (-1,) + (1,) * (rank - 2))
    return ops.add(x, bias)


@keras2("keras.ops.arange")
def arange(start, stop=None, step=1, dtype="int32"):
    """Evenly spaced values in [start, stop), int32 by default."""
    return ops.arange(start, stop, step, dtype=dtype)


# ---- facts about tensors ----------------------------------------------------------------------------------------
@keras2("x.shape")
def int_shape(x):
    """The shape as a tuple of ints."""
    value = getval(x)
    return tuple(value.shape) if hasattr(value, "shape") else tuple(np.shape(value))


@keras2("keras.utils.is_keras_tensor(x)")
def is_keras_tensor(x):
    """Whether x is a symbolic tensor (from Input(...) or a layer called on one)."""
    from ..utils import is_keras_tensor as is_symbolic
    return is_symbolic(x)


@keras2("keras.ops.shape(x)")
def shape(x):
    """The shape as an int32 array (a tensor in Keras 2); a tuple with None for symbolic inputs' unknown sizes."""
    known = int_shape.__wrapped__(x)
    return known if None in known else np.asarray(known, dtype=np.int32)


@keras2("keras.ops.ndim(x) or len(x.shape)")
def ndim(x):
    """The number of axes."""
    return len(int_shape.__wrapped__(x))


@keras2("keras.backend.standardize_dtype(x.dtype)")
def dtype(x):
    """The dtype name ('float32', ...)."""
    return ops.dtype(x)


@keras2("keras.ops.size(x)")
def count_params(x):
    """The number of elements."""
    return int(np.prod(int_shape.__wrapped__(x)))


@keras2("keras.ops.cast")
def cast(x, dtype):
    """x converted to `dtype`."""
    return ops.cast(x, dtype)


@keras2("keras.ops.stop_gradient")
def stop_gradient(variables):
    """The same value(s) with no gradient flowing back (a list gives a list)."""
    if isinstance(variables, (list, tuple)):
        return [ops.stop_gradient(v) for v in variables]
    return ops.stop_gradient(variables)


@keras2("print(x) (eagerly)")
def print_tensor(x, message=""):
    """Prints message and x's value, and returns x."""
    print(message, np.asarray(getval(x)))
    return x
