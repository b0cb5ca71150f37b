"""Regularizers and constraints: Keras 3's numbers, gradients and configs (fixtures/building_blocks.*), names."""
import json
import os
import warnings

import numpy as np
import pytest
from autograd import grad
from autograd.test_util import check_grads

from minikeras import constraints, regularizers

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "building_blocks.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "building_blocks.npz")))

REGULARIZERS = {"L1": regularizers.L1(), "L1_0.3": regularizers.L1(0.3), "L2": regularizers.L2(),
                "L2_0.2": regularizers.L2(0.2), "L1L2": regularizers.L1L2(0.01, 0.02),
                "L1L2_default": regularizers.L1L2(), "l1_l2_fn": regularizers.l1_l2(l1=0.1, l2=0.05),
                "orthogonal_rows": regularizers.OrthogonalRegularizer(0.1),
                "orthogonal_cols": regularizers.OrthogonalRegularizer(0.1, "columns")}
CONSTRAINTS = {"MaxNorm": constraints.MaxNorm(), "MaxNorm_1_axis1": constraints.MaxNorm(1.0, axis=1),
               "MaxNorm_conv": constraints.MaxNorm(1.5, axis=[0, 1, 2]), "NonNeg": constraints.NonNeg(),
               "UnitNorm": constraints.UnitNorm(), "UnitNorm_axis1": constraints.UnitNorm(axis=1),
               "MinMaxNorm": constraints.MinMaxNorm(), "MinMaxNorm_rate": constraints.MinMaxNorm(0.5, 2.0, 0.3),
               "MinMaxNorm_conv": constraints.MinMaxNorm(0.2, 0.8, axis=[0, 1, 2])}


def assert_config_covers(ours, keras):
    assert ours["module"] == keras["module"] and ours["class_name"] == keras["class_name"]
    for key, value in keras["config"].items():
        assert ours["config"][key] == (pytest.approx(value, rel=1e-6) if isinstance(value, float) else value), key


# ---------------------------------------------------------------- regularizers
@pytest.mark.parametrize("case", sorted(REGULARIZERS))
def test_penalty_and_gradient_match_keras(case):
    regularizer, w = REGULARIZERS[case], ARRAYS["reg/w"]
    np.testing.assert_allclose(regularizer(w), ARRAYS[f"reg/{case}"], rtol=2e-6)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Output seems independent")  # the all-zero L1L2()
        np.testing.assert_allclose(grad(regularizer)(w), ARRAYS[f"reg/{case}/grad"], rtol=2e-5, atol=1e-7)
    assert_config_covers(regularizers.serialize(regularizer), FACTS["regularizer_configs"][case])


@pytest.mark.parametrize("case", ["L1L2", "L2", "orthogonal_rows", "orthogonal_cols"])
def test_regularizer_gradients_match_finite_differences(case):
    check_grads(REGULARIZERS[case], modes=["rev"], order=1)(ARRAYS["reg/w"].astype("float64"))


@pytest.mark.parametrize("name", ["l1", "l2", "l1l2", "L1", "L2", "L1L2", "orthogonal_regularizer"])
def test_regularizer_names_give_keras_defaults(name):
    keras = FACTS["regularizer_get"][name]
    ours = regularizers.serialize(regularizers.get(name))
    if name == "l1l2":
        # Keras 3.15 builds a zero L1L2() for 'l1l2' though its docs promise 0.01 each; minikeras keeps the promise
        assert ours["config"] == {"l1": 0.01, "l2": 0.01}
    else:
        assert_config_covers(ours, keras)


def test_l1_l2_string_means_a_hundredth_of_each_as_keras_documents():
    assert FACTS["regularizer_get"]["l1_l2"].startswith("error")  # Keras 3.15 cannot find its own name
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}


def test_keras1_spellings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert regularizers.l2(l=0.3).l2 == 0.3
        assert regularizers.l1l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert isinstance(regularizers.l1(0.2), regularizers.L1)


def test_regularizer_get_and_round_trip():
    assert regularizers.get(None) is None
    penalty = regularizers.L2(0.5)
    assert regularizers.get(penalty) is penalty
    assert regularizers.get({"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}}).get_config() == {"l1": 0.1,
                                                                                                      "l2": 0.2}
    back = regularizers.deserialize(regularizers.serialize(regularizers.OrthogonalRegularizer(0.2, "columns")))
    assert back.get_config() == {"factor": 0.2, "mode": "columns"}

    def custom(w):
        return 0.1 * np.sum(w)
    assert regularizers.get(custom) is custom


def test_bad_regularizer_arguments_and_names():
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        regularizers.L2(-1.0)
    with pytest.raises(ValueError, match=r"Unknown regularizer 'l3'.*Did you mean.*'l2'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="OrthogonalRegularizer.*2-D"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2)))


# ---------------------------------------------------------------- constraints
@pytest.mark.parametrize("case", sorted(CONSTRAINTS))
def test_constraint_matches_keras(case):
    w = ARRAYS[f"con/{case}/w"]
    projected = CONSTRAINTS[case](w)
    assert projected.dtype == w.dtype and projected.shape == w.shape
    np.testing.assert_allclose(projected, ARRAYS[f"con/{case}/y"], rtol=2e-6, atol=1e-7)
    assert_config_covers(constraints.serialize(CONSTRAINTS[case]), FACTS["constraint_configs"][case])


def test_max_norm_leaves_small_columns_and_caps_large_ones():
    w = np.array([[3.0, 0.1], [4.0, 0.1]])
    out = constraints.MaxNorm(2.0)(w)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, np.hypot(0.1, 0.1)], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(FACTS["constraint_get"]))
def test_constraint_names_give_keras_defaults(name):
    assert_config_covers(constraints.serialize(constraints.get(name)), FACTS["constraint_get"][name])


def test_constraint_get_and_round_trip():
    assert constraints.get(None) is None
    cap = constraints.MaxNorm(3)
    assert constraints.get(cap) is cap
    back = constraints.deserialize(constraints.serialize(constraints.MinMaxNorm(0.1, 0.9, 0.5, axis=1)))
    assert back.get_config() == {"min_value": 0.1, "max_value": 0.9, "rate": 0.5, "axis": 1}
    assert isinstance(constraints.get("maxnorm"), constraints.MaxNorm)  # Keras 1/2 name
    with pytest.raises(ValueError, match=r"Unknown constraint 'max_nrom'.*'max_norm'"):
        constraints.get("max_nrom")
