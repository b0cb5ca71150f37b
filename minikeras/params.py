"""Nested params dicts: flatten them in Keras weight order, rebuild them from a flat list, map over them."""


def flatten_params(params):
    """The array leaves of a nested dict, depth first in insertion order (= Keras's get_weights order)."""
    leaves = []
    if isinstance(params, dict):
        _collect(params, leaves)
    else:
        leaves.append(params)
    return leaves


def _collect(node, leaves):
    # one call per dict, not per leaf: a training step flattens and rebuilds the params several times
    for value in node.values():
        if isinstance(value, dict):
            _collect(value, leaves)
        else:
            leaves.append(value)


def unflatten_like(template, leaves):
    """A dict shaped like `template` whose leaves are taken, in order, from `leaves`."""
    iterator = iter(leaves)
    result = _rebuild(template, iterator) if isinstance(template, dict) else next(iterator)
    if next(iterator, None) is not None:
        raise ValueError("unflatten_like: more leaves than the template has places for")
    return result


def _rebuild(node, iterator):
    return {key: _rebuild(value, iterator) if isinstance(value, dict) else next(iterator)
            for key, value in node.items()}


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
