"""Fuzzing the public entry points with malformed arguments (issue 7): each is refused with a ValueError/TypeError
raised by minikeras's own code in its own words (never a numpy/autograd internal, never a silently wrong result),
and the model's weights and states are exactly what they were. The counts are reported in docs/reliability.md."""
import io
import os
import re
import traceback
import warnings
import zipfile

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import minikeras
from minikeras import layers as L, utils
from minikeras.callbacks import History
from minikeras.models import load_model
from minikeras.optimizers import SGD
from minikeras.params import flatten_params

PACKAGE = os.path.dirname(os.path.abspath(minikeras.__file__)) + os.sep
# what Python and numpy say when a bad value slips through to them: a learner cannot act on these
RAW_MESSAGES = ("object is not iterable", "unsized object", "setting an array element", "ufunc", "cannot reshape array",
                "could not broadcast", "invalid literal", "unsupported operand", "has no attribute",
                "out of bounds", "could not convert", "not subscriptable", "cannot be interpreted as an integer")
JOIN = "fuzz_join"   # Concatenates are named: other tests expect Keras's automatic name "concatenate" unused
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, 3)).astype("float32")
Y = RNG.normal(size=(10, 1)).astype("float32")


def net(compiled=True):
    model = minikeras.Sequential([minikeras.Input((3,)), L.Dense(4, activation="tanh"), L.Dense(1)], name="net")
    if compiled:
        model.compile("sgd", "mse")
    return model


def snapshot(model):
    return [np.array(a) for a in model.get_weights() + flatten_params(model.get_states())]


def refused(call, model=None, errors=(ValueError, TypeError)):
    """`call()` raises one of `errors` from a line of minikeras, in words, and leaves `model` as it was."""
    before = snapshot(model) if model is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(errors) as caught:
            call()
    frame = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert frame.filename.startswith(PACKAGE), f"raised in {frame.filename}:{frame.lineno}: {caught.value!r}"
    assert not any(raw in _outside_parentheses(str(caught.value)) for raw in RAW_MESSAGES), \
        f"a raw internal message: {caught.value}"
    if model is not None:
        after = snapshot(model)
        assert len(before) == len(after) and all(np.array_equal(a, b, equal_nan=True) for a, b in zip(before, after))
    return caught.value


def _outside_parentheses(message):
    """The message without its (asides): minikeras may quote numpy's words there, after saying what is wrong."""
    while True:
        shorter = re.sub(r"\([^()]*\)", "", message)
        if shorter == message:
            return message
        message = shorter


def _rows(value):
    return len(value) if isinstance(value, np.ndarray) and value.ndim else 10


METHODS = {
    "fit": lambda m, x, y: m.fit(x, y, verbose=0),
    "evaluate": lambda m, x, y: m.evaluate(x, y, verbose=0),
    "predict": lambda m, x, y: m.predict(x, verbose=0),
    "train_on_batch": lambda m, x, y: m.train_on_batch(x, y),
    "test_on_batch": lambda m, x, y: m.test_on_batch(x, y),
    "predict_on_batch": lambda m, x, y: m.predict_on_batch(x),
}
TRAINING_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch")

# ---- x: the model wants (samples, 3) floats ---------------------------------------------------------------------
BAD_X = {
    "None": None, "a string": "abc", "an int": 3, "a float": 3.0, "an empty list": [], "an empty array": np.array([]),
    "0 samples": np.zeros((0, 3)), "rank 1": np.zeros(10), "5 features": np.zeros((10, 5)),
    "rank 3": np.zeros((10, 3, 1)), "ragged lists": [[1, 2, 3], [1, 2]] * 5, "None inside": [[1, 2, None]] * 10,
    "object array": np.array([[1, 2, None]] * 10, dtype=object), "complex": np.ones((10, 3), complex),
    "strings": np.full((10, 3), "a"), "lists of strings": [["a", "b", "c"]] * 10,
    "datetime64": np.zeros((10, 3), "datetime64[s]"), "a dict with a wrong key": {"nope": X}, "two arrays": [X, X],
    "a set": {1, 2, 3}, "a generator": lambda: (row for row in X),
    "1e39 (too large for float32)": np.full((10, 3), 1e39),
    "-1e39": np.full((10, 3), -1e39), "bytes": b"abc",
}


