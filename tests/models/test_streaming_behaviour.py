"""What a user sees when fit/evaluate/predict read a stream: bad batches named, running out of data, PyDataset
hooks and options, batches read one at a time, stateful models, validation streams, Keras 3's argument rules."""
import warnings

import numpy as np
import pytest

import minikeras as K
from minikeras.utils import PyDataset, Sequence

rng = np.random.default_rng(7)
X = rng.normal(size=(16, 3)).astype("float32")
Y = rng.normal(size=(16, 1)).astype("float32")


def dense_model():
    model = K.Sequential([K.Input((3,)), K.layers.Dense(4, activation="tanh"), K.layers.Dense(1)])
    model.set_weights([np.full(w.shape, 0.1, "float32") * (i + 1) for i, w in enumerate(model.get_weights())])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


def batches(x=X, y=Y, size=4):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


class Batches(PyDataset):
    def __init__(self, items, **kwargs):
        super().__init__(**kwargs)
        self.items, self.calls = items, []

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        self.calls.append(index)
        return self.items[index]

    def on_epoch_begin(self):
        self.calls.append("begin")

    def on_epoch_end(self):
        self.calls.append("end")


# ---- a bad batch -------------------------------------------------------------------------------------------------------
def weights_after_good_batches(count):
    model = dense_model()
    model.fit((b for b in batches()[:count]), verbose=0)
    return model.get_weights()


@pytest.mark.parametrize("bad, error, expected", [
    ((X[:4, :2], Y[:4]), ValueError, r"expects shape \(None, 3\), got an array of shape \(4, 2\)"),
    ((np.array([["a", "b", "c"]] * 4), Y[:4]), TypeError, r"must be numbers, got an array of dtype <U1"),
    ((X[:4], Y[:4, :0]), ValueError, r"target .* has shape \(4, 0\), but the output has shape \(None, 1\)"),
    (X[:4], ValueError, r"holds no targets: yield \(x, y\) or \(x, y, sample_weight\), got an array of shape \(4, 3\)"),
    ((X[:4], Y[:4], np.ones(4), 1), ValueError, r"got a tuple of 4 items"),
    ((X[:4], Y[:3]), ValueError, r"same number of samples; got x: 4, y: 3"),
    ((np.where(np.eye(4, 3) > 0, np.nan, X[:4]), Y[:4]), ValueError, r"x contains NaN or inf \(first at index \(0, 0\)\)"),
])
def test_a_bad_batch_names_its_index_and_leaves_the_weights_of_the_batch_before(bad, error, expected):
    model = dense_model()
    stream = iter(batches()[:2] + [bad] + batches()[3:])
    with pytest.raises(error, match=r"fit\(\): batch 2 \(counting from 0\) of epoch 1 from the generator") as info:
        model.fit(stream, verbose=0)
    assert info.match(expected)
    assert f"Model '{model.name}'" in str(info.value)
    for got, before in zip(model.get_weights(), weights_after_good_batches(2)):
        np.testing.assert_array_equal(got, before)


def test_a_bad_batch_from_a_pydataset_in_a_later_epoch_names_the_epoch():
    class Flaky(Batches):
        def __getitem__(self, index):
            if self.calls.count("begin") == 2 and index == 1:
                return X[:4].astype(object), Y[:4]
            return super().__getitem__(index)
    with pytest.raises(TypeError, match=r"batch 1 \(counting from 0\) of epoch 2 from the PyDataset"):
        dense_model().fit(Flaky(batches()), epochs=3, shuffle=False, verbose=0)


def test_evaluate_and_predict_name_the_bad_batch_too():
    model = dense_model()
    with pytest.raises(ValueError, match=r"evaluate\(\): batch 1 .*expects shape \(None, 3\)"):
        model.evaluate(iter([batches()[0], (X[:4, :1], Y[:4])]), verbose=0)
    with pytest.raises(ValueError, match=r"predict\(\): batch 0 .*expects shape \(None, 3\)"):
        model.predict(iter([X[:4, :1]]), verbose=0)


# ---- running out ---------------------------------------------------------------------------------------------------------
def test_a_generator_that_runs_out_warns_as_keras_and_stops_training():
    model = dense_model()
    with pytest.warns(UserWarning, match=r"Your input ran out of data; interrupting training\. Make sure that your "
                                         r"dataset or generator can generate at least `steps_per_epoch \* epochs`"):
        history = model.fit((b for b in batches()), steps_per_epoch=3, epochs=5, verbose=0)
    assert len(history.history["loss"]) == 2      # 3 batches, then the last one alone; then no more data
    for got, expected in zip(model.get_weights(), weights_after_good_batches(4)):
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_a_finite_generator_without_steps_is_one_epoch_and_warns_only_if_more_were_asked():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(dense_model().fit((b for b in batches()), verbose=0).history["loss"]) == 1
    with pytest.warns(UserWarning, match="ran out of data"):
        history = dense_model().fit((b for b in batches()), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_plain_iterators_stream_too():
    model, reference = dense_model(), dense_model()
    model.fit(iter(batches()), verbose=0)
    reference.fit(X, Y, batch_size=4, shuffle=False, verbose=0)
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6)


