"""Symbolic tensors and the nodes that connect them: what `Input(...)` and calling a layer on it record."""
import itertools

import numpy as np

from .. import backend
from ..layers.base import Layer, unique_name

_tensor_ids = itertools.count()


class KerasTensor:
    """A placeholder with a shape (batch axis first, None where unknown), a dtype and the node that made it."""

    def __init__(self, shape, dtype=None, name=None, node=None, index=0):
        self.shape = tuple(shape)
        self.dtype = dtype or backend.floatx()
        self.name = name
        self.node = node
        self.index = index
        self.id = next(_tensor_ids)

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self):
        raise TypeError("A symbolic tensor has no length; use .shape to see its size.")

    # arithmetic, comparisons and indexing record op nodes, as in Keras 3
    def _op(name, reflected=False):
        def method(self, other):
            from .. import ops
            function = getattr(ops, name)
            return function(other, self) if reflected else function(self, other)
        return method

    __add__, __radd__ = _op("add"), _op("add", True)
    __sub__, __rsub__ = _op("subtract"), _op("subtract", True)
    __mul__, __rmul__ = _op("multiply"), _op("multiply", True)
    __truediv__, __rtruediv__ = _op("divide"), _op("divide", True)
    __floordiv__, __rfloordiv__ = _op("floor_divide"), _op("floor_divide", True)
    __mod__, __rmod__ = _op("mod"), _op("mod", True)
    __pow__, __rpow__ = _op("power"), _op("power", True)
    __matmul__, __rmatmul__ = _op("matmul"), _op("matmul", True)
    __lt__, __le__, __gt__, __ge__ = _op("less"), _op("less_equal"), _op("greater"), _op("greater_equal")
    __and__, __or__ = _op("logical_and"), _op("logical_or")
    del _op

    def __neg__(self):
        from .. import ops
        return ops.negative(self)

    def __abs__(self):
        from .. import ops
        return ops.absolute(self)

    def __getitem__(self, key):
        from ..ops.symbolic import OpLayer, get_item
        return OpLayer(get_item, "GetItem", "keras.src.ops.numpy").record_call([self, key], {})

    def __array__(self, *args, **kwargs):
        raise TypeError(f"The symbolic tensor {self.name!r} has no values: it is a placeholder that only gets "
                        f"values when the model is called on data. Call the model (or layer) on a numpy array "
                        f"to compute values.")


class Node:
    """One call of a layer on symbolic inputs: which tensors went in, which came out, with which options."""

    def __init__(self, layer, input_tensors, input_is_list, call_kwargs, output_shapes, output_dtypes):
        self.layer = layer
        self.input_tensors = list(input_tensors)
        self.input_is_list = input_is_list
        self.call_kwargs = call_kwargs
        self.output_tensors = [KerasTensor(shape, dtype, name=f"{layer.name}_out{i}" if i else layer.name,
                                           node=self, index=i)
                               for i, (shape, dtype) in enumerate(zip(output_shapes, output_dtypes))]
        self.input_shapes = [t.shape for t in self.input_tensors]
        self.output_shapes = [t.shape for t in self.output_tensors]
        layer._inbound_nodes.append(self)

    def parent_tensors(self):
        """Every tensor this node needs: the layer inputs and any tensors among the call options."""
        return self.input_tensors + [t for t in _tensors_in(self.call_kwargs)]


def _tensors_in(value):
    if isinstance(value, KerasTensor):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors_in(v)


