"""Callbacks: EarlyStopping and ReduceLROnPlateau decide as Keras 3 does on the same logs (fixtures/training.json,
from make_training_fixtures.py); History, checkpoints, LambdaCallback, schedulers, CSVLogger, TerminateOnNaN;
and the lines fit(verbose=1|2) prints."""
import csv
import json
import os
import re
import sys

import numpy as np
import pytest

import minikeras as K
from minikeras import callbacks as C

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
sys.path.insert(0, FIXTURES)
with open(os.path.join(FIXTURES, "training.json")) as f:
    FACTS = json.load(f)


def one_weight_model():
    model = K.Sequential([K.Input((1,)), K.layers.Dense(1, use_bias=False)])
    model.compile(optimizer=K.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


def drive(callback, values, monitor):
    """Feed fixed logs one epoch at a time, as the fixture did in Keras; the model's one weight is the epoch."""
    model = one_weight_model()
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    stopped_after, rates = None, []
    for epoch, value in enumerate(values):
        model.set_weights([np.full((1, 1), epoch, dtype="float32")])
        callback.on_epoch_end(epoch, {monitor: value, "loss": 1.0})
        rates.append(float(model.optimizer.learning_rate))
        if model.stop_training:
            stopped_after = epoch
            break
    callback.on_train_end()
    return stopped_after, float(model.get_weights()[0][0, 0]), rates


@pytest.mark.parametrize("case", sorted(FACTS["early_stopping"]))
def test_early_stopping_decides_like_keras(case):
    spec = FACTS["early_stopping"][case]
    callback = C.EarlyStopping(monitor=spec["monitor"], **spec["settings"])
    stopped_after, weight, _ = drive(callback, spec["values"], spec["monitor"])
    assert stopped_after == spec["stopped_after"]
    assert callback.stopped_epoch == spec["stopped_epoch"]
    assert weight == spec["final_weight"]  # restore_best_weights brings back the best epoch's weights
    assert callback.best == pytest.approx(spec["best"])


@pytest.mark.parametrize("case", sorted(FACTS["reduce_lr"]))
def test_reduce_lr_on_plateau_decides_like_keras(case):
    spec = FACTS["reduce_lr"][case]
    _, _, rates = drive(C.ReduceLROnPlateau(monitor=spec["monitor"], **spec["settings"]), spec["values"],
                        spec["monitor"])
    np.testing.assert_allclose(rates, spec["rates"], rtol=1e-6)


# ---- inside fit -----------------------------------------------------------------------------------------------------
X = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
Y = (X[:, :1] - 0.5 * X[:, 1:]).astype("float32")


def dense_model(learning_rate=0.05):
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.set_weights([np.array([[0.3], [-0.2]], dtype="float32"), np.zeros(1, dtype="float32")])
    model.compile(optimizer=K.optimizers.SGD(learning_rate=learning_rate), loss="mse", metrics=["mae"])
    return model


def test_history_records_every_epoch():
    history = dense_model().fit(X, Y, epochs=3, batch_size=4, verbose=0, validation_split=0.25)
    assert history.epoch == [0, 1, 2]
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert all(len(v) == 3 for v in history.history.values())


def test_early_stopping_in_fit_stops_and_restores():
    model = dense_model(learning_rate=5.0)  # diverges: val_loss rises from the start
    stopper = C.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    weights_after_first = []
    first = C.LambdaCallback(on_epoch_end=lambda epoch, logs: weights_after_first.append(model.get_weights())
                             if epoch == 0 else None)
    history = model.fit(X, Y, epochs=20, batch_size=8, verbose=0, callbacks=[first, stopper])
    assert len(history.epoch) < 20 and stopper.stopped_epoch == history.epoch[-1]
    best = int(np.argmin(history.history["loss"]))
    assert best == 0
    for got, expected in zip(model.get_weights(), weights_after_first[0]):
        np.testing.assert_array_equal(got, expected)


def test_lambda_callback_hooks_are_called_in_order():
    calls = []
    callback = C.LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                                on_epoch_begin=lambda epoch, logs: calls.append(f"e{epoch}"),
                                on_batch_end=lambda batch, logs: calls.append(f"b{batch}"),
                                on_epoch_end=lambda epoch, logs: calls.append(f"end{epoch}:{sorted(logs)}"),
                                on_train_end=lambda logs: calls.append("done"))
    dense_model().fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[callback])
    assert calls == ["begin", "e0", "b0", "b1", "end0:['loss', 'mae']", "e1", "b0", "b1", "end1:['loss', 'mae']",
                     "done"]


def test_a_keras_2_callback_overriding_on_batch_begin_and_end_is_called_every_batch():
    class LossHistory(C.Callback):           # the Keras 1/2 tutorials' pattern
        def on_train_begin(self, logs=None):
            self.seen = []

        def on_batch_begin(self, batch, logs=None):
            self.seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            self.seen.append(("end", batch, round(float(logs["loss"]), 6)))

    history = LossHistory()
    dense_model().fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[history])
    assert [entry[:2] for entry in history.seen] == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)] * 2
    assert all(entry[2] > 0 for entry in history.seen if entry[0] == "end")


