"""What a user sees of SimpleRNN, GRU and LSTM: return_state, initial_state, stateful, dropout, strategies, Keras 1 names.

Numbers against real Keras live in tests/test_keras_parity.py and the spec's examples in tests/test_spec_examples.py;
this file covers the behaviour around them.
"""
import warnings

import numpy as np
import pytest

import minikeras as K
from minikeras import legacy

L = K.layers
KINDS = {
    "simple_rnn": lambda units, **kw: L.SimpleRNN(units, **kw),
    "gru": lambda units, **kw: L.GRU(units, **kw),
    "gru_reset_before": lambda units, **kw: L.GRU(units, reset_after=False, **kw),
    "lstm": lambda units, **kw: L.LSTM(units, **kw),
}
N_STATES = {"simple_rnn": 1, "gru": 1, "gru_reset_before": 1, "lstm": 2}


def floats(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def padded_tokens(batch=3, time=5, seed=0):
    tokens = np.random.default_rng(seed).integers(1, 9, size=(batch, time))
    tokens[1, 3:] = 0
    tokens[2, :2] = 0
    return tokens


def twin_predictions(make_a, make_b, x, training=False):
    a, b = make_a(), make_b()
    b.set_weights(a.get_weights())
    if training:
        return np.asarray(a(x, training=True)), np.asarray(b(x, training=True))
    return a.predict(x, verbose=0), b.predict(x, verbose=0)


# ---------------------------------------------------------------- return_state
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_return_state_gives_the_output_then_each_state(kind, return_sequences):
    inputs = K.Input((5, 2))
    outputs = KINDS[kind](3, return_state=True, return_sequences=return_sequences)(inputs)
    assert isinstance(outputs, list) and len(outputs) == 1 + N_STATES[kind]
    model = K.Model(inputs, outputs)
    expected_output = (None, 5, 3) if return_sequences else (None, 3)
    assert model.output_shape == [expected_output] + [(None, 3)] * N_STATES[kind]
    output, h, *rest = model.predict(floats(4, 5, 2), verbose=0)
    assert output.shape == (4,) + expected_output[1:] and h.shape == (4, 3)
    last = output[:, -1] if return_sequences else output
    np.testing.assert_allclose(h, last, rtol=1e-6, atol=1e-7)  # the hidden state is the last output
    if kind == "lstm":
        assert rest[0].shape == (4, 3) and np.abs(rest[0] - h).max() > 1e-4  # the cell state is its own thing


@pytest.mark.parametrize("kind", KINDS)
def test_return_state_with_a_mask_gives_the_state_at_the_last_unmasked_step(kind):
    inputs = K.Input((5,), dtype="int32")
    embedded = L.Embedding(9, 2, mask_zero=True)(inputs)
    model = K.Model(inputs, KINDS[kind](3, return_state=True, return_sequences=True)(embedded))
    tokens = padded_tokens()
    output, h, *_ = model.predict(tokens, verbose=0)
    np.testing.assert_allclose(h[1], output[1, 2], rtol=1e-6, atol=1e-7)  # row 1 ends at step 2


# ---------------------------------------------------------------- initial_state
@pytest.mark.parametrize("kind", KINDS)
def test_initial_state_in_the_functional_api_seeds_the_run(kind):
    sequence = K.Input((5, 2))
    states = [K.Input((3,)) for _ in range(N_STATES[kind])]
    layer = KINDS[kind](3, return_sequences=True)
    model = K.Model([sequence] + states, layer(sequence, initial_state=states))
    x = floats(2, 5, 2)
    zeros = [np.zeros((2, 3), "float32")] * N_STATES[kind]
    seeds = [floats(2, 3, seed=i + 1) for i in range(N_STATES[kind])]
    from_zeros = model.predict([x] + zeros, verbose=0)
    np.testing.assert_allclose(from_zeros, np.asarray(layer(x)), rtol=1e-5, atol=1e-6)
    seeded = model.predict([x] + seeds, verbose=0)
    assert np.abs(seeded - from_zeros).max() > 1e-3
    np.testing.assert_allclose(seeded, np.asarray(layer(x, initial_state=seeds)), rtol=1e-5, atol=1e-6)


def test_initial_state_of_the_wrong_count_is_a_clear_error():
    layer = L.LSTM(3, name="needs_two_states")
    with pytest.raises(ValueError, match=r"needs_two_states.*2 state.*1"):
        layer(floats(2, 5, 2), initial_state=[np.zeros((2, 3), "float32")])


# ---------------------------------------------------------------- stateful
def stateful_model(kind="lstm", batch=2, **kw):
    return K.Sequential([K.Input(batch_shape=(batch, 4, 2)), KINDS[kind](3, stateful=True, name="memory", **kw)])


@pytest.mark.parametrize("kind", KINDS)
def test_stateful_state_carries_across_evaluate_calls_until_reset(kind):
    model = stateful_model(kind)
    model.compile(optimizer="sgd", loss="mse")
    x, y = floats(2, 4, 2), floats(2, 3, seed=1)
    first = model.evaluate(x, y, batch_size=2, verbose=0)
    assert model.evaluate(x, y, batch_size=2, verbose=0) != pytest.approx(first, rel=1e-6)
    model.reset_state()  # Keras 3's spelling, on the model
    assert model.evaluate(x, y, batch_size=2, verbose=0) == pytest.approx(first, rel=1e-5)


def test_stateful_state_carries_from_batch_to_batch_inside_one_predict():
    model = stateful_model()
    x = floats(6, 4, 2)
    together = model.predict(x, batch_size=2, verbose=0)
    model.reset_states()
    one_by_one = np.concatenate([model.predict(x[i:i + 2], batch_size=2, verbose=0) for i in range(0, 6, 2)])
    np.testing.assert_allclose(together, one_by_one, rtol=1e-6, atol=1e-7)


def test_stateful_state_is_visible_and_reset_zeroes_it():
    model = stateful_model()
    layer = model.get_layer("memory")
    assert all(np.all(np.asarray(s) == 0) for s in layer.states)
    model.predict(floats(2, 4, 2), batch_size=2, verbose=0)
    assert len(layer.states) == 2 and all(np.asarray(s).shape == (2, 3) for s in layer.states)
    assert any(np.abs(np.asarray(s)).max() > 0 for s in layer.states)
    layer.reset_states()
    assert all(np.all(np.asarray(s) == 0) for s in layer.states)


def test_stateful_fit_leaves_the_state_for_the_next_call():
    model = stateful_model()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(floats(2, 4, 2), floats(2, 3, seed=1), batch_size=2, epochs=1, shuffle=False, verbose=0)
    assert any(np.abs(np.asarray(s)).max() > 0 for s in model.get_layer("memory").states)


def test_stateful_needs_a_fixed_batch_size():
    with pytest.raises(ValueError, match=r"(?s)stateful.*fixed batch size.*batch_input_shape"):
        K.Sequential([K.Input((4, 2)), L.LSTM(3, stateful=True)])


def test_a_stateful_batch_of_another_size_names_both_sizes():
    model = stateful_model(batch=2)
    with pytest.raises(ValueError) as predicting:
        model.predict(floats(3, 4, 2), batch_size=3, verbose=0)
    with pytest.raises(ValueError) as applying:  # the pure function checks it too
        model.apply(model.params, floats(3, 4, 2))
    for error in (predicting, applying):
        message = str(error.value)
        assert "memory" in message and "2" in message and "3" in message, message


# ---------------------------------------------------------------- dropout
@pytest.mark.parametrize("kind", KINDS)
def test_dropout_acts_only_in_training(kind):
    make_plain = lambda: K.Sequential([K.Input((5, 2)), KINDS[kind](3, return_sequences=True)])
    make_dropped = lambda: K.Sequential([K.Input((5, 2)), KINDS[kind](3, return_sequences=True, dropout=0.5,
                                                                      recurrent_dropout=0.5)])
    x = floats(4, 5, 2)
    plain, dropped = twin_predictions(make_plain, make_dropped, x)
    np.testing.assert_allclose(dropped, plain, rtol=1e-6, atol=1e-7)  # inference ignores dropout
    model = make_dropped()
    trained_once, trained_twice = np.asarray(model(x, training=True)), np.asarray(model(x, training=True))
    assert np.abs(trained_once - model.predict(x, verbose=0)).max() > 1e-3
    assert np.abs(trained_once - trained_twice).max() > 1e-3  # a new mask each training pass


def test_dropout_uses_the_same_mask_at_every_step():
    """Keras drops the same input features at every step: with all-equal steps, a zeroed feature stays zeroed."""
    layer = L.SimpleRNN(4, dropout=0.5, use_bias=False, return_sequences=True,
                        recurrent_initializer="zeros", kernel_initializer="ones")
    x = np.ones((8, 3, 6), "float32")
    outputs = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(outputs[:, 0], outputs[:, 1], rtol=1e-6)
    np.testing.assert_allclose(outputs[:, 1], outputs[:, 2], rtol=1e-6)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "half"])
