"""What a graph model's eager call does with the data it is given before running: ranks standardized, shapes
read (None for an optional input left out), and tensors after the first handed to a subclassed call."""
import numpy as np

from ..layers import keras_style
from ..layers.call_inputs import _as_arrays
from ..layers.keras_build import call_shapes_recorded
from .structure import flatten


def standardized_ranks(model, inputs):
    """Inputs one rank off their Input's shape on the last axis, expanded or squeezed, and in their Input's dtype
    (as Keras 3 does)."""
    from .data import standardized_rank
    leaves = flatten(inputs) if isinstance(inputs, (list, tuple)) else None
    flat = leaves if leaves is not None and len(leaves) == len(model.inputs) else model._flatten_inputs(inputs)
    try:
        flat = [None if x is None else _in_dtype_of(standardized_rank(np.asarray(x), t), t)
                for x, t in zip(flat, model.inputs)]
    except ValueError:
        return inputs          # not arrays (ragged lists): the shape check that follows says what is wrong
    return flat if len(flat) > 1 else flat[0]


def _in_dtype_of(array, tensor):
    """Numbers cast to the Input's dtype (float16 stays float16, int32 indices int32); floats meant as integer
    indices only when they are whole numbers (others stay as they are, for the layer's own clear error)."""
    try:
        wanted = np.dtype(tensor.dtype)
    except TypeError:          # "string" and other non-numeric inputs
        return array
    if array.dtype == wanted or array.dtype.kind not in "biuf" or wanted.kind not in "biuf":
        return array
    if wanted.kind in "iu" and array.dtype.kind == "f" and not np.array_equal(array, np.round(array)):
        return array
    return array.astype(wanted)


def shapes_of_inputs(inputs):
    """The shape of each input with its batch axis unknown (None for an input left out)."""
    if isinstance(inputs, (dict, list, tuple)):
        return [None if v is None else (None,) + tuple(np.shape(v)[1:]) for v in flatten(inputs)]
    return (None,) + tuple(np.shape(inputs)[1:])


def call_with_positional_arrays(model, inputs, args, kwargs):
    """An eager call of a subclassed model with tensors after the first (`model(x, o)` for `call(self, x, o=None)`):
    they reach its call positionally, as in Keras."""
    training = kwargs.pop("training", None)
    kwargs.pop("mask", None)
    inputs, args = _as_arrays(inputs), [_as_arrays(a) for a in args]
    if not model.built:
        with call_shapes_recorded(model, shapes_of_inputs(inputs), args, kwargs):
            model.ensure_built(shapes_of_inputs(inputs))
    return keras_style.eager_call(model, inputs, *args, training=training, kwargs=kwargs)
