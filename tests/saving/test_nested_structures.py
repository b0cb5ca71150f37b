"""A Functional model with nested dict inputs and outputs keeps its structure in get_config, through a .keras file
and in what it returns, as Keras 3 does (tests/fixtures/nested_structure/, made by
make_nested_structure_fixtures.py)."""
import json
import os
import sys

import numpy as np

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
sys.path.insert(0, FIXTURES)
import nested_structure_model  # noqa: E402

HERE = os.path.join(FIXTURES, "nested_structure")
with open(os.path.join(HERE, "facts.json")) as f:
    FACTS = json.load(f)
EXPECTED = np.load(os.path.join(HERE, "outputs.npz"))


def _leaves(out):
    return [out["1"], out["others"]["2"], out["others"]["3"]]


def test_the_config_nests_its_inputs_and_outputs_as_keras_writes_them():
    config = nested_structure_model.build(minikeras).get_config()
    assert config["input_layers"] == FACTS["input_layers"]
    assert config["output_layers"] == FACTS["output_layers"]


def test_keras_s_file_loads_nested_and_predicts_keras_s_numbers():
    model = minikeras.saving.load_model(os.path.join(HERE, "nested.keras"))
    out = model(nested_structure_model.inputs())
    assert set(out) == {"1", "others"} and set(out["others"]) == {"2", "3"}
    for got, want in zip(_leaves(out), (EXPECTED["one"], EXPECTED["two"], EXPECTED["three"])):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


def test_a_saved_nested_model_comes_back_nested(tmp_path):
    model = nested_structure_model.build(minikeras)
    path = str(tmp_path / "nested.keras")
    model.save(path)
    loaded = minikeras.saving.load_model(path)
    x = nested_structure_model.inputs()
    for got, want in zip(_leaves(loaded(x)), _leaves(model(x))):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert loaded.get_config()["input_layers"] == FACTS["input_layers"]
