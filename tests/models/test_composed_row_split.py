"""A single recurrent layer in the composed step splits its batch's rows with the helper process (first half here,
the rest there, layers/composed_recurrent.py): loss, gradients and trained weights equal the traced step's, with
masks, dropout, initial and returned states; and a helper that fails leaves the numbers as they are."""
import numpy as np
import pytest

import minikeras as K
from minikeras import layers as L
from minikeras.layers import composed_recurrent
from minikeras.layers.rnn import fused_pair, kernel_process
from minikeras.models import composed_step
from composed_training import assert_composed_equals_traced, assert_trained_alike_both_ways, prepared_batch

pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py
ROWS = 2 * composed_recurrent.MIN_SPLIT_ROWS + 3      # an odd batch: the halves differ by a row


@pytest.fixture
def helper(ready_kernel_helper, monkeypatch):
    """The helper process, counting the batches it is sent."""
    fused_pair.set_concurrent_directions("process")
    process = ready_kernel_helper()
    sent = []
    monkeypatch.setattr(process, "forward", lambda *a, _f=process.forward: sent.append(1) or _f(*a))
    yield sent
    fused_pair.set_concurrent_directions(None)


def tokens(rows, seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 11, size=(rows, 7))
    ids[np.arange(7)[None, :] >= rng.integers(1, 8, size=rows)[:, None]] = 0
    return ids


def classifier():
    model = K.Sequential([K.Input((7,), dtype="int32"), L.Embedding(11, 4, mask_zero=True),
                          L.LSTM(3, dropout=0.2, recurrent_dropout=0.3), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = tokens(ROWS, 0)
    return model, x, (x[:, 0] % 2).astype(float)


def encoder_decoder():
    source, target = K.Input((7,), dtype="int32"), K.Input((7,), dtype="int32")
    encoded, h = L.GRU(4, return_state=True, go_backwards=True)(L.Embedding(11, 3, mask_zero=True)(source))
    decoded = L.SimpleRNN(4, return_sequences=True)(L.Embedding(11, 3)(target), initial_state=h)
    model = K.Model([source, target], L.TimeDistributed(L.Dense(11, activation="softmax"))(decoded))
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    x = tokens(ROWS, 1)
    return model, [x, np.roll(x, 1, axis=1)], x


@pytest.mark.parametrize("make", [classifier, encoder_decoder])
def test_a_split_batch_gives_the_traced_loss_and_gradients(make, helper):
    model, x, y = make()
    xs, ys, sws = prepared_batch(model, x, y)
    assert_composed_equals_traced(model, xs, ys, sws, seed=3)
    assert helper, "the helper process computed no rows"

@pytest.mark.parametrize("make", [classifier, encoder_decoder])
def test_training_with_split_batches_gives_the_traced_weights(make, helper):
    def build_and_fit():
        model, x, y = make()
        return model, model.fit(x, y, epochs=2, batch_size=ROWS, shuffle=False, verbose=0)
    assert_trained_alike_both_ways(build_and_fit)
    assert helper


def test_small_batches_are_not_split(helper):
    model, x, y = classifier()
    xs, ys, sws = prepared_batch(model, x[:2 * composed_recurrent.MIN_SPLIT_ROWS - 1], y[:15])
    composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws)
    assert not helper


def test_by_default_only_a_layer_with_enough_work_is_split(helper, monkeypatch):
    fused_pair.set_concurrent_directions(None)
    monkeypatch.setattr(fused_pair, "_usable_cores", lambda: 2)
    model, x, y = classifier()            # LSTM(3) over 7 steps: far below MIN_SPLIT_WORK
    composed_step.composed_loss_and_grads(model, model.params, *prepared_batch(model, x, y))
    assert not helper
    rows, steps, features = 32, 20, 16     # each half: 16 x 20 x 256 x 80 = 6.5 million multiply-adds
    model = K.Sequential([K.Input((steps, features)), L.LSTM(64), L.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    assert composed_recurrent._half_work(model.layers[0], model.params[model.layers[0].name],
                                         np.zeros((rows, steps, features))) >= composed_recurrent.MIN_SPLIT_WORK
    x = np.random.default_rng(0).normal(size=(rows, steps, features))
    composed_step.composed_loss_and_grads(model, model.params, *prepared_batch(model, x, np.zeros((rows, 1))))
    assert helper


def test_a_failing_helper_leaves_the_numbers_as_they_are(helper, monkeypatch):
    model, x, y = classifier()
    xs, ys, sws = prepared_batch(model, x, y)
    want = composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws, rng=np.random.default_rng(5))
    process = kernel_process.helper()
    monkeypatch.setattr(process, "vjp", lambda *a: (lambda: kernel_process.FAILED))
    got = composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws, rng=np.random.default_rng(5))
    assert len(helper) == 2
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    for a, b in zip(got[1], want[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
