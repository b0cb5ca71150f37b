"""Element-wise ops of keras.ops.numpy (one or two inputs, broadcast), made by two small factories."""
import re

import autograd.numpy as anp
import numpy as np

from .._tensor import as_array, to_float, names_errors, promote
from ..symbolic import keras_op

__all__ = ["vectorize", "abs", "absolute", "fabs", "negative", "square", "sqrt", "cbrt", "reciprocal", "exp", "exp2",
           "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh",
           "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sinc", "deg2rad", "rad2deg", "sign", "floor", "ceil",
           "trunc", "real", "imag", "conj", "conjugate", "angle", "isnan", "isinf", "isfinite", "isneginf",
           "isposinf", "isreal", "signbit", "logical_not", "bitwise_invert", "bitwise_not", "add", "subtract",
           "multiply", "divide", "true_divide", "divide_no_nan", "floor_divide", "mod", "fmod", "power", "maximum",
           "minimum", "fmax", "fmin", "arctan2", "hypot", "logaddexp", "logaddexp2", "heaviside", "ldexp",
           "nextafter", "gcd", "lcm", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
           "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
           "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift"]


def _unary(name, numpy_function, doc, float_result=False):
    def op(x):
        x = to_float(x, name) if float_result else as_array(x, name)
        return numpy_function(x)
    return _named(op, name, doc)


def _binary(name, numpy_function, doc, float_result=False):
    def op(x1, x2):
        x1, x2 = promote(x1, x2, float_result)
        return numpy_function(x1, x2)
    return _named(op, name, doc)


def _bitwise(name, numpy_function, doc):
    def op(x, y):  # Keras names the bitwise ops' arguments x and y
        return numpy_function(getattr(x, "_value", x), getattr(y, "_value", y))
    return _named(op, name, doc)


def _named(op, name, doc):
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return keras_op(names_errors(op))


def _from_value(numpy_function):
    """A numpy function with no gradient applied to the plain values (for integer and boolean results)."""
    return lambda *args: numpy_function(*[getattr(a, "_value", a) for a in args])


