"""ops inside models: a Lambda layer and a custom loss written with minikeras.ops train with fit, and autograd's
gradients through them equal finite differences (float64)."""
import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

import minikeras
from minikeras import layers, ops
from minikeras.utils import set_random_seed


def _data(dtype="float32"):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(24, 4)).astype(dtype)
    return x, (np.sin(x[:, :1]) + 0.1 * x[:, 1:2]).astype(dtype)


def _lambda_model():
    set_random_seed(4)
    return minikeras.Sequential([minikeras.Input((4,)), layers.Dense(3),
                                 layers.Lambda(lambda h: ops.tanh(h) * 2), layers.Dense(1)])


def ops_mse(y_true, y_pred):
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def ops_log_cosh(y_true, y_pred):
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - ops.log(2.0), axis=-1)


def test_lambda_with_ops_computes_its_function():
    model = _lambda_model()
    x, _ = _data()
    kernel, bias = model.layers[0].get_weights()
    hidden = 2 * np.tanh(x @ kernel + bias)
    out_kernel, out_bias = model.layers[2].get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), hidden @ out_kernel + out_bias, rtol=1e-5, atol=1e-6)


def test_lambda_with_ops_and_an_ops_loss_train_with_fit():
    x, y = _data()
    model = _lambda_model()
    model.compile(optimizer=minikeras.optimizers.Adam(0.01), loss=ops_log_cosh, metrics=[ops_mse])
    history = model.fit(x, y, batch_size=8, epochs=20, verbose=0).history
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert set(history) == {"loss", "ops_mse"}


def test_an_ops_loss_trains_exactly_like_the_builtin():
    x, y = _data()
    histories, weights = [], []
    for loss in (ops_mse, "mse"):
        model = _lambda_model()
        model.compile(optimizer="sgd", loss=loss)
        histories.append(model.fit(x, y, batch_size=8, epochs=3, verbose=0).history["loss"])
        weights.append(model.get_weights())
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-6)
    for ours, builtin in zip(*weights):
        np.testing.assert_allclose(ours, builtin, rtol=1e-6)


@pytest.mark.parametrize("loss", [ops_mse, ops_log_cosh])
def test_gradients_through_a_lambda_and_an_ops_loss_equal_finite_differences(float64, loss):
    x, y = _data("float64")
    model = _lambda_model()

    def total_loss(params):
        return ops.mean(loss(y, model.apply(params, x)))

    assert all(w.dtype == np.float64 for w in model.get_weights())
    gradient = grad(total_loss)(model.params)
    assert np.abs(gradient[model.layers[0].name]["kernel"]).sum() > 0, "the gradient must reach the first layer"
    check_grads(total_loss, modes=["rev"], order=1)(model.params)


def test_custom_gradient_is_used_by_autograd(float64):
    @ops.custom_gradient
    def clipped_identity(x):
        def gradient(upstream):
            return ops.clip(upstream, -0.5, 0.5)
        return x, gradient

    g = grad(lambda v: ops.sum(clipped_identity(v) * np.array([2.0, 0.1])))(np.array([1.0, 1.0]))
    np.testing.assert_allclose(g, [0.5, 0.1])
