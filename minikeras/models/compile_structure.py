"""How compile()'s loss, loss_weights and metrics line up with a model's outputs, by Keras 3's rules.

A loss may be one value for every output, a list or dict with one entry per output (a dict may leave outputs out:
they get no loss), or a structure mirroring nested outputs; a loss placed at an inner node of
that structure gets the whole sub-structure (its function receives nested y_true and y_pred), and a list of losses
where the outputs are not a list puts several losses on the same outputs. Each loss found is a CompiledLoss, named
as Keras 3 names it in the logs (`<name>_loss`, logged when there are several losses).

Outputs are referred to by their position in `model.outputs`; an "index tree" is the model's output structure with
each tensor replaced by that position. Keras lists a dict's entries in sorted key order when it pairs a flat list
(of losses, weights or metrics) with them; so do we.
"""
import itertools

import numpy as np

from .. import backend


class CompiledLoss:
    """One loss of a compiled model: where it applies (`path` into the outputs and `outputs`, the index tree
    under it: an int for one output), the Loss object, its weight (None: not scaled) and its log name."""

    __slots__ = ("path", "outputs", "loss", "weight", "name")

    def __init__(self, path, outputs, loss, weight, name):
        self.path, self.outputs, self.loss, self.weight, self.name = path, outputs, loss, weight, name

    @property
    def output(self):
        """The one output position this loss reads, or None when it reads a structure of outputs."""
        return self.outputs if isinstance(self.outputs, int) else None

    def value(self, ys, outputs, masks, sample_weights):
        """The loss (before its weight) on the batch: ys, outputs, masks and sample_weights are per-output lists."""
        if self.output is not None:
            i = self.output
            return self.loss(ys[i], outputs[i], sample_weight=None if sample_weights is None else sample_weights[i],
                             mask=masks[i])
        first = keras_leaves(self.outputs)[0]
        y_true = map_leaves(lambda i: _as_float(ys[i]), self.outputs)
        y_pred = map_leaves(lambda i: outputs[i], self.outputs)
        return _structured_loss(self.loss, y_true, y_pred, None if sample_weights is None else sample_weights[first])

    def __repr__(self):
        return f"CompiledLoss(name={self.name!r}, path={self.path!r}, loss={self.loss!r}, weight={self.weight!r})"


def _as_float(array):
    dtype = np.dtype(backend.floatx())
    return array if array.dtype == dtype else array.astype(dtype)


def _structured_loss(loss, y_true, y_pred, sample_weight):
    """A loss over a structure of outputs: its function gets the nested y_true and y_pred; weighted and reduced
    as any loss."""
    from ..losses import LossFunctionWrapper, reduce_weighted_values
    if isinstance(loss, LossFunctionWrapper):
        values = loss.fn(y_true, y_pred, **loss.fn_kwargs)
    else:
        values = loss.call(y_true, y_pred)
    return reduce_weighted_values(values, sample_weight, None, loss.reduction, f"Loss '{loss.name}'")


# ---- structures ---------------------------------------------------------------------------------------------
def is_container(value):
    return isinstance(value, (list, tuple, dict))


def _rebuilt(node, values):
    """A container like `node` holding `values` (a list of its entries, in node's own order)."""
    if isinstance(node, dict):
        return dict(zip(node, values))
    if hasattr(node, "_fields"):                   # a namedtuple takes its fields as arguments
        return type(node)(*values)
    return type(node)(values)


def keras_leaves(structure):
    """The leaves of a nested structure as Keras's tree.flatten lists them: dicts by sorted key, None a leaf."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in keras_leaves(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for value in structure for leaf in keras_leaves(value)]
    return [structure]


def pack_keras(structure, leaves):
    """`leaves` (in keras_leaves order) arranged like `structure`; dicts come out in sorted key order, as Keras's
    tree.pack_sequence_as makes them (it decides the order of the per-loss logs)."""
    remaining = iter(leaves)

    def rebuild(node):
        if isinstance(node, dict):
            return {key: rebuild(node[key]) for key in sorted(node)}
        if isinstance(node, (list, tuple)):
            return _rebuilt(node, [rebuild(value) for value in node])
        return next(remaining)

    return rebuild(structure)


def map_leaves(fn, structure):
    if isinstance(structure, dict):
        return {key: map_leaves(fn, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return _rebuilt(structure, [map_leaves(fn, value) for value in structure])
    return fn(structure)


def index_tree(output_structure):
    """The output structure with each tensor replaced by its position in model.outputs (whose order is
    structure.flatten's: dicts in insertion order)."""
    counter = itertools.count()

    def walk(node):
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, (list, tuple)):
            return _rebuilt(node, [walk(value) for value in node])
        return next(counter)

    return walk(output_structure)