# ---- element-wise, one input ------------------------------------------------------------------------------------
abs = _unary("abs", anp.abs, "Absolute value, element-wise.")
absolute = _unary("absolute", anp.abs, "Absolute value, element-wise (same as abs).")
fabs = _unary("fabs", anp.fabs, "Absolute value as a float, element-wise.", float_result=True)
negative = _unary("negative", anp.negative, "-x, element-wise.")
square = _unary("square", anp.square, "x * x, element-wise.")
sqrt = _unary("sqrt", anp.sqrt, "Square root, element-wise (integers give floatx).", float_result=True)
cbrt = _unary("cbrt", lambda x: anp.sign(x) * anp.abs(x) ** (1.0 / 3.0), "Cube root, element-wise.", True)
reciprocal = _unary("reciprocal", lambda x: 1.0 / x, "1 / x, element-wise.", float_result=True)
exp = _unary("exp", anp.exp, "e ** x, element-wise.", float_result=True)
exp2 = _unary("exp2", anp.exp2, "2 ** x, element-wise.", float_result=True)
expm1 = _unary("expm1", anp.expm1, "exp(x) - 1, accurate for small x.", float_result=True)
log = _unary("log", anp.log, "Natural logarithm, element-wise.", float_result=True)
log2 = _unary("log2", anp.log2, "Base-2 logarithm, element-wise.", float_result=True)
log10 = _unary("log10", anp.log10, "Base-10 logarithm, element-wise.", float_result=True)
log1p = _unary("log1p", anp.log1p, "log(1 + x), accurate for small x.", float_result=True)
sin = _unary("sin", anp.sin, "Sine, element-wise.", float_result=True)
cos = _unary("cos", anp.cos, "Cosine, element-wise.", float_result=True)
tan = _unary("tan", anp.tan, "Tangent, element-wise.", float_result=True)
arcsin = _unary("arcsin", anp.arcsin, "Inverse sine, element-wise.", float_result=True)
arccos = _unary("arccos", anp.arccos, "Inverse cosine, element-wise.", float_result=True)
arctan = _unary("arctan", anp.arctan, "Inverse tangent, element-wise.", float_result=True)
sinh = _unary("sinh", anp.sinh, "Hyperbolic sine, element-wise.", float_result=True)
cosh = _unary("cosh", anp.cosh, "Hyperbolic cosine, element-wise.", float_result=True)
tanh = _unary("tanh", anp.tanh, "Hyperbolic tangent, element-wise.", float_result=True)
arcsinh = _unary("arcsinh", anp.arcsinh, "Inverse hyperbolic sine, element-wise.", float_result=True)
arccosh = _unary("arccosh", anp.arccosh, "Inverse hyperbolic cosine, element-wise.", float_result=True)
arctanh = _unary("arctanh", anp.arctanh, "Inverse hyperbolic tangent, element-wise.", float_result=True)
sinc = _unary("sinc", anp.sinc, "sin(pi x) / (pi x), element-wise (1 at 0).", float_result=True)
deg2rad = _unary("deg2rad", anp.deg2rad, "Degrees to radians, element-wise.", float_result=True)
rad2deg = _unary("rad2deg", anp.rad2deg, "Radians to degrees, element-wise.", float_result=True)
sign = _unary("sign", anp.sign, "-1, 0 or 1 by the sign of x, element-wise (gradient 0).")
floor = _unary("floor", anp.floor, "Largest integer <= x, as a float (gradient 0).", float_result=True)
ceil = _unary("ceil", anp.ceil, "Smallest integer >= x, as a float (gradient 0).", float_result=True)
trunc = _unary("trunc", anp.trunc, "x rounded towards 0 (keeps the dtype; gradient 0).")
real = _unary("real", anp.real, "The real part, element-wise.")
imag = _unary("imag", anp.imag, "The imaginary part, element-wise.")
conj = _unary("conj", anp.conj, "The complex conjugate, element-wise.")
conjugate = _unary("conjugate", anp.conj, "The complex conjugate, element-wise (same as conj).")
angle = _unary("angle", anp.angle, "The complex argument, element-wise.", float_result=True)
isnan = _unary("isnan", _from_value(np.isnan), "True where x is NaN.")
isinf = _unary("isinf", _from_value(np.isinf), "True where x is +inf or -inf.")
isfinite = _unary("isfinite", _from_value(np.isfinite), "True where x is neither NaN nor infinite.")
isneginf = _unary("isneginf", _from_value(np.isneginf), "True where x is -inf.")
isposinf = _unary("isposinf", _from_value(np.isposinf), "True where x is +inf.")
isreal = _unary("isreal", _from_value(np.isreal), "True where x has no imaginary part.")
signbit = _unary("signbit", _from_value(np.signbit), "True where the sign bit of x is set (x < 0, -0.0).")
logical_not = _unary("logical_not", _from_value(np.logical_not), "not x, element-wise, as booleans.")
bitwise_invert = _unary("bitwise_invert", _from_value(np.invert), "~x on integers, element-wise.")
bitwise_not = _unary("bitwise_not", _from_value(np.invert), "~x on integers (same as bitwise_invert).")

# ---- element-wise, two inputs (broadcast) -----------------------------------------------------------------------
add = _binary("add", anp.add, "x1 + x2, element-wise with broadcasting.")
subtract = _binary("subtract", anp.subtract, "x1 - x2, element-wise with broadcasting.")
multiply = _binary("multiply", anp.multiply, "x1 * x2, element-wise with broadcasting.")
divide = _binary("divide", anp.true_divide, "x1 / x2 (integers give floatx).", float_result=True)
true_divide = _binary("true_divide", anp.true_divide, "x1 / x2 (same as divide).", float_result=True)
divide_no_nan = _binary("divide_no_nan", lambda a, b: anp.where(b == 0, 0.0, a / anp.where(b == 0, 1.0, b)),
                        "x1 / x2, and 0 where x2 is 0.", float_result=True)
floor_divide = _binary("floor_divide", anp.floor_divide, "floor(x1 / x2), element-wise.")
mod = _binary("mod", anp.mod, "x1 mod x2 with the sign of x2 (Python's %).")
fmod = _binary("fmod", lambda a, b: a - b * np.trunc(getattr(a / b, "_value", a / b)),  # autograd lacks fmod's
               "x1 mod x2 with the sign of x1 (C's fmod).")                                # gradient
