"""The weights side of a layer's Keras face: get/set_weights (checked first), weights as handles, losses, shapes.

Mixed into Layer. A built-in layer keeps its weights in a plain params dict; a Keras-style layer assembles it from
its weight handles and sublayers (keras_style.py); both answer the same methods here.
"""
import numpy as np

from .. import backend
from ..params import flatten_params, unflatten_like


class LayerWeights:
    """Mixed into Layer: the weights as Keras's methods and properties show them."""

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
        """The weights as handles (Keras's variables): each reads like an array, has `.numpy()` and `assign`."""
        if self._keras_style:
            from .keras_style import weight_handles
            return weight_handles(self, "all")
        from .weight_handles import handles_of
        return handles_of(self)

    @property
    def trainable_weights(self):
        """The handles of the weights training updates: none when `trainable` is False."""
        if self._keras_style:
            from .keras_style import weight_handles
            return weight_handles(self, "trainable")
        return [h for h in self.weights if h.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        """The handles of the weights training leaves alone: all of them when `trainable` is False."""
        if self._keras_style:
            from .keras_style import weight_handles
            return weight_handles(self, "non_trainable")
        return [h for h in self.weights if not h.trainable] if self.trainable else self.weights

    # Keras 3's dtype policy names: minikeras has one dtype per layer (no mixed precision), so both are it
    @property
    def compute_dtype(self):
        """The dtype the layer computes in: its `dtype`, else floatx ('float32')."""
        return self.dtype or backend.floatx()

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights: its `dtype`, else floatx."""
        return self.dtype or backend.floatx()

    # Keras 3 also counts seed generators and metric state as variables; a minikeras layer's are its weights
    @property
    def variables(self):
        """Keras's name for `weights` (the same handles)."""
        return self.weights

    @property
    def trainable_variables(self):
        """Keras's name for `trainable_weights`."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        """Keras's name for `non_trainable_weights`."""
        return self.non_trainable_weights

    # Keras 3's hooks for state a layer keeps besides its weights; minikeras.saving writes and reads the weights
    # itself, so these defaults add nothing and exist so that a subclass's super() calls work as in Keras
    def save_own_variables(self, store):
        """Put state of the layer's own (arrays by name) into the dict-like `store`; a subclass overrides it."""

    def load_own_variables(self, store):
        """Take back what save_own_variables put into `store`; a subclass overrides it."""

    # ---- one weight, by the key a handle holds: a name (Keras-style) or a path into params (built-in) ----
    def _read_weight(self, key):
        if isinstance(key, tuple):
            from .weight_handles import read
            return read(self.params, key)
        return self.__dict__["_own_weights"][key]

    def _write_weight(self, key, value):
        if isinstance(key, tuple):
            from .weight_handles import replaced
            self.params = replaced(self.params, key, value)
        else:
            self.__dict__["_own_weights"][key] = value

    def __getattr__(self, name):
        # only reached when normal lookup fails: `dense.kernel` is a handle on the weight of that name
        attribute = getattr(type(self), name, None)
        if isinstance(attribute, property):
            return attribute.fget(self)          # a property raised AttributeError: let its own message through
        if not name.startswith("_"):
            from .weight_handles import handle_named
            owner = self.__dict__.get("_weights_owner", self)
            handle = handle_named(owner, name) if "_params" in owner.__dict__ else None
            if handle is not None:
                return handle
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    @property
    def losses(self):
        """The current regularization penalties (and, for Keras-style layers, the add_loss values of the last call)."""
        added = list(self.__dict__.get("_eager_losses", []))
        if not self.params:
            return added
        if self._keras_style:
            value = self.regularization_loss(self.params)
            return ([] if isinstance(value, float) and value == 0.0 else [float(value)]) + added
        regularizers = self.weight_regularizers()
        penalties = [float(regularizers[name](value)) for name, value in self.params.items()
                     if regularizers.get(name) is not None and not isinstance(value, dict)]
        return penalties + added     # one entry per regularized weight, in weight order, as Keras lists them

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


def weight_paths(params, prefix=""):
    """The names of the leaves of a params dict, in get_weights order: 'kernel', 'forward_lstm/bias', ..."""
    paths = []
    for key, value in params.items():
        path = f"{prefix}{key}"
        paths.extend(weight_paths(value, path + "/") if isinstance(value, dict) else [path])
    return paths


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