def _has_key(node, key):
    if isinstance(node, dict):
        return key in node
    return isinstance(node, (list, tuple)) and isinstance(key, int) and 0 <= key < len(node)


# ---- losses -------------------------------------------------------------------------------------------------
class _Weighted:
    """A loss and its weight, kept together while the loss structure is walked (a leaf, not a container)."""

    __slots__ = ("loss", "weight")

    def __init__(self, loss, weight):
        self.loss, self.weight = loss, weight


def resolve_losses(loss, loss_weights, output_structure, output_names, model_name):
    """compile()'s `loss` and `loss_weights` as a list of CompiledLoss (losses left None are left out).

    `output_names` are the model's output layer names, one per model output. The CompiledLoss objects hold the
    losses as the user gave them (names, functions, Loss objects): compile() turns them into Loss objects.
    """
    indices = index_tree(output_structure)
    if not is_container(loss) and is_container(loss_weights) and is_container(indices):
        loss = map_leaves(lambda _: loss, indices)     # Keras 2: one loss for all, weighted per output
    if isinstance(loss, dict) and not isinstance(indices, dict):
        loss, loss_weights = _dict_by_output_name(loss, loss_weights, output_names, model_name)
    elif isinstance(loss_weights, dict) and not isinstance(indices, dict):
        _, loss_weights = _dict_by_output_name({}, loss_weights, output_names, model_name)
        if not is_container(loss):
            loss_weights = loss_weights[0] if len(loss_weights) == 1 else loss_weights
    weighted = _paired_with_weights(loss, loss_weights, model_name)
    if not is_container(weighted):
        weighted = map_leaves(lambda _: weighted, indices)
    found = []
    _collect(weighted, indices, (), found, output_names, model_name)
    if not found:
        raise ValueError(f"Model '{model_name}'.compile() got no loss for any output (loss={loss!r}); give at least "
                         f"one, e.g. loss='mse'.")
    return found


def _dict_by_output_name(loss, loss_weights, output_names, model_name):
    """A loss dict for a model whose outputs are not a dict: keyed by output layer name. An output left out has no
    loss (Keras 2 allowed this; Keras 3 asks for every output)."""
    for what, given in (("loss", loss), ("loss_weights", loss_weights)):  # Keras would only say so at fit
        unknown = [k for k in given if k not in output_names] if isinstance(given, dict) else []
        if unknown:
            raise ValueError(f"Model '{model_name}': {what} has keys {unknown} that are not outputs "
                             f"{list(output_names)} (the names of the layers making the outputs).")
    ordered = [loss.get(name) for name in output_names]
    if isinstance(loss_weights, dict):
        loss_weights = [loss_weights.get(name) for name in output_names]
    return ordered, loss_weights


def _paired_with_weights(loss, loss_weights, model_name):
    """The loss structure with each loss paired with its weight: loss_weights has the loss's structure, or as
    many entries as there are losses (taken in order)."""
    def pair(value, weight):
        return None if value is None else _Weighted(value, _checked_weight(weight, model_name))

    if loss_weights is None:
        return map_leaves(lambda value: pair(value, None), loss)
    if isinstance(loss, dict) and isinstance(loss_weights, dict) and set(loss) != set(loss_weights):
        raise ValueError(f"Model '{model_name}'.compile(): loss_weights has keys {list(loss_weights)}, but the loss "
                         f"dict has keys {list(loss)}; give a weight for each loss, under the same key.")
    if _same_structure(loss, loss_weights):
        return _zipped(loss, loss_weights, pair)
    losses_flat, weights_flat = keras_leaves(loss), keras_leaves(loss_weights)
    if len(losses_flat) != len(weights_flat):
        raise ValueError(f"Model '{model_name}'.compile(): loss_weights must match the losses one to one; got "
                         f"{len(losses_flat)} losses ({_described(loss)}) and {len(weights_flat)} weights "
                         f"({_described(loss_weights)}).")
    return pack_keras(loss, [pair(value, weight) for value, weight in zip(losses_flat, weights_flat)])


