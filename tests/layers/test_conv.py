"""Conv1D / Conv2D / Conv3D: Keras 3's numbers, gradients and configs (fixtures/conv), Keras 1 spellings, shapes,
errors."""
import glob
import json
import os
import time
import warnings

import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

import minikeras
from minikeras import layers, legacy
from minikeras.layers import (Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Dense, Flatten, Input,
                              MaxPooling2D, TimeDistributed)
from minikeras.layers.conv import Geometry, extract_windows, fold_windows
from minikeras.models import Sequential

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conv")
CONV_CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "conv*.npz")))
TOLERANCE = {"rtol": 2e-5, "atol": 2e-5}


# ---- against Keras 3 ---------------------------------------------------------------------------------------
def load_case(name):
    """The fixture's minikeras layer, built and given Keras's weights, plus the fixture's arrays."""
    with np.load(os.path.join(FIXTURES, name + ".npz")) as data:
        case = dict(data)
    layer = getattr(minikeras.layers, str(case["layer"]))(**json.loads(str(case["kwargs"])))
    layer.ensure_built((None,) + case["x"].shape[1:])
    weights = [case[f"w{i}"] for i in range(len(layer.get_weights()))]
    layer.set_weights(weights)
    return layer, case, weights


def comparable_config(config):
    """A config as JSON would store it, without the two keys that are not the layer's own choice."""
    config = json.loads(json.dumps(config))
    config.pop("name"), config.pop("dtype")
    return config


def test_the_fixtures_are_there():
    assert len(CONV_CASES) >= 15


@pytest.mark.parametrize("name", CONV_CASES)
def test_output_equals_keras(name):
    layer, case, _ = load_case(name)
    y = layer.call(layer.params, case["x"])
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, case["y"], **TOLERANCE)
    assert layer.compute_output_shape((None,) + case["x"].shape[1:]) == (None,) + case["y"].shape[1:]


@pytest.mark.parametrize("name", CONV_CASES)
def test_gradients_equal_jax(name):
    layer, case, weights = load_case(name)
    names = list(layer.params)

    def weighted_sum(x, ws):
        return np.sum(layer.call(dict(zip(names, ws)), x) * case["probe"])

    grad_x, grad_ws = grad(weighted_sum, argnum=(0, 1))(case["x"], weights)
    np.testing.assert_allclose(grad_x, case["grad_x"], rtol=1e-4, atol=1e-4)
    for i, g in enumerate(grad_ws):
        np.testing.assert_allclose(g, case[f"grad_w{i}"], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", CONV_CASES)
def test_config_equals_keras(name):
    layer, case, _ = load_case(name)
    assert comparable_config(layer.get_config()) == comparable_config(json.loads(str(case["config"])))


def test_weights_have_keras_names_shapes_and_default_layer_names():
    layer = Conv2D(5, (3, 2), name=None)
    layer.ensure_built((None, 8, 8, 3))
    assert {k: v.shape for k, v in layer.params.items()} == {"kernel": (3, 2, 3, 5), "bias": (5,)}
    assert layer.name.startswith("conv2d") and Conv1D(2, 2).name.startswith("conv1d")
    assert Convolution2D(2, 3, 3).name.startswith("conv2d")
    channels_first = Conv2D(4, 3, data_format="channels_first")
    channels_first.ensure_built((None, 3, 8, 8))
    assert channels_first.params["kernel"].shape == (3, 3, 3, 4)


# ---- gradients, float64 ------------------------------------------------------------------------------------
GRAD_CASES = [
    (Conv1D, dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2), (2, 7, 3)),
    (Conv1D, dict(filters=3, kernel_size=2, strides=2, padding="same", data_format="channels_first"), (2, 2, 5)),
    (Conv2D, dict(filters=2, kernel_size=(3, 2), strides=(2, 1), padding="same"), (2, 5, 4, 2)),
    (Conv2D, dict(filters=4, kernel_size=2, groups=2, dilation_rate=2, data_format="channels_first"), (1, 4, 5, 5)),
    (Conv3D, dict(filters=2, kernel_size=(2, 3, 2), strides=(1, 2, 1), padding="same"), (2, 3, 5, 4, 2)),
    (layers.Conv1DTranspose, dict(filters=2, kernel_size=4, strides=2, padding="same"), (2, 5, 3)),
    (layers.Conv2DTranspose, dict(filters=2, kernel_size=(2, 3), strides=(2, 1), data_format="channels_first"),
     (1, 2, 3, 4)),
]


@pytest.mark.parametrize("layer_class, kwargs, shape", GRAD_CASES)
def test_check_grads_float64(layer_class, kwargs, shape):
    rng = np.random.default_rng(1)
    layer = layer_class(**kwargs)
    params = layer.build((None,) + shape[1:], rng)
    kernel, bias = params["kernel"].astype("float64"), rng.normal(size=params["bias"].shape)
    x = rng.normal(size=shape)

    def forward(x, kernel, bias):
        return layer.call({"kernel": kernel, "bias": bias}, x)

    check_grads(forward, modes=["fwd", "rev"], order=2)(x, kernel, bias)


