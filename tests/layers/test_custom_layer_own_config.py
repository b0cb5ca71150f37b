"""A user's layer whose get_config returns only its own arguments (Keras's guide does so) saves and loads."""
import os

import numpy as np

from minikeras import Input, Model, layers, saving


class Times(layers.Layer):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {"factor": self.factor}


def test_its_entry_holds_only_what_its_get_config_wrote():
    entry = saving.serialize_keras_object(Times(2))
    assert entry["config"] == {"factor": 2}
    again = saving.deserialize_keras_object(entry, custom_objects={"Times": Times})
    assert isinstance(again, Times) and again.factor == 2


def test_a_model_holding_it_saves_and_loads(tmp_path):
    inputs = Input((3,))
    model = Model(inputs, Times(3)(layers.Dense(2)(inputs)))
    path = os.path.join(tmp_path, "times.keras")
    model.save(path)
    loaded = saving.load_model(path, custom_objects={"Times": Times})
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_built_in_layers_still_write_their_dtype_policy():
    assert saving.serialize_keras_object(layers.Dense(2))["config"]["dtype"]["class_name"] == "DTypePolicy"


class Units(layers.Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale

    def call(self, x):
        return x


class UnitsWithConfig(Units):
    def get_config(self):
        return dict(super().get_config(), units=self.units)     # Keras's spelling: units must not come twice


def test_the_constructor_arguments_are_the_config_only_without_a_get_config_of_its_own():
    assert Units(4, scale=2.0).get_config()["scale"] == 2.0
    config = UnitsWithConfig(4, scale=2.0, name="u").get_config()
    assert config["units"] == 4 and config["name"] == "u" and "scale" not in config
    assert UnitsWithConfig.from_config(config).units == 4
