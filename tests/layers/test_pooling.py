"""Pooling layers: Keras 3's numbers, gradients and configs (fixtures/conv), masks, Keras 1 spellings, shapes, errors."""
import glob
import json
import os
import warnings

import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

import minikeras
from minikeras import legacy
from minikeras.layers import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, Conv1D, Embedding,
                              GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                              Input, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D, TimeDistributed, convolutional,
                              pooling)
from minikeras.models import Sequential

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conv")
POOL_CASES = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(FIXTURES, "*pooling*.npz")))
TOLERANCE = {"rtol": 2e-5, "atol": 2e-5}


def load_case(name):
    with np.load(os.path.join(FIXTURES, name + ".npz")) as data:
        case = dict(data)
    layer = getattr(minikeras.layers, str(case["layer"]))(**json.loads(str(case["kwargs"])))
    layer.ensure_built((None,) + case["x"].shape[1:])
    return layer, case


def comparable_config(config):
    config = json.loads(json.dumps(config))
    config.pop("name"), config.pop("dtype")
    return config


def test_the_fixtures_are_there():
    assert len(POOL_CASES) >= 20 and any("mask" in name for name in POOL_CASES)


@pytest.mark.parametrize("name", POOL_CASES)
def test_output_equals_keras(name):
    layer, case = load_case(name)
    y = layer.call({}, case["x"], mask=case.get("mask"))
    np.testing.assert_allclose(y, case["y"], **TOLERANCE)
    assert layer.compute_output_shape((None,) + case["x"].shape[1:]) == (None,) + case["y"].shape[1:]


@pytest.mark.parametrize("name", POOL_CASES)
def test_gradients_equal_jax(name):
    layer, case = load_case(name)
    grad_x = grad(lambda x: np.sum(layer.call({}, x, mask=case.get("mask")) * case["probe"]))(case["x"])
    np.testing.assert_allclose(grad_x, case["grad_x"], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", POOL_CASES)
def test_config_equals_keras(name):
    layer, case = load_case(name)
    assert comparable_config(layer.get_config()) == comparable_config(json.loads(str(case["config"])))


def test_average_pooling_same_divides_by_the_real_elements_only():
    x = np.arange(1.0, 6.0).reshape(1, 5, 1)
    y = AveragePooling1D(2, padding="same")(x)  # windows [1 2] [3 4] [5 pad]
    np.testing.assert_allclose(y[0, :, 0], [1.5, 3.5, 5.0])
    y = MaxPooling1D(2, padding="same")(-x)     # the padding never wins a max, even over negative numbers
    np.testing.assert_allclose(y[0, :, 0], [-1.0, -3.0, -5.0])


# ---- gradients, float64 ------------------------------------------------------------------------------------
GRAD_CASES = [
    (MaxPooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 7, 2)),
    (AveragePooling1D, dict(pool_size=3, strides=2, padding="same", data_format="channels_first"), (2, 2, 7)),
    (MaxPooling2D, dict(pool_size=(2, 3), strides=(1, 2), padding="same"), (2, 5, 6, 2)),
    (AveragePooling2D, dict(pool_size=3, strides=2, padding="same"), (1, 5, 6, 2)),
    (AveragePooling2D, dict(pool_size=2), (1, 4, 5, 2)),
    (GlobalAveragePooling2D, dict(keepdims=True), (2, 3, 4, 2)),
    (GlobalMaxPooling2D, dict(data_format="channels_first"), (2, 2, 3, 4)),
    (GlobalMaxPooling1D, dict(), (2, 5, 3)),
]


@pytest.mark.parametrize("layer_class, kwargs, shape", GRAD_CASES)
def test_check_grads_float64(layer_class, kwargs, shape):
    layer = layer_class(**kwargs)
    x = np.random.default_rng(1).normal(size=shape)  # distinct values: max is differentiable there
    check_grads(lambda x: layer.call({}, x), modes=["fwd", "rev"], order=2)(x)


def test_check_grads_masked_global_average_pooling():
    layer = GlobalAveragePooling1D()
    x = np.random.default_rng(2).normal(size=(3, 5, 2))
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 0, 1, 1, 0]], dtype=bool)
    check_grads(lambda x: layer.call({}, x, mask=mask), modes=["fwd", "rev"], order=2)(x)
    gradient = grad(lambda x: np.sum(layer.call({}, x, mask=mask)))(x)
    assert np.all(gradient[~mask] == 0)


# ---- masks in models ---------------------------------------------------------------------------------------
def test_padding_does_not_change_masked_global_average():
    model = Sequential([Input((6,), dtype="int32"), Embedding(10, 3, mask_zero=True), GlobalAveragePooling1D()])
    short = np.array([[4, 2, 7, 0, 0, 0]])
    longer = np.array([[4, 2, 7, 0, 0, 0, 0, 0, 0]])
    short_out = model.predict(short, verbose=0)
    embedded = model.layers[0].get_weights()[0][[4, 2, 7]].mean(axis=0)
    np.testing.assert_allclose(short_out[0], embedded, rtol=1e-6)
    longer_model = Sequential([Input((9,), dtype="int32"), Embedding(10, 3, mask_zero=True), GlobalAveragePooling1D()])
    longer_model.set_weights(model.get_weights())
    np.testing.assert_allclose(longer_model.predict(longer, verbose=0), short_out, rtol=1e-6)


