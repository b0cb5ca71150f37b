"""The noise layers' statistics (whole channels dropped and scaled, the asked deviation, only in training), masks,
ActivityRegularization's penalty, Keras 1 spellings and errors. Keras 3's numbers: test_layers14_vs_keras.py."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers as L, legacy
from minikeras.layers import noise


def draw(layer, x, seed=0):
    return layer.call({}, x, training=True, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("make", [lambda: L.SpatialDropout1D(0.4), lambda: L.SpatialDropout2D(0.4),
                                  lambda: L.SpatialDropout3D(0.4),
                                  lambda: L.GaussianNoise(0.3), lambda: L.GaussianDropout(0.3),
                                  lambda: L.AlphaDropout(0.3), lambda: L.ActivityRegularization(0.1, 0.1)])
def test_identity_at_inference(make):
    layer = make()
    shapes = {"SpatialDropout2D": (4, 5, 6, 3), "SpatialDropout3D": (4, 2, 5, 6, 3)}
    x = np.random.default_rng(0).normal(size=shapes.get(type(layer).__name__, (4, 5, 3)))
    x = x.astype("float32")
    assert layer(x) is x or np.array_equal(layer(x), x)
    assert np.array_equal(layer.call({}, x, training=False), x)


def test_spatial_dropout1d_drops_whole_channels_and_scales_the_rest():
    x = np.ones((200, 7, 10), "float32")
    y = draw(L.SpatialDropout1D(0.3), x)
    per_channel = y[:, 0, :]
    assert np.all(y == per_channel[:, None, :])                 # one draw per (sample, channel), at every step
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.7)}
    assert abs(np.mean(per_channel == 0) - 0.3) < 0.04           # 2000 draws: 0.3 +- 4 standard errors
    assert abs(np.mean(y) - 1.0) < 0.06                          # the scaling keeps the expected value


def test_spatial_dropout3d_drops_whole_feature_volumes():
    y = draw(L.SpatialDropout3D(0.5), np.ones((60, 2, 3, 4, 5), "float32"))
    assert np.all(y == y[:, :1, :1, :1, :]) and set(np.unique(y)) == {0.0, 2.0}
    assert abs(np.mean(y[:, 0, 0, 0, :] == 0) - 0.5) < 0.07


@pytest.mark.parametrize("make", [lambda: L.GaussianNoise(0.1), lambda: L.GaussianDropout(0.1),
                                  lambda: L.AlphaDropout(0.1), lambda: L.ActivityRegularization(0.1)])
def test_elementwise_noise_layers_take_inputs_of_any_shape(make):
    layer = make()
    layer(np.ones((2, 2), "float32"))
    assert layer(np.ones((2, 3, 4), "float32")).shape == (2, 3, 4)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_spatial_dropout2d_drops_whole_feature_maps(data_format):
    shape = (100, 4, 5, 8) if data_format == "channels_last" else (100, 8, 4, 5)
    y = draw(L.SpatialDropout2D(0.5, data_format=data_format), np.ones(shape, "float32"))
    maps = np.moveaxis(y, 3, 1) if data_format == "channels_last" else y
    assert np.all(maps == maps[:, :, :1, :1])
    assert abs(np.mean(maps[:, :, 0, 0] == 0) - 0.5) < 0.05
    assert set(np.unique(y)) == {0.0, 2.0}


def test_gaussian_noise_has_the_asked_deviation_only_in_training():
    x = np.full((400, 50), 3.0, "float32")
    noise_values = draw(L.GaussianNoise(0.25), x) - x
    assert abs(np.mean(noise_values)) < 0.005 and abs(np.std(noise_values) - 0.25) < 0.005
    assert draw(L.GaussianNoise(0.25), x).dtype == np.float32
    assert np.array_equal(L.GaussianNoise(0.25).call({}, x, training=False), x)


def test_gaussian_dropout_multiplies_by_noise_of_mean_1_and_the_dropout_deviation():
    factors = draw(L.GaussianDropout(0.2), np.ones((400, 50), "float32"))
    assert abs(np.mean(factors) - 1.0) < 0.01
    assert abs(np.std(factors) - np.sqrt(0.2 / 0.8)) < 0.01


def test_alpha_dropout_keeps_mean_and_variance_of_standard_inputs():
    x = np.random.default_rng(1).normal(size=(500, 80)).astype("float32")
    y = draw(L.AlphaDropout(0.2), x)
    assert abs(np.mean(y)) < 0.02 and abs(np.std(y) - 1.0) < 0.02
    saturation = -1.6732632423543772 * 1.0507009873554805   # SELU's value at minus infinity
    scale = (0.8 * (1 + 0.2 * saturation ** 2)) ** -0.5
    dropped = np.isclose(y, scale * saturation * 0.8, atol=1e-6)   # scale * saturation + (-scale * saturation * 0.2)
    assert abs(np.mean(dropped) - 0.2) < 0.01
    np.testing.assert_allclose(y[~dropped], scale * x[~dropped] - scale * saturation * 0.2, rtol=1e-5, atol=1e-6)


def test_a_noise_layer_in_fit_is_random_and_in_predict_is_not():
    model = minikeras.Sequential([minikeras.Input((6,)), L.GaussianNoise(1.0)])
    x = np.zeros((3, 6), "float32")
    assert np.array_equal(model.predict(x, verbose=0), x)
    assert not np.array_equal(model(x, training=True), x)


def test_masks_pass_through():
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), L.Embedding(5, 3, mask_zero=True),
                                  L.SpatialDropout1D(0.5), L.GaussianNoise(0.1), L.GaussianDropout(0.1),
                                  L.AlphaDropout(0.1), L.ActivityRegularization(0.01)])
    masks = {}
    model.apply(model.params, np.array([[1, 2, 0, 0]]), masks=masks)
    assert all(np.array_equal(m["output_mask"], [[True, True, False, False]]) for m in masks.values())


def _penalized_model():
    model = minikeras.Sequential([minikeras.Input((3,)), L.ActivityRegularization(l1=0.1, l2=0.5)])
    model.compile(optimizer=minikeras.optimizers.SGD(0.0), loss="mse")
    x = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0]], "float32")
    return model, x, (0.1 * np.abs(x).sum() + 0.5 * np.square(x).sum()) / 2   # 2.0875, as Keras 3 reports


def test_activity_regularization_adds_its_penalty_divided_by_the_batch_size():
    model, x, penalty = _penalized_model()
    assert model.fit(x, x, verbose=0, batch_size=2).history["loss"][0] == pytest.approx(penalty, rel=1e-6)


def test_evaluate_adds_the_activity_penalty_as_keras_does():
    model, x, penalty = _penalized_model()
    assert model.evaluate(x, x, verbose=0) == pytest.approx(penalty, rel=1e-6)


def test_keras1_spellings_warn_once_and_map():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert L.GaussianNoise(sigma=0.2).stddev == 0.2
        assert L.GaussianDropout(p=0.3).rate == 0.3
        assert L.SpatialDropout1D(p=0.25).rate == 0.25
        assert L.SpatialDropout2D(0.1, dim_ordering="th").data_format == "channels_first"
    assert sum("sigma" in str(w.message) for w in caught) == 1
    assert noise.GaussianNoise is L.GaussianNoise and noise.AlphaDropout is L.AlphaDropout


@pytest.mark.parametrize("make,words", [
    (lambda: L.SpatialDropout1D(1.0), "SpatialDropout1D: rate"), (lambda: L.SpatialDropout2D(-0.1), "rate"),
    (lambda: L.GaussianDropout("0.5"), "GaussianDropout: rate"), (lambda: L.AlphaDropout(1), "AlphaDropout"),
    (lambda: L.GaussianNoise(-1.0), "GaussianNoise: stddev"), (lambda: L.GaussianNoise(float("nan")), "stddev"),
    (lambda: L.ActivityRegularization(l1=-1), "ActivityRegularization"),
    (lambda: L.SpatialDropout2D(0.1, data_format="nchw"), "data_format"),
    (lambda: L.SpatialDropout1D(0.1, noise_shape=(1, 1, 3)), "noise_shape")])
def test_bad_arguments_are_clear_errors(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_spatial_dropout1d_has_no_data_format_as_in_keras():
    with pytest.raises(TypeError, match="SpatialDropout1D: unexpected keyword argument 'data_format'"):
        L.SpatialDropout1D(0.1, data_format="channels_first")


def test_a_spatial_dropout_of_the_wrong_rank_names_the_layer():
    with pytest.raises(ValueError, match=r"'drop' \(SpatialDropout2D\) expects input of rank 4"):
        L.SpatialDropout2D(0.1, name="drop")(minikeras.Input((5, 3)))
