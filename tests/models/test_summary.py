"""model.summary(): the same table Keras 3 prints (fixtures/models.json, captured from real Keras), line by line."""
import json
import os

import numpy as np
import pytest

import minikeras
from minikeras import layers

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "models.json")
with open(FIXTURES) as handle:
    KERAS = json.load(handle)["summary"]


def summary_lines(model, **kwargs):
    printed = []
    model.summary(print_fn=printed.append, **kwargs)
    return "\n".join(printed).split("\n")


@pytest.mark.parametrize("case", sorted(KERAS))
def test_summary_equals_keras_line_by_line(case):
    namespace = {"K": minikeras}
    exec(KERAS[case]["source"], namespace)
    got, expected = summary_lines(namespace["m"]), KERAS[case]["lines"]
    for number, (ours, theirs) in enumerate(zip(got, expected)):
        assert ours == theirs, f"line {number} differs"
    assert len(got) == len(expected)


def test_every_table_line_has_the_keras_width():
    namespace = {"K": minikeras}
    exec(KERAS["functional"]["source"], namespace)
    table = [line for line in summary_lines(namespace["m"]) if line[:1] in "┏┃┡│├└"]
    assert {len(line) for line in table} == {108}
    exec(KERAS["sequential"]["source"], namespace)
    table = [line for line in summary_lines(namespace["m"]) if line[:1] in "┏┃┡│├└"]
    assert {len(line) for line in table} == {88}


def test_counts_split_trainable_and_frozen():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(4, trainable=False), layers.Dense(1)])
    lines = summary_lines(model)
    assert lines[-3:] == [" Total params: 21 (84.00 B)", " Trainable params: 5 (20.00 B)",
                          " Non-trainable params: 16 (64.00 B)"]


def test_summary_prints_to_stdout_by_default(capsys):
    minikeras.Sequential([minikeras.Input((2,)), layers.Dense(1)], name="printed").summary()
    assert 'Model: "printed"' in capsys.readouterr().out


def test_summary_of_an_unbuilt_model_shows_unknown_shapes():
    lines = summary_lines(minikeras.Sequential([layers.Dense(2, name="later")]))
    assert lines[4] == "│ later (Dense)                        │ ?                           │     0 (unbuilt) │"
    assert " Total params: 0 (0.00 B)" in lines


# ---- line_length, positions, expand_nested, show_trainable (fixtures/summary_options.json, from Keras 3) -------
with open(os.path.join(os.path.dirname(FIXTURES), "summary_options.json"), encoding="utf-8") as handle:
    KERAS_OPTIONS = json.load(handle)


@pytest.mark.parametrize("case", sorted(KERAS_OPTIONS))
def test_summary_options_equal_keras_line_by_line(case):
    namespace = {"K": minikeras}
    exec(KERAS_OPTIONS[case]["source"], namespace)
    got = summary_lines(namespace["m"], **KERAS_OPTIONS[case]["options"])
    expected = KERAS_OPTIONS[case]["lines"]
    for number, (ours, theirs) in enumerate(zip(got, expected)):
        assert ours == theirs, f"line {number} differs"
    assert len(got) == len(expected)


def test_too_narrow_a_summary_is_a_clear_error():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"summary: line_length=10.*at least 4"):
        model.summary(line_length=10)
    with pytest.raises(ValueError, match=r"summary: positions must give 3 column ends.*\[0.5, 1.0\]"):
        model.summary(positions=[0.5, 1.0])
    with pytest.raises(ValueError, match=r"summary: line_length must be a positive whole number.*'wide'"):
        model.summary(line_length="wide")


def test_a_layer_range_that_matches_nothing_is_a_clear_error():
    model = minikeras.Sequential([minikeras.Input((3,)), layers.Dense(1, name="only")])
    with pytest.raises(ValueError, match=r"summary: layer_range \['nope', 'only'\] matches no layer.*\['only'\]"):
        model.summary(layer_range=("nope", "only"))
    with pytest.raises(ValueError, match=r"summary: layer_range must be two strings"):
        model.summary(layer_range=("only",))


def test_a_nested_models_batch_normalization_keeps_its_moving_statistics_out_of_the_optimizer(capsys):
    # Keras 3: 10 trainable weights (gamma, beta, kernel, bias), so Adam keeps 2 x 10 + iterations + learning rate
    base = minikeras.Sequential([minikeras.Input((3,)), layers.BatchNormalization()])
    model = minikeras.Sequential([minikeras.Input((3,)), base, layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    trainable, frozen = model._split_params()
    bn = base.layers[0].name
    assert sorted(frozen[base.name][bn]) == ["moving_mean", "moving_variance"]
    assert sorted(trainable[base.name][bn]) == ["beta", "gamma"]
    model.summary()
    assert "Optimizer params: 22 " in capsys.readouterr().out


def test_a_nested_graph_model_is_listed_as_functional_as_in_keras_3(capsys):
    inner_input = minikeras.Input((3,))
    inner = minikeras.Model(inner_input, layers.Dense(2)(inner_input), name="inner")
    outer_input = minikeras.Input((3,))
    minikeras.Model(outer_input, layers.Dense(1)(inner(outer_input))).summary()
    assert "inner (Functional)" in capsys.readouterr().out
