"""Metrics against Keras 3 (fixtures/loss_metric.*, from make_loss_metric_fixtures.py): stateful accumulation over
batches with weights and masks, how 'accuracy' resolves, names and configs, and a masked model's evaluate logs."""
import json
import os
import re

import numpy as np
import pytest

import minikeras as K
from minikeras import metrics

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "loss_metric.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "loss_metric.npz")))
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}
BATCH_CASES = sorted(c for c, s in FACTS["metrics"].items() if "batches" in s)
VALUE_CASES = sorted(c for c, s in FACTS["metrics"].items() if s.get("values"))


@pytest.mark.parametrize("case", BATCH_CASES)
def test_metric_accumulates_over_batches_like_keras(case):
    spec = FACTS["metrics"][case]
    metric = getattr(metrics, spec["class"])(**spec["kwargs"])
    results = []
    for i in range(spec["batches"]):
        get = lambda key: ARRAYS.get(f"metric/{case}/{i}/{key}")  # noqa: E731
        metric.update_state(get("y_true"), get("y_pred"), sample_weight=get("sw"), mask=get("mask"))
        results.append(float(metric.result()))
    np.testing.assert_allclose(results, ARRAYS[f"metric/{case}/results"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", VALUE_CASES)
def test_mean_and_sum_of_values_like_keras(case):
    spec = FACTS["metrics"][case]
    metric = getattr(metrics, spec["class"])()
    values, weights = ARRAYS[f"metric/{case}/values"], ARRAYS.get(f"metric/{case}/sw")
    metric.update_state(values, sample_weight=weights)
    metric.update_state(values[:2] * 3.0, sample_weight=None if weights is None else weights[:2])
    assert metric.result() == pytest.approx(float(ARRAYS[f"metric/{case}/results"][0]), rel=1e-5)


def test_reset_state_starts_over():
    metric = metrics.BinaryAccuracy()
    metric.update_state(np.array([[1.0], [0.0]]), np.array([[0.9], [0.8]]))
    assert metric.result() == pytest.approx(0.5)
    metric.reset_state()
    assert metric.result() == 0.0
    metric.update_state(np.array([[1.0]]), np.array([[0.9]]))
    assert metric.result() == pytest.approx(1.0)


@pytest.mark.parametrize("entry", FACTS["get_metric"],
                         ids=lambda e: f"{e['identifier']}-{e['y_true_shape']}-{e['y_pred_shape']}")
def test_get_resolves_names_by_shape_like_keras(entry):
    metric = metrics.get(entry["identifier"], y_true_shape=tuple(entry["y_true_shape"]),
                         y_pred_shape=tuple(entry["y_pred_shape"]))
    keras_class = entry["class"]
    if keras_class == "MeanMetricWrapper":  # Keras wraps the plain function; so does minikeras, or uses its class
        assert isinstance(metric, metrics.MeanMetricWrapper)
    else:
        assert type(metric).__name__ == keras_class
    assert metric.name == re.sub(r"_\d+$", "", entry["name"])


def test_metric_function_is_named_after_it():
    keras_name = FACTS["get_metric_function"]["mean_absolute_error"]
    assert metrics.get(metrics.mean_absolute_error).name == keras_name


@pytest.mark.parametrize("loss, expected", [("binary_crossentropy", "BinaryAccuracy"),
                                            ("sparse_categorical_crossentropy", "SparseCategoricalAccuracy"),
                                            ("categorical_crossentropy", "CategoricalAccuracy")])
def test_accuracy_without_shapes_follows_the_loss_name(loss, expected):
    assert type(metrics.get("accuracy", loss=K.losses.get(loss))).__name__ == expected


@pytest.mark.parametrize("class_name", sorted(FACTS["metric_configs"]))
def test_metric_configs_match_keras(class_name):
    ours = metrics.serialize(getattr(metrics, class_name)())
    keras_dict = FACTS["metric_configs"][class_name]
    assert ours["class_name"] == keras_dict["class_name"] and ours["module"] == keras_dict["module"]
    keras_config = dict(keras_dict["config"], name=re.sub(r"_\d+$", "", keras_dict["config"]["name"]))
    # Keras leaves CosineSimilarity's axis and SparseTopK's from_sorted_ids out of its configs; minikeras keeps them
    assert set(ours["config"]) - set(keras_config) <= {"axis", "from_sorted_ids"}
    assert {k: ours["config"][k] for k in keras_config} == keras_config


def test_unknown_metric_lists_close_matches():
    with pytest.raises(ValueError, match="'accuracyy'.*accuracy"):
        metrics.get("accuracyy")


# ---- the mask of an Embedding(mask_zero=True) through evaluate -----------------------------------------------------
def tagger(case):
    model = K.Sequential([K.Input((5,)), K.layers.Embedding(7, 4, mask_zero=True),
                          K.layers.TimeDistributed(K.layers.Dense(3, activation="softmax"))])
    model.set_weights([ARRAYS[f"model/{case}/{name}"] for name in ("embeddings", "kernel", "bias")])
    return model


def evaluate(case, **compile_args):
    spec = FACTS["models"][case]
    model = tagger(case)
    np.testing.assert_allclose(model.predict(ARRAYS[f"model/{case}/x"]), ARRAYS[f"model/{case}/y_pred"], **TOLERANCE)
    model.compile(optimizer="sgd", loss=spec["loss"], metrics=spec["metrics"], **compile_args)
    return model.evaluate(ARRAYS[f"model/{case}/x"], ARRAYS[f"model/{case}/y"], sample_weight=ARRAYS.get(
        f"model/{case}/sw"), batch_size=spec["batch_size"], return_dict=True)


@pytest.mark.parametrize("case", sorted(FACTS["models"]))
def test_masked_model_evaluates_loss_like_keras(case):
    assert evaluate(case)["loss"] == pytest.approx(FACTS["models"][case]["logs"]["loss"], rel=1e-5)


# Keras 3 gives sample weights only to compile(weighted_metrics=...); compile(metrics=...) are unweighted (but masked).


@pytest.mark.parametrize("case", sorted(FACTS["models"]))
def test_masked_model_metrics_are_masked_and_unweighted_like_keras(case):
    spec = FACTS["models"][case]
    logs = evaluate(case)
    for name in spec["metrics"]:
        assert logs[name] == pytest.approx(spec["logs"][name], rel=1e-5), name


@pytest.mark.parametrize("case", sorted(FACTS["models"]))
def test_weighted_metrics_take_the_sample_weights_like_keras(case):
    spec = FACTS["models"][case]
    logs = evaluate(case, weighted_metrics=spec["weighted_metrics"])
    assert logs["weighted_accuracy"] == pytest.approx(spec["logs"]["weighted_accuracy"], rel=1e-5)


@pytest.mark.parametrize("make", [lambda: metrics.F1Score(average="macro", threshold=0.5),
                                  lambda: metrics.R2Score()])
def test_f_score_and_r2_leave_masked_samples_out(make):
    rng = np.random.default_rng(4)
    y_true = (rng.random((8, 3)) > 0.5).astype("float32")
    y_pred = rng.random((8, 3)).astype("float32")
    weights, mask = rng.random(8).astype("float32"), np.array([1, 1, 0, 1, 0, 1, 1, 1], bool)
    masked, kept = make(), make()
    masked.update_state(y_true, y_pred, sample_weight=weights, mask=mask)
    kept.update_state(y_true[mask], y_pred[mask], sample_weight=weights[mask])
    np.testing.assert_allclose(masked.result(), kept.result(), rtol=1e-6)


def test_a_metric_written_as_the_keras_guide_writes_one_works_in_fit_and_on_a_masked_model():
    # update_state(y_true, y_pred, sample_weight=None), no mask argument: Keras never hands it the mask
    class Total(metrics.Metric):
        def __init__(self, name="total", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), name="total", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.total.assign_add(K.ops.sum(y_pred))

        def result(self):
            return self.total

    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.set_weights([np.array([[0.5], [-1.0]], dtype="float32"), np.array([0.25], dtype="float32")])
    model.compile(optimizer="sgd", loss="mse", metrics=[Total()])
    x = np.arange(8, dtype="float32").reshape(4, 2)
    before = float(model.predict(x, verbose=0).sum())           # the one batch's outputs, before its update
    history = model.fit(x, np.ones((4, 1)), batch_size=4, verbose=0)
    np.testing.assert_allclose(history.history["total"], [before], rtol=1e-6)
    masked = K.Sequential([K.Input((3,), dtype="int32"), K.layers.Embedding(5, 2, mask_zero=True),
                           K.layers.Dense(1)])
    masked.compile(optimizer="sgd", loss="mse", metrics=[Total()])
    assert "total" in masked.evaluate(np.array([[1, 2, 0]]), np.ones((1, 3, 1)), verbose=0, return_dict=True)
