"""An RNN around a Keras-style cell writes the user's cell (not minikeras's adapter) into its config and files."""
import os

import numpy as np

from minikeras import Input, Model, layers, ops, saving


class Accumulator(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

    def call(self, inputs, states):
        output = ops.matmul(inputs, self.kernel) + states[0]
        return output, [output]


def test_the_config_names_the_users_cell_class():
    entry = layers.RNN(Accumulator(3)).get_config()["cell"]
    assert entry["class_name"] == "Accumulator"
    assert entry["config"]["units"] == 3


def test_from_config_with_custom_objects_rebuilds_the_cell():
    layer = layers.RNN(Accumulator(3), return_sequences=True)
    again = layers.RNN.from_config(layer.get_config(), custom_objects={"Accumulator": Accumulator})
    assert isinstance(again.cell.wrapped, Accumulator) and again.cell.units == 3
    assert again(np.ones((2, 4, 5), "float32")).shape == (2, 4, 3)


def test_a_saved_model_with_a_custom_cell_loads_and_predicts_the_same(tmp_path):
    inputs = Input((4, 5))
    model = Model(inputs, layers.RNN(Accumulator(3))(inputs))
    x = np.random.default_rng(0).normal(size=(2, 4, 5)).astype("float32")
    path = os.path.join(tmp_path, "cell.keras")
    model.save(path)
    loaded = saving.load_model(path, custom_objects={"Accumulator": Accumulator})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_keras_style_cells_stack_and_give_the_step_by_step_numbers():
    first, second = Accumulator(3), Accumulator(2)
    layer = layers.RNN([first, second], return_state=True)
    x = np.random.default_rng(1).normal(size=(2, 4, 5)).astype("float32")
    output, states_first, states_second = layer(x)
    h1, h2 = np.zeros((2, 3)), np.zeros((2, 2))
    for t in range(4):
        h1 = x[:, t] @ first.kernel.numpy() + h1
        h2 = h1 @ second.kernel.numpy() + h2
    np.testing.assert_allclose(output, h2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.reshape(states_first, h1.shape), h1, rtol=1e-5, atol=1e-6)
    entry = layer.get_config()["cell"]
    assert [c["class_name"] for c in entry["config"]["cells"]] == ["Accumulator", "Accumulator"]
