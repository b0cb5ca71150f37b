"""A user's Keras-style subclass of layers.Wrapper gets Keras 3's Wrapper config (the base layer's keys and the
wrapped layer's config entry under "layer") and comes back from it, directly or through a saved model."""
import json

import numpy as np

import minikeras as mk
from minikeras import layers as L, ops, saving


class Doubled(L.Wrapper):
    """Twice what the wrapped layer gives."""

    def call(self, inputs):
        return ops.multiply(self.layer(inputs), 2.0)


def test_the_config_holds_the_wrapped_layer_as_keras_writes_it():
    wrapper = Doubled(L.Dense(2, name="inner"), name="doubled")
    config = wrapper.get_config()
    assert sorted(config) == ["dtype", "layer", "name", "trainable"]
    assert config["layer"] == saving.serialize_keras_object(wrapper.layer)
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 2


def test_from_config_gives_the_same_config_back_through_json():
    wrapper = Doubled(L.Dense(3, activation="relu"), activity_regularizer="l2")
    config = json.loads(json.dumps(wrapper.get_config()))
    revived = Doubled.from_config(config)
    assert isinstance(revived.layer, L.Dense) and revived.layer.units == 3
    assert json.loads(json.dumps(revived.get_config())) == config
    entry = json.loads(json.dumps(saving.serialize_keras_object(wrapper)))
    again = saving.deserialize_keras_object(entry, custom_objects={"Doubled": Doubled})
    assert json.loads(json.dumps(again.get_config())) == config


def test_a_model_with_the_wrapper_saves_and_loads_with_its_weights(tmp_path):
    inputs = mk.Input((3,))
    model = mk.Model(inputs, Doubled(L.Dense(2))(inputs))
    x = np.arange(6.0).reshape(2, 3)
    path = str(tmp_path / "doubled.keras")
    model.save(path)
    loaded = saving.load_model(path, custom_objects={"Doubled": Doubled})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), 2 * (x @ model.get_weights()[0] + model.get_weights()[1]),
                               rtol=1e-5)
