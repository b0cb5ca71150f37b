"""Fuzzing (see fuzz_helpers.py): fit/evaluate/predict options (batch_size, epochs, ...) and compile arguments."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from minikeras.callbacks import History
from minikeras.optimizers import SGD
from fuzz_helpers import FUZZ, X, Y, net, refused


# ---- whole-number options -------------------------------------------------------------------------------------------
NOT_WHOLE = [2.5, "4", True, False, float("nan"), 1e9, [4]]
BAD_OPTIONS = ([("batch_size", v) for v in [0, -1] + NOT_WHOLE] + [("epochs", v) for v in [-1, None] + NOT_WHOLE]
               + [("initial_epoch", v) for v in [-1, None, 2.5, "1", True]]
               + [("validation_freq", v) for v in [0, -1, None] + NOT_WHOLE]
               + [("validation_batch_size", v) for v in [0, -1] + NOT_WHOLE]
               + [("validation_split", v) for v in [-0.1, 1.0, 1.5, "0.2", True, float("nan"), float("inf"), [0.2]]]
               + [("callbacks", v) for v in [3, "cb", History, [3], [None], History()]])


@pytest.mark.parametrize("option, value", BAD_OPTIONS, ids=[f"{o}={v!r}" for o, v in BAD_OPTIONS])
def test_bad_fit_options_are_refused_before_training(option, value):
    model = net()
    refused(lambda: model.fit(X, Y, verbose=0, **{option: value}), model)


@pytest.mark.parametrize("value", [0, -1] + NOT_WHOLE)
@pytest.mark.parametrize("method", ["evaluate", "predict"])
def test_bad_batch_size_outside_fit(method, value):
    model = net()
    call = {"evaluate": lambda: model.evaluate(X, Y, batch_size=value, verbose=0),
            "predict": lambda: model.predict(X, batch_size=value, verbose=0)}[method]
    refused(call, model)


@settings(FUZZ)
@given(option=st.sampled_from(["batch_size", "epochs", "initial_epoch", "validation_freq", "validation_batch_size"]),
       value=st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.floats(), st.text(max_size=2),
                       st.lists(st.integers(0, 3), max_size=2)))
def test_any_option_value_is_either_a_valid_count_or_refused(option, value):
    least = 0 if option in ("epochs", "initial_epoch") else 1
    valid = value is None and option in ("batch_size", "validation_batch_size") or (
        isinstance(value, int) and not isinstance(value, bool) and value >= least)
    model = net()
    call = lambda: model.fit(X, Y, verbose=0, validation_split=0.2, **{option: value})  # noqa: E731
    if valid:
        call()
        assert all(np.all(np.isfinite(w)) for w in model.get_weights())
    else:
        refused(call, model)


# ---- compile: a failed compile changes nothing, not even the optimizer ------------------------------------------
BAD_COMPILE = {
    "optimizer None": dict(optimizer=None), "optimizer 3": dict(optimizer=3),
    "optimizer 'nope'": dict(optimizer="nope"),
    "optimizer object()": dict(optimizer=object()), "optimizer class": dict(optimizer=SGD),
    "optimizer dict": dict(optimizer={"a": 1}), "loss None": dict(loss=None), "loss 3": dict(loss=3),
    "loss 'nope'": dict(loss="nope"), "loss object()": dict(loss=object()),
    "loss dict, wrong key": dict(loss={"x": "mse"}), "loss []": dict(loss=[]), "metrics 3": dict(metrics=3),
    "metrics [3]": dict(metrics=[3]), "metrics [None]": dict(metrics=[None]),
    "metrics [object()]": dict(metrics=[object()]),
    "metrics dict, wrong key": dict(metrics={"x": ["mae"]}), "weighted_metrics [None]": dict(weighted_metrics=[None]),
    "loss_weights 'a'": dict(loss_weights="a"), "two loss_weights": dict(loss_weights=[1, 2]),
    "loss_weights dict, wrong key": dict(loss_weights={"x": 1}), "loss_weights NaN": dict(loss_weights=float("nan")),
    "loss_weights inf": dict(loss_weights=float("inf")), "loss_weights 1j": dict(loss_weights=1j),
    "loss_weights object()": dict(loss_weights=object()), "unknown argument": dict(los="mse"),
}


@pytest.mark.parametrize("name", list(BAD_COMPILE))
def test_bad_compile_is_refused_and_the_old_compile_still_trains(name):
    model, twin = net(), net()
    twin.set_weights(model.get_weights())
    model.fit(X, Y, shuffle=False, verbose=0)
    twin.fit(X, Y, shuffle=False, verbose=0)
    optimizer, loss = model.optimizer, model.loss
    refused(lambda: model.compile(**{"optimizer": "adam", "loss": "mae", **BAD_COMPILE[name]}), model)
    assert model.optimizer is optimizer and model.loss == loss
    model.fit(X, Y, shuffle=False, verbose=0)
    twin.fit(X, Y, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("metric", ["nope", "accuracyy"])
def test_an_unknown_metric_is_refused_before_the_first_step(metric):
    model = net(compiled=False)
    model.compile("sgd", "mse", metrics=[metric])
    refused(lambda: model.fit(X, Y, verbose=0), model)
