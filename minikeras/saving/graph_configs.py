"""A graph Model's wiring as Keras 3 writes it (inbound_nodes with __keras_tensor__ args), and rebuilding it.

A tensor is named by its keras_history [layer name, node index, output index], where the node index
counts only the calls of that layer inside this model. Keras 2's nested lists are read too.
"""
from ..models.graph import KerasTensor, InputLayer, topological_nodes

_MASK_TAKERS = ("RNN", "Wrapper", "Model")  # layers whose Keras call() has a `mask` argument


def _model_nodes(model):
    """Every node of `model` (its Input nodes first), and {id(node): node index within the model}."""
    nodes = [t.node for t in model.inputs] + topological_nodes(model.inputs, model.outputs)
    in_model = {id(n) for n in nodes}
    index = {}
    for layer in model.operations:
        position = 0
        for node in layer._inbound_nodes:
            if id(node) in in_model:
                index[id(node)] = position
                position += 1
    return nodes, index


def _history(tensor, node_index):
    return [tensor.node.layer.name, node_index[id(tensor.node)], tensor.index]


def _tensor_entry(tensor, node_index):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                       "keras_history": _history(tensor, node_index)}}


def _encode(value, node_index):
    if isinstance(value, KerasTensor):
        return _tensor_entry(value, node_index)
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {"start": value.start, "stop": value.stop, "step": value.step}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, (list, tuple)):
        return [_encode(v, node_index) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v, node_index) for k, v in value.items()}
    return value


def _takes_mask(layer):
    return any(cls.__name__ in _MASK_TAKERS for cls in type(layer).__mro__)


def _node_entry(node, node_index):
    if getattr(node.layer, "is_op_layer", False):
        from ..ops.symbolic import template_tensors
        args, kwargs = template_tensors(node.layer, node)
        return {"args": _encode(args, node_index), "kwargs": _encode(kwargs, node_index)}
    args = node.input_structure if node.input_structure is not None else \
        node.input_tensors if node.input_is_list else node.input_tensors[0]
    kwargs = _encode(dict(node.call_kwargs), node_index)
    if any(cls.__name__ == "RNN" for cls in type(node.layer).__mro__):
        kwargs.setdefault("training", False)  # Keras 3 records it for recurrent layers; a later call overrides it
    if _takes_mask(node.layer):
        kwargs.setdefault("mask", None)
    if node.input_is_list and getattr(node.layer, "inputs_by_position", False):
        # MultiHeadAttention: Keras calls it as mha(query, value, key), one positional argument each
        return {"args": [_encode(t, node_index) for t in node.input_tensors], "kwargs": kwargs}
    # a Keras-style call(x, o=None) called as layer(x, o): one positional argument each, as Keras writes them
    return {"args": [_encode(args, node_index)] + [_encode(a, node_index) for a in node.call_args], "kwargs": kwargs}


