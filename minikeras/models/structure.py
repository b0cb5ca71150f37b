"""Nested inputs and outputs (dicts, lists, tuples of tensors or arrays): flattened in order, and packed back."""
import warnings


def flatten(structure):
    """The leaves of a nested dict/list/tuple, depth first (dicts in their key order)."""
    if isinstance(structure, dict):
        return [leaf for value in structure.values() for leaf in flatten(value)]
    if isinstance(structure, (list, tuple)):
        return [leaf for value in structure for leaf in flatten(value)]
    return [structure]


def keys_sorted(structure):
    """The structure with every dict's keys in sorted order: the order in which Keras 3 flattens a model's dict of
    inputs or outputs (model.inputs, model.outputs, and so list-form targets, losses and metrics)."""
    if isinstance(structure, dict):
        try:
            keys = sorted(structure)
        except TypeError:            # keys of mixed types: left in their own order
            keys = list(structure)
        return {key: keys_sorted(structure[key]) for key in keys}
    if isinstance(structure, (list, tuple)):
        values = [keys_sorted(value) for value in structure]
        return type(structure)(*values) if hasattr(structure, "_fields") else type(structure)(values)
    return structure


def pack_like(structure, leaves):
    """`leaves` (a flat list) arranged like `structure` (tuples stay tuples, dicts keep their keys)."""
    iterator = iter(leaves)

    def rebuild(node):
        if isinstance(node, dict):
            return {key: rebuild(value) for key, value in node.items()}
        if isinstance(node, (list, tuple)):
            return type(node)(rebuild(value) for value in node)
        return next(iterator)

    return rebuild(structure)


def is_nested(structure):
    """True when the structure has a container inside a container (a plain list or dict of leaves is not)."""
    values = structure.values() if isinstance(structure, dict) else structure
    return isinstance(structure, (list, tuple, dict)) and any(isinstance(v, (list, tuple, dict)) for v in values)


def flatten_like(structure, data, what):
    """`data` given in the shape of `structure`, flattened the same way; a ValueError says where they differ."""
    if isinstance(structure, dict):
        if not isinstance(data, dict):
            raise ValueError(f"{what}: expected a dict with keys {list(structure)}, got {type(data).__name__}.")
        missing = [k for k in structure if k not in data]
        if missing:
            raise ValueError(f"{what}: the dict is missing {missing}; expected keys {list(structure)}.")
        return [leaf for key in structure for leaf in flatten_like(structure[key], data[key], f"{what}[{key!r}]")]
    if isinstance(structure, (list, tuple)):
        if not isinstance(data, (list, tuple)) or len(data) != len(structure):
            got = len(data) if isinstance(data, (list, tuple)) else type(data).__name__
            raise ValueError(f"{what}: expected a list of {len(structure)}, got {got}.")
        return [leaf for s, d in zip(structure, data) for leaf in flatten_like(s, d, f"{what}[{len(structure)}]")]
    return [data]


def inputs_in_order(model, inputs):
    """The data given to `model` (an array, a list, a dict, nested) as one array per model input, in order."""
    structure = model._input_structure
    if is_nested(structure):
        if isinstance(inputs, list) and not is_nested(inputs) and len(inputs) == len(flatten(structure)):
            return list(inputs)       # already in the model's order: a node of an outer graph passes them so
        return flatten_like(structure, inputs, f"Model '{model.name}' inputs")
    if isinstance(structure, dict):
        if not isinstance(inputs, dict):
            if isinstance(inputs, (list, tuple)) and len(inputs) == len(structure):
                return list(inputs)
            if len(structure) == 1 and not isinstance(inputs, (list, tuple)):
                return [inputs]       # one input's array, as a dict's one value has become on the way
            raise ValueError(f"Model '{model.name}' takes a dict of inputs with keys {list(structure)}.")
        missing = [k for k in structure if k not in inputs]
        if missing:
            raise ValueError(f"Model '{model.name}': inputs dict is missing {missing}; expected keys {list(structure)}.")
        return [inputs[k] for k in structure]
    if isinstance(inputs, dict):
        names = [t.name for t in model.inputs]
        if all(n in inputs for n in names):
            return [inputs[n] for n in names]
        raise ValueError(f"Model '{model.name}': inputs dict has keys {list(inputs)}; the inputs are named {names}.")
    if len(model.inputs) == 1:
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            return [inputs[0]]
        return [inputs]
    if not isinstance(inputs, (list, tuple)) or len(inputs) != len(model.inputs):
        got = len(inputs) if isinstance(inputs, (list, tuple)) else "a single array"
        raise ValueError(f"Model '{model.name}' expects {len(model.inputs)} inputs "
                         f"{[t.name for t in model.inputs]}, got {got}.")
    return list(inputs)


def outputs_in_structure(structure, outputs):
    """The model's outputs (a flat list) in the structure the model was made with."""
    if is_nested(structure):
        return pack_like(structure, outputs)
    if isinstance(structure, dict):
        return dict(zip(structure, outputs))
    if isinstance(structure, tuple):
        return tuple(outputs)            # Keras 3 gives outputs back in the structure the model was made with
    if isinstance(structure, list):
        return list(outputs)
    return outputs[0]


def warn_if_structure_differs(model, inputs):
    """Keras 3's warning, once per model, when a model made with a dict of inputs is given a list (read in the
    order of its keys) or a dict with keys it does not take (left unused). Lists and tuples count as the same."""
    structure = getattr(model, "_input_structure", None)      # a subclassed model has none
    if not isinstance(structure, dict) or getattr(model, "_warned_input_structure", False):
        return
    if isinstance(inputs, dict):
        names = {t.name for t in model.inputs}
        unused = [k for k in inputs if k not in structure and k not in names]
        if not unused:
            return
        detail = f"the keys {unused} are not among them and are left unused"
    elif isinstance(inputs, (list, tuple)):
        detail = f"it was given a {type(inputs).__name__}, read in the order of those keys"
    else:
        return
    model._warned_input_structure = True
    warnings.warn(f"The structure of `inputs` doesn't match the expected structure: model '{model.name}' takes a "
                  f"dict with keys {list(structure)}; {detail}.", UserWarning, stacklevel=3)
