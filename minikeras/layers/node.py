"""Symbolic tensors and the nodes that connect them: what calling a layer on an `Input(...)` records.

A layer called on symbolic tensors checks their shapes, builds itself, and records a Node (which tensors went in,
which came out, with which options); the Model then walks those nodes (models/graph.py). This sits with the layers,
below the models, so that a layer records its call without reaching up.
"""
import itertools

import numpy as np

from .. import backend
from .keras_build import call_argument_shapes, call_shapes_recorded

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
        self.mask_shape = None      # the shape of the mask this tensor carries in the graph (None: no mask)

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

    def __init__(self, layer, input_tensors, input_is_list, call_kwargs, output_shapes, output_dtypes, call_args=(),
                 input_structure=None):
        self.layer = layer
        self.input_tensors = list(input_tensors)
        self.input_is_list = input_is_list
        self.call_kwargs = call_kwargs
        # the positional arguments after the first (a Keras-style `call(self, x, o=None)` called as layer(x, o)):
        # symbolic tensors or None, replayed in this order
        self.call_args = list(call_args)
        # a dict or a list with None in it, as the layer was called on it (None for a tensor or a list of tensors)
        self.input_structure = input_structure
        self.output_tensors = [KerasTensor(shape, dtype, name=f"{layer.name}_out{i}" if i else layer.name,
                                           node=self, index=i)
                               for i, (shape, dtype) in enumerate(zip(output_shapes, output_dtypes))]
        self.input_shapes = [t.shape for t in self.input_tensors]
        self.output_shapes = [t.shape for t in self.output_tensors]
        layer._inbound_nodes.append(self)

    def parent_tensors(self):
        """Every tensor this node needs: the layer inputs, the other positional arguments and the call options."""
        return self.input_tensors + list(_tensors_in(self.call_args)) + list(_tensors_in(self.call_kwargs))


def _tensors_in(value):
    if isinstance(value, KerasTensor):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors_in(v)


def record_node(layer, inputs, args, kwargs):
    """Call `layer` on symbolic tensors: check shapes, build the layer, and return its symbolic outputs.

    `args` are the positional arguments after the first: symbolic tensors or None, for a Keras-style layer whose
    call takes several (`call(self, x, o=None)` called as `layer(x, o)`); the node records and replays them."""
    call_args = _checked_positional(layer, args)
    structure = inputs if _is_structured(inputs) and getattr(layer, "_keras_style", False) else None
    input_is_list = isinstance(inputs, (list, tuple)) or structure is not None
    input_tensors = [t for t in _leaves(inputs) if t is not None] if structure is not None else \
        list(inputs) if input_is_list else [inputs]
    for t in input_tensors:
        if not isinstance(t, KerasTensor):
            raise TypeError(f"Layer '{layer.name}' was called on a mix of symbolic tensors and {type(t).__name__}; "
                            f"in a model every input must come from Input(...) or another layer.")
    for t in input_tensors + list(_tensors_in(call_args)):
        if t.dtype == "string" and not _takes_strings(layer):
            raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) takes numbers, but its input '{t.name}' "
                            f"holds strings: put a TextVectorization or StringLookup layer before it.")
    input_shape = _shapes_in(inputs) if structure is not None else \
        [t.shape for t in input_tensors] if input_is_list else input_tensors[0].shape
    with call_shapes_recorded(layer, input_shape, call_args, kwargs):
        _build_with_shape_chain(layer, input_shape, input_tensors)
    output_shape = _output_shape(layer, input_shape, call_args, kwargs, structure,
                                 None if structure is not None else _stand_in_mask(input_tensors, input_is_list))
    if isinstance(output_shape, dict):      # a Keras-style call returning a dict: one tensor per leaf, handed back
        return _dict_outputs(layer, input_tensors, input_is_list, kwargs, output_shape, call_args, structure)
    output_shapes = _flat_shapes(output_shape) if isinstance(output_shape, list) else [output_shape]
    dtype = getattr(layer, "output_dtype", None) or backend.floatx()
    node = Node(layer, input_tensors, input_is_list, dict(kwargs), output_shapes, [dtype] * len(output_shapes),
                call_args=call_args, input_structure=structure)
    outputs = node.output_tensors
    if len(outputs) == 1 and structure is None:
        _note_output_mask(layer, input_tensors, input_is_list, outputs[0])
    return outputs if isinstance(output_shape, list) else outputs[0]


def _stand_in_mask(input_tensors, input_is_list):
    """A symbolic stand-in for the mask the inputs carry (a bool KerasTensor, or a list of them and None), so that a
    Keras-style layer probed on stand-in values gets a mask where Keras would hand it one; None without masks."""
    masks = [None if t.mask_shape is None else KerasTensor(t.mask_shape, dtype="bool") for t in input_tensors]
    if all(m is None for m in masks):
        return None
    return masks if input_is_list else masks[0]


def _note_output_mask(layer, input_tensors, input_is_list, output):
    """Record whether `output` carries a mask, and its shape: the layer's compute_mask on stand-in values (zeros,
    masks of ones; each unknown axis 2 long), whose leading axes are the output's."""
    stand_in = _stand_in_mask(input_tensors, input_is_list)
    if stand_in is None and not getattr(layer, "_keras_style", False) and type(layer).compute_mask is \
            _base_compute_mask():
        return          # the common case, decided without running anything: no mask in, and none made
    x = [np.zeros(tuple(2 if d is None else d for d in t.shape), dtype=_numeric(t.dtype)) for t in input_tensors]
    mask = _ones_for(stand_in)
    try:
        out = layer.compute_mask(x if input_is_list else x[0], mask)
    except Exception:       # a compute_mask that cannot run on stand-ins: the graph carries no mask hint from it
        return
    if out is not None and not isinstance(out, (list, tuple)) and np.ndim(out) <= len(output.shape):
        output.mask_shape = tuple(output.shape[:np.ndim(out)])


