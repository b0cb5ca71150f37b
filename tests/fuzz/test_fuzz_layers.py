"""Fuzzing (see fuzz_helpers.py): Layer constructors with bad sizes and rates, and layers called on bad inputs."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras
from minikeras import layers as L
from fuzz_helpers import JOIN, FUZZ, X, net, refused


# ---- layer constructors --------------------------------------------------------------------------------------------
def _args(factory, values):
    return [(factory, v) for v in values]


UNITS = [0, -1, 2.5, "4", None, True, float("nan"), [4]]
RATES = [1.0, -0.1, "0.2", None, float("nan"), 2, True]
BAD_CONSTRUCTORS = {
    "Dense(units)": _args(L.Dense, UNITS), "LSTM(units)": _args(L.LSTM, UNITS), "GRU(units)": _args(L.GRU, UNITS),
    "SimpleRNN(units)": _args(L.SimpleRNN, UNITS), "RepeatVector(n)": _args(L.RepeatVector, UNITS),
    "Embedding(input_dim)": _args(lambda v: L.Embedding(v, 2), UNITS),
    "Embedding(output_dim)": _args(lambda v: L.Embedding(5, v), UNITS),
    "Conv2D(filters)": _args(lambda v: L.Conv2D(v, 3), UNITS),
    "Conv2D(kernel_size)": _args(lambda v: L.Conv2D(2, v), [0, -1, 2.5, "3", None, (3,), (3, 3, 3), (0, 3), True]),
    "Conv2D(strides)": _args(lambda v: L.Conv2D(2, 3, strides=v), [0, -1, 2.5, "1", (1,), True]),
    "Conv2D(padding)": _args(lambda v: L.Conv2D(2, 3, padding=v), ["nope", 3, None]),
    "Conv2D(data_format)": _args(lambda v: L.Conv2D(2, 3, data_format=v), ["nope", 3]),
    "Conv1D(kernel_size)": _args(lambda v: L.Conv1D(2, v), [0, -1, 2.5, "3", None, (3, 3)]),
    "MaxPooling2D(pool_size)": _args(L.MaxPooling2D, [0, -1, 2.5, "2", (2,)]),
    "Dropout(rate)": _args(L.Dropout, RATES), "LSTM(dropout)": _args(lambda v: L.LSTM(3, dropout=v), RATES),
    "LSTM(recurrent_dropout)": _args(lambda v: L.LSTM(3, recurrent_dropout=v), RATES),
    "GRU(dropout)": _args(lambda v: L.GRU(3, dropout=v), RATES),
    "SimpleRNN(dropout)": _args(lambda v: L.SimpleRNN(3, dropout=v), RATES),
    "Reshape(target_shape)": _args(L.Reshape, [None, 5, "ab", (2, -1, -1), (0, 3), (-2, 3), (2.5,), (True, 2)]),
    "Permute(dims)": _args(L.Permute, [None, 5, (0, 1), (1, 1), (1.5, 2), "12"]),
    "Activation": _args(L.Activation, ["nope", 3]),
    "LSTM(activation)": _args(lambda v: L.LSTM(3, activation=v), ["nope", 3]),
    "Bidirectional(layer)": _args(L.Bidirectional, [L.Dense(3), "lstm", None, L.LSTM, 3]),
    "Bidirectional(merge_mode)": _args(lambda v: L.Bidirectional(L.LSTM(3), merge_mode=v), ["nope", 3]),
    "TimeDistributed(layer)": _args(L.TimeDistributed, [None, "dense", L.Dense, 3]),
    "Concatenate(axis)": _args(lambda v: L.Concatenate(axis=v, name=JOIN), ["a", 2.5, None, True]),
    "Dot(axes)": _args(lambda v: L.Dot(axes=v), ["a", None, (1, 2, 3), 2.5]),
    "Dense(name)": _args(lambda v: L.Dense(3, name=v), [3, "a/b", ["x"]]),
    "Dense(activation)": _args(lambda v: L.Dense(3, activation=v), ["nope", 3, ["relu"]]),
    "Dense(kernel_initializer)": _args(lambda v: L.Dense(3, kernel_initializer=v), ["nope", 3]),
    "Dense(kernel_regularizer)": _args(lambda v: L.Dense(3, kernel_regularizer=v), ["nope", 3]),
    "Dense(kernel_constraint)": _args(lambda v: L.Dense(3, kernel_constraint=v), ["nope", 3]),
    "Dense(unknown argument)": _args(lambda v: L.Dense(3, **{v: 1}), ["unitz", "activaton"]),
    "Input(shape)": _args(lambda v: minikeras.Input(shape=v), [None, (-1,), (2.5,), "abc", ((3,),), (True,), 3.0]),
    "Input(dtype)": _args(lambda v: minikeras.Input(shape=(3,), dtype=v), ["nope", "complex64", 3, object]),
    "Input(batch_size)": _args(lambda v: minikeras.Input(shape=(3,), batch_size=v), [0, -1, 2.5, "2", True]),
    "Input(name)": _args(lambda v: minikeras.Input(shape=(3,), name=v), [3, ["a"]]),
}
CONSTRUCTOR_CASES = [(f"{k}={v!r}", f, v) for k, cases in BAD_CONSTRUCTORS.items() for f, v in cases]


@pytest.mark.parametrize("label, factory, value", CONSTRUCTOR_CASES, ids=[c[0] for c in CONSTRUCTOR_CASES])
def test_bad_layer_configuration_is_refused(label, factory, value):
    refused(lambda: factory(value))


POSITIVE_INT_LAYERS = {"Dense": L.Dense, "LSTM": L.LSTM, "GRU": L.GRU, "SimpleRNN": L.SimpleRNN,
                       "RepeatVector": L.RepeatVector, "Embedding": lambda v: L.Embedding(v, 2)}
ANY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(), st.text(max_size=2),
                      st.lists(st.integers(1, 3), max_size=2), st.complex_numbers(max_magnitude=3))


@settings(FUZZ)
@given(kind=st.sampled_from(list(POSITIVE_INT_LAYERS)), value=ANY_VALUE)
def test_a_size_is_a_positive_integer_or_refused(kind, value):
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        POSITIVE_INT_LAYERS[kind](value)
    else:
        refused(lambda: POSITIVE_INT_LAYERS[kind](value))


@settings(FUZZ)
@given(kind=st.sampled_from(["Dropout", "LSTM", "GRU", "SimpleRNN"]), value=ANY_VALUE)
def test_a_rate_is_a_number_in_0_1_or_refused(kind, value):
    make = L.Dropout if kind == "Dropout" else lambda v: getattr(L, kind)(2, dropout=v)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        make(value)
    else:
        refused(lambda: make(value))


# ---- layers called on bad inputs (eagerly on arrays, and symbolically while building a model) -----------------------
def two():
    return minikeras.Input((3,))


def seq():
    return minikeras.Input((5, 3))


def _built(layer, first, second):
    layer(first)
    return layer(second)


BAD_CALLS = {
    "Dense(strings)": lambda: L.Dense(2)(np.full((2, 3), "a")), "Dense(None)": lambda: L.Dense(2)(None),
    "Dense(ragged)": lambda: L.Dense(2)([[1, 2], [3]]), "Dense(rank 1)": lambda: L.Dense(2)(np.zeros(5)),
    "Dense(a number)": lambda: L.Dense(2)(3.0), "Dense(complex)": lambda: L.Dense(2)(np.ones((2, 3), complex)),
    "Dense(objects)": lambda: L.Dense(2)(np.array([[1, None]], dtype=object)),
    "Dense(built for 3, got 4)": lambda: _built(L.Dense(2), np.zeros((1, 3)), np.zeros((1, 4))),
    "Dense(unknown last axis)": lambda: L.Dense(2)(minikeras.Input((None,))),
    "Dense(a dict)": lambda: L.Dense(2)({"a": np.zeros((1, 3))}),
    "Dense(two tensors)": lambda: L.Dense(2)([two(), two()]),
    "LSTM(rank 2)": lambda: L.LSTM(2)(np.zeros((2, 3))), "LSTM(symbolic rank 2)": lambda: L.LSTM(2)(two()),
    "LSTM(built for 3, got 4)": lambda: _built(L.LSTM(2), np.zeros((1, 5, 3)), np.zeros((1, 5, 4))),
    "LSTM(initial_state: 1 of 2)": lambda: minikeras.Model(
        [i := seq(), h := two()], L.LSTM(3)(i, initial_state=[h])).predict([np.zeros((2, 5, 3)), np.zeros((2, 3))]),
    "GRU(rank 2)": lambda: L.GRU(2)(np.zeros((2, 3))),
    "SimpleRNN(rank 4)": lambda: L.SimpleRNN(2)(np.zeros((2, 3, 4, 5))),
    "SimpleRNN(symbolic rank 2)": lambda: L.SimpleRNN(2)(two()),
    "Embedding(1.5)": lambda: L.Embedding(10, 2)(np.array([[1.5]])),
    "Embedding(11)": lambda: L.Embedding(10, 2)([[11]]),
    "Embedding(-1)": lambda: L.Embedding(10, 2)(np.array([[-1]])),
    "Embedding(strings)": lambda: L.Embedding(10, 2)([["a"]]),
    "Embedding(NaN)": lambda: L.Embedding(10, 2)(np.array([[np.nan]])),
    "Embedding(inf)": lambda: L.Embedding(10, 2)(np.array([[np.inf]])),
    "Embedding(complex)": lambda: L.Embedding(10, 2)(np.array([[1j]])),
    "Embedding(None)": lambda: L.Embedding(10, 2)(None),
    "Conv2D(rank 3)": lambda: L.Conv2D(2, 3)(np.zeros((1, 5, 5))),
    "Conv2D(symbolic rank 3)": lambda: L.Conv2D(2, 3)(seq()),
    "Conv2D(2x2 image, 3x3 kernel)": lambda: L.Conv2D(2, 3)(np.zeros((1, 2, 2, 1))),
    "Conv2D(symbolic 2x2 image)": lambda: L.Conv2D(2, 3)(minikeras.Input((2, 2, 1))),
    "TimeDistributed(rank 2)": lambda: L.TimeDistributed(L.Dense(2))(two()),
    "TimeDistributed(eager rank 2)": lambda: L.TimeDistributed(L.Dense(2))(np.zeros((2, 3))),
    "Bidirectional(rank 2)": lambda: L.Bidirectional(L.LSTM(2))(two()),
    "Bidirectional(eager rank 2)": lambda: L.Bidirectional(L.LSTM(2))(np.zeros((2, 3))),
    "Concatenate(not a list)": lambda: L.Concatenate(name=JOIN)(two()),
    "Concatenate([])": lambda: L.Concatenate(name=JOIN)([]),
    "Concatenate(ranks 2 and 3)": lambda: L.Concatenate(name=JOIN)([two(), seq()]),
    "Concatenate(axis 5)": lambda: L.Concatenate(axis=5, name=JOIN)([two(), two()]),
    "Concatenate(2 and 3 samples)": lambda: L.Concatenate(name=JOIN)([np.zeros((2, 3)), np.zeros((3, 3))]),
    "Concatenate(eager ranks)": lambda: L.Concatenate(name=JOIN)([np.zeros((2, 3)), np.zeros((2, 3, 1))]),
    "Add(3 and 4 features)": lambda: L.Add()([np.zeros((2, 3)), np.zeros((2, 4))]),
    "Add(one)": lambda: L.Add()([two()]),
    "Add(2 and 3 samples)": lambda: L.Add()([np.zeros((2, 3)), np.zeros((3, 3))]),
    "Subtract(three)": lambda: L.Subtract()([two(), two(), two()]),
    "Dot(3 and 4)": lambda: L.Dot(axes=1)([two(), minikeras.Input((4,))]),
    "Dot(axes 5)": lambda: L.Dot(axes=5)([two(), two()]),
    "Multiply(3 and 4)": lambda: L.Multiply()([two(), minikeras.Input((4,))]),
    "Reshape(3 into 4)": lambda: L.Reshape((4,))(two()),
    "Reshape(eager 3 into 4)": lambda: L.Reshape((4,))(np.zeros((2, 3))),
    "Dropout(strings)": lambda: L.Dropout(0.5)(np.full((1, 1), "a"), training=True),
    "RepeatVector(rank 3)": lambda: L.RepeatVector(2)(seq()),
    "Permute(eager rank)": lambda: L.Permute((2, 1))(np.zeros((2, 3))),
    "Flatten(unknown length) into Dense": lambda: L.Dense(2)(L.Flatten()(minikeras.Input((None, 3)))),
    "model(a string)": lambda: net()("abc"), "model(None)": lambda: net()(None),
    "model(4 features)": lambda: net()(np.zeros((2, 4))),
    "model(ragged)": lambda: net()([[1, 2, 3], [1]]), "model(two arrays)": lambda: net()([X, X]),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_a_layer_called_on_bad_input_is_refused(name):
    refused(BAD_CALLS[name])


@pytest.mark.parametrize("x", [np.full((1, 5, 3), "a"), np.zeros((1, 0, 3))], ids=["strings", "0 steps"])
def test_a_recurrent_layer_called_eagerly_on_bad_input(x):
    refused(lambda: L.LSTM(2)(x))


def test_bools_into_an_embedding_are_indices_0_and_1():
    layer = L.Embedding(10, 2)
    np.testing.assert_array_equal(layer(np.array([[True, False]])), layer(np.array([[1, 0]])))
