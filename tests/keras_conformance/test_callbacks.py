"""Ported from Keras 3.15's keras/src/callbacks/{terminate_on_nan,lambda_callback,csv_logger,reduce_lr_on_plateau,
learning_rate_scheduler}_test.py (Apache 2.0): the same scenarios on minikeras models.
"""
import csv

import numpy as np
import pytest

from minikeras import callbacks, layers, models, optimizers

RNG = np.random.default_rng(0)
X_TRAIN, X_TEST = RNG.normal(size=(10, 3)).astype("float32"), RNG.normal(size=(10, 3)).astype("float32")
Y_TRAIN = np.eye(2, dtype="float32")[RNG.integers(0, 2, 10)]
Y_TEST = np.eye(2, dtype="float32")[RNG.integers(0, 2, 10)]


def small_model(optimizer=None):
    model = models.Sequential([layers.Input((3,)), layers.Dense(5), layers.Dense(2)])
    model.compile(loss="mse", optimizer=optimizer or optimizers.Adam(0.1))
    return model


def fit(model, callback, epochs=2, **kwargs):
    return model.fit(X_TRAIN, Y_TRAIN, validation_data=(X_TEST, Y_TEST), callbacks=[callback], epochs=epochs,
                     verbose=0, **kwargs)


# ---- TerminateOnNaN ------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_terminate_on_nan_stops_gracefully():
    model = small_model(optimizers.SGD(1e30))
    history = model.fit(X_TRAIN * 1e10, Y_TRAIN, callbacks=[callbacks.TerminateOnNaN()], epochs=5, batch_size=2,
                        verbose=0)
    assert len(history.history.get("loss", [])) <= 1


def test_terminate_on_nan_raise_error():
    callback = callbacks.TerminateOnNaN(raise_error=True)
    callback.set_model(small_model())
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 3"):
        callback.on_train_batch_end(3, {"loss": float("nan")})
    callback.on_train_batch_end(4, {"loss": 1.0})


# ---- LambdaCallback ------------------------------------------------------------------------------------
def test_lambda_callback_epoch_and_train_hooks():
    seen = []
    callback = callbacks.LambdaCallback(
        on_train_begin=lambda logs: seen.append("on_train_begin"),
        on_epoch_begin=lambda epoch, logs: seen.append("on_epoch_begin"),
        on_epoch_end=lambda epoch, logs: seen.append("on_epoch_end"),
        on_train_end=lambda logs: seen.append("on_train_end"))
    fit(small_model(), callback, epochs=2)
    assert seen == ["on_train_begin"] + ["on_epoch_begin", "on_epoch_end"] * 2 + ["on_train_end"]


def test_lambda_callback_with_batches():
    seen = []
    callback = callbacks.LambdaCallback(on_train_batch_begin=lambda batch, logs: seen.append(("begin", batch)),
                                        on_train_batch_end=lambda batch, logs: seen.append(("end", batch)))
    small_model().fit(X_TRAIN, Y_TRAIN, batch_size=5, epochs=1, callbacks=[callback], verbose=0)
    assert seen == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_lambda_callback_no_args_and_additional_kwargs():
    assert isinstance(callbacks.LambdaCallback(), callbacks.LambdaCallback)
    callback = callbacks.LambdaCallback(custom_method=lambda: "custom")
    assert callback.custom_method() == "custom"


def test_lambda_callback_test_and_predict_hooks_exist():
    seen = []
    callback = callbacks.LambdaCallback(on_test_begin=lambda logs: seen.append("test"),
                                        on_predict_begin=lambda logs: seen.append("predict"))
    callback.on_test_begin({})
    callback.on_predict_begin({})
    assert seen == ["test", "predict"]


def test_lambda_callback_during_evaluate_and_predict():
    seen = []
    callback = callbacks.LambdaCallback(on_test_begin=lambda logs: seen.append("test"),
                                        on_predict_begin=lambda logs: seen.append("predict"))
    model = small_model()
    model.evaluate(X_TEST, Y_TEST, callbacks=[callback], verbose=0)
    model.predict(X_TEST, callbacks=[callback], verbose=0)
    assert seen == ["test", "predict"]


# ---- ReduceLROnPlateau ---------------------------------------------------------------------------------
def test_reduces_lr_with_model_fit():
    model = small_model()
    fit(model, callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", min_delta=100))
    assert model.optimizer.learning_rate == pytest.approx(0.01)


def test_reduce_lr_throws_when_optimizer_has_schedule():
    model = small_model(optimizers.Adam(optimizers.schedules.PolynomialDecay(initial_learning_rate=0.1,
                                                                             decay_steps=10)))
    with pytest.raises(TypeError, match="created with a LearningRateSchedule"):
        fit(model, callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", min_delta=100))


def test_reduce_lr_verbose_message(capsys):
    fit(small_model(), callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", min_delta=100,
                                                   verbose=1))
    assert "ReduceLROnPlateau reducing learning rate to 0.01" in capsys.readouterr().out


def test_reduce_lr_honors_min_lr():
    model = small_model()
    fit(model, callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", min_delta=10, min_lr=0.005),
        epochs=4)
    assert model.optimizer.learning_rate == pytest.approx(0.005)


def test_reduce_lr_cooldown():
    model = small_model()
    fit(model, callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="val_loss", min_delta=100, cooldown=2),
        epochs=4)
    assert model.optimizer.learning_rate == pytest.approx(0.001)


# ---- LearningRateScheduler -----------------------------------------------------------------------------
def test_learning_rate_scheduler_updates_lr():
    model = small_model(optimizers.SGD(0.1))
    model.fit(X_TRAIN, Y_TRAIN, epochs=1, verbose=0,
              callbacks=[callbacks.LearningRateScheduler(lambda step: 1.0 / (2.0 + step))])
    assert model.optimizer.learning_rate == pytest.approx(0.5)


def test_learning_rate_scheduler_verbose(capsys):
    model = small_model(optimizers.SGD(0.1))
    model.fit(X_TRAIN, Y_TRAIN, epochs=1, verbose=0,
              callbacks=[callbacks.LearningRateScheduler(lambda step: 1.0 / (1.0 + step), verbose=1)])
    assert "LearningRateScheduler setting learning rate to 1.0" in capsys.readouterr().out


def test_learning_rate_scheduler_schedule_with_current_rate():
    model = small_model(optimizers.SGD(0.1))
    model.fit(X_TRAIN, Y_TRAIN, epochs=2, verbose=0,
              callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2)])
    assert model.optimizer.learning_rate == pytest.approx(0.025)


def test_learning_rate_scheduler_rejects_non_numbers():
    model = small_model(optimizers.SGD(0.1))
    with pytest.raises((ValueError, TypeError)):
        model.fit(X_TRAIN, Y_TRAIN, epochs=1, verbose=0,
                  callbacks=[callbacks.LearningRateScheduler(lambda step: "bad")])


# ---- CSVLogger -----------------------------------------------------------------------------------------
def test_csv_logger_writes_a_row_per_epoch(tmp_path):
    path = tmp_path / "log.tsv"
    fit(small_model(), callbacks.CSVLogger(path, separator="\t"), epochs=2)
    with open(path) as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]


def test_csv_logger_appends(tmp_path):
    path = tmp_path / "log.csv"
    model = small_model()
    fit(model, callbacks.CSVLogger(path), epochs=1)
    fit(model, callbacks.CSVLogger(path, append=True), epochs=2)
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"] and len(rows) == 4