@pytest.mark.parametrize("name", list(BAD_X))
@pytest.mark.parametrize("method", list(METHODS))
def test_bad_x_is_refused(method, name):
    x = BAD_X[name]() if callable(BAD_X[name]) else BAD_X[name]
    model = net()
    refused(lambda: METHODS[method](model, x, Y[:_rows(x)]), model)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", TRAINING_METHODS)
def test_non_finite_x_is_refused_before_training(method, bad):
    x = X.copy()
    x[4, 1] = bad
    model = net()
    error = refused(lambda: METHODS[method](model, x, Y), model)
    assert "(4, 1)" in str(error)


def test_nan_x_in_predict_gives_nan_exactly_where_it_was():
    # not an error (Keras returns NaN too), but never silently a number: the other rows are untouched
    model, x = net(), X.copy()
    x[4, 1] = np.nan
    out, clean = model.predict(x, verbose=0), model.predict(X, verbose=0)
    assert np.isnan(out[4]).all() and np.array_equal(np.delete(out, 4, 0), np.delete(clean, 4, 0))


# a deliberate decision: whole numbers and bools into a float model are cast (Keras does; tutorials pass int arrays)
ACCEPTED_X = {"int64": np.arange(30).reshape(10, 3), "int32": np.arange(30, dtype="int32").reshape(10, 3),
              "uint8": np.arange(30, dtype="uint8").reshape(10, 3), "bool": np.arange(30).reshape(10, 3) % 2 == 0,
              "float16": X.astype("float16"), "float64": X.astype("float64"), "nested lists": X.tolist(),
              "2**62 (fits float32)": np.full((10, 3), 2 ** 62)}


