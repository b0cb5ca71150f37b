"""Initializers: Keras 3's names, configs and fan rules (fixtures/building_blocks.json), exact values for the
deterministic ones, and for the random ones the distribution Keras's formula prescribes."""
import json
import math
import os

import numpy as np
import pytest

from minikeras import backend, initializers

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "building_blocks.json")) as f:
    FACTS = json.load(f)
ARRAYS = dict(np.load(os.path.join(FIXTURES, "building_blocks.npz")))
TRUNCATED_STD = 0.87962566103423978  # std of a unit normal cut at +-2


def assert_config_covers(ours, keras):
    """Every entry of Keras's config is in ours with the same value (ours may keep more, e.g. Identity's gain)."""
    assert ours["module"] == keras["module"] and ours["class_name"] == keras["class_name"]
    for key, value in keras["config"].items():
        assert key in ours["config"], (keras["class_name"], key)
        if isinstance(value, float):
            assert ours["config"][key] == pytest.approx(value, rel=1e-6), (keras["class_name"], key)
        else:
            assert ours["config"][key] == value, (keras["class_name"], key)


@pytest.mark.parametrize("name", sorted(FACTS["initializer_get"]))
def test_names_resolve_to_what_keras3_resolves_them_to(name):
    assert_config_covers(initializers.serialize(initializers.get(name)), FACTS["initializer_get"][name])


def test_serialized_configs_match_keras():
    made = {"Constant(0.3)": initializers.Constant(0.3),
            "VarianceScaling(2.0,'fan_out','uniform',seed=7)": initializers.VarianceScaling(2.0, "fan_out", "uniform",
                                                                                             seed=7),
            "RandomNormal(mean=1.0, stddev=0.5)": initializers.RandomNormal(1.0, 0.5),
            "Identity(gain=2.0)": initializers.Identity(2.0)}
    for key, init in made.items():
        assert_config_covers(initializers.serialize(init), FACTS["initializer_serialize"][key])


def test_deserialize_inverts_serialize():
    for init in (initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=7), initializers.Orthogonal(gain=3.0),
                 initializers.Constant(0.3), initializers.GlorotNormal(seed=1)):
        back = initializers.deserialize(initializers.serialize(init))
        assert type(back) is type(init) and back.get_config() == init.get_config()


@pytest.mark.parametrize("shape,fans", FACTS["fans"])
def test_fans_follow_keras(shape, fans):
    assert initializers.compute_fans(tuple(shape)) == tuple(fans)


def test_fans_from_explicit_axes():
    assert initializers.compute_fans((3, 4, 5), input_axes=[0, 1], output_axes=[2]) == (12, 5)


@pytest.mark.parametrize("name,init,shape", [
    ("ones", initializers.Ones(), (3, 4)), ("zeros", initializers.Zeros(), (2, 5)),
    ("constant", initializers.Constant(0.25), (2, 3)), ("identity", initializers.Identity(), (3, 3)),
    ("identity_rect", initializers.Identity(gain=2.0), (2, 4)), ("identity_tall", initializers.Identity(), (4, 2))])
def test_deterministic_initializers_equal_keras(name, init, shape):
    values = init(shape)
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, ARRAYS[f"init/{name}"])


def test_identity_needs_a_matrix():
    with pytest.raises(ValueError, match="Identity.*2-D.*\\(2, 2, 2\\)"):
        initializers.Identity()((2, 2, 2))


# (initializer, shape, expected mean, expected std, bound or None, truncated?)
def variance_scaling_cases():
    matrix, conv = (300, 200), (3, 3, 32, 64)
    fan_in, fan_out = 300, 200
    conv_in, conv_out = 9 * 32, 9 * 64
    return [
        (initializers.GlorotUniform(), matrix, math.sqrt(2.0 / (fan_in + fan_out)), math.sqrt(6.0 / (fan_in + fan_out))),
        (initializers.GlorotNormal(), matrix, math.sqrt(2.0 / (fan_in + fan_out)), None),
        (initializers.HeNormal(), conv, math.sqrt(2.0 / conv_in), None),
        (initializers.HeUniform(), conv, math.sqrt(2.0 / conv_in), math.sqrt(6.0 / conv_in)),
        (initializers.LecunNormal(), matrix, math.sqrt(1.0 / fan_in), None),
        (initializers.LecunUniform(), conv, math.sqrt(1.0 / conv_in), math.sqrt(3.0 / conv_in)),
        (initializers.VarianceScaling(3.0, "fan_out", "untruncated_normal"), matrix, math.sqrt(3.0 / fan_out), None),
        (initializers.VarianceScaling(0.5, "fan_avg", "uniform"), conv, math.sqrt(1.0 / (conv_in + conv_out)),
         math.sqrt(3.0 / (conv_in + conv_out))),
    ]


