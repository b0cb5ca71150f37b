"""model.summary(): Keras 3's table of layers, output shapes and parameter counts (Connected to for graphs)."""
import re

import numpy as np

from .graph import InputLayer, node_depths, topological_nodes

_DEFAULT_LINE_LENGTH = {False: 88, True: 108}          # Keras 3's, by whether "Connected to" is shown
_DEFAULT_POSITIONS = {False: (0.45, 0.80, 1.0), True: (0.3, 0.56, 0.74, 1.0)}
_TRAINABLE_EXTRA_LENGTH = 12


def print_summary(model, line_length=None, positions=None, print_fn=None, show_masks=False, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print Keras 3's summary table of `model` through `print_fn` (print by default); arguments as summary()."""
    print_fn = print_fn or print
    functional = _is_functional(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
    align = ["left", "left", "right"] + (["left"] if functional else [])
    if show_trainable:
        headers, align = headers + ["Trainable"], align + ["center"]
    widths = _column_widths(functional, line_length, positions, show_trainable)
    masked = _layers_receiving_masks(model) if show_masks else set()
    rows = []
    for layer in _layers_in_range(model.operations if functional else model.layers, layer_range):
        rows += _layer_rows(layer, functional, show_trainable, expand_nested, masked)
    lines = [f'Model: "{model.name}"', _rule("┏", "┳", "┓", "━", widths),
             _row(headers, widths, "┃", align, bottom=True), _rule("┡", "╇", "┩", "━", widths)]
    for i, row in enumerate(rows):
        lines.append(_row(row, widths, "│", align))
        lines.append(_rule("├", "┼", "┤", "─", widths) if i < len(rows) - 1 else _rule("└", "┴", "┘", "─", widths))
    if not rows:
        lines.append(_rule("└", "┴", "┘", "─", widths))
    weights = model.count_params() if model.built else 0
    trainable = int(sum(np.size(w) for w in model.trainable_weights)) if model.built else 0
    optimizer = _optimizer_param_count(model)
    lines += [f" Total params: {_count(weights + (optimizer or 0))}", f" Trainable params: {_count(trainable)}",
              f" Non-trainable params: {_count(weights - trainable)}"]
    if optimizer is not None:
        lines.append(f" Optimizer params: {_count(optimizer)}")
    if masked:
        lines.append(" * receives a mask: masked time steps are skipped or left out (see docs/guides/masking.md)")
    for line in lines:
        print_fn(line)


def _layers_in_range(layers, layer_range):
    """The layers from the first whose name matches layer_range[0] to the last matching layer_range[1] (Keras's
    re.match rule; the two ends swap when the second comes first)."""
    if layer_range is None:
        return layers
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2 \
            or not all(isinstance(pattern, str) for pattern in layer_range):
        raise ValueError(f"summary: layer_range must be two strings, the first and last layer names (regular "
                         f"expressions), got {layer_range!r}.")
    firsts = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    lasts = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not firsts or not lasts:
        raise ValueError(f"summary: layer_range {list(layer_range)} matches no layer name at one end; the layers are "
                         f"{[layer.name for layer in layers]}.")
    if min(firsts) > max(lasts):
        return layers[min(lasts):max(firsts) + 1]
    return layers[min(firsts):max(lasts) + 1]


def _optimizer_param_count(model):
    """The size of the optimizer's variables once it has taken a step (Keras counts them from then on), else None."""
    state = getattr(model, "_optimizer_state", None)
    if state is None or getattr(model, "optimizer", None) is None:
        return None
    from ..optimizers.variables import flat_variables
    with_rate = not callable(getattr(model.optimizer, "_learning_rate", None))   # a schedule is no variable
    return int(sum(np.size(v) for v in flat_variables(model.optimizer, state, with_rate)))


def _column_widths(functional, line_length, positions, show_trainable):
    """The text width of each column, as Keras 3 sizes them and rich then fits them into `line_length`."""
    default_length = _DEFAULT_LINE_LENGTH[functional]
    positions = list(positions) if positions is not None else list(_DEFAULT_POSITIONS[functional])
    expected = len(_DEFAULT_POSITIONS[functional])
    if len(positions) != expected:
        raise ValueError(f"summary: positions must give {expected} column ends (fractions of line_length, such as "
                         f"{list(_DEFAULT_POSITIONS[functional])}), got {positions}.")
    if show_trainable:
        default_length += _TRAINABLE_EXTRA_LENGTH
        positions = [p * 0.90 for p in positions] + [1.0]
    line_length = line_length or default_length
    if not isinstance(line_length, (int, np.integer)) or isinstance(line_length, bool) or line_length < 1:
        raise ValueError(f"summary: line_length must be a positive whole number of characters, got {line_length!r}.")
    requested, end = [], 0
    for position in positions:
        width = int(position * line_length) - end
        if width < 4:
            raise ValueError(f"summary: line_length={line_length} with positions={positions} leaves a column "
                             f"{width} characters wide; each needs at least 4.")
        requested.append(width)
        end += width
    return _fit_into(requested, line_length)


def _fit_into(requested, line_length):
    """rich's fitting of fixed-width columns into a table `line_length` wide: each column with its two spaces of
    padding is capped at the room inside the borders, then the excess is taken from the columns evenly."""
    room = line_length - (len(requested) + 1)
    padded = [min(width + 2, room) for width in requested]
    excess = sum(padded) - room
    if excess > 0:
        shares, remaining = [], len(padded)
        for width in padded:
            taken = min(width, round(excess / remaining))   # Python's round, as rich's ratio_reduce
            shares.append(width - taken)
            excess, remaining = excess - taken, remaining - 1
        padded = shares
    return tuple(max(width - 2, 0) for width in padded)


def _is_functional(model):
    """Whether the table gets "Connected to": not for a Sequential model, nor (as in Keras) for a graph that is
    one chain, with one node at each depth from the outputs, each node with one input, and no layer used twice."""
    from .sequential import Sequential
    if isinstance(model, Sequential) or not getattr(model, "inputs", None):
        return False
    nodes = [t.node for t in model.inputs] + topological_nodes(model.inputs, model.outputs)
    depths = node_depths(nodes)
    per_depth = {}
    for node in nodes:
        per_depth.setdefault(depths[id(node)], []).append(node)
    if any(len(group) > 1 or len(group[0].input_tensors) > 1 for group in per_depth.values()):
        return True
    layers = [node.layer for node in nodes]
    return len({id(layer) for layer in layers}) < len(layers)


def _keras_class_name(layer):
    """The class Keras names in the table: a graph Model is Keras 3's Functional."""
    from .model import Model
    return "Functional" if type(layer) is Model else type(layer).__name__


def _layer_rows(layer, functional, show_trainable, expand_nested, masked, depth=0):
    """The table rows of `layer`, then (with expand_nested) of the layers inside it, indented."""
    prefix = "   " * depth + "└ " if depth else ""
    kind = layer.class_name if getattr(layer, "is_op_layer", False) else _keras_class_name(layer)
    title = f"{prefix}{layer.name} ({kind})" + (" *" if layer.name in masked else "")
    if isinstance(layer, InputLayer):
        params = "0"
    else:
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
    row = [title, _output_shape_text(layer), params]
    if functional:
        row.append(_connections(layer) if depth == 0 else "-")   # an inner layer's inputs are not in this graph
    if show_trainable:
        has_weights = layer.built and not isinstance(layer, InputLayer) and layer.count_params() > 0
        row.append(("Y" if layer.trainable else "N") if has_weights else "-")
    rows = [row]
    inner = getattr(layer, "layers", None) if expand_nested else None
    for child in inner or ():
        rows += _layer_rows(child, functional, show_trainable, expand_nested, masked, depth + 1)
    return rows


def _output_shape_text(layer):
    if not layer._inbound_nodes:
        return "?"
    shapes = layer._inbound_nodes[-1].output_shapes
    return ", ".join(_shape_text(s) for s in shapes)


def _shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def _connections(layer):
    if isinstance(layer, InputLayer):
        return "-"
    names = []
    for node in layer._inbound_nodes:
        for tensor in node.parent_tensors():
            producer = tensor.node.layer
            names.append(f"{producer.name}[{producer._inbound_nodes.index(tensor.node)}][{tensor.index}]")
    return ", ".join(names)


def _layers_receiving_masks(model):
    from .. import backend
    try:
        dummies = [np.ones(tuple(2 if d is None else d for d in t.shape), dtype=t.dtype) for t in model.inputs]
        masks = {}
        model.forward(model.params, dummies if len(dummies) > 1 else dummies[0], masks=masks)
    except Exception:  # a summary must print even when a probe cannot run
        return set()
    return {name for name, m in masks.items() if m["input_mask"] is not None}


def _wrap(text, width):
    """Keras's (rich's) wrapping: whole words packed greedily; a word longer than the column gets a line of its
    own, cut to the width with an ellipsis."""
    indent = text[:len(text) - len(text.lstrip())]     # expand_nested's indentation stays, as in rich
    lines, current = [], indent
    for word in re.findall(r"\S+\s*", text):
        if current.strip() and len(current) + len(word.rstrip()) > width:
            lines.append(current)
            current = ""
        current += word
    lines.append(current)
    return [_cut(line.rstrip(), width) for line in lines]


def _cut(line, width):
    return line if len(line) <= width else line[:width - 1] + "…"


def _row(cells, widths, bar, align, bottom=False):
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    if bottom:   # rich sets a wrapped header's neighbours on its last line
        wrapped = [[""] * (height - len(w)) + w for w in wrapped]
    lines = []
    for i in range(height):
        parts = []
        for pieces, width, how in zip(wrapped, widths, align):
            parts.append(" " + _aligned(pieces[i] if i < len(pieces) else "", width, how) + " ")
        lines.append(bar + bar.join(parts) + bar)
    return "\n".join(lines)


def _aligned(text, width, how):
    if how == "right":
        return text.rjust(width)
    if how == "center":
        left = (width - len(text)) // 2    # the odd space goes right, as rich centres
        return " " * left + text + " " * (width - len(text) - left)
    return text.ljust(width)


def _rule(left, middle, right, fill, widths):
    return left + middle.join(fill * (w + 2) for w in widths) + right


def _count(n):
    size = n * 4.0
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{n:,} ({size:.2f} {unit})"
        size /= 1024
