"""A model made from intermediate tensors (Model(x_mid, y)): fresh Inputs stand in for them and the layer calls
between them and the outputs are made again on those Inputs, as Keras's Functional model does (clone_graph_nodes).
Without this the model would list, and count the weights of, the layers that made its inputs."""
from .graph import Input, InputLayer, KerasTensor, topological_nodes
from .structure import flatten, pack_like


def from_input_layers(inputs, outputs):
    """(inputs, outputs) unchanged when every input comes from an Input; else new ones whose inputs do."""
    flat_inputs, flat_outputs = flatten(inputs), flatten(outputs)
    if not all(isinstance(t, KerasTensor) for t in flat_inputs + flat_outputs):
        return inputs, outputs          # not tensors: the model refuses them, naming what it got
    if all(_is_input(t) for t in flat_inputs):
        return inputs, outputs
    replacement = {t.id: t if _is_input(t) else Input(batch_shape=t.shape, dtype=t.dtype)
                   for t in flat_inputs}
    for node in topological_nodes(flat_inputs, flat_outputs):
        new_inputs = [replacement.get(t.id, t) for t in node.input_tensors]
        if node.input_structure is not None:          # a dict, or a list with None in it
            new_inputs = _replaced(node.input_structure, replacement)
        kwargs = _replaced(node.call_kwargs, replacement)
        args = _replaced(node.call_args, replacement)   # tensors after the first, for a call(x, o=None)
        result = node.layer(new_inputs if node.input_is_list else new_inputs[0], *args, **kwargs)
        for old, new in zip(node.output_tensors, flatten(result)):
            replacement[old.id] = new
    return (pack_like(inputs, [replacement[t.id] for t in flat_inputs]),
            pack_like(outputs, [replacement.get(t.id, t) for t in flat_outputs]))


def _is_input(tensor):
    return tensor.node is None or isinstance(tensor.node.layer, InputLayer)


def _replaced(value, replacement):
    if isinstance(value, KerasTensor):
        return replacement.get(value.id, value)
    if isinstance(value, dict):
        return {k: _replaced(v, replacement) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_replaced(v, replacement) for v in value)
    return value
