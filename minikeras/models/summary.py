"""model.summary(): Keras 3's table of layers, output shapes and parameter counts (Connected to for graphs)."""
import re

import numpy as np

from .graph import InputLayer

_SEQUENTIAL_WIDTHS = (36, 27, 15)
_FUNCTIONAL_WIDTHS = (29, 25, 15, 26)


def print_summary(model, line_length=None, print_fn=None, show_masks=False):
    print_fn = print_fn or print
    functional = _is_functional(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
    widths = _FUNCTIONAL_WIDTHS if functional else _SEQUENTIAL_WIDTHS
    masked = _layers_receiving_masks(model) if show_masks else set()
    lines = [f'Model: "{model.name}"', _rule("┏", "┳", "┓", "━", widths),
             _row(headers, widths, "┃", right={2}), _rule("┡", "╇", "┩", "━", widths)]
    rows = [_layer_row(model, layer, functional, layer.name in masked) for layer in model.layers]
    for i, row in enumerate(rows):
        lines.append(_row(row, widths, "│", right={2}))
        lines.append(_rule("├", "┼", "┤", "─", widths) if i < len(rows) - 1 else _rule("└", "┴", "┘", "─", widths))
    if not rows:
        lines.append(_rule("└", "┴", "┘", "─", widths))
    total = model.count_params() if model.built else 0
    trainable = int(sum(np.size(w) for w in model.trainable_weights)) if model.built else 0
    lines += [f" Total params: {_count(total)}", f" Trainable params: {_count(trainable)}",
              f" Non-trainable params: {_count(total - trainable)}"]
    if masked:
        lines.append(" * receives a mask: masked time steps are skipped or left out (see docs/guides/masking.md)")
    for line in lines:
        print_fn(line)


def _is_functional(model):
    from .model import Sequential
    return not isinstance(model, Sequential)


def _layer_row(model, layer, functional, receives_mask):
    title = f"{layer.name} ({type(layer).__name__})" + (" *" if receives_mask else "")
    shape = _output_shape_text(layer)
    if isinstance(layer, InputLayer):
        params = "0"
    else:
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
    row = [title, shape, params]
    if functional:
        row.append(_connections(layer))
    return row


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
    lines, current = [], ""
    for word in re.findall(r"\S+\s*", text):
        if current and len(current) + len(word.rstrip()) > width:
            lines.append(current)
            current = ""
        current += word
    lines.append(current)
    return [_cut(line.rstrip(), width) for line in lines]


def _cut(line, width):
    return line if len(line) <= width else line[:width - 1] + "…"


def _row(cells, widths, bar, right=()):
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    lines = []
    for i in range(height):
        parts = []
        for col, (pieces, width) in enumerate(zip(wrapped, widths)):
            text = pieces[i] if i < len(pieces) else ""
            parts.append(" " + (text.rjust(width) if col in right else text.ljust(width)) + " ")
        lines.append(bar + bar.join(parts) + bar)
    return "\n".join(lines)


def _rule(left, middle, right, fill, widths):
    return left + middle.join(fill * (w + 2) for w in widths) + right


def _count(n):
    size = n * 4.0
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{n:,} ({size:.2f} {unit})"
        size /= 1024
