"""Fuzzing (see fuzz_helpers.py): the data given to fit/evaluate/predict and the *_on_batch methods: x, y, sample
and class weights, validation data, non-finite values, any shape and dtype, two-input models, Embedding indices and
sparse labels."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras
from minikeras import layers as L
from fuzz_helpers import (JOIN, FUZZ, X, Y, INDICES, LABELS, FIVE_STEP_INDICES, net, refused, _rows, METHODS,
                          TRAINING_METHODS)


# ---- x: the model wants (samples, 3) floats ---------------------------------------------------------------------
BAD_X = {
    "None": None, "a string": "abc", "an int": 3, "a float": 3.0, "an empty list": [], "an empty array": np.array([]),
    "0 samples": np.zeros((0, 3)), "rank 1": np.zeros(10), "5 features": np.zeros((10, 5)),
    "rank 3": np.zeros((10, 3, 2)), "ragged lists": [[1, 2, 3], [1, 2]] * 5, "None inside": [[1, 2, None]] * 10,
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
    # (n, 3, 1) fits too: Keras 3 squeezes a last axis of 1 that the Input does not have
    rank_fits = (len(shape) == 2 and shape[1] == 3) or (len(shape) == 3 and shape[1:] == [3, 1])
    fits = rank_fits and shape[0] > 0 and dtype in ("float32", "float64", "int64", "bool")
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
               "rank 3": np.stack([INDICES, INDICES], axis=-1), "5 steps": FIVE_STEP_INDICES,
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
