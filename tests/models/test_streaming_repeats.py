"""Streamed batches that repeat the layout of the batch before are checked by their values only: a bad batch after
many good ones still gets its clear error naming it, and repeats train exactly as the same arrays do."""
import numpy as np
import pytest

import minikeras as K
from minikeras.models import stream_checks
from minikeras.utils import PyDataset

rng = np.random.default_rng(11)
X = rng.normal(size=(48, 3)).astype("float32")
Y = rng.normal(size=(48, 1)).astype("float32")
GOOD = 9        # good batches before the bad one: far past the first, which is the one checked in full


def dense_model():
    model = K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="tanh"), K.layers.Dense(1)])
    model.set_weights([np.full(w.shape, 0.1, "float32") * (i + 1) for i, w in enumerate(model.get_weights())])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    return model


def good_batches(count=GOOD, x=X, y=Y, size=4):
    return [(x[i * size:(i + 1) * size], y[i * size:(i + 1) * size]) for i in range(count)]


def weights_after(batches):
    model = dense_model()
    model.fit(iter(batches), verbose=0)
    return model.get_weights()


def assert_same_weights(got, expected, rtol=0.0):
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=rtol, atol=0.0)


def with_nan(array, where):
    array = array.copy()
    array[where] = np.nan
    return array


BAD_BATCHES = [
    ("wrong shape", (X[:4, :2], Y[:4]), ValueError, r"expects shape \(None, 3\), got an array of shape \(4, 2\)"),
    ("wrong rank", (X[:4, :, None].repeat(2, axis=2), Y[:4]), ValueError, r"expects shape \(None, 3\)"),
    ("strings", (np.full((4, 3), "a"), Y[:4]), TypeError, r"must be numbers, got an array of dtype <U1"),
    ("object dtype", (X[:4].astype(object), Y[:4]), TypeError, r"must be numbers, got an array of dtype object"),
    ("NaN in x", (with_nan(X[:4], (2, 1)), Y[:4]), ValueError, r"x contains NaN or inf \(first at index \(2, 1\)\)"),
    ("inf in y", (X[:4], np.where(np.arange(4)[:, None] == 1, np.inf, Y[:4]).astype("float32")), ValueError,
     r"y contains NaN or inf \(first at index \(1, 0\)\)"),
    ("NaN in weights", (X[:4], Y[:4], np.array([1, np.nan, 1, 1], "float32")), ValueError,
     r"sample_weight contains NaN or inf \(first at index \(1,\)\)"),
    ("four arrays", (X[:4], Y[:4], np.ones(4, "float32"), Y[:4]), ValueError, r"got a tuple of 4 items"),
    ("no targets", (X[:4],), ValueError, r"holds no targets"),
    ("fewer targets", (X[:4], Y[:3]), ValueError, r"same number of samples; got x: 4, y: 3"),
    ("target shape", (X[:4], Y[:4].repeat(2, axis=1)), ValueError, r"target .* has shape \(4, 2\)"),
]


@pytest.mark.parametrize("name, bad, error, expected", BAD_BATCHES, ids=[case[0] for case in BAD_BATCHES])
def test_a_bad_batch_after_many_good_ones_gets_its_clear_error(name, bad, error, expected):
    model = dense_model()
    stream = iter(good_batches() + [bad] + good_batches(2))
    with pytest.raises(error, match=rf"fit\(\): batch {GOOD} \(counting from 0\) of epoch 1 from the generator"
                       ) as info:
        model.fit(stream, verbose=0)
    assert info.match(expected)
    assert_same_weights(model.get_weights(), weights_after(good_batches()))


def test_a_bad_batch_of_a_pydataset_in_a_later_epoch_is_named_too():
    class Batches(PyDataset):
        def __init__(self):
            super().__init__()
            self.epoch = 0

        def __len__(self):
            return GOOD + 1

        def __getitem__(self, index):
            if self.epoch == 2 and index == 7:
                return with_nan(X[:4], (0, 0)), Y[:4]
            return good_batches(GOOD + 1)[index]

        def on_epoch_end(self):
            self.epoch += 1
    with pytest.raises(ValueError, match=r"batch 7 \(counting from 0\) of epoch 2 from the PyDataset .* NaN"):
        dense_model().fit(Batches(), epochs=3, shuffle=False, verbose=0)


def test_evaluate_names_a_bad_batch_after_good_ones():
    stream = iter(good_batches() + [(with_nan(X[:4], (1, 2)), Y[:4])])
    with pytest.raises(ValueError, match=rf"evaluate\(\): batch {GOOD} .* x contains NaN or inf"):
        dense_model().evaluate(stream, verbose=0)


def test_a_bad_batch_after_a_batch_of_another_size_is_still_caught():
    stream = iter(good_batches(3) + [(X[:2], Y[:2])] + good_batches(3) + [(X[:4], Y[:4, :0])])
    with pytest.raises(ValueError, match=r"batch 7 .* target .* has shape \(4, 0\)"):
        dense_model().fit(stream, verbose=0)


