"""Keras 3's HDF5 weight layout (model.weights.h5 and *.weights.h5): where each variable of a model lives.

Keras addresses a layer by its class, not its name: `layers/dense`, `layers/dense_1`, ... in layer
order, each with a `vars` group holding its variables as datasets `0`, `1`, ... (attribute `name` =
the layer's name). A recurrent layer keeps its variables in `cell/vars`, Bidirectional under
`forward_layer` / `backward_layer`, TimeDistributed under `layer`, a nested model under its own
`layers/...`. Loading reads every array first and checks it, so a bad file changes nothing.
"""
import re
import warnings

import h5py
import numpy as np


def keras_snake_case(class_name):
    """Keras 3's path name for a class: 'Dense' -> 'dense', 'SimpleRNN' -> 'simple_rnn', 'Conv2D' -> 'conv2d'."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _path_class_name(layer):
    from .serialization import _class_entry
    return _class_entry(layer)[1]


def _unique_paths(layers):
    used, paths = {}, []
    for layer in layers:
        name = keras_snake_case(_path_class_name(layer))
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        paths.append(name)
    return paths


def _join(*parts):
    return "/".join(p for p in parts if p)


def weight_groups(layer, params, path=""):
    """[(h5 path, owner name, [(key path in params, array), ...], owner), ...] for `layer`, in Keras's layout.
    The owner is the layer (or cell) whose variables the group holds, None for MultiHeadAttention's parts."""
    from ..models.model import Model
    from ..layers.wrappers import Bidirectional, Wrapper
    from ..layers.rnn.rnn import RNN
    params = params or {}
    if getattr(type(layer), "_keras_style", False):
        return _keras_style_groups(layer, params, path)
    if isinstance(layer, Model):
        groups = [(path, layer.name, [], layer)]
        children = [child for child in layer.layers]
        for child, sub in zip(children, _unique_paths(children)):
            groups += _nested(weight_groups(child, params.get(child.name), _join(path, "layers", sub)), child.name)
        return groups
    if isinstance(layer, Bidirectional):
        groups = [(path, layer.name, [], layer)]
        for attr, child in (("forward_layer", layer.forward_layer), ("backward_layer", layer.backward_layer)):
            groups += _nested(weight_groups(child, params.get(child.name), _join(path, attr)), child.name)
        return groups
    if isinstance(layer, Wrapper):
        inner = layer.layer
        inner_groups = weight_groups(inner, params.get(inner.name), _join(path, "layer"))
        return [(path, layer.name, [], layer)] + _nested(inner_groups, inner.name)
    if isinstance(layer, RNN):
        return [(path, layer.name, [], layer)] + _cell_groups(layer.cell, params, _join(path, "cell"))
    if type(layer).__name__ == "MultiHeadAttention":
        return [(path, layer.name, [], layer)] + _multi_head_attention_groups(params, path)
    return [(path, layer.name, _leaves(params), layer)]


def _keras_style_groups(layer, params, path):
    """A Keras-style layer or model, walked as Keras 3 walks it: its own variables, then its attributes sorted by
    name (a model's `layers` among them), each layer under the attribute that holds it, the first time it is met;
    layers in a list or dict under `<attribute>/<class name>`."""
    from ..layers.base import Layer, snake_case
    from ..layers.keras_style import tracked_sublayers, _FRAMEWORK_ATTRIBUTES
    from ..models.model import Model
    own = [((handle.key,), params[handle.key]) for handle in _own_handles(layer) if handle.key in params]
    groups, visited = [(path, layer.name, own, layer)], {id(layer)}
    attributes = {k: v for k, v in vars(layer).items() if k not in _FRAMEWORK_ATTRIBUTES}
    if isinstance(layer, Model):
        attributes["layers"] = tracked_sublayers(layer)
    for attribute in sorted(attributes, key=snake_case):
        value = attributes[attribute]
        if isinstance(value, Layer):
            children = [(attribute, value)]
        elif isinstance(value, (list, tuple, dict)):
            items = [v for v in (value.values() if isinstance(value, dict) else value) if isinstance(v, Layer)]
            children = [(_join(attribute, sub), child) for child, sub in zip(items, _unique_paths(items))]
        else:
            continue
        for sub_path, child in children:
            if id(child) not in visited:
                visited.add(id(child))
                groups += _nested(weight_groups(child, params.get(child.name), _join(path, sub_path)), child.name)
    return groups


