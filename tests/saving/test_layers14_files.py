"""`.keras` files with issue 14's layers, both ways: Keras 3's files (fixtures/layers14) load here and predict Keras's
numbers, and minikeras writes the same files back (layout, config, weights), so Keras 3 opens them."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import minikeras
from minikeras import layers, saving

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "layers14")
CASES = sorted(name[:-len(".keras")] for name in os.listdir(FIXTURES) if name.endswith(".keras"))


def keras_file(name):
    return os.path.join(FIXTURES, name + ".keras")


def recorded_io(name):
    with np.load(os.path.join(FIXTURES, name + "_io.npz")) as data:
        return data["x0"], data["y0"]


def h5_layout(data):
    layout = []
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda path, obj: layout.append((path, getattr(obj, "shape", None))))
    return layout


def h5_values(data):
    values = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda path, obj: values.update({path: obj[()]}) if isinstance(obj, h5py.Dataset) else None)
    return values


def comparable(value, blank_names=False):
    """A config without Keras's shared_object_id bookkeeping; with blank_names, every 'name' value blanked too (a
    model built here names its layers in this process's order)."""
    if isinstance(value, dict):
        return {k: (None if k == "name" and blank_names else comparable(v, blank_names)) for k, v in value.items()
                if k != "shared_object_id"}
    if isinstance(value, list):
        return [comparable(v, blank_names) for v in value]
    return value


def test_the_fixtures_are_there():
    assert {"bn_conv", "bn_masked_lstm", "activations", "reshaping2d", "noise_at_rate_0"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_keras_file_predicts_keras_numbers(case):
    model = saving.load_model(keras_file(case))
    x, expected = recorded_io(case)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_minikeras_writes_the_file_keras_wrote(case, tmp_file):
    model = saving.load_model(keras_file(case))
    saving.save_model(model, tmp_file("again.keras"))
    keras_zip, our_zip = zipfile.ZipFile(keras_file(case)), zipfile.ZipFile(tmp_file("again.keras"))
    assert our_zip.namelist() == keras_zip.namelist()
    keras_weights, our_weights = keras_zip.read("model.weights.h5"), our_zip.read("model.weights.h5")
    assert h5_layout(our_weights) == h5_layout(keras_weights)
    ours, theirs = h5_values(our_weights), h5_values(keras_weights)
    for path, value in theirs.items():
        np.testing.assert_array_equal(ours[path], value, err_msg=path)
    keras_config = json.loads(keras_zip.read("config.json"))
    our_config = json.loads(our_zip.read("config.json"))
    assert comparable(our_config["config"]["layers"]) == comparable(keras_config["config"]["layers"])


@pytest.mark.parametrize("case", CASES)
def test_a_model_built_here_saves_keras_configs(case, tmp_file):
    """Built from the constructor arguments, not from Keras's file: the configs come from get_config alone."""
    with np.load(os.path.join(FIXTURES, f"model_{case}.npz")) as data:
        spec, input_shape, x = json.loads(str(data["spec"])), json.loads(str(data["input_shape"])), data["x"]
    first = minikeras.Input(x.shape[1:], dtype="int32") if input_shape == "tokens" else minikeras.Input(
        tuple(input_shape))
    model = minikeras.Sequential([first] + [getattr(layers, cls)(**kwargs) for cls, kwargs in spec])
    saving.save_model(model, tmp_file("built.keras"))
    ours = json.loads(zipfile.ZipFile(tmp_file("built.keras")).read("config.json"))["config"]["layers"]
    keras = json.loads(zipfile.ZipFile(keras_file(case)).read("config.json"))["config"]["layers"]
    assert comparable(ours, blank_names=True) == comparable(keras, blank_names=True)


def test_a_trained_batch_normalization_comes_back_with_its_statistics(tmp_file):
    model = saving.load_model(keras_file("bn_conv"))
    saving.save_model(model, tmp_file("bn.keras"))
    again = saving.load_model(tmp_file("bn.keras"))
    norm = again.get_layer(model.layers[1].name)
    assert isinstance(norm, layers.BatchNormalization)
    assert not np.allclose(norm.params["moving_variance"], 1.0)  # trained statistics, not the initial ones
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_layers_keras_builds_at_construction_save_no_build_config():
    with open(os.path.join(FIXTURES, "facts.json")) as f:
        without_build_config = set(json.load(f)["layers_without_build_config"])
    # 3-D pooling is checked against Keras by its own fixtures (make_pooling3d_fixtures.py)
    with open(os.path.join(FIXTURES, "..", "pooling3d", "cases.json")) as f:
        without_build_config |= {case["class_name"] for case in json.load(f).values()
                                 if "build_config" not in case["config"]}
    for class_name in without_build_config:
        assert getattr(layers, class_name).keras_built_at_init, class_name
    marked = {getattr(layers, name).__name__ for name in dir(layers)
              if getattr(getattr(layers, name), "keras_built_at_init", False)}
    assert marked == without_build_config


def test_keras2_hdf5_layout_with_batch_normalization_loads():
    model = saving.load_model(os.path.join(FIXTURES, "bn_conv_legacy.h5"))
    x, expected = recorded_io("bn_conv")
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
