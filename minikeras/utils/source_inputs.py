"""get_source_inputs: the Input tensors a symbolic tensor is computed from (Keras 2's layer_utils function)."""


def get_source_inputs(tensor):
    """The Input tensors that `tensor` (a symbolic tensor from Input(...) or a layer call) depends on, in the order
    a walk back through the layers first meets them."""
    found, seen = [], set()

    def walk(t):
        node = t.node
        if node is None or not node.parent_tensors():        # an Input: it has no tensors before it
            if t.id not in seen:
                seen.add(t.id)
                found.append(t)
            return
        for parent in node.parent_tensors():
            walk(parent)

    walk(tensor)
    return found
