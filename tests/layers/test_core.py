"""Core layers: Dense on any rank (numbers and float64 gradients), Activation, Dropout, Flatten, Reshape,
RepeatVector, Permute, Lambda: output shapes, numbers, and their configuration errors."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

import minikeras
from minikeras import layers


def built(layer, input_shape):
    return layer, layer.build((None,) + tuple(input_shape), np.random.default_rng(0))


# ---- Dense ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2, 4, 3), (2, 3, 4, 3)])
def test_dense_applies_one_kernel_on_the_last_axis(shape):
    dense, params = built(layers.Dense(5, activation="tanh"), shape[1:])
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    expected = np.tanh(x @ params["kernel"] + params["bias"])
    np.testing.assert_allclose(dense.call(params, x), expected, rtol=1e-6)
    assert dense.compute_output_shape((None,) + shape[1:]) == (None,) + shape[1:-1] + (5,)


@pytest.mark.parametrize("shape", [(3, 2), (2, 3, 2), (2, 2, 3, 2)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_gradients_agree_with_finite_differences(float64, shape, use_bias):
    dense, params = built(layers.Dense(3, activation="sigmoid", use_bias=use_bias), shape[1:])
    x = np.random.default_rng(2).normal(size=shape)

    def loss(kernel, bias, x):
        p = {"kernel": kernel, "bias": bias} if use_bias else {"kernel": kernel}
        return anp.sum(dense.call(p, x) ** 2)
    bias = params.get("bias", np.zeros(3))
    check_grads(loss, modes=["rev"], order=1)(params["kernel"], bias, x)


def test_dense_weight_shapes_and_names():
    dense, params = built(layers.Dense(4, use_bias=True), (2, 7))
    assert {k: v.shape for k, v in params.items()} == {"kernel": (7, 4), "bias": (4,)}
    _, params = built(layers.Dense(4, use_bias=False), (7,))
    assert list(params) == ["kernel"]


@pytest.mark.parametrize("units", [0, -3, 2.5, "4", None, True])
def test_dense_units_must_be_a_positive_integer(units):
    with pytest.raises(ValueError, match=f"Dense: units must be a positive integer, got {units!r}"):
        layers.Dense(units)


def test_dense_on_rank_1_input_names_the_layer_and_shape():
    with pytest.raises(ValueError, match=r"'flat_dense' \(Dense\) expects inputs of rank >= 2.*\(None,\)"):
        layers.Dense(2, name="flat_dense")(minikeras.Input(()))


def test_dense_unknown_last_axis_is_refused():
    with pytest.raises(ValueError, match=r"'open_dense' \(Dense\) needs a known last axis.*\(None, 3, None\)"):
        layers.Dense(2, name="open_dense")(minikeras.Input((3, None)))


# ---- Activation -------------------------------------------------------------------------------------------
def test_activation_layer_and_unknown_name():
    x = np.array([[-1.0, 0.0, 2.0]], dtype="float32")
    np.testing.assert_allclose(layers.Activation("relu")(x), [[0.0, 0.0, 2.0]])
    with pytest.raises(ValueError, match=r"Unknown activation 'rleu'.*'relu'"):
        layers.Activation("rleu")


# ---- Dropout -------------------------------------------------------------------------------------------------
def test_dropout_is_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(50, 20)).astype("float32")
    np.testing.assert_array_equal(layers.Dropout(0.5).call({}, x, training=False), x)


def test_dropout_zeroes_a_fraction_and_scales_the_rest_while_training():
    x = np.ones((200, 100), dtype="float32")
    y = layers.Dropout(0.25).call({}, x, training=True, rng=np.random.default_rng(0))
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1.0 / 0.75, rtol=1e-6)
    assert abs(1.0 - kept.mean() - 0.25) < 0.01
    assert abs(y.mean() - 1.0) < 0.02, "inverted scaling keeps the expected value"


def test_dropout_noise_shape_shares_the_mask_along_unit_axes():
    x = np.ones((4, 6, 3), dtype="float32")
    y = layers.Dropout(0.5, noise_shape=(None, 1, 3)).call({}, x, training=True, rng=np.random.default_rng(1))
    assert np.all(y == y[:, :1, :])


def test_dropout_in_fit_only():
    model = minikeras.Sequential([minikeras.Input((10,)), layers.Dropout(0.9)])
    x = np.ones((3, 10), dtype="float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert np.any(model(x, training=True) == 0)


@pytest.mark.parametrize("rate, error", [(1.0, ValueError), (-0.1, ValueError), (1.5, ValueError),
                                         ("0.5", TypeError), (None, TypeError)])
def test_dropout_rate_outside_0_1_is_refused(rate, error):
    with pytest.raises(error, match=f"Dropout: rate must be a number in \\[0, 1\\), got {rate!r}"):
        layers.Dropout(rate)


# ---- Flatten / Reshape / RepeatVector / Permute ------------------------------------------------------------
def shape_and_output(layer, x):
    model = minikeras.Sequential([minikeras.Input(x.shape[1:]), layer])
    return model.output_shape, model.predict(x, verbose=0)


def test_flatten():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    shape, y = shape_and_output(layers.Flatten(), x)
    assert shape == (None, 12)
    np.testing.assert_array_equal(y, x.reshape(2, 12))


def test_flatten_channels_first_moves_channels_last_first():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    _, y = shape_and_output(layers.Flatten(data_format="channels_first"), x)
    np.testing.assert_array_equal(y, np.moveaxis(x, 1, -1).reshape(2, 12))


def test_flatten_of_unknown_length_has_an_unknown_size_as_in_keras_3():
    assert tuple(layers.Flatten(name="flat")(minikeras.Input((None, 4))).shape)[1:] == (None,)


@pytest.mark.parametrize("target, expected", [((3, 4), (None, 3, 4)), ((-1, 2), (None, 6, 2)), ((2, -1, 3), (None, 2, 2, 3))])
def test_reshape(target, expected):
    x = np.arange(24, dtype="float32").reshape(2, 12)
    shape, y = shape_and_output(layers.Reshape(target), x)
    assert shape == expected
    np.testing.assert_array_equal(y, x.reshape((2,) + expected[1:]))


def test_reshape_errors_name_the_layer_and_both_sizes():
    with pytest.raises(ValueError, match=r"'rs' \(Reshape\) cannot reshape input shape \(None, 12\).*12 values.*"
                                         r"\(5, 2\).*10 values"):
        layers.Reshape((5, 2), name="rs")(minikeras.Input((12,)))
    with pytest.raises(ValueError, match="at most one axis of target_shape may be -1"):
        layers.Reshape((-1, -1))


def test_repeat_vector():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    shape, y = shape_and_output(layers.RepeatVector(4), x)
    assert shape == (None, 4, 3)
    np.testing.assert_array_equal(y, np.repeat(x[:, None], 4, axis=1))
    with pytest.raises(ValueError, match=r"'rv' \(RepeatVector\) expects 2-D input.*\(None, 2, 3\)"):
        layers.RepeatVector(2, name="rv")(minikeras.Input((2, 3)))
    with pytest.raises(ValueError, match="RepeatVector: n must be a positive integer, got 0"):
        layers.RepeatVector(0)


@pytest.mark.parametrize("dims", [(2, 1), (1, 2), (3, 1, 2)])
def test_permute(dims):
    x = np.arange(48, dtype="float32").reshape((2, 4, 6) if len(dims) == 2 else (2, 2, 3, 4))
    shape, y = shape_and_output(layers.Permute(dims), x)
    expected = np.transpose(x, (0,) + dims)
    assert shape == (None,) + expected.shape[1:]
    np.testing.assert_array_equal(y, expected)


def test_permute_errors():
    with pytest.raises(ValueError, match=r"Permute: dims must be a permutation of 1..2, got \(0, 1\)"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match=r"'pm' \(Permute\) with dims \(2, 1\) expects inputs of rank 3.*\(None, 4\)"):
        layers.Permute((2, 1), name="pm")(minikeras.Input((4,)))


# ---- Lambda -------------------------------------------------------------------------------------------------
def test_lambda_infers_its_output_shape_and_computes():
    x = np.arange(12, dtype="float32").reshape(2, 6)
    shape, y = shape_and_output(layers.Lambda(lambda t: anp.reshape(t, (-1, 3, 2)) * 2.0), x)
    assert shape == (None, 3, 2)
    np.testing.assert_array_equal(y, x.reshape(2, 3, 2) * 2.0)


def test_lambda_arguments_and_explicit_output_shape():
    layer = layers.Lambda(lambda t, power: t ** power, output_shape=(3,), arguments={"power": 3})
    shape, y = shape_and_output(layer, np.full((2, 3), 2.0, dtype="float32"))
    assert shape == (None, 3)
    np.testing.assert_array_equal(y, 8.0)


def test_lambda_gradients_flow(float64):
    x_in = minikeras.Input((3,))
    model = minikeras.Model(x_in, layers.Lambda(lambda t: anp.sin(t))(layers.Dense(2)(x_in)))
    x = np.random.default_rng(0).normal(size=(4, 3))
    check_grads(lambda p: anp.sum(model.apply(p, x)), modes=["rev"], order=1)(model.params)


def test_lambda_errors():
    with pytest.raises(TypeError, match="Lambda: function must be callable, got int"):
        layers.Lambda(3)
    with pytest.raises(ValueError, match=r"'broken' \(Lambda\): could not infer the output shape.*output_shape="):
        layers.Lambda(lambda t: t @ np.ones((5, 5)), name="broken")(minikeras.Input((3,)))
