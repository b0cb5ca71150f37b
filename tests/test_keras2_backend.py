"""Keras 2's backend functions (`from keras import backend as K`) with tf-keras 2 semantics, each warning once with
its Keras 3 spelling, and the custom losses and metrics written with them."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import backend as K
from minikeras import keras2_backend, layers, legacy
from minikeras.utils import set_random_seed

X = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], "float32")
Y = np.array([[2.0, 1.0, -1.0], [3.0, 0.0, 2.0]], "float32")
P = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]], "float32")
T = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
EPS = 1e-7

# (call, expected value computed with numpy by tf-keras 2's definition)
CASES = {
    "sum": (lambda: K.sum(X, axis=1), X.sum(1)),
    "sum_keepdims": (lambda: K.sum(X, axis=0, keepdims=True), X.sum(0, keepdims=True)),
    "mean": (lambda: K.mean(X, axis=-1), X.mean(-1)),
    "mean_bool": (lambda: K.mean(X > 0), np.float32(4 / 6)),
    "max": (lambda: K.max(X, axis=0), X.max(0)),
    "min": (lambda: K.min(X), X.min()),
    "prod": (lambda: K.prod(X, axis=1), X.prod(1)),
    "std": (lambda: K.std(X, axis=1), X.std(1)),
    "var": (lambda: K.var(X), X.var()),
    "any": (lambda: K.any(X > 3.5, axis=1), np.array([False, True])),
    "all": (lambda: K.all(X > -3, axis=1), np.array([True, True])),
    "argmax": (lambda: K.argmax(X), np.array([2, 1])),
    "argmin": (lambda: K.argmin(X), np.array([1, 2])),
    "cumsum": (lambda: K.cumsum(X), np.cumsum(X, axis=0)),
    "cumprod": (lambda: K.cumprod(X, axis=1), np.cumprod(X, axis=1)),
    "logsumexp": (lambda: K.logsumexp(X, axis=1), np.log(np.exp(X).sum(1))),
    "square": (lambda: K.square(X), X ** 2),
    "sqrt": (lambda: K.sqrt(X), np.sqrt(np.maximum(X, 0))),
    "abs": (lambda: K.abs(X), np.abs(X)),
    "exp": (lambda: K.exp(X), np.exp(X)),
    "log": (lambda: K.log(np.abs(X)), np.log(np.abs(X))),
    "pow": (lambda: K.pow(X, 2), X ** 2),
    "round": (lambda: K.round(np.array([0.5, 1.5, -1.2])), np.array([0.0, 2.0, -1.0])),
    "sign": (lambda: K.sign(X), np.sign(X)),
    "sin": (lambda: K.sin(X), np.sin(X)),
    "cos": (lambda: K.cos(X), np.cos(X)),
    "clip": (lambda: K.clip(X, -1.0, 2.0), np.clip(X, -1, 2)),
    "clip_max_below_min": (lambda: K.clip(X, 1.0, 0.0), np.full_like(X, 1.0)),
    "clip_none": (lambda: K.clip(X, None, 0.0), np.minimum(X, 0)),
    "maximum": (lambda: K.maximum(X, Y), np.maximum(X, Y)),
    "minimum": (lambda: K.minimum(X, Y), np.minimum(X, Y)),
    "equal": (lambda: K.equal(X, X), np.ones_like(X, bool)),
    "not_equal": (lambda: K.not_equal(X, Y), X != Y),
    "greater": (lambda: K.greater(X, Y), X > Y),
    "greater_equal": (lambda: K.greater_equal(X, Y), X >= Y),
    "less": (lambda: K.less(X, Y), X < Y),
    "less_equal": (lambda: K.less_equal(X, Y), X <= Y),
    "switch": (lambda: K.switch(X > 0, X, Y), np.where(X > 0, X, Y)),
    "switch_lower_rank": (lambda: K.switch(np.array([True, False]), X, Y), np.stack([X[0], Y[1]])),
    "switch_scalar": (lambda: K.switch(False, lambda: X, lambda: Y), Y),
    "dot": (lambda: K.dot(X, Y.T), X @ Y.T),
    "dot_3d": (lambda: K.dot(np.ones((2, 3, 4)), np.ones((4, 5))), np.full((2, 3, 5), 4.0)),
    "batch_dot": (lambda: K.batch_dot(X, Y, axes=1), (X * Y).sum(1, keepdims=True)),
    "batch_dot_3d": (lambda: K.batch_dot(np.ones((2, 4, 1)), np.ones((2, 5, 4)), axes=(1, 2)),
                     np.full((2, 1, 5), 4.0)),
    "concatenate": (lambda: K.concatenate([X, Y]), np.concatenate([X, Y], axis=-1)),
    "stack": (lambda: K.stack([X, Y]), np.stack([X, Y])),
    "reshape": (lambda: K.reshape(X, (3, 2)), X.reshape(3, 2)),
    "permute_dimensions": (lambda: K.permute_dimensions(X[None], (2, 0, 1)), X[None].transpose(2, 0, 1)),
    "transpose": (lambda: K.transpose(X), X.T),
    "expand_dims": (lambda: K.expand_dims(X), X[..., None]),
    "squeeze": (lambda: K.squeeze(X[:, None], 1), X),
    "flatten": (lambda: K.flatten(X), X.ravel()),
    "batch_flatten": (lambda: K.batch_flatten(np.ones((2, 3, 4))), np.ones((2, 12))),
    "repeat": (lambda: K.repeat(X, 2), np.stack([X, X], axis=1)),
    "repeat_elements": (lambda: K.repeat_elements(X, 2, axis=1), np.repeat(X, 2, axis=1)),
    "tile": (lambda: K.tile(X, (1, 2)), np.tile(X, (1, 2))),
    "reverse": (lambda: K.reverse(X, 1), X[:, ::-1]),
    "gather": (lambda: K.gather(X, [1, 1, 0]), X[[1, 1, 0]]),
    "one_hot": (lambda: K.one_hot(np.array([2, 0]), 3), np.eye(3)[[2, 0]]),
    "bias_add": (lambda: K.bias_add(X, np.array([1.0, 2.0, 3.0])), X + [1, 2, 3]),
    "arange": (lambda: K.arange(4), np.arange(4)),
    "int_shape": (lambda: K.int_shape(X), (2, 3)),
    "is_keras_tensor": (lambda: (K.is_keras_tensor(minikeras.Input((3,))), K.is_keras_tensor(X)), (True, False)),
    "shape": (lambda: K.shape(X), np.array([2, 3])),
    "ndim": (lambda: K.ndim(X), 2),
    "dtype": (lambda: K.dtype(X), "float32"),
    "count_params": (lambda: K.count_params(X), 6),
    "cast": (lambda: K.cast(X > 0, "float32"), (X > 0).astype("float32")),
    "stop_gradient": (lambda: K.stop_gradient(X), X),
    "constant": (lambda: K.constant(2.0, shape=(2, 2)), np.full((2, 2), 2.0)),
    "get_value": (lambda: K.get_value(K.variable(X)), X),
    "batch_get_value": (lambda: K.batch_get_value([K.variable(X)])[0], X),
    "eval": (lambda: K.eval(K.variable([1, 2])), np.array([1.0, 2.0])),
    "zeros": (lambda: K.zeros((2, 3)), np.zeros((2, 3))),
    "ones": (lambda: K.ones((2, 3)), np.ones((2, 3))),
    "zeros_like": (lambda: K.zeros_like(X), np.zeros_like(X)),
    "ones_like": (lambda: K.ones_like(X), np.ones_like(X)),
    "eye": (lambda: K.eye(3), np.eye(3)),
    "identity": (lambda: K.identity(X), X),
    "softmax": (lambda: K.softmax(X), np.exp(X) / np.exp(X).sum(-1, keepdims=True)),
    "sigmoid": (lambda: K.sigmoid(X), 1 / (1 + np.exp(-X))),
    "hard_sigmoid": (lambda: K.hard_sigmoid(X), np.clip(0.2 * X + 0.5, 0, 1)),
    "tanh": (lambda: K.tanh(X), np.tanh(X)),
    "relu": (lambda: K.relu(X), np.maximum(X, 0)),
    "relu_options": (lambda: K.relu(X, alpha=0.1, max_value=2.0), np.where(X > 0, np.minimum(X, 2.0), 0.1 * X)),
    "relu_threshold": (lambda: K.relu(X, alpha=0.1, threshold=0.5), np.where(X > 0.5, X, 0.1 * (X - 0.5))),
    "elu": (lambda: K.elu(X, 0.5), np.where(X > 0, X, 0.5 * (np.exp(X) - 1))),
    "softplus": (lambda: K.softplus(X), np.log1p(np.exp(X))),
    "softsign": (lambda: K.softsign(X), X / (1 + np.abs(X))),
    "categorical_crossentropy": (lambda: K.categorical_crossentropy(T, P), -np.log(np.array([0.7, 0.6]))),
    "categorical_crossentropy_logits": (lambda: K.categorical_crossentropy(T, X, from_logits=True),
                                        -(T * (X - np.log(np.exp(X).sum(-1, keepdims=True)))).sum(-1)),
    "sparse_categorical_crossentropy": (lambda: K.sparse_categorical_crossentropy(np.array([1, 0]), P),
                                        -np.log(np.array([0.7, 0.6]))),
    "binary_crossentropy": (lambda: K.binary_crossentropy(T, P),
                            -(T * np.log(P + 0) + (1 - T) * np.log(1 - P))),
    "l2_normalize": (lambda: K.l2_normalize(X, axis=1), X / np.sqrt((X ** 2).sum(1, keepdims=True))),
    "learning_phase": (lambda: K.learning_phase(), 0),
    "in_train_phase": (lambda: K.in_train_phase(X, Y, training=True), X),
    "in_test_phase": (lambda: K.in_test_phase(X, Y, training=True), Y),
    "image_dim_ordering": (lambda: K.image_dim_ordering(), "tf"),
    "print_tensor": (lambda: K.print_tensor(X, "x ="), X),
}


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(legacy, "_warned", set())


@pytest.mark.parametrize("case", sorted(CASES))
def test_k_function_follows_keras2(case):
    call, expected = CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = call()
    if isinstance(expected, (str, tuple, int)):
        assert result == expected
    else:
        np.testing.assert_allclose(np.asarray(result, dtype=float), np.asarray(expected, dtype=float),
                                   rtol=1e-5, atol=1e-6)


def test_every_k_function_is_tested():
    tested = {name for name in keras2_backend.__all__ if any(c == name or c.startswith(name + "_") for c in CASES)}
    untested = set(keras2_backend.__all__) - tested - {
        "gradients", "function", "placeholder", "get_session", "set_session", "set_value", "batch_set_value",
        "variable", "random_uniform", "random_normal", "set_learning_phase", "set_image_dim_ordering"}
    assert untested == set()


def test_each_k_function_warns_once_with_its_keras3_spelling():
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"'keras\.backend\.square' is the Keras 1/2 spelling.*"
                                                            r"In Keras 3 write 'keras\.ops\.square'"):
        K.square(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        K.square(X)  # the second call is silent


def test_set_value_changes_a_variable_in_place_and_refuses_a_plain_number():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = K.variable(np.zeros((2, 2)))
        assert v.dtype == np.float32
        K.set_value(v, np.ones((2, 2)))
        np.testing.assert_array_equal(K.get_value(v), np.ones((2, 2)))
        K.batch_set_value([(v, np.full((2, 2), 3.0))])
        np.testing.assert_array_equal(v, np.full((2, 2), 3.0))
        with pytest.raises(ValueError, match=r"K\.set_value: the value's shape \(3,\) does not match the "
                                             r"variable's \(2, 2\)"):
            K.set_value(v, np.ones(3))
        np.testing.assert_array_equal(v, np.full((2, 2), 3.0))
        with pytest.raises(TypeError, match=r"K\.set_value: expected a variable.*got float 0\.001.*"
                                            r"model\.optimizer\.learning_rate = value"):
            K.set_value(0.001, 0.01)


def test_random_functions_draw_from_the_seeded_source():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        set_random_seed(5)
        first = K.random_normal((3, 2), mean=1.0, stddev=0.5)
        set_random_seed(5)
        again = K.random_normal((3, 2), mean=1.0, stddev=0.5)
        uniform = K.random_uniform((1000,), minval=2.0, maxval=3.0)
    np.testing.assert_array_equal(first, again)
    assert first.shape == (3, 2) and first.dtype == np.float32
    assert 2.0 <= uniform.min() and uniform.max() < 3.0


def test_keras1_image_dim_ordering_setter_maps_to_data_format():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            K.set_image_dim_ordering("th")
            assert K.image_data_format() == "channels_first" and K.image_dim_ordering() == "th"
            with pytest.raises(ValueError, match=r"K\.set_image_dim_ordering: expected 'tf' or 'th', got 'x'"):
                K.set_image_dim_ordering("x")
        finally:
            K.set_image_data_format("channels_last")


@pytest.mark.parametrize("name", ["gradients", "function", "placeholder", "get_session"])
def test_graph_mode_functions_say_they_are_not_available(name):
    with pytest.raises(TypeError, match=rf"K\.{name} is not available in minikeras"):
        getattr(K, name)(None)


def test_batch_dot_refuses_mismatched_axes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"K\.batch_dot: x's axis 1 \(3\) and y's axis 1 \(4\) must have"):
            K.batch_dot(np.ones((2, 3)), np.ones((2, 4)))


# ---- Keras 2 custom losses and metrics in compile / fit ----------------------------------------------------------
def _regression_model():
    set_random_seed(3)
    model = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(3, activation="tanh"), layers.Dense(2)])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 2)).astype("float32")


def keras2_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1)


def keras2_mae(y_true, y_pred):
    return K.mean(K.abs(y_pred - y_true), axis=-1)


def rmse(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def test_keras2_custom_loss_and_metric_train_like_the_builtins():
    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        custom = _regression_model()
        custom.compile(optimizer="sgd", loss=keras2_mse, metrics=[keras2_mae])
        custom_history = custom.fit(x, y, batch_size=8, epochs=3, verbose=0).history
    builtin = _regression_model()
    builtin.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    builtin_history = builtin.fit(x, y, batch_size=8, epochs=3, verbose=0).history
    np.testing.assert_allclose(custom_history["loss"], builtin_history["loss"], rtol=1e-6)
    np.testing.assert_allclose(custom_history["keras2_mae"], builtin_history["mae"], rtol=1e-6)
    for ours, theirs in zip(custom.get_weights(), builtin.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_keras2_rmse_loss_trains_and_evaluates_to_its_definition():
    x, y = _data()
    model = _regression_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.compile(optimizer="adam", loss=rmse)
        history = model.fit(x, y, batch_size=8, epochs=5, verbose=0).history
        loss = model.evaluate(x, y, batch_size=32, verbose=0)
    assert history["loss"][-1] < history["loss"][0]
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(loss, np.mean(np.sqrt(np.mean((predictions - y) ** 2, axis=-1))), rtol=1e-5)


SYMBOLIC = {
    "sum": lambda t: K.sum(t, axis=1),
    "batch_dot": lambda t: K.batch_dot(t, t, axes=(2, 2)),
    "batch_flatten": K.batch_flatten,
    "switch": lambda t: K.switch(K.greater(t, 0), t, K.square(t)),
    "l2_normalize": lambda t: K.l2_normalize(t, axis=-1),
    "relu": lambda t: K.relu(t, alpha=0.1, max_value=0.5),
    "repeat": lambda t: K.repeat(K.mean(t, axis=1), 2),
    "bias_add": lambda t: K.bias_add(t, np.array([1.0, 2.0, 3.0], "float32")),
    "hard_sigmoid": K.hard_sigmoid,
    "concatenate": lambda t: K.concatenate([t, K.exp(t)]),
}


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_k_functions_on_symbolic_inputs_build_a_model_that_computes_them(name):
    data = np.random.default_rng(2).normal(size=(2, 4, 3)).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = minikeras.Input((4, 3))
        model = minikeras.Model(inputs, SYMBOLIC[name](inputs))
        eager = SYMBOLIC[name](data)
    np.testing.assert_allclose(model.predict(data, verbose=0), eager, rtol=1e-5, atol=1e-6)
