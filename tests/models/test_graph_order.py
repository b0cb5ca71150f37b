"""A functional model lists its layers (and so its weights), inputs and outputs in Keras 3's order: layers by depth
from the outputs, deepest first, then in the order a walk back from the outputs meets them; dicts of inputs or
outputs by sorted key, which is also how list-form targets and losses are paired with dict outputs. Facts from real
Keras 3: tests/fixtures/make_graph_order_fixtures.py."""
import json
import os
import sys

import numpy as np
import pytest

import minikeras

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
sys.path.insert(0, FIXTURES)
from graph_order_models import MODELS, dict_model_data, facts, seeded_weights  # noqa: E402

with open(os.path.join(FIXTURES, "graph_order.json")) as f:
    KERAS = json.load(f)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_layers_inputs_outputs_and_weights_come_in_keras_order(name):
    assert facts(MODELS[name](minikeras)) == KERAS["models"][name]


def test_weights_from_keras_get_weights_land_on_the_same_layers():
    # get_weights order is the layers' order: Keras's list, set here, gives Keras's predictions
    model = MODELS["dicts_given_unsorted"](minikeras)
    model.set_weights(seeded_weights(model))
    x, _ = dict_model_data()
    predictions = model.predict(x, verbose=0)
    assert list(predictions) == ["ao", "zo"]
    for key, expected in KERAS["dict_losses"]["predict"].items():
        np.testing.assert_allclose(predictions[key], expected, rtol=1e-5, atol=1e-6)


def test_list_targets_and_losses_pair_with_dict_outputs_by_sorted_key():
    model = MODELS["dicts_given_unsorted"](minikeras)
    model.set_weights(seeded_weights(model))
    model.compile(optimizer="sgd", loss=["mse", "mae"])      # ao gets mse, zo mae
    x, targets = dict_model_data()
    logs = model.evaluate(x, targets, verbose=0, return_dict=True)
    expected = KERAS["dict_losses"]["evaluate"]
    assert set(logs) == set(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-5)
    history = model.fit(x, targets, epochs=1, verbose=0)
    assert sorted(history.history) == ["ao_loss", "loss", "zo_loss"]
