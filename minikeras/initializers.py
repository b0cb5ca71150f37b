"""Weight initializers with Keras 3's names, defaults and fan rules: `init(shape, dtype=None, rng=None) -> ndarray`.

Random ones draw from `rng` (a numpy Generator; by default one from backend.new_rng(), so
backend.set_seed makes runs repeat). Given `seed=`, an initializer ignores `rng` and returns the same
values at every call, as Keras's seeded initializers do. The values never equal Keras's own random
streams, only their distributions do.
"""
import functools
import inspect
import math

import numpy as np

from . import backend
from .weight_placeholders import placeholder, rebuilding_from_file
from ._naming import ConfigObject, Family

# the standard deviation of a unit normal truncated to [-2, 2], which Keras divides out
_TRUNCATED_STDDEV = 0.87962566103423978


class Initializer(ConfigObject):
    """Base class: subclasses implement `__call__(shape, dtype=None, rng=None)` and `get_config()`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__call__" in cls.__dict__:
            cls.__call__ = _or_placeholder(cls.__dict__["__call__"])

    def __call__(self, shape, dtype=None, rng=None):
        raise NotImplementedError(f"{type(self).__name__} does not implement __call__(shape, dtype, rng)")


def _or_placeholder(draw):
    """`draw`, except while a saved model is rebuilt: then a zero-memory placeholder the file's weight replaces
    (weight_placeholders.py), so a load draws no random numbers and a hostile config allocates nothing."""
    parameters = inspect.signature(draw).parameters
    takes_rng = "rng" in parameters or any(p.kind == p.VAR_KEYWORD for p in parameters.values())

    @functools.wraps(draw)
    def initialize(self, shape, *args, **kwargs):
        if rebuilding_from_file():
            dtype = args[0] if args else kwargs.get("dtype")
            return placeholder(_shape(shape), _dtype(dtype))
        if not takes_rng:       # Keras's own signature, __call__(shape, dtype=None): layers pass rng to every init
            kwargs.pop("rng", None)
        return draw(self, shape, *args, **kwargs)
    return initialize


def _dtype(dtype):
    return np.dtype(dtype or backend.floatx())


def _shape(shape):
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)


class Zeros(Initializer):
    """All zeros ("zeros"): the usual start for biases."""

    def __call__(self, shape, dtype=None, rng=None):
        return np.zeros(_shape(shape), dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones ("ones")."""

    def __call__(self, shape, dtype=None, rng=None):
        return np.ones(_shape(shape), dtype=_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to `value` (default 0.0)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None, rng=None):
        return np.full(_shape(shape), self.value, dtype=_dtype(dtype))

    def get_config(self):
        value = self.value
        if isinstance(value, np.generic):
            value = value.item()
        elif isinstance(value, np.ndarray):   # Keras 3 writes an array as its "__numpy__" entry
            value = {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
        return {"value": value}

    @classmethod
    def from_config(cls, config):
        value = config.get("value", 0.0)
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            value = np.asarray(value["config"]["value"], dtype=value["config"].get("dtype"))
        return cls(value)


class Identity(Initializer):
    """gain * the identity matrix (ones on the main diagonal of a possibly non-square 2-D shape)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None, rng=None):
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Initializer Identity works on 2-D shapes only, got shape {shape} of rank {len(shape)}.")
        return (self.gain * np.eye(*shape)).astype(_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Shared by the random initializers: where the random numbers come from."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)) and not _is_seed_generator(seed):
            raise ValueError(f"{type(self).__name__}: seed must be an integer, a random.SeedGenerator or None, "
                             f"got {seed!r}.")
        self.seed = seed

    def _generator(self, rng):
        if _is_seed_generator(self.seed):   # a SeedGenerator moves on: every call draws new values, as in Keras
            return self.seed.next()
        if self.seed is not None:
            return np.random.default_rng(self.seed)
        return rng if rng is not None else backend.new_rng()

    def get_config(self):
        seed = self.seed.seed if _is_seed_generator(self.seed) else self.seed
        return {"seed": seed}


def _draw_dtype(dtype):
    # numpy's generators draw float32 or float64 directly; other float types are drawn in float32 and cast
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float32)


def _standard_normal(rng, shape, dtype):
    """Unit normal samples drawn in the weight's own float type (no float64 draw for a float32 weight)."""
    return rng.standard_normal(shape, dtype=_draw_dtype(dtype))


def _uniform(rng, low, high, shape, dtype):
    """Samples uniform in [low, high), drawn in the weight's own float type."""
    draw_dtype = _draw_dtype(dtype)
    return (rng.random(shape, dtype=draw_dtype) * draw_dtype.type(high - low) + draw_dtype.type(low))


def _is_seed_generator(seed):
    # random.SeedGenerator (duck-typed: random.py sits above this module)
    return hasattr(seed, "next") and hasattr(seed, "get_config")


def _truncated_normal(rng, shape, stddev, dtype):
    """Normal samples with every draw outside two standard deviations drawn again, as Keras does."""
    sample = _standard_normal(rng, shape, dtype)
    outside = np.abs(sample) > 2.0
    while outside.any():
        sample[outside] = _standard_normal(rng, int(outside.sum()), dtype)
        outside = np.abs(sample) > 2.0
    return sample * sample.dtype.type(stddev)


class RandomNormal(RandomInitializer):
    """Draws from a normal distribution with `mean` (0.0) and `stddev` (0.05); "random_normal", or "normal".

    With an integer `seed` every call gives the same values; without one, utils.set_random_seed makes runs repeat.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, rng=None):
        dtype = _dtype(dtype)
        values = _standard_normal(self._generator(rng), _shape(shape), dtype)
        return (values * values.dtype.type(self.stddev) + values.dtype.type(self.mean)).astype(dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """A normal distribution cut at two standard deviations from the mean (stddev is before the cut)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None, rng=None):
        dtype = _dtype(dtype)
        values = _truncated_normal(self._generator(rng), _shape(shape), self.stddev, dtype)
        return (values + values.dtype.type(self.mean)).astype(dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Draws uniformly from [minval, maxval) (default -0.05, 0.05); "random_uniform", or "uniform".

    With an integer `seed` every call gives the same values; without one, utils.set_random_seed makes runs repeat.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None, rng=None):
        dtype = _dtype(dtype)
        return _uniform(self._generator(rng), self.minval, self.maxval, _shape(shape), dtype).astype(dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) by Keras's rule: a vector has both equal to its length, a matrix (in, out),
    and a convolution kernel (*window, in, out) multiplies each by the window size. Given both
    `input_axes` and `output_axes`, each fan is the product of those axes' sizes instead."""
    shape = _shape(shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(RandomInitializer):
    """Samples with variance scale / n, n being fan_in, fan_out or their mean (`mode`); `distribution` is
    'truncated_normal' (or its old name 'normal'), 'untruncated_normal' or 'uniform'."""

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        super().__init__(seed)
        self.input_axes, self.output_axes = input_axes, output_axes
        if not scale > 0.0:
            raise ValueError(f"VarianceScaling: scale must be a positive number, got {scale!r}.")
        if mode not in self._MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self._MODES}, got {mode!r}.")
        distribution = "truncated_normal" if str(distribution).lower() == "normal" else str(distribution).lower()
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(f"VarianceScaling: distribution must be one of {self._DISTRIBUTIONS} "
                             f"(or 'normal'), got {distribution!r}.")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def variance(self, shape):
        """The variance the samples for `shape` are drawn with."""
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, fan)

    def __call__(self, shape, dtype=None, rng=None):
        shape, rng, dtype = _shape(shape), self._generator(rng), _dtype(dtype)
        variance = self.variance(shape)
        if self.distribution == "truncated_normal":
            values = _truncated_normal(rng, shape, math.sqrt(variance) / _TRUNCATED_STDDEV, dtype)
        elif self.distribution == "untruncated_normal":
            values = _standard_normal(rng, shape, dtype)
            values = values * values.dtype.type(math.sqrt(variance))
        else:
            limit = math.sqrt(3.0 * variance)
            values = _uniform(rng, -limit, limit, shape, dtype)
        return values.astype(dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _variance_scaling_preset(class_name, scale, mode, distribution, doc):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=distribution, seed=seed,
                                 input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc})


