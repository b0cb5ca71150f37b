"""One model trained twice from the same seed, with composed steps on and then off, and one batch's loss and
gradients composed and traced: what the composed-step tests compare (tests/models/test_composed_*.py)."""
import numpy as np
from autograd import value_and_grad

import minikeras as K
from minikeras.models import composed_step
from minikeras.params import flatten_params, unflatten_like


def trained_both_ways(build_and_fit):
    """[(weights, losses) with composed steps, (weights, losses) traced]; `build_and_fit()` -> (model, history)."""
    results = []
    for enabled in (True, False):
        composed_step.set_composed_steps(enabled)
        K.utils.set_random_seed(0)
        model, history = build_and_fit()
        results.append((model.get_weights(), history.history["loss"]))
    composed_step.set_composed_steps(True)
    return results


def prepared_batch(model, x, y):
    """(inputs, targets, sample weights) as fit hands one batch of x, y to the training step."""
    prepared = model._prepare(x, y, None, None, "fit")
    return prepared["x"], prepared["y"], prepared["sample_weight"] or [None]


def traced_loss_and_grads(model, xs, ys, sws, rng=None):
    """(loss, flat gradients) of the traced training step on one batch; random layers draw from `rng`."""
    trainable = model.params
    leaves = flatten_params(trainable)

    def objective(*values):
        return model._total_loss(unflatten_like(trainable, values), xs, ys, sws, True, rng, None, {})[0]
    return value_and_grad(objective, tuple(range(len(leaves))))(*leaves)


def assert_composed_equals_traced(model, xs, ys, sws, seed=None):
    """The composed step's loss and gradients on one batch equal the traced step's (random layers drawing from two
    generators seeded alike when `seed` is given); returns the composed (loss, grads, outputs, masks)."""
    def generator():
        return None if seed is None else np.random.default_rng(seed)
    composed = composed_step.composed_loss_and_grads(model, model.params, xs, ys, sws, rng=generator())
    want_loss, want_grads = traced_loss_and_grads(model, xs, ys, sws, generator())
    np.testing.assert_allclose(composed[0], want_loss, rtol=1e-12)
    assert len(composed[1]) == len(want_grads)
    for got, want in zip(composed[1], want_grads):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    return composed


def assert_trained_alike_both_ways(build_and_fit):
    """Training with composed steps and traced ones (trained_both_ways) gives the same losses and weights."""
    (weights_on, loss_on), (weights_off, loss_off) = trained_both_ways(build_and_fit)
    np.testing.assert_allclose(loss_on, loss_off, rtol=1e-10)
    for a, b in zip(weights_on, weights_off):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
