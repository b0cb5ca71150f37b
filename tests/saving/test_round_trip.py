"""Models built in minikeras come back from a .keras file, JSON or a config with identical weights and outputs."""
import json

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L, saving, models

rng = np.random.default_rng(3)
SEQ = rng.normal(size=(2, 5, 4)).astype("float32")
FLAT = rng.normal(size=(2, 4)).astype("float32")
PADDED = np.array([[3, 1, 4, 0, 0], [5, 0, 0, 0, 0]], dtype="int32")


def _two_inputs():
    a, b = mk.Input((4,), name="a"), mk.Input((5, 4), name="b")
    h = L.Concatenate()([L.Dense(3, activation="tanh")(a), L.SimpleRNN(3)(b)])
    return mk.Model([a, b], L.Add()([L.Dense(2, name="left")(h), L.Dense(2, name="right")(h)])), [FLAT, SEQ]


def _nested():
    inner = mk.Sequential([L.Dense(3, activation="relu", input_shape=(4,))], name="inner")
    i = mk.Input((3,))
    inner_fn = mk.Model(i, L.Dense(2)(i), name="inner_fn")
    x = mk.Input((4,))
    return mk.Model(x, L.Dense(1)(inner_fn(inner(x)))), FLAT


def _shared_layer():
    shared = L.Dense(3, name="shared")
    a, b = mk.Input((4,)), mk.Input((4,))
    return mk.Model([a, b], L.Subtract()([shared(a), shared(b)])), [FLAT, FLAT[::-1].copy()]


BUILDERS = {
    "dense_keras2_style": lambda: (mk.Sequential([L.Dense(3, activation="relu", input_dim=4), L.Dense(2)]), FLAT),
    "embedding_mask_lstm": lambda: (mk.Sequential([L.Embedding(10, 4, mask_zero=True, input_length=5),
                                                   L.LSTM(3, return_sequences=True), L.GRU(2)]), PADDED),
    "bidirectional_td": lambda: (mk.Sequential([L.Bidirectional(L.LSTM(3, return_sequences=True), input_shape=(5, 4)),
                                                L.TimeDistributed(L.Dense(2)),
                                                L.Bidirectional(L.GRU(2, reset_after=False), merge_mode="ave")]), SEQ),
    "simple_rnn_backwards": lambda: (mk.Sequential([mk.Input((5, 4)), L.SimpleRNN(3, go_backwards=True)]), SEQ),
    "two_inputs": _two_inputs,
    "nested": _nested,
    "shared_layer": _shared_layer,
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_keras_file_round_trip_is_exact(kind, tmp_file):
    model, inputs = BUILDERS[kind]()
    saving.save_model(model, tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"))
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(a, b)
    # the weights are bit-equal; predictions may differ in the last bits, as BLAS may sum a freshly loaded array
    # in another order (seen about 1 time in 20 for the masked LSTM)
    expected, got = model.predict(inputs, verbose=0), loaded.predict(inputs, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_json_round_trip_rebuilds_the_same_architecture(kind):
    model, inputs = BUILDERS[kind]()
    text = model.to_json()
    rebuilt = models.model_from_json(text)
    assert json.loads(rebuilt.to_json()) == json.loads(text)
    rebuilt.set_weights(model.get_weights())
    assert np.array_equal(model.predict(inputs, verbose=0), rebuilt.predict(inputs, verbose=0))


def test_get_config_from_config_round_trip():
    model, _ = _two_inputs()
    again = mk.Model.from_config(model.get_config())
    assert again.get_config() == model.get_config()
    seq, _ = BUILDERS["bidirectional_td"]()
    assert mk.Sequential.from_config(seq.get_config()).get_config() == seq.get_config()


def test_clone_model_has_same_architecture_and_new_weights():
    model, inputs = BUILDERS["embedding_mask_lstm"]()
    clone = models.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert clone.predict(inputs, verbose=0).shape == model.predict(inputs, verbose=0).shape
    assert not all(np.array_equal(a, b) for a, b in zip(clone.get_weights(), model.get_weights()))


def test_stateful_model_keeps_its_batch_size(tmp_file):
    model = mk.Sequential([L.LSTM(3, stateful=True, batch_input_shape=(2, 5, 4)), L.Dense(1)])
    saving.save_model(model, tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"))
    assert loaded.layers[0].stateful and loaded.input_shape == (2, 5, 4)
    assert np.array_equal(model.predict(SEQ, batch_size=2, verbose=0), loaded.predict(SEQ, batch_size=2, verbose=0))


def test_weights_file_round_trip(tmp_file):
    model, inputs = BUILDERS["bidirectional_td"]()
    saving.save_weights(model, tmp_file("w.weights.h5"))
    other, _ = BUILDERS["bidirectional_td"]()
    saving.load_weights(other, tmp_file("w.weights.h5"))
    assert np.array_equal(model.predict(inputs, verbose=0), other.predict(inputs, verbose=0))


class Scale(L.Layer):
    """A user's layer: multiplies by a constant; saved by name, reloaded through custom_objects."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, params, x, mask=None, training=False, rng=None):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_layer_needs_custom_objects(tmp_file):
    model = mk.Sequential([mk.Input((4,)), Scale(3.0), L.Dense(2)])
    saving.save_model(model, tmp_file("m.keras"))
    with pytest.raises(ValueError, match="Unknown layer class 'Scale'.*custom_objects"):
        saving.load_model(tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"), custom_objects={"Scale": Scale})
    assert loaded.layers[0].factor == 3.0
    assert np.array_equal(model.predict(FLAT, verbose=0), loaded.predict(FLAT, verbose=0))


def my_activation(x):
    return x * 0.5


def test_custom_activation_comes_back_through_custom_objects(tmp_file):
    model = mk.Sequential([mk.Input((4,)), L.Dense(2, activation=my_activation)])
    saving.save_model(model, tmp_file("m.keras"))
    loaded = saving.load_model(tmp_file("m.keras"), custom_objects={"my_activation": my_activation})
    assert loaded.layers[0].activation is my_activation
    assert np.array_equal(model.predict(FLAT, verbose=0), loaded.predict(FLAT, verbose=0))


@pytest.mark.skipif(not hasattr(mk.Model, "save"), reason="Model.save is not wired to minikeras.saving yet")
def test_model_methods_save_and_load(tmp_file):
    model, inputs = BUILDERS["two_inputs"]()
    model.save(tmp_file("m.keras"))
    model.save_weights(tmp_file("w.weights.h5"))
    loaded = models.load_model(tmp_file("m.keras"))
    other, _ = BUILDERS["two_inputs"]()
    other.load_weights(tmp_file("w.weights.h5"))
    for each in (loaded, other):
        assert np.array_equal(model.predict(inputs, verbose=0), each.predict(inputs, verbose=0))
