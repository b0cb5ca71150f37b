"""Loading never runs code from a file, fails clearly on files that are not models, and saves atomically."""
import os
import sys
import zipfile

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving
from minikeras.saving import keras_format
from saving_helpers import fixture_path


def _model(units=2):
    return mk.Sequential([mk.Input((4,)), L.Dense(3), L.Dense(units)])


def test_missing_file_is_file_not_found(tmp_file):
    with pytest.raises(FileNotFoundError, match="nope.keras"):
        saving.load_model(tmp_file("nope.keras"))
    with pytest.raises(FileNotFoundError):
        saving.load_weights(_model(), tmp_file("nope.weights.h5"))


def test_random_bytes_are_not_a_model(tmp_file):
    path = tmp_file("noise.keras")
    with open(path, "wb") as f:
        f.write(np.random.default_rng(0).bytes(300))
    with pytest.raises(ValueError, match="noise.keras.*not a .keras zip"):
        saving.load_model(path)


def test_zip_without_config(tmp_file):
    path = tmp_file("empty.keras")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="empty.keras.*no config.json"):
        saving.load_model(path)


def test_unknown_layer_is_named(tmp_file):
    path = tmp_file("odd.keras")
    saving.save_model(_model(), path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["config.json"] = members["config.json"].replace(b'"Dense"', b'"FancyDense"', 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="odd.keras.*Unknown layer class 'FancyDense'"):
        saving.load_model(path)


def test_wrong_weight_shapes_change_nothing(tmp_file):
    source = _model(units=2)
    saving.save_weights(source, tmp_file("w.weights.h5"))
    target = _model(units=5)
    before = target.get_weights()
    with pytest.raises(ValueError, match=r"w.weights.h5.*dense.*shape \(3, 5\).*\(3, 2\)"):
        saving.load_weights(target, tmp_file("w.weights.h5"))
    for a, b in zip(before, target.get_weights()):
        assert np.array_equal(a, b)  # the first layer fitted, yet it was not assigned


def test_lambda_needs_safe_mode_off():
    with pytest.raises(ValueError, match="Lambda.*safe_mode=False"):
        saving.load_model(fixture_path("lambda.keras"))
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the fixture's lambda is Python 3.11 bytecode")
    model = saving.load_model(fixture_path("lambda.keras"), safe_mode=False)
    x = np.ones((2, 3), "float32")
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), (2 * x) @ kernel + bias, rtol=1e-6)


def test_enable_unsafe_deserialization_turns_safe_mode_off_for_every_load(monkeypatch):
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the fixture's lambda is Python 3.11 bytecode")
    from minikeras import backend
    monkeypatch.setitem(backend._unsafe_deserialization, "enabled", False)     # put back after the test
    mk.config.enable_unsafe_deserialization()
    model = saving.load_model(fixture_path("lambda.keras"))
    x = np.ones((2, 3), "float32")
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), (2 * x) @ kernel + bias, rtol=1e-6)


def test_named_lambda_function_comes_from_custom_objects(tmp_file):
    def double(t):
        return t * 2.0
    model = mk.Sequential([mk.Input((3,)), L.Lambda(double), L.Dense(1)])
    saving.save_model(model, tmp_file("m.keras"))
    with pytest.raises(ValueError, match="double.*custom_objects"):
        saving.load_model(tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"), custom_objects={"double": double})
    x = np.ones((2, 3), "float32")
    assert np.array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_failed_save_leaves_the_earlier_file_intact(tmp_file, monkeypatch):
    path = tmp_file("m.keras")
    saving.save_model(_model(), path)
    with open(path, "rb") as f:
        earlier = f.read()

    def fail_midway(model, include_optimizer):
        raise OSError("disk full")
    monkeypatch.setattr(keras_format, "_weights_bytes", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        saving.save_model(_model(), path)
    with open(path, "rb") as f:
        assert f.read() == earlier
    assert os.listdir(os.path.dirname(path)) == ["m.keras"]  # no temporary file left behind


def test_failed_zip_write_leaves_the_earlier_file_intact(tmp_file, monkeypatch):
    path = tmp_file("m.keras")
    saving.save_model(_model(), path)
    with open(path, "rb") as f:
        earlier = f.read()
    real_writestr = zipfile.ZipFile.writestr

    def writestr(self, name, data, *args, **kwargs):
        if name == "model.weights.h5":
            raise OSError("interrupted")
        return real_writestr(self, name, data, *args, **kwargs)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
    with pytest.raises(OSError, match="interrupted"):
        saving.save_model(_model(units=4), path)
    with open(path, "rb") as f:
        assert f.read() == earlier


def test_overwrite_false_refuses(tmp_file):
    path = tmp_file("m.keras")
    saving.save_model(_model(), path)
    with pytest.raises(ValueError, match="already exists"):
        saving.save_model(_model(), path, overwrite=False)


def test_wrong_extension_is_explained(tmp_file):
    with pytest.raises(ValueError, match=r"\.keras"):
        saving.save_model(_model(), tmp_file("m.model"))


def test_model_from_json_rejects_garbage():
    with pytest.raises(ValueError, match="not valid JSON"):
        mk.models.model_from_json("{not json")