GlorotUniform = _variance_scaling_preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                                         "Uniform in [-l, l], l = sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _variance_scaling_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                                        "Truncated normal with variance 2 / (fan_in + fan_out).")
HeNormal = _variance_scaling_preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                                    "Truncated normal with variance 2 / fan_in.")
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform",
                                     "Uniform in [-l, l], l = sqrt(6 / fan_in).")
LecunNormal = _variance_scaling_preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                                       "Truncated normal with variance 1 / fan_in.")
LecunUniform = _variance_scaling_preset("LecunUniform", 1.0, "fan_in", "uniform",
                                        "Uniform in [-l, l], l = sqrt(3 / fan_in).")


class Orthogonal(RandomInitializer):
    """gain * a random orthogonal matrix (orthonormal rows or columns, whichever are fewer); a shape of
    rank > 2 is treated as (product of all but the last axis, last axis)."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None, rng=None):
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError(f"Initializer Orthogonal needs a shape of rank 2 or more, got {shape}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        normal = self._generator(rng).standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(normal)
        # the sign fix makes the distribution uniform over orthogonal matrices (Mezzadri, 2007)
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# ---- lookup --------------------------------------------------------------------------------------------
_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling,
            GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({
    "zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "random_uniform": RandomUniform, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
    # Keras 1/2 names, mapped as Keras 3 maps them
    "zero": Zeros, "one": Ones, "normal": RandomNormal, "uniform": RandomUniform,
    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
})

# lower-case aliases so `initializers.glorot_uniform(seed=1)` reads as in Keras
zeros, ones, constant, identity = Zeros, Ones, Constant, Identity
random_normal, truncated_normal, random_uniform, variance_scaling = (RandomNormal, TruncatedNormal, RandomUniform,
                                                                     VarianceScaling)
glorot_uniform, glorot_normal, he_normal, he_uniform = GlorotUniform, GlorotNormal, HeNormal, HeUniform
lecun_normal, lecun_uniform, orthogonal = LecunNormal, LecunUniform, Orthogonal


_FAMILY = Family("initializer", "keras.initializers", Initializer, _BY_NAME,
                 "a name such as 'glorot_uniform', a config dict, an Initializer or a callable(shape, dtype=None)")


def get(identifier):
    """None -> None; a name ('glorot_uniform', Keras 1 'uniform', ...) or class -> a fresh instance;
    a config dict -> the instance it describes; an instance or any callable -> itself; an array -> a function
    giving that array (cast to the dtype asked for) for its own shape, as Keras 3 does."""
    if isinstance(identifier, (np.ndarray, np.generic)):
        return _from_array(identifier)
    return _FAMILY.get(identifier)


def _from_array(array):
    def initialize(shape, dtype=None, rng=None):
        if _shape(shape) != array.shape:
            raise ValueError(f"An array given as initializer has shape {array.shape}; it cannot initialize a weight "
                             f"of shape {_shape(shape)}.")
        return np.array(array, dtype=_dtype(dtype))
    return initialize


def serialize(initializer):
    """The dict Keras 3 writes for an initializer: {'module', 'class_name', 'config', 'registered_name'}."""
    return _FAMILY.serialize(initializer)


def deserialize(config, custom_objects=None):
    """A name or a saved dict back to an initializer; `custom_objects` maps names to your own classes."""
    return _FAMILY.deserialize(config, custom_objects)
