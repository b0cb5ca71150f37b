"""keras.ops' core functions (Keras's keras.src.ops.core): conversion, casting, control flow as plain Python loops,
slicing and scattering."""
import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp_argnum, primitive
from autograd.tracer import getval

from ._tensor import as_array, is_array, names_errors, standardize_dtype
from .symbolic import keras_op

__all__ = ["convert_to_tensor", "convert_to_numpy", "is_tensor", "shape", "dtype", "cast", "saturate_cast",
           "stop_gradient", "cond", "switch", "fori_loop", "while_loop", "scan", "associative_scan", "map",
           "vectorized_map", "unstack", "slice", "slice_update", "scatter", "scatter_update", "custom_gradient"]


# ---- arrays in and out --------------------------------------------------------------------------------------------
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """x as an array (Python floats become floatx, ints int32; arrays and autograd values pass unchanged),
    cast to `dtype` when given."""
    if sparse or ragged:
        raise ValueError("ops.convert_to_tensor: sparse and ragged tensors are not supported by minikeras.")
    x = as_array(x, "convert_to_tensor")
    return x if dtype is None else cast(x, dtype)


def convert_to_numpy(x):
    """x as a plain numpy array (an autograd value gives its current number, with no gradient)."""
    return np.asarray(getval(x))


def is_tensor(x):
    """True for the arrays ops work on: numpy arrays and autograd values."""
    return is_array(x) and not isinstance(x, np.generic)


def shape(x):
    """The shape of x as a tuple of ints."""
    return tuple(np.shape(getval(x)))


def dtype(x):
    """The dtype name of x, as Keras spells it ('float32', 'int32', 'bool', ...)."""
    return str(as_array(x, "dtype").dtype)


@keras_op
@names_errors
def cast(x, dtype):
    """x converted to `dtype` (a float to int cast truncates towards 0)."""
    return as_array(x, "cast").astype(standardize_dtype(dtype, "cast"))


@keras_op
@names_errors
def saturate_cast(x, dtype):
    """x converted to `dtype`, clipped first to the range that dtype can hold."""
    target = standardize_dtype(dtype, "saturate_cast")
    limits = np.finfo(target) if target.kind == "f" else np.iinfo(target) if target.kind in "iu" else None
    x = as_array(x, "saturate_cast")
    return (x if limits is None else anp.clip(x, limits.min, limits.max)).astype(target)


@keras_op
def stop_gradient(variable):
    """The same value, but no gradient flows back through it."""
    return getval(variable)


# ---- control flow: plain Python, so autograd differentiates through it ----------------------------------------------
def _tree_stack(values):
    first = values[0]
    if first is None:
        return None
    if isinstance(first, (tuple, list)):
        return type(first)(_tree_stack([v[i] for v in values]) for i in range(len(first)))
    if isinstance(first, dict):
        return {key: _tree_stack([v[key] for v in values]) for key in first}
    return anp.stack(values)


def _tree_index(tree, i):
    if isinstance(tree, (tuple, list)):
        return type(tree)(_tree_index(t, i) for t in tree)
    if isinstance(tree, dict):
        return {key: _tree_index(value, i) for key, value in tree.items()}
    return tree[i]


def _tree_length(tree):
    if isinstance(tree, (tuple, list)):
        return _tree_length(tree[0])
    if isinstance(tree, dict):
        return _tree_length(next(iter(tree.values())))
    return len(tree)


@keras_op
def cond(pred, true_fn, false_fn):
    """true_fn() if pred else false_fn()."""
    return true_fn() if bool(getval(pred)) else false_fn()


@keras_op
def switch(index, branches, *operands):
    """branches[index](*operands), the index clamped to the valid range."""
    index = int(np.clip(getval(index), 0, len(branches) - 1))
    return branches[index](*operands)


