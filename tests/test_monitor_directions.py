"""EarlyStopping / ReduceLROnPlateau / ModelCheckpoint in mode="auto" watch each monitor the way Keras 3 does
(tests/fixtures/monitor_directions.json, made by make_monitor_direction_fixtures.py): losses down, metrics by the
way they improve, an unknown direction a clear ValueError. A metric of several values (F1Score, average=None) is
logged as an array, shown by its mean in the bar."""
import json
import os

import numpy as np
import pytest

import minikeras
from minikeras import callbacks, metrics, ops

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "monitor_directions.json")) as f:
    FACTS = json.load(f)


def mean_of_predictions(y_true, y_pred):
    return np.mean(y_pred)


def _model():
    model = minikeras.Sequential([minikeras.Input((5,)), minikeras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="mae", optimizer="adam",
                  metrics=["mse", "acc", "hinge", "mae", "auc", metrics.F1Score(name="f1"), metrics.R2Score(name="r2"),
                           metrics.CosineSimilarity(name="cos"), metrics.Precision(name="pr"),
                           metrics.RootMeanSquaredError(name="rmse"), mean_of_predictions])
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.random((10, 5)).astype("float32"), (rng.random((10, 1)) > 0.5).astype("float32")


@pytest.mark.parametrize("monitor", sorted(FACTS["directions"]))
@pytest.mark.parametrize("callback_class", [callbacks.EarlyStopping, callbacks.ReduceLROnPlateau])
def test_auto_mode_watches_the_monitor_as_keras_does(monitor, callback_class):
    x, y = _data()
    model, callback = _model(), callback_class(monitor=monitor, patience=5)
    expected = FACTS["directions"][monitor]
    if expected == "ValueError":
        with pytest.raises(ValueError, match="mode='min' or mode='max'"):
            model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[callback])
        return
    model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[callback])
    assert callback.monitor_op is {"less": ops.less, "greater": ops.greater}[expected]


def test_a_per_output_name_is_resolved_where_keras_3_refuses():
    inputs = minikeras.Input((5,))
    model = minikeras.Model(inputs, [minikeras.layers.Dense(1, name="out_a")(inputs),
                                     minikeras.layers.Dense(1, name="out_b")(inputs)])
    model.compile(loss=["mae", "mse"], optimizer="adam", metrics=[["mse", metrics.F1Score(name="f1")], []])
    x, y = _data()
    watched = [callbacks.EarlyStopping(monitor=m, patience=5) for m in ("val_out_a_loss", "out_a_f1", "out_a_mse")]
    model.fit(x, [y, y], epochs=1, verbose=0, validation_data=(x, [y, y]), callbacks=watched)
    assert [c.monitor_op for c in watched] == [ops.less, ops.greater, ops.less]


def test_an_explicit_mode_needs_no_known_direction():
    x, y = _data()
    callback = callbacks.EarlyStopping(monitor="mean_of_predictions", mode="max", patience=5)
    _model().fit(x, y, epochs=2, verbose=0, callbacks=[callback])
    assert callback.monitor_op is ops.greater


def test_f1_score_per_class_is_logged_as_an_array_equal_to_keras(capsys):
    labels, scores = np.array(FACTS["f1_labels"], "float32"), np.array(FACTS["f1_scores"], "float32")
    model = minikeras.Sequential([minikeras.Input((3,)), minikeras.layers.Activation("linear")])
    model.compile(loss="mse", optimizer="sgd", metrics=[metrics.F1Score(average=None)])
    history = model.fit(scores, labels, epochs=1, batch_size=12, verbose=1)
    np.testing.assert_allclose(history.history["f1_score"][0], FACTS["f1_per_class"], rtol=1e-5)
    shown = f"f1_score: {np.mean(FACTS['f1_per_class']):.4f}"
    assert shown in capsys.readouterr().out
    result = model.evaluate(scores, labels, verbose=0, return_dict=True)
    np.testing.assert_allclose(result["f1_score"], FACTS["f1_per_class"], rtol=1e-5)