power = _binary("power", anp.power, "x1 ** x2, element-wise.")
maximum = _binary("maximum", anp.maximum, "The larger of x1 and x2, element-wise.")
minimum = _binary("minimum", anp.minimum, "The smaller of x1 and x2, element-wise.")
fmax = _binary("fmax", anp.fmax, "The larger of x1 and x2, ignoring NaN.")
fmin = _binary("fmin", anp.fmin, "The smaller of x1 and x2, ignoring NaN.")
arctan2 = _binary("arctan2", anp.arctan2, "The angle of the point (x2, x1), element-wise.", float_result=True)
hypot = _binary("hypot", anp.hypot, "sqrt(x1**2 + x2**2), element-wise.", float_result=True)
logaddexp = _binary("logaddexp", anp.logaddexp, "log(exp(x1) + exp(x2)), computed stably.", float_result=True)
logaddexp2 = _binary("logaddexp2", anp.logaddexp2, "log2(2**x1 + 2**x2), computed stably.", float_result=True)
heaviside = _binary("heaviside", _from_value(np.heaviside), "0 where x1 < 0, 1 where x1 > 0, x2 where x1 == 0.")
ldexp = _binary("ldexp", anp.ldexp, "x1 * 2 ** x2, element-wise.")
nextafter = _binary("nextafter", _from_value(np.nextafter), "The next float after x1 towards x2.")
gcd = _binary("gcd", _from_value(np.gcd), "Greatest common divisor of integers, element-wise.")
lcm = _binary("lcm", _from_value(np.lcm), "Least common multiple of integers, element-wise.")
equal = _binary("equal", _from_value(np.equal), "x1 == x2, element-wise, as booleans.")
not_equal = _binary("not_equal", _from_value(np.not_equal), "x1 != x2, element-wise, as booleans.")
greater = _binary("greater", _from_value(np.greater), "x1 > x2, element-wise, as booleans.")
greater_equal = _binary("greater_equal", _from_value(np.greater_equal), "x1 >= x2, element-wise, as booleans.")
less = _binary("less", _from_value(np.less), "x1 < x2, element-wise, as booleans.")
less_equal = _binary("less_equal", _from_value(np.less_equal), "x1 <= x2, element-wise, as booleans.")
logical_and = _binary("logical_and", _from_value(np.logical_and), "x1 and x2, element-wise, as booleans.")
logical_or = _binary("logical_or", _from_value(np.logical_or), "x1 or x2, element-wise, as booleans.")
logical_xor = _binary("logical_xor", _from_value(np.logical_xor), "x1 xor x2, element-wise, as booleans.")
bitwise_and = _bitwise("bitwise_and", np.bitwise_and, "x & y on integers, element-wise.")
bitwise_or = _bitwise("bitwise_or", np.bitwise_or, "x | y on integers, element-wise.")
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor, "x ^ y on integers, element-wise.")
bitwise_left_shift = _bitwise("bitwise_left_shift", np.left_shift, "x << y on integers.")
bitwise_right_shift = _bitwise("bitwise_right_shift", np.right_shift, "x >> y on integers.")
left_shift = _bitwise("left_shift", np.left_shift, "x << y on integers (bitwise_left_shift).")
right_shift = _bitwise("right_shift", np.right_shift, "x >> y on integers (bitwise_right_shift).")


# ---- any Python function, element by element ----------------------------------------------------------------------
def _core_ranks(signature, count):
    """The number of core axes of each input in a numpy-style signature such as '(m,n),(n)->(m)'."""
    if signature is None:
        return [0] * count
    inputs = signature.split("->")[0]
    groups = re.findall(r"\(([^)]*)\)", inputs)
    return [len([d for d in g.split(",") if d.strip()]) for g in groups]


@keras_op
@names_errors
def vectorize(pyfunc, *, excluded=None, signature=None):
    """pyfunc made to map over the leading (loop) axes of its array arguments, element by element, or over the
    core axes a numpy signature such as '(n)->()' names; the results are stacked. A plain loop, so ops inside
    pyfunc keep their gradients."""
    excluded = set(excluded or ())

    def vectorized(*args):
        mapped = [i for i in range(len(args)) if i not in excluded]
        arrays = {i: as_array(args[i], "vectorize") for i in mapped}
        ranks = dict(zip(mapped, _core_ranks(signature, len(mapped))))
        loop_shape = np.broadcast_shapes(*[arrays[i].shape[:arrays[i].ndim - ranks[i]] for i in mapped])
        results = []
        for index in np.ndindex(*loop_shape):
            call = list(args)
            for i in mapped:
                loop_rank = arrays[i].ndim - ranks[i]
                own = tuple(0 if n == 1 else k for k, n in zip(index[len(index) - loop_rank:],
                                                                 arrays[i].shape[:loop_rank]))
                call[i] = arrays[i][own]
            results.append(pyfunc(*call))
        stacked = anp.stack([as_array(r, "vectorize") for r in results])
        return anp.reshape(stacked, loop_shape + stacked.shape[1:])
    vectorized.__name__ = getattr(pyfunc, "__name__", "vectorized")
    vectorized.__doc__ = getattr(pyfunc, "__doc__", None)
    return vectorized
