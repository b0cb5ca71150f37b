"""model.metrics_names names evaluate()'s results in their order, as Keras 2 code reads it
(`print("%s: %.2f%%" % (model.metrics_names[1], scores[1] * 100))`); Keras 3 answers ['loss', 'compile_metrics']."""
import numpy as np
import pytest

import minikeras
from minikeras import layers


def _data():
    rng = np.random.default_rng(0)
    return rng.random((20, 3)).astype("float32"), rng.integers(0, 2, 20)


def test_names_follow_evaluate_s_results():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert model.metrics_names == ["loss"]
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    scores = model.evaluate(x, y, verbose=0)
    assert model.metrics_names == ["loss", "accuracy"]
    assert dict(zip(model.metrics_names, scores)) == model.evaluate(x, y, verbose=0, return_dict=True)


def test_several_outputs_name_every_result():
    inputs = minikeras.Input((3,))
    model = minikeras.Model(inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    model.compile("adam", ["mse", "mae"], metrics=[["mae"], ["mse"]])
    x, y = _data()
    scores = model.evaluate(x, [y, y], verbose=0)
    assert len(model.metrics_names) == len(scores)
    assert dict(zip(model.metrics_names, scores)) == model.evaluate(x, [y, y], verbose=0, return_dict=True)


def test_reset_metrics_starts_the_batch_totals_afresh():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    alone = model.test_on_batch(x[10:], y[10:], return_dict=True)
    model.test_on_batch(x[:10], y[:10], reset_metrics=False)
    model.reset_metrics()
    after_reset = model.test_on_batch(x[10:], y[10:], reset_metrics=False, return_dict=True)
    assert after_reset == alone


def test_model_metrics_lists_what_keras_3_lists():
    model = minikeras.Sequential([minikeras.Input((4,)), minikeras.layers.Dense(3, activation="softmax")])
    assert model.metrics == []
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert [repr(m) for m in model.metrics] == ["<Mean name=loss>"]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    x, y = np.ones((8, 4), "float32"), np.zeros(8)
    history = model.fit(x, y, verbose=0)
    loss, compiled = model.metrics
    assert loss.result() == pytest.approx(history.history["loss"][0])
    assert compiled.result() == pytest.approx({"accuracy": history.history["accuracy"][0]})
