"""The core layers: Dense, Activation, Dropout, Flatten, Reshape, RepeatVector, Permute, Lambda."""
import autograd.numpy as anp
import numpy as np

from .. import activations, initializers, regularizers, constraints, backend, legacy
from .base import Layer
from .lambda_functions import function_config


def _check_rank(layer, input_shape, min_rank, what="inputs"):
    if not isinstance(input_shape, tuple) or len(input_shape) < min_rank:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) expects {what} of rank >= {min_rank} "
                         f"(batch axis included), got shape {input_shape}.")


def _positive_int(layer_type, what, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{layer_type}: {what} must be a positive integer, got {value!r}.")
    return int(value)


def set_kernel_and_bias_options(layer, activation, use_bias, kernel_initializer, bias_initializer,
                                kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                                bias_constraint):
    """The options every kernel-and-bias layer (Dense, Conv) resolves the same way, from names or objects."""
    layer.activation = activations.get(activation)
    layer.use_bias = bool(use_bias)
    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.bias_regularizer = regularizers.get(bias_regularizer)
    layer.activity_regularizer = regularizers.get(activity_regularizer)
    layer.kernel_constraint = constraints.get(kernel_constraint)
    layer.bias_constraint = constraints.get(bias_constraint)
    if not layer.use_bias:
        layer.bias = None  # as in Keras; with a bias, `layer.bias` is the handle on that weight


class Dense(Layer):
    """`activation(x @ kernel + bias)` on the last axis of an input of any rank, one kernel shared."""

    supports_masking = True
    same_at_every_position = True

    def __init__(self, units=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        explicit = {"units": units, "kernel_regularizer": kernel_regularizer, "bias_regularizer": bias_regularizer,
                    "kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint}
        given = legacy.rename(dict(kwargs), legacy.KERAS1_WEIGHT_ARGS, "Dense", explicit)
        units = given.pop("units", units)
        kernel_initializer = given.pop("kernel_initializer", kernel_initializer)
        kernel_regularizer = given.pop("kernel_regularizer", kernel_regularizer)
        bias_regularizer = given.pop("bias_regularizer", bias_regularizer)
        kernel_constraint = given.pop("kernel_constraint", kernel_constraint)
        bias_constraint = given.pop("bias_constraint", bias_constraint)
        use_bias = given.pop("use_bias", use_bias)
        super().__init__(**given)
        self.units = _positive_int("Dense", "units", units)
        set_kernel_and_bias_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                                    kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
                                    bias_constraint)

    def build(self, input_shape, rng):
        _check_rank(self, input_shape, 2)
        if input_shape[-1] is None:
            raise ValueError(f"Layer '{self.name}' (Dense) needs a known last axis, got input shape {input_shape}.")
        params = {"kernel": self.kernel_initializer((input_shape[-1], self.units), rng=rng)}
        if self.use_bias:
            params["bias"] = self.bias_initializer((self.units,), rng=rng)
        return params

    def call(self, params, x, mask=None, training=False, rng=None):
        y = anp.matmul(x, params["kernel"])
        if self.use_bias:
            y = y + params["bias"]
        return y if self.activation is None else self.activation(y)  # None: set on the layer afterwards, as Keras

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def weight_regularizers(self):
        return {"kernel": self.kernel_regularizer, "bias": self.bias_regularizer}

    def weight_constraints(self):
        return {"kernel": self.kernel_constraint, "bias": self.bias_constraint}

    def get_config(self):
        config = {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias,
                  "kernel_initializer": initializers.serialize(self.kernel_initializer),
                  "bias_initializer": initializers.serialize(self.bias_initializer),
                  "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                  "kernel_constraint": constraints.serialize(self.kernel_constraint),
                  "bias_constraint": constraints.serialize(self.bias_constraint)}
        if self.activity_regularizer is not None:      # Keras 3 writes it only when set
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config


class Activation(Layer):
    """Applies an activation function, given by name ("relu", "softmax") or as a function, to every value."""

    supports_masking = True
    same_at_every_position = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, params, x, mask=None, training=False, rng=None):
        return self.activation(x)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs while training and scales the rest by 1 / (1 - rate)."""

    supports_masking = True

    def __init__(self, rate=None, noise_shape=None, seed=None, **kwargs):
        rate = legacy.rename(kwargs, {"p": "rate"}, "Dropout", {"rate": rate}).pop("rate", rate)   # Keras 1's p
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)):
            raise TypeError(f"Dropout: rate must be a number in [0, 1), got {rate!r}.")
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be a number in [0, 1), got {rate!r}.")
        self.rate = float(rate)
        self.noise_shape = _noise_shape(noise_shape)
        self.seed = seed

    def call(self, params, x, mask=None, training=False, rng=None):
        if not training or self.rate == 0.0:
            return x
        rng = rng if rng is not None else backend.new_rng()
        shape = x.shape if self.noise_shape is None else tuple(
            d if n is None else n for n, d in zip(self.noise_shape, x.shape))
        keep = (rng.random(shape) >= self.rate).astype(x.dtype) / (1.0 - self.rate)
        return x * keep

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...); an unknown axis makes the output size unknown (None), and
    each call may bring other sizes, as in Keras 3."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError(f"Flatten: data_format must be 'channels_last' or 'channels_first' (or None), "
                             f"got {data_format!r}.")
        self.data_format = data_format or backend.image_data_format()

    def call(self, params, x, mask=None, training=False, rng=None):
        if self.data_format == "channels_first" and x.ndim > 2:
            x = anp.moveaxis(x, 1, -1)
        return anp.reshape(x, (x.shape[0], -1))

    def compute_output_shape(self, input_shape):
        size = None if any(d is None for d in input_shape[1:]) else int(np.prod(input_shape[1:]))
        return (input_shape[0], size)

    def check_input_shape(self, input_shape):
        pass  # no weights: any shape fits (the layers after it check the size they get)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Gives each sample the shape `target_shape` (batch axis not included), keeping its number of values.

    One entry of `target_shape` may be -1: it is worked out from the others, per call, so inputs of varying
    sizes work (`Reshape((-1, 8))`), as in Keras 3.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = _int_tuple("Reshape", "target_shape", target_shape)
        if any(d < 1 and d != -1 for d in self.target_shape):
            raise ValueError(f"Reshape: target_shape holds sizes >= 1 (and at most one -1), got {self.target_shape}.")
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(f"Reshape: at most one axis of target_shape may be -1, got {self.target_shape}.")

    def compute_output_shape(self, input_shape):
        if -1 not in self.target_shape:
            known = input_shape[1:]
            if None not in known and np.prod(known) != np.prod(self.target_shape):
                raise ValueError(f"Layer '{self.name}' (Reshape) cannot reshape input shape {input_shape} "
                                 f"({int(np.prod(known))} values a sample) to {self.target_shape} "
                                 f"({int(np.prod(self.target_shape))} values).")
            return (input_shape[0],) + self.target_shape
        if None in input_shape[1:]:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        total, rest = int(np.prod(input_shape[1:])), -int(np.prod(self.target_shape))
        if total % rest:
            raise ValueError(f"Layer '{self.name}' (Reshape) cannot reshape input shape {input_shape} to "
                             f"{self.target_shape}: {total} values do not divide into it.")
        return (input_shape[0],) + tuple(total // rest if d == -1 else d for d in self.target_shape)

    def build(self, input_shape, rng):
        self.compute_output_shape(input_shape)
        return {}

    def call(self, params, x, mask=None, training=False, rng=None):
        return anp.reshape(x, (x.shape[0],) + self.target_shape)

    def check_input_shape(self, input_shape):
        self.compute_output_shape(input_shape)  # no weights: any shape whose values fit target_shape will do

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"RepeatVector: n must be an integer (the number of repetitions), got {n!r}.")
        self.n = _positive_int("RepeatVector", "n", n)

    def build(self, input_shape, rng):
        if len(input_shape) != 2:
            raise ValueError(f"Layer '{self.name}' (RepeatVector) expects 2-D input (batch, features), "
                             f"got shape {input_shape}.")
        return {}

    def call(self, params, x, mask=None, training=False, rng=None):
        return anp.repeat(x[:, None, :], self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reorders the non-batch axes; `dims` counts from 1, as in Keras."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = _int_tuple("Permute", "dims", dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {self.dims}.")

    def build(self, input_shape, rng):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f"Layer '{self.name}' (Permute) with dims {self.dims} expects inputs of rank "
                             f"{len(self.dims) + 1}, got shape {input_shape}.")
        return {}

    def call(self, params, x, mask=None, training=False, rng=None):
        return anp.transpose(x, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class Lambda(Layer):
    """Wraps a function of the input. Use autograd.numpy inside it so gradients flow.

    Its config stores the function as Keras 3 does: a named function by name (give it back through
    custom_objects when loading), a Python lambda as bytecode with the values it closes over, which only loads with
    safe_mode=False.
    """

    call_arguments = ("mask", "training")

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: function must be callable, got {type(function).__name__}.")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(f"Lambda: arguments must be a dict of keyword arguments for the function, "
                            f"got {type(arguments).__name__}.")
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        self.arguments = dict(arguments or {})

    def call(self, params, x, mask=None, training=False, rng=None):
        return self.function(x, **self.arguments)

    def compute_mask(self, x, mask=None):
        if callable(self.mask):
            return self.mask(x, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        if self._output_shape is not None:
            # the batch axis is the (first) input's: a Lambda over a list of tensors has a list of shapes
            first = input_shape[0] if input_shape and isinstance(input_shape[0], (tuple, list)) else input_shape
            return (first[0],) + tuple(self._output_shape)
        return _probe_output_shape(self, input_shape)

    def get_config(self):
        config = {**super().get_config(), "function": function_config(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = (function_config(self._output_shape) if callable(self._output_shape)
                                      else list(self._output_shape))
        if self.mask is not None:
            config["mask"] = function_config(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """A Lambda from its config. A function stored as bytecode is rebuilt only with safe_mode=False (None, the
        default, is safe); a named function comes from `custom_objects`."""
        from .serialization import layer_from_config
        return layer_from_config(cls, config, custom_objects, safe_mode is not False)


def _probe_output_shape(layer, input_shape):
    """Run the function on zeros to learn its output shape (the batch axis as the input's)."""
    def zeros(shape):
        return np.zeros(tuple(2 if d is None else d for d in shape), dtype=backend.floatx())
    dummy = [zeros(s) for s in input_shape] if isinstance(input_shape, list) else zeros(input_shape)
    try:
        out = layer.call({}, dummy)
    except Exception as error:
        raise ValueError(f"Layer '{layer.name}' (Lambda): could not infer the output shape by calling the function "
                         f"on zeros of shape {input_shape} ({type(error).__name__}: {error}). Pass output_shape=...")
    known_batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
    shape = tuple(np.shape(out))
    return (None if known_batch is None or not shape else shape[0],) + shape[1:]


def _noise_shape(value):
    """Dropout's noise_shape: None, or a tuple of positive sizes and Nones (None: the input's size there)."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"Dropout: noise_shape must be a tuple or list of integers (or None entries), got {value!r}.")
    if not all(d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)) for d in value):
        raise ValueError(f"Dropout: noise_shape entries must be integers or None, got {value!r}.")
    if any(d is not None and d <= 0 for d in value):
        raise ValueError(f"Dropout: noise_shape sizes must be positive integers or None, got {value!r}.")
    return tuple(None if d is None else int(d) for d in value)


def _int_tuple(layer_type, what, value):
    """A tuple of whole numbers; a string, a float (int() would truncate it) or a bool is a mistake."""
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)) for d in value):
        raise TypeError(f"{layer_type}: {what} must be a tuple of integers, got {value!r}.")
    return tuple(int(d) for d in value)


# Keras 2's `keras.layers.core` also held Masking (`from keras.layers.core import Masking`)
from .masking import Masking  # noqa: E402,F401  (at the end: masking.py needs nothing from here)
