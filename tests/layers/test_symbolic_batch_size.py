"""A symbolic tensor of known batch size keeps it through op nodes, Keras-style layers and models, as in Keras 3."""
from minikeras import Input, Model, Sequential, layers, ops


class Double(layers.Layer):
    def call(self, x):
        return x * 2.0


def test_op_nodes_keep_a_known_batch_size():
    a = Input(shape=(3,), batch_size=2)
    assert (a + a).shape == (2, 3)
    assert ops.tanh(a).shape == (2, 3)
    assert ops.concatenate([a, a], axis=-1).shape == (2, 6)


def test_op_nodes_leave_an_unknown_batch_size_unknown():
    a = Input(shape=(3,))
    assert (a * 2.0).shape == (None, 3)
    assert ops.sum(a, axis=0).shape == (3,)       # the batch axis reduced away: no unknown axis is left
    assert ops.sum(a).shape == ()


def test_keras_style_layers_keep_a_known_batch_size():
    assert Double()(Input(batch_shape=(4, 1))).shape == (4, 1)
    assert Double()(Input(shape=(1,))).shape == (None, 1)


def test_a_model_called_on_a_known_batch_gives_outputs_of_that_batch():
    a, b = Input(shape=(3,), batch_size=2), Input(shape=(3,), batch_size=2)
    model = Model([a, b], layers.Dense(4)(layers.Dense(5)(a + b)))
    assert model.outputs[0].shape == (2, 4)
    sequential = Sequential([Input((2,)), layers.Dense(1)])
    assert sequential(Input(batch_shape=(1, 2))).shape == (1, 1)
    assert sequential(Input((2,))).shape == (None, 1)
    outer = Sequential([sequential, layers.Dense(3)])
    assert outer(Input(batch_shape=(5, 2))).shape == (5, 3)
