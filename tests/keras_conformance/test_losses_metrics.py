"""Losses and metrics Keras 3 has and minikeras added (focal crossentropies, Dice, Tversky, Circle, generalized
crossentropy, CTC, R2Score, Metric.variables): values against real Keras 3 (fixtures from
tests/fixtures/make_conformance_objects_fixtures.py), gradients against finite differences. Cases follow
Keras 3.15's keras/src/losses/losses_test.py and metrics/regression_metrics_test.py (Apache 2.0).
"""
import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

from minikeras import losses, metrics

from .testing import load_fixtures

FACTS, ARRAYS = load_fixtures("conformance_objects")
LOSSES = {k: v for k, v in FACTS["losses"].items() if isinstance(v, dict) and "class" in v}
WEIGHTS = np.array([0.5, 1.0, 2.0, 0.0], "float32")


def inputs(case):
    spec = LOSSES[case]
    return ARRAYS[f"losses/inputs/{spec['y_true']}"], ARRAYS[f"losses/inputs/{spec['y_pred']}"]


@pytest.mark.parametrize("case", sorted(LOSSES))
def test_loss_values_match_keras(case):
    spec = LOSSES[case]
    cls = getattr(losses, spec["class"])
    y_true, y_pred = inputs(case)
    assert float(cls(**spec["kwargs"])(y_true, y_pred)) == pytest.approx(spec["mean"], rel=1e-4, abs=1e-6)
    np.testing.assert_allclose(cls(reduction=None, **spec["kwargs"])(y_true, y_pred), ARRAYS[f"losses/{case}/none"],
                               rtol=1e-4, atol=1e-6)
    if "weighted" in spec:
        got = cls(**spec["kwargs"])(y_true, y_pred, sample_weight=WEIGHTS[:len(y_true)])
        assert float(got) == pytest.approx(spec["weighted"], rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("case", sorted(LOSSES))
def test_loss_config_matches_keras(case):
    spec = LOSSES[case]
    loss = getattr(losses, spec["class"])(**spec["kwargs"])
    assert loss.get_config() == spec["config"]
    again = type(loss).from_config(loss.get_config())
    assert again.get_config() == loss.get_config()


def test_a_loss_computes_in_its_dtype():
    y_true, y_pred = inputs("dice_axis")
    assert losses.Dice(axis=-1)(y_true, y_pred.astype("float64")).dtype == np.float32   # floatx
    assert losses.Dice(axis=-1, dtype="float64")(y_true, y_pred).dtype == np.float64


def test_function_forms_and_string_names():
    for name in FACTS["losses"]["function_names"]:
        assert callable(getattr(losses, name))
    for name, expected in FACTS["losses"]["get_by_name"].items():
        found = losses.get(name)
        assert type(found).__name__ == expected or getattr(found, "fn", None) is getattr(losses, expected, None)


@pytest.mark.parametrize("case", ["binary_focal_balanced_logits", "categorical_focal_logits", "generalized_ce",
                                  "dice_axis", "tversky", "circle", "ctc"])
def test_loss_gradients_match_finite_differences(case):
    spec = LOSSES[case]
    fn = getattr(losses, spec["class"])(dtype="float64", **spec["kwargs"])   # a loss computes in its dtype
    y_true, y_pred = inputs(case)
    check_grads(lambda p: fn(y_true, p), modes=["rev"], order=1)(y_pred.astype("float64"))


def _ctc_by_enumeration(labels, scores):
    """-log of the summed probability of every path that collapses to `labels`: the definition of CTC."""
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    target = [c for c in labels if c]
    total = 0.0
    for path in itertools.product(range(scores.shape[1]), repeat=scores.shape[0]):
        collapsed = [c for i, c in enumerate(path) if c and (i == 0 or c != path[i - 1])]
        if collapsed == target:
            total += np.prod([probs[t, c] for t, c in enumerate(path)])
    return -np.log(total)


def test_ctc_is_the_sum_over_all_alignments():
    rng = np.random.default_rng(1)
    labels = np.array([[1, 1, 0], [2, 1, 2], [0, 0, 0]])
    scores = rng.normal(size=(3, 5, 3))
    expected = [_ctc_by_enumeration(labels[i], scores[i]) for i in range(3)]
    np.testing.assert_allclose(losses.ctc(labels, scores), expected, rtol=1e-10)


def test_ctc_rejects_wrong_ranks():
    with pytest.raises(ValueError, match="ctc: y_true must be integer labels of shape"):
        losses.ctc(np.zeros((2, 3, 1)), np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match="ctc: y_pred must be scores of shape"):
        losses.ctc(np.zeros((2, 3)), np.zeros((2, 4)))


def test_generalized_ce_rejects_q_outside_the_interval():
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_circle_leaves_zero_losses_out_of_the_mean():
    y_true, y_pred = inputs("circle")
    values = losses.Circle(reduction=None, gamma=2.0, margin=0.25)(y_true, y_pred)
    mean = losses.Circle(gamma=2.0, margin=0.25)(y_true, y_pred)
    assert float(mean) == pytest.approx(float(np.sum(values) / np.sum(values > 0)), rel=1e-6)


# ---- metrics ------------------------------------------------------------------------------------------
R2 = FACTS["metrics"]["r2"]


@pytest.mark.parametrize("case", sorted(R2))
def test_r2_score_matches_keras(case):
    y_true, y_pred, weights = (ARRAYS[f"metrics/r2/{k}"] for k in ("y_true", "y_pred", "weights"))
    metric = metrics.R2Score(**R2[case]["kwargs"])
    metric.update_state(y_true[:3], y_pred[:3])
    metric.update_state(y_true[3:], y_pred[3:])
    np.testing.assert_allclose(metric.result(), R2[case]["result"], rtol=1e-5)
    for ours, theirs in zip(metric.variables, R2[case]["variables"]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    weighted = metrics.R2Score(**R2[case]["kwargs"])
    weighted.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(weighted.result(), R2[case]["weighted"], rtol=1e-5)
    metric.reset_state()
    assert all(np.all(v == 0) for v in metric.variables)


def test_r2_score_config_and_errors():
    assert metrics.R2Score(num_regressors=1).get_config() == FACTS["metrics"]["r2_config"]
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        metrics.R2Score().update_state(np.zeros(3), np.zeros(3))
    assert isinstance(metrics.get("r2_score"), metrics.R2Score)


def test_metric_variables_match_keras():
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 4.0], sample_weight=[1.0, 0.5, 2.0])
    np.testing.assert_allclose(mean.variables, FACTS["metrics"]["mean_variables"])
    assert len(metrics.Sum().variables) == 1 and len(metrics.Precision().variables) == 2


