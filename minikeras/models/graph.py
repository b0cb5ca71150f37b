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


def keras_layer_order(inputs, outputs):
    """The graph's layers in Keras's order (model.layers, and so get_weights): the most layers between them and an
    output first; at one depth, in the order a depth-first walk back from the outputs first meets them. An input
    that no output needs counts as depth 0, ahead of the other layers there (Keras's order too)."""
    input_ids = {t.id for t in inputs}
    first_met, walked, done = {}, [], set()

    def walk(tensor):
        node = tensor.node
        if node is None or id(node) in done or (tensor.id in input_ids and not isinstance(node.layer, InputLayer)):
            return
        first_met.setdefault(id(node.layer), (len(first_met), node.layer))
        if not isinstance(node.layer, InputLayer):
            for parent in node.parent_tensors():
                walk(parent)
        done.add(id(node))
        walked.append(node)           # after every node it needs

    for t in outputs:
        walk(t)
    depths, layer_depth = node_depths(walked), {}
    for node in walked:     # a layer called more than once sits at its deepest call
        layer_depth[id(node.layer)] = max(layer_depth.get(id(node.layer), 0), depths[id(node)])
    for t in inputs:
        if id(t.node.layer) not in first_met and isinstance(t.node.layer, InputLayer):
            first_met[id(t.node.layer)], layer_depth[id(t.node.layer)] = (-1, t.node.layer), 0
    ordered = sorted(first_met.items(), key=lambda item: (-layer_depth[item[0]], item[1][0]))
    return [layer for _, (_, layer) in ordered]


def node_depths(nodes):
    """{id(node): depth} for `nodes` listed each after the nodes it needs: 0 for a node none of them consumes, else
    one more than the deepest node it feeds; every call of a layer called more than once is put at least as deep as
    its calls met before it (Keras's map_graph, whose depths order model.layers and lay out summary())."""
    in_graph = {id(node) for node in nodes}
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):
        depth = node_depth[id(node)] = layer_depth[id(node.layer)] = max(node_depth.get(id(node), 0),
                                                                         layer_depth.get(id(node.layer), 0))
        for parent in node.parent_tensors():
            if parent.node is not None and id(parent.node) in in_graph:
                node_depth[id(parent.node)] = max(depth + 1, node_depth.get(id(parent.node), 0))
    return node_depth


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
