"""fit / evaluate / predict on batches streamed from generators and PyDatasets, against Keras 3: the same model,
initial weights and stream end with Keras's weights and history (fixtures/streaming.*, from
make_streaming_fixtures.py)."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import minikeras as K

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "streaming.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "streaming.npz")))
BATCH = FACTS["batch"]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


# ---- the streams of the fixture script, for minikeras ----------------------------------------------------------------
def batches(x, y, sw=None):
    return [(x[i:i + BATCH], y[i:i + BATCH]) if sw is None else (x[i:i + BATCH], y[i:i + BATCH], sw[i:i + BATCH])
            for i in range(0, len(x), BATCH)]


sys.path.insert(0, FIXTURES)
from streaming_sources import endless, stream_kinds  # noqa: E402

ListDataset, make_stream = stream_kinds(K)


def numbered(prefix):
    items = []
    while f"{prefix}{len(items)}" in ARRAYS:
        items.append(ARRAYS[f"{prefix}{len(items)}"])
    return items


# ---- weights after fit equal Keras's -------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(FACTS["fit"]))
def test_fit_on_a_stream_ends_with_keras_weights_and_history(case):
    spec = FACTS["fit"][case]
    model = eval(spec["model"], {"K": K})
    model.set_weights(numbered(f"fit/{case}/w_init"))
    opt_name, opt_kwargs = spec["optimizer"]
    model.compile(optimizer=getattr(K.optimizers, opt_name)(**opt_kwargs), loss=spec["loss"], metrics=spec["metrics"])
    items = batches(ARRAYS[f"fit/{case}/x"], ARRAYS[f"fit/{case}/y"], ARRAYS.get(f"fit/{case}/sw"))
    extras = {}
    if spec["validation"]:
        x_val, y_val = ARRAYS["fit/lstm_generator_weighted/x"][12:], ARRAYS["fit/lstm_generator_weighted/y"][12:]
        extras["validation_data"] = make_stream(spec["validation"], batches(x_val, y_val))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(make_stream(spec["stream"], items), shuffle=False, verbose=0, **spec["fit"], **extras)
    warned = any("ran out of data" in str(w.message) for w in caught)
    # Keras warns at the end of a finite generator even when no steps_per_epoch asked for more: minikeras does not
    assert warned == (spec["warned_ran_out"] and spec["stream"] != "finite")
    for got, expected in zip(model.get_weights(), numbered(f"fit/{case}/w_final")):
        np.testing.assert_allclose(got, expected, **TOLERANCE)
    assert sorted(history.history) == sorted(spec["history"])
    for name, values in spec["history"].items():
        np.testing.assert_allclose(history.history[name], values, **TOLERANCE)


@pytest.mark.parametrize("model_name", ["dense", "lstm"])
def test_evaluate_and_predict_on_streams_equal_keras(model_name):
    model = K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="tanh"), K.layers.Dense(1)]) \
        if model_name == "dense" else K.Sequential([K.Input((5, 2)), K.layers.LSTM(4), K.layers.Dense(1)])
    model.set_weights(numbered(f"evaluate/{model_name}/w"))
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = ARRAYS[f"evaluate/{model_name}/x"], ARRAYS[f"evaluate/{model_name}/y"]
    sw = ARRAYS["fit/softmax_pydataset_weighted/sw"]
    items = batches(x, y, sw)
    expected = FACTS["evaluate"][model_name]
    got = {"generator_steps_3": model.evaluate(endless(items), steps=3, verbose=0, return_dict=True),
           "pydataset": model.evaluate(ListDataset(items), verbose=0, return_dict=True),
           "finite": model.evaluate(make_stream("finite", items), verbose=0, return_dict=True)}
    for kind, logs in expected.items():
        assert sorted(got[kind]) == sorted(logs)
        for name, value in logs.items():
            np.testing.assert_allclose(got[kind][name], value, **TOLERANCE)
    inputs = [(x[i:i + BATCH],) for i in range(0, len(x), BATCH)]
    predictions = {"finite": model.predict(make_stream("finite", inputs), verbose=0),
                   "generator_steps_3": model.predict(endless(inputs), steps=3, verbose=0),
                   "pydataset": model.predict(ListDataset(items), verbose=0)}
    for kind, values in predictions.items():
        np.testing.assert_allclose(values, ARRAYS[f"predict/{model_name}/{kind}"], **TOLERANCE)
