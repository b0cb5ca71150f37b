"""Graphs of built-in layers (branches, list inputs, several model inputs, states passed between recurrent layers,
attention) take the composed training step: loss and gradients equal the traced step's (float64), training gives
the same weights, and graphs it cannot compose take the traced step."""
import numpy as np
import pytest

import minikeras as K
from minikeras import layers as L
from minikeras.models import composed_step
from composed_training import assert_composed_equals_traced, assert_trained_alike_both_ways, prepared_batch


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def tokens(rows, steps, vocabulary, seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, vocabulary, size=(rows, steps))
    lengths = rng.integers(2, steps + 1, size=rows)
    ids[np.arange(steps)[None, :] >= lengths[:, None]] = 0
    return ids


def classifier_model():
    ids = K.Input((6,), dtype="int32")
    x = L.Embedding(11, 4, mask_zero=True)(ids)
    h = L.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
    h = L.Attention(use_scale=True)([h, x])
    out = L.Dense(3, activation="softmax")(L.GlobalAveragePooling1D()(h))
    model = K.Model(ids, out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = tokens(5, 6, 11, seed=0)
    return model, x, x[:, 0] % 3


def seq2seq_model():
    src, dec = K.Input((5,), dtype="int32"), K.Input((5,), dtype="int32")
    encoded, h, c = L.LSTM(4, return_sequences=True, return_state=True)(L.Embedding(7, 3)(src))
    decoded = L.LSTM(4, return_sequences=True)(L.Embedding(7, 3)(dec), initial_state=[h, c])
    context = L.Attention()([decoded, encoded])
    out = L.Dense(7, activation="softmax")(L.Concatenate()([decoded, context]))
    model = K.Model([src, dec], out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(1)
    source = rng.integers(1, 7, size=(4, 5))
    return model, [source, np.roll(source, 1, axis=1)], source[:, ::-1]


def branches_model():
    inputs = K.Input((3,))
    h = L.Dense(4, activation="tanh")(inputs)
    merged = L.Add()([L.Dense(2)(h), L.Dense(2, activation="relu")(h)])
    out = L.Dense(1)(L.Concatenate()([merged, h]))
    model = K.Model(inputs, out)
    model.compile(optimizer="rmsprop", loss="mse")
    x = np.random.default_rng(2).normal(size=(6, 3))
    return model, x, np.sin(x[:, :1])


def unused_state_model():
    inputs = K.Input((4, 2))
    sequence, h, _ = L.LSTM(3, return_sequences=True, return_state=True)(inputs)     # the cell state unused
    out = L.Dense(2)(L.Concatenate()([L.GlobalAveragePooling1D()(sequence), h]))
    model = K.Model(inputs, out)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(3).normal(size=(5, 4, 2))
    return model, x, np.random.default_rng(4).normal(size=(5, 2))


def merged_inputs_model():
    a, b = K.Input((3,)), K.Input((2,))
    model = K.Model([a, b], L.Dense(2)(L.Concatenate()([a, b])))      # the merge has nothing to differentiate
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(5)
    return model, [rng.normal(size=(4, 3)), rng.normal(size=(4, 2))], rng.normal(size=(4, 2))


def traced_attention_model():
    ids = K.Input((5,), dtype="int32")
    x = L.Embedding(9, 4, mask_zero=True)(ids)
    h = L.AdditiveAttention()([x, x])                                   # these three have no own form: traced alone
    h = L.Attention(score_mode="concat", use_scale=True)([h, x])
    h = L.MultiHeadAttention(num_heads=1, key_dim=2)(h, x, use_causal_mask=True)
    model = K.Model(ids, L.Dense(2)(L.GlobalAveragePooling1D()(h)))
    model.compile(optimizer="adam", loss="mse")
    return model, tokens(4, 5, 9, seed=8), np.random.default_rng(9).normal(size=(4, 2))


def shared_layer_model():
    a, b = K.Input((3,)), K.Input((3,))
    shared = L.Dense(4, activation="tanh")                                  # one layer, two calls
    out = L.Dense(1)(L.Subtract()([shared(a), shared(b)]))
    model = K.Model([a, b], out)
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(7)
    return model, [rng.normal(size=(5, 3)), rng.normal(size=(5, 3))], rng.normal(size=(5, 1))


def recurrent_variants_model():
    inputs = K.Input((5, 3))
    sequence, h = L.GRU(3, return_sequences=True, return_state=True, go_backwards=True, reset_after=False)(inputs)
    sequence = L.GRU(3, return_sequences=True)(sequence, initial_state=h)      # reset_after=True, states in
    last = L.SimpleRNN(3)(sequence, initial_state=h)
    relu_lstm = L.LSTM(2, activation="relu")(inputs)            # no fused kernel: traced alone
    model = K.Model(inputs, L.Dense(2)(L.Concatenate()([last, relu_lstm])))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(6)
    return model, rng.normal(size=(4, 5, 3)), rng.normal(size=(4, 2))


MODELS = [classifier_model, seq2seq_model, branches_model, unused_state_model, merged_inputs_model,
          recurrent_variants_model, shared_layer_model, traced_attention_model]


def kinds_of(model):
    return sorted((type(step.layer).__name__, how) for step, how in composed_step.composed_plan(model))


def test_each_node_runs_the_way_expected():
    assert kinds_of(recurrent_variants_model()[0]) == sorted([
        ("GRU", "recurrent"), ("GRU", "recurrent"), ("SimpleRNN", "recurrent"), ("LSTM", "traced"),
        ("Concatenate", "list"), ("Dense", "own")])
    assert kinds_of(classifier_model()[0]) == sorted([
        ("Embedding", "own"), ("MultiHeadAttention", "list"), ("Attention", "list"),
        ("GlobalAveragePooling1D", "own"), ("Dense", "own")])


@pytest.mark.parametrize("make", MODELS)
def test_composed_loss_and_gradients_of_a_graph_equal_the_traced_step(make):
    model, x, y = make()
    xs, ys, sws = prepared_batch(model, x, y)
    assert composed_step.composed_plan(model) is not None
    assert composed_step.composed_layers(model) is None       # not a chain
    _, grads, outputs, _ = assert_composed_equals_traced(model, xs, ys, sws)
    assert any(np.any(g != 0) for g in grads)
    np.testing.assert_allclose(outputs[0], model.apply(model.params, xs), rtol=1e-12)


@pytest.mark.parametrize("make", [classifier_model, seq2seq_model])
def test_training_a_graph_with_composed_steps_gives_the_traced_weights(make):
    def build_and_fit():
        model, x, y = make()
        return model, model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    assert_trained_alike_both_ways(build_and_fit)


def test_graphs_it_cannot_compose_take_the_traced_step():
    inputs = K.Input((3,))
    two_outputs = K.Model(inputs, [L.Dense(1)(inputs), L.Dense(2)(inputs)])
    ids = K.Input((6,), dtype="int32")
    x = L.Embedding(11, 4)(ids)
    recurrent_dropout = K.Model(ids, L.Dense(1)(L.LSTM(2, activation="relu", recurrent_dropout=0.2)(x)))
    penalized = K.Model(ids, L.Dense(1)(L.LSTM(2, kernel_regularizer="l2")(x)))
    stateful = K.Sequential([K.Input((4, 2), batch_size=2), L.LSTM(2, stateful=True), L.Dense(1)])
    for model in (two_outputs, recurrent_dropout, penalized, stateful):
        assert composed_step.composed_plan(model) is None, model.layers


def test_the_switch_selects_the_traced_step_for_graphs(monkeypatch):
    model, x, y = classifier_model()
    composed_step.set_composed_steps(False)
    assert composed_step.composed_plan(model) is None
    monkeypatch.setattr(composed_step, "_forward", lambda *a, **k: pytest.fail("composed step taken"))
    model.fit(x, y, epochs=1, verbose=0)