def test_extract_and_fold_windows_are_adjoint():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 6, 5, 3))
    geometry = Geometry((3, 2), (2, 1), (1, 2), ((1, 1), (1, 0)), (3, 3))
    windows = extract_windows(x, geometry, 0.0)
    assert windows.shape == (2, 3, 3, 6, 3)
    w = rng.normal(size=windows.shape)
    np.testing.assert_allclose(np.sum(windows * w), np.sum(x * fold_windows(w, x.shape, geometry)))


# ---- Keras 1 spellings -------------------------------------------------------------------------------------
def test_convolution2d_reads_keras1_positionals_and_conv2d_keeps_keras3_order():
    old = Convolution2D(64, 3, 3)
    assert (old.filters, old.kernel_size, old.strides) == (64, (3, 3), (1, 1))
    new = Conv2D(64, 3, 3)
    assert (new.filters, new.kernel_size, new.strides) == (64, (3, 3), (3, 3))
    keras2 = Convolution2D(8, (3, 3), 2)
    assert (keras2.kernel_size, keras2.strides) == ((3, 3), (2, 2))
    assert Convolution2D(8, 2, 3, "he_normal", "relu").get_config()["activation"] == "relu"


def test_keras1_conv2d_keywords():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", legacy.LegacyArgumentWarning)
        layer = Convolution2D(nb_filter=8, nb_row=3, nb_col=2, border_mode="same", subsample=(2, 2),
                              dim_ordering="th", init="he_normal", W_regularizer=minikeras.regularizers.l2(0.1),
                              bias=False, activation="relu")
    config = layer.get_config()
    assert (config["filters"], config["kernel_size"], config["padding"], config["strides"]) == (8, (3, 2), "same",
                                                                                              (2, 2))
    assert config["data_format"] == "channels_first" and config["use_bias"] is False
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    assert config["kernel_regularizer"] is not None
    layer.ensure_built((None, 3, 9, 9))
    assert list(layer.params) == ["kernel"] and layer.losses


def test_keras1_conv1d_with_input_dim_and_input_length():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", legacy.LegacyArgumentWarning)
        model = Sequential([Convolution1D(nb_filter=4, filter_length=3, border_mode="same", subsample_length=2,
                                          input_dim=5, input_length=10),
                            Convolution1D(2, 3, "glorot_uniform", "relu")])
    assert model.layers[0].output_shape == (None, 5, 4)
    assert model.output_shape == (None, 3, 2)
    assert model.layers[1].get_config()["activation"] == "relu"


def test_each_keras1_spelling_warns_once():
    legacy._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Convolution2D(4, 3, 3, border_mode="same")
        Convolution2D(4, 3, 3, border_mode="same")
    legacy_warnings = [w for w in caught if issubclass(w.category, legacy.LegacyArgumentWarning)]
    assert len(legacy_warnings) == 2  # the positional nb_row/nb_col form, and border_mode
    assert any("border_mode" in str(w.message) for w in legacy_warnings)


# ---- shapes, models, TimeDistributed -----------------------------------------------------------------------
def test_compute_output_shape_with_unknown_dims():
    assert Conv2D(4, 3, strides=2, padding="same").compute_output_shape((None, None, 7, 3)) == (None, None, 4, 4)
    assert Conv2D(4, 3).compute_output_shape((None, 6, None, 3)) == (None, 4, None, 4)
    assert Conv1D(4, 3, padding="causal").compute_output_shape((None, None, 2)) == (None, None, 4)
    assert Conv2D(6, 3, data_format="channels_first").compute_output_shape((None, 3, 5, 9)) == (None, 6, 3, 7)