def test_focal_function_forms_are_differentiable_in_float64():
    y_true, y_pred = inputs("binary_focal")
    check_grads(lambda p: anp.sum(losses.binary_focal_crossentropy(y_true, p, gamma=2.0)), modes=["rev"],
                order=1)(y_pred.astype("float64"))


def _unit_rows(t):
    return t / (anp.sqrt(anp.sum(t * t, axis=-1, keepdims=True)) + 1e-12)


def test_losses_with_differently_shaped_targets_train_in_fit():
    """CTC's labels, Circle's and the generalized crossentropy's integer labels are not shaped like the output;
    fit accepts them for those losses (by name or object) and the loss goes down."""
    from minikeras import layers, models
    rng = np.random.default_rng(0)
    cases = [
        ("ctc", [layers.Input((6, 3)), layers.LSTM(4, return_sequences=True), layers.Dense(5)],
         rng.random((4, 6, 3)), np.array([[1, 2, 0], [3, 3, 1], [2, 0, 0], [4, 1, 0]])),
        (losses.Circle(gamma=2.0), [layers.Input((4,)), layers.Dense(3), layers.Lambda(_unit_rows)],
         rng.normal(size=(6, 4)), np.array([0, 1, 0, 2, 1, 0])),
        (losses.CategoricalGeneralizedCrossEntropy(), [layers.Input((4,)), layers.Dense(3, activation="softmax")],
         rng.random((6, 4)), np.array([0, 1, 0, 2, 1, 0])),
    ]
    for loss, stack, x, y in cases:
        model = models.Sequential(stack)
        model.compile(optimizer="adam", loss=loss)
        history = model.fit(x.astype("float32"), y, epochs=5, batch_size=len(x), verbose=0).history["loss"]
        assert history[-1] < history[0], loss
    model = models.Sequential([layers.Input((4,)), layers.Dense(3)])
    model.compile(optimizer="adam", loss="ctc")
    with pytest.raises(ValueError, match="target"):
        model.fit(np.zeros((2, 4)), np.zeros((2, 3, 1)), verbose=0)