def test_dropout_outside_0_1_is_a_clear_error(rate):
    with pytest.raises(ValueError, match=r"dropout.*\[0, 1\)"):
        L.LSTM(3, dropout=rate)


# ---------------------------------------------------------------- Recurrent, strategies, unroll
def test_recurrent_used_directly_points_to_the_real_layers():
    from minikeras.layers.recurrent import Recurrent
    with pytest.raises(TypeError, match=r"(?s)abstract.*SimpleRNN.*GRU.*LSTM"):
        Recurrent(3)


STRATEGIES = {"unroll": {"unroll": True}, "implementation_1": {"implementation": 1},
              "implementation_2": {"implementation": 2}, "consume_less_cpu": {"consume_less": "cpu"},
              "consume_less_mem": {"consume_less": "mem"}, "consume_less_gpu": {"consume_less": "gpu"}}


@pytest.mark.filterwarnings("ignore::minikeras.legacy.LegacyArgumentWarning")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("masked,go_backwards", [(False, True), (True, False), (True, True)])
def test_computation_strategy_never_changes_the_numbers(kind, strategy, masked, go_backwards):
    def make(**extra):
        first = ([K.Input((5,), dtype="int32"), L.Embedding(9, 2, mask_zero=True)] if masked
                 else [K.Input((5, 2))])
        return K.Sequential(first + [KINDS[kind](3, return_sequences=True, go_backwards=go_backwards, **extra)])
    x = padded_tokens() if masked else floats(3, 5, 2)
    default, chosen = twin_predictions(make, lambda: make(**STRATEGIES[strategy]), x)
    np.testing.assert_allclose(chosen, default, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- Keras 1 argument names
@pytest.fixture
def fresh_legacy_warnings(monkeypatch):
    """Each test sees the once-per-process warnings as if for the first time."""
    monkeypatch.setattr(legacy, "_warned", set())
    monkeypatch.setattr(legacy, "_enabled", True)


KERAS1_NAMES = {  # old name: (value, attribute of the layer, what the attribute must then be)
    "output_dim": (4, "units", lambda v: v == 4),
    "init": ("zeros", "kernel_initializer", lambda v: K.initializers.serialize(v)["class_name"] == "Zeros"),
    "inner_init": ("ones", "recurrent_initializer", lambda v: K.initializers.serialize(v)["class_name"] == "Ones"),
    "inner_activation": ("hard_sigmoid", "recurrent_activation", lambda v: v is K.activations.get("hard_sigmoid")),
    "W_regularizer": ("l2", "kernel_regularizer", lambda v: v is not None),
    "U_regularizer": ("l1", "recurrent_regularizer", lambda v: v is not None),
    "b_regularizer": ("l2", "bias_regularizer", lambda v: v is not None),
    "dropout_W": (0.25, "dropout", lambda v: v == 0.25),
    "dropout_U": (0.125, "recurrent_dropout", lambda v: v == 0.125),
}


@pytest.mark.parametrize("old", KERAS1_NAMES)
def test_keras1_names_map_to_keras3_and_warn_once(old, fresh_legacy_warnings):
    value, new, holds = KERAS1_NAMES[old]
    units = {} if old == "output_dim" else {"units": 4}
    with pytest.warns(legacy.LegacyArgumentWarning, match=rf"{old}.*{new}") as record:
        layer = L.LSTM(**units, **{old: value})
    assert holds(getattr(layer, new)), f"{old}= must set {new}"
    assert record[0].filename == __file__, "the warning points at the user's line"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.LSTM(**units, **{old: value})  # said once is enough


def test_keras1_forget_bias_init_warns_and_keeps_unit_forget_bias(fresh_legacy_warnings):
    with pytest.warns(legacy.LegacyArgumentWarning, match="forget_bias_init.*unit_forget_bias"):
        layer = L.LSTM(4, forget_bias_init="one")
    model = K.Sequential([K.Input((5, 2)), layer])
    bias = model.get_weights()[2]
    np.testing.assert_array_equal(bias[4:8], np.ones(4))


def test_consume_less_warns_that_it_is_only_a_strategy(fresh_legacy_warnings):
    with pytest.warns(legacy.LegacyArgumentWarning, match="consume_less.*implementation"):
        L.GRU(3, consume_less="gpu")


@pytest.mark.filterwarnings("ignore::minikeras.legacy.LegacyArgumentWarning")
def test_a_keras1_name_given_with_its_keras3_name_is_refused_for_other_names(fresh_legacy_warnings):
    with pytest.raises(TypeError, match=r"init.*kernel_initializer"):
        L.GRU(3, init="zeros", kernel_initializer="ones")


@pytest.mark.filterwarnings("ignore::minikeras.legacy.LegacyArgumentWarning")
@pytest.mark.parametrize("call", ["keyword", "positional"])
def test_output_dim_given_with_units_is_refused(call, fresh_legacy_warnings):
    with pytest.raises(TypeError, match=r"output_dim.*units"):
        L.LSTM(units=3, output_dim=4) if call == "keyword" else L.LSTM(3, output_dim=4)


def test_legacy_warnings_can_be_silenced(fresh_legacy_warnings):
    legacy.silence_legacy_warnings()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.GRU(output_dim=3, inner_init="orthogonal")


# ---------------------------------------------------------------- stacked cells
def test_stacked_cells_run_one_after_another_in_one_layer():
    cells = [L.LSTMCell(3), L.GRUCell(2)]
    model = K.Sequential([K.Input((5, 4)), L.RNN(cells, return_sequences=True)])
    assert model.output_shape == (None, 5, 2)
    assert [w.shape for w in model.get_weights()] == [(4, 12), (3, 12), (12,), (3, 6), (2, 6), (2, 6)]
    assert model.predict(floats(2, 5, 4), verbose=0).shape == (2, 5, 2)


def test_stacked_cells_equal_stacked_layers_given_the_same_weights():
    x = floats(2, 5, 4)
    stacked = K.Sequential([K.Input((5, 4)), L.RNN([L.SimpleRNNCell(3), L.LSTMCell(2)], return_sequences=True)])
    layered = K.Sequential([K.Input((5, 4)), L.SimpleRNN(3, return_sequences=True), L.LSTM(2, return_sequences=True)])
    layered.set_weights(stacked.get_weights())
    np.testing.assert_allclose(stacked.predict(x, verbose=0), layered.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_stacked_cells_with_initial_state_and_return_state():
    sequence = K.Input((5, 4))
    layer = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)
    outputs = layer(sequence)
    flat = outputs if isinstance(outputs, list) else [outputs]
    shapes = [t.shape for t in _flatten(flat)]
    assert shapes == [(None, 2), (None, 3), (None, 3), (None, 2)]
    seeds = [np.ones((2, 3), "float32"), np.ones((2, 3), "float32"), np.ones((2, 2), "float32")]
    x = floats(2, 5, 4)
    assert np.abs(np.asarray(layer(x, initial_state=seeds)[0]) - np.asarray(layer(x)[0])).max() > 1e-4


def _structure(value):
    """Shapes in the nesting a call returned: lists stay lists, tensors become their shapes."""
    if isinstance(value, (list, tuple)):
        return [_structure(v) for v in value]
    return tuple(value.shape)


def test_stacked_cells_return_one_state_entry_per_cell_like_keras():
    # Keras 3.15, symbolic: (out (None, 2), [h1 (None, 3), c1 (None, 3)], h2 (None, 2))
    symbolic = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)(K.Input((5, 4)))
    assert _structure(symbolic) == [(None, 2), [(None, 3), (None, 3)], (None, 2)]
    eager = L.RNN([L.GRUCell(2), L.SimpleRNNCell(3)], return_state=True)(floats(2, 5, 4))
    assert _structure(eager) == [(2, 3), (2, 2), (2, 3)]


