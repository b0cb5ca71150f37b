"""Keras 2 HDF5 files: full models and weights-only files load where their layers exist here."""
import h5py
import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving
from saving_helpers import fixture_path, fixture_inputs


def test_legacy_full_model_written_by_keras3_loads():
    model = saving.load_model(fixture_path("legacy_seq.h5"))
    inputs, expected = fixture_inputs("seq_dense")
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-6)


def test_legacy_weights_file_written_by_keras3_loads():
    model = saving.load_model(fixture_path("seq_dense.keras"))
    inputs, expected = fixture_inputs("seq_dense")
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    saving.load_weights(model, fixture_path("legacy_weights.h5"))
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-6)


@pytest.mark.filterwarnings("ignore:Loaded a Keras 2")
def test_keras2_sequential_with_lstm_gru_and_compile_settings():
    model = saving.load_model(fixture_path("keras2_sequential.h5"))
    inputs, expected = fixture_inputs("keras2_sequential")
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.layers[1].reset_after is False
    assert model.compiled and model.optimizer.learning_rate == pytest.approx(0.002)


def test_keras2_functional_with_bidirectional():
    model = saving.load_model(fixture_path("keras2_functional.h5"))
    inputs, expected = fixture_inputs("keras2_functional")
    np.testing.assert_allclose(model.predict(inputs, verbose=0), expected, rtol=1e-5, atol=1e-6)


def _model():
    return mk.Sequential([mk.Input((5, 4)), L.LSTM(3, return_sequences=True), L.GRU(2), L.Dense(1)])


def test_minikeras_h5_round_trip(tmp_file):
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    saving.save_model(model, tmp_file("m.h5"))
    with pytest.warns(UserWarning, match="optimizer"):
        loaded = saving.load_model(tmp_file("m.h5"))
    x = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
    assert np.array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert loaded.compiled


def test_minikeras_legacy_weights_round_trip_and_by_name(tmp_file):
    model, other = _model(), _model()
    saving.save_weights(model, tmp_file("w.h5"))
    with h5py.File(tmp_file("w.h5"), "r") as f:
        assert "layer_names" in f.attrs
    saving.load_weights(other, tmp_file("w.h5"))
    for a, b in zip(model.get_weights(), other.get_weights()):
        assert np.array_equal(a, b)


def test_legacy_weights_of_another_model_are_refused_clearly(tmp_file):
    saving.save_weights(_model(), tmp_file("w.h5"))
    small = mk.Sequential([mk.Input((5, 4)), L.LSTM(3)])
    with pytest.raises(ValueError, match="w.h5.*3 layers.*by_name=True"):
        saving.load_weights(small, tmp_file("w.h5"))


def test_weights_only_h5_is_not_a_model(tmp_file):
    saving.save_weights(_model(), tmp_file("w.h5"))
    with pytest.raises(ValueError, match="weights only.*load_weights"):
        saving.load_model(tmp_file("w.h5"))


def test_keras2_gru_without_reset_after_means_false():
    from minikeras.saving.legacy_h5 import _keras2_defaults
    config = {"class_name": "Sequential", "config": {"layers": [{"class_name": "GRU", "config": {"units": 2}},
                                                                {"class_name": "GRU", "config": {"reset_after": True}}]}}
    _keras2_defaults(config)
    assert [l["config"]["reset_after"] for l in config["config"]["layers"]] == [False, True]