def _endpoints(structure, node_index):
    """The model's inputs or outputs as built (nested dicts and lists kept), each tensor as [layer, node, index]."""
    if isinstance(structure, dict):
        return {key: _endpoints(value, node_index) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        # a tuple stays one in get_config(), as in Keras; JSON (and so a file) writes it as a list
        return type(structure)(_endpoints(value, node_index) for value in structure)
    return _history(structure, node_index)


def functional_layers_config(model, serialize_layer):
    """(layers, input_layers, output_layers) of a graph Model's config."""
    nodes, node_index = _model_nodes(model)
    by_layer = {}
    for node in nodes:
        if not isinstance(node.layer, InputLayer):
            by_layer.setdefault(id(node.layer), []).append(node)
    layers = []
    for layer in model.operations:
        entry = serialize_layer(layer)
        if _is_model(layer):
            entry["compile_config"] = {}
        entry["name"] = layer.name
        layer_nodes = sorted(by_layer.get(id(layer), []), key=lambda n: node_index[id(n)])
        entry["inbound_nodes"] = [_node_entry(n, node_index) for n in layer_nodes]
        layers.append(entry)
    return layers, _endpoints(model._input_structure, node_index), _endpoints(model._output_structure, node_index)


def _is_model(layer):
    return any(cls.__name__ == "Model" for cls in type(layer).__mro__)


# ---- rebuilding ---------------------------------------------------------------------------------------
def build_functional(config, deserialize):
    """(inputs, outputs) of the graph a Functional config describes, with its layers made by `deserialize`."""
    layers, pending, tensors = {}, [], {}
    for entry in config.get("layers", []):
        layer = deserialize(entry)
        name = entry.get("name") or layer.name
        layers[name] = layer
        if isinstance(layer, InputLayer):
            tensors[(name, 0, 0)] = layer.output_tensor
        pending.append([name, layer, list(entry.get("inbound_nodes") or []), 0])
    while any(item[2] for item in pending):
        progressed = False
        for item in pending:
            while item[2] and _ready(item[2][0], tensors):
                _connect(item, item[2].pop(0), tensors)
                progressed = True
        if not progressed:
            stuck = next(item for item in pending if item[2])
            raise ValueError(f"Model config '{config.get('name')}': layer '{stuck[0]}' takes a tensor no layer in "
                             f"the config produces ({_missing(stuck[2][0], tensors)}).")
    inputs = _resolve_endpoints(config.get("input_layers"), tensors, "input")
    outputs = _resolve_endpoints(config.get("output_layers"), tensors, "output")
    if _keras2_style(config):  # Keras 2 always wrote lists; one input (or output) meant a plain tensor
        inputs, outputs = (v[0] if isinstance(v, list) and len(v) == 1 else v for v in (inputs, outputs))
    return inputs, outputs


def _keras2_style(config):
    return any(isinstance(node, list) for entry in config.get("layers", []) for node in entry.get("inbound_nodes") or [])


def _connect(item, node_data, tensors):
    name, layer, _, count = item
    if getattr(layer, "is_op_layer", False):     # an op takes its call arguments as Keras wrote them
        outputs = layer.record_call([_decode(a, tensors) for a in node_data.get("args", [])],
                                    {k: _decode(v, tensors) for k, v in (node_data.get("kwargs") or {}).items()})
        tensors[(name, count, 0)] = outputs
        item[3] = count + 1
        return
    args, kwargs = _node_call(node_data, tensors)
    kwargs = {k: v for k, v in kwargs.items() if k != "mask" and not (k == "training" and v is False)}
    if layer._keras_style and isinstance(node_data, dict) and len(node_data.get("args", [])) > 1:
        outputs = layer(*args, **kwargs)       # several positional arguments: layer(x, o) for call(x, o=None)
    else:
        outputs = layer(args, **kwargs)
    for i, tensor in enumerate(_flat_outputs(outputs)):
        tensors[(name, count, i)] = tensor
    item[3] = count + 1


def _flat_outputs(outputs):
    """A call's outputs in the order the config counts them (RNN([cells], return_state=True) nests its states; a
    Keras-style call may return a dict)."""
    if isinstance(outputs, dict):
        return [t for item in outputs.values() for t in _flat_outputs(item)]
    if not isinstance(outputs, (list, tuple)):
        return [outputs]
    return [t for item in outputs for t in _flat_outputs(item)]


def _node_call(node_data, tensors):
    """(inputs, call kwargs) of one node, in Keras 3's {args, kwargs} form or Keras 2's list form."""
    if isinstance(node_data, dict):
        args = [_decode(a, tensors) for a in node_data.get("args", [])]
        kwargs = {k: _decode(v, tensors) for k, v in (node_data.get("kwargs") or {}).items()}
        return (args[0] if len(args) == 1 else args), kwargs
    inbound = [tensors[_key(t[:3])] for t in node_data]
    kwargs = {}
    for t in node_data:
        if len(t) > 3 and isinstance(t[3], dict):
            kwargs.update({k: _decode(v, tensors) for k, v in t[3].items()})
    return (inbound[0] if len(inbound) == 1 else inbound), kwargs


def _decode(value, tensors):
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return tensors[_key(value["config"]["keras_history"])]
    if isinstance(value, dict) and value.get("class_name") == "__slice__":
        config = value.get("config") or {}
        return slice(config.get("start"), config.get("stop"), config.get("step"))
    if isinstance(value, dict) and value.get("class_name") == "__ellipsis__":
        return Ellipsis
    if isinstance(value, list):
        return [_decode(v, tensors) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v, tensors) for k, v in value.items()}
    return value


def _key(history):
    return (history[0], int(history[1]), int(history[2]))


def _needed(node_data):
    found = []

    def visit(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            found.append(_key(value["config"]["keras_history"]))
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    if isinstance(node_data, dict):
        visit(node_data)
    else:  # Keras 2: [[layer name, node index, tensor index, kwargs], ...]
        found = [_key(t[:3]) for t in node_data]
        for t in node_data:
            if len(t) > 3:
                visit(t[3])
    return found


def _ready(node_data, tensors):
    return all(key in tensors for key in _needed(node_data))


def _missing(node_data, tensors):
    return next((list(key) for key in _needed(node_data) if key not in tensors), None)


def _resolve_endpoints(spec, tensors, what):
    if spec is None:
        raise ValueError(f"The model config has no {what}_layers.")
    if isinstance(spec, dict):
        return {k: _resolve_endpoints(v, tensors, what) for k, v in spec.items()}
    if spec and isinstance(spec[0], str):  # one endpoint: [name, node, index]
        return _endpoint(spec, tensors, what)
    endpoints = [_resolve_endpoints(s, tensors, what) for s in spec]
    return tuple(endpoints) if isinstance(spec, tuple) else endpoints


def _endpoint(history, tensors, what):
    key = _key(history)
    if key not in tensors:
        raise ValueError(f"The model config names {what} {list(key)}, which no layer in it produces.")
    return tensors[key]
