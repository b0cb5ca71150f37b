"""What a `.keras` file keeps for a layer besides its config and weights, where Keras 3 keeps it: asset files
(a lookup layer's vocabulary, `assets/<layer path>/vocabulary.txt`) and own variables (tf_idf weights, in
`model.weights.h5` at `<layer path>/vars/idf_weights`).

Two kinds of layer keep such state. The built-in lookup layers hand it over in memory (`save_assets()` ->
{file name: text}, `own_variables()` -> {name: array}). A user's layer does it as in Keras 3:
`save_own_variables(store)` fills a dict-like store, `save_assets(directory)` writes files into a directory,
and `load_own_variables(store)` / `load_assets(directory)` take them back.
"""
import os
import tempfile

import numpy as np

from .weights_h5 import _join, _checked_dataset, weight_groups, has_state_hooks


def layers_with_saved_state(model):
    """[(path, layer)] for every layer (nested models included, the model itself too) that has assets or own
    variables, at the path its weights have in the file."""
    found, seen = [], set()
    for path, _, _, owner in weight_groups(model, model.params):
        if id(owner) in seen or not (_is_lookup_style(owner) or has_state_hooks(owner)):
            continue
        seen.add(id(owner))
        found.append((path, owner))
    return found


def _is_lookup_style(layer):
    return hasattr(layer, "own_variables") and hasattr(layer, "save_assets")


def _folders(layer, path):
    return [_join(path, folder) for folder in getattr(layer, "saved_state_folders", ("",))]


# ---- writing ------------------------------------------------------------------------------------------
def write_assets(archive, model):
    """Each layer's asset files into the open zip `archive` under assets/<layer path>/."""
    for path, layer in layers_with_saved_state(model):
        if has_state_hooks(layer):
            _write_hooked_assets(archive, layer, path)
            continue
        for name, text in layer.save_assets().items():
            for folder in _folders(layer, path):
                archive.writestr(f"assets/{folder}/{name}", text)


def _write_hooked_assets(archive, layer, path):
    if not hasattr(layer, "save_assets"):
        return
    with tempfile.TemporaryDirectory() as directory:
        layer.save_assets(directory)
        for root, _, files in os.walk(directory):
            for file_name in sorted(files):
                full = os.path.join(root, file_name)
                relative = os.path.relpath(full, directory).replace(os.sep, "/")
                archive.write(full, _join("assets", path, relative))


def write_own_variables(h5file, model):
    """Each layer's own variables into the open h5py weights file, beside its weights."""
    for path, layer in layers_with_saved_state(model):
        if has_state_hooks(layer):
            _write_hooked_variables(h5file, layer, path)
            continue
        for name, value in layer.own_variables().items():
            for folder in _folders(layer, path):
                group = h5file.require_group(_join(folder, "vars"))
                group.create_dataset(name, data=np.asarray(value))


def _write_hooked_variables(h5file, layer, path):
    if not hasattr(layer, "save_own_variables"):
        return
    store = {}
    layer.save_own_variables(store)
    if not store:
        return
    group = h5file.require_group(_join(path, "vars"))
    group.attrs["name"] = layer.name
    for key, value in store.items():
        if str(key) in group:      # the user's entry takes the place of what the default layout put there
            del group[str(key)]
        group.create_dataset(str(key), data=np.asarray(value))


# ---- reading ------------------------------------------------------------------------------------------
def read_saved_state(archive, h5file, model, source):
    """Give each layer its own variables, then its asset files, from an open `.keras` zip and its weights file."""
    for path, layer in layers_with_saved_state(model):
        if has_state_hooks(layer):
            _read_hooked_state(archive, h5file, layer, path, source)
            continue
        vars_path = _join(path, "vars")
        if vars_path in h5file:
            group = h5file[vars_path]
            layer.load_own_variables({key: np.asarray(group[key]) for key in group.keys() if not key.isdigit()})
        files = {}
        for member, relative in _asset_members(archive, path, source):
            if "/" not in relative:
                try:
                    files[relative] = archive.read(member).decode("utf-8")
                except UnicodeDecodeError:
                    raise ValueError(f"'{source}': the asset '{member}' is not UTF-8 text.") from None
        if files:
            layer.load_assets(files)


def _read_hooked_state(archive, h5file, layer, path, source):
    """Keras 3's order: the layer's store of own variables (every entry of its vars group), then its assets,
    extracted into a directory that lives as long as the call."""
    if hasattr(layer, "load_own_variables"):
        vars_path = _join(path, "vars")
        group = h5file[vars_path] if vars_path in h5file else {}
        layer.load_own_variables({key: np.asarray(_checked_dataset(group, key, source, f"{vars_path}/{key}"))
                                  for key in group.keys()})
    if hasattr(layer, "load_assets"):
        with tempfile.TemporaryDirectory() as directory:
            for member, relative in _asset_members(archive, path, source):
                target = os.path.join(directory, *relative.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(archive.read(member))
            layer.load_assets(directory)


def _asset_members(archive, path, source):
    """[(member name, path below the layer's asset folder)] of the files under assets/<path>/, each refused when
    it would lead out of that folder or expand like a zip bomb."""
    from .keras_format import refuse_a_zip_bomb
    prefix = _join("assets", path) + "/"
    members = []
    for info in archive.infolist():
        name = info.filename
        if not name.startswith(prefix) or name.endswith("/"):
            continue
        relative = name[len(prefix):]
        parts = relative.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\\" in relative or ":" in relative:
            raise ValueError(f"'{source}': the asset '{name}' names a path outside its layer's asset folder.")
        refuse_a_zip_bomb(info, source)
        members.append((name, relative))
    return members
