"""Keras 1/2 spellings: renamed to Keras 3 names, warned about once per process, pointing at the user's line."""
import warnings

import numpy as np
import pytest

import minikeras
from minikeras import layers, legacy


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(legacy, "_warned", set())
    monkeypatch.setattr(legacy, "_enabled", True)


def test_rename_moves_old_keywords_to_new_ones():
    with pytest.warns(legacy.LegacyArgumentWarning, match="'Dense\\(output_dim=...\\)'.*'units=...'"):
        kwargs = legacy.rename({"output_dim": 3, "name": "d"}, legacy.KERAS1_WEIGHT_ARGS, "Dense")
    assert kwargs == {"units": 3, "name": "d"}


def test_old_and_new_spelling_together_is_refused():
    with pytest.raises(TypeError, match="'output_dim' .* and 'units' .* name the same argument"):
        layers.Dense(3, output_dim=4)
    with pytest.raises(TypeError, match="'W_regularizer' .* and 'kernel_regularizer' .* name the same argument"):
        layers.Dense(3, W_regularizer="l2", kernel_regularizer="l1")


def test_each_old_spelling_warns_once_per_process():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers.Dense(output_dim=2)
        layers.Dense(output_dim=2)
    assert len([w for w in caught if issubclass(w.category, legacy.LegacyArgumentWarning)]) == 1


def test_warning_points_at_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layers.Dense(output_dim=2, init="zeros")
    assert caught and all(w.filename == __file__ for w in caught)


def test_silence_legacy_warnings():
    legacy.silence_legacy_warnings()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.Dense(output_dim=2)
    legacy.silence_legacy_warnings(False)


def test_keras1_dense_arguments_mean_the_keras3_ones():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = layers.Dense(output_dim=3, init="zeros", bias=False, W_regularizer="l2", W_constraint="non_neg",
                             input_dim=4)
    model = minikeras.Sequential([dense])
    assert model.output_shape == (None, 3)
    assert [w.shape for w in model.get_weights()] == [(4, 3)]
    np.testing.assert_array_equal(model.get_weights()[0], 0.0)
    assert dense.use_bias is False
    assert type(dense.kernel_regularizer).__name__ == "L2"
    assert type(dense.kernel_constraint).__name__ == "NonNeg"


def test_keras1_model_input_output_and_nb_epoch():
    x_in = minikeras.Input((2,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = minikeras.Model(input=x_in, output=layers.Dense(1)(x_in))
        model.compile("sgd", "mse")
        history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3
