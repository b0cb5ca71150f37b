"""Activation functions over autograd.numpy arrays, with Keras 3's names and definitions, plus get/serialize."""
import math

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval
from numpy.polynomial import chebyshev

from ._naming import function_config, object_config, object_from_config


# ---- erf: no scipy at run time, so it is fit once at import from math.erf -----------------------------
# |x| <= 3: erf(x) / x is a smooth function of x**2; 3 < |x| <= 6: erfc(x) * exp(x**2) is smooth in x;
# beyond 6, erf is 1 to double precision. Both pieces agree with math.erf to about 1e-14.
def _erf_over_x(s):
    x = np.sqrt((s + 1.0) * 4.5)
    return np.array([math.erf(v) / v if v > 0 else 2.0 / math.sqrt(math.pi) for v in x])


def _scaled_erfc(s):
    return np.array([math.erfc(v) * math.exp(v * v) for v in (s + 1.0) * 1.5 + 3.0])


_ERF_NEAR = chebyshev.chebinterpolate(_erf_over_x, 20)
_ERFC_FAR = chebyshev.chebinterpolate(_scaled_erfc, 18)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@primitive
def erf(x):
    """The error function, elementwise, in the input's float dtype (accurate to float64 rounding)."""
    x = np.asarray(x)
    x64 = x.astype(np.float64)
    a = np.abs(x64)
    near = x64 * chebyshev.chebval(np.minimum(a, 3.0) ** 2 / 4.5 - 1.0, _ERF_NEAR)
    b = np.clip(a, 3.0, 6.0)
    far = np.sign(x64) * (1.0 - chebyshev.chebval((b - 3.0) / 1.5 - 1.0, _ERFC_FAR) * np.exp(-b * b))
    far = np.where(a > 6.0, np.sign(x64), far)
    out = np.where(a <= 3.0, near, far)
    return out.astype(x.dtype) if x.dtype.kind == "f" else out


defvjp(erf, lambda ans, x: lambda g: g * _TWO_OVER_SQRT_PI * anp.exp(-x * x))


# ---- the two gates of every recurrent cell: primitives, because their gradient is cheapest from the output --
@primitive
def sigmoid(x):
    """1 / (1 + exp(-x)), written through tanh so it never overflows."""
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


defvjp(sigmoid, lambda ans, x: lambda g: g * ans * (1.0 - ans))


@primitive
def tanh(x):
    """Hyperbolic tangent, squashing x into (-1, 1)."""
    return np.tanh(x)


defvjp(tanh, lambda ans, x: lambda g: g * (1.0 - ans * ans))


# ---- the Keras 3 activations ---------------------------------------------------------------------------
def linear(x):
    """The identity: x unchanged (what activation=None means)."""
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); with the options: x below `threshold` becomes negative_slope * (x - threshold),
    and the positive part is capped at `max_value`."""
    if max_value is None and threshold == 0.0:
        return anp.where(x > 0, x, 0.0) if negative_slope == 0.0 else leaky_relu(x, negative_slope)
    if threshold != 0.0:
        positive = anp.where(x > threshold, x, 0.0)
    else:
        positive = anp.where(x > 0, x, 0.0)
    if max_value is not None:
        positive = anp.clip(positive, 0.0, max_value)
    if negative_slope != 0.0:
        positive = positive - negative_slope * anp.where(x < threshold, threshold - x, 0.0)
    return positive


def relu6(x):
    """relu capped at 6: min(max(x, 0), 6)."""
    return anp.clip(x, 0.0, 6.0)


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x below (default slope 0.2, as in Keras 3)."""
    return anp.where(x >= 0, x, negative_slope * x)


def elu(x, alpha=1.0):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below."""
    # expm1 sees only non-positive values, so large inputs cannot overflow in the branch not taken
    return anp.where(x > 0, x, alpha * anp.expm1(anp.where(x > 0, 0.0, x)))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled elu with fixed constants (scale about 1.0507, alpha about 1.6733), for self-normalizing networks."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def celu(x, alpha=1.0):
    """Continuously differentiable elu: x for x > 0, alpha * (exp(x / alpha) - 1) below."""
    return anp.where(x > 0, x, 0.0) + alpha * anp.expm1(anp.where(x > 0, 0.0, x) / alpha)


def gelu(x, approximate=False):
    """x * P(N(0, 1) <= x); approximate=True uses the tanh formula of Hendrycks & Gimpel."""
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)
        return 0.5 * x * (1.0 + tanh(inner))
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def hard_sigmoid(x):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3 (Keras 3; Keras 1/2 used the slope 0.2 instead of 1/6)."""
    return relu6(x + 3.0) / 6.0


def hard_silu(x):
    """x * hard_sigmoid(x): a cheap, piecewise-linear silu (also called hard_swish)."""
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def silu(x):
    """x * sigmoid(x), also called swish."""
    return x * sigmoid(x)


swish = silu


def hard_tanh(x):
    """x clipped to [-1, 1]."""
    return anp.where(x > 1.0, 1.0, anp.where(x < -1.0, -1.0, x))


def softplus(x):
    """log(1 + exp(x)): a smooth relu, computed without overflow."""
    return anp.logaddexp(x, 0.0)


def softsign(x):
    """x / (|x| + 1), a gentler squashing into (-1, 1) than tanh."""
    return x / (anp.abs(x) + 1.0)


def log_sigmoid(x):
    """log(sigmoid(x)), computed without overflow."""
    return -softplus(-x)


def exponential(x):
    """exp(x)."""
    return anp.exp(x)