def test_a_mask_stops_at_conv_and_global_pooling():
    model = Sequential([Input((6,), dtype="int32"), Embedding(10, 3, mask_zero=True), Conv1D(4, 2),
                        GlobalMaxPooling1D()])
    assert model.predict(np.array([[1, 2, 3, 0, 0, 0]]), verbose=0).shape == (1, 4)
    # as in Keras 3, Conv1D does not pass the mask on: the average after it counts every step
    x = np.array([[1, 2, 3, 0, 0, 0]])
    model = Sequential([Input((6,), dtype="int32"), Embedding(10, 3, mask_zero=True), Conv1D(4, 2, padding="same"),
                        GlobalAveragePooling1D()])
    conv_out = minikeras.Model(model.inputs, model.layers[1].output).predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), conv_out.mean(axis=1), rtol=1e-6)
    assert GlobalAveragePooling1D().compute_mask(np.zeros((1, 3, 2)), np.ones((1, 3), bool)) is None


# ---- arguments, names, Keras 1 -----------------------------------------------------------------------------
def test_defaults_aliases_and_legacy_module_paths():
    assert MaxPool1D is MaxPooling1D and MaxPool2D is MaxPooling2D
    assert AvgPool1D is AveragePooling1D and AvgPool2D is AveragePooling2D
    assert convolutional.MaxPooling2D is pooling.MaxPooling2D is MaxPooling2D
    assert convolutional.Conv2D is minikeras.layers.Conv2D
    layer = MaxPooling2D((3, 2))
    assert (layer.pool_size, layer.strides, layer.padding, layer.data_format) == ((3, 2), (3, 2), "valid",
                                                                                   "channels_last")
    assert MaxPooling1D().pool_size == (2,) and AveragePooling2D().pool_size == (2, 2)
    assert MaxPooling2D().name.startswith("max_pooling2d")
    assert GlobalAveragePooling1D().name.startswith("global_average_pooling1d")


def test_keras1_pooling_arguments():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", legacy.LegacyArgumentWarning)
        layer = MaxPooling1D(pool_length=3, stride=1, border_mode="same")
        image = AveragePooling2D(pool_size=(2, 2), border_mode="valid", dim_ordering="th")
        global_th = GlobalMaxPooling2D(dim_ordering="th")
    assert (layer.pool_size, layer.strides, layer.padding) == ((3,), (1,), "same")
    assert image.data_format == "channels_first" and global_th.data_format == "channels_first"
    assert image.compute_output_shape((None, 3, 8, 6)) == (None, 3, 4, 3)


def test_compute_output_shape_with_unknown_dims_and_keepdims():
    assert MaxPooling2D(3, strides=2, padding="same").compute_output_shape((None, None, 7, 3)) == (None, None, 4, 3)
    assert AveragePooling1D(2).compute_output_shape((None, None, 3)) == (None, None, 3)
    assert GlobalMaxPooling1D().compute_output_shape((None, None, 3)) == (None, 3)
    assert GlobalAveragePooling2D(keepdims=True).compute_output_shape((4, 5, 6, 3)) == (4, 1, 1, 3)
    assert GlobalAveragePooling2D(keepdims=True, data_format="channels_first").compute_output_shape(
        (4, 3, 5, 6)) == (4, 3, 1, 1)


def test_time_distributed_pooling():
    model = Sequential([TimeDistributed(MaxPooling2D(), input_shape=(4, 6, 6, 2))])
    assert model.output_shape == (None, 4, 3, 3, 2)
    x = np.random.default_rng(3).normal(size=(2, 4, 6, 6, 2)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0)[:, 1], MaxPooling2D()(x[:, 1]))


# ---- errors ------------------------------------------------------------------------------------------------
def test_wrong_rank_names_layer_expected_rank_and_shape():
    with pytest.raises(ValueError, match=r"'pool' \(MaxPooling2D\) expects input of rank 4.*\(None, 6, 2\)"):
        Sequential([Input((6, 2)), MaxPooling2D(name="pool")])
    with pytest.raises(ValueError, match=r"GlobalAveragePooling1D.*rank 3"):
        Sequential([Input((6, 6, 2)), GlobalAveragePooling1D()])


def test_unknown_padding_and_data_format_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"MaxPooling1D: padding must be one of \['valid', 'same'\], got 'causal'"):
        MaxPooling1D(padding="causal")
    with pytest.raises(ValueError, match=r"data_format must be one of \['channels_last', 'channels_first'\]"):
        GlobalMaxPooling2D(data_format="nchw")
    with pytest.raises(ValueError, match=r"dim_ordering must be one of"):
        MaxPooling2D(dim_ordering="xy")


def test_pool_bigger_than_input_and_bad_sizes():
    with pytest.raises(ValueError, match=r"MaxPooling2D.*does not fit in input shape \(None, 1, 5, 2\)"):
        Sequential([Input((1, 5, 2)), MaxPooling2D()])
    with pytest.raises(ValueError, match=r"pool_size must be a positive integer"):
        AveragePooling2D(0)
    with pytest.raises(ValueError, match=r"strides must be a positive integer or a tuple of 1"):
        MaxPooling1D(2, strides=(1, 1))
