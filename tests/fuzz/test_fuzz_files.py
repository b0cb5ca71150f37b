"""Fuzzing (see fuzz_helpers.py): load_model and load_weights on what is not a model or weights file."""
import io
import zipfile

import h5py
import pytest

from minikeras.models import load_model
from fuzz_helpers import net, refused


# ---- files: load_model and load_weights on what is not a model file ------------------------------------------------
def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _weights_bytes(tmp_path):
    path = tmp_path / "w.weights.h5"
    net().save_weights(str(path))
    return path.read_bytes()


BAD_FILES = {
    "empty": lambda tmp: b"", "random bytes": lambda tmp: bytes(range(256)) * 3, "text": lambda tmp: b"hello",
    "a zip without config.json": lambda tmp: _zip({"other.txt": "hi"}),
    "config.json not JSON": lambda tmp: _zip({"config.json": "{not json", "model.weights.h5": _weights_bytes(tmp)}),
    "config.json a list": lambda tmp: _zip({"config.json": "[1, 2]", "model.weights.h5": _weights_bytes(tmp)}),
    "an unknown class": lambda tmp: _zip({"config.json": '{"class_name": "Nope", "config": {}}',
                                          "model.weights.h5": _weights_bytes(tmp)}),
    "a layer with units -3": lambda tmp: _zip({"config.json": '{"class_name": "Sequential", "config": {"layers": '
                                                              '[{"class_name": "Dense", "config": {"units": -3}}]}}',
                                               "model.weights.h5": _weights_bytes(tmp)}),
    "a weights file named .keras": _weights_bytes,
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_load_model_refuses_what_is_not_a_model(tmp_path, name):
    path = tmp_path / "model.keras"
    path.write_bytes(BAD_FILES[name](tmp_path))
    refused(lambda: load_model(str(path)))


def test_load_model_on_missing_paths_and_non_paths(tmp_path):
    refused(lambda: load_model(str(tmp_path / "missing.keras")), errors=FileNotFoundError)
    refused(lambda: load_model(str(tmp_path)))
    for not_a_path in (None, 3, 2.5):
        refused(lambda: load_model(not_a_path))
    good = tmp_path / "good.keras"
    net().save(str(good))
    half = tmp_path / "half.keras"
    half.write_bytes(good.read_bytes()[:len(good.read_bytes()) // 2])
    refused(lambda: load_model(str(half)))


@pytest.mark.parametrize("content", [b"", b"hello", None], ids=["empty", "text", "an empty HDF5 file"])
def test_load_weights_refuses_what_is_not_a_weights_file(tmp_path, content):
    path = tmp_path / "w.weights.h5"
    if content is None:
        h5py.File(path, "w").close()
    else:
        path.write_bytes(content)
    model = net()
    refused(lambda: model.load_weights(str(path)), model)
    refused(lambda: model.load_weights(str(tmp_path / "missing.weights.h5")), model, errors=FileNotFoundError)


@pytest.mark.parametrize("config", ["{bad", '{"class_name": "Sequential", "config": 3}'], ids=["not JSON", "config 3"])
def test_load_model_on_a_keras2_file_with_a_broken_config(tmp_path, config):
    path = tmp_path / "broken.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = config
    refused(lambda: load_model(str(path)))