def test_a_label_out_of_range_after_good_batches_is_refused():
    model = K.Sequential([K.Input((3,)), K.layers.Dense(4)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    labels = (np.arange(48) % 4).astype("float32")[:, None]
    stream = iter(good_batches(y=labels) + [(X[:4], np.array([[0], [4], [1], [2]], "float32"))])
    with pytest.raises(ValueError, match=rf"batch {GOOD} .* holds the label 4\.0, but a sparse crossentropy over 4"):
        model.fit(stream, verbose=0)


def test_an_embedding_index_out_of_range_after_good_batches_is_refused():
    inputs = K.Input((3,))          # float indices, as Keras 1/2 code often feeds them
    model = K.Model(inputs, K.layers.Dense(1)(K.layers.Flatten()(K.layers.Embedding(10, 2)(inputs))))
    model.compile(optimizer="sgd", loss="mse")
    indices = (np.arange(144).reshape(48, 3) % 10).astype("float32")
    stream = iter(good_batches(x=indices) + [(np.array([[1, 2, 12]] * 4, "float32"), Y[:4])])
    with pytest.raises(ValueError, match=rf"batch {GOOD} .* got index 12, but valid indices are 0\.\.9"):
        model.fit(stream, verbose=0)


def test_predict_names_a_value_too_large_for_float32_after_good_batches():
    good = [X[i:i + 4].astype("float64") for i in range(0, 40, 4)]
    huge = good[0].copy()
    huge[0, 1] = 1e39
    with pytest.raises(ValueError, match=r"predict\(\): batch 10 .* holds 1e\+39 at index \(0, 1\), too large"):
        dense_model().predict(iter(good + [huge]), verbose=0)


# ---- repeats train as arrays do ------------------------------------------------------------------------------------
def fit_on_arrays(x, y, sample_weight=None, model=None):
    model = model or dense_model()
    model.fit(x, y, sample_weight=sample_weight, batch_size=4, shuffle=False, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "float16"])
def test_repeated_batches_of_any_numeric_dtype_train_as_the_arrays_do(dtype):
    x = (X * 3).astype(dtype)
    model = dense_model()
    model.fit(iter([(x[i:i + 4], Y[i:i + 4]) for i in range(0, 48, 4)]), verbose=0)
    assert_same_weights(model.get_weights(), fit_on_arrays(x, Y), rtol=1e-6)


def test_repeated_batches_with_sample_weights_and_a_last_short_batch_train_as_the_arrays_do():
    weights = np.linspace(0.5, 2.0, 46).astype("float64")
    model = dense_model()
    x, y = X[:46], Y[:46]
    model.fit(iter([(x[i:i + 4], y[i:i + 4], weights[i:i + 4]) for i in range(0, 46, 4)]), verbose=0)
    assert_same_weights(model.get_weights(), fit_on_arrays(x, y, weights), rtol=1e-6)


def test_a_batch_that_gives_one_array_twice_does_not_pin_the_next_batches_to_it():
    def two_inputs():
        a, b = K.Input((3,), name="a"), K.Input((3,), name="b")
        model = K.Model([a, b], K.layers.Dense(1)(K.layers.Concatenate()([a, b])))
        model.set_weights([np.linspace(-1, 1, 6, dtype="float32")[:, None], np.zeros(1, "float32")])
        model.compile(optimizer="sgd", loss="mse")
        return model
    other, first = X[::-1].copy(), X[:4]
    stream = [([first, first], Y[:4])] + [([X[i:i + 4], other[i:i + 4]], Y[i:i + 4]) for i in range(4, 48, 4)]
    model, reference = two_inputs(), two_inputs()
    model.fit(iter(stream), verbose=0)
    both = np.concatenate([X[:4], other[4:]])
    reference.fit([X, both], Y, batch_size=4, shuffle=False, verbose=0)
    assert_same_weights(model.get_weights(), reference.get_weights(), rtol=1e-6)


def test_an_autoencoder_stream_of_x_x_trains_as_the_arrays_do():
    model = K.Sequential([K.Input((3,)), K.layers.Dense(2), K.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    start = model.get_weights()
    model.fit(iter([(X[i:i + 4], X[i:i + 4]) for i in range(0, 48, 4)]), verbose=0)
    streamed = model.get_weights()
    model.set_weights(start)
    model.fit(X, X, batch_size=4, shuffle=False, verbose=0)
    assert_same_weights(streamed, model.get_weights(), rtol=1e-6)


def test_predict_on_repeated_batches_equals_predict_on_the_arrays():
    model = dense_model()
    streamed = model.predict(iter([X[i:i + 4].astype("float64") for i in range(0, 48, 4)]), verbose=0)
    np.testing.assert_allclose(streamed, model.predict(X, batch_size=4, verbose=0), rtol=1e-6)


# ---- how often the full checks run ---------------------------------------------------------------------------------
def count_full_checks(monkeypatch):
    calls = []
    full = stream_checks.StreamBatchChecks._full

    def counted(self, raw):
        calls.append(1)
        return full(self, raw)
    monkeypatch.setattr(stream_checks.StreamBatchChecks, "_full", counted)
    return calls


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_stream_of_one_layout_is_checked_in_full_once_per_layout(monkeypatch, dtype):
    calls = count_full_checks(monkeypatch)
    x = X.astype(dtype)
    batches = [(x[i:i + 5], Y[i:i + 5]) for i in range(0, 48, 5)]       # nine of 5 rows, then one of 3
    dense_model().fit(iter(batches * 2), epochs=1, verbose=0)
    assert len(calls) == 4      # the first batch, the short one, the first after it, the second short one


def test_batches_whose_checks_change_them_are_checked_in_full_each_time(monkeypatch):
    calls = count_full_checks(monkeypatch)
    model = dense_model()
    model.fit(iter([(X[i:i + 4, :, None], Y[i:i + 4]) for i in range(0, 48, 4)]), verbose=0)   # x loses an axis
    assert len(calls) == 12
