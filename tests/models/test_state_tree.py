"""Model.get_state_tree / set_state_tree: Keras 3's nested dicts of a model's variables, checked against the trees
real Keras 3 gives for the same model before and after one training step (tests/fixtures/state_tree)."""
import os

import numpy as np
import pytest

import minikeras as mk
from minikeras import layers as L

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "state_tree")
OPTIMIZERS = ["adam", "rmsprop", "nadam"]


def _model(optimizer):
    inputs = mk.Input((3,), name="input_a")
    hidden = L.BatchNormalization(name="norm")(L.Dense(2, use_bias=False, name="hidden")(inputs))
    model = mk.Model(inputs, L.Dense(1, name="output_a")(hidden))
    model.compile(loss="mse", optimizer=optimizer)
    return model


def _keras(optimizer):
    data = np.load(os.path.join(FIXTURES, f"{optimizer}.npz"))
    weights = [data[f"w{i}"] for i in range(len([k for k in data.files if k.startswith("w")]))]
    return data, weights


def _flat(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        out.update(_flat(value, f"{prefix}{key}/") if isinstance(value, dict) else {f"{prefix}{key}": value})
    return out


def _keras_tree(data, when):
    # minikeras keeps no metric state on the model (its running metrics live for one fit or evaluate)
    return {k[len(when) + 1:]: data[k] for k in data.files
            if k.startswith(when + ":") and not k.startswith(when + ":metrics_variables")}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("when", ["before", "after"])
def test_the_tree_has_keras_s_paths_and_values(optimizer, when):
    data, weights = _keras(optimizer)
    model = _model(optimizer)
    model.set_weights(weights)
    if when == "after":
        model.fit(data["x"], data["y"], batch_size=4, epochs=1, shuffle=False, verbose=0)
    # optimizer names are made unique per process ("adam_1" for the second Adam), as in Keras
    unique = f"optimizer_variables/{model.optimizer.name}/"
    ours = {k.replace(unique, f"optimizer_variables/{model.optimizer.name.rsplit('_', 1)[0]}/")
            if model.optimizer.name.rsplit("_", 1)[-1].isdigit() else k: v
            for k, v in _flat(model.get_state_tree(value_format="numpy_array")).items()}
    keras = _keras_tree(data, when)
    assert list(ours) == list(keras)
    for path, value in keras.items():
        np.testing.assert_allclose(ours[path], value, rtol=1e-4, atol=1e-6, err_msg=path)
        assert np.shape(ours[path]) == np.shape(value)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_keras_tree_set_into_a_fresh_model_trains_on_the_same_way(optimizer):
    data, _ = _keras(optimizer)
    model = _model(optimizer)
    tree = {}
    for path, value in _keras_tree(data, "after").items():
        node = tree
        for part in path.split("/")[:-1]:
            node = node.setdefault(part, {})
        node[path.split("/")[-1]] = value
    model.set_state_tree(tree)
    assert model.optimizer.iterations == 1
    again = _model(optimizer)
    again.set_state_tree(model.get_state_tree())
    model.fit(data["x"], data["y"], batch_size=4, verbose=0, shuffle=False)
    again.fit(data["x"], data["y"], batch_size=4, verbose=0, shuffle=False)
    for ours, theirs in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_a_tree_that_does_not_fit_is_refused_and_changes_nothing():
    model = _model("adam")
    before = model.get_weights()
    tree = model.get_state_tree()
    tree["trainable_variables"]["hidden"]["kernel"] = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"'hidden/kernel' has shape \(3, 2\), got a value of shape \(4, 2\)"):
        model.set_state_tree(tree)
    with pytest.raises(ValueError, match=r"has no variable 'hidden/kernl'"):
        model.set_state_tree({"trainable_variables": {"hidden": {"kernl": np.zeros((3, 2))}}})
    with pytest.raises(ValueError, match=r"no variable\(s\) \['momentum'\]"):
        model.set_state_tree({"optimizer_variables": {"adam": {"momentum": 1.0}}})
    with pytest.raises(ValueError, match=r"unknown part\(s\) \['weights'\]"):
        model.set_state_tree({"weights": {}})
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_a_duplicate_path_and_an_unknown_value_format_are_refused():
    class Twice(mk.Model):
        def __init__(self):
            super().__init__()
            self.first = L.Dense(2, name="same")
            self.second = L.Dense(2, name="same")

        def call(self, x):
            return self.second(self.first(x))

    model = Twice()
    model(np.ones((1, 2)))
    with pytest.raises(ValueError, match="variable path is found twice in the model: 'same/kernel'"):
        model.get_state_tree()
    with pytest.raises(ValueError, match="value_format must be one of"):
        _model("adam").get_state_tree(value_format="list")
