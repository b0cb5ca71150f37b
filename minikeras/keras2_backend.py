"""Keras 1/2's backend functions (`from keras import backend as K`: K.sum, K.mean, K.epsilon, ...), as Keras 2
custom losses, metrics and Lambda layers use them, over minikeras.ops. Each says once what Keras 3 writes instead.

minikeras.backend hands these out by name (K.sum is minikeras.keras2_backend.sum). The numbers follow tf-keras 2:
K.sqrt clips negatives to 0, K.hard_sigmoid is the Keras 2 slope 0.2, K.concatenate joins on the last axis.
"""
import numpy as np
from autograd.tracer import getval

from . import backend, legacy, ops
from .ops._tensor import standardize_dtype

_KERAS3 = {}   # K name -> what Keras 3 writes


def _keras2(keras3_spelling):
    """Register a K function with its Keras 3 spelling; calling it warns once and then runs it."""
    def register(function):
        name = function.__name__
        _KERAS3[name] = keras3_spelling

        def k_function(*args, **kwargs):
            legacy.warn_once(f"keras.backend.{name}", keras3_spelling)
            return function(*args, **kwargs)
        k_function.__name__ = k_function.__qualname__ = name
        k_function.__doc__ = f"{function.__doc__}\n\nKeras 3: `{keras3_spelling}`."
        k_function.__wrapped__ = function
        return k_function
    return register


