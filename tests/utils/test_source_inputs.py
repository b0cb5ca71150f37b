"""keras.utils.get_source_inputs, serialize_keras_object and keras.models.save_model, as Keras code calls them."""
import numpy as np

import minikeras
from minikeras import layers
from minikeras.utils import deserialize_keras_object, get_source_inputs, serialize_keras_object


def test_get_source_inputs_walks_back_to_the_inputs():
    a, b = minikeras.Input((3,), name="a"), minikeras.Input((2,), name="b")
    out = layers.Dense(1)(layers.Concatenate()([a, layers.Dense(3)(b), a]))
    assert [t.name for t in get_source_inputs(out)] == ["a", "b"]
    assert get_source_inputs(a) == [a]


def test_serialize_keras_object_round_trips_a_layer(tmp_path):
    config = serialize_keras_object(layers.Dense(2, activation="relu", name="d"))
    assert config["class_name"] == "Dense" and config["config"]["units"] == 2
    rebuilt = deserialize_keras_object(config)
    assert isinstance(rebuilt, layers.Dense) and rebuilt.units == 2
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    path = str(tmp_path / "m.keras")
    minikeras.models.save_model(model, path)
    np.testing.assert_array_equal(minikeras.models.load_model(path).get_weights()[0], model.get_weights()[0])


def test_data_tuples_pack_and_unpack_as_keras_does():
    from minikeras.utils import is_keras_tensor, pack_x_y_sample_weight, unpack_x_y_sample_weight
    x, y, w = np.ones(2), np.zeros(2), np.full(2, 0.5)
    assert pack_x_y_sample_weight(x) is x
    assert pack_x_y_sample_weight([x, x])[0] == [x, x] and len(pack_x_y_sample_weight([x, x])) == 1
    assert len(pack_x_y_sample_weight(x, y)) == 2 and len(pack_x_y_sample_weight(x, y, w)) == 3
    assert unpack_x_y_sample_weight((x,))[1:] == (None, None) and unpack_x_y_sample_weight(x)[0] is x
    assert unpack_x_y_sample_weight([x, y])[1] is y and unpack_x_y_sample_weight((x, y, w))[2] is w
    assert is_keras_tensor(minikeras.Input((2,))) and not is_keras_tensor(x)
    assert minikeras.backend.is_keras_tensor(minikeras.Input((2,)))
