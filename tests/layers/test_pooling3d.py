"""MaxPooling3D and AveragePooling3D against real Keras 3: outputs, output shapes and config entries
(tests/fixtures/pooling3d, made by make_pooling3d_fixtures.py); gradients in tests/gradients."""
import json
import os

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pooling3d")
with open(os.path.join(HERE, "cases.json")) as f:
    CASES = json.load(f)
ARRAYS = np.load(os.path.join(HERE, "cases.npz"))


def _layer(case):
    facts = CASES[case]
    return getattr(L, facts["class_name"])(**facts["kwargs"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_outputs_and_shapes_match_keras(case):
    layer = _layer(case)
    x = ARRAYS[f"x_{case}"]
    np.testing.assert_allclose(layer(x), ARRAYS[f"y_{case}"], rtol=1e-6, atol=1e-6)
    assert layer.compute_output_shape(tuple(CASES[case]["input_shape"])) == tuple(CASES[case]["output_shape"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_config_entry_is_keras_s_and_round_trips(case):
    layer = _layer(case)
    layer(ARRAYS[f"x_{case}"])
    ours, keras = saving.serialize_keras_object(layer), CASES[case]["config"]
    ours["config"].pop("name"), keras["config"].pop("name")
    assert json.loads(json.dumps(ours)) == keras
    again = saving.deserialize_keras_object(json.loads(json.dumps(saving.serialize_keras_object(layer))))
    np.testing.assert_array_equal(again(ARRAYS[f"x_{case}"]), layer(ARRAYS[f"x_{case}"]))


def test_keras_short_names_and_default_names():
    assert L.MaxPool3D is L.MaxPooling3D and L.AvgPool3D is L.AveragePooling3D
    assert L.MaxPooling3D().name.startswith("max_pooling3d")
    assert L.AveragePooling3D().name.startswith("average_pooling3d")


def test_in_a_model_the_shapes_flow_on():
    inputs = mk.Input((4, 6, 6, 2))
    x = L.MaxPooling3D(pool_size=(1, 2, 2))(inputs)
    x = L.AveragePooling3D(pool_size=2, padding="same")(x)
    model = mk.Model(inputs, L.GlobalAveragePooling3D()(x))
    assert x.shape == (None, 2, 2, 2, 2)
    assert model.predict(np.ones((3, 4, 6, 6, 2)), verbose=0).shape == (3, 2)


@pytest.mark.parametrize("shape", [(2, 4, 4, 3), (2, 4, 4, 4, 4, 3)])
def test_an_input_of_another_rank_is_refused_by_name(shape):
    with pytest.raises(ValueError, match=r"'max_pooling3d.*' \(MaxPooling3D\) expects input of rank 5"):
        L.MaxPooling3D()(np.ones(shape))


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="AveragePooling3D"):
        L.AveragePooling3D(pool_size=(2, 2))
    with pytest.raises(ValueError, match="MaxPooling3D"):
        L.MaxPooling3D(padding="causal")
