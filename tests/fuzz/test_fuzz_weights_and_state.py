"""Fuzzing (see fuzz_helpers.py): set_weights, a stateful model's state, the pure core's params, and updates that would overflow."""
import numpy as np
import pytest

import minikeras
from minikeras import layers as L
from minikeras.optimizers import SGD
from minikeras.params import flatten_params
from fuzz_helpers import RNG, X, Y, SEQUENCES, net, snapshot, refused


# ---- set_weights -------------------------------------------------------------------------------------------------
def _weights_like(fill):
    return [fill(w) for w in net().get_weights()]


BAD_WEIGHTS = {
    "a string": "abc", "a dict": {"a": 1}, "one too few": _weights_like(np.array)[:-1],
    "one too many": _weights_like(np.array) * 2, "transposed": _weights_like(lambda w: w.T.copy()),
    "strings": _weights_like(lambda w: np.full(w.shape, "a")), "complex": _weights_like(lambda w: w + 1j),
    "1e39": _weights_like(lambda w: np.full(w.shape, 1e39)), "Nones": [None] * 4,
    "ragged nested lists": _weights_like(lambda w: w.tolist())[:-1] + [[1.0, [2.0]]],
}


@pytest.mark.parametrize("name", list(BAD_WEIGHTS))
def test_bad_weights_are_refused_by_model_and_layer(name):
    model = net()
    refused(lambda: model.set_weights(BAD_WEIGHTS[name]), model)
    layer_weights = BAD_WEIGHTS[name][:2] if isinstance(BAD_WEIGHTS[name], list) else BAD_WEIGHTS[name]
    refused(lambda: model.layers[1].set_weights(layer_weights), model)


@pytest.mark.parametrize("value", [None, 3])
def test_non_list_weights_are_refused_by_a_layer(value):
    model = net()
    refused(lambda: model.layers[1].set_weights(value), model)


@pytest.mark.parametrize("value", [None, 3])
def test_non_list_weights_are_refused_by_a_model(value):
    model = net()
    refused(lambda: model.set_weights(value), model)


# ---- a stateful model keeps its state through every refusal ----------------------------------------------------------
def stateful():
    model = minikeras.Sequential([minikeras.Input((5, 3), batch_size=2), L.LSTM(4, stateful=True), L.Dense(1)],
                                 name="stateful")
    model.compile("sgd", "mse")
    model.predict(RNG.normal(size=(2, 5, 3)), verbose=0)   # a state that is not zeros
    return model


BAD_STATEFUL_CALLS = {
    "3 samples": lambda m: m.fit(SEQUENCES[:3], np.zeros((3, 1)), batch_size=2, verbose=0),
    "batch_size 4": lambda m: m.predict(SEQUENCES, batch_size=4, verbose=0),
    "4 features": lambda m: m.predict(np.zeros((2, 5, 4)), verbose=0),
    "NaN": lambda m: m.fit(np.full((2, 5, 3), np.nan), np.zeros((2, 1)), verbose=0),
    "strings": lambda m: m.evaluate(np.full((2, 5, 3), "a"), np.zeros((2, 1)), verbose=0),
    "bad target": lambda m: m.train_on_batch(SEQUENCES[:2], np.zeros((2, 7))),
    "bad validation": lambda m: m.fit(SEQUENCES, np.zeros((4, 1)), batch_size=2, validation_data=(SEQUENCES[:3], Y[:3]),
                                      verbose=0),
}


@pytest.mark.parametrize("name", list(BAD_STATEFUL_CALLS))
def test_a_stateful_model_keeps_its_weights_and_state(name):
    model = stateful()
    assert any(np.any(s != 0) for s in flatten_params(model.get_states()))
    refused(lambda: BAD_STATEFUL_CALLS[name](model), model)


# ---- the pure core's entry points ----------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [lambda m: m.apply(None, X), lambda m: m.apply({"nope": {}}, X),
                                  lambda m: setattr(m, "params", {m.layers[1].name: {"kernel": np.zeros((5, 5))}}),
                                  lambda m: setattr(m, "params", "abc")],
                         ids=["apply(None)", "apply(wrong layer)", "params of wrong shape", "params a string"])
def test_the_pure_core_refuses_bad_params(call):
    model = net()
    refused(lambda: call(model), model)


# ---- huge values that are finite as data but overflow an update ------------------------------------------------------
def test_an_update_that_would_overflow_is_not_applied():
    model = minikeras.Sequential([minikeras.Input((3,)), L.Dense(1)], name="huge")
    model.compile(SGD(learning_rate=1e30), "mse")
    x, y = np.full((4, 3), 1e15, "float32"), np.full((4, 1), 1e15, "float32")
    refused(lambda: model.train_on_batch(x, y), model)
    before = snapshot(model)
    with pytest.warns(RuntimeWarning, match=r"Model 'huge': the update overflowed .* at epoch 1, batch 1"):
        model.fit(x, y, epochs=3, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, snapshot(model)))
