"""A Keras-style layer's output shape found by calling it on zeros, when it has no compute_output_shape of its own."""
import numpy as np

from .. import backend


def probe_output_shape(layer, input_shape, dtypes=None, options=None, call_args=(), inputs=None):
    """The output shape(s) found by calling the layer on zeros (with the call's other arguments: `call_args`
    positional, `options` by keyword, symbolic tensors among them replaced by zeros too): axes unknown in the input
    (None) are tried at two sizes, and an output axis that changes with them is unknown too. `inputs`, a dict or
    list of symbolic tensors (and None), is called on as it is, each tensor replaced by zeros."""
    first = _probe(layer, input_shape, 2, dtypes, options, call_args, inputs)
    second = _probe(layer, input_shape, 3, dtypes, options, call_args, inputs)
    return _merge_shapes(first, second)


def _probe(layer, input_shape, unknown_size, dtypes, options=None, call_args=(), inputs=None):
    def zeros(shape, dtype):
        return np.zeros(tuple(unknown_size if d is None else d for d in shape), dtype=dtype or backend.floatx())

    def zeros_for_tensors(value):
        if isinstance(value, (list, tuple)):
            return type(value)(zeros_for_tensors(v) for v in value)
        if isinstance(value, dict):
            return {k: zeros_for_tensors(v) for k, v in value.items()}
        if type(value).__name__ == "KerasTensor":
            if value.dtype == "bool":       # a mask (node.py's stand-in): every step kept
                return np.ones(tuple(unknown_size if d is None else d for d in value.shape), dtype=bool)
            return zeros(value.shape, None if value.dtype == "string" else value.dtype)
        return value

    if inputs is not None:
        x = zeros_for_tensors(inputs)
    elif isinstance(input_shape, list):
        dtypes = dtypes or [None] * len(input_shape)
        x = [zeros(s, d) for s, d in zip(input_shape, dtypes)]
    else:
        x = zeros(input_shape, (dtypes or [None])[0])
    options = zeros_for_tensors(options or {})
    if call_args:
        options["args"] = zeros_for_tensors(list(call_args))
    outputs, _, _ = layer.call_recording(layer.params or {}, x, training=False, **options)
    return _shapes(outputs)


def _shapes(outputs):
    if isinstance(outputs, dict):
        return {k: _shapes(o) for k, o in outputs.items()}
    if isinstance(outputs, (list, tuple)):
        return [_shapes(o) for o in outputs]
    return tuple(np.shape(outputs))


def _merge_shapes(first, second):
    if isinstance(first, dict):
        return {k: _merge_shapes(first[k], second[k]) for k in first}
    if isinstance(first, list):
        return [_merge_shapes(a, b) for a, b in zip(first, second)]
    if len(first) != len(second):
        return (None,) * len(first)
    # an axis that kept its size while the unknown input axes changed is known (a batch of 4 stays 4, as Keras)
    return tuple(a if a == b else None for a, b in zip(first, second))
