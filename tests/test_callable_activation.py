"""An activation that is an object of the user's with get_config() is saved as Keras 3 saves it (its class and
config, not a function name), and a Keras 3 file using it loads with custom_objects and predicts Keras's numbers
(tests/fixtures/callable_activation/, made by make_callable_activation_fixtures.py)."""
import json
import os
import sys
import zipfile

import numpy as np
import pytest

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
sys.path.insert(0, FIXTURES)
import callable_activation  # noqa: E402

HERE = os.path.join(FIXTURES, "callable_activation")
with open(os.path.join(HERE, "facts.json")) as f:
    FACTS = json.load(f)


def test_the_saved_entry_is_the_one_keras_writes(tmp_path):
    path = str(tmp_path / "growth.keras")
    callable_activation.build(minikeras).save(path)
    with zipfile.ZipFile(path) as archive:
        entry = json.loads(archive.read("config.json"))["config"]["layers"][1]["config"]["activation"]
    assert entry == FACTS["activation_entry"]


def test_keras_s_file_loads_with_custom_objects_and_predicts_keras_s_numbers():
    model = minikeras.saving.load_model(os.path.join(HERE, "growth.keras"),
                                        custom_objects={"GrowthFactor": callable_activation.GrowthFactor})
    assert model.get_layer("scaled").activation.factor == 0.5
    np.testing.assert_allclose(model.predict(callable_activation.inputs(), verbose=0),
                               np.load(os.path.join(HERE, "predictions.npy")), rtol=1e-5, atol=1e-6)


def test_without_the_class_the_load_names_it(tmp_path):
    class UnseenScale(callable_activation.GrowthFactor):
        pass

    inputs = minikeras.Input((4,))
    model = minikeras.Model(inputs, minikeras.layers.Dense(2, activation=UnseenScale(2.0))(inputs))
    path = str(tmp_path / "unseen.keras")
    model.save(path)
    with pytest.raises(ValueError, match="UnseenScale"):
        minikeras.saving.load_model(path)


def test_an_unknown_name_says_how_to_make_it_known():
    with pytest.raises(ValueError, match=r"custom_objects=\{'GrowthOfMyOwn': \.\.\.\}"):
        minikeras.activations.get("GrowthOfMyOwn")