class InputLayer(Layer):
    """The layer behind `Input`: it has no weights and passes its data through."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, batch_shape=None,
                 input_shape=None, batch_input_shape=None, sparse=None, ragged=None, input_tensor=None, **kwargs):
        shape = shape if shape is not None else input_shape
        batch_shape = batch_shape if batch_shape is not None else batch_input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input: give `shape` (without the batch axis), e.g. Input(shape=(10, 16)).")
            if isinstance(shape, int):
                shape = (shape,)
            if not isinstance(shape, (list, tuple)):
                raise TypeError(f"Input: shape must be a tuple of integers (without the batch axis), got {shape!r}.")
            batch_shape = (batch_size,) + tuple(shape)
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype, **kwargs)
        self.batch_shape = _checked_batch_shape(batch_shape)
        self.input_dtype = _dtype_name(dtype or backend.floatx())
        node = Node(self, [], False, {}, [self.batch_shape], [self.input_dtype])
        self.output_tensor = node.output_tensors[0]
        self.output_tensor.name = self.name
        self.built = True
        self.params = {}

    def call(self, params, x, mask=None, training=False, rng=None):
        return x

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.input_dtype, "sparse": False,
                "name": self.name}


def _dtype_name(dtype):
    if dtype in ("string", "str", str):   # raw text, for a first layer that takes strings (TextVectorization)
        return "string"
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        kind = None
    if kind not in ("b", "i", "u", "f"):
        raise TypeError(f"Input: dtype must be a float, int or bool type (e.g. 'float32', 'int32') or 'string', "
                        f"got {dtype!r}.")
    return np.dtype(dtype).name


def _checked_batch_shape(batch_shape):
    """The batch axis and every other axis: a whole number (>= 1 for the batch, >= 0 otherwise) or None."""
    if isinstance(batch_shape, (str, bytes)) or not isinstance(batch_shape, (list, tuple)):
        raise TypeError(f"Input: shape must be a tuple of integers (None where unknown), got {batch_shape!r}.")
    for axis, size in enumerate(batch_shape):
        whole = isinstance(size, (int, np.integer)) and not isinstance(size, (bool, np.bool_))
        if size is not None and (not whole or size < (1 if axis == 0 else 0)):
            what = "batch_size" if axis == 0 else "shape"
            raise ValueError(f"Input: {what} must hold whole numbers{' >= 1' if axis == 0 else ' >= 0'} or None, "
                             f"got {size!r} in batch shape {tuple(batch_shape)}.")
    return tuple(None if d is None else int(d) for d in batch_shape)


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, sparse=None, tensor=None,
          ragged=None, optional=False):
    """A symbolic input: `Input(shape=(10, 16))` stands for a batch of (10, 16) samples.

    `tensor=` (an existing symbolic tensor) gives that tensor back, as Keras 3 does."""
    if tensor is not None:
        if not isinstance(tensor, KerasTensor):
            raise TypeError(f"Input(tensor=...) takes a symbolic tensor (from Input or a layer), got "
                            f"{type(tensor).__name__}.")
        return tensor
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name,
                      batch_shape=batch_shape).output_tensor


def record_node(layer, inputs, args, kwargs):
    """Call `layer` on symbolic tensors: check shapes, build the layer, and return its symbolic outputs."""
    if args:
        raise TypeError(f"Layer '{layer.name}': pass options by keyword (e.g. training=True), "
                        f"got extra positional arguments {args!r}.")
    input_is_list = isinstance(inputs, (list, tuple))
    input_tensors = list(inputs) if input_is_list else [inputs]
    for t in input_tensors:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Layer '{layer.name}' was called on a mix of symbolic tensors and {type(t).__name__}; "
                            f"in a model every input must come from Input(...) or another layer.")
    for t in input_tensors:
        if t.dtype == "string" and not _takes_strings(layer):
            raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) takes numbers, but its input '{t.name}' "
                            f"holds strings: put a TextVectorization or StringLookup layer before it.")
    input_shape = [t.shape for t in input_tensors] if input_is_list else input_tensors[0].shape
    _build_with_shape_chain(layer, input_shape, input_tensors)
    output_shape = layer.compute_output_shape(input_shape)
    output_shapes = output_shape if isinstance(output_shape, list) else [output_shape]
    dtype = getattr(layer, "output_dtype", None) or backend.floatx()
    node = Node(layer, input_tensors, input_is_list, dict(kwargs), output_shapes, [dtype] * len(output_shapes))
    outputs = node.output_tensors
    return outputs if isinstance(output_shape, list) else outputs[0]


def _takes_strings(layer):
    """Text layers say so (accepts_strings); a nested model or a user's Keras-style layer decides for itself."""
    return bool(getattr(layer, "accepts_strings", False) or getattr(layer, "_keras_style", False)
                or getattr(layer, "inputs", None) is not None)


def _build_with_shape_chain(layer, input_shape, input_tensors):
    try:
        layer.ensure_built(input_shape)
    except ValueError as error:
        chain = shape_chain(input_tensors)
        if chain and "Shapes on the way here" not in str(error):
            raise ValueError(f"{error}\nShapes on the way here:\n{chain}") from None
        raise


def shape_chain(tensors):
    """The layers and output shapes that led to `tensors`, one per line, input first (as summary prints)."""
    lines, seen = [], set()

    def visit(tensor):
        node = tensor.node
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parent_tensors():
            visit(parent)
        shapes = node.output_shapes[0] if len(node.output_shapes) == 1 else node.output_shapes
        lines.append(f"  {node.layer.name} ({type(node.layer).__name__}) -> {shapes}")

    for t in tensors:
        visit(t)
    return "\n".join(lines)


def topological_nodes(inputs, outputs):
    """The nodes between `inputs` and `outputs`, each after the nodes it depends on.

    Raises a ValueError naming the first tensor that cannot be computed from `inputs`.
    """
    input_ids = {t.id for t in inputs}
    order, state = [], {}

    def visit(tensor, consumer):
        if tensor.id in input_ids:
            return
        node = tensor.node
        if node is None or isinstance(node.layer, InputLayer):
            known = [t.name for t in inputs]
            raise ValueError(f"Graph disconnected: layer '{consumer}' needs the tensor '{tensor.name}', "
                             f"which comes from an input not in the model's inputs {known}. "
                             f"Add it to Model(inputs=...).")
        mark = state.get(id(node))
        if mark == "done":
            return
        if mark == "visiting":
            raise ValueError(f"The graph has a cycle through layer '{node.layer.name}'.")
        state[id(node)] = "visiting"
        for parent in node.parent_tensors():
            visit(parent, node.layer.name)
        state[id(node)] = "done"
        order.append(node)

    for t in outputs:
        visit(t, "(model output)")
    return order