def _same_structure(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and \
            all(_same_structure(a[key], b[key]) for key in a)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same_structure(x, y) for x, y in zip(a, b))
    return True


def _zipped(structure, other, fn):
    """fn(leaf, other's leaf) over two structures of the same shape, keeping `structure`'s containers and order."""
    if isinstance(structure, dict):
        return {key: _zipped(value, other[key], fn) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return _rebuilt(structure, [_zipped(value, o, fn) for value, o in zip(structure, other)])
    return fn(structure, other)


def _checked_weight(weight, model_name):
    from .data import is_real_number
    if weight is None:
        return None
    if not is_real_number(weight) or not np.isfinite(weight):
        raise ValueError(f"Model '{model_name}'.compile(): loss_weights must be finite numbers, got {weight!r}.")
    return float(weight)


def _described(value):
    return repr(map_leaves(lambda leaf: "X" if leaf is not None else None, value))


def _collect(loss, outputs, path, found, output_names, model_name):
    """Walks the (weighted) loss structure along the outputs' index tree, adding a CompiledLoss per loss."""
    if not is_container(loss):
        if loss is not None:
            found.append(CompiledLoss(path, outputs, loss.loss, loss.weight, _loss_name(path, outputs, output_names)))
        return
    if isinstance(loss, (list, tuple)) and not any(is_container(v) for v in loss) and \
            len(loss) == len(keras_leaves(outputs)):
        loss = pack_keras(outputs, list(loss))       # one loss per output under this node
    elif isinstance(loss, (list, tuple)) and not isinstance(outputs, type(loss)):
        for each in loss:                              # several losses on the same outputs
            _collect(each, outputs, path, found, output_names, model_name)
        return
    if not is_container(loss):
        return _collect(loss, outputs, path, found, output_names, model_name)
    if not isinstance(loss, type(outputs)):
        raise ValueError(f"Model '{model_name}'.compile(): the loss at {_where(path)} is a {type(loss).__name__}, "
                         f"but the model's output there is {_output_kind(outputs)}. The loss must mirror the "
                         f"model's outputs: {map_leaves(lambda i: output_names[i], outputs)}.")
    if isinstance(loss, (list, tuple)) and len(loss) != len(outputs):
        named = map_leaves(lambda i: output_names[i], outputs)
        where = "" if not path else f" at {_where(path)}"
        raise ValueError(f"Model '{model_name}' has {len(outputs)} outputs{where} {named}, but loss{where} has "
                         f"{len(loss)} entries.")
    for key in (loss if isinstance(loss, dict) else range(len(loss))):
        if loss[key] is None:
            continue
        if not _has_key(outputs, key):
            raise ValueError(f"Model '{model_name}'.compile(): the loss names {_where(path + (key,))}, which is not "
                             f"among the model's outputs {map_leaves(lambda i: output_names[i], outputs)}.")
        _collect(loss[key], outputs[key], path + (key,), found, output_names, model_name)


def _where(path):
    return "the top level" if not path else "path " + "".join(f"[{key!r}]" for key in path)


def _output_kind(outputs):
    return "a single output" if not is_container(outputs) else f"a {type(outputs).__name__}"


def _loss_name(path, outputs, output_names):
    """Keras 3's name of a loss: its path in the outputs joined by '/', with a trailing list position replaced
    by the output's layer name; at the top of a structure, the output names joined by '_'."""
    if not is_container(outputs):
        own = output_names[outputs]
        if not path:
            path = (own,)
        elif isinstance(path[-1], int):
            path = path[:-1] + (own,)
    if path:
        return "/".join(str(key) for key in path)
    if isinstance(outputs, dict):
        return "_".join(str(key) for key in outputs)
    return "_".join(output_names[i] for i in keras_leaves(outputs))


def losses_per_output(compiled, num_outputs):
    """(Loss, weight) of each output when exactly one loss reads that output alone, else (None, 1.0): what the
    target checks and the composed training step look at."""
    per_output, counts = [(None, 1.0)] * num_outputs, [0] * num_outputs
    for entry in compiled:
        for i in keras_leaves(entry.outputs):
            counts[i] += 1
    for entry in compiled:
        if entry.output is not None and counts[entry.output] == 1:
            per_output[entry.output] = (entry.loss, 1.0 if entry.weight is None else entry.weight)
    return per_output


# ---- metrics ------------------------------------------------------------------------------------------------
def resolve_metrics(metrics, output_structure, output_names, what, model_name):
    """compile()'s `metrics` (or `weighted_metrics`) as one (log prefix or None, [metric specs]) per model output.

    A one-output model takes every metric given, however nested, without a prefix. With several outputs, a list
    with one entry per output, a dict keyed by output (some may be left out), or a structure mirroring nested
    outputs; the prefix is the dict key for dict outputs, else the output layer's name. A flat list of metrics of
    another length applies to every output (Keras 2's rule; Keras 3 refuses it).
    """
    indices = index_tree(output_structure)
    flat = keras_leaves(indices)
    per_output = [(None, [])] * len(output_names)
    if metrics is None or (is_container(metrics) and not keras_leaves(metrics)):
        return per_output
    if len(flat) == 1:
        own_names = {output_names[flat[0]]} | (set(indices) if isinstance(indices, dict) else set())
        unknown = [k for k in metrics if k not in own_names] if isinstance(metrics, dict) else []
        if unknown:     # Keras takes them for the one output; a misspelt name is more likely a mistake
            raise ValueError(f"Model '{model_name}'.compile(): {what} has keys {unknown} that name no output; the "
                             f"model's one output is {sorted(own_names)}.")
        per_output[flat[0]] = (None, keras_leaves(metrics))
        return per_output
    top_is_flat = is_container(indices) and len(indices) == len(flat)
    if top_is_flat and isinstance(indices, dict):
        names = sorted(indices)
        positions = [indices[key] for key in names]
    else:
        positions = flat
        names = [output_names[i] for i in flat]
    by_output = _flat_metrics(metrics, names, top_is_flat)
    if by_output is None:
        by_output = _nested_metrics(metrics, indices, what, model_name)
        positions, names = flat, [output_names[i] for i in flat]
    for position, name, specs in zip(positions, names, by_output):
        if specs is not None:
            per_output[position] = (name, specs if isinstance(specs, list) else _as_list(specs))
    return per_output


def _as_list(specs):
    return list(specs) if isinstance(specs, (list, tuple)) else [specs]


def _flat_metrics(metrics, names, top_is_flat):
    """One entry (specs or None) per output for the flat forms, in `names` order; None when not a flat form."""
    if not isinstance(metrics, (list, tuple, dict)):
        return [[metrics] for _ in names]                 # one metric for all outputs
    if top_is_flat and isinstance(metrics, (list, tuple)) and len(metrics) == len(names):
        return [None if m is None else _as_list(m) for m in metrics]
    if top_is_flat and isinstance(metrics, dict) and set(metrics) <= set(names):
        return [None if metrics.get(name) is None else _as_list(metrics[name]) for name in names]
    if isinstance(metrics, (list, tuple)) and not any(is_container(m) for m in metrics):
        return [list(metrics) for _ in names]             # Keras 2: every metric on every output
    return None


def _nested_metrics(metrics, indices, what, model_name):
    """Metrics mirroring the outputs' structure down to each output; one entry per output in keras_leaves order."""
    found = []

    def walk(node, specs, path):
        if not is_container(node):
            found.append(None if specs is None else _as_list(specs))
            return
        same_kind = isinstance(specs, dict) == isinstance(node, dict) and is_container(specs)
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not same_kind or (isinstance(node, dict) and set(specs) != set(keys)) or \
                (not isinstance(node, dict) and len(specs) != len(keys)):
            raise ValueError(
                f"Model '{model_name}'.compile(): invalid `{what}` at {_where(path)}: expected a list with one "
                f"entry per output, a dict keyed by output name, or the structure of the model's outputs "
                f"{_described(indices)}; got {specs!r}.")
        for key in (sorted(keys) if isinstance(node, dict) else keys):
            walk(node[key], specs[key], path + (key,))

    walk(indices, metrics, ())
    return found
