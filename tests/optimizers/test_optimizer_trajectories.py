"""Optimizers step for step against Keras 3: five updates of fixed variables with fixed gradients
(fixtures/optimizers.*, from make_optimizer_fixtures.py), default configs, schedules, legacy arguments, get()."""
import json
import os
import re
import warnings

import numpy as np
import pytest

from minikeras import optimizers
from minikeras.optimizers import schedules

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "optimizers.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "optimizers.npz")))
NAMES = ("kernel", "bias")


def build(class_name, kwargs):
    kwargs = dict(kwargs)
    rate = kwargs.get("learning_rate")
    if isinstance(rate, list):
        kwargs["learning_rate"] = getattr(schedules, rate[0])(**rate[1])
    return getattr(optimizers, class_name)(**kwargs)


def run(optimizer, steps):
    params = {"dense": {name: ARRAYS[f"start/{name}"].copy() for name in NAMES}}
    state = optimizer.init(params)
    trajectory = [params]
    for step in range(steps):
        grads = {"dense": {name: ARRAYS[f"grads/{name}"][step] for name in NAMES}}
        params, state = optimizer.update(params, grads, state)
        trajectory.append(params)
    return trajectory, state


def assert_trajectory(trajectory, case):
    for name in NAMES:
        got = np.stack([p["dense"][name] for p in trajectory])
        np.testing.assert_allclose(got, ARRAYS[f"traj/{case}/{name}"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"{case}: {name}")


@pytest.mark.parametrize("case", sorted(FACTS["cases"]))
def test_trajectory_matches_keras(case):
    spec = FACTS["cases"][case]
    trajectory, state = run(build(spec["class"], spec["kwargs"]), FACTS["steps"])
    assert state["iterations"] == FACTS["steps"]
    assert_trajectory(trajectory, case)


@pytest.mark.parametrize("case", sorted(FACTS["legacy"]))
def test_keras1_lr_and_decay_match_the_keras3_schedule(case):
    spec = FACTS["legacy"][case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer = build(spec["class"], spec["kwargs"])
    trajectory, _ = run(optimizer, FACTS["steps"])
    assert_trajectory(trajectory, case)


def test_update_is_pure():
    optimizer = optimizers.Adam(learning_rate=0.1)
    params = {"dense": {name: ARRAYS[f"start/{name}"].copy() for name in NAMES}}
    before = {name: params["dense"][name].copy() for name in NAMES}
    state = optimizer.init(params)
    grads = {"dense": {name: ARRAYS[f"grads/{name}"][0] for name in NAMES}}
    new_params, new_state = optimizer.update(params, grads, state)
    again, _ = optimizer.update(params, grads, state)
    for name in NAMES:
        np.testing.assert_array_equal(params["dense"][name], before[name])
        np.testing.assert_array_equal(again["dense"][name], new_params["dense"][name])
    assert state["iterations"] == 0 and new_state["iterations"] == 1


@pytest.mark.parametrize("class_name", sorted(FACTS["defaults"]))
def test_default_config_matches_keras(class_name):
    ours = getattr(optimizers, class_name)().get_config()
    keras_config = FACTS["defaults"][class_name]
    assert set(ours) == set(keras_config)
    for key, value in keras_config.items():
        if key == "name":  # Keras numbers each new optimizer's name (sgd_11); the base name is what matters
            assert re.sub(r"_\d+$", "", ours[key]) == re.sub(r"_\d+$", "", value)
        elif isinstance(value, float):
            assert ours[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert ours[key] == value, key


@pytest.mark.parametrize("class_name", sorted(FACTS["defaults"]))
def test_config_round_trip(class_name):
    optimizer = getattr(optimizers, class_name)(learning_rate=0.05, clipnorm=2.0)
    again = type(optimizer).from_config(optimizer.get_config())
    assert again.get_config() == optimizer.get_config()


@pytest.mark.parametrize("name", sorted(FACTS["schedule_configs"]))
def test_schedule_config_matches_keras(name):
    keras_config = FACTS["schedule_configs"][name]
    args = {k: v for k, v in keras_config.items() if k != "name"}
    args.pop("warmup_target", None), args.pop("warmup_steps", None)
    assert getattr(schedules, name)(**args).get_config() == keras_config


def test_schedule_survives_optimizer_config():
    optimizer = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 2, 0.5))
    config = optimizer.get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    again = optimizers.SGD.from_config(config)
    assert again.current_learning_rate(4) == pytest.approx(0.025)


def test_serialize_matches_keras_layout():
    ours = optimizers.serialize(optimizers.Adam(learning_rate=0.01))
    keras_dict = FACTS["serialized_adam"]
    assert ours["class_name"] == keras_dict["class_name"] and ours["module"] == keras_dict["module"]
    assert set(ours["config"]) == set(keras_dict["config"])
    assert isinstance(optimizers.deserialize(ours), optimizers.Adam)


@pytest.mark.parametrize("name, cls", [("adam", "Adam"), ("Adam", "Adam"), ("sgd", "SGD"), ("rmsprop", "RMSprop"),
                                       ("RMSprop", "RMSprop"), ("adagrad", "Adagrad"), ("adadelta", "Adadelta"),
                                       ("adamax", "Adamax"), ("nadam", "Nadam"), ("adamw", "AdamW")])
def test_get_by_name(name, cls):
    found = optimizers.get(name)
    assert type(found).__name__ == cls
    expected = getattr(optimizers, cls)().get_config()
    assert {**found.get_config(), "name": None} == {**expected, "name": None}


def test_get_returns_an_optimizer_instance_unchanged():
    optimizer = optimizers.SGD(learning_rate=0.3)
    assert optimizers.get(optimizer) is optimizer


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match="adamm.*'adam'"):
        optimizers.get("adamm")


def test_get_refuses_other_types():
    with pytest.raises(TypeError, match="optimizer"):
        optimizers.get(3)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_unknown_argument_is_refused():
    with pytest.raises(TypeError, match="momentun"):
        optimizers.SGD(momentun=0.9)


def test_negative_learning_rate_is_refused():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate=-1.0)


def test_lr_alias_reads_and_sets_the_learning_rate():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer = optimizers.RMSprop(lr=0.02)
    assert optimizer.learning_rate == pytest.approx(0.02)
    optimizer.lr = 0.5
    assert optimizer.learning_rate == 0.5


def test_keras_2_2_signatures_with_epsilon_none_and_schedule_decay_run_as_the_keras_3_defaults():
    # as copied from Keras 2.2's docs: epsilon=None meant K.epsilon() (1e-7); Nadam's schedule_decay is not Keras 3's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        adam = optimizers.Adam(lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0, amsgrad=False)
        nadam = optimizers.Nadam(lr=0.01, epsilon=None, schedule_decay=0.004)
    assert any("schedule_decay" in str(w.message) for w in caught)
    assert_trajectory(run(adam, FACTS["steps"])[0], "adam")
    assert_trajectory(run(nadam, FACTS["steps"])[0], "nadam")
