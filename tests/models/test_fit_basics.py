"""Training a model end to end: XOR and a regression learn, seeded runs repeat bit for bit, regularizers join
the loss, constraints hold after every update, a non-finite loss stops training with the weights kept clean."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import constraints, layers, optimizers, regularizers
from minikeras.utils import set_random_seed

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
XOR_Y = np.array([[0], [1], [1], [0]], dtype="float32")


def test_xor_learns():
    set_random_seed(0)
    model = minikeras.Sequential([minikeras.Input((2,)), layers.Dense(8, activation="tanh"),
                                  layers.Dense(1, activation="sigmoid")])
    model.compile(optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(XOR_X, XOR_Y, epochs=300, batch_size=4, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert model.evaluate(XOR_X, XOR_Y, verbose=0)[1] == 1.0
    np.testing.assert_array_equal(model.predict(XOR_X, verbose=0) > 0.5, XOR_Y > 0.5)


def test_a_small_regression_learns():
    set_random_seed(1)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(256, 3)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype("float32")
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(1)])
    model.compile(optimizers.SGD(0.1), "mse")
    model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel[:, 0], [1.5, -2.0, 0.5], atol=1e-2)
    np.testing.assert_allclose(bias, [0.3], atol=1e-2)


def seeded_fit():
    set_random_seed(42)
    model = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3),
                                  layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.random.rand(50, 4).astype("float32")  # drawn after the seed, as tutorials do
    history = model.fit(x, x.sum(1), epochs=3, batch_size=8, shuffle=True, verbose=0)
    return model.get_weights(), history.history["loss"]


def test_seeded_runs_with_shuffle_and_dropout_are_bit_identical():
    (w1, l1), (w2, l2) = seeded_fit(), seeded_fit()
    assert l1 == l2
    for a, b in zip(w1, w2):
        assert a.tobytes() == b.tobytes()


def test_different_seeds_differ():
    w1, _ = seeded_fit()
    set_random_seed(7)
    model = minikeras.Sequential([minikeras.Input((4,)), layers.Dense(16, activation="relu")])
    assert not np.array_equal(model.get_weights()[0], w1[0])


def test_regularizers_appear_in_losses_and_change_the_loss():
    x, y = np.ones((4, 3), dtype="float32"), np.zeros((4, 1), dtype="float32")
    plain = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(1, kernel_initializer="ones")])
    penalised = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(
        1, kernel_initializer="ones", kernel_regularizer=regularizers.L2(0.1), bias_regularizer=regularizers.L1(0.5),
        bias_initializer="ones")])
    assert plain.losses == []
    assert np.isclose(sum(penalised.losses), 0.1 * 3 + 0.5 * 1)
    for model in (plain, penalised):
        model.compile("sgd", "mse")
    data_loss = penalised.evaluate(x, y, verbose=0) - sum(penalised.losses)
    assert np.isclose(data_loss, 16.0) and np.isclose(plain.evaluate(x, y, verbose=0), 9.0)


def test_regularizer_pulls_weights_toward_zero():
    def trained(regularizer):
        set_random_seed(3)
        model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(1, kernel_regularizer=regularizer)])
        model.compile(optimizers.SGD(0.05), "mse")
        x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
        model.fit(x, x @ np.array([[2.0], [-2.0], [1.0]], dtype="float32"), epochs=30, verbose=0)
        return np.abs(model.get_weights()[0]).sum()
    assert trained(regularizers.L2(0.5)) < 0.8 * trained(None)


def test_constraints_hold_after_every_update():
    seen = []
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(4, kernel_constraint=constraints.NonNeg(),
                                                                      name="positive"), layers.Dense(1)])
    model.compile(optimizers.SGD(0.01), "mse")
    check = minikeras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(model.get_layer("positive").get_weights()[0].min()))
    assert model.get_layer("positive").get_weights()[0].min() < 0, "the constraint has work to do"
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    model.fit(x, -np.abs(x.sum(1, keepdims=True)), epochs=3, batch_size=4, verbose=0, callbacks=[check])
    assert len(seen) == 24 and min(seen) >= 0.0


def test_max_norm_constraint_after_fit():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(4, kernel_constraint=constraints.MaxNorm(0.5))])
    model.compile(optimizers.SGD(1.0), "mse")
    model.fit(np.ones((8, 3)), np.full((8, 4), 50.0), epochs=2, verbose=0)
    assert np.all(np.linalg.norm(model.get_weights()[0], axis=0) <= 0.5 + 1e-5)


def blowing_up_model(learning_rate):
    set_random_seed(0)
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(8, activation="tanh"), layers.Dense(1)],
                                 name="exploding")
    model.compile(optimizers.SGD(learning_rate), "mse")
    x = (np.random.default_rng(0).random((64, 3)) * 10).astype("float32")
    return model, x, (x.sum(1, keepdims=True) * 100).astype("float32")


def test_non_finite_loss_stops_training_naming_epoch_and_batch():
    model, x, y = blowing_up_model(1e6)
    with pytest.warns(RuntimeWarning, match=r"Model 'exploding': the loss became (nan|inf) at epoch 1, batch \d+\. "
                                            r"Training stopped"):
        model.fit(x, y, batch_size=8, epochs=5, verbose=0)
    assert model.stop_training
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


def test_weights_stay_finite_when_an_update_overflows():
    model, x, y = blowing_up_model(1e38)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert model.stop_training
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


def test_history_and_evaluate_report_the_same_loss_after_training():
    model, x, y = blowing_up_model(1e-4)
    history = model.fit(x, y / 100, epochs=2, verbose=0, shuffle=False)
    assert set(history.history) == {"loss"} and len(history.history["loss"]) == 2
    assert history.history["loss"][1] < history.history["loss"][0]
