"""A model made from intermediate tensors has Inputs of its own: it lists, counts and trains only the layers
between them and its outputs, and computes what those layers compute."""
import numpy as np

from minikeras import Input, Model, layers
from minikeras.layers import InputLayer


def _chain():
    inputs = Input((None, 2), name="input")
    x1 = layers.Dense(3, name="dense1")(inputs)
    x2 = layers.Dense(4, name="dense2")(x1)
    return Model(inputs, layers.Dense(5, name="dense3")(x2), name="full"), x1, x2


def test_a_model_from_an_intermediate_tensor_starts_with_an_input_layer():
    full, x1, x2 = _chain()
    tail = Model(x2, full.outputs[0])
    assert isinstance(tail.layers[0], InputLayer) and [l.name for l in tail.layers[1:]] == ["dense3"]
    assert tail.count_params() == 4 * 5 + 5
    z = np.random.default_rng(0).random((2, 3, 4)).astype("float32")
    np.testing.assert_allclose(tail.predict(z, verbose=0), full.get_layer("dense3")(z), rtol=1e-6)


def test_the_middle_of_a_model_shares_its_layers_weights():
    full, x1, x2 = _chain()
    middle = Model(x1, x2)
    assert [l.name for l in middle.layers[1:]] == ["dense2"]
    assert middle.get_layer("dense2") is full.get_layer("dense2")
    y = np.ones((1, 2, 3), "float32")
    np.testing.assert_allclose(middle.predict(y, verbose=0), full.get_layer("dense2")(y), rtol=1e-6)


def test_op_nodes_after_an_intermediate_tensor_are_made_again():
    hidden = layers.Dense(4)(Input((3,)))
    model = Model(hidden, hidden * 2.0 + 1.0)
    np.testing.assert_allclose(model.predict(np.ones((1, 4), "float32"), verbose=0), np.full((1, 4), 3.0))
