"""The pure core of a model: params/get_weights order equals Keras's (fixtures/models.json), set_weights checks,
`apply` is pure and differentiable with autograd, and trainable flags."""
import json
import os

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

import minikeras
from minikeras import backend, layers
from minikeras.layers.base import weight_paths
from minikeras.params import flatten_params

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "models.json")
with open(FIXTURES) as handle:
    KERAS = json.load(handle)


def from_source(source):
    namespace = {"K": minikeras}
    exec(source, namespace)
    return namespace["m"]


@pytest.mark.parametrize("case", sorted(KERAS["weights"]))
def test_get_weights_order_names_and_shapes_equal_keras(case):
    facts = KERAS["weights"][case]
    model = from_source(facts["source"])
    assert [list(w.shape) for w in model.get_weights()] == facts["shapes"]
    # Keras paths look like 'sequential/lstm/lstm_cell/kernel': compare the layer and the variable name
    ours = [(p.split("/")[0], p.split("/")[-1]) for p in weight_paths(model.params)]
    keras = [(n.split("/")[-3] if "_cell/" in n else n.split("/")[-2], n.split("/")[-1]) for n in facts["names"]]
    assert ours == keras


def dense_lstm():
    return from_source(KERAS["weights"]["dense_lstm"]["source"])


def test_params_leaves_are_get_weights_in_order():
    model = dense_lstm()
    for leaf, weight in zip(flatten_params(model.params), model.get_weights(), strict=True):
        np.testing.assert_array_equal(leaf, weight)


def test_set_weights_round_trip_and_errors_name_the_layer_and_both_shapes():
    model = dense_lstm()
    new = [np.full(w.shape, i, dtype="float32") for i, w in enumerate(model.get_weights())]
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b)
    bad = list(new)
    bad[3] = np.zeros((24, 6))
    with pytest.raises(ValueError, match=r"Layer 'lstm' weight 1 \('recurrent_kernel'\) has shape \(6, 24\);"
                                         r".*shape \(24, 6\)"):
        model.set_weights(bad)
    with pytest.raises(ValueError, match=r"Model '.*' expects a list of 6 weight arrays.*got 5"):
        model.set_weights(new[:5])
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b)


def test_set_weights_shape_error_leaves_every_layer_unchanged():
    model = dense_lstm()
    before = model.get_weights()
    bad = [np.zeros_like(w) for w in before]
    bad[-1] = np.zeros((2, 6))
    with pytest.raises(ValueError, match=r"'dense_out' weight 0 \('kernel'\) has shape \(6, 2\).*\(2, 6\)"):
        model.set_weights(bad)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_apply_is_pure():
    model = dense_lstm()
    before = model.get_weights()
    params = model.params
    other = {name: {k: v * 0.5 for k, v in p.items()} for name, p in params.items()}
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    y_other = model.apply(other, x)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(model.apply(model.params, x), model.predict(x, verbose=0), rtol=1e-6)
    assert not np.allclose(y_other, model.predict(x, verbose=0))


def test_apply_training_uses_the_rng_and_leaves_the_model_alone():
    model = minikeras.Sequential([minikeras.Input((50,)), layers.Dropout(0.5)])
    x = np.ones((2, 50), dtype="float32")
    first = model.apply(model.params, x, training=True, rng=np.random.default_rng(3))
    again = model.apply(model.params, x, training=True, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(model.apply(model.params, x), x)


def test_autograd_grad_of_a_scalar_of_apply():
    saved = backend.floatx()
    backend.set_floatx("float64")
    try:
        model = dense_lstm()
        x = np.random.default_rng(1).normal(size=(2, 5, 3))

        def loss(params):
            return anp.sum(model.apply(params, x) ** 2)
        g = grad(loss)(model.params)
        assert weight_paths(g) == weight_paths(model.params)
        # one central difference on one kernel entry
        eps, p = 1e-6, model.params
        plus = {**p, "dense_in": {**p["dense_in"], "kernel": p["dense_in"]["kernel"] + eps * _unit((3, 4))}}
        minus = {**p, "dense_in": {**p["dense_in"], "kernel": p["dense_in"]["kernel"] - eps * _unit((3, 4))}}
        numeric = (loss(plus) - loss(minus)) / (2 * eps)
        np.testing.assert_allclose(g["dense_in"]["kernel"][1, 2], numeric, rtol=1e-5)
    finally:
        backend.set_floatx(saved)


def _unit(shape):
    u = np.zeros(shape)
    u[1, 2] = 1.0
    return u


def test_model_level_weights_argument():
    x_in = minikeras.Input((2,))
    kernel = np.array([[1.0], [2.0]], dtype="float32")
    out = layers.Dense(1, weights=[kernel, np.array([0.5], dtype="float32")])(x_in)
    model = minikeras.Model(x_in, out)
    np.testing.assert_allclose(model.predict(np.array([[1.0, 1.0]]), verbose=0), [[3.5]])


def test_frozen_layers_do_not_train():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(4, name="frozen", trainable=False),
                                  layers.Dense(1, name="free")])
    frozen_before = model.get_layer("frozen").get_weights()
    free_before = model.get_layer("free").get_weights()
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3)), np.full((8, 1), 3.0), epochs=2, verbose=0)
    for a, b in zip(frozen_before, model.get_layer("frozen").get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(free_before[0], model.get_layer("free").get_weights()[0])


def test_count_params_and_shapes():
    model = dense_lstm()
    assert model.count_params() == sum(w.size for w in model.get_weights()) == 16 + 4 * (6 * 4 + 6 * 6 + 6) + 12
    assert model.input_shape == (None, 5, 3) and model.output_shape == (None, 2)
