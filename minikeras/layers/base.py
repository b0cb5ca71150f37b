"""The Layer base class: configuration plus pure math (build, call, compute_mask, compute_output_shape).

A layer object holds its configuration. Its weights live in a plain dict built by the pure `build`;
the layer keeps the current one in `layer.params` only as the stateful Keras face (get_weights,
set_weights, eager calls). Models read and write those dicts, and their `apply` takes params explicitly.
"""
import inspect
import re

import numpy as np

from .. import backend, legacy
from ..weight_placeholders import WeightBudgetExceeded
from .variable import current_call
from .input_spec import check_input_spec
from .node import KerasTensor, record_node
from .call_inputs import _as_arrays, _batchless_shape, _check_numeric, _is_single_shape, _shape_of  # noqa: F401
from .layer_weights import LayerWeights, weight_paths  # noqa: F401  (weight_paths: importable from here too)

_name_counts = {}
_NO_INPUTS = object()


def unique_name(base):
    """Keras-style automatic names: 'dense', then 'dense_1', 'dense_2', ..."""
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def snake_case(class_name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()   # Keras: Conv2D -> conv2d, not conv2_d


def is_symbolic(value):
    """True when `value` is a symbolic tensor, or a list, tuple or dict holding one (at any depth)."""
    if isinstance(value, dict):
        return any(is_symbolic(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_symbolic(v) for v in value)
    return isinstance(value, KerasTensor)


class Layer(LayerWeights):
    """Base of every layer. Subclasses override the pure methods; the rest is the Keras face.

    A subclass written Keras-style (`build(input_shape)` with `add_weight`, `call(inputs, ...)`) is recognized by
    its `call` (its first argument is not `params`) and joins the same pure core: see keras_style.py.
    """

    supports_masking = False
    stateful = False               # recurrent layers (and models holding them) say True
    _keras_style = False
    # the optional arguments of Keras's call(inputs, ...) for this layer, in order: `layer(x, mask)` passes mask
    # where Keras's signature has it second
    call_arguments = ("training", "mask")
    # True when the pure call may also return new values of non-trainable weights (call_with_updates)
    has_weight_updates = False

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        if cls._keras_style:       # as Keras does: remember the constructor's arguments for get_config
            from .keras_style import constructor_arguments
            layer._auto_config = constructor_arguments(cls, args, kwargs)
        return layer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        parameters = list(inspect.signature(cls.call).parameters)
        cls._keras_style = len(parameters) < 2 or parameters[1] != "params"
        if cls.call is Layer.call and cls.__module__.split(".")[0] != "minikeras":
            cls._keras_style = True      # a user's layer without a call: a container of weights or layers
        if cls._keras_style:
            cls.has_weight_updates = True
            if "build" in cls.__dict__ and not hasattr(cls, "_build_subclassed"):   # models build their own way
                from .keras_build import keras_style_build
                cls.build = keras_style_build(cls.__dict__["build"])
        elif "build" in cls.__dict__:
            cls.build = _also_keras_build(cls.__dict__["build"])
    # True when the layer computes each position of the leading axes on its own, with the same weights
    # (Dense on the last axis): TimeDistributed can then call it on the whole sequence at once
    same_at_every_position = False

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, batch_input_shape=None,
                 batch_shape=None, input_dim=None, batch_size=None, weights=None, activity_regularizer=None,
                 **unknown):
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) "
                            f"{sorted(unknown)}; see the layer's documentation for the accepted ones.")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}.")
        if name and "/" in name:
            raise ValueError(f"{type(self).__name__}: name must not contain '/' (it separates weight paths in "
                             f"saved files), got {name!r}.")
        if not isinstance(trainable, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}: trainable must be True or False, got {trainable!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)       # set directly: a new wrapper does not change its inner layer
        if activity_regularizer is not None:     # every Keras layer takes one: a penalty on its outputs
            from .. import regularizers
            self.activity_regularizer = regularizers.get(activity_regularizer)
            self._config_has_activity_regularizer = True   # layers that take it themselves write it themselves
        self.dtype = dtype if isinstance(dtype, str) else None
        self._params = None
        self.built = False
        self._initial_weights = weights
        self._inbound_nodes = []
        self._batch_input_shape = self._declared_input_shape(
            input_shape, batch_input_shape or batch_shape, input_dim, batch_size)

    # ---- pure math: subclasses override these -------------------------------------------------
    def build(self, input_shape, rng=None):
        """Return this layer's weights for `input_shape` (batch axis included) as a dict of arrays.

        A Keras-style subclass overrides `build(self, input_shape)` instead and creates weights with add_weight.
        """
        if self._keras_style and not getattr(self, "_building", False):
            self.built = True          # Keras's layer.build(shape) on a layer without a build of its own
            return None
        return {}

    def call(self, params, x, mask=None, training=False, rng=None):
        """The layer's output for `x`, computed from `params` alone (pure: the layer is not changed).

        `training` switches dropout and the like on; `rng` is the numpy Generator they draw from.
        """
        raise NotImplementedError(f"{type(self).__name__} has no call()")

    def call_with_updates(self, params, x, mask=None, training=False, rng=None, **kwargs):
        """(outputs, {weight name: new value}) - for layers whose call changes non-trainable weights, such as
        moving statistics. The engine puts the new values in after the step, outside the gradient."""
        return self.call(params, x, mask=mask, training=training, rng=rng, **kwargs), {}

    def call_recording(self, params, x, mask=None, training=False, rng=None, **kwargs):
        """(outputs, weight updates as a nested dict, losses added with add_loss): what the engine runs."""
        if self._keras_style:
            from .keras_style import call_pure
            return call_pure(self, params, x, mask=mask, training=training, rng=rng, **kwargs)
        outputs, updates = self.call_with_updates(params, x, mask=mask, training=training, rng=rng, **kwargs)
        return outputs, updates, []

    def non_trainable_weight_names(self):
        """Names of the weights in this layer's params that the optimizer never updates (e.g. moving statistics)."""
        return set()

    def split_trainable(self, params, trainable=True):
        """(the part of `params` training updates, the part it leaves alone), both dicts shaped like `params`."""
        if self._keras_style:
            from .keras_style import split_trainable
            return split_trainable(self, params, trainable and self.trainable)
        if not (trainable and self.trainable):
            return {}, dict(params)
        frozen_names = self.non_trainable_weight_names()
        if not frozen_names:
            return dict(params), {}
        return ({k: v for k, v in params.items() if k not in frozen_names},
                {k: v for k, v in params.items() if k in frozen_names})

    def compute_mask(self, x, mask=None):
        """The mask this layer passes on: the incoming one if it supports masking, else None."""
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        """The output shape (batch axis included) for `input_shape`; the same by default.

        A Keras-style layer without its own compute_output_shape is called on zeros to find it."""
        if self._keras_style:
            from .keras_style import probe_output_shape
            return probe_output_shape(self, input_shape)
        return input_shape

    def weight_regularizers(self):
        """{weight name: regularizer} for the weights whose penalty joins the loss."""
        return {}

    def weight_constraints(self):
        """{weight name: constraint} applied after every optimizer update."""
        return {}

    activity_regularizer = None
    is_op_layer = False     # True for ops on symbolic tensors; a class default keeps model.layers off __getattr__

    def regularization_loss(self, params):
        """The sum of the weight regularizers' penalties on `params` (0.0 without any); training adds it to the loss."""
        if self._keras_style:
            from .keras_style import regularization_loss
            return regularization_loss(self, params)
        total = 0.0
        for weight_name, regularizer in self.weight_regularizers().items():
            if regularizer is not None and weight_name in params:
                total = total + regularizer(params[weight_name])
        return total

    def apply_constraints(self, params):
        """`params` with each weight's constraint applied (others unchanged), as done after every optimizer step."""
        if self._keras_style:
            from .keras_style import apply_constraints
            return apply_constraints(self, params)
        constraints = {k: c for k, c in self.weight_constraints().items() if c is not None and k in params}
        if not constraints:
            return params
        return {k: (constraints[k](v) if k in constraints else v) for k, v in params.items()}

    def get_config(self):
        """The layer's constructor arguments as Keras 3's config dict (no weights); from_config(config) rebuilds it."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype or backend.floatx()}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        if self.__dict__.get("_config_has_activity_regularizer"):
            from .. import regularizers
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if self._keras_style and type(self).get_config.__module__.split(".")[0] == "minikeras":
            # only a layer that does not write its own get_config gets its constructor arguments, as in Keras
            from .keras_style import auto_config
            config.update(auto_config(self))
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer, with fresh weights, from a dict get_config() returned."""
        config = dict(config)
        config.pop("dtype", None) if isinstance(config.get("dtype"), dict) else None
        try:
            return cls(**config)
        except ValueError as error:     # a config the constructor refuses is the wrong type of thing: Keras's type
            raise TypeError(f"{cls.__name__}.from_config: the config cannot make this layer: {error} "
                            f"(config: {config!r:.300})") from None

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
    def __call__(self, inputs=_NO_INPUTS, *args, **kwargs):
        if inputs is _NO_INPUTS:        # layer(x1=a, x2=b): a Keras-style call's first argument given by name
            from .keras_build import first_argument_by_name
            inputs = first_argument_by_name(self, kwargs)
        if args and not self._keras_style:
            kwargs = self._named_call_arguments(args, kwargs)
            args = ()
        if is_symbolic(inputs) or is_symbolic(list(args)) or any(is_symbolic(v) for v in kwargs.values()):
            return record_node(self, inputs, args, kwargs)
        context = current_call()
        if context is not None and id(self) in context.layer_params:
            from .keras_style import call_nested
            return call_nested(self, context, inputs, args, kwargs)
        if self._keras_style:
            return self._call_keras_style_eagerly(inputs, *args, **kwargs)
        return self._call_eagerly(inputs, *args, **kwargs)

    def _named_call_arguments(self, args, kwargs):
        names = self.call_arguments
        if len(args) > len(names):
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) takes at most {len(names)} positional "
                            f"argument(s) after its inputs ({', '.join(names)}), got {len(args)}.")
        named = dict(zip(names, args))
        twice = [name for name in named if name in kwargs]
        if twice:
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) got {twice} both by position and by name.")
        return {**named, **kwargs}

    def _call_eagerly(self, inputs, training=False, mask=None, **kwargs):
        inputs = _as_arrays(inputs)
        _check_numeric(self, inputs)
        self.ensure_built(_batchless_shape(inputs))
        rng = backend.new_rng() if training else None
        return self.call(self.params, inputs, mask=mask, training=bool(training), rng=rng, **kwargs)

    def _call_keras_style_eagerly(self, inputs, *args, training=None, mask=None, **kwargs):
        from .keras_style import eager_call
        if not isinstance(inputs, (list, tuple, dict)) or all(np.ndim(x) > 0 for x in inputs):
            inputs = _as_arrays(inputs) if not isinstance(inputs, dict) else inputs
        if not self.built:
            from .keras_build import call_shapes_recorded       # build(foo_shape, bar_shape) gets each by name
            with call_shapes_recorded(self, _shape_of(inputs), args, kwargs):
                self.ensure_built(_shape_of(inputs))
        return eager_call(self, inputs, *args, mask=mask, training=training, kwargs=kwargs)

    @property
    def trainable(self):
        """Whether training updates this layer's weights. Setting it sets it for the layers inside too (as Keras 3
        does), so a frozen model's BatchNormalization also runs in inference mode."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for child in self._inner_layers():
            child.trainable = value

    def _inner_layers(self):
        if self._keras_style:
            from .keras_style import tracked_sublayers
            return tracked_sublayers(self)
        return []

    # ---- params: a plain dict for built-in layers, assembled from the weight handles for Keras-style ones --
    @property
    def params(self):
        """This layer's weights as a dict {weight name: array} (nested for layers made of layers); None before build."""
        if self._keras_style:
            from .keras_style import assembled_params
            return assembled_params(self) if self.built or self.__dict__.get("_own_weights") else None
        return self._params

    @params.setter
    def params(self, value):
        if self._keras_style:
            from .keras_style import distribute_params
            if value is not None:
                distribute_params(self, value)
            return
        self._params = value

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, regularizer=None,
                   constraint=None, name=None, **kwargs):
        """Create a weight (Keras-style layers, in __init__ or build) and return its handle, which reads like an
        array in `call` and has assign / assign_add. Keras 2's `add_weight(name, shape, ...)` order works too."""
        from .keras_style import add_weight
        if isinstance(shape, str):   # Keras 2's positional order: add_weight(name, shape, dtype, initializer, ...)
            name, shape, initializer = shape, initializer, (trainable if not isinstance(trainable, bool) else None)
            trainable = kwargs.pop("trainable", True) if not isinstance(trainable, bool) else trainable
        return add_weight(self, shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                          regularizer=regularizer, constraint=constraint, name=name, **kwargs)

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True, regularizer=None,
                     constraint=None, name=None):
        """Keras 3's other spelling of add_weight (shape and initializer first); `autocast` is accepted and
        means nothing here (minikeras has no mixed-precision policies)."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               regularizer=regularizer, constraint=constraint, name=name)

    def add_loss(self, value):
        """Add `value` to the training loss (Keras-style layers, inside call); `layer.losses` shows the last call's."""
        from .keras_style import add_loss
        add_loss(self, value)

    def ensure_built(self, input_shape):
        """Build the weights once, for the first input shape seen; later shapes must fit."""
        check_input_spec(self, input_shape)
        if self.built:
            self.check_input_shape(input_shape)
            return
        self.check_input_shape(input_shape)
        try:
            if self._keras_style:
                from .keras_style import build_for
                build_for(self, input_shape)
            else:
                self.params = self.build(input_shape, backend.new_rng())
        except WeightBudgetExceeded as error:   # only while a file's model is rebuilt: name the layer
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): {error}") from None
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

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _also_keras_build(pure_build):
    """A built-in layer's pure `build(input_shape, rng) -> params`, which also answers Keras's `layer.build(shape)`:
    called without an rng, it builds the layer in place (seeded from the global seed), as Keras does."""
    def build(self, input_shape=None, *args, **kwargs):
        if args or kwargs:
            return pure_build(self, input_shape, *args, **kwargs)
        # no shape at all: for layers whose weights do not depend on it (Embedding), as Keras allows
        shape = None if input_shape is None else [tuple(s) for s in input_shape] \
            if input_shape and isinstance(input_shape[0], (list, tuple)) else tuple(input_shape)
        self.ensure_built(shape)

    build.__doc__ = pure_build.__doc__
    build.__wrapped__ = pure_build
    return build
