"""Constructor arguments refused with the exception type Keras 3's own tests expect (minikeras's own wording)."""
import json
import os

import pytest

import minikeras
from minikeras.layers import Dense, Dropout, Embedding, RepeatVector


@pytest.mark.parametrize("n", ["3", 3.5, [3], True])
def test_repeat_vector_n_of_the_wrong_type_is_a_type_error(n):
    with pytest.raises(TypeError, match="RepeatVector: n must be an integer"):
        RepeatVector(n=n)


@pytest.mark.parametrize("n", [0, -3])
def test_repeat_vector_n_not_positive_is_a_value_error(n):
    with pytest.raises(ValueError, match="RepeatVector: n must be a positive integer"):
        RepeatVector(n=n)


@pytest.mark.parametrize("noise_shape, message", [("Invalid", "tuple or list"), ((20, 1.5, 10), "integers or None"),
                                                  ((20, -1, 10), "positive"), ((20, 0, 10), "positive")])
def test_dropout_noise_shape_is_checked(noise_shape, message):
    with pytest.raises(ValueError, match=f"Dropout: noise_shape.*{message}"):
        Dropout(0.5, noise_shape=noise_shape)


def test_dropout_noise_shape_keeps_none_entries():
    assert Dropout(0.5, noise_shape=[20, None, 3]).noise_shape == (20, None, 3)


@pytest.mark.parametrize("rate", [-0.5, 1.5])
def test_dropout_rate_out_of_range_is_a_value_error(rate):
    with pytest.raises(ValueError, match="Dropout: rate"):
        Dropout(rate)


def test_dropout_rate_of_another_type_is_a_type_error():
    with pytest.raises(TypeError, match="Dropout: rate"):
        Dropout("0.5")


@pytest.mark.parametrize("units", [0, -3, 2.5, None, "64"])
def test_dense_units_is_a_value_error(units):
    with pytest.raises(ValueError, match="positive integer"):
        Dense(units)


@pytest.mark.parametrize("bad", [3.7, 4.0, "3", None, True, False, -1, 0])
def test_embedding_dims_are_value_errors(bad):
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        Embedding(input_dim=bad, output_dim=8)
    with pytest.raises(ValueError, match="output_dim must be a positive integer"):
        Embedding(input_dim=10, output_dim=bad)


# ---- every bad constructor call of fixtures/conformance/constructor_errors.json ---------------------------
FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "conformance",
                       "constructor_errors.json")
with open(FIXTURE) as f:
    CONSTRUCTOR_CASES = json.load(f)

# where minikeras deliberately differs from Keras 3 (docs/differences.md): (layer, repr of the arguments) -> type
DELIBERATE = {
    # refused at once where Keras accepts the value and fails later, or clips it without a word
    ("Reshape", "['ab'] {}"): "TypeError", ("Reshape", "[[2.5, 2]] {}"): "TypeError",
    ("Concatenate", "[] {'axis': 'x'}"): "TypeError", ("Concatenate", "[] {'axis': 1.5}"): "TypeError",
    ("MaxPooling1D", "[2] {'padding': 'nope'}"): "ValueError",
    ("AveragePooling2D", "[2] {'strides': 0}"): "ValueError",
    ("LSTM", "[3] {'dropout': 1.5}"): "ValueError", ("GRU", "[3] {'recurrent_dropout': -1}"): "ValueError",
    # a value of the wrong type is a TypeError here; Keras's ValueError or TypeError there is incidental
    ("Permute", "['ab'] {}"): "TypeError", ("Activation", "[3] {}"): "TypeError",
    ("Conv2D", "['2', 3] {}"): "ValueError", ("MaxPooling1D", "['2'] {}"): "ValueError",
    ("LSTM", "['3'] {}"): "ValueError",
}


def outcome_of(case):
    args = [minikeras.layers.LSTM(2) if a == "LSTM" else a for a in case["args"]]
    try:
        getattr(minikeras.layers, case["layer"])(*args, **case["kwargs"])
    except (TypeError, ValueError) as error:
        return type(error).__name__
    return "ok"


@pytest.mark.parametrize("case", CONSTRUCTOR_CASES, ids=lambda c: f"{c['layer']}{c['args']}{c['kwargs']}")
def test_constructor_error_types_match_keras(case):
    key = (case["layer"], f"{case['args']} {case['kwargs']}")
    assert outcome_of(case) == DELIBERATE.get(key, case["keras"])


def test_the_deliberate_differences_are_still_differences():
    listed = {(c["layer"], f"{c['args']} {c['kwargs']}"): c["keras"] for c in CONSTRUCTOR_CASES}
    for key, ours in DELIBERATE.items():
        assert key in listed and listed[key] != ours, key
