"""What a `.keras` file keeps for a layer besides its config and weights, where Keras 3 keeps it: asset files
(a lookup layer's vocabulary, `assets/<layer path>/vocabulary.txt`) and own variables (tf_idf weights, in
`model.weights.h5` at `<layer path>/vars/idf_weights`)."""
import numpy as np

from .weights_h5 import _join, _unique_paths


def layers_with_saved_state(model, path=""):
    """[(path, layer)] for every layer (nested models included) that has assets or own variables."""
    from ..models.model import Model
    found = []
    children = list(model.layers)
    for child, sub in zip(children, _unique_paths(children)):
        child_path = _join(path, "layers", sub)
        if isinstance(child, Model):
            found += layers_with_saved_state(child, child_path)
        elif hasattr(child, "save_assets"):
            found.append((child_path, child))
    return found


def _folders(layer, path):
    return [_join(path, folder) for folder in getattr(layer, "saved_state_folders", ("",))]


def write_assets(archive, model):
    """Each layer's asset files into the open zip `archive` under assets/<layer path>/."""
    for path, layer in layers_with_saved_state(model):
        for name, text in layer.save_assets().items():
            for folder in _folders(layer, path):
                archive.writestr(f"assets/{folder}/{name}", text)


def write_own_variables(h5file, model):
    """Each layer's own variables into the open h5py weights file, beside its weights."""
    for path, layer in layers_with_saved_state(model):
        for name, value in layer.own_variables().items():
            for folder in _folders(layer, path):
                group = h5file.require_group(_join(folder, "vars"))
                group.create_dataset(name, data=np.asarray(value))


def read_saved_state(archive, h5file, model, source):
    """Give each layer its own variables, then its asset files, from an open `.keras` zip and its weights file."""
    names = set(archive.namelist())
    for path, layer in layers_with_saved_state(model):
        vars_path = _join(path, "vars")
        if vars_path in h5file:
            group = h5file[vars_path]
            layer.load_own_variables({key: np.asarray(group[key]) for key in group.keys() if not key.isdigit()})
        prefix = f"assets/{path}/"
        files = {}
        for member in names:
            if member.startswith(prefix) and "/" not in member[len(prefix):]:
                try:
                    files[member[len(prefix):]] = archive.read(member).decode("utf-8")
                except UnicodeDecodeError:
                    raise ValueError(f"'{source}': the asset '{member}' is not UTF-8 text.") from None
        if files:
            layer.load_assets(files)
