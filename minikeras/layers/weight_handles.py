"""Weight handles for built-in layers: `dense.kernel`, `lstm.cell.recurrent_kernel`, `layer.weights` as in Keras.

A built-in layer keeps its weights in a plain params dict; a handle names one leaf of it by its key path and reads
it (or, in a Keras-style layer's pure call that uses the layer, the traced value) like any array. Handles are
made on first use and kept, so the same weight is the same object each time (optimizers key their slots on it).
"""
from .variable import Variable


def handles_of(layer):
    """A handle for every leaf of `layer.params`, in get_weights order."""
    params = layer.params or {}
    cache = layer.__dict__.setdefault("_handles", {})
    handles = []
    for path, value in _leaves(params):
        handle = cache.get(path)
        if handle is None or handle.shape != tuple(value.shape):
            handle = Variable(layer, path, value.shape, value.dtype, trainable=_trainable(layer, path),
                              regularizer=_own_option(layer.weight_regularizers, path),
                              constraint=_own_option(layer.weight_constraints, path), name=path[-1])
            cache[path] = handle
        handles.append(handle)
    return handles


def handle_named(layer, name):
    """The handle of the top-level weight `name` (dense.kernel), or None."""
    params = layer.__dict__.get("_params") or {}
    if name in params and not isinstance(params[name], dict):
        return next(h for h in handles_of(layer) if h.key == (name,))
    return None


def _own_option(options_of_layer, path):
    """The regularizer or constraint the layer gives its own top-level weight (Keras: dense.kernel.constraint)."""
    return options_of_layer().get(path[0]) if len(path) == 1 else None


def _trainable(layer, path):
    return path[0] not in layer.non_trainable_weight_names()


def _leaves(params, prefix=()):
    for key, value in params.items():
        if isinstance(value, dict):
            yield from _leaves(value, prefix + (key,))
        else:
            yield prefix + (key,), value


def read(params, path):
    for key in path:
        params = params[key]
    return params


def replaced(params, path, value):
    """A copy of `params` with the leaf at `path` replaced (the old dict is left as it was)."""
    result = dict(params)
    result[path[0]] = value if len(path) == 1 else replaced(params[path[0]], path[1:], value)
    return result
