"""The composed training step (layers' own backward passes, no tracing) gives the traced step's loss and gradients,
and training with it gives the same weights; models it cannot compose take the traced step."""
import numpy as np
import pytest
from autograd import value_and_grad

import minikeras as K
from minikeras import layers as L
from minikeras.layers.rnn import fused_pair, kernel_process
from minikeras.models import composed_step
from composed_training import assert_trained_alike_both_ways
from minikeras.models.loss_gradients import written_out_loss_and_gradient
from minikeras.params import flatten_params, unflatten_like

TIME, VOCABULARY = 6, 12


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def padded_tokens(rows=5, where="post", seed=0):
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, VOCABULARY, size=(rows, TIME))
    for row, length in enumerate([2, 6, 4, 1, 5][:rows]):
        if where == "post":
            tokens[row, length:] = 0
        else:
            tokens[row, :TIME - length] = 0
    return tokens


def seed_model():
    model = K.Sequential([K.Input((5, 1)), L.LSTM(5, return_sequences=True), L.TimeDistributed(L.Dense(1))])
    model.compile(loss="mse", optimizer="adam")
    x = np.linspace(0.0, 0.8, 5).reshape(1, 5, 1)
    return model, x, x.copy(), None


def tagger_model():
    inputs = K.Input((TIME,), dtype="int32")
    h = L.Embedding(VOCABULARY, 4, mask_zero=True)(inputs)
    h = L.Bidirectional(L.LSTM(3, return_sequences=True))(h)
    outputs = L.TimeDistributed(L.Dense(5, activation="softmax"))(h)
    model = K.Model(inputs, outputs)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    x = padded_tokens()
    return model, x, np.eye(5)[x % 5], None


def stacked_bidirectional_model():
    """Two Bidirectional layers: both forward passes run before either backward pass."""
    inputs = K.Input((TIME,), dtype="int32")
    h = L.Embedding(VOCABULARY, 4, mask_zero=True)(inputs)
    h = L.Bidirectional(L.LSTM(3, return_sequences=True))(h)
    h = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="sum")(h)
    model = K.Model(inputs, L.TimeDistributed(L.Dense(5, activation="softmax"))(h))
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    x = padded_tokens()
    return model, x, np.eye(5)[x % 5], None