@pytest.mark.parametrize("init,shape,std,bound", variance_scaling_cases(),
                         ids=lambda v: type(v).__name__ if isinstance(v, initializers.Initializer) else None)
def test_variance_scaling_family_draws_keras_distribution(init, shape, std, bound):
    values = init(shape, rng=np.random.default_rng(1))
    assert values.shape == shape and values.dtype == np.float32
    assert abs(values.mean()) < 4 * std / math.sqrt(values.size)
    assert values.std() == pytest.approx(std, rel=0.03)
    if bound is not None:
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.99 * bound
    if getattr(init, "distribution", None) == "truncated_normal":
        assert np.abs(values).max() <= 2 * std / TRUNCATED_STD


def test_random_normal_uniform_and_truncated_use_their_arguments():
    rng = np.random.default_rng(2)
    normal = initializers.RandomNormal(mean=1.0, stddev=0.5)((400, 100), rng=rng)
    assert normal.mean() == pytest.approx(1.0, abs=0.01) and normal.std() == pytest.approx(0.5, rel=0.02)
    uniform = initializers.RandomUniform(minval=-2.0, maxval=4.0)((400, 100), rng=rng)
    assert uniform.min() >= -2.0 and uniform.max() < 4.0
    assert uniform.std() == pytest.approx(6.0 / math.sqrt(12.0), rel=0.02)
    truncated = initializers.TruncatedNormal(mean=0.5, stddev=0.1)((400, 100), rng=rng)
    assert np.all(np.abs(truncated - 0.5) <= 0.2) and truncated.std() == pytest.approx(0.1 * TRUNCATED_STD, rel=0.02)
    assert initializers.get("normal").stddev == 0.05 and initializers.get("uniform").maxval == 0.05


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (4, 10), (3, 3, 2, 5)])
def test_orthogonal_has_orthonormal_rows_or_columns(shape):
    q = initializers.Orthogonal(gain=2.0)(shape, dtype="float64", rng=np.random.default_rng(3))
    flat = q.reshape(-1, shape[-1]) / 2.0
    small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(small, np.eye(len(small)), atol=1e-12)


def test_orthogonal_needs_two_axes():
    with pytest.raises(ValueError, match="Orthogonal.*rank 2"):
        initializers.Orthogonal()((5,))


def test_seed_makes_values_repeat_and_ignores_rng():
    init = initializers.GlorotUniform(seed=11)
    first = init((4, 3), rng=np.random.default_rng(0))
    np.testing.assert_array_equal(first, init((4, 3), rng=np.random.default_rng(99)))
    np.testing.assert_array_equal(first, initializers.GlorotUniform(seed=11)((4, 3)))
    assert not np.array_equal(first, initializers.GlorotUniform(seed=12)((4, 3)))


def test_unseeded_draws_follow_the_given_rng_or_the_global_seed():
    init = initializers.RandomNormal()
    np.testing.assert_array_equal(init((3,), rng=np.random.default_rng(5)), init((3,), rng=np.random.default_rng(5)))
    backend.set_seed(123)
    first = init((3, 2))
    backend.set_seed(123)
    np.testing.assert_array_equal(first, init((3, 2)))
    assert not np.array_equal(first, init((3, 2)))


def test_dtype_defaults_to_floatx():
    assert initializers.Ones()((2,), dtype="float64").dtype == np.float64
    backend.set_floatx("float64")
    try:
        assert initializers.HeNormal()((3, 3)).dtype == np.float64
    finally:
        backend.set_floatx("float32")


def test_get_accepts_every_kind_of_identifier():
    assert initializers.get(None) is None
    instance = initializers.Orthogonal(gain=2.0)
    assert initializers.get(instance) is instance
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    from_dict = initializers.get({"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out"}})
    assert (from_dict.scale, from_dict.mode, from_dict.distribution) == (2.0, "fan_out", "truncated_normal")

    def half(shape, dtype=None):
        return np.full(shape, 0.5, dtype=dtype)
    assert initializers.get(half) is half


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown initializer 'glorot_unifrom'.*'glorot_uniform'.*Known"):
        initializers.get("glorot_unifrom")


def test_invalid_variance_scaling_arguments_name_the_problem():
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_sideways")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0.0)
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
