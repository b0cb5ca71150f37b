"""Recurrent layers with dropout in the composed training step: the masks are drawn from the step's generator in
the order the layers' own calls draw them (input mask, then recurrent mask; a Bidirectional's forward layer first),
so loss, gradients and trained weights equal the traced step's."""
import numpy as np
import pytest

import minikeras as K
from minikeras import layers as L
from minikeras.models import composed_step
from composed_training import assert_composed_equals_traced, assert_trained_alike_both_ways, prepared_batch

pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def tokens(seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 11, size=(5, 6))
    ids[np.arange(6)[None, :] >= rng.integers(2, 7, size=5)[:, None]] = 0
    return ids


def lstm_classifier():
    model = K.Sequential([K.Input((6,), dtype="int32"), L.Embedding(11, 4, mask_zero=True),
                          L.LSTM(3, dropout=0.3, recurrent_dropout=0.4), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = tokens()
    return model, x, (x[:, 0] % 2).astype(float)


def bidirectional_tagger():
    ids = K.Input((6,), dtype="int32")
    h = L.Embedding(11, 4, mask_zero=True)(ids)
    h = L.Bidirectional(L.LSTM(3, return_sequences=True, dropout=0.2, recurrent_dropout=0.3))(h)
    h = L.GRU(2, return_sequences=True, dropout=0.25)(h)          # input dropout only: a mask on x
    h = L.SimpleRNN(2, return_sequences=True, recurrent_dropout=0.3)(h)
    model = K.Model(ids, L.TimeDistributed(L.Dense(5, activation="softmax"))(h))
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    x = tokens(1)
    return model, x, np.eye(5)[x % 5]


def stacked_states():
    inputs = K.Input((5, 3))
    sequence, h, c = L.LSTM(3, return_sequences=True, return_state=True, recurrent_dropout=0.5)(inputs)
    last = L.LSTM(3, dropout=0.3, recurrent_dropout=0.2, go_backwards=True)(sequence, initial_state=[h, c])
    gru = L.GRU(3, dropout=0.2, recurrent_dropout=0.4, reset_after=False)(sequence, initial_state=h)
    model = K.Model(inputs, L.Dense(2)(L.Concatenate()([last, gru])))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(2)
    return model, rng.normal(size=(4, 5, 3)), rng.normal(size=(4, 2))


MODELS = [lstm_classifier, bidirectional_tagger, stacked_states]


@pytest.mark.parametrize("make", MODELS)
def test_composed_step_with_recurrent_dropout_equals_the_traced_step(make):
    model, x, y = make()
    xs, ys, sws = prepared_batch(model, x, y)
    plan = composed_step.composed_plan(model)
    assert plan is not None and all(how != "traced" for _, how in plan)
    loss = assert_composed_equals_traced(model, xs, ys, sws, seed=3)[0]
    other = composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws, rng=np.random.default_rng(4))
    assert other[0] != loss                 # the masks are really drawn


@pytest.mark.parametrize("make", [lstm_classifier, bidirectional_tagger])
def test_training_with_recurrent_dropout_in_composed_steps_gives_the_traced_weights(make):
    def build_and_fit():
        model, x, y = make()
        return model, model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
    assert_trained_alike_both_ways(build_and_fit)


def test_a_cell_without_a_fused_kernel_and_dropout_keeps_the_traced_step():
    model = K.Sequential([K.Input((4, 2)), L.LSTM(3, activation="relu", recurrent_dropout=0.2), L.Dense(1)])
    assert composed_step.composed_plan(model) is None
