"""ReLU, LeakyReLU, PReLU, ELU, Softmax, Identity: options, PReLU's weights, Softmax's mask, masks passing through,
Keras 1/2 spellings and errors. Keras 3's numbers: test_layers14_vs_keras.py."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import initializers, layers as L, legacy
from minikeras.layers import advanced_activations

X = np.array([[-2.0, -0.5, 0.0, 0.25, 1.0, 8.0]], "float32")


def test_relu_options_compose_as_in_keras():
    y = L.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5)(X)
    np.testing.assert_allclose(y, [[-0.25, -0.1, -0.05, -0.025, 1.0, 6.0]], rtol=1e-6)
    np.testing.assert_array_equal(L.ReLU()(X), np.maximum(X, 0))


def test_leaky_relu_defaults_to_keras_slope_and_takes_keras2_alpha():
    np.testing.assert_allclose(L.LeakyReLU()(X)[0, :2], [-0.6, -0.15], rtol=1e-6)
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = L.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1 and layer.get_config()["negative_slope"] == 0.1
    assert any("LeakyReLU(alpha=...)" in str(w.message) for w in caught)
    assert L.LeakyReLU.from_config({"alpha": 0.2, "name": "old"}).negative_slope == 0.2   # a Keras 2 config
    with pytest.raises(TypeError, match="name the same argument"):
        L.LeakyReLU(0.2, alpha=0.1)


def test_prelu_learns_one_slope_per_position_or_per_shared_axis():
    layer = L.PReLU(alpha_initializer=initializers.Constant(0.25))
    layer.ensure_built((None, 4, 3))
    assert list(layer.params) == ["alpha"] and layer.params["alpha"].shape == (4, 3)
    shared = L.PReLU(shared_axes=[1, 2])
    shared.ensure_built((None, 5, 6, 3))
    assert shared.params["alpha"].shape == (1, 1, 3)
    x = -np.ones((2, 4, 3), "float32")
    np.testing.assert_allclose(layer(x), -0.25 * np.ones((2, 4, 3)))


def test_prelu_takes_keras1_init():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert type(L.PReLU(init="ones").alpha_initializer).__name__ == "Ones"


def test_prelu_regularizer_joins_the_loss_and_the_constraint_applies():
    layer = L.PReLU(alpha_regularizer="l2", alpha_constraint="non_neg")
    layer.ensure_built((None, 2))
    params = {"alpha": np.array([-1.0, 2.0], "float32")}
    assert layer.regularization_loss(params) == pytest.approx(0.01 * 5.0)
    np.testing.assert_array_equal(layer.apply_constraints(params)["alpha"], [0.0, 2.0])


def test_softmax_gives_masked_positions_zero_probability():
    x = np.array([[[1.0, 2.0, 3.0, 4.0]], [[1.0, 1.0, 1.0, 1.0]]], "float32")
    mask = np.array([[[True, False, True, False]], [[False, False, False, False]]])
    y = L.Softmax()(x, mask=mask)
    expected = np.exp([1.0, 3.0]) / np.exp([1.0, 3.0]).sum()
    np.testing.assert_allclose(y[0, 0], [expected[0], 0.0, expected[1], 0.0], rtol=1e-6)
    np.testing.assert_array_equal(y[1], 0.0)   # a fully masked row: zeros, not a uniform distribution


def test_softmax_refuses_a_mask_that_does_not_broadcast_as_keras_does():
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), L.Embedding(10, 3, mask_zero=True),
                                  L.Softmax(name="probs")])
    with pytest.raises(ValueError, match=r"'probs' \(Softmax\): the mask must broadcast to the inputs"):
        model.predict(np.array([[1, 2, 0, 0]]), verbose=0)


@pytest.mark.parametrize("make", [L.ReLU, L.LeakyReLU, L.ELU, L.Identity, L.PReLU])
def test_masks_pass_through(make):
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), L.Embedding(5, 3, mask_zero=True), make()])
    masks = {}
    model.apply(model.params, np.array([[1, 2, 0, 0]]), masks=masks)
    assert np.array_equal(masks[model.layers[-1].name]["output_mask"], [[True, True, False, False]])


def test_identity_returns_its_input():
    x = np.arange(6.0, dtype="float32").reshape(2, 3)
    assert L.Identity()(x) is x


def test_keras2_path():
    assert advanced_activations.PReLU is L.PReLU and advanced_activations.LeakyReLU is L.LeakyReLU


@pytest.mark.parametrize("make,words", [
    (lambda: L.ReLU(max_value=-1.0), "ReLU: max_value must be a finite number >= 0 or None"),
    (lambda: L.ReLU(negative_slope=-0.1), "ReLU: negative_slope"), (lambda: L.ReLU(threshold=None), "threshold"),
    (lambda: L.LeakyReLU(-0.3), "LeakyReLU: negative_slope"), (lambda: L.ELU("one"), "ELU: alpha")])
def test_bad_options_are_clear_errors(make, words):
    with pytest.raises(ValueError, match=words):
        make()


@pytest.mark.parametrize("make,words", [(lambda: L.Softmax(axis="last"), "Softmax: axis"),
                                        (lambda: L.PReLU(shared_axes="1"), "PReLU: shared_axes")])
def test_bad_types_are_type_errors(make, words):
    with pytest.raises(TypeError, match=words):
        make()


def test_axes_out_of_range_name_the_layer():
    with pytest.raises(ValueError, match=r"'act' \(PReLU\): shared_axes \[3\]"):
        L.PReLU(shared_axes=3, name="act")(minikeras.Input((4, 2)))
    with pytest.raises(ValueError, match=r"'sm' \(Softmax\): axis 2 is out of range"):
        L.Softmax(axis=2, name="sm")(minikeras.Input((4,)))


def test_keras2_thresholded_relu_is_the_relu_with_a_threshold():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = advanced_activations.ThresholdedReLU(theta=0.5, name="thresholded")
    assert isinstance(layer, L.ReLU) and layer.name == "thresholded"
    np.testing.assert_array_equal(layer(X), np.where(X > 0.5, X, 0.0))
    assert any("ReLU(threshold=...)" in str(w.message) for w in caught)


def test_softmax_given_a_mask_tensor_in_a_functional_model_uses_it():
    scores, keep = minikeras.Input((4,)), minikeras.Input((4,), dtype="bool")
    model = minikeras.Model([scores, keep], L.Softmax()(scores, mask=keep))
    y = model.predict([np.zeros((1, 4), "float32"), np.array([[True, False, True, True]])], verbose=0)
    np.testing.assert_allclose(y, [[1 / 3, 0.0, 1 / 3, 1 / 3]], rtol=1e-6)


def test_leaky_relu_refuses_a_missing_slope_as_keras_does():
    with pytest.raises(ValueError, match="LeakyReLU: negative_slope"):
        L.LeakyReLU(negative_slope=None)


@pytest.mark.parametrize("make", [L.ReLU, L.LeakyReLU, L.ELU, L.Identity, L.Softmax])
def test_elementwise_layers_take_inputs_of_any_shape_after_the_first(make):
    layer = make()
    layer(np.ones((2, 2), "float32"))
    assert layer(np.ones((2, 3, 4), "float32")).shape == (2, 3, 4)