def test_stacked_cell_states_go_back_in_as_initial_state_nested_or_flat():
    layer = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)
    x = floats(2, 5, 4)
    output, (h1, c1), h2 = layer(x)
    nested = layer(x, initial_state=[[h1, c1], h2])
    flat = layer(x, initial_state=[h1, c1, h2])
    np.testing.assert_allclose(np.asarray(nested[0]), np.asarray(flat[0]))
    assert np.abs(np.asarray(nested[0]) - np.asarray(output)).max() > 1e-4


def test_model_of_nested_stacked_states_has_the_flat_outputs_keras_lists():
    inputs = K.Input((5, 4))
    model = K.Model(inputs, L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)(inputs))
    assert [t.shape for t in model.outputs] == [(None, 2), (None, 3), (None, 3), (None, 2)]
    output, lstm_states, gru_state = model.predict(floats(2, 5, 4), verbose=0)   # Keras 3's nesting, a tuple
    assert [output.shape, [s.shape for s in lstm_states], gru_state.shape] == [(2, 2), [(2, 3), (2, 3)], (2, 2)]


def test_a_model_of_nested_stacked_states_saves_loads_and_clones(tmp_path):
    inputs = K.Input((5, 4))
    model = K.Model(inputs, L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)(inputs))
    model.save(str(tmp_path / "stacked.keras"))
    x = floats(2, 5, 4)
    expected = model.predict(x, verbose=0)
    for other in (K.models.load_model(str(tmp_path / "stacked.keras")), K.models.clone_model(model)):
        assert [t.shape for t in other.outputs] == [(None, 2), (None, 3), (None, 3), (None, 2)]
    loaded = K.models.load_model(str(tmp_path / "stacked.keras")).predict(x, verbose=0)
    for want, got in zip(_flatten(expected), _flatten(loaded)):
        np.testing.assert_array_equal(want, got)


def _flatten(items):
    flat = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, (list, tuple)) else [item])
    return flat


def test_rnn_of_something_that_is_not_a_cell_is_a_clear_error():
    with pytest.raises(TypeError, match=r"cell.*LSTMCell"):
        L.RNN(L.Dense(3))


def test_recurrent_layer_on_2d_input_is_a_clear_error_at_build_time():
    with pytest.raises(ValueError, match=r"(?s)expects 3-D input.*\(None, 4\)"):
        K.Sequential([K.Input((4,)), L.LSTM(3)])


def test_weights_argument_sets_the_initial_weights():
    source = K.Sequential([K.Input((5, 2)), L.GRU(3)])
    weights = source.get_weights()
    model = K.Sequential([K.Input((5, 2)), L.GRU(3, weights=weights)])
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