def test_time_distributed_conv2d_builds_the_spec_video_shape():
    model = Sequential()
    model.add(TimeDistributed(Conv2D(64, (3, 3)), input_shape=(10, 299, 299, 3)))
    assert model.output_shape == (None, 10, 297, 297, 64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", legacy.LegacyArgumentWarning)
        model = Sequential([TimeDistributed(Convolution2D(64, 3, 3), input_shape=(10, 299, 299, 3))])
    assert model.output_shape == (None, 10, 297, 297, 64)
    model = Sequential([TimeDistributed(Conv2D(64, (3, 3), data_format="channels_first"),
                                        input_shape=(10, 3, 299, 299))])
    assert model.output_shape == (None, 10, 64, 297, 297)


def test_time_distributed_conv2d_equals_the_conv_on_each_frame():
    conv = Conv2D(3, 3, padding="same", strides=2)
    video = Input((4, 7, 6, 2))
    model = minikeras.Model(video, TimeDistributed(conv)(video))
    frames = np.random.default_rng(3).normal(size=(2, 4, 7, 6, 2)).astype("float32")
    out = model.predict(frames, verbose=0)
    assert out.shape == (2, 4, 4, 3, 3)
    for t in range(4):
        np.testing.assert_allclose(out[:, t], conv(frames[:, t]), rtol=1e-6, atol=1e-6)


def test_a_small_conv_net_trains():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(32, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype("float32")[:, None]
    model = Sequential([Input((8, 8, 1)), Conv2D(4, 3, activation="relu", padding="same"), MaxPooling2D(),
                        Flatten(), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_forward_and_backward_are_fast_enough():
    rng = np.random.default_rng(5)
    layer = Conv2D(16, 3, padding="same")
    params = layer.build((None, 32, 32, 8), rng)
    x = rng.normal(size=(16, 32, 32, 8)).astype("float32")
    start = time.perf_counter()
    grad(lambda p: np.sum(layer.call(p, x) ** 2))(params)
    assert time.perf_counter() - start < 5.0  # about 0.1 s here: no Python loop over output pixels


# ---- errors ------------------------------------------------------------------------------------------------
def test_wrong_rank_names_layer_expected_rank_and_shape():
    with pytest.raises(ValueError, match=r"'my_conv' \(Conv2D\) expects input of rank 4.*\(None, 5, 3\)"):
        Sequential([Input((5, 3)), Conv2D(2, 3, name="my_conv")])
    with pytest.raises(ValueError, match=r"Conv1D.*rank 3"):
        Conv1D(2, 3).compute_output_shape((None, 5, 5, 3))


def test_unknown_padding_and_data_format_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"padding must be one of \['valid', 'same'\], got 'causal'"):
        Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match=r"\['valid', 'same', 'causal'\], got 'full'"):
        Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError, match=r"data_format must be one of \['channels_last', 'channels_first'\]"):
        Conv2D(2, 3, data_format="NHWC")
    assert Conv2D(2, 3, padding="SAME").padding == "same"


def test_kernel_bigger_than_input_with_valid_padding():
    with pytest.raises(ValueError, match=r"Conv2D.*does not fit in input shape \(None, 2, 5, 3\).*padding='valid'"):
        Sequential([Input((2, 5, 3)), Conv2D(2, 3)])
    assert Sequential([Input((2, 5, 3)), Conv2D(2, 3, padding="same")]).output_shape == (None, 2, 5, 2)


@pytest.mark.parametrize("filters", [0, -3, 2.5, None])
def test_non_positive_filters(filters):
    with pytest.raises(ValueError, match=r"Conv2D: filters must be a positive integer"):
        Conv2D(filters, 3)


def test_other_argument_errors():
    with pytest.raises(ValueError, match=r"kernel_size must be a positive integer or a tuple of 2"):
        Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match=r"strides"):
        Conv1D(2, 3, strides=0)
    with pytest.raises(ValueError, match=r"groups must be a positive integer that divides filters"):
        Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match=r"divisible by groups=2"):
        Sequential([Input((6, 6, 3)), Conv2D(4, 3, groups=2)])
    with pytest.raises(ValueError, match=r"Specifying `strides > 1` is not compatible with `dilation_rate > 1`"):
        Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(TypeError, match=r"kernel_size is required"):
        Conv2D(4)
    with pytest.raises(ValueError, match=r"built for 3 input channels"):
        layer = Conv2D(2, 3)
        layer(np.zeros((1, 5, 5, 3), "float32"))
        layer(np.zeros((1, 5, 5, 4), "float32"))


def test_config_round_trip():
    layer = Conv1D(3, 2, padding="causal", dilation_rate=2, activation="tanh", kernel_regularizer="l2")
    clone = Conv1D.from_config(layer.get_config())
    assert comparable_config(clone.get_config()) == comparable_config(layer.get_config())


def test_keras_io_timeseries_autoencoder_rebuilds_its_input_shape_and_trains(tmp_path):
    # keras.io "Timeseries anomaly detection using an Autoencoder": Conv1D down by 4, Conv1DTranspose back up
    model = minikeras.Sequential([
        minikeras.Input((16, 1)),
        layers.Conv1D(8, 7, padding="same", strides=2, activation="relu"), layers.Dropout(0.2),
        layers.Conv1D(4, 7, padding="same", strides=2, activation="relu"),
        layers.Conv1DTranspose(4, 7, padding="same", strides=2, activation="relu"), layers.Dropout(0.2),
        layers.Conv1DTranspose(8, 7, padding="same", strides=2, activation="relu"),
        layers.Conv1DTranspose(1, 7, padding="same")])
    assert model.output_shape == (None, 16, 1)
    x = np.sin(np.linspace(0, 12, 16 * 32)).reshape(32, 16, 1).astype("float32")
    model.compile(optimizer=minikeras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, x, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = str(tmp_path / "autoencoder.keras")
    model.save(path)
    np.testing.assert_allclose(minikeras.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-7)


def test_output_padding_is_refused_clearly():
    with pytest.raises(ValueError, match="Conv1DTranspose: output_padding is not supported"):
        layers.Conv1DTranspose(2, 3, strides=2, output_padding=1)
