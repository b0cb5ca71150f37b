"""keras.utils helpers against Keras 3 (fixtures/training.*): to_categorical, pad_sequences; set_random_seed makes
fits repeat; plot_history draws with matplotlib when it is there and says how to get it when not."""
import builtins
import json
import os

import numpy as np
import pytest

import minikeras as K
from minikeras import utils

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "training.json")) as f:
    FACTS = json.load(f)["utils"]
ARRAYS = dict(np.load(os.path.join(FIXTURES, "training.npz")))


@pytest.mark.parametrize("name", sorted(FACTS["pad"]))
def test_pad_sequences_matches_keras(name):
    got = utils.pad_sequences(FACTS["ragged"], **FACTS["pad"][name])
    expected = ARRAYS[f"pad/{name}"]
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_pad_sequences_refuses_unknown_padding():
    with pytest.raises(ValueError, match="padding"):
        utils.pad_sequences([[1]], padding="middle")


@pytest.mark.parametrize("name, kwargs, source", [("default", {}, "labels"), ("num5", {"num_classes": 5}, "labels"),
                                                  ("column", {}, "column"), ("matrix", {}, "matrix")])
def test_to_categorical_matches_keras(name, kwargs, source):
    labels = {"labels": ARRAYS["cat/labels"], "column": ARRAYS["cat/labels"][:, None],
              "matrix": np.array([[0, 1], [2, 0]])}[source]
    np.testing.assert_array_equal(utils.to_categorical(labels, **kwargs), ARRAYS[f"cat/{name}"])


def test_to_categorical_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        utils.to_categorical([0, 3], num_classes=3)


def seeded_fit(seed):
    utils.set_random_seed(seed)
    model = K.Sequential([K.Input((3,)), K.layers.Dense(8, activation="relu"), K.layers.Dropout(0.5),
                          K.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.normal(size=(20, 3)).astype("float32")  # numpy's global generator is seeded too
    history = model.fit(x, x[:, :1], batch_size=4, epochs=2, verbose=0, shuffle=True)
    return model.get_weights(), history.history["loss"]


def test_set_random_seed_makes_two_fits_identical():
    first, second, other = seeded_fit(3), seeded_fit(3), seeded_fit(4)
    for a, b in zip(first[0], second[0]):
        np.testing.assert_array_equal(a, b)
    assert first[1] == second[1]
    assert first[1] != other[1]


def test_set_random_seed_refuses_non_integers():
    with pytest.raises(ValueError, match="integer"):
        utils.set_random_seed(1.5)


HISTORY = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.6], "mae": [0.9, 0.6, 0.4]}


def test_plot_history_draws_each_metric_with_its_validation_twin():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = utils.plot_history(HISTORY)
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "val_loss", "mae"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), HISTORY["val_loss"])


def test_plot_history_without_matplotlib_says_how_to_get_it(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match="pip install"):
        utils.plot_history(HISTORY)


def test_plot_history_refuses_unknown_metrics():
    with pytest.raises(ValueError, match="accuracy"):
        utils.plot_history(HISTORY, metrics=["accuracy"])
