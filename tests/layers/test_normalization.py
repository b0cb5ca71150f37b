"""BatchNormalization and LayerNormalization: the training/inference switch, the update protocol, frozen layers,
masks, summary, Keras 1 spellings and errors. Keras 3's numbers: test_layers14_vs_keras.py / test_layers14_training.py."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers as L, legacy
from minikeras.layers import normalization


def built(layer, shape):
    layer.ensure_built((None,) + shape)
    return layer


def test_training_normalizes_by_the_batch_and_inference_by_the_moving_statistics():
    norm = built(L.BatchNormalization(epsilon=1e-6), (3,))
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(50, 3)).astype("float32")
    y = norm.call(norm.params, x, training=True)
    np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(0), 1.0, atol=1e-4)
    np.testing.assert_allclose(norm.call(norm.params, x, training=False), x / np.sqrt(1 + 1e-6), rtol=1e-6)


def test_call_with_updates_moves_the_statistics_by_momentum_only_in_training():
    norm = built(L.BatchNormalization(momentum=0.75), (2,))
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    _, updates = norm.call_with_updates(norm.params, x, training=True)
    np.testing.assert_allclose(updates["moving_mean"], 0.25 * np.array([2.0, 4.0]))
    np.testing.assert_allclose(updates["moving_variance"], 0.75 + 0.25 * np.array([1.0, 4.0]))  # biased variance
    assert norm.call_with_updates(norm.params, x, training=False)[1] == {}
    assert np.array_equal(norm.params["moving_mean"], [0.0, 0.0])  # pure: the layer itself is unchanged


def test_a_frozen_layer_runs_in_inference_mode_while_training():
    norm = built(L.BatchNormalization(trainable=False), (2,))
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    y, updates = norm.call_with_updates(norm.params, x, training=True)
    assert updates == {}
    np.testing.assert_allclose(y, norm.call(norm.params, x, training=False))


def test_the_moving_statistics_are_non_trainable_in_the_summary():
    model = minikeras.Sequential([minikeras.Input((4,)), L.Dense(3), L.BatchNormalization()])
    assert model.layers[1].non_trainable_weight_names() == {"moving_mean", "moving_variance"}
    assert [w.shape for w in model.layers[1].get_weights()] == [(3,)] * 4
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 2
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Trainable params: 21" in text and "Non-trainable params: 6" in text


def test_masked_positions_do_not_count_in_the_batch_statistics():
    norm = built(L.BatchNormalization(momentum=0.0), (3, 1))
    x = np.array([[[1.0], [3.0], [100.0]], [[5.0], [-50.0], [7.0]]], "float32")
    mask = np.array([[True, True, False], [True, False, True]])
    _, updates = norm.call_with_updates(norm.params, x, mask=mask, training=True)
    np.testing.assert_allclose(updates["moving_mean"], [4.0], rtol=1e-6)
    np.testing.assert_allclose(updates["moving_variance"], [5.0], rtol=1e-6)


def test_masks_pass_through_both_normalizations():
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), L.Embedding(5, 3, mask_zero=True),
                                  L.BatchNormalization(), L.LayerNormalization(), L.LSTM(2)])
    masks = {}
    model.apply(model.params, np.array([[1, 2, 0, 0]]), masks=masks)
    for layer in model.layers[1:3]:
        assert np.array_equal(masks[layer.name]["output_mask"], [[True, True, False, False]])


def test_layer_normalization_works_per_sample_the_same_in_training():
    norm = built(L.LayerNormalization(epsilon=1e-6), (5,))
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(4, 5)).astype("float32")
    y = norm.call(norm.params, x)
    np.testing.assert_allclose(y.mean(-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(-1), 1.0, atol=1e-4)
    np.testing.assert_array_equal(norm.call(norm.params, x, training=True), y)


def test_layer_normalization_config_axis_becomes_a_list_once_built_as_in_keras():
    norm = L.LayerNormalization()
    assert norm.get_config()["axis"] == -1
    assert built(norm, (3, 4)).get_config()["axis"] == [-1]
    assert built(L.LayerNormalization(axis=[2, 1]), (3, 4)).get_config()["axis"] == [1, 2]


def test_keras1_spellings_warn_once_and_map():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        norm = L.BatchNormalization(mode=0, axis=1, beta_init="ones", gamma_init="zeros")
    assert norm.axis == 1 and type(norm.beta_initializer).__name__ == "Ones"
    assert {"BatchNormalization(mode=0)", "BatchNormalization(beta_init=...)"} <= {
        str(w.message).split("'")[1] for w in caught}
    assert normalization.BatchNormalization is L.BatchNormalization


def test_a_keras2_config_with_a_one_element_axis_list_loads():
    assert L.BatchNormalization.from_config({"axis": [3], "momentum": 0.9}).axis == 3


@pytest.mark.parametrize("make,words", [
    (lambda: L.BatchNormalization(mode=2), "mode=2 is not supported"),
    (lambda: L.BatchNormalization(momentum=1.5), "momentum must be a number in"),
    (lambda: L.BatchNormalization(epsilon=0), "epsilon must be a finite number > 0"),
    (lambda: L.BatchNormalization(renorm=True), "renorm=True"),
    (lambda: L.LayerNormalization(epsilon=-1.0), "LayerNormalization: epsilon")])
def test_bad_arguments_are_clear_errors(make, words):
    with pytest.raises(ValueError, match=words):
        make()


@pytest.mark.parametrize("make", [lambda: L.BatchNormalization(axis="last"), lambda: L.LayerNormalization(axis=1.5)])
def test_an_axis_that_is_not_an_integer_is_a_type_error(make):
    with pytest.raises(TypeError, match="axis must be an integer"):
        make()


@pytest.mark.parametrize("make", [lambda: L.BatchNormalization(axis=3, name="bn"),
                                  lambda: L.LayerNormalization(axis=[1, 5], name="bn"),
                                  lambda: L.BatchNormalization(axis=0, name="bn")])
def test_an_axis_out_of_range_names_the_layer(make):
    with pytest.raises(ValueError, match=r"'bn' \((Batch|Layer)Normalization\): axis .* out of range"):
        make()(minikeras.Input((4, 3)))


def test_a_mask_of_the_wrong_shape_names_the_layer():
    norm = built(L.BatchNormalization(name="bn"), (3, 2))
    with pytest.raises(ValueError, match=r"'bn' \(BatchNormalization\): the mask must have the input's shape"):
        norm.call(norm.params, np.ones((2, 3, 2), "float32"), mask=np.ones((2, 2), bool), training=True)


def test_inputs_of_another_feature_size_are_refused_after_building():
    norm = built(L.BatchNormalization(name="bn"), (3,))
    with pytest.raises(ValueError, match=r"'bn' \(BatchNormalization\) was built for inputs of shape"):
        norm(np.ones((2, 4), "float32"))


def test_an_eager_call_in_training_moves_the_layers_own_statistics_as_in_keras():
    norm = L.BatchNormalization(momentum=0.0)
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    norm(x)                                    # inference: nothing moves
    assert np.array_equal(norm.get_weights()[2], [0.0, 0.0])
    norm(x, training=True)
    np.testing.assert_allclose(norm.get_weights()[2], [2.0, 4.0])
    np.testing.assert_allclose(norm.get_weights()[3], [1.0, 4.0])
    np.testing.assert_allclose(norm(x), norm(x, training=True), atol=1e-6)   # momentum 0: the statistics are the batch's


def test_a_mask_with_axes_of_size_one_broadcasts_as_in_keras():
    norm = L.BatchNormalization(momentum=0.0)
    x = np.ones((1, 2, 3, 4), "float32")
    y = norm(x, training=True, mask=np.ones((1, 2, 1), bool))
    np.testing.assert_allclose(y, 0.0, atol=1e-6)
    np.testing.assert_allclose(norm.get_weights()[2:], [np.ones(4), np.zeros(4)], atol=1e-6)


def test_layer_normalization_takes_another_rank_when_the_normalized_axes_keep_their_sizes():
    norm = built(L.LayerNormalization(name="ln"), (2, 3))
    assert norm(np.ones((4, 5, 2, 3), "float32")).shape == (4, 5, 2, 3)
    with pytest.raises(ValueError, match=r"'ln' \(LayerNormalization\) was built for axis -1 of sizes \(3,\)"):
        norm(np.ones((4, 2, 4), "float32"))


@pytest.mark.parametrize("make", [lambda: L.RMSNormalization(axis=[-2, -1], epsilon=0.1),
                                  lambda: L.UnitNormalization(axis=[1, 2])])
def test_rms_and_unit_normalization_gradients_equal_finite_differences(make):
    from autograd.test_util import check_grads
    layer = make()
    rng = np.random.default_rng(0)
    params = layer.build((None, 3, 4), rng)
    params = {name: rng.normal(size=value.shape) for name, value in params.items()}
    x = rng.normal(size=(2, 3, 4))
    check_grads(lambda x, params: layer.call(params, x), modes=["rev"], order=2)(x, params)


def test_rms_and_unit_normalization_round_trip_through_a_keras_file(tmp_path):
    model = minikeras.Sequential([minikeras.Input((5, 4)), L.RMSNormalization(), L.UnitNormalization()])
    model.set_weights([np.linspace(0.5, 2.0, 4).astype("float32")])
    path = str(tmp_path / "norms.keras")
    model.save(path)
    x = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
    np.testing.assert_array_equal(minikeras.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_allclose(np.linalg.norm(model.predict(x, verbose=0), axis=-1), 1.0, rtol=1e-5)
