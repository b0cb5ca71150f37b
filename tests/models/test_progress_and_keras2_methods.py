"""What evaluate/predict (and fit on a stream) print, against Keras 3's output (fixtures/streaming.json); Keras 2's
removed methods (fit/evaluate/predict_generator, predict_classes, predict_proba); *_on_batch(reset_metrics=False);
the warning after an update overflows."""
import io
import json
import os
import re
import warnings

import numpy as np
import pytest

import minikeras as K
from minikeras import legacy

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "streaming.json")) as f:
    PRINTED = json.load(f)["progbar"]
rng = np.random.default_rng(3)
X = rng.normal(size=(16, 3)).astype("float32")
LABELS = rng.integers(0, 3, size=(16,))


@pytest.fixture(autouse=True)
def fresh_legacy_warnings(monkeypatch):
    monkeypatch.setattr(legacy, "_warned", set())


def classifier():
    model = K.Sequential([K.Input((3,)), K.layers.Dense(5, activation="tanh"), K.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def batches():
    return (item for item in [(X[i:i + 4], LABELS[i:i + 4]) for i in range(0, 16, 4)])


# ---- the progress bar ------------------------------------------------------------------------------------------------
def normalize(text):
    """Drop colours, the redrawing and what only timing changes (seconds, per-step times, numbers)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\x08", "")
    text = re.sub(r"\d+(\.\d+)?(s|ms|us)/step", "T/step", text)
    text = re.sub(r" \d+s ", " Ts ", re.sub(r" - \d+s - ", " - Ts - ", text))
    return re.sub(r"\d+\.\d{4}(e[+-]\d+)?", "N", text)


def final_lines(text):
    """Keras's live bar redraws with \\r; the last drawing of each line is what stays on the screen."""
    return [line.split("\r")[-1].rstrip() for line in normalize(text).split("\n") if line]


PRINTING_CALLS = {
    "evaluate": lambda model, verbose: model.evaluate(X, LABELS, batch_size=4, verbose=verbose),
    "evaluate_generator": lambda model, verbose: model.evaluate(batches(), verbose=verbose),
    "predict": lambda model, verbose: model.predict(X, batch_size=4, verbose=verbose),
    "fit_generator": lambda model, verbose: model.fit(batches(), verbose=verbose, shuffle=False),
}


@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("call", sorted(PRINTING_CALLS))
def test_what_is_printed_has_keras_form(call, verbose, capsys):
    PRINTING_CALLS[call](classifier(), verbose)
    ours = final_lines(capsys.readouterr().out)
    assert ours == final_lines(PRINTED[f"{call}_{verbose}"])
    assert len(ours) == 1


@pytest.mark.parametrize("call", sorted(PRINTING_CALLS))
def test_verbose_0_prints_nothing_and_auto_is_1(call, capsys):
    PRINTING_CALLS[call](classifier(), 0)
    assert capsys.readouterr().out == ""
    PRINTING_CALLS[call](classifier(), "auto")
    assert final_lines(capsys.readouterr().out) == final_lines(PRINTED[f"{call}_1"])


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_in_a_terminal_unknown_steps_read_as_keras_unknown(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    classifier().evaluate(batches(), verbose=1)
    drawn = [part.rstrip() for part in normalize(terminal.getvalue()).split("\r") if part.strip()]
    keras_drawn = [part.rstrip() for part in normalize(PRINTED["evaluate_generator_1"]).split("\r") if part.strip()]
    assert drawn[0] == keras_drawn[0] == "      1/Unknown Ts T/step - accuracy: N - loss: N"
    assert drawn[-1] == keras_drawn[-1]


# ---- Keras 2's removed methods -------------------------------------------------------------------------------------------
def test_the_generator_methods_warn_once_and_do_what_fit_evaluate_predict_do():
    model, reference = classifier(), classifier()
    reference.set_weights(model.get_weights())
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"model\.fit_generator.* write 'model\.fit\(generator"):
        model.fit_generator(batches(), steps_per_epoch=4, epochs=1, verbose=0)
    reference.fit(batches(), steps_per_epoch=4, epochs=1, verbose=0)
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, expected)
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"model\.evaluate_generator"):
        assert model.evaluate_generator(batches()) == reference.evaluate(batches(), verbose=0)
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"model\.predict_generator"):
        np.testing.assert_array_equal(model.predict_generator(batches(), steps=2),
                                      reference.predict(batches(), steps=2, verbose=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit_generator(batches(), verbose=0)     # once only


def test_predict_classes_is_the_argmax_or_a_half_threshold_as_keras_2():
    model = classifier()
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"np\.argmax\(model\.predict\(x\), axis=-1\)"):
        classes = model.predict_classes(X)
    np.testing.assert_array_equal(classes, model.predict(X, verbose=0).argmax(-1))
    binary = K.Sequential([K.Input((3,)), K.layers.Dense(1, activation="sigmoid")])
    binary.set_weights([np.array([[1.0], [0.0], [0.0]], "float32"), np.zeros(1, "float32")])
    got = binary.predict_classes(X)
    assert got.dtype == np.int32 and got.shape == (16, 1)
    np.testing.assert_array_equal(got[:, 0], (X[:, 0] > 0).astype("int32"))


def test_predict_proba_is_predict_and_warns_when_outputs_are_not_probabilities():
    model = classifier()
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"write 'model\.predict\(x\)'"):
        np.testing.assert_array_equal(model.predict_proba(X), model.predict(X, verbose=0))
    linear = K.Sequential([K.Input((3,)), K.layers.Dense(2)])
    with pytest.warns(UserWarning, match=r"outside \[0, 1\]"):
        linear.predict_proba(X * 100)


