"""The graph a Model runs: its nodes in an order where each comes after the nodes it needs.

The records themselves (KerasTensor, Node, record_node) live with the layers in layers/node.py, and Input and
InputLayer in layers/input_layer.py; they are importable from here as before.
"""
from ..layers.node import KerasTensor, Node, record_node, shape_chain  # noqa: F401  (importable from here)
from ..layers.input_layer import InputLayer, Input, check_fed  # noqa: F401


def topological_nodes(inputs, outputs):
    """The nodes between `inputs` and `outputs`, each after the nodes it depends on.

    Raises a ValueError naming the first tensor that cannot be computed from `inputs`.
    """
    input_ids = {t.id for t in inputs}
    order, state = [], {}

    def visit(tensor, consumer):
        if tensor.id in input_ids:
            return
        node = tensor.node
        if node is None or isinstance(node.layer, InputLayer):
            known = [t.name for t in inputs]
            raise ValueError(f"Graph disconnected: layer '{consumer}' needs the tensor '{tensor.name}', "
                             f"which comes from an input not in the model's inputs {known}. "
                             f"Add it to Model(inputs=...).")
        mark = state.get(id(node))
        if mark == "done":
            return
        if mark == "visiting":
            raise ValueError(f"The graph has a cycle through layer '{node.layer.name}'.")
        state[id(node)] = "visiting"
        for parent in node.parent_tensors():
            visit(parent, node.layer.name)
        state[id(node)] = "done"
        order.append(node)

    for t in outputs:
        visit(t, "(model output)")
    return order


class Step:
    """One node of the graph, prepared once so `apply` only looks up values by integer ids."""

    __slots__ = ("layer", "input_ids", "input_is_list", "input_structure", "args", "kwargs", "output_ids", "training",
                 "mask")

    def __init__(self, node):
        self.layer = node.layer
        self.input_ids = [t.id for t in node.input_tensors]
        self.input_is_list = node.input_is_list
        self.input_structure = node.input_structure     # a dict, or a list with None in it: called as it is
        self.args = list(node.call_args)     # positional arguments after the inputs: tensors (or None), in order
        self.kwargs = {k: v for k, v in node.call_kwargs.items() if k not in ("training", "mask")}
        self.training = node.call_kwargs.get("training")
        self.output_ids = [t.id for t in node.output_tensors]
        # a mask passed explicitly (layer(x, mask=m)) replaces the one that flows in, as in Keras
        self.mask = node.call_kwargs.get("mask")


def resolve(value, values):
    if isinstance(value, KerasTensor):
        return values[value.id]
    if isinstance(value, (list, tuple)):
        return [resolve(v, values) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, values) for k, v in value.items()}
    return value