def test_lambda_callback_keeps_other_keywords_as_attributes_as_keras_does():
    callback = C.LambdaCallback(on_epoch_ending=print, on_test_end=len)
    assert callback.on_epoch_ending is print and callback.on_test_end is len


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    model = dense_model()
    seen = []
    spy = C.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(model.optimizer.learning_rate))
    history = model.fit(X, Y, epochs=3, batch_size=4, verbose=0,
                        callbacks=[C.LearningRateScheduler(lambda epoch, rate: 0.1 / (epoch + 1)), spy])
    assert seen == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_learning_rate_scheduler_takes_keras1_one_argument_schedules():
    model = dense_model()
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[C.LearningRateScheduler(lambda epoch: 0.01 * epoch)])
    assert model.optimizer.learning_rate == pytest.approx(0.01)


def test_reduce_lr_on_plateau_in_fit():
    model = dense_model(learning_rate=0.0)  # nothing changes: the loss never improves after the first epoch
    model.fit(X, Y, epochs=4, batch_size=4, verbose=0,
              callbacks=[C.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_lr=0.0)])
    assert model.optimizer.learning_rate == 0.0
    model = dense_model(learning_rate=0.001)
    history = model.fit(X, Y, epochs=3, batch_size=8, verbose=0,
                        callbacks=[C.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0)])
    assert model.optimizer.learning_rate == pytest.approx(0.001 * 0.5 ** 2)
    # as Keras 3 logs it: the rate each epoch trained with, before that epoch's reduction
    assert history.history["learning_rate"] == pytest.approx([0.001, 0.001, 0.0005])


def test_reduce_lr_on_plateau_logs_the_rate_each_epoch_trained_with_as_keras():
    with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras_face.json")) as f:
        keras_rates = json.load(f)["reduce_lr_history"]      # tests/fixtures/make_keras_face_fixtures.py
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1)])
    model.compile(optimizer=K.optimizers.SGD(0.5), loss="mse")
    callback = C.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_delta=10.0)
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0, callbacks=[callback])
    assert history.history["learning_rate"] == pytest.approx(keras_rates)


def test_csv_logger_writes_one_row_an_epoch(tmp_path):
    path = tmp_path / "log.csv"
    history = dense_model().fit(X, Y, epochs=3, batch_size=4, verbose=0, callbacks=[C.CSVLogger(path)])
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    # Keras 3 gives the val_ entries columns even without validation data (written as NA)
    assert list(rows[0]) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert rows[0]["val_loss"] == "NA"
    assert [float(row["loss"]) for row in rows] == pytest.approx(history.history["loss"])


def test_csv_logger_appends(tmp_path):
    path = tmp_path / "log.csv"
    dense_model().fit(X, Y, epochs=1, batch_size=4, verbose=0, callbacks=[C.CSVLogger(path)])
    dense_model().fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[C.CSVLogger(path, append=True)])
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "0", "1"]


def test_terminate_on_nan_stops_training(capsys):
    model = dense_model()
    callback = C.TerminateOnNaN()
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_batch_end(3, {"loss": float("nan")})
    assert model.stop_training
    assert "Batch 3: Invalid loss, terminating training" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore:overflow")
def test_fit_stops_on_a_nan_loss_without_applying_it():
    model = dense_model()
    before = model.get_weights()
    bad_y = Y.copy()
    with pytest.warns(RuntimeWarning, match="loss became"):
        model.fit(X, bad_y * 1e30, epochs=2, batch_size=8, verbose=0, callbacks=[C.TerminateOnNaN()])
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert len(before) == len(model.get_weights())


def test_callbacks_must_be_callback_objects():
    with pytest.raises(TypeError, match="Callback"):
        dense_model().fit(X, Y, epochs=1, verbose=0, callbacks=[print])


# ---- ModelCheckpoint: needs minikeras.saving ------------------------------------------------------------------------
def saving_available():
    try:
        import minikeras.saving  # noqa: F401
    except ImportError:
        return False
    return hasattr(K.Model, "save") and hasattr(K.Model, "save_weights")


needs_saving = pytest.mark.skipif(not saving_available(), reason="minikeras.saving (Model.save/save_weights) "
                                                                 "is not there yet")


