"""What every op shares: turning inputs into arrays the Keras way, its dtype rules, and errors that name the op."""
import functools

import autograd.numpy as anp
import numpy as np
from autograd.numpy.numpy_boxes import ArrayBox

from .. import backend


def is_array(x):
    """True for a numpy array, a numpy scalar or an autograd box (what ops return)."""
    return isinstance(x, (np.ndarray, np.generic, ArrayBox))


def as_array(x, op="convert_to_tensor"):
    """x as an array: arrays and autograd boxes unchanged; Python floats become floatx and ints int32, as in Keras."""
    if is_array(x):
        return x
    if isinstance(x, (str, bytes)):
        raise TypeError(f"ops.{op}: expected a number or an array of numbers, got the string {x!r}.")
    if isinstance(x, (list, tuple)) and any(is_array(item) and isinstance(item, ArrayBox) for item in x):
        return anp.stack([as_array(item, op) for item in x])
    array = np.asarray(x)
    if array.dtype.kind in "US":
        raise TypeError(f"ops.{op}: expected numbers or arrays of numbers, got strings: {x!r}.")
    if array.dtype.kind == "O":
        raise TypeError(f"ops.{op}: expected a number or an array of numbers, got {type(x).__name__} {x!r}.")
    if array.dtype == np.float64:
        return array.astype(backend.floatx())
    if array.dtype.kind in "iu" and array.dtype.itemsize == 8:
        return array.astype(np.int32)
    return array


def scalar_kind(x):
    """A dtype kind letter; Python numbers are 'weak f' / 'weak i' (their dtype gives way, as in JAX)."""
    if isinstance(x, (bool, np.bool_)):
        return "b"
    if isinstance(x, (int, float, complex)):
        return "weak " + ("f" if isinstance(x, float) else "i")
    return as_array(x).dtype.kind


def promote(x1, x2, float_result):
    """JAX's rules where numpy's differ: an integer meeting a float becomes that float (not float64), a Python
    float meeting integers becomes floatx; with `float_result`, two integers become floatx too."""
    dtype1, dtype2 = getattr(x1, "dtype", None), getattr(x2, "dtype", None)
    if dtype1 is not None and dtype1.kind in "fc" and (dtype2 == dtype1 or isinstance(x2, (int, float))):
        return x1, x2   # the common case inside a model: nothing to promote
    kinds = (scalar_kind(x1), scalar_kind(x2))
    float_side = [x for x, k in zip((x1, x2), kinds) if k in ("f", "c")]
    if float_side:
        target = float_side[0].dtype if len(float_side) == 1 else None
    elif float_result or "weak f" in kinds:
        target = backend.floatx()
    else:
        return x1, x2
    if target is None:
        return x1, x2
    return tuple(as_array(x).astype(target) if k in ("i", "u", "b") else x for x, k in zip((x1, x2), kinds))


def dtype_name(x):
    """The dtype of an array, a box or a Python number, as a string."""
    return str(as_array(x).dtype)


def is_float(x):
    """True for floating (and complex) arrays."""
    return as_array(x).dtype.kind in "fc"


def to_float(x, op="convert_to_tensor"):
    """x as an array, integers and booleans cast to floatx (for ops whose result is a real number)."""
    x = as_array(x, op)
    return x if x.dtype.kind in "fc" else x.astype(backend.floatx())


def int_result(x):
    """Integer results of index-like ops come back as int32, as in Keras."""
    return anp.asarray(x).astype(np.int32)


def keep_integer_dtype(result, x):
    """Reductions of ints keep the input's integer dtype (numpy would widen int32 to int64); bools count as int32."""
    kind = x.dtype.kind
    if kind == "b":
        return result.astype(np.int32)
    if kind in "iu":
        return result.astype(x.dtype)
    return result


def normalize_axis(op, axis, ndim):
    """A valid axis index for an array of rank `ndim`, or a ValueError naming the op, the axis and the rank."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"ops.{op}: axis must be an integer, got {axis!r}.")
    if not -ndim <= axis < ndim:
        raise ValueError(f"ops.{op}: axis {axis} is out of range for an input of rank {ndim} "
                         f"(expected -{ndim} <= axis < {ndim}).")
    return int(axis) % ndim


def _strings_in(args):
    for arg in args:
        if isinstance(arg, (str, bytes)):
            return arg
        if isinstance(arg, (list, tuple)) and any(isinstance(item, (str, bytes)) for item in arg):
            return arg
    return None


def public_module(module_name):
    """The Keras-mirroring module an op belongs to: minikeras.ops.numpy for minikeras.ops.numpy.reductions (the
    package is split into files for reading; Keras, and keras_op, know one module per family, as numpy's
    set_module does)."""
    parts = module_name.split(".")
    return ".".join(parts[:3]) if parts[:2] == ["minikeras", "ops"] else module_name


def names_errors(function):
    """Re-raise numpy's errors from inside an op as ValueError/TypeError starting with the op's name; the op
    reports its public module (see public_module)."""
    op = function.__name__
    function.__module__ = public_module(function.__module__)

    @functools.wraps(function)
    def op_with_named_errors(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (TypeError, ValueError, IndexError) as error:
            message = str(error)
            if message.startswith("ops.convert_to_tensor:") and op != "convert_to_tensor":
                raise type(error)(f"ops.{op}:" + message[len("ops.convert_to_tensor:"):]) from error
            if message.startswith("ops."):
                raise
            text = _strings_in(args)
            if text is not None:
                raise TypeError(f"ops.{op}: expected numbers or arrays of numbers, got {text!r}.") from error
            if isinstance(error, np.exceptions.AxisError):
                raise ValueError(f"ops.{op}: {message}.") from error
            kind = TypeError if isinstance(error, TypeError) else ValueError
            raise kind(f"ops.{op}: {message}") from error
    return op_with_named_errors


_DTYPE_ALIASES = {"float": None, "int": "int32", "uint": "uint32", "bool": "bool", "double": "float64"}


def standardize_dtype(dtype, op="cast"):
    """A numpy dtype for a Keras dtype name (None and 'float' mean floatx; 'int' means int32, as Keras on JAX)."""
    if dtype is None:
        return np.dtype(backend.floatx())
    if isinstance(dtype, str) and dtype in _DTYPE_ALIASES:
        alias = _DTYPE_ALIASES[dtype]
        return np.dtype(backend.floatx() if alias is None else alias)
    if dtype is float:
        return np.dtype(backend.floatx())
    if dtype is int:
        return np.dtype(np.int32)
    try:
        return np.dtype(getattr(dtype, "name", dtype))
    except TypeError:
        raise TypeError(f"ops.{op}: expected a dtype such as 'float32', 'int32' or 'bool', got {dtype!r}.") from None


def python_number_dtype(*values):
    """Keras's dtype for Python numbers: floatx if any is a float, else int32."""
    if any(isinstance(v, float) or getattr(v, "dtype", np.dtype(int)).kind == "f" for v in values):
        return np.dtype(backend.floatx())
    return np.dtype(np.int32)