@pytest.mark.parametrize("name", list(ACCEPTED_X))
def test_numbers_of_other_dtypes_are_cast_as_keras_does(name):
    model, x = net(), ACCEPTED_X[name]
    as_float = np.asarray(x, dtype="float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(as_float, verbose=0))
    twin = net()
    twin.set_weights(model.get_weights())
    model.fit(x, Y, shuffle=False, verbose=0)
    twin.fit(as_float, Y, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


# ---- y: the model's output is (samples, 1) ------------------------------------------------------------------------
BAD_Y = {
    "None": None, "a string": "abc", "strings": np.full(10, "a"), "complex": np.ones((10, 1), complex),
    "2 columns": np.zeros((10, 2)), "rank 3": np.zeros((10, 1, 1)), "ragged": [[1], [1, 2]] * 5,
    "NaN": np.full((10, 1), np.nan), "inf": np.full((10, 1), np.inf), "1e39": np.full((10, 1), 1e39),
    "a dict with a wrong key": {"x": Y}, "objects": np.array([None] * 10), "3 samples": Y[:3], "a number": 1.0,
    "0 samples": np.zeros((0, 1)),
}


@pytest.mark.parametrize("name", list(BAD_Y))
@pytest.mark.parametrize("method", TRAINING_METHODS)
def test_bad_y_is_refused(method, name):
    model = net()
    refused(lambda: METHODS[method](model, X, BAD_Y[name]), model)


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


# ---- sample_weight and class_weight -----------------------------------------------------------------------------
BAD_SAMPLE_WEIGHT = {
    "4 weights": np.ones(4), "2 columns": np.ones((10, 2)), "a string": "abc", "strings": np.full(10, "a"),
    "NaN": np.full(10, np.nan), "inf": np.full(10, np.inf), "a dict": {"x": 1}, "a number": 1.0,
    "complex": np.ones(10, complex), "ragged": [[1], [1, 2]] * 5, "1e39": np.full(10, 1e39),
    "objects": np.array([None] * 10), "two arrays for one output": [np.ones(10), np.ones(10)],
}


@pytest.mark.parametrize("name", list(BAD_SAMPLE_WEIGHT))
@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch"])
def test_bad_sample_weight_is_refused(method, name):
    model, weight = net(), BAD_SAMPLE_WEIGHT[name]
    call = {"fit": lambda: model.fit(X, Y, sample_weight=weight, verbose=0),
            "evaluate": lambda: model.evaluate(X, Y, sample_weight=weight, verbose=0),
            "train_on_batch": lambda: model.train_on_batch(X, Y, sample_weight=weight)}[method]
    refused(call, model)


@pytest.mark.parametrize("same", [list(np.arange(10.0)), np.arange(10.0)[:, None], [np.arange(10.0)]],
                         ids=["a list of numbers", "a column", "a one-array list"])
def test_sample_weight_spellings_mean_the_same(same):
    model = net()
    expected = model.evaluate(X, Y, sample_weight=np.arange(10.0), verbose=0)
    assert model.evaluate(X, Y, sample_weight=same, verbose=0) == pytest.approx(expected)


BAD_CLASS_WEIGHT = {"a list": [1, 2], "a string": "balanced", "an int": 3, "a string weight": {0: "a"},
                    "a NaN weight": {0: float("nan")}, "a None weight": {0: None}, "a string key": {"a": 1.0},
                    "a float key": {0.5: 1.0}, "an inf weight": {1: float("inf")}}


@pytest.mark.parametrize("name", list(BAD_CLASS_WEIGHT))
@pytest.mark.parametrize("method", ["fit", "train_on_batch"])
def test_bad_class_weight_is_refused(method, name):
    model, weights = net(), BAD_CLASS_WEIGHT[name]
    call = {"fit": lambda: model.fit(X, Y, class_weight=weights, verbose=0),
            "train_on_batch": lambda: model.train_on_batch(X, Y, class_weight=weights)}[method]
    refused(call, model)


BAD_VALIDATION = {"x alone": X, "one item": (X,), "four items": (X, Y, None, 1),
                  "5 features": (np.zeros((4, 5)), Y[:4]),
                  "a dict": {"x": X}, "a string": "abc", "2-column y": (X, np.zeros((10, 2))),
                  "NaN y": (X, np.full((10, 1), np.nan)), "Nones": (None, None), "3 targets": (X, Y[:3]),
                  "string x": (np.full((10, 3), "a"), Y)}


@pytest.mark.parametrize("name", list(BAD_VALIDATION))
def test_bad_validation_data_is_refused_before_the_first_epoch(name):
    model = net()
    refused(lambda: model.fit(X, Y, validation_data=BAD_VALIDATION[name], epochs=2, verbose=0), model)


# ---- compile: a failed compile changes nothing, not even the optimizer ------------------------------------------
BAD_COMPILE = {
    "optimizer None": dict(optimizer=None), "optimizer 3": dict(optimizer=3),
    "optimizer 'nope'": dict(optimizer="nope"),
    "optimizer object()": dict(optimizer=object()), "optimizer class": dict(optimizer=SGD),
    "optimizer dict": dict(optimizer={"a": 1}), "loss None": dict(loss=None), "loss 3": dict(loss=3),
    "loss 'nope'": dict(loss="nope"), "loss object()": dict(loss=object()), "two losses": dict(loss=["mse", "mse"]),
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
    "Input(dtype)": _args(lambda v: minikeras.Input(shape=(3,), dtype=v), ["nope", "complex64", 3, "string", object]),
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


# ---- data: NaN anywhere, random shapes and dtypes --------------------------------------------------------------------
@settings(FUZZ)
@given(where=st.sampled_from(["x", "y", "sample_weight"]), bad=st.sampled_from([np.nan, np.inf, -np.inf]),
       row=st.integers(0, 9), method=st.sampled_from(["fit", "evaluate", "train_on_batch"]))
def test_a_non_finite_value_anywhere_is_refused(where, bad, row, method):
    data = {"x": X.copy(), "y": Y.copy(), "sample_weight": np.ones(10, dtype="float32")}
    data[where][row] = bad
    model = net()
    call = getattr(model, method)
    kwargs = {} if method == "train_on_batch" else {"verbose": 0}
    error = refused(lambda: call(data["x"], data["y"], sample_weight=data["sample_weight"], **kwargs), model)
    assert f"{where} contains NaN or inf (first at index ({row}," in str(error)


DTYPES = ["float32", "float64", "int64", "bool", "complex64", "str", "object", "datetime64[s]"]


@settings(FUZZ)
@given(shape=st.lists(st.integers(0, 4), max_size=4), dtype=st.sampled_from(DTYPES))
def test_an_array_of_any_shape_and_dtype_is_predicted_only_if_it_fits(shape, dtype):
    x = np.zeros(shape, dtype="U1" if dtype == "str" else dtype)
    model = net()
    fits = len(shape) == 2 and shape[0] > 0 and shape[1] == 3 and dtype in ("float32", "float64", "int64", "bool")
    if fits:
        assert model.predict(x, verbose=0).shape == (shape[0], 1)
    else:
        refused(lambda: model.predict(x, verbose=0), model)


# ---- several inputs and outputs -----------------------------------------------------------------------------------
def pair():
    a, b = minikeras.Input((3,), name="in_a"), minikeras.Input((3,), name="in_b")
    joined = L.concatenate([a, b], name=JOIN)
    model = minikeras.Model([a, b], [L.Dense(1, name="p")(joined), L.Dense(2, name="q")(joined)], name="pair")
    model.compile("sgd", "mse")
    return model


Y2 = np.zeros((10, 2))
BAD_PAIR_CALLS = {
    "y dict, wrong key": lambda m: m.fit([X, X], {"p": Y, "r": Y2}, verbose=0),
    "x of 10 and 5": lambda m: m.fit([X, X[:5]], [Y, Y2], verbose=0),
    "targets swapped": lambda m: m.fit([X, X], [Y2, Y], verbose=0),
    "one of two sample weights": lambda m: m.fit([X, X], [Y, Y2], sample_weight=[np.ones(10)], verbose=0),
    "three sample weights": lambda m: m.fit([X, X], [Y, Y2], sample_weight=[np.ones(10)] * 3, verbose=0),
    "sample weights as floats": lambda m: m.fit([X, X], [Y, Y2], sample_weight=[1.0] * 10, verbose=0),
    "x as one nested list": lambda m: m.fit([[X, X]], [Y, Y2], verbose=0),
    "predict, dict missing a key": lambda m: m.predict({"in_a": X}, verbose=0),
    "predict, one array": lambda m: m.predict(X, verbose=0),
    "predict, three arrays": lambda m: m.predict([X, X, X], verbose=0),
    "evaluate, one target": lambda m: m.evaluate([X, X], [Y], verbose=0),
    "compile, one loss": lambda m: m.compile("sgd", ["mse"]),
    "compile, metrics for no output": lambda m: m.compile("sgd", "mse", metrics={"zzz": ["mae"]}),
    "compile, three loss_weights": lambda m: m.compile("sgd", "mse", loss_weights=[1, 2, 3]),
}


@pytest.mark.parametrize("name", list(BAD_PAIR_CALLS))
def test_bad_data_for_a_two_input_two_output_model(name):
    model = pair()
    refused(lambda: BAD_PAIR_CALLS[name](model), model)


# ---- integer inputs: Embedding indices and sparse labels ------------------------------------------------------------
def tagger():
    model = minikeras.Sequential([minikeras.Input((4,), dtype="int32"), L.Embedding(10, 2, name="emb"), L.Flatten(),
                                  L.Dense(3, activation="softmax")], name="tagger")
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


INDICES = RNG.integers(0, 10, size=(8, 4))
LABELS = RNG.integers(0, 3, size=8)


@pytest.mark.parametrize("bad", [12, -1])
def test_a_bad_index_in_the_last_batch_is_refused_before_the_first(bad):
    # found only when its batch came, the batches before it would already have changed the weights
    x = INDICES.copy()
    x[-1, 0] = bad
    model = tagger()
    error = refused(lambda: model.fit(x, LABELS, batch_size=2, shuffle=False, verbose=0), model)
    assert f"Layer 'emb' (Embedding) got index {bad}" in str(error)
    refused(lambda: model.fit(INDICES, LABELS, validation_data=(x, LABELS), verbose=0), model)


BAD_INDICES = {"1.5": INDICES + 0.5, "1e39": np.full((8, 4), 1e39), "strings": INDICES.astype(str),
               "rank 3": INDICES[..., None], "5 steps": RNG.integers(0, 10, size=(8, 5)),
               "2**40": np.full((8, 4), 2 ** 40)}


@pytest.mark.parametrize("name", list(BAD_INDICES))
def test_bad_indices_are_refused(name):
    model = tagger()
    refused(lambda: model.fit(BAD_INDICES[name], LABELS, verbose=0), model)


@pytest.mark.parametrize("label", [-1, 3, 1.5, 10 ** 6])
@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_a_label_that_names_no_class_is_refused(method, label):
    # inside the loss (Keras's rule) such a label silently counts 0: the sample would be quietly ignored
    labels = LABELS.astype("float64")
    labels[5] = label
    model = tagger()
    error = refused(lambda: getattr(model, method)(INDICES, labels, verbose=0), model)
    assert f"holds the label {float(label)!r}" in str(error) and "0..2" in str(error)


# ---- a stateful model keeps its state through every refusal ----------------------------------------------------------
def stateful():
    model = minikeras.Sequential([minikeras.Input((5, 3), batch_size=2), L.LSTM(4, stateful=True), L.Dense(1)],
                                 name="stateful")
    model.compile("sgd", "mse")
    model.predict(RNG.normal(size=(2, 5, 3)), verbose=0)   # a state that is not zeros
    return model


SEQUENCES = RNG.normal(size=(4, 5, 3))
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


# ---- utils -----------------------------------------------------------------------------------------------------------
BAD_TO_CATEGORICAL = {"1.5": ([1.5],), "-1": ([-1],), "NaN": ([np.nan],), "inf": ([np.inf],), "num_classes 0": ([1], 0),
                      "num_classes -1": ([1], -1), "num_classes below a label": ([5], 2)}
BAD_PAD_SEQUENCES = {"padding 'mid'": ([[1]], None, "int32", "mid"), "truncating 3": ([[1]], None, "int32", "pre", 3)}
UTILS_CASES = ([("to_categorical", k, v) for k, v in BAD_TO_CATEGORICAL.items()]
               + [("pad_sequences", k, v) for k, v in BAD_PAD_SEQUENCES.items()])
# found by this fuzzing in minikeras/utils/data.py, and fixed: they gave numpy's or Python's own message, or a value
# silently changed
RAW = {"to_categorical": {"strings": (["a"],), "None": (None,), "objects": (np.array([None]),), "complex": ([1j],),
                          "ragged": ([[1], [1, 2]],), "num_classes '3'": ([1], "3")},
       "pad_sequences": {"None": (None,), "a string": ("abc",), "a flat list": ([1, 2, 3],), "strings": ([["a", "b"]],),
                         "ragged features": ([[[1, 2], [3]]],), "features of 2 and 3": ([[[1, 2]], [[1, 2, 3]]],),
                         "a dict": ({"a": [1]},), "an int": (5,)}}
UTILS_NOT_YET_CLEAN = {
    **{f"{function} {name}": (getattr(utils, function), args) for function, cases in RAW.items()
       for name, args in cases.items()},
    "to_categorical num_classes 2.5": (utils.to_categorical, ([1], 2.5)),
    "to_categorical label 1e12 (numpy: array is too big)": (utils.to_categorical, ([10 ** 12],)),
    "to_categorical num_classes True": (utils.to_categorical, ([0], True)),
    "pad_sequences maxlen -1": (utils.pad_sequences, ([[1, 2]], -1)),
    "pad_sequences maxlen 2.5 (truncated to 2)": (utils.pad_sequences, ([[1, 2]], 2.5)),
    "pad_sequences maxlen '3' (taken as 3)": (utils.pad_sequences, ([[1, 2]], "3")),
    "pad_sequences maxlen True (taken as 1)": (utils.pad_sequences, ([[1, 2]], True)),
    "pad_sequences dtype 'nope'": (utils.pad_sequences, ([[1]], None, "nope")),
    "pad_sequences value 'x'": (utils.pad_sequences, ([[1], []], None, "int32", "pre", "pre", "x")),
    "pad_sequences value NaN into int32 (becomes -2**31)": (utils.pad_sequences, ([[1, 2], [3]], None, "int32", "pre",
                                                                                   "pre", np.nan)),
    "pad_sequences 2**40 into int32 (becomes 0)": (utils.pad_sequences, ([[2 ** 40]],)),
}


@pytest.mark.parametrize("function, name, args", UTILS_CASES, ids=[f"{f} {n}" for f, n, _ in UTILS_CASES])
def test_bad_arguments_to_utils_are_refused(function, name, args):
    refused(lambda: getattr(utils, function)(*args))


@pytest.mark.parametrize("name", list(UTILS_NOT_YET_CLEAN))
def test_utils_arguments_found_by_fuzzing_are_refused(name):
    function, args = UTILS_NOT_YET_CLEAN[name]
    refused(lambda: function(*args))


# ---- files: load_model and load_weights on what is not a model file ------------------------------------------------
def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _weights_bytes(tmp_path):
    path = tmp_path / "w.weights.h5"
    net().save_weights(str(path))
    return path.read_bytes()


BAD_FILES = {
    "empty": lambda tmp: b"", "random bytes": lambda tmp: bytes(range(256)) * 3, "text": lambda tmp: b"hello",
    "a zip without config.json": lambda tmp: _zip({"other.txt": "hi"}),
    "config.json not JSON": lambda tmp: _zip({"config.json": "{not json", "model.weights.h5": _weights_bytes(tmp)}),
    "config.json a list": lambda tmp: _zip({"config.json": "[1, 2]", "model.weights.h5": _weights_bytes(tmp)}),
    "an unknown class": lambda tmp: _zip({"config.json": '{"class_name": "Nope", "config": {}}',
                                          "model.weights.h5": _weights_bytes(tmp)}),
    "a layer with units -3": lambda tmp: _zip({"config.json": '{"class_name": "Sequential", "config": {"layers": '
                                                              '[{"class_name": "Dense", "config": {"units": -3}}]}}',
                                               "model.weights.h5": _weights_bytes(tmp)}),
    "a weights file named .keras": _weights_bytes,
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_load_model_refuses_what_is_not_a_model(tmp_path, name):
    path = tmp_path / "model.keras"
    path.write_bytes(BAD_FILES[name](tmp_path))
    refused(lambda: load_model(str(path)))


def test_load_model_on_missing_paths_and_non_paths(tmp_path):
    refused(lambda: load_model(str(tmp_path / "missing.keras")), errors=FileNotFoundError)
    refused(lambda: load_model(str(tmp_path)))
    for not_a_path in (None, 3, 2.5):
        refused(lambda: load_model(not_a_path))
    good = tmp_path / "good.keras"
    net().save(str(good))
    half = tmp_path / "half.keras"
    half.write_bytes(good.read_bytes()[:len(good.read_bytes()) // 2])
    refused(lambda: load_model(str(half)))


@pytest.mark.parametrize("content", [b"", b"hello", None], ids=["empty", "text", "an empty HDF5 file"])
def test_load_weights_refuses_what_is_not_a_weights_file(tmp_path, content):
    path = tmp_path / "w.weights.h5"
    if content is None:
        h5py.File(path, "w").close()
    else:
        path.write_bytes(content)
    model = net()
    refused(lambda: model.load_weights(str(path)), model)
    refused(lambda: model.load_weights(str(tmp_path / "missing.weights.h5")), model, errors=FileNotFoundError)


@pytest.mark.parametrize("config", ["{bad", '{"class_name": "Sequential", "config": 3}'], ids=["not JSON", "config 3"])
def test_load_model_on_a_keras2_file_with_a_broken_config(tmp_path, config):
    path = tmp_path / "broken.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = config
    refused(lambda: load_model(str(path)))


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
    with pytest.warns(RuntimeWarning, match=r"Model 'huge': the loss became inf at epoch 1, batch 1"):
        model.fit(x, y, epochs=3, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, snapshot(model)))
