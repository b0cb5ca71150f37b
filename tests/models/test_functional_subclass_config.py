"""A user's subclass of a Functional model comes back from its config as that class, with its own arguments."""
import numpy as np

from minikeras import Input, Model, layers


class ScaledModel(Model):
    def __init__(self, *args, param=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.param = param

    def get_config(self):
        return {**super().get_config(), "param": self.param}


def _model():
    inputs = Input((3,), name="x")
    return ScaledModel(inputs=inputs, outputs=layers.Dense(5, name="d")(inputs), param=3, name="scaled")


def test_from_config_makes_the_subclass_with_its_own_arguments():
    model = _model()
    again = ScaledModel.from_config(model.get_config())
    assert type(again) is ScaledModel and again.param == 3 and again.name == "scaled"
    assert [layer.name for layer in again.layers] == ["x", "d"]
    assert again.predict(np.ones((2, 3), "float32"), verbose=0).shape == (2, 5)


def test_model_from_config_of_the_base_class_stays_a_model():
    again = Model.from_config(_model().get_config())
    assert type(again) is Model