def _ones_for(stand_in):
    if isinstance(stand_in, list):
        return [_ones_for(m) for m in stand_in]
    return None if stand_in is None else np.ones(tuple(2 if d is None else d for d in stand_in.shape), dtype=bool)


def _numeric(dtype):
    return "float32" if dtype == "string" else dtype


def _base_compute_mask():
    from .base import Layer
    return Layer.compute_mask


def _dict_outputs(layer, input_tensors, input_is_list, kwargs, output_shape, call_args, structure):
    """The node of a call returning a dict: its tensors in the order of the sorted keys (as Keras 3 numbers them in
    its files, and as flat_call_outputs flattens the dict when the graph runs), given back as a dict."""
    keys = sorted(output_shape)
    shapes = [output_shape[k] for k in keys]
    if not all(isinstance(s, tuple) for s in shapes):
        raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}): a dict returned by call() must hold "
                        f"arrays, got values of shapes {output_shape}.")
    dtype = getattr(layer, "output_dtype", None) or backend.floatx()
    node = Node(layer, input_tensors, input_is_list, dict(kwargs), shapes, [dtype] * len(shapes),
                call_args=call_args, input_structure=structure)
    return dict(zip(keys, node.output_tensors))


def flat_call_outputs(outputs):
    """A Keras-style call's dict of outputs as the node's list: by sorted key, as Keras 3 orders them."""
    return [outputs[k] for k in sorted(outputs)]


def _flat_shapes(shapes):
    """A layer's list of output shapes with any group of shapes in it flattened (RNN over stacked cells groups its
    states by cell): the node holds one tensor per shape."""
    flat = []
    for shape in shapes:
        grouped = isinstance(shape, list) and shape and all(isinstance(s, (list, tuple)) for s in shape)
        flat.extend(_flat_shapes(shape) if grouped else [shape])
    return flat


def _is_structured(inputs):
    """A dict of tensors, or a list holding None or lists (`layer([x, None])`, `layer({"x1": a, "x2": b})`), which
    a Keras-style call takes as it is; a plain tensor or flat list of tensors is the common case."""
    if isinstance(inputs, dict):
        return True
    return isinstance(inputs, (list, tuple)) and any(v is None or isinstance(v, (list, tuple, dict)) for v in inputs)


def _shapes_in(inputs):
    """The shapes of a structured input as a layer's build sees them: a list (a dict's values in order), None for
    an absent tensor."""
    if isinstance(inputs, dict):
        return [_shapes_in(v) for v in inputs.values()]
    if isinstance(inputs, (list, tuple)):
        return [_shapes_in(v) for v in inputs]
    return None if inputs is None else inputs.shape


def _checked_positional(layer, args):
    """The positional arguments after the first, when they may be recorded: tensors (or None, for an optional
    argument) for a Keras-style layer. Anything else is the ValueError Keras raises."""
    if not args:
        return []
    leaves = list(_leaves(args))
    if not all(leaf is None or isinstance(leaf, KerasTensor) for leaf in leaves):
        raise ValueError(f"Layer '{layer.name}': only input tensors may be passed positionally; pass options by "
                         f"keyword (e.g. training=True), got extra positional arguments {args!r}.")
    if not getattr(layer, "_keras_style", False):
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) takes its inputs as one argument, but was "
                         f"called on several positional symbolic tensors: call it as layer([x1, x2]).")
    return list(args)


def _leaves(value):
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    else:
        yield value


def _output_shape(layer, input_shape, call_args, kwargs, structure=None, mask=None):
    """The layer's compute_output_shape (given one shape per call argument when it asks for several by name); a
    Keras-style layer without one is called on zeros, with the call's other arguments (`layer(x, o, flag=True)`)
    and a mask of ones where its input carries a mask (`mask`, a stand-in)."""
    options = {k: v for k, v in kwargs.items() if k not in ("training", "mask")}
    if mask is not None and "mask" not in kwargs and getattr(layer, "_keras_style", False):
        options["mask"] = mask
    own_shape_function = not type(layer).compute_output_shape.__module__.startswith("minikeras.")
    keras_style = getattr(layer, "_keras_style", False) and not hasattr(layer, "_build_subclassed")
    if keras_style and own_shape_function and (call_args or _has_tensors(options)):
        from .keras_build import shape_arguments
        shape_args, shape_kwargs = shape_arguments(layer, type(layer).compute_output_shape, input_shape,
                                                   call_argument_shapes(layer, input_shape, call_args, kwargs))
        return layer.compute_output_shape(*shape_args, **shape_kwargs)
    if keras_style and not own_shape_function and (call_args or options or structure is not None):
        from .shape_probe import probe_output_shape
        return probe_output_shape(layer, input_shape, options=options, call_args=call_args, inputs=structure)
    return layer.compute_output_shape(input_shape)


def _has_tensors(value):
    return any(isinstance(leaf, KerasTensor) for leaf in _leaves(value))


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


