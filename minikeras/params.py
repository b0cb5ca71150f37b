"""Nested params dicts: flatten them in Keras weight order, rebuild them from a flat list, map over them."""


def flatten_params(params):
    """The array leaves of a nested dict, depth first in insertion order (= Keras's get_weights order)."""
    leaves = []
    _collect(params, leaves)
    return leaves


def _collect(node, leaves):
    if isinstance(node, dict):
        for value in node.values():
            _collect(value, leaves)
    else:
        leaves.append(node)


def unflatten_like(template, leaves):
    """A dict shaped like `template` whose leaves are taken, in order, from `leaves`."""
    iterator = iter(leaves)
    result = _rebuild(template, iterator)
    if next(iterator, None) is not None:
        raise ValueError("unflatten_like: more leaves than the template has places for")
    return result


def _rebuild(node, iterator):
    if isinstance(node, dict):
        return {key: _rebuild(value, iterator) for key, value in node.items()}
    return next(iterator)


def map_params(function, params):
    if isinstance(params, dict):
        return {key: map_params(function, value) for key, value in params.items()}
    return function(params)


def merge_like(template, *parts):
    """One dict shaped like `template` (same keys, same order) whose leaves come from `parts`, which are
    partial copies of it (later parts win): how a training step puts trainable and frozen weights back together."""
    result = {}
    for key, value in template.items():
        present = [part[key] for part in parts if isinstance(part, dict) and key in part]
        if not present:
            result[key] = value
        elif isinstance(value, dict):
            result[key] = merge_like(value, *present)
        else:
            result[key] = present[-1]
    return result
