"""InputLayer and Input: the start of a graph, a placeholder for a batch of a given shape and dtype."""
import numpy as np

from .. import backend
from .base import Layer, unique_name
from .node import Node, KerasTensor


class InputLayer(Layer):
    """The layer behind `Input`: it has no weights and passes its data through."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, batch_shape=None,
                 input_shape=None, batch_input_shape=None, sparse=None, ragged=None, input_tensor=None, optional=False,
                 **kwargs):
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
        if not isinstance(optional, (bool, np.bool_)):
            raise TypeError(f"Input: optional must be True or False, got {optional!r}.")
        self.optional = bool(optional)       # the model may then be fed None for it
        node = Node(self, [], False, {}, [self.batch_shape], [self.input_dtype])
        self.output_tensor = node.output_tensors[0]
        self.output_tensor.name = self.name
        self.built = True
        self.params = {}

    def call(self, params, x, mask=None, training=False, rng=None):
        return x

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.input_dtype, "sparse": False,
                "name": self.name, "optional": self.optional}


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

    `optional=True` lets the model be fed None for this input (a layer called on it then gets None).
    `tensor=` (an existing symbolic tensor) gives that tensor back, as Keras 3 does."""
    if tensor is not None:
        if not isinstance(tensor, KerasTensor):
            raise TypeError(f"Input(tensor=...) takes a symbolic tensor (from Input or a layer), got "
                            f"{type(tensor).__name__}.")
        return tensor
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name,
                      batch_shape=batch_shape, optional=optional).output_tensor


def check_fed(tensors, values, what):
    """A ValueError when None was given for an input that is not optional (`what` names the model and call)."""
    for tensor, value in zip(tensors, values):
        if value is None and isinstance(getattr(tensor.node, "layer", None), InputLayer) \
                and not tensor.node.layer.optional:
            raise ValueError(f"{what}: the input '{tensor.name}' is not optional, but None was passed. Give it an "
                             f"array, or make it Input(..., optional=True).")


