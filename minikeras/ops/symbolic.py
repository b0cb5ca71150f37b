"""Ops on symbolic tensors: `keras_op` lets each `minikeras.ops` function record a graph node when given one.

In the Functional API `a + b * 2.0`, `ops.concatenate([a, b])` or `x[:, 0]` are nodes of the graph, as in Keras 3,
which writes them into `.keras` files as layers whose module is `keras.src.ops.<numpy|nn|...>` and whose class is
the op's name in CamelCase (`NotEqual`, `GetItem`). An op's non-tensor arguments (axis, keepdims) go to that entry's
config and its array arguments to the node's call arguments, which is how Keras reads them back.
"""
import functools
import inspect

import numpy as np

from ..layers.base import Layer, is_symbolic, snake_case, unique_name
from ..layers.variable import read_values
from .symbolic_shapes import probe_op_shape

OPS_BY_CLASS = {}    # (keras module, class name) -> the minikeras op function, for loading Keras files

# parameter names under which ops take arrays: these stay call arguments, every other one is configuration
_ARRAY_PARAMETERS = {"x", "x1", "x2", "x3", "xs", "y", "a", "b", "inputs", "condition", "indices", "values", "arr",
                     "arrays", "tensors", "target", "output", "logits", "labels", "tensor", "key", "query", "value",
                     "mask", "elements", "test_elements", "weights", "update", "updates", "start_indices", "v", "q",
                     "k", "m", "predictions", "targets"}


def keras_op(function):
    """Wrap an op so that it reads weight handles as arrays and, on symbolic tensors, records a graph node."""
    keras_module = "keras.src.ops." + function.__module__.split(".")[2]
    class_name = "".join(part.capitalize() for part in function.__name__.split("_"))

    axis_at = _position_of_axis(function)

    @functools.wraps(function)
    def op(*args, **kwargs):
        args, kwargs = read_values(args), {k: read_values(v) for k, v in kwargs.items()}
        if axis_at is not None:
            args, kwargs = _axis_list_as_tuple(args, kwargs, axis_at)
        if is_symbolic(list(args)) or is_symbolic(list(kwargs.values())):
            return OpLayer(function, class_name, keras_module)._record(args, kwargs)
        return function(*args, **kwargs)

    OPS_BY_CLASS[(keras_module, class_name)] = function
    return op


def _position_of_axis(function):
    parameters = list(inspect.signature(function).parameters)
    return parameters.index("axis") if "axis" in parameters else None


def _axis_list_as_tuple(args, kwargs, axis_at):
    """Several axes given as a list (`ops.mean(x, axis=[0, 1])`, as Keras takes them) as the tuple numpy takes."""
    if isinstance(kwargs.get("axis"), list):
        kwargs = {**kwargs, "axis": tuple(kwargs["axis"])}
    elif len(args) > axis_at and isinstance(args[axis_at], list):
        args = args[:axis_at] + (tuple(args[axis_at]),) + args[axis_at + 1:]
    return args, kwargs


class OpLayer(Layer):
    """One op called on symbolic tensors: a weightless node that calls the op on the values of its inputs."""

    is_op_layer = True

    def __init__(self, function, class_name, keras_module, options=None, name=None, **kwargs):
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name or unique_name(snake_case(class_name)), **kwargs)
        self.function = function
        self.class_name = class_name
        self.keras_module = keras_module
        self.options = dict(options or {})     # the op's configuration (axis, keepdims, ...)
        self.template = None                   # the call arguments, with _Slot(i) where input tensor i goes

    # ---- recording -------------------------------------------------------------------------------
    def _record(self, args, kwargs):
        from ..layers.node import record_node
        parameters = _parameter_names(self.function, len(args))
        call_args, call_kwargs = [], {}
        for position, value in enumerate(args):
            name = parameters[position] if position < len(parameters) else None
            if position == 0 or name in _ARRAY_PARAMETERS or is_symbolic(value):
                call_args.append(value)
            else:
                self.options[name] = value
        for name, value in kwargs.items():
            if name in _ARRAY_PARAMETERS or is_symbolic(value):
                call_kwargs[name] = value
            else:
                self.options[name] = value
        return self.record_call(call_args, call_kwargs, record_node)

    def record_call(self, call_args, call_kwargs, record_node=None):
        """Record this op's node for Keras-style call arguments (tensors anywhere in them)."""
        if record_node is None:
            from ..layers.node import record_node
        tensors = []
        self.template = (_with_slots(call_args, tensors), _with_slots(call_kwargs, tensors))
        self._input_dtypes = [t.dtype for t in tensors]
        return record_node(self, list(tensors), (), {})

    # ---- the pure math ----------------------------------------------------------------------------
    def build(self, input_shape, rng=None):
        return {}

    def call(self, params, x, mask=None, training=False, rng=None):
        values = x if isinstance(x, list) else [x]
        args, kwargs = self.template
        return self.function(*_filled(args, values), **_filled(kwargs, values), **self.options)

    def compute_mask(self, x, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        dtypes = getattr(self, "_input_dtypes", None) or [None] * len(shapes)
        shape, dtype = probe_op_shape(lambda arrays: self.call({}, arrays), shapes, dtypes)
        if dtype is not None:
            self.output_dtype = dtype
        return shape

    def get_config(self):
        return {"name": self.name, **self.options}


class _Slot:
    """Where input tensor `index` goes in an op's call arguments."""

    def __init__(self, index):
        self.index = index


def _with_slots(value, tensors):
    from ..layers.node import KerasTensor
    if isinstance(value, KerasTensor):
        tensors.append(value)
        return _Slot(len(tensors) - 1)
    if isinstance(value, (list, tuple)):
        return type(value)(_with_slots(v, tensors) for v in value)
    if isinstance(value, dict):
        return {k: _with_slots(v, tensors) for k, v in value.items()}
    return value


def _filled(value, values):
    if isinstance(value, _Slot):
        return values[value.index]
    if isinstance(value, (list, tuple)):
        return type(value)(_filled(v, values) for v in value)
    if isinstance(value, dict):
        return {k: _filled(v, values) for k, v in value.items()}
    return value


def template_tensors(layer, node):
    """The op node's call arguments with its input tensors put back in (for writing Keras's inbound_nodes)."""
    args, kwargs = layer.template
    return _filled(list(args), node.input_tensors), _filled(kwargs, node.input_tensors)


@functools.lru_cache(maxsize=None)
def _parameter_names_cached(function):
    import inspect
    try:
        return [p.name for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return []


def _parameter_names(function, count):
    return _parameter_names_cached(function)


def get_item(x, key):
    """x[key]: the op behind indexing a symbolic tensor (Keras's GetItem)."""
    if isinstance(key, list):         # a JSON file holds a tuple of indices as a list
        key = tuple(key)
    return x[key]


OPS_BY_CLASS[("keras.src.ops.numpy", "GetItem")] = get_item


def op_from_config(keras_module, class_name, config):
    """An OpLayer for a Keras file's op entry, or None when the op is unknown."""
    function = get_item if class_name == "GetItem" else OPS_BY_CLASS.get((keras_module, class_name))
    if function is None:
        return None
    config = dict(config)
    name = config.pop("name", None)
    return OpLayer(function, class_name, keras_module, options=config, name=name)
