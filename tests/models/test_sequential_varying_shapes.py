"""A Sequential built from its first data (no Input, no input_shape) runs on inputs whose sizes differ, as Keras 3's
does; its weights stay, a layer that needs the size that changed refuses it by name, and a list of arrays reaches
the first layer as a list."""
import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L


def test_flatten_takes_batches_of_other_sizes():
    model = mk.Sequential([L.Flatten()])
    assert model(np.ones((3, 5, 7))).shape == (3, 35)
    assert model(np.ones((2, 7, 5))).shape == (2, 35)
    assert model(np.ones((1, 2, 3))).shape == (1, 6)


def test_reshape_with_minus_one_fits_and_predicts_sequences_of_other_lengths():
    model = mk.Sequential([L.Reshape((-1, 8)), L.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")

    def batches():
        yield np.ones((1, 12, 2), "float32"), np.zeros((1, 3, 2), "float32")
        yield np.ones((1, 20, 2), "float32"), np.zeros((1, 5, 2), "float32")

    model.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    kernel = model.layers[1].get_weights()[0]
    for length in (12, 20, 24):
        assert model(np.ones((1, length, 2))).shape == (1, length // 4, 2)
    assert model.predict(np.ones((2, 8, 2)), verbose=0).shape == (2, 2, 2)
    np.testing.assert_array_equal(model.layers[1].get_weights()[0], kernel)   # calls do not rebuild the weights


def test_a_size_a_layer_was_built_for_is_refused_by_name_and_changes_nothing():
    model = mk.Sequential([L.Dense(3)])
    model(np.ones((2, 4)))
    weights = model.get_weights()
    with pytest.raises(ValueError, match=r"'dense.*' \(Dense\) was built for inputs of shape \(None, 4\).*\(None, 5\)"):
        model(np.ones((2, 5)))
    assert model.inputs[0].shape == (None, 4)
    assert model(np.ones((2, 4))).shape == (2, 3)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)


def test_a_sequential_given_its_input_shape_keeps_it():
    model = mk.Sequential([mk.Input((5, 7)), L.Flatten()])
    with pytest.raises(ValueError, match=r"\(None, 5, 7\)"):
        model(np.ones((2, 7, 5)))


def test_a_list_of_arrays_reaches_the_first_layer_as_a_list():
    seen = []

    class Pair(L.Layer):
        def call(self, inputs):
            seen.append(type(inputs))
            return inputs[0] + inputs[1]

    model = mk.Sequential([Pair(), L.Dense(1, kernel_initializer="ones")])
    out = model([np.ones((3, 2)), np.full((3, 2), 2.0)])
    np.testing.assert_allclose(out, np.full((3, 1), 6.0))
    assert set(seen) == {list}
    assert [tuple(t.shape) for t in model.inputs] == [(None, 2), (None, 2)]