# ---- train_on_batch / test_on_batch(reset_metrics=False) ---------------------------------------------------------------------
def test_test_on_batch_accumulates_like_evaluate_until_reset():
    model = classifier()
    model.test_on_batch(X[:4], LABELS[:4], reset_metrics=True)
    model.test_on_batch(X[4:10], LABELS[4:10], reset_metrics=False)
    total = model.test_on_batch(X[10:], LABELS[10:], reset_metrics=False, return_dict=True)
    expected = model.evaluate(X, LABELS, batch_size=16, verbose=0, return_dict=True)
    for name in expected:
        np.testing.assert_allclose(total[name], expected[name], rtol=1e-6)
    alone = model.test_on_batch(X[10:], LABELS[10:], return_dict=True)    # reset_metrics=True: this batch alone
    assert alone["loss"] != pytest.approx(total["loss"])
    assert alone == model.evaluate(X[10:], LABELS[10:], verbose=0, return_dict=True)


def test_train_on_batch_accumulates_the_loss_and_metrics_weighted_by_batch_size():
    model, twin = classifier(), classifier()
    twin.set_weights(model.get_weights())
    accumulated = [model.train_on_batch(X[:4], LABELS[:4], reset_metrics=False, return_dict=True),
                   model.train_on_batch(X[4:], LABELS[4:], reset_metrics=False, return_dict=True)]
    alone = [twin.train_on_batch(X[:4], LABELS[:4], return_dict=True),
             twin.train_on_batch(X[4:], LABELS[4:], return_dict=True)]
    assert accumulated[0] == alone[0]
    for name in ("loss", "accuracy"):
        np.testing.assert_allclose(accumulated[1][name], (alone[0][name] * 4 + alone[1][name] * 12) / 16, rtol=1e-6)
    assert accumulated[1]["loss"] != pytest.approx(alone[1]["loss"])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    twin.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # a new compile starts afresh: the next call reports its batch alone
    assert model.train_on_batch(X[:4], LABELS[:4], reset_metrics=False) == twin.train_on_batch(X[:4], LABELS[:4])


# ---- overflow ----------------------------------------------------------------------------------------------------------------
def test_an_update_that_overflows_says_so():
    model = K.Sequential([K.Input((1,)), K.layers.Dense(1)])
    model.set_weights([np.ones((1, 1), "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(learning_rate=1e38), loss="mse")
    x, y = np.full((4, 1), 10.0, "float32"), np.zeros((4, 1), "float32")
    with pytest.warns(RuntimeWarning, match=r"the update overflowed .* at epoch 1, batch 1"):
        model.fit(x, y, verbose=0)
    np.testing.assert_array_equal(model.get_weights()[0], [[1.0]])
    with pytest.raises(ValueError, match="the update overflowed for this batch"):
        model.train_on_batch(x, y)


def test_on_batch_reset_metrics_reports_what_keras_2_reports():
    with open(os.path.join(FIXTURES, "keras2_on_batch.json")) as f:
        keras2 = json.load(f)
    model = eval(keras2["model"], {"K": K})
    model.set_weights([np.array(w, "float32") for w in keras2["weights"]])
    model.compile(optimizer=K.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = np.array(keras2["x"], "float32"), np.array(keras2["y"])
    for method, start, stop, reset, expected in keras2["calls"]:
        got = getattr(model, method)(x[start:stop], y[start:stop], reset_metrics=reset, return_dict=True)
        assert sorted(got) == sorted(expected)
        for name, value in expected.items():
            np.testing.assert_allclose(got[name], value, rtol=1e-5, err_msg=f"{method}({start}:{stop}) {name}")


def test_keras2_data_utils_sequence_is_pydataset_and_warns_once():
    from minikeras.utils import data_utils
    with pytest.warns(legacy.LegacyArgumentWarning, match=r"data_utils\.Sequence.* write 'keras\.utils\.PyDataset'"):
        assert data_utils.Sequence is K.utils.PyDataset
    with pytest.raises(AttributeError, match="no attribute 'Enqueuer'"):
        data_utils.Enqueuer


def test_keras1_generator_arguments_count_samples():
    def endless():
        while True:
            yield from [(X[i:i + 4], LABELS[i:i + 4]) for i in range(0, 16, 4)]
    model, reference = classifier(), classifier()
    reference.set_weights(model.get_weights())
    with pytest.warns(legacy.LegacyArgumentWarning) as caught:
        history = model.fit_generator(endless(), samples_per_epoch=10, nb_epoch=2, verbose=0, nb_worker=2,
                                      validation_data=endless(), nb_val_samples=8)
    warned = " ".join(str(w.message) for w in caught)
    assert "samples_per_epoch" in warned and "nb_worker" in warned and "nb_val_samples" in warned
    reference.fit(endless(), steps_per_epoch=3, epochs=2, verbose=0)     # 10 samples: 3 batches of 4
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, expected)
    assert len(history.history["val_loss"]) == 2
    assert model.predict_generator(endless(), val_samples=6).shape == (8, 3)
    with pytest.raises(TypeError, match=r"evaluate_generator\(\) got unexpected argument\(s\) \['nb_epoch'\]"):
        model.evaluate_generator(endless(), nb_epoch=2)