# ---- batches are read one at a time ------------------------------------------------------------------------------------------
def test_each_batch_is_read_only_when_it_is_trained_on():
    produced, seen = [], []

    def source():
        for index in range(1000):
            produced.append(index)
            yield X[:2], Y[:2]

    class Watch(K.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append((batch, len(produced)))
    dense_model().fit(source(), steps_per_epoch=5, epochs=2, verbose=0, callbacks=[Watch()])
    assert seen == [(b, e * 5 + b + 1) for e in range(2) for b in range(5)]
    assert len(produced) == 10


# ---- PyDataset ----------------------------------------------------------------------------------------------------------
def test_pydataset_hooks_are_called_as_keras_calls_them():
    data = Batches(batches())
    dense_model().fit(data, epochs=2, shuffle=False, verbose=0)
    assert data.calls == ["end", "begin", 0, 1, 2, 3, "end", "begin", 0, 1, 2, 3, "end"]
    data.calls.clear()
    dense_model().evaluate(data, verbose=0)
    assert data.calls == ["end", "begin", 0, 1, 2, 3, "end"]
    data.calls.clear()
    dense_model().predict(data, verbose=0)
    assert data.calls == ["begin", 0, 1, 2, 3, "end"]


def test_fit_shuffles_the_batch_order_of_a_pydataset_each_epoch():
    K.utils.set_random_seed(1)
    data = Batches(batches(np.tile(X, (4, 1)), np.tile(Y, (4, 1))))
    dense_model().fit(data, epochs=3, verbose=0)
    epochs = [data.calls[i + 1:i + 17] for i, c in enumerate(data.calls) if c == "begin"]
    assert all(sorted(order) == list(range(16)) for order in epochs)
    assert len({tuple(order) for order in epochs}) > 1 and epochs[0] != list(range(16))


def test_pydataset_options_are_kept_and_a_keras2_sequence_needs_no_super_init():
    data = Batches(batches(), workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (4, True, 3)
    assert Sequence is PyDataset

    class OldStyle(Sequence):
        def __init__(self):
            self.items = batches()

        def __len__(self):
            return len(self.items)

        def __getitem__(self, index):
            return self.items[index]
    old = OldStyle()
    assert (old.workers, old.use_multiprocessing, old.max_queue_size) == (1, False, 10)
    assert len(dense_model().fit(old, epochs=2, verbose=0).history["loss"]) == 2


def test_an_endless_pydataset_needs_steps_per_epoch():
    class Endless(PyDataset):
        num_batches = None

        def __getitem__(self, index):
            return X[:4], Y[:4]
    with pytest.raises(ValueError, match="endless .* needs steps_per_epoch"):
        dense_model().fit(Endless(), verbose=0)
    assert len(dense_model().fit(Endless(), steps_per_epoch=2, epochs=2, verbose=0).history["loss"]) == 2


def test_class_weight_works_with_a_pydataset_and_is_refused_for_a_generator():
    labels = (Y > 0).astype("float32")
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.fit(Batches(batches(X, labels)), class_weight={0: 1.0, 1: 3.0}, verbose=0)
    with pytest.raises(ValueError, match="class_weight is not supported for Python generator"):
        model.fit(iter(batches(X, labels)), class_weight={0: 1.0, 1: 3.0}, verbose=0)


# ---- Keras 3's argument rules --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argument, value", [("y", Y), ("sample_weight", np.ones(16))])
def test_targets_and_weights_beside_a_stream_are_refused_as_keras_does(argument, value):
    with pytest.raises(ValueError, match=rf"when x is a generator, `{argument}` should not be passed"):
        dense_model().fit(iter(batches()), verbose=0, **{argument: value})


def test_validation_split_and_bad_steps_are_refused():
    with pytest.raises(ValueError, match="validation_split works with arrays only"):
        dense_model().fit(iter(batches()), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch must be a positive integer or None, got 0"):
        dense_model().fit(iter(batches()), steps_per_epoch=0, verbose=0)


def test_batch_size_beside_a_stream_is_ignored_as_in_keras_3():
    model, reference = dense_model(), dense_model()
    model.fit(iter(batches()), batch_size=2, verbose=0)
    reference.fit(iter(batches()), verbose=0)
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, expected)


# ---- forms of batches, validation, stateful models ---------------------------------------------------------------------------
def test_dicts_lists_and_sample_weights_in_batches_train_as_the_same_arrays_do():
    def two_input_model():
        a, b = K.Input((3,), name="a"), K.Input((2,), name="b")
        model = K.Model([a, b], K.layers.Dense(1, name="out")(K.layers.Concatenate()([a, b])))
        model.set_weights([np.full((5, 1), 0.3, "float32"), np.zeros(1, "float32")])
        model.compile(optimizer="sgd", loss="mse")
        return model
    xb = rng.normal(size=(16, 2)).astype("float32")
    weights = np.linspace(0.5, 2.0, 16).astype("float32")
    as_dicts = [({"a": X[i:i + 4], "b": xb[i:i + 4]}, {"out": Y[i:i + 4]}, weights[i:i + 4]) for i in range(0, 16, 4)]
    as_lists = [[[X[i:i + 4], xb[i:i + 4]], Y[i:i + 4], weights[i:i + 4]] for i in range(0, 16, 4)]
    reference = two_input_model()
    reference.fit([X, xb], Y, sample_weight=weights, batch_size=4, shuffle=False, verbose=0)
    for batches_of_a_kind in (as_dicts, as_lists):
        model = two_input_model()
        model.fit(iter(batches_of_a_kind), verbose=0)
        for got, expected in zip(model.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(got, expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(iter([{"a": X[:4], "b": xb[:4]}]), verbose=0),
                               reference.predict([X[:4], xb[:4]], verbose=0), rtol=1e-6)


def test_validation_data_may_stream():
    history = dense_model().fit(X, Y, batch_size=4, epochs=2, verbose=0,
                                validation_data=(b for b in iter(lambda: (X[:4], Y[:4]), None)), validation_steps=2)
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    model = dense_model()
    expected = model.evaluate(X[:8], Y[:8], verbose=0)
    history = model.fit(Batches(batches()[:1]), epochs=1, verbose=0, validation_data=Batches(batches()[:2]))
    assert history.history["val_loss"][0] != expected[0]     # after one step of training: not the starting loss
    assert np.isclose(history.history["val_loss"][0], model.evaluate(X[:8], Y[:8], verbose=0)[0], rtol=1e-6)


def test_stateful_models_stream_with_their_batch_size_only():
    model = K.Sequential([K.Input((3, 2), batch_size=2), K.layers.LSTM(3, stateful=True), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    xs, ys = rng.normal(size=(8, 3, 2)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    model.fit(iter(batches(xs, ys, size=2)), verbose=0)
    assert model.get_states()[model.layers[0].name] is not None      # the state carried from batch to batch is kept
    model.reset_states()
    streamed = model.predict(iter([xs[:2], xs[2:4]]), verbose=0)
    model.reset_states()
    np.testing.assert_allclose(streamed, model.predict(xs[:4], batch_size=2, verbose=0), rtol=1e-6)
    model.reset_states()
    assert not np.allclose(streamed[2:], model.predict(xs[2:4], batch_size=2, verbose=0))   # the state did carry
    with pytest.raises(ValueError, match=r"batch 1 .* fixed batch size of 2 \(it is stateful\), but this batch has 3"):
        model.fit(iter([(xs[:2], ys[:2]), (xs[:3], ys[:3])]), verbose=0)


def test_evaluate_and_predict_call_the_test_and_predict_hooks():
    calls = []

    class Recorder(K.callbacks.Callback):
        def on_test_begin(self, logs=None):
            calls.append("test_begin")

        def on_test_batch_end(self, batch, logs=None):
            calls.append(("test_batch", batch, sorted(logs)))

        def on_test_end(self, logs=None):
            calls.append(("test_end", sorted(logs)))

        def on_predict_begin(self, logs=None):
            calls.append("predict_begin")

        def on_predict_batch_end(self, batch, logs=None):
            calls.append(("predict_batch", batch, logs["outputs"][0].shape))

        def on_predict_end(self, logs=None):
            calls.append("predict_end")
    model = dense_model()
    model.evaluate(iter(batches()[:2]), callbacks=[Recorder()], verbose=0)
    model.predict(iter([X[:4], X[4:6]]), callbacks=[Recorder()], verbose=0)
    assert calls == ["test_begin", ("test_batch", 0, ["loss", "mae"]), ("test_batch", 1, ["loss", "mae"]),
                     ("test_end", ["loss", "mae"]), "predict_begin", ("predict_batch", 0, (4, 1)),
                     ("predict_batch", 1, (2, 1)), "predict_end"]
    calls.clear()
    model.fit(X, Y, batch_size=8, epochs=1, verbose=0, validation_data=iter(batches()[:1]), callbacks=[Recorder()])
    assert calls == ["test_begin", ("test_batch", 0, ["loss", "mae"]), ("test_end", ["loss", "mae"])]


def test_evaluate_and_predict_warn_when_the_stream_ends_before_steps():
    model = dense_model()
    with pytest.warns(UserWarning, match="ran out of data") as caught:
        logs = model.evaluate(iter(batches()[:2]), steps=3, verbose=0, return_dict=True)
    assert caught[0].filename == __file__
    assert logs == pytest.approx(model.evaluate(X[:8], Y[:8], verbose=0, return_dict=True), rel=1e-6)
    with pytest.warns(UserWarning, match="ran out of data"):
        assert model.predict(iter([X[:4]]), steps=2, verbose=0).shape == (4, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.evaluate(iter(batches()[:2]), verbose=0)        # no steps asked: the end is the end
        model.predict(iter([X[:4]]), verbose=0)
