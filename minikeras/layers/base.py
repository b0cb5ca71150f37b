"""The Layer base class: configuration plus pure math (build, call, compute_mask, compute_output_shape).

A layer object holds its configuration. Its weights live in a plain dict built by the pure `build`;
the layer keeps the current one in `layer.params` only as the stateful Keras face (get_weights,
set_weights, eager calls). Models read and write those dicts, and their `apply` takes params explicitly.
"""
import re

import numpy as np

from .. import backend, legacy
from ..params import flatten_params, unflatten_like

_name_counts = {}


def unique_name(base):
    """Keras-style automatic names: 'dense', then 'dense_1', 'dense_2', ..."""
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def snake_case(class_name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()   # Keras: Conv2D -> conv2d, not conv2_d


def is_symbolic(value):
    from ..models.graph import KerasTensor
    if isinstance(value, (list, tuple)):
        return any(is_symbolic(v) for v in value)
    return isinstance(value, KerasTensor)


class Layer:
    """Base of every layer. Subclasses override the pure methods; the rest is the Keras face."""

    supports_masking = False
    # True when the layer computes each position of the leading axes on its own, with the same weights
    # (Dense on the last axis): TimeDistributed can then call it on the whole sequence at once
    same_at_every_position = False

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, batch_input_shape=None,
                 batch_shape=None, input_dim=None, batch_size=None, weights=None, **unknown):
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) "
                            f"{sorted(unknown)}; see the layer's documentation for the accepted ones.")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}.")
        if name and "/" in name:
            raise ValueError(f"{type(self).__name__}: name must not contain '/' (it separates weight paths in "
                             f"saved files), got {name!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self.dtype = dtype if isinstance(dtype, str) else None
        self.params = None
        self.built = False
        self._initial_weights = weights
        self._inbound_nodes = []
        self._batch_input_shape = self._declared_input_shape(
            input_shape, batch_input_shape or batch_shape, input_dim, batch_size)

    # ---- pure math: subclasses override these -------------------------------------------------
    def build(self, input_shape, rng):
        """Return this layer's weights for `input_shape` (batch axis included) as a dict of arrays."""
        return {}

    def call(self, params, x, mask=None, training=False, rng=None):
        """The layer's output for `x`, computed from `params` alone (pure: the layer is not changed).

        `training` switches dropout and the like on; `rng` is the numpy Generator they draw from.
        """
        raise NotImplementedError(f"{type(self).__name__} has no call()")

    def compute_mask(self, x, mask=None):
        """The mask this layer passes on: the incoming one if it supports masking, else None."""
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        """The output shape (batch axis included) for `input_shape`, without computing anything; the same by default."""
        return input_shape

    def weight_regularizers(self):
        """{weight name: regularizer} for the weights whose penalty joins the loss."""
        return {}

    def weight_constraints(self):
        """{weight name: constraint} applied after every optimizer update."""
        return {}

    activity_regularizer = None

    def regularization_loss(self, params):
        """The sum of the weight regularizers' penalties on `params` (0.0 without any); training adds it to the loss."""
        total = 0.0
        for weight_name, regularizer in self.weight_regularizers().items():
            if regularizer is not None and weight_name in params:
                total = total + regularizer(params[weight_name])
        return total

    def apply_constraints(self, params):
        """`params` with each weight's constraint applied (others unchanged), as done after every optimizer step."""
        constraints = {k: c for k, c in self.weight_constraints().items() if c is not None and k in params}
        if not constraints:
            return params
        return {k: (constraints[k](v) if k in constraints else v) for k, v in params.items()}

    def get_config(self):
        """The layer's constructor arguments as Keras 3's config dict (no weights); from_config(config) rebuilds it."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype or backend.floatx()}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer, with fresh weights, from a dict get_config() returned."""
        config = dict(config)
        config.pop("dtype", None) if isinstance(config.get("dtype"), dict) else None
        return cls(**config)

    # ---- Keras 1/2 first-layer arguments ------------------------------------------------------
    def _declared_input_shape(self, input_shape, batch_input_shape, input_dim, batch_size):
        if batch_input_shape is not None:
            return tuple(batch_input_shape)
        if input_dim is not None:
            legacy.warn_once(f"{type(self).__name__}(input_dim=...)", "input_shape=(...) or keras.Input(shape=(...))")
        if input_shape is None and input_dim is not None:
            input_shape = self._shape_from_input_dim(input_dim)
        if input_shape is not None:
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            return (batch_size,) + tuple(input_shape)
        return None

    def _shape_from_input_dim(self, input_dim):
        return (input_dim,)

    # ---- the stateful Keras face ---------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        if is_symbolic(inputs) or any(is_symbolic(v) for v in kwargs.values()):
            from ..models.graph import record_node
            return record_node(self, inputs, args, kwargs)
        return self._call_eagerly(inputs, *args, **kwargs)

    def _call_eagerly(self, inputs, training=False, mask=None, **kwargs):
        inputs = _as_arrays(inputs)
        _check_numeric(self, inputs)
        self.ensure_built(_batchless_shape(inputs))
        rng = backend.new_rng() if training else None
        return self.call(self.params, inputs, mask=mask, training=bool(training), rng=rng, **kwargs)

    def ensure_built(self, input_shape):
        """Build the weights once, for the first input shape seen; later shapes must fit."""
        if self.built:
            self.check_input_shape(input_shape)
            return
        self.check_input_shape(input_shape)
        self.params = self.build(input_shape, backend.new_rng())
        self._build_input_shape = input_shape
        self.built = True
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def check_input_shape(self, input_shape):
        """Raise a ValueError when `input_shape` cannot feed this layer. Default: the last axis must match."""
        built_shape = getattr(self, "_build_input_shape", None)
        if not self.built or not _is_single_shape(input_shape) or not _is_single_shape(built_shape):
            return
        if built_shape and input_shape and None not in (built_shape[-1], input_shape[-1]) \
                and built_shape[-1] != input_shape[-1]:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) was built for inputs of shape "
                             f"{built_shape} (last axis {built_shape[-1]}) but got shape {input_shape}.")

    def get_weights(self):
        """The layer's weights as a list of numpy arrays (copies), in Keras's order (kernel before bias)."""
        return [np.array(w) for w in flatten_params(self.params or {})]

    def set_weights(self, weights):
        """Replace the weights from a list like get_weights() returns; the count and shapes are checked first."""
        self.params = unflatten_like(self.params, self.checked_weights(weights))

    def checked_weights(self, weights):
        """`weights` as arrays of this layer's weight dtypes, after checking their count and shapes (nothing is
        assigned, so a model can check every layer before changing any)."""
        current = flatten_params(self.params or {})
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"Layer '{self.name}'.set_weights() takes a list of arrays (as get_weights() returns), "
                            f"got {type(weights).__name__}.")
        weights = list(weights)
        if len(weights) != len(current):
            raise ValueError(f"Layer '{self.name}' expects a list of {len(current)} weight arrays "
                             f"(shapes {[w.shape for w in current]}), got {len(weights)}.")
        checked = []
        names = weight_paths(self.params or {})
        for i, (old, value, path) in enumerate(zip(current, weights, names)):
            try:
                value = np.asarray(value)
            except ValueError:
                raise ValueError(f"Layer '{self.name}' weight {i} ('{path}') is not rectangular (nested lists of "
                                 f"different lengths); expected shape {old.shape}.") from None
            if value.shape != old.shape:
                raise ValueError(f"Layer '{self.name}' weight {i} ('{path}') has shape {old.shape}; "
                                 f"the value given has shape {value.shape}.")
            checked.append(_cast_weight(self, path, value, old.dtype))
        return checked

    @property
    def weights(self):
        """get_weights(): copies, not variables (unlike Keras), so change weights through set_weights."""
        return self.get_weights()

    @property
    def trainable_weights(self):
        """The weights training updates: all of them, or none when `trainable` is False."""
        return self.get_weights() if self.trainable else []

    @property
    def non_trainable_weights(self):
        """The weights training leaves alone: all of them when `trainable` is False, else none."""
        return [] if self.trainable else self.get_weights()

    @property
    def losses(self):
        """The current regularization penalty as a one-element list of floats ([] when there is none)."""
        if not self.params:
            return []
        value = self.regularization_loss(self.params)
        return [] if isinstance(value, float) and value == 0.0 else [float(value)]

    def count_params(self):
        """The number of weight values in the layer; ValueError if it is not built yet."""
        if not self.built:
            raise ValueError(f"Layer '{self.name}' is not built yet, so it has no weights to count: "
                             f"call it on an input (or give it an input_shape) first.")
        return int(sum(np.size(w) for w in flatten_params(self.params)))

    @property
    def input_shape(self):
        """The shape of the input the layer was first called on (batch axis included)."""
        return self._node_shape("input_shapes")

    @property
    def output_shape(self):
        """The shape of the output of the layer's first call (batch axis included)."""
        return self._node_shape("output_shapes")

    def _node_shape(self, which):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has not been called on an input yet, "
                                 f"so it has no defined {which[:-1].replace('_', ' ')}.")
        shapes = getattr(self._inbound_nodes[0], which)
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input(self):
        """The symbolic tensor the layer was first called on (a list if several)."""
        return self._node_tensors("input_tensors")

    @property
    def output(self):
        """The symbolic tensor the layer's first call returned (a list if several)."""
        return self._node_tensors("output_tensors")

    def _node_tensors(self, which):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has not been called on an input yet.")
        tensors = getattr(self._inbound_nodes[0], which)
        return tensors[0] if len(tensors) == 1 else list(tensors)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def weight_paths(params, prefix=""):
    """The names of the leaves of a params dict, in get_weights order: 'kernel', 'forward_lstm/bias', ..."""
    paths = []
    for key, value in params.items():
        path = f"{prefix}{key}"
        paths.extend(weight_paths(value, path + "/") if isinstance(value, dict) else [path])
    return paths


