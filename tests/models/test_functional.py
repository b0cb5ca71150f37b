"""Functional models: several inputs and outputs with a shared layer train (losses as list or dict, loss
weights, metrics per output); models nest as layers both ways; dict inputs; get_layer."""
import json
import os

import numpy as np
import pytest

import minikeras
from minikeras import layers
from minikeras.utils import set_random_seed


def two_heads():
    a, b = minikeras.Input((4,), name="in_a"), minikeras.Input((4,), name="in_b")
    shared = layers.Dense(8, activation="tanh", name="shared")
    joined = layers.concatenate([shared(a), shared(b)], name="joined")
    score = layers.Dense(1, name="score")(joined)
    label = layers.Dense(3, activation="softmax", name="label")(joined)
    return minikeras.Model([a, b], [score, label], name="two_heads")


def two_heads_data(n=96):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, n, 4)).astype("float32")
    score = (a.sum(1) - b.sum(1))[:, None].astype("float32")
    label = minikeras.utils.to_categorical(np.argmax(a[:, :3] + b[:, :3], axis=1), 3)
    return [a, b], [score, label]


def test_shared_layer_is_one_set_of_weights_used_twice():
    model = two_heads()
    assert [l.name for l in model.layers] == ["in_a", "in_b", "shared", "joined", "score", "label"]
    assert list(model.params) == ["shared", "score", "label"]
    shared = model.get_layer("shared")
    x, _ = two_heads_data(5)
    score, label = model.predict(x, verbose=0)
    hidden = [np.tanh(v @ shared.params["kernel"] + shared.params["bias"]) for v in x]
    head = model.get_layer("score").params
    np.testing.assert_allclose(score, np.concatenate(hidden, 1) @ head["kernel"] + head["bias"], rtol=1e-5, atol=1e-6)
    assert label.shape == (5, 3)


@pytest.mark.parametrize("style", ["list", "dict"])
def test_multi_output_model_trains_with_weights_and_metrics_per_output(style):
    set_random_seed(1)
    model = two_heads()
    if style == "list":
        model.compile(minikeras.optimizers.Adam(0.02), loss=["mse", "categorical_crossentropy"], loss_weights=[0.5, 1.0],
                      metrics=[["mae"], ["accuracy"]])
    else:
        model.compile(minikeras.optimizers.Adam(0.02), loss={"score": "mse", "label": "categorical_crossentropy"},
                      loss_weights={"score": 0.5, "label": 1.0}, metrics={"score": "mae", "label": "accuracy"})
    x, y = two_heads_data()
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    history = model.fit(x, y, epochs=40, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "score_loss", "label_loss", "score_mae", "label_accuracy"}   # Keras 3's names
    after = model.evaluate(x, y, verbose=0, return_dict=True)
    assert after["loss"] < 0.5 * before["loss"]
    assert after["label_accuracy"] > 0.8


def test_loss_weights_weigh_the_total_loss():
    model = two_heads()
    x, y = two_heads_data(8)
    model.compile("sgd", loss=["mse", "categorical_crossentropy"], loss_weights=[1.0, 0.0])
    only_score = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.compile("sgd", loss=["mse", "categorical_crossentropy"], loss_weights=[2.0, 0.0])
    assert np.isclose(model.evaluate(x, y, verbose=0, return_dict=True)["loss"], 2 * only_score, rtol=1e-5)


def test_dict_inputs_and_outputs():
    a, b = minikeras.Input((2,), name="left"), minikeras.Input((2,), name="right")
    model = minikeras.Model({"left": a, "right": b}, {"sum": layers.add([a, b]), "max": layers.maximum([a, b])})
    x = {"left": np.ones((3, 2)), "right": np.full((3, 2), 2.0)}
    out = model.predict(x, verbose=0)
    np.testing.assert_array_equal(out["sum"], 3.0)
    np.testing.assert_array_equal(out["max"], 2.0)


def test_sequential_inside_functional():
    inner = minikeras.Sequential([minikeras.Input((5,)), layers.Dense(4, name="inner_dense")], name="inner")
    x_in = minikeras.Input((5,))
    h = inner(x_in)
    model = minikeras.Model(x_in, layers.Dense(2, name="head")(layers.add([h, h])))
    assert list(model.params) == ["inner", "head"] and list(model.params["inner"]) == ["inner_dense"]
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    expected = model.get_layer("head")(2 * inner.predict(x, verbose=0))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((3, 2)), verbose=0)
    np.testing.assert_array_equal(inner.get_weights()[0], model.get_weights()[0])  # trained in place, one copy


def test_functional_inside_sequential_trains():
    set_random_seed(2)
    x_in = minikeras.Input((3,))
    block = minikeras.Model(x_in, layers.Dense(6, activation="tanh")(x_in), name="block")
    model = minikeras.Sequential([minikeras.Input((3,)), block, layers.Dense(1)])
    assert model.output_shape == (None, 1)
    assert len(model.get_weights()) == 4
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x.sum(1, keepdims=True)
    model.compile(minikeras.optimizers.Adam(0.02), "mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.2 * first


def test_model_used_twice_shares_weights():
    x_in = minikeras.Input((3,))
    encoder = minikeras.Model(x_in, layers.Dense(2)(x_in), name="enc")
    a, b = minikeras.Input((3,)), minikeras.Input((3,))
    siamese = minikeras.Model([a, b], layers.subtract([encoder(a), encoder(b)]))
    assert len(siamese.get_weights()) == 2
    same = np.ones((2, 3), dtype="float32")
    np.testing.assert_allclose(siamese.predict([same, same], verbose=0), 0.0)


def test_get_layer_errors():
    model = two_heads()
    assert model.get_layer(index=2).name == "shared"
    with pytest.raises(ValueError, match=r"No layer named 'nope' in model 'two_heads'.*'shared'"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="Model 'two_heads' has 6 layers; index 9 is out of range"):
        model.get_layer(index=9)


def test_output_names_and_input_names_name_the_layers_in_order():
    # Keras 3's answers for the same three models (tests/fixtures/make_keras_face_fixtures.py); input_names is
    # Keras 2's (Keras 3 has none)
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "keras_face.json")) as f:
        keras_names = json.load(f)["output_names"]
    feats, extra = minikeras.Input((3,), name="feats"), minikeras.Input((2,), name="extra")
    b = layers.Dense(2, name="b_out")(feats)
    a = layers.Dense(3, name="a_out")(feats)
    joined = layers.Concatenate(name="concatenate")([a, extra])
    assert minikeras.Model([feats, extra], [b, a]).output_names == keras_names["list"] == ["b_out", "a_out"]
    assert minikeras.Model([feats, extra], b).output_names == keras_names["single"]
    assert minikeras.Model([feats, extra], [joined, b]).output_names == keras_names["merged"]
    assert minikeras.Model([feats, extra], [joined, b]).input_names == ["feats", "extra"]
    assert two_heads().output_names == ["score", "label"]
