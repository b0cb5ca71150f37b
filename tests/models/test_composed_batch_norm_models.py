"""Chains of Conv1D / Dense, BatchNormalization and activation layers take the composed training step: its loss,
gradients and moving-statistics updates equal the traced step's, and training gives the same weights; frozen
layers and the switch still select the traced step."""
import numpy as np
import pytest
from autograd import value_and_grad

import minikeras as K
from minikeras import layers as L
from minikeras.models import composed_step
from composed_training import prepared_batch, trained_both_ways
from minikeras.params import flatten_params, unflatten_like, merge_like


pytestmark = pytest.mark.usefixtures("float64")    # tests/conftest.py


def conv_bn_model():
    inputs = K.Input((8, 2))
    h = inputs
    for filters in (3, 4):
        h = L.ReLU()(L.BatchNormalization()(L.Conv1D(filters, 3, padding="same")(h)))
    outputs = L.Dense(2, activation="softmax")(L.GlobalAveragePooling1D()(h))
    model = K.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(6, 8, 2))
    return model, x, (x[:, :4, 0].mean(axis=1) > 0).astype(int)


def dense_bn_model():
    model = K.Sequential([K.Input((4,)), L.Dense(5), L.BatchNormalization(momentum=0.5), L.ReLU(), L.Dense(5),
                          L.BatchNormalization(scale=False), L.Activation("tanh"), L.Identity(), L.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse")
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(7, 4))
    return model, x, np.sin(x[:, :1])


def masked_model():
    model = K.Sequential([K.Input((5,), dtype="int32"), L.Embedding(9, 3, mask_zero=True), L.BatchNormalization(),
                          L.GlobalAveragePooling1D(), L.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    x = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 7], [8, 1, 2, 0, 0], [4, 0, 0, 0, 0]])
    return model, x, np.random.default_rng(2).normal(size=(4, 2))


MODELS = [conv_bn_model, dense_bn_model, masked_model]


def traced(model, xs, ys, sws):
    trainable, frozen = model._split_params()
    leaves = flatten_params(trainable)
    updates = {}

    def objective(*values):
        params = merge_like(model.params, frozen, unflatten_like(trainable, values))
        return model._total_loss(params, xs, ys, sws, True, None, None, updates)[0]
    loss, grads = value_and_grad(objective, tuple(range(len(leaves))))(*leaves)
    return loss, grads, updates


@pytest.mark.parametrize("make", MODELS)
def test_composed_loss_gradients_and_updates_equal_the_traced_step(make):
    model, x, y = make()
    xs, ys, sws = prepared_batch(model, x, y)
    assert composed_step.composed_layers(model) is not None
    trainable, frozen = model._split_params()
    assert frozen
    updates = {}
    loss, grads, outputs, _ = composed_step.composed_loss_and_grads(model, trainable, xs, ys, sws, frozen, updates)
    want_loss, want_grads, want_updates = traced(model, xs, ys, sws)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12)
    assert len(grads) == len(want_grads)
    for got, want in zip(grads, want_grads):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert sorted(updates) == sorted(want_updates) and updates
    for name in want_updates:
        for weight, value in want_updates[name].items():
            np.testing.assert_allclose(updates[name][weight], value, rtol=1e-12)
    np.testing.assert_allclose(outputs[0], model.apply(model.params, xs[0], training=True), rtol=1e-12)


@pytest.mark.parametrize("make", MODELS)
def test_training_with_composed_steps_gives_the_traced_weights_and_moving_statistics(make):
    def build_and_fit():
        model, x, y = make()
        return model, model.fit(x, y, epochs=3, batch_size=3, shuffle=False, verbose=0)
    (weights_on, loss_on), (weights_off, loss_off) = trained_both_ways(build_and_fit)
    np.testing.assert_allclose(loss_on, loss_off, rtol=1e-10)
    moving = [w for w in weights_on if w.ndim == 1]
    assert any(np.any(np.abs(w - 1.0) > 1e-3) and np.any(np.abs(w) > 1e-3) for w in moving)
    for a, b in zip(weights_on, weights_off):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def refuse_composing(monkeypatch):
    monkeypatch.setattr(composed_step, "forward_with_backward", lambda *a, **k: pytest.fail("composed step taken"))


@pytest.mark.parametrize("frozen_layer", [0, 1])
def test_frozen_layers_take_the_traced_step(monkeypatch, frozen_layer):
    model, x, y = dense_bn_model()
    model.layers[frozen_layer].trainable = False     # a frozen Dense, a frozen BatchNormalization (inference mode)
    model.compile(optimizer="rmsprop", loss="mse")
    refuse_composing(monkeypatch)
    model.fit(x, y, epochs=1, verbose=0)


def test_the_switch_selects_the_traced_step(monkeypatch):
    model, x, y = conv_bn_model()
    composed_step.set_composed_steps(False)
    assert composed_step.composed_layers(model) is None
    refuse_composing(monkeypatch)
    model.fit(x, y, epochs=1, verbose=0)


def test_the_composed_step_is_taken_for_these_models(monkeypatch):
    calls = []
    original = composed_step.forward_with_backward
    monkeypatch.setattr(composed_step, "forward_with_backward", lambda *a, **k: calls.append(1) or original(*a, **k))
    model, x, y = conv_bn_model()
    model.fit(x, y, epochs=1, batch_size=6, verbose=0)
    assert len(calls) == 8       # two Conv1D -> BatchNormalization -> ReLU blocks, the pooling, the Dense


@pytest.mark.parametrize("label_shape", ["flat", "column"])
def test_sparse_categorical_crossentropy_is_written_out_with_the_traced_numbers(label_shape):
    from minikeras.models.loss_gradients import written_out_loss_and_gradient
    model, x, _ = conv_bn_model()
    output = model.apply(model.params, x, training=True)
    labels = np.array([0, 1, 1, 5, 0, -1])        # 5 and -1 are outside the two classes: loss 0, as traced
    labels = labels if label_shape == "flat" else labels[:, None]
    weights = np.array([1.0, 0.5, 2.0, 1.0, 0.0, 3.0])
    loss, d_output = written_out_loss_and_gradient(model, labels, output, None, weights)
    assert loss is not None
    want_loss, want_d = value_and_grad(lambda o: model._loss_terms([labels], [o], [None], [weights])[0])(output)
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12)
    np.testing.assert_allclose(d_output, want_d, rtol=1e-10, atol=1e-14)
    assert written_out_loss_and_gradient(model, labels[:4], output, None, None) == (None, None)
