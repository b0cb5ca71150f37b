"""The Keras face of built-in layers: weight handles (dense.kernel, lstm.cell.kernel), losses per regularizer, build(shape), positional mask, InputSpec."""
import numpy as np
import pytest

import minikeras
from minikeras import layers


def test_dense_kernel_and_bias_read_and_assign():
    dense = layers.Dense(2)
    dense(np.ones((1, 3), "float32"))
    assert dense.kernel.shape == (3, 2) and dense.bias.shape == (2,)
    dense.kernel.assign(np.ones((3, 2)))
    dense.bias.assign_add(np.array([1.0, 2.0]))
    np.testing.assert_allclose(dense(np.ones((1, 3), "float32")), [[4.0, 5.0]])
    assert dense.weights[0] is dense.kernel           # the same handle each time
    np.testing.assert_allclose(dense.kernel.numpy(), np.ones((3, 2)))


def test_assign_checks_the_shape():
    dense = layers.Dense(2)
    dense(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"'dense\w*/kernel' has shape \(3, 2\)"):
        dense.kernel.assign(np.ones((2, 2)))


def test_recurrent_cell_weights_are_the_layers():
    lstm = layers.LSTM(4)
    lstm(np.ones((1, 2, 3), "float32"))
    assert lstm.cell.kernel.shape == (3, 16)
    assert lstm.cell.recurrent_kernel.shape == (4, 16)
    lstm.cell.bias.assign(np.zeros(16))
    np.testing.assert_allclose(lstm.get_weights()[2], np.zeros(16))


def test_model_weights_split_by_trainability():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2), layers.Dense(1)])
    model.layers[0].trainable = False
    assert [w.shape for w in model.trainable_weights] == [(2, 1), (1,)]
    assert [w.shape for w in model.non_trainable_weights] == [(3, 2), (2,)]
    assert len(model.weights) == 4


def test_missing_attributes_still_raise_attribute_error():
    dense = layers.Dense(2)
    with pytest.raises(AttributeError):
        dense.kernel                    # not built: no weight yet
    with pytest.raises(AttributeError, match="no_such_thing"):
        dense.no_such_thing


def test_model_weights_are_the_layers_handles():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2)])
    assert model.weights[0] is model.layers[0].kernel


def test_layer_losses_list_one_penalty_per_regularized_weight():
    dense = layers.Dense(2, kernel_regularizer="l2", bias_regularizer="l1")
    dense(np.ones((1, 3), "float32"))
    dense.bias.assign(np.array([1.0, -2.0]))
    assert len(dense.losses) == 2
    np.testing.assert_allclose(dense.losses[1], 0.01 * 3.0, rtol=1e-6)
    lstm = layers.LSTM(2, kernel_regularizer="l2", recurrent_regularizer="l2", bias_regularizer="l2")
    model = minikeras.Sequential([minikeras.Input((3, 2)), lstm])
    assert len(lstm.losses) == 3 and len(model.losses) == 3


def test_build_with_a_shape_alone_builds_a_built_in_layer():
    dense = layers.Dense(3)
    dense.build((None, 4))
    assert dense.built and dense.kernel.shape == (4, 3)


def test_mask_as_the_second_positional_argument_where_keras_has_it():
    x = np.array([[[1.0], [3.0], [100.0]]], "float32")
    mask = np.array([[True, True, False]])
    np.testing.assert_allclose(layers.GlobalAveragePooling1D()(x, mask), [[2.0]])
    with pytest.raises(TypeError, match="at most 1 positional"):
        layers.GlobalAveragePooling1D()(x, mask, True)


def test_input_spec_refuses_inputs_that_do_not_fit():
    class NeedsSequences(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = layers.InputSpec(ndim=3)

        def call(self, inputs):
            return inputs

    with pytest.raises(ValueError, match="'picky'.*expected 3 dimensions, got 2"):
        NeedsSequences(name="picky")(minikeras.Input((4,)))
    assert NeedsSequences()(minikeras.Input((2, 4))).shape == (None, 2, 4)


def test_input_of_an_existing_tensor_is_that_tensor():
    x = minikeras.Input((3,))
    assert minikeras.Input(tensor=x) is x


def test_a_wrapped_weightless_layer_trains_in_a_model():
    clip = minikeras.Input((2, 4, 4, 1))
    features = layers.TimeDistributed(layers.GlobalAveragePooling2D())(clip)
    model = minikeras.Model(clip, layers.Dense(1)(layers.LSTM(2)(features)))
    model.compile("sgd", "mse")
    model.fit(np.ones((2, 2, 4, 4, 1)), np.zeros((2, 1)), epochs=1, verbose=0)
