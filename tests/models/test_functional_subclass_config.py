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


class SizedModel(Model):
    """Makes its own graph in __init__; its config holds only its own argument."""

    def __init__(self, num_units=2):
        inputs = Input((2,))
        super().__init__(inputs, layers.Dense(num_units)(inputs))
        self.num_units = num_units

    def get_config(self):
        return {"num_units": self.num_units}


def test_a_subclass_that_builds_its_own_graph_comes_back_from_its_own_arguments():
    again = SizedModel.from_config(SizedModel(num_units=3).get_config())
    assert type(again) is SizedModel and again.num_units == 3
    assert again.outputs[0].shape == (None, 3)
