"""Files written by real Keras 3 load in minikeras and predict Keras's numbers; minikeras writes the same layout."""
import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from minikeras import saving
from saving_helpers import fixture_path, fixture_inputs

CASES = ["seq_dense", "embedding_mask_lstm", "simple_rnn", "gru_both", "bidirectional_td", "functional_two_inputs",
         "nested", "conv2d_pooling", "conv1d_pooling", "time_distributed_conv"]


@pytest.mark.parametrize("case", CASES)
def test_keras_file_predicts_keras_numbers(case):
    model = saving.load_model(fixture_path(case + ".keras"))
    inputs, expected = fixture_inputs(case)
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-5, atol=1e-6)


def _h5_layout(data):
    layout = []
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda path, obj: layout.append((path, getattr(obj, "shape", None), obj.attrs.get("name"))))
    return layout


def _key_differences(keras, ours, where="", found=None):
    """Keys present in one config and not the other, anywhere in the tree (values may differ)."""
    found = [] if found is None else found
    if isinstance(keras, dict) and isinstance(ours, dict):
        for key in (set(keras) | set(ours)) - {"shared_object_id"}:
            if key not in keras or key not in ours:
                found.append(f"{where}/{key}")
            else:
                _key_differences(keras[key], ours[key], f"{where}/{key}", found)
    elif isinstance(keras, list) and isinstance(ours, list):
        if len(keras) != len(ours):
            found.append(f"{where} (length {len(keras)} vs {len(ours)})")
        for a, b in zip(keras, ours):
            _key_differences(a, b, where, found)
    return found


@pytest.mark.parametrize("case", CASES + ["compiled_adam", "compiled_sgd"])
def test_minikeras_writes_keras_layout(case, tmp_file):
    model = saving.load_model(fixture_path(case + ".keras"))
    saving.save_model(model, tmp_file("again.keras"))
    keras_zip, our_zip = zipfile.ZipFile(fixture_path(case + ".keras")), zipfile.ZipFile(tmp_file("again.keras"))
    assert our_zip.namelist() == keras_zip.namelist()
    assert _h5_layout(our_zip.read("model.weights.h5")) == _h5_layout(keras_zip.read("model.weights.h5"))
    keras_config, our_config = (json.loads(z.read("config.json")) for z in (keras_zip, our_zip))
    assert _key_differences(keras_config, our_config) == []
    assert json.loads(our_zip.read("metadata.json"))["keras_version"].startswith("3.")


@pytest.mark.parametrize("case", CASES)
def test_resaved_file_round_trips_exactly(case, tmp_file):
    model = saving.load_model(fixture_path(case + ".keras"))
    saving.save_model(model, tmp_file("again.keras"))
    again = saving.load_model(tmp_file("again.keras"))
    for a, b in zip(model.get_weights(), again.get_weights()):
        assert np.array_equal(a, b)
    inputs, _ = fixture_inputs(case)
    assert np.array_equal(model.predict(inputs, verbose=0), again.predict(inputs, verbose=0))


def test_keras_weights_file_loads_into_same_architecture():
    model = saving.load_model(fixture_path("seq_dense.keras"))
    inputs, expected = fixture_inputs("seq_dense")
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    saving.load_weights(model, fixture_path("weights_only.weights.h5"))
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-6)


def test_load_weights_from_a_keras_file():
    model = saving.load_model(fixture_path("nested.keras"))
    inputs, expected = fixture_inputs("nested")
    model.set_weights([np.ones_like(w) for w in model.get_weights()])
    saving.load_weights(model, fixture_path("nested.keras"))
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_bidirectional_from_keras_keeps_keras_layer_names():
    model = saving.load_model(fixture_path("bidirectional_td.keras"))
    bidirectional = model.layers[0]
    config = json.loads(zipfile.ZipFile(fixture_path("bidirectional_td.keras")).read("config.json"))
    keras_config = config["config"]["layers"][1]["config"]
    assert bidirectional.forward_layer.name == keras_config["layer"]["config"]["name"]
    assert bidirectional.backward_layer.name == keras_config["backward_layer"]["config"]["name"]
    assert bidirectional.backward_layer.go_backwards


def test_gru_reset_after_both_ways_come_back():
    model = saving.load_model(fixture_path("gru_both.keras"))
    assert [layer.reset_after for layer in model.layers] == [False, True]
    assert model.layers[1].get_weights()[2].shape == (2, 6)


def test_masked_embedding_comes_back_with_its_mask():
    model = saving.load_model(fixture_path("embedding_mask_lstm.keras"))
    assert model.layers[0].mask_zero


def test_layers_without_build_config_match_keras():
    from minikeras.saving.serialization import LAYERS_WITHOUT_BUILD_CONFIG
    with open(fixture_path("facts.json")) as f:
        assert sorted(LAYERS_WITHOUT_BUILD_CONFIG) == json.load(f)["layers_without_build_config"]


@pytest.mark.filterwarnings("ignore::Warning")
def test_keras1_convolution_alias_is_saved_under_its_keras3_name():
    import minikeras as mk
    from minikeras import layers as L
    model = mk.Sequential([L.Convolution2D(2, 3, 3, input_shape=(5, 5, 1))])
    assert json.loads(model.to_json())["config"]["layers"][1]["class_name"] == "Conv2D"