@needs_saving
def test_model_checkpoint_save_best_only_keeps_the_best(tmp_path):
    model = dense_model(learning_rate=5.0)  # the loss rises after the first epoch: only epoch 1 is saved
    path = str(tmp_path / "best-{epoch:02d}.keras")
    model.fit(X, Y, epochs=3, batch_size=8, verbose=0,
              callbacks=[C.ModelCheckpoint(path, monitor="loss", save_best_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["best-01.keras"]


@needs_saving
def test_model_checkpoint_weights_only(tmp_path):
    model = dense_model()
    path = str(tmp_path / "w.weights.h5")
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0, callbacks=[C.ModelCheckpoint(path, save_weights_only=True,
                                                                                   monitor="loss")])
    fresh = dense_model()
    fresh.load_weights(path)
    for got, expected in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, expected)


@needs_saving
def test_model_checkpoint_takes_keras_2_hdf5_paths(tmp_path, capsys):
    model = dense_model()
    best, weights = str(tmp_path / "weights.best.hdf5"), str(tmp_path / "w.hdf5")
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0, validation_split=0.25,
              callbacks=[C.ModelCheckpoint(best, monitor="val_loss", save_best_only=True, verbose=1),
                         C.ModelCheckpoint(weights, save_weights_only=True)])
    assert "Epoch 1: val_loss improved from None to " in capsys.readouterr().out     # Keras 3.15's words
    fresh = dense_model()
    fresh.load_weights(weights)
    for got, expected in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, expected)
    assert K.models.load_model(best).count_params() == 3


def test_model_checkpoint_checks_the_file_name():
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        C.ModelCheckpoint("w.txt", save_weights_only=True)
    with pytest.raises(ValueError, match=r"\.keras"):
        C.ModelCheckpoint("model.txt")


# ---- what fit prints -------------------------------------------------------------------------------------------------
def normalize(text):
    """Drop what only timing changes: the seconds and per-step times."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = re.sub(r"\d+(\.\d+)?(s|ms|us)/step", "T/step", text)
    return re.sub(r" \d+s ", " Ts ", re.sub(r" - \d+s - ", " - Ts - ", text))


def keras_final_lines(text):
    """Keras's live bar redraws with \\r; the last drawing of each epoch is what stays on the screen."""
    return [line.split("\r")[-1] for line in normalize(text).replace("\x08", "").split("\n") if line]


def fit_output(capsys, verbose, epochs=2, metrics=("mae",)):
    model = K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="tanh"), K.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=list(metrics))
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32"),
              batch_size=4, epochs=epochs, verbose=verbose, shuffle=False, validation_split=0.25)
    return capsys.readouterr().out


def line_shape(line):
    return re.sub(r"\d+\.\d{4}", "N", line)


def test_verbose_1_prints_the_keras_bar(capsys):
    ours = [line for line in normalize(fit_output(capsys, 1)).split("\n") if line]
    keras_lines = keras_final_lines(FACTS["progbar"]["1"])
    assert [line_shape(line) for line in ours] == [line_shape(line) for line in keras_lines]
    assert ours[1] == re.sub(r"\d+\.\d{4}", lambda m: m.group(0), ours[1])
    assert re.fullmatch(r"3/3 ━{20} Ts T/step - loss: \d+\.\d{4} - mae: \d+\.\d{4} - val_loss: \d+\.\d{4} - "
                        r"val_mae: \d+\.\d{4}", ours[1])


def test_verbose_2_prints_one_line_an_epoch(capsys):
    ours = normalize(fit_output(capsys, 2)).split("\n")
    keras_lines = normalize(FACTS["progbar"]["2"]).split("\n")
    assert [line_shape(line) for line in ours] == [line_shape(line) for line in keras_lines]
    assert ours[0] == "Epoch 1/2"


def test_one_epoch_prints_no_epoch_header_and_sorts_metrics_like_keras(capsys):
    ours = normalize(fit_output(capsys, 2, epochs=1, metrics=("mae",)))
    keras_text = normalize(FACTS["progbar"]["2_accuracy"])
    assert not keras_text.startswith("Epoch") and not ours.startswith("Epoch")
    assert re.fullmatch(r"3/3 - Ts - T/step - loss: N - mae: N - val_loss: N - val_mae: N\n", line_shape(ours))
    assert line_shape(keras_text) == "3/3 - Ts - T/step - accuracy: N - loss: N - val_accuracy: N - val_loss: N\n"


def test_callback_messages_print_as_keras_prints_them_among_the_epoch_lines(tmp_path, capsys):
    # ModelCheckpoint's improved / did not improve / finished saving, ReduceLROnPlateau's cut, EarlyStopping's stop,
    # each where Keras 3 prints it, and the learning_rate ReduceLROnPlateau adds to the epoch's line
    # (make_callback_message_fixtures.py); numbers differ with the random initial weights, so they are N here
    from make_callback_message_fixtures import callback_message_run
    with open(os.path.join(FIXTURES, "callback_messages.json")) as f:
        keras_text = json.load(f)["printed"]

    def shape(text):
        return re.sub(r"\d+\.\d+", "N", normalize(text))
    assert shape(callback_message_run(K, str(tmp_path))) == shape(keras_text)


def test_verbose_0_prints_nothing(capsys):
    assert fit_output(capsys, 0) == ""