def _as_arrays(inputs):
    if isinstance(inputs, (list, tuple)):
        return [_as_arrays(x) for x in inputs]
    if isinstance(inputs, np.ndarray) and inputs.dtype.kind in "iub":
        return inputs
    array = np.asarray(inputs)
    if array.dtype.kind == "f" and array.dtype != np.dtype(backend.floatx()):
        array = array.astype(backend.floatx())
    return array


def _check_numeric(layer, inputs):
    """Strings, objects or complex numbers would fail deep inside numpy; say so in the layer's words."""
    for array in inputs if isinstance(inputs, list) else [inputs]:
        if isinstance(array, list):
            _check_numeric(layer, array)
        elif array.dtype.kind not in "biuf":
            raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) takes arrays of real numbers, "
                            f"got dtype {array.dtype}.")


def _cast_weight(layer, path, value, dtype):
    """`value` as `dtype`, refusing what a cast would silently change: text, complex parts, overflow to inf."""
    if value.dtype.kind not in "biufO":
        raise TypeError(f"Layer '{layer.name}' weight '{path}' must hold real numbers, got dtype {value.dtype}.")
    try:
        cast, wide = value.astype(dtype), value.astype(np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"Layer '{layer.name}' weight '{path}' must hold real numbers ({error}).") from None
    if not np.array_equal(np.isfinite(cast), np.isfinite(wide)):
        raise ValueError(f"Layer '{layer.name}' weight '{path}' holds values too large for {dtype}.")
    return cast


def _batchless_shape(inputs):
    if isinstance(inputs, list):
        return [_batchless_shape(x) for x in inputs]
    return (None,) + tuple(np.shape(inputs)[1:])


def _is_single_shape(shape):
    return isinstance(shape, tuple) and all(d is None or isinstance(d, (int, np.integer)) for d in shape)