def gru_sum_model():
    model = K.Sequential([K.Input((TIME,), dtype="int32"), L.Embedding(VOCABULARY, 4, mask_zero=True),
                          L.Bidirectional(L.GRU(3, reset_after=False), merge_mode="sum"),
                          L.Dense(2, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    x = padded_tokens(where="pre")
    weights = np.array([1.0, 0.5, 2.0, 0.0, 1.5])
    return model, x, (x[:, -2:] % 2).astype(float), weights


def simple_rnn_model():
    model = K.Sequential([K.Input((TIME,), dtype="int32"), L.Embedding(VOCABULARY, 4, mask_zero=True),
                          L.SimpleRNN(4, go_backwards=True), L.Dense(3, activation="relu"),
                          L.Dense(2, activation="tanh")])
    model.compile(loss="mse", optimizer="sgd")
    x = padded_tokens(seed=1)
    return model, x, np.random.default_rng(2).normal(size=(5, 2)), None


def gru_no_bias_model():
    model = K.Sequential([K.Input((TIME, 3)), L.GRU(4, use_bias=False, return_sequences=True),
                          L.Dense(4, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    x = np.random.default_rng(3).normal(size=(4, TIME, 3))
    return model, x, np.random.default_rng(4).integers(0, 4, size=(4, TIME)), None


def masked_mse_model():
    model = K.Sequential([K.Input((TIME,), dtype="int32"), L.Embedding(VOCABULARY, 4, mask_zero=True),
                          L.LSTM(3, return_sequences=True), L.TimeDistributed(L.Dense(2))])
    model.compile(loss="mse", optimizer="adam")
    x = padded_tokens(seed=5)
    return model, x, np.random.default_rng(6).normal(size=(5, TIME, 2)), np.array([1.0, 2.0, 0.5, 0.0, 1.0])


def mae_model():
    model, x, y, weights = masked_mse_model()
    model.compile(loss="mae", optimizer="adam")
    return model, x, y, weights


MODELS = [seed_model, tagger_model, stacked_bidirectional_model, gru_sum_model, simple_rnn_model, gru_no_bias_model, masked_mse_model, mae_model]


def traced_loss_and_grads(model, x, ys, sample_weights):
    trainable = model.params
    leaves = flatten_params(trainable)

    def objective(*trainable_leaves):
        params = unflatten_like(trainable, trainable_leaves)
        return model._total_loss(params, x, ys, sample_weights, True, None, None, {})[0]
    return value_and_grad(objective, tuple(range(len(leaves))))(*leaves)


@pytest.mark.parametrize("directions", [False, True, "process"])
@pytest.mark.parametrize("make", MODELS)
def test_composed_loss_and_gradients_equal_the_traced_step(make, directions, request, monkeypatch):
    """Bidirectional's two directions one after the other, on two threads, or the second in the helper process."""
    fused_pair.set_concurrent_directions(directions)
    helped, answered = [], []
    if directions == "process":
        helper = request.getfixturevalue("ready_kernel_helper")()
        monkeypatch.setattr(helper, "forward", lambda *a, _f=helper.forward: helped.append(1) or _f(*a))
        monkeypatch.setattr(helper, "_wait", lambda _w=helper._wait: answered.append(_w()) or answered[-1])
    model, x, y, weights = make()
    prepared = model._prepare(x, y, weights, None, "fit")
    xs, ys, sws = prepared["x"], prepared["y"], prepared["sample_weight"] or [None]
    assert composed_step.composed_layers(model) is not None
    composed = composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws)
    loss, grads = traced_loss_and_grads(model, xs, ys, sws)
    np.testing.assert_allclose(composed[0], loss, rtol=1e-12)
    assert len(composed[1]) == len(grads)
    for got, want in zip(composed[1], grads):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(composed[2][0], model.apply(model.params, xs[0]), rtol=1e-12)
    bidirectional = make in (tagger_model, stacked_bidirectional_model, gru_sum_model)
    assert bool(helped) == (directions == "process" and bidirectional)
    assert len(answered) == 2 * len(helped) and all(a is not kernel_process.FAILED for a in answered)


@pytest.mark.parametrize("directions", [False, "process"])
@pytest.mark.parametrize("make", [tagger_model, stacked_bidirectional_model, gru_sum_model])
def test_training_with_composed_steps_gives_the_traced_weights(make, directions, request):
    fused_pair.set_concurrent_directions(directions)
    if directions == "process":
        request.getfixturevalue("ready_kernel_helper")()
    def build_and_fit():
        model, x, y, weights = make()
        return model, model.fit(x, y, sample_weight=weights, epochs=3, batch_size=2, shuffle=False, verbose=0)
    assert_trained_alike_both_ways(build_and_fit)


def test_models_it_cannot_compose_take_the_traced_step():
    inputs = K.Input((TIME, 3))
    branch = L.Dense(2)(inputs)
    cases = [
        K.Sequential([K.Input((TIME, 3)), L.SimpleRNN(2, activation="relu", dropout=0.3), L.Dense(1)]),
        K.Sequential([K.Input((TIME, 3)), L.LSTM(2, implementation=1), L.Dense(1)]),
        K.Sequential([K.Input((TIME, 3)), L.LSTM(2), L.Dense(1, kernel_regularizer="l2")]),
        K.Sequential([K.Input((TIME, 3)), L.LSTM(2), L.Dropout(0.5), L.Dense(1)]),
        K.Sequential([K.Input((TIME, 3)), L.Bidirectional(L.LSTM(2), merge_mode="mul"), L.Dense(1)]),
        K.Model(inputs, L.Add()([branch, L.Dense(2)(inputs)])),
    ]
    for model in cases:
        assert composed_step.composed_layers(model) is None, model.layers


def test_frozen_layers_and_the_switch_take_the_traced_step(monkeypatch):
    model, x, y, _ = seed_model()
    monkeypatch.setattr(composed_step, "forward_with_backward", lambda *a, **k: pytest.fail("composed"))
    model.layers[0].trainable = False
    model.compile(loss="mse", optimizer="adam")
    model.fit(x, y, epochs=1, verbose=0)
    model.layers[0].trainable = True
    model.compile(loss="mse", optimizer="adam")
    composed_step.set_composed_steps(False)
    model.fit(x, y, epochs=1, verbose=0)
    with pytest.raises(TypeError, match="set_composed_steps"):
        composed_step.set_composed_steps("no")


def binary_labels_model():
    """Binary crossentropy against (batch,) labels for a (batch, 1) sigmoid output, some outputs clipped."""
    model = K.Sequential([K.Input((3,)), L.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.set_weights([np.array([[40.0], [0.5], [-0.3]]), np.array([0.1])])      # row 0 saturates to 1.0
    x = np.array([[1.0, 0.2, 0.3], [-0.1, 0.4, 0.2], [0.0, -1.0, 0.5], [0.3, 0.3, 0.3]])
    return model, x, np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 2.0, 0.5, 1.0])


@pytest.mark.parametrize("make,written_out", [(seed_model, True), (masked_mse_model, True), (simple_rnn_model, True),
                                              (mae_model, False), (tagger_model, True), (gru_sum_model, True),
                                              (binary_labels_model, True)])
def test_the_common_losses_are_written_out_and_other_losses_are_traced(make, written_out):
    model, x, y, weights = make()
    prepared = model._prepare(x, y, weights, None, "fit")
    (output,), (mask,), _ = model.forward(model.params, prepared["x"])
    sw = (prepared["sample_weight"] or [None])[0]
    loss, d_output = written_out_loss_and_gradient(model, prepared["y"][0], output, mask, sw)
    assert (loss is not None) == written_out
    if written_out:
        want_loss, want_d = value_and_grad(lambda o: model._loss_terms(prepared["y"], [o], [mask], [sw])[0])(output)
        np.testing.assert_allclose(loss, want_loss, rtol=1e-12)
        np.testing.assert_allclose(d_output, want_d, rtol=1e-10, atol=1e-14)
        assert mask is not None or make in (seed_model, simple_rnn_model, gru_sum_model, binary_labels_model)