def mish(x):
    """x * tanh(softplus(x))."""
    return x * tanh(softplus(x))


def softmax(x, axis=-1):
    """exp(x) normalized to sum to 1 along `axis`: scores become probabilities."""
    # the shift by the max is constant for the gradient, so it is taken from the plain values
    unnormalized = anp.exp(x - np.max(getval(x), axis=axis, keepdims=True))
    return unnormalized / anp.sum(unnormalized, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably."""
    shifted = x - np.max(getval(x), axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


def glu(x, axis=-1):
    """Gated linear unit: the first half of `axis` times the sigmoid of the second half."""
    half = x.shape[axis] // 2
    if x.shape[axis] != 2 * half:
        raise ValueError(f"Activation 'glu' splits axis {axis} in two halves, so its size must be even; "
                         f"got shape {x.shape}.")
    first, second = anp.split(x, 2, axis=axis)
    return first * sigmoid(second)


def tanh_shrink(x):
    """x - tanh(x)."""
    return x - tanh(x)


def soft_shrink(x, threshold=0.5):
    """0 for |x| <= threshold, else x moved `threshold` towards 0."""
    return anp.where(x > threshold, x - threshold, anp.where(x < -threshold, x + threshold, 0.0))


def hard_shrink(x, threshold=0.5):
    """0 for |x| <= threshold, else x unchanged."""
    return anp.where(anp.abs(x) > threshold, x, 0.0)


def threshold(x, threshold, default_value):
    """x where x > threshold, else `default_value`."""
    return anp.where(x > threshold, x, default_value)


def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2: a smooth relu made of a square root."""
    return (x + anp.sqrt(x * x + b)) / 2.0


def sparse_plus(x):
    """0 for x <= -1, x for x >= 1, and (x + 1)**2 / 4 between: a smooth relu."""
    middle = (x + 1.0) ** 2 / 4.0
    return anp.where(x <= -1.0, 0.0, anp.where(x >= 1.0, x, middle))


def sparse_sigmoid(x):
    """0 for x <= -1, 1 for x >= 1, and (x + 1) / 2 between."""
    return anp.where(x <= -1.0, 0.0, anp.where(x >= 1.0, 1.0, 0.5 * (x + 1.0)))


def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along `axis` (Martins & Astudillo, 2016)."""
    values = getval(x)
    ordered = -np.sort(-values, axis=axis)
    ranks_shape = [1] * values.ndim
    ranks_shape[axis] = -1
    ranks = np.arange(1, values.shape[axis] + 1).reshape(ranks_shape)
    running = np.cumsum(ordered, axis=axis)
    support_size = np.sum(ordered - (running - 1.0) / ranks > 0, axis=axis, keepdims=True).astype(values.dtype)
    threshold_at = np.take_along_axis(running, support_size.astype(int) - 1, axis=axis)
    in_support = values > (threshold_at - 1.0) / support_size
    # with the support fixed, tau is linear in x: the gradient flows through this sum
    tau = (anp.sum(x * in_support, axis=axis, keepdims=True) - 1.0) / support_size
    return anp.maximum(x - tau, 0.0)


# ---- lookup --------------------------------------------------------------------------------------------
_BY_NAME = {fn.__name__: fn for fn in (
    linear, relu, relu6, leaky_relu, elu, selu, celu, gelu, sigmoid, hard_sigmoid, hard_silu, silu, tanh,
    hard_tanh, softplus, softsign, log_sigmoid, exponential, mish, softmax, log_softmax, glu, tanh_shrink,
    soft_shrink, hard_shrink, threshold, squareplus, sparse_plus, sparse_sigmoid, sparsemax)}
_NAME_OF = {id(fn): name for name, fn in _BY_NAME.items()}
_BY_NAME.update({"swish": silu, "hard_swish": hard_silu})


def get(identifier):
    """None -> linear; a Keras name -> the function; a callable (a layer such as ReLU() too) -> itself; a
    serialized dict -> the function, or the layer a layer's config entry describes."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"An activation must be a name such as 'relu', a callable, or None; "
                    f"got {identifier!r} of type {type(identifier).__name__}.")


def serialize(activation):
    """The Keras name of a built-in activation ('swish' is saved as 'silu', as Keras does); for a layer used as
    the activation (`Dense(4, activation=ReLU())`), its config entry as Keras writes it; for any other function,
    the dict Keras writes for a custom function."""
    name = _NAME_OF.get(id(activation))
    if name is not None:
        return name
    if _is_layer(activation):
        from .layers.serialization import serialize_layer     # layers build on activations: looked up when used
        return serialize_layer(activation)
    if callable(getattr(activation, "get_config", None)) and not isinstance(activation, type):
        return object_config(activation)       # a callable object of yours: its class and its config, as Keras
    return function_config(activation)


def deserialize(config, custom_objects=None):
    """A name, or the dict serialize() wrote, back to the function (or layer); `custom_objects` maps names to your
    own."""
    if _names_a_layer(config, custom_objects):
        from .layers.serialization import deserialize_layer
        return deserialize_layer(config, custom_objects)
    return object_from_config(config, "activation", _BY_NAME, custom_objects)


def _is_layer(value):
    from .layers.base import Layer
    return isinstance(value, Layer)


def _names_a_layer(config, custom_objects):
    """A layer's config entry: Keras writes `module: keras.layers` for its own, a user's layer is a Layer class."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        return False
    if str(config.get("module") or "").startswith("keras.layers"):
        return True
    from .layers.base import Layer
    found = (custom_objects or {}).get(config.get("class_name"))
    return isinstance(found, type) and issubclass(found, Layer)