def _own_handles(layer):
    from ..layers.keras_style import variables_in_order
    return variables_in_order(layer)


def _cell_groups(cell, params, path):
    from ..layers.rnn.cells import StackedRNNCells
    if isinstance(cell, StackedRNNCells):
        groups = [(path, cell.name, [], cell)]
        for child, sub in zip(cell.cells, _unique_paths(cell.cells)):
            groups += _nested(_cell_groups(child, params.get(child.name, {}), _join(path, "cells", sub)), child.name)
        return groups
    return [(path, cell.name, _leaves(params), cell)]


# MultiHeadAttention's sublayers as Keras 3 tracks them: (attribute, sublayer name); the last two have no weights
_MHA_SUBLAYERS = (("query_dense", "query"), ("key_dense", "key"), ("value_dense", "value"),
                  ("output_dense", "attention_output"), ("_dropout_layer", "dropout"), ("_softmax", "softmax"))


def _multi_head_attention_groups(params, path):
    return [(_join(path, attribute), name, _leaves(params.get(name), (name,)), None)
            for attribute, name in _MHA_SUBLAYERS]


def _leaves(params, prefix=()):
    leaves = []
    for key, value in (params or {}).items():
        if isinstance(value, dict):
            leaves += _leaves(value, prefix + (key,))
        else:
            leaves.append((prefix + (key,), value))
    return leaves


def _nested(groups, key):
    return [(path, name, [((key,) + keys, value) for keys, value in leaves], owner)
            for path, name, leaves, owner in groups]


# ---- writing and reading ------------------------------------------------------------------------------
def write_model_weights(h5file, model):
    """Every variable of `model` into an open h5py File (or group), Keras 3's layout."""
    for path, name, leaves, _ in weight_groups(model, model.params):
        group = h5file.require_group(_join(path, "vars"))
        group.attrs["name"] = name
        for i, (_, value) in enumerate(leaves):
            group.create_dataset(str(i), data=np.asarray(value))


def has_state_hooks(layer):
    """True for a user's layer that keeps state of its own through Keras 3's hooks (`save_own_variables(store)`,
    `save_assets(directory)` and their `load_*`); the built-in lookup layers use `own_variables()` instead."""
    from ..layers.base import Layer
    if layer is None or hasattr(layer, "own_variables"):
        return False
    hooks = ("save_own_variables", "load_own_variables", "save_assets", "load_assets")
    # every layer has Keras's do-nothing save/load_own_variables: only a class's own versions count
    return any(getattr(type(layer), hook, None) not in (None, getattr(Layer, hook, None)) for hook in hooks)


def read_model_weights(h5file, model, source, skip_mismatch=False):
    """New params for `model` read from an open h5py File, checked against the model's current ones.

    Raises a ValueError naming `source`, the layer, the path and what differs; with `skip_mismatch`, a layer whose
    variables are missing or differ in number or shape keeps its weights instead, with one warning naming them all.
    The model is not changed.
    """
    new_params, skipped = _copy_tree(model.params or {}), []
    for path, name, leaves, owner in weight_groups(model, model.params):
        if not leaves:
            continue
        try:
            arrays = _group_arrays(h5file, _join(path, "vars"), name, leaves, has_state_hooks(owner), source)
        except ValueError as error:
            if not skip_mismatch:
                raise
            skipped.append(str(error))
            continue
        for keys, value in arrays:
            _set(new_params, keys, value)
    if skipped:
        warnings.warn(f"load_weights(skip_mismatch=True) kept the current weights of {len(skipped)} layer(s) the "
                      f"file does not fit: " + " ".join(skipped), stacklevel=3)
    return new_params


