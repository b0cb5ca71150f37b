"""What a layer called on arrays receives: inputs turned into arrays of floatx, refused when they are not numbers,
and their shapes with the batch axis unknown (as a layer is built for any batch size)."""
import numpy as np
from autograd.tracer import Box

from .. import backend


def _as_arrays(inputs):
    if inputs is None:          # an optional input left out: a Keras-style call or a model takes it as None
        return None
    if isinstance(inputs, Box):  # traced: a layer used as a function inside a pure call (activation=ReLU())
        return inputs
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
        if array is None:
            raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) takes arrays of real numbers, got None.")
        if isinstance(array, list):
            _check_numeric(layer, array)
        elif array.dtype.kind not in "biuf":
            raise TypeError(f"Layer '{layer.name}' ({type(layer).__name__}) takes arrays of real numbers, "
                            f"got dtype {array.dtype}.")


def _shape_of(inputs):
    if isinstance(inputs, dict):
        return [_shape_of(v) for v in inputs.values()]
    if isinstance(inputs, (list, tuple)):
        return [_shape_of(x) for x in inputs]
    return None if inputs is None else (None,) + tuple(np.shape(inputs)[1:])


def _batchless_shape(inputs):
    if isinstance(inputs, list):
        return [_batchless_shape(x) for x in inputs]
    return (None,) + tuple(np.shape(inputs)[1:])


def _is_single_shape(shape):
    return isinstance(shape, tuple) and all(d is None or isinstance(d, (int, np.integer)) for d in shape)