# ---- reductions (Keras 2 spells keepdims the same; argmax defaults to the last axis) ------------------------------
@_keras2("keras.ops.sum")
def sum(x, axis=None, keepdims=False):
    """Sum over `axis` (every axis when None)."""
    return ops.sum(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.prod")
def prod(x, axis=None, keepdims=False):
    """Product over `axis`."""
    return ops.prod(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.mean")
def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (booleans count as floatx 0/1)."""
    return ops.mean(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.std")
def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis`."""
    return ops.std(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.var")
def var(x, axis=None, keepdims=False):
    """Variance over `axis`."""
    return ops.var(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.max")
def max(x, axis=None, keepdims=False):
    """Largest value over `axis`."""
    return ops.max(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.min")
def min(x, axis=None, keepdims=False):
    """Smallest value over `axis`."""
    return ops.min(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.any")
def any(x, axis=None, keepdims=False):
    """True where some element over `axis` is non-zero."""
    return ops.any(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.all")
def all(x, axis=None, keepdims=False):
    """True where every element over `axis` is non-zero."""
    return ops.all(x, axis=axis, keepdims=keepdims)


@_keras2("keras.ops.argmax")
def argmax(x, axis=-1):
    """Index of the largest value along `axis` (the last by default, as in Keras 2)."""
    return ops.argmax(x, axis=axis)


@_keras2("keras.ops.argmin")
def argmin(x, axis=-1):
    """Index of the smallest value along `axis` (the last by default)."""
    return ops.argmin(x, axis=axis)


@_keras2("keras.ops.cumsum")
def cumsum(x, axis=0):
    """Running sum along `axis` (the first by default, as in Keras 2)."""
    return ops.cumsum(x, axis=axis)


@_keras2("keras.ops.cumprod")
def cumprod(x, axis=0):
    """Running product along `axis` (the first by default)."""
    return ops.cumprod(x, axis=axis)


@_keras2("keras.ops.logsumexp")
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed stably."""
    return ops.logsumexp(x, axis=axis, keepdims=keepdims)


# ---- element-wise ----------------------------------------------------------------------------------------------
@_keras2("keras.ops.square")
def square(x):
    """x * x."""
    return ops.square(x)


@_keras2("keras.ops.sqrt")
def sqrt(x):
    """Square root, negatives clipped to 0 first (as Keras 2 does, so a rounding error never gives NaN)."""
    return ops.sqrt(ops.maximum(x, 0.0))


@_keras2("keras.ops.abs")
def abs(x):
    """|x|."""
    return ops.abs(x)


@_keras2("keras.ops.exp")
def exp(x):
    """e ** x."""
    return ops.exp(x)


@_keras2("keras.ops.log")
def log(x):
    """Natural logarithm."""
    return ops.log(x)


@_keras2("keras.ops.power")
def pow(x, a):
    """x ** a."""
    return ops.power(x, a)


@_keras2("keras.ops.round")
def round(x):
    """x rounded to the nearest integer, halves to even."""
    return ops.round(x)


@_keras2("keras.ops.sign")
def sign(x):
    """-1, 0 or 1 by the sign of x."""
    return ops.sign(x)


@_keras2("keras.ops.sin")
def sin(x):
    """Sine."""
    return ops.sin(x)


@_keras2("keras.ops.cos")
def cos(x):
    """Cosine."""
    return ops.cos(x)


@_keras2("keras.ops.clip")
def clip(x, min_value, max_value):
    """x limited to [min_value, max_value]; None means unbounded, and a max below the min is raised to it."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) and max_value < min_value:
        max_value = min_value
    return ops.clip(x, -np.inf if min_value is None else min_value, np.inf if max_value is None else max_value)


@_keras2("keras.ops.maximum")
def maximum(x, y):
    """The larger of x and y, element-wise."""
    return ops.maximum(x, y)


@_keras2("keras.ops.minimum")
def minimum(x, y):
    """The smaller of x and y, element-wise."""
    return ops.minimum(x, y)


@_keras2("keras.ops.equal")
def equal(x, y):
    """x == y, element-wise."""
    return ops.equal(x, y)


@_keras2("keras.ops.not_equal")
def not_equal(x, y):
    """x != y, element-wise."""
    return ops.not_equal(x, y)


@_keras2("keras.ops.greater")
def greater(x, y):
    """x > y, element-wise."""
    return ops.greater(x, y)


@_keras2("keras.ops.greater_equal")
def greater_equal(x, y):
    """x >= y, element-wise."""
    return ops.greater_equal(x, y)


@_keras2("keras.ops.less")
def less(x, y):
    """x < y, element-wise."""
    return ops.less(x, y)


@_keras2("keras.ops.less_equal")
def less_equal(x, y):
    """x <= y, element-wise."""
    return ops.less_equal(x, y)


@_keras2("keras.ops.where")
def switch(condition, then_expression, else_expression):
    """then_expression where condition holds, else_expression elsewhere; either may be a function of no
    arguments; a scalar condition picks one whole branch."""
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    condition = ops.convert_to_tensor(condition)
    if condition.ndim == 0:
        return then_value if bool(getval(condition)) else else_value
    while condition.ndim < np.ndim(getval(then_value)):
        condition = ops.expand_dims(condition, -1)  # Keras 2 lines a lower-rank condition up with the first axes
    return ops.where(condition, then_value, else_value)


# ---- shapes and products ------------------------------------------------------------------------------------------
@_keras2("keras.ops.matmul (or keras.ops.dot)")
def dot(x, y):
    """The matrix product; for higher ranks, sums x's last axis against y's second-to-last (numpy's dot)."""
    return ops.dot(x, y)


@_keras2("keras.ops.einsum (or keras.layers.Dot)")
def batch_dot(x, y, axes=None):
    """Per-sample dot product: for each i, x[i] and y[i] contracted over `axes` (x's last and y's
    second-to-last, or last for 2-D y, by default); two 2-D inputs give shape (batch, 1)."""
    x, y = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(f"K.batch_dot: expected inputs of rank >= 2, got shapes {x.shape} and {y.shape}.")
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    axis_x, axis_y = (a % n for a, n in zip(axes, (x.ndim, y.ndim)))
    if 0 in (axis_x, axis_y):
        raise ValueError(f"K.batch_dot: cannot contract over the batch axis, got axes={axes}.")
    if x.shape[axis_x] != y.shape[axis_y]:
        raise ValueError(f"K.batch_dot: x's axis {axis_x} ({x.shape[axis_x]}) and y's axis {axis_y} "
                         f"({y.shape[axis_y]}) must have the same length; shapes {x.shape} and {y.shape}.")
    result = ops.stack([ops.tensordot(x[i], y[i], axes=([axis_x - 1], [axis_y - 1])) for i in range(x.shape[0])])
    return ops.expand_dims(result, -1) if result.ndim == 1 else result


@_keras2("keras.ops.concatenate")
def concatenate(tensors, axis=-1):
    """The tensors joined along `axis` (the last by default, unlike ops.concatenate's 0)."""
    return ops.concatenate(list(tensors), axis=axis)


@_keras2("keras.ops.stack")
def stack(x, axis=0):
    """The tensors joined along a new `axis`."""
    return ops.stack(list(x), axis=axis)


@_keras2("keras.ops.reshape")
def reshape(x, shape):
    """x with a new shape (one entry may be -1)."""
    return ops.reshape(x, shape)


@_keras2("keras.ops.transpose(x, axes)")
def permute_dimensions(x, pattern):
    """x with its axes reordered by `pattern`, e.g. (0, 2, 1)."""
    return ops.transpose(x, tuple(pattern))


@_keras2("keras.ops.transpose")
def transpose(x):
    """x with its axes reversed."""
    return ops.transpose(x)


@_keras2("keras.ops.expand_dims")
def expand_dims(x, axis=-1):
    """x with a new axis of length 1 at `axis` (the end by default)."""
    return ops.expand_dims(x, axis)


@_keras2("keras.ops.squeeze")
def squeeze(x, axis):
    """x without its length-1 `axis`."""
    return ops.squeeze(x, axis)


@_keras2("keras.ops.reshape(x, (-1,))")
def flatten(x):
    """x as one 1-D array."""
    return ops.reshape(x, (-1,))


@_keras2("keras.ops.reshape(x, (x.shape[0], -1))")
def batch_flatten(x):
    """x as (batch, everything else)."""
    x = ops.convert_to_tensor(x)
    return ops.reshape(x, (x.shape[0], -1))


@_keras2("keras.ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1)")
def repeat(x, n):
    """A 2-D x (batch, features) repeated n times on a new axis 1: (batch, n, features)."""
    x = ops.convert_to_tensor(x)
    if x.ndim != 2:
        raise ValueError(f"K.repeat: expected a 2-D input (batch, features), got shape {x.shape}.")
    return ops.repeat(ops.expand_dims(x, 1), n, axis=1)


@_keras2("keras.ops.repeat")
def repeat_elements(x, rep, axis):
    """Each element repeated `rep` times along `axis`."""
    return ops.repeat(x, rep, axis=axis)


@_keras2("keras.ops.tile")
def tile(x, n):
    """x repeated n times along each axis."""
    return ops.tile(x, n)


@_keras2("keras.ops.flip")
def reverse(x, axes):
    """x with the order along `axes` reversed."""
    return ops.flip(x, axis=axes)


@_keras2("keras.ops.take(reference, indices, axis=0)")
def gather(reference, indices):
    """The rows of `reference` at `indices`."""
    return ops.take(reference, indices, axis=0)


@_keras2("keras.ops.one_hot")
def one_hot(indices, num_classes):
    """Integer labels as one-hot vectors on a new last axis."""
    return ops.one_hot(indices, num_classes)


@_keras2("keras.ops.add(x, bias)")
def bias_add(x, bias, data_format=None):
    """x + bias, the bias along the channels axis (the last, or the second for 'channels_first')."""
    x, bias = ops.convert_to_tensor(x), ops.convert_to_tensor(bias)
    if data_format == "channels_first" and x.ndim > 2 and bias.ndim == 1:
        bias = ops.reshape(bias, (-1,) + (1,) * (x.ndim - 2))
    return x + bias


@_keras2("keras.ops.arange")
def arange(start, stop=None, step=1, dtype="int32"):
    """Evenly spaced values in [start, stop), int32 by default."""
    return ops.arange(start, stop, step, dtype=dtype)


# ---- facts about tensors ----------------------------------------------------------------------------------------
@_keras2("x.shape")
def int_shape(x):
    """The shape as a tuple of ints."""
    return tuple(getval(x).shape) if hasattr(getval(x), "shape") else tuple(np.shape(x))


@_keras2("keras.ops.shape(x)")
def shape(x):
    """The shape as an int32 array (a tensor in Keras 2)."""
    return np.asarray(int_shape.__wrapped__(x), dtype=np.int32)


@_keras2("keras.ops.ndim(x) or len(x.shape)")
def ndim(x):
    """The number of axes."""
    return len(int_shape.__wrapped__(x))


@_keras2("keras.backend.standardize_dtype(x.dtype)")
def dtype(x):
    """The dtype name ('float32', ...)."""
    return ops.dtype(x)


@_keras2("keras.ops.size(x)")
def count_params(x):
    """The number of elements."""
    return int(np.prod(int_shape.__wrapped__(x)))


@_keras2("keras.ops.cast")
def cast(x, dtype):
    """x converted to `dtype`."""
    return ops.cast(x, dtype)


@_keras2("keras.ops.stop_gradient")
def stop_gradient(variables):
    """The same value(s) with no gradient flowing back (a list gives a list)."""
    if isinstance(variables, (list, tuple)):
        return [ops.stop_gradient(v) for v in variables]
    return ops.stop_gradient(variables)


@_keras2("print(x) (eagerly)")
def print_tensor(x, message=""):
    """Prints message and x's value, and returns x."""
    print(message, np.asarray(getval(x)))
    return x


# ---- variables and constants: plain numpy arrays, changed in place by set_value -----------------------------------
@_keras2("keras.Variable(value)")
def variable(value, dtype=None, name=None, constraint=None):
    """A new array holding `value` (floatx unless `dtype`), which set_value changes in place."""
    return np.array(getval(value), dtype=standardize_dtype(dtype))


@_keras2("keras.ops.convert_to_tensor")
def constant(value, dtype=None, shape=None, name=None):
    """An array of `value` (floatx unless `dtype`), broadcast to `shape` when given."""
    array = np.array(getval(value), dtype=standardize_dtype(dtype))
    return array if shape is None else np.broadcast_to(array, shape).copy()


@_keras2("keras.ops.convert_to_numpy(x) (or variable.numpy())")
def get_value(x):
    """x's value as a numpy array (a copy)."""
    return np.array(getval(x))


@_keras2("[keras.ops.convert_to_numpy(x) for x in xs]")
def batch_get_value(xs):
    """get_value of each."""
    return [get_value.__wrapped__(x) for x in xs]


@_keras2("keras.ops.convert_to_numpy(x)")
def eval(x):
    """x's value as a numpy array."""
    return np.asarray(getval(x))


@_keras2("variable.assign(value)")
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


@_keras2("[v.assign(value) for v, value in pairs]")
def batch_set_value(tuples):
    """set_value for each (variable, value) pair."""
    for x, value in tuples:
        set_value.__wrapped__(x, value)


@_keras2("keras.ops.zeros")
def zeros(shape, dtype=None, name=None):
    """An array of zeros (floatx unless `dtype`)."""
    return ops.zeros(shape, dtype=dtype)


@_keras2("keras.ops.ones")
def ones(shape, dtype=None, name=None):
    """An array of ones (floatx unless `dtype`)."""
    return ops.ones(shape, dtype=dtype)


@_keras2("keras.ops.zeros_like")
def zeros_like(x, dtype=None, name=None):
    """Zeros of x's shape (and dtype, unless `dtype`)."""
    return ops.zeros_like(x, dtype=dtype)


@_keras2("keras.ops.ones_like")
def ones_like(x, dtype=None, name=None):
    """Ones of x's shape (and dtype, unless `dtype`)."""
    return ops.ones_like(x, dtype=dtype)


@_keras2("keras.ops.eye")
def eye(size, dtype=None, name=None):
    """The size x size identity matrix (a (rows, columns) pair gives a rectangle)."""
    rows, columns = (size, size) if isinstance(size, int) else size
    return ops.eye(rows, columns, dtype=dtype)


@_keras2("keras.ops.copy")
def identity(x, name=None):
    """A copy of x."""
    return ops.copy(x)


@_keras2("keras.random.uniform")
def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in [minval, maxval) (from minikeras's seeded source, or from `seed`)."""
    rng = backend.new_rng() if seed is None else np.random.default_rng(seed)
    return rng.uniform(minval, maxval, size=tuple(np.asarray(getval(shape)).tolist())).astype(
        standardize_dtype(dtype))


@_keras2("keras.random.normal")
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples with the given mean and standard deviation (as a VAE's sampling layer draws them)."""
    rng = backend.new_rng() if seed is None else np.random.default_rng(seed)
    return rng.normal(mean, stddev, size=tuple(np.asarray(getval(shape)).tolist())).astype(
        standardize_dtype(dtype))


# ---- activations, losses, normalization ----------------------------------------------------------------------------
@_keras2("keras.ops.softmax")
def softmax(x, axis=-1):
    """exp(x) normalized along `axis`."""
    return ops.softmax(x, axis=axis)


@_keras2("keras.ops.sigmoid")
def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ops.sigmoid(x)


@_keras2("keras.ops.clip(0.2 * x + 0.5, 0, 1) (keras.ops.hard_sigmoid has slope 1/6)")
def hard_sigmoid(x):
    """Keras 2's hard sigmoid: clip(0.2 * x + 0.5, 0, 1) (Keras 3's has slope 1/6)."""
    return ops.clip(0.2 * ops.convert_to_tensor(x) + 0.5, 0.0, 1.0)


@_keras2("keras.ops.tanh")
def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


@_keras2("keras.activations.relu")
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, 0); below `threshold` alpha * (x - threshold), capped at max_value when given."""
    from . import activations
    return activations.relu(ops.convert_to_tensor(x), negative_slope=alpha, max_value=max_value,
                            threshold=threshold)


@_keras2("keras.ops.elu")
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    return ops.elu(x, alpha)


@_keras2("keras.ops.softplus")
def softplus(x):
    """log(1 + exp(x))."""
    return ops.softplus(x)


@_keras2("keras.ops.softsign")
def softsign(x):
    """x / (|x| + 1)."""
    return ops.softsign(x)


@_keras2("keras.ops.categorical_crossentropy")
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) along `axis`, per sample (note: target first, as in Keras 2)."""
    return ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


@_keras2("keras.ops.sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """categorical_crossentropy with integer labels as target."""
    return ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


@_keras2("keras.ops.binary_crossentropy")
def binary_crossentropy(target, output, from_logits=False):
    """-(target log(output) + (1 - target) log(1 - output)), element-wise."""
    return ops.binary_crossentropy(target, output, from_logits=from_logits)


@_keras2("keras.ops.normalize(x, axis=axis) (epsilon 1e-7 there, 1e-12 here)")
def l2_normalize(x, axis=None):
    """x / sqrt(max(sum(x**2, axis), 1e-12)), as tf.nn.l2_normalize (every axis when None)."""
    x = ops.convert_to_tensor(x)
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x / ops.sqrt(ops.maximum(squares, 1e-12))


# ---- settings and sessions ----------------------------------------------------------------------------------------
@_keras2("keras.config.image_data_format() == 'channels_last'")
def image_dim_ordering():
    """Keras 1's name of the image layout: 'tf' (channels last) or 'th' (channels first)."""
    return "tf" if backend.image_data_format() == "channels_last" else "th"


@_keras2("keras.config.set_image_data_format('channels_last' or 'channels_first')")
def set_image_dim_ordering(dim_ordering):
    """Keras 1's setter: 'tf' means channels_last, 'th' channels_first."""
    if dim_ordering not in ("tf", "th"):
        raise ValueError(f"K.set_image_dim_ordering: expected 'tf' or 'th', got {dim_ordering!r}.")
    backend.set_image_data_format("channels_last" if dim_ordering == "tf" else "channels_first")


@_keras2("the `training` argument of call()")
def learning_phase():
    """0 (inference): in minikeras the training flag is the `training` argument of a layer's call."""
    return 0


@_keras2("the `training` argument of call()")
def set_learning_phase(value):
    """Accepted for old scripts (0 or 1) and ignored: fit trains, predict and evaluate infer."""
    if value not in (0, 1):
        raise ValueError(f"K.set_learning_phase: expected 0 or 1, got {value!r}.")


@_keras2("the `training` argument of call()")
def in_train_phase(x, alt, training=None):
    """x when training is true, else alt (either may be a function of no arguments)."""
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


@_keras2("the `training` argument of call()")
def in_test_phase(x, alt, training=None):
    """x when training is false, else alt."""
    chosen = alt if training else x
    return chosen() if callable(chosen) else chosen


def _not_in_minikeras(name, advice):
    def refuse(*args, **kwargs):
        raise TypeError(f"K.{name} is not available in minikeras (Keras 3 dropped it too): {advice}")
    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = f"Not available: {advice}"
    return refuse


gradients = _not_in_minikeras("gradients", "differentiate a function with autograd.grad, or let fit do it.")
function = _not_in_minikeras("function", "call the model (model.predict, or model(x)) or a plain Python function.")
placeholder = _not_in_minikeras("placeholder", "use minikeras.Input(shape) for a symbolic input.")
get_session = _not_in_minikeras("get_session", "minikeras has no sessions; computations run eagerly.")
set_session = _not_in_minikeras("set_session", "minikeras has no sessions; computations run eagerly.")

__all__ = sorted(_KERAS3) + ["gradients", "function", "placeholder", "get_session", "set_session"]