@keras_op
def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i from lower to upper - 1; returns the last val."""
    value = init_val
    for i in range(int(getval(lower)), int(getval(upper))):
        value = body_fun(i, value)
    return value


@keras_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """loop_vars = body(*loop_vars) while cond(*loop_vars) (at most maximum_iterations times)."""
    is_sequence = isinstance(loop_vars, (tuple, list))
    values = tuple(loop_vars) if is_sequence else (loop_vars,)
    steps = 0
    while bool(getval(cond(*values))) and (maximum_iterations is None or steps < maximum_iterations):
        result = body(*values)
        values = tuple(result) if is_sequence else (result,)
        steps += 1
    return type(loop_vars)(values) if is_sequence else values[0]


@keras_op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """carry, y = f(carry, x) for each x in xs (along their first axis); returns (last carry, ys stacked).
    Without xs, f is called `length` times with x=None."""
    if xs is None and length is None:
        raise ValueError("ops.scan: give xs or length.")
    steps = _tree_length(xs) if xs is not None else int(length)
    if xs is not None and length is not None and int(length) != steps:
        raise ValueError(f"ops.scan: length={length} does not match the {steps} steps of xs.")
    carry, ys = init, []
    for i in (reversed(range(steps)) if reverse else range(steps)):
        carry, y = f(carry, None if xs is None else _tree_index(xs, i))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, (_tree_stack(ys) if ys else None)


@keras_op
def associative_scan(f, elems, reverse=False, axis=0):
    """The running combination f(f(e0, e1), e2)... of elems along `axis` (f must be associative)."""
    moved = anp.moveaxis(as_array(elems, "associative_scan"), axis, 0)
    order = list(reversed(range(len(moved)))) if reverse else list(range(len(moved)))
    running = [moved[order[0]]]
    for i in order[1:]:
        running.append(f(running[-1], moved[i]))
    if reverse:
        running.reverse()
    return anp.moveaxis(anp.stack(running), 0, axis)


@keras_op
def map(f, xs):
    """f applied to each element of xs along its first axis, the results stacked."""
    return _tree_stack([f(_tree_index(xs, i)) for i in range(_tree_length(xs))])


@keras_op
def vectorized_map(function, elements):
    """function applied to each element along the first axis, the results stacked (a loop here)."""
    return map(function, elements)


@keras_op
@names_errors
def unstack(x, num=None, axis=0):
    """The slices of x along `axis`, as a list."""
    x = anp.moveaxis(as_array(x, "unstack"), axis, 0)
    if num is not None and num != x.shape[0]:
        raise ValueError(f"ops.unstack: num={num} does not match axis {axis} of length {x.shape[0]}.")
    return [x[i] for i in range(x.shape[0])]


# ---- slices and scatters ------------------------------------------------------------------------------------------
def _starts(op, start_indices, rank):
    starts = [int(getval(s)) for s in np.asarray(getval(start_indices)).reshape(-1)]
    if len(starts) != rank:
        raise ValueError(f"ops.{op}: expected {rank} start indices (one per axis), got {len(starts)}.")
    return starts


@keras_op
@names_errors
def slice(inputs, start_indices, shape):
    """The block of `inputs` of size `shape` starting at `start_indices` (one per axis)."""
    inputs = as_array(inputs, "slice")
    starts = _starts("slice", start_indices, inputs.ndim)
    return inputs[tuple(np.s_[s:s + n] for s, n in zip(starts, shape))]


@keras_op
@names_errors
def slice_update(inputs, start_indices, updates):
    """`inputs` with the block starting at `start_indices` replaced by `updates` (a new array)."""
    inputs, updates = as_array(inputs, "slice_update"), as_array(updates, "slice_update")
    starts = _starts("slice_update", start_indices, inputs.ndim)
    widths = [(s, total - s - n) for s, n, total in zip(starts, updates.shape, inputs.shape)]
    if any(before < 0 or after < 0 for before, after in widths):
        raise ValueError(f"ops.slice_update: updates of shape {updates.shape} at {tuple(starts)} do not fit in "
                         f"inputs of shape {inputs.shape}.")
    inside = np.pad(np.ones(updates.shape, bool), widths)
    return anp.where(inside, anp.pad(updates, widths, "constant"), inputs)


def _scatter_matrix(indices, shape, dtype):
    """A 0/1 matrix mapping each update row to its flat position among the indexed leading axes."""
    indices = np.asarray(getval(indices)).astype(int)
    leading = shape[:indices.shape[-1]]
    flat = np.ravel_multi_index(tuple(np.moveaxis(indices.reshape(-1, indices.shape[-1]), -1, 0)), leading)
    return (np.arange(int(np.prod(leading)))[:, None] == flat[None, :]).astype(dtype), leading


@keras_op
@names_errors
def scatter(indices, values, shape):
    """A zero array of `shape` with `values` added at `indices` (rows of index tuples; duplicates add up)."""
    values = as_array(values, "scatter")
    matrix, leading = _scatter_matrix(indices, tuple(shape), values.dtype)
    rest = tuple(shape)[len(leading):]
    return anp.reshape(anp.dot(matrix, anp.reshape(values, (matrix.shape[1],) + rest)), tuple(shape))


@keras_op
@names_errors
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with the entries at `indices` replaced by `updates` (reduction='add' adds them instead)."""
    inputs, updates = as_array(inputs, "scatter_update"), as_array(updates, "scatter_update")
    if reduction not in (None, "add"):
        raise ValueError(f"ops.scatter_update: reduction must be None or 'add', got {reduction!r}.")
    added = scatter(indices, updates, inputs.shape)
    if reduction == "add":
        return inputs + added
    touched = scatter(indices, np.ones(np.shape(getval(updates)), inputs.dtype), inputs.shape) > 0
    return anp.where(touched, added, inputs)


# ---- custom gradients -------------------------------------------------------------------------------------------
def custom_gradient(f):
    """Decorate f(*args) -> (value, grad_fn) so autograd uses grad_fn(upstream) (one gradient per argument,
    a tuple when there are several) instead of differentiating f."""
    @primitive
    def forward(*args):
        return f(*args)[0]

    def vjp(argnum, answer, args, kwargs):
        def gradient(upstream):
            grads = f(*args)[1](upstream)
            return grads[argnum] if len(args) > 1 else (grads[0] if isinstance(grads, (tuple, list)) else grads)
        return gradient

    defvjp_argnum(forward, vjp)
    forward.__name__ = getattr(f, "__name__", "custom_gradient")
    forward.__doc__ = getattr(f, "__doc__", None)
    return forward