def _group_arrays(h5file, vars_path, name, leaves, hooked, source):
    """[(key path, array)] for one layer's variables, checked; [] when a layer with Keras's own-state hooks
    stored none (its `save_own_variables` wrote other things in their place)."""
    stored = []
    if vars_path in h5file:
        stored = checked_datasets(h5file[vars_path], source, vars_path, named_allowed=hooked)
    if hooked and not stored:
        return []
    if len(stored) != len(leaves):
        where = f"at '{vars_path}'" if vars_path in h5file else f"(nothing at '{vars_path}')"
        raise ValueError(f"'{source}': layer '{name}' expected {len(leaves)} variables, but received {len(stored)} "
                         f"variables from the file {where}. Was it saved from a model with the same layers?")
    arrays = []
    for i, ((keys, current), dataset) in enumerate(zip(leaves, stored)):
        if dataset.shape != np.shape(current):     # before reading: a hostile file may declare any shape
            raise ValueError(f"'{source}': layer '{name}' weight {i} ({'/'.join(keys[-1:])}) has shape "
                             f"{np.shape(current)} in the model but {dataset.shape} in the file "
                             f"('{vars_path}/{i}'); the shapes must match.")
        arrays.append((keys, np.asarray(dataset).astype(np.asarray(current).dtype)))
    return arrays


_MOST_COMPRESSION = 200   # as for the members of a .keras zip (keras_format.py)


def checked_datasets(group, source, path, named_allowed=False):
    """The datasets `0`, `1`, ... of `group` in order, each checked as _checked_dataset does. Other names are
    refused unless `named_allowed` (a layer's own `save_own_variables` may store anything beside its weights)."""
    keys = list(group.keys())
    if named_allowed:
        keys = [key for key in keys if key.isdigit()]
    if not all(key.isdigit() for key in keys):
        raise ValueError(f"'{source}': '{path}' should hold arrays named 0, 1, 2, ..., it holds {sorted(keys)}.")
    return [_checked_dataset(group, key, source, f"{path}/{key}") for key in sorted(keys, key=int)]


def _checked_dataset(group, key, source, path):
    """The dataset at `key`, refused when it is not an array, reads from outside the file, or declares more data
    than it stores."""
    if not isinstance(group.get(key, getlink=True), h5py.HardLink):
        raise ValueError(f"'{source}': '{path}' is a link, not a weight array stored in the file.")
    dataset = group.get(key)
    if not isinstance(dataset, h5py.Dataset):
        raise ValueError(f"'{source}': '{path}' is not a weight array.")
    # HDF5 can point a dataset at other files (external storage, virtual datasets): a hostile file would read
    # whatever local file it names into the model's weights
    if dataset.external or dataset.is_virtual:
        raise ValueError(f"'{source}': the weight array '{path}' reads its values from outside the file.")
    declared = dataset.size * dataset.dtype.itemsize
    # Keras writes weights uncompressed and whole; a declared size the file does not hold reads back as
    # fill values, and is how a small hostile file asks for a huge allocation
    stored = dataset.id.get_storage_size()
    if dataset.compression is None and stored < declared:
        raise ValueError(f"'{source}': the weight array '{path}' declares shape {dataset.shape} "
                         f"({declared} bytes) but the file stores only {stored} bytes of it.")
    if dataset.compression is not None and declared > _MOST_COMPRESSION * max(stored, 1):
        raise ValueError(f"'{source}': the weight array '{path}' would expand from {stored} to {declared} bytes, "
                         f"more than weights ever compress (a compression bomb?).")
    return dataset


def _copy_tree(params):
    return {k: _copy_tree(v) if isinstance(v, dict) else v for k, v in params.items()}


def _set(tree, keys, value):
    for key in keys[:-1]:
        tree = tree[key]
    tree[keys[-1]] = value


def save_weights_file(model, filepath):
    """Keras 3's `model.save_weights("x.weights.h5")` layout, written to `filepath` (the caller makes it atomic)."""
    from .compile_state import write_optimizer
    with h5py.File(filepath, "w") as f:
        write_model_weights(f, model)
        write_optimizer(f, model)
