"""plot_model: the model's graph drawn by graphviz's `dot` program (where installed), or written as DOT text."""
import os
import shutil
import subprocess

from ..models.graph import topological_nodes


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB"):
    """The model's layers and connections as graphviz DOT text (one box per layer, one arrow per tensor)."""
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"plot_model: rankdir must be 'TB' or 'LR', got {rankdir!r}.")
    lines = ["digraph model {", f'  rankdir="{rankdir}";', '  node [shape=record, fontname="Helvetica"];']
    ids = {}
    for tensor in model.inputs:
        _add_box(lines, ids, tensor.node.layer, [tensor.shape], [tensor.shape], [tensor.dtype],
                 show_shapes, show_dtype, show_layer_names)
    for node in topological_nodes(model.inputs, model.outputs):
        _add_box(lines, ids, node.layer, node.input_shapes, node.output_shapes,
                 [t.dtype for t in node.output_tensors], show_shapes, show_dtype, show_layer_names)
        for tensor in node.parent_tensors():
            lines.append(f"  {ids[id(tensor.node.layer)]} -> {ids[id(node.layer)]};")
    lines.append("}")
    return "\n".join(dict.fromkeys(lines))      # a shared layer is one box; its arrows once each


def _add_box(lines, ids, layer, input_shapes, output_shapes, dtypes, show_shapes, show_dtype, show_layer_names):
    if id(layer) in ids:
        return
    ids[id(layer)] = f"layer{len(ids)}"
    title = f"{layer.name}: {type(layer).__name__}" if show_layer_names else type(layer).__name__
    fields = [_escape(title)]
    if show_dtype:
        fields.append(_escape(f"dtype: {dtypes[0]}"))
    if show_shapes:
        fields.append(_escape(f"in: {_shapes(input_shapes)}") + "|" + _escape(f"out: {_shapes(output_shapes)}"))
    label = "{" + "|".join(fields) + "}"
    lines.append(f'  {ids[id(layer)]} [label="{label}"];')


def _shapes(shapes):
    return ", ".join(str(s) for s in shapes) if len(shapes) != 1 else str(shapes[0])


def _escape(text):
    for char in '\\{}|<>"':
        text = text.replace(char, "\\" + char)
    return text


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", dpi=96, **kwargs):
    """Draw the model's graph into `to_file` (.png, .svg, .pdf with graphviz's `dot` installed; .dot always).

    Keras's arguments `expand_nested`, `show_layer_activations` and `show_trainable` are accepted and ignored.
    Returns the file name written.
    """
    unknown = set(kwargs) - {"expand_nested", "show_layer_activations", "show_trainable"}
    if unknown:
        raise TypeError(f"plot_model() got unexpected argument(s) {sorted(unknown)}.")
    source = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1].lstrip(".").lower()
    if extension == "dot":
        with open(to_file, "w", encoding="utf-8") as f:
            f.write(source)
        return to_file
    if extension not in ("png", "svg", "pdf", "jpg", "jpeg"):
        raise ValueError(f"plot_model: to_file must end in .png, .svg, .pdf, .jpg or .dot, got '{to_file}'.")
    dot = shutil.which("dot")
    if dot is None:
        raise ImportError("plot_model needs graphviz's `dot` program to draw a picture (e.g. `apt install graphviz` "
                          "or `brew install graphviz`); without it, plot_model(model, 'model.dot') writes the graph "
                          "as text, and model.summary() prints the same layers and shapes.")
    subprocess.run([dot, f"-T{extension}", f"-Gdpi={int(dpi)}", "-o", to_file], input=source.encode("utf-8"),
                   check=True, capture_output=True)
    return to_file
